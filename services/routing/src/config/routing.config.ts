import { z } from 'zod';
import type { ServiceDescription } from '@switchboard/platform';

export const SERVICE_NAME = 'routing';
export const DEFAULT_PORT = 3002;

export const API_DESCRIPTION: ServiceDescription = {
  title: 'Switchboard routing',
  description: 'Agents, queues and presence; assigns interactions to agents with offers, wellbeing-aware.',
};

/** Routing's own environment variables. */
export const routingEnvSchema = z.object({
  ROUTING_TICK_MS: z.coerce.number().int().min(20).max(60_000).default(500),
});
export type RoutingEnv = z.infer<typeof routingEnvSchema>;
