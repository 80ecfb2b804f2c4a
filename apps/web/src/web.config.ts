import { ConfigValidationError } from '@switchboard/platform';
import { z } from 'zod';

export const SERVICE_NAME = 'web';
export const DEFAULT_PORT = 3000;

const httpUrl = z.url({ protocol: /^https?$/ });

/** Environment of the web app (ops dashboard and agent console), validated once at start. */
export const webEnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(DEFAULT_PORT),
  HOST: z.string().min(1).default('0.0.0.0'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Base URLs of the four services the pages talk to through `/api/<service>/…`. */
  INTAKE_URL: httpUrl.default('http://127.0.0.1:3001'),
  ROUTING_URL: httpUrl.default('http://127.0.0.1:3002'),
  ANALYTICS_URL: httpUrl.default('http://127.0.0.1:3003'),
  NOTIFY_URL: httpUrl.default('http://127.0.0.1:3004'),
  /** NATS, for the live transcript of an interaction (the agent console). */
  NATS_URL: z.string().min(1).default('nats://127.0.0.1:4222'),
  NATS_NAMESPACE: z
    .string()
    .regex(/^[a-z0-9]{0,24}$/, 'lower-case letters and digits only, at most 24')
    .default(''),
  /** How long a transcript stream waits for analytics to confirm the caller may read the interaction. */
  WEB_TRANSCRIPT_AUTHORIZE_TIMEOUT_MS: z.coerce.number().int().min(0).max(120_000).default(15_000),
  /** How long `/health/ready` waits for each service's own readiness answer. */
  WEB_UPSTREAM_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(2_000),
});

export type WebEnv = z.infer<typeof webEnvSchema>;

export const UPSTREAMS = ['intake', 'routing', 'analytics', 'notify'] as const;
export type Upstream = (typeof UPSTREAMS)[number];

export interface WebConfig {
  env: WebEnv['NODE_ENV'];
  http: { host: string; port: number };
  logLevel: WebEnv['LOG_LEVEL'];
  upstreams: Record<Upstream, string>;
  upstreamTimeoutMs: number;
  nats: { url: string; namespace: string };
  transcriptAuthorizeTimeoutMs: number;
}

/** Validates the environment; one line per offending variable in the thrown ConfigValidationError. */
export function loadWebConfig(env: Record<string, string | undefined>): WebConfig {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  const result = webEnvSchema.safeParse(cleaned);
  if (!result.success) {
    throw new ConfigValidationError(
      SERVICE_NAME,
      result.error.issues.map((issue) => ({ variable: issue.path.join('.') || '(root)', message: issue.message })),
    );
  }
  const e = result.data;
  return {
    env: e.NODE_ENV,
    http: { host: e.HOST, port: e.PORT },
    logLevel: e.LOG_LEVEL,
    upstreams: { intake: e.INTAKE_URL, routing: e.ROUTING_URL, analytics: e.ANALYTICS_URL, notify: e.NOTIFY_URL },
    upstreamTimeoutMs: e.WEB_UPSTREAM_TIMEOUT_MS,
    nats: { url: e.NATS_URL, namespace: e.NATS_NAMESPACE },
    transcriptAuthorizeTimeoutMs: e.WEB_TRANSCRIPT_AUTHORIZE_TIMEOUT_MS,
  };
}
