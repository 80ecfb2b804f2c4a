import { z } from 'zod';
import type { ServiceDescription } from '@switchboard/platform';

export const SERVICE_NAME = 'intake';
export const DEFAULT_PORT = 3001;

/** Intake's default request body limit (`BODY_LIMIT_BYTES` overrides it): a batch of 500 utterances of a few KB exceeds 1 MiB. */
export const DEFAULT_BODY_LIMIT_BYTES = 5 * 1024 * 1024;

export const API_DESCRIPTION: ServiceDescription = {
  title: 'Switchboard intake',
  description: 'Ingests interaction and agent events from telephony systems: validates, de-duplicates, publishes to JetStream and archives them.',
  defaultBodyLimitBytes: DEFAULT_BODY_LIMIT_BYTES,
};

/** Largest batch `POST /v1/events` accepts. */
export const MAX_BATCH_EVENTS = 500;

const DAY_SECONDS = 24 * 60 * 60;

/** Intake's own environment variables (validated with the platform's at start). */
export const intakeEnvSchema = z.object({
  /** Events per second a tenant may ingest (token bucket refill rate). */
  INTAKE_RATE_LIMIT_PER_SECOND: z.coerce.number().int().min(1).max(10_000_000).default(2000),
  /** Bucket size: the burst a tenant may send at once (default: two seconds' worth). */
  INTAKE_RATE_LIMIT_BURST: z.coerce.number().int().min(1).max(100_000_000).optional(),
  /** How long an accepted event id is remembered in Redis (at least a day). */
  INTAKE_DEDUP_TTL_SECONDS: z.coerce.number().int().min(DAY_SECONDS).max(30 * DAY_SECONDS).default(2 * DAY_SECONDS),
  /** Largest batch the archive writes in one INSERT. */
  INTAKE_ARCHIVE_BATCH_SIZE: z.coerce.number().int().min(1).max(5000).default(500),
  /** Longest an archived event waits for its batch to fill. */
  INTAKE_ARCHIVE_FLUSH_MS: z.coerce.number().int().min(1).max(10_000).default(50),
  /** How long JetStream waits for the archive's ack before redelivering (after a crash, unarchived events come back after this). */
  INTAKE_ARCHIVE_ACK_WAIT_MS: z.coerce.number().int().min(500).max(600_000).default(30_000),
  /** Public base URL Twilio calls (signatures are computed over it), e.g. https://intake.example.com */
  INTAKE_PUBLIC_BASE_URL: z.url({ protocol: /^https?$/ }).optional(),
  /** 32-byte key (base64 or hex) encrypting integration secrets at rest; derived from JWT_SECRET when absent. */
  INTEGRATION_SECRET_KEY: z
    .string()
    .refine((v) => decodeKey(v) !== undefined, 'must be 32 bytes, base64 or hex encoded')
    .optional(),
  /** First reconnect delay of the Asterisk and FreeSWITCH clients (doubles up to the maximum). */
  INTAKE_SOCKET_BACKOFF_MS: z.coerce.number().int().min(10).max(60_000).default(1000),
  INTAKE_SOCKET_BACKOFF_MAX_MS: z.coerce.number().int().min(10).max(600_000).default(30_000),
  /** How often a replica re-reads the integration settings to start, restart or stop its socket clients. */
  INTAKE_INTEGRATION_SYNC_MS: z.coerce.number().int().min(50).max(600_000).default(10_000),
});
export type IntakeEnv = z.infer<typeof intakeEnvSchema>;

/** A 32-byte key from base64 or hex, or undefined when it is neither. */
export function decodeKey(value: string): Buffer | undefined {
  if (/^[0-9a-f]{64}$/i.test(value)) return Buffer.from(value, 'hex');
  const buffer = Buffer.from(value, 'base64');
  return buffer.length === 32 ? buffer : undefined;
}

/** Typed intake settings, read once from the validated environment. */
export interface IntakeSettings {
  rateLimit: { perSecond: number; burst: number };
  dedupTtlMs: number;
  archive: { batchSize: number; flushMs: number; ackWaitMs: number };
  publicBaseUrl: string | undefined;
  socketBackoff: { baseMs: number; maxMs: number };
  integrationSyncMs: number;
}

export const INTAKE_SETTINGS = Symbol('INTAKE_SETTINGS');

export function toIntakeSettings(env: IntakeEnv): IntakeSettings {
  return {
    rateLimit: { perSecond: env.INTAKE_RATE_LIMIT_PER_SECOND, burst: env.INTAKE_RATE_LIMIT_BURST ?? env.INTAKE_RATE_LIMIT_PER_SECOND * 2 },
    dedupTtlMs: env.INTAKE_DEDUP_TTL_SECONDS * 1000,
    archive: { batchSize: env.INTAKE_ARCHIVE_BATCH_SIZE, flushMs: env.INTAKE_ARCHIVE_FLUSH_MS, ackWaitMs: env.INTAKE_ARCHIVE_ACK_WAIT_MS },
    publicBaseUrl: env.INTAKE_PUBLIC_BASE_URL?.replace(/\/+$/, ''),
    socketBackoff: { baseMs: env.INTAKE_SOCKET_BACKOFF_MS, maxMs: Math.max(env.INTAKE_SOCKET_BACKOFF_MS, env.INTAKE_SOCKET_BACKOFF_MAX_MS) },
    integrationSyncMs: env.INTAKE_INTEGRATION_SYNC_MS,
  };
}
