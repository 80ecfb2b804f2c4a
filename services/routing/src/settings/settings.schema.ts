import { z } from 'zod';
import { wellbeingLevelSchema } from '@switchboard/contracts';
import { DEFAULT_SETTINGS, type RoutingSettings } from '../engine/engine.types';

/** Tenant routing settings: every field optional on write; defaults fill what a tenant never set. */
export const settingsSchema = z.strictObject({
  stickyEnabled: z.boolean(),
  stickyDays: z.number().int().min(1).max(365),
  stickyWaitSeconds: z.number().int().min(0).max(3600),
  agingPointsPerMinute: z.number().min(0).max(100),
  vipBoost: z.number().min(0).max(10),
  recoveryEnabled: z.boolean(),
  recoveryWrapUpSeconds: z.number().int().min(0).max(3600),
  strainGuardEnabled: z.boolean(),
  strainLevels: z.array(wellbeingLevelSchema).max(4),
  newHireGuardEnabled: z.boolean(),
  newHireTenureDays: z.number().int().min(0).max(3650),
  occupancyCapEnabled: z.boolean(),
  occupancyCap: z.number().min(0).max(1),
  occupancyWindowMinutes: z.number().int().min(1).max(24 * 60),
  maxMissedOffers: z.number().int().min(1).max(100),
}).partial();

export function resolveSettings(stored: unknown): RoutingSettings {
  const parsed = settingsSchema.safeParse(stored ?? {});
  return { ...DEFAULT_SETTINGS, ...(parsed.success ? parsed.data : {}) };
}
