import type { ServiceDescription } from '@switchboard/platform';

export const SERVICE_NAME = 'analytics';
export const DEFAULT_PORT = 3003;

export const API_DESCRIPTION: ServiceDescription = {
  title: 'Switchboard analytics',
  description: 'Sentiment, abuse, gratitude and small talk per utterance; wellbeing, churn risk, KPIs and staffing; live dashboard.',
};

/** CloudEvents `source` of everything analytics publishes. */
export const SERVICE_SOURCE = 'switchboard/analytics';
