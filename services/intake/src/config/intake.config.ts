import type { ServiceDescription } from '@switchboard/platform';

export const SERVICE_NAME = 'intake';
export const DEFAULT_PORT = 3001;

export const API_DESCRIPTION: ServiceDescription = {
  title: 'Switchboard intake',
  description: 'Ingests interaction and agent events from telephony systems: validates, de-duplicates, publishes to JetStream and archives them.',
};
