import { z } from 'zod';
import type { ServiceDescription } from '@switchboard/platform';

export const SERVICE_NAME = 'routing';
export const DEFAULT_PORT = 3002;

export const API_DESCRIPTION: ServiceDescription = {
  title: 'Switchboard routing',
  description: 'Agents, queues and presence; assigns interactions to agents with offers, wellbeing-aware.',
};

/** Routing's own environment variables. */
export const routingEnvSchema = z.object({
  /** The periodic decision round (aging, overflow, sticky waits, offer expiry, wrap-up end). */
  ROUTING_TICK_MS: z.coerce.number().int().min(20).max(60_000).default(500),
  /** Reload a tenant's in-memory snapshot at least this often even when its version did not move (safety net). */
  ROUTING_SNAPSHOT_MAX_AGE_MS: z.coerce.number().int().min(100).max(600_000).default(10_000),
  /** How often the rolling occupancy of a tenant's agents is recomputed. */
  ROUTING_OCCUPANCY_REFRESH_MS: z.coerce.number().int().min(50).max(600_000).default(5_000),
  /** Waiting interactions decided, reserved and committed together (one Redis script and one transaction each). */
  ROUTING_ROUND_BATCH: z.coerce.number().int().min(1).max(2_000).default(250),
  /** Connections of the decision rounds' own pool (reads and offer commits), apart from `DB_POOL_MAX`. */
  ROUTING_DISPATCH_POOL_MAX: z.coerce.number().int().min(1).max(50).default(4),
});
export type RoutingEnv = z.infer<typeof routingEnvSchema>;
