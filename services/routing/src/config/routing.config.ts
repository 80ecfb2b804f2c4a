import type { ServiceDescription } from '@switchboard/platform';

export const SERVICE_NAME = 'routing';
export const DEFAULT_PORT = 3002;

export const API_DESCRIPTION: ServiceDescription = {
  title: 'Switchboard routing',
  description: 'Agents, queues and presence; assigns interactions to agents with offers, wellbeing-aware.',
};
