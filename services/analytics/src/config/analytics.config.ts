import type { ServiceDescription } from '@switchboard/platform';
import { z } from 'zod';

export const SERVICE_NAME = 'analytics';
export const DEFAULT_PORT = 3003;

export const API_DESCRIPTION: ServiceDescription = {
  title: 'Switchboard analytics',
  description: 'Sentiment, abuse, gratitude and small talk per utterance; wellbeing, churn risk, KPIs and staffing; live dashboard.',
};

/** CloudEvents `source` of everything analytics publishes. */
export const SERVICE_SOURCE = 'switchboard/analytics';

/** The service's own environment variables (validated at start, beside the platform's). */
export const analyticsEnvSchema = z.object({
  /** Length of the live KPI window. */
  ANALYTICS_KPI_WINDOW_MINUTES: z.coerce.number().int().min(1).max(1440).default(15),
  /** SLA target of queues that have none of their own: percent answered within seconds. */
  ANALYTICS_SLA_PERCENT: z.coerce.number().min(0).max(100).default(80),
  ANALYTICS_SLA_SECONDS: z.coerce.number().int().min(1).max(86_400).default(20),
  /** Period of the KPI snapshot round (live and day snapshots of every active tenant and queue). */
  ANALYTICS_KPI_INTERVAL_MS: z.coerce.number().int().min(100).max(3_600_000).default(5000),
  /** Least time between two live snapshots of one tenant when events trigger them. */
  ANALYTICS_KPI_MIN_GAP_MS: z.coerce.number().int().min(50).max(60_000).default(500),
});
export type AnalyticsEnv = z.infer<typeof analyticsEnvSchema>;
