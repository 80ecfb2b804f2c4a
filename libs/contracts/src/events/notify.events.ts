import { z } from 'zod';
import { idSchema, timestampSchema } from '../primitives';

/** Delivery outcomes reported by the notify service (the delivery log as events). */

export const NOTIFICATION_CHANNELS = ['websocket', 'webhook', 'email', 'slack'] as const;
export type NotificationChannel = (typeof NOTIFICATION_CHANNELS)[number];
export const notificationChannelSchema = z.enum(NOTIFICATION_CHANNELS);

const notifyBaseSchema = z.object({
  notificationId: idSchema,
  channel: notificationChannelSchema,
  recipient: z.string().min(1).max(512).describe('Agent or user id, webhook subscription id, or e-mail address.'),
  attempt: z.number().int().min(1).describe('1 for the first delivery attempt.'),
  kind: z.string().min(1).max(64).optional().describe('What was delivered: offer, alert, kudos, digest…'),
  eventId: z.string().min(1).max(256).optional().describe('Id of the event that caused the notification.'),
  interactionId: idSchema.optional(),
  agentId: idSchema.optional(),
});

export const notifyDeliveredDataSchema = notifyBaseSchema.extend({
  latencyMs: z.number().int().min(0).optional().describe('From the causing event to delivery.'),
});

export const notifyFailedDataSchema = notifyBaseSchema.extend({
  error: z.string().min(1).max(2000),
  final: z.boolean().describe('True when no further attempt will be made (the message is dead-lettered).'),
  nextAttemptAt: timestampSchema.optional(),
});

export const notifyEventSchemas = {
  'notify.delivered': notifyDeliveredDataSchema,
  'notify.failed': notifyFailedDataSchema,
} as const;

export type NotifyDeliveredData = z.infer<typeof notifyDeliveredDataSchema>;
export type NotifyFailedData = z.infer<typeof notifyFailedDataSchema>;
