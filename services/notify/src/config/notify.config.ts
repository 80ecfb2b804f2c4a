import type { ServiceDescription } from '@switchboard/platform';

export const SERVICE_NAME = 'notify';
export const DEFAULT_PORT = 3004;

export const API_DESCRIPTION: ServiceDescription = {
  title: 'Switchboard notify',
  description: 'Delivers offers, alerts, kudos and digests to agents, supervisors and external systems.',
};
