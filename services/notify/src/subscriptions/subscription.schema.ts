import { z } from 'zod';
import { NOTIFYING_EVENT_TYPES } from '../notifications/notification-plan';
import { severitySchema } from '../notifications/severity';

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'HH:MM (24 h)');

export const timeZoneSchema = z.string().refine((tz) => {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}, 'an IANA time zone such as Europe/Paris');

export const quietHoursSchema = z.object({ start: hhmm, end: hhmm, timeZone: timeZoneSchema });
export type QuietHours = z.infer<typeof quietHoursSchema>;

export const SUBSCRIPTION_CHANNELS = ['webhook', 'email', 'slack'] as const;
export type SubscriptionChannel = (typeof SUBSCRIPTION_CHANNELS)[number];

const httpUrl = z.url({ protocol: /^https?$/ }).max(2048);

export const createSubscriptionSchema = z
  .object({
    channel: z.enum(SUBSCRIPTION_CHANNELS),
    target: z.string().min(3).max(2048),
    secret: z.string().min(16).max(256).optional(),
    eventTypes: z.array(z.enum(NOTIFYING_EVENT_TYPES)).max(NOTIFYING_EVENT_TYPES.length).default([]),
    minSeverity: severitySchema.default('info'),
    quietHours: quietHoursSchema.nullable().default(null),
    /** Makes this an escalation target: it receives critical alerts still unacknowledged after this many seconds. */
    escalateAfterSeconds: z.number().int().min(1).max(86_400).nullable().default(null),
    /** Low-priority items (info, low) are collected and sent as one digest per interval. */
    digestIntervalSeconds: z.number().int().min(1).max(7 * 86_400).nullable().default(null),
  })
  .superRefine((value, ctx) => {
    const ok = value.channel === 'email' ? z.email().safeParse(value.target).success : httpUrl.safeParse(value.target).success;
    if (!ok) {
      ctx.addIssue({
        code: 'custom',
        path: ['target'],
        message: value.channel === 'email' ? 'an e-mail address' : 'an http(s) URL',
      });
    }
  });
export type CreateSubscription = z.infer<typeof createSubscriptionSchema>;

export const updateSubscriptionSchema = z
  .object({
    eventTypes: z.array(z.enum(NOTIFYING_EVENT_TYPES)).max(NOTIFYING_EVENT_TYPES.length),
    minSeverity: severitySchema,
    quietHours: quietHoursSchema.nullable(),
  })
  .partial();
export type UpdateSubscription = z.infer<typeof updateSubscriptionSchema>;

export const idParamSchema = z.object({ id: z.uuid() });
