import type { ServiceDescription } from '@switchboard/platform';
import { z } from 'zod';

export const SERVICE_NAME = 'notify';
export const DEFAULT_PORT = 3004;

export const API_DESCRIPTION: ServiceDescription = {
  title: 'Switchboard notify',
  description: 'Delivers offers, alerts, kudos and digests to agents, supervisors and external systems.',
};

const booleanFlag = z.enum(['true', 'false']).default('false').transform((value) => value === 'true');

/** Environment variables of the notify service (validated together with the platform's). */
export const notifyEnvSchema = z.object({
  /** Base URL of the routing service, used to build the accept/reject links of an offer. */
  NOTIFY_ROUTING_URL: z.url().default('http://127.0.0.1:3002'),
  /** Allow webhook/Slack targets in private, loopback and link-local ranges (tests, on-premises receivers). */
  NOTIFY_ALLOW_PRIVATE_TARGETS: booleanFlag,
  /** SMTP server for e-mail subscriptions, e.g. smtp://user:pass@mail.example.com:587. */
  SMTP_URL: z.url({ protocol: /^smtps?$/ }).optional(),
  SMTP_FROM: z.string().min(3).default('Switchboard <notify@switchboard.local>'),
  NOTIFY_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(50).default(8),
  NOTIFY_BACKOFF_BASE_MS: z.coerce.number().int().min(1).max(3_600_000).default(1_000),
  NOTIFY_BACKOFF_MAX_MS: z.coerce.number().int().min(1).max(86_400_000).default(600_000),
  /** How often the delivery worker looks for due deliveries. */
  NOTIFY_DELIVERY_POLL_MS: z.coerce.number().int().min(10).max(60_000).default(500),
  NOTIFY_DELIVERY_BATCH: z.coerce.number().int().min(1).max(2_000).default(500),
  /** HTTP deliveries in flight per replica (and keep-alive connections per receiver). */
  NOTIFY_DELIVERY_CONCURRENCY: z.coerce.number().int().min(1).max(1_024).default(64),
  NOTIFY_DELIVERY_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
  /** External deliveries per subscription per minute; the rest wait for the next minute (not a failed attempt). */
  NOTIFY_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(600),
  /** Ping interval of WebSocket connections; a socket that misses one pong is dropped. */
  NOTIFY_HEARTBEAT_MS: z.coerce.number().int().min(100).max(300_000).default(30_000),
});

export type NotifyEnv = z.infer<typeof notifyEnvSchema>;
