import { join } from 'node:path';
import type { PersonaId } from '../personas/persona';
import { parseScenario } from './load-scenario';
import type { Scenario } from './scenario.schema';

/** The scenario `npm start` runs: a small contact center with every persona. */
export const DEMO_SCENARIO_PATH = join(__dirname, '..', '..', 'scenarios', 'demo.yaml');

export interface SteadyLoadOptions {
  tenant: string;
  /** Contacts per real second over all queues. */
  perSecond: number;
  /** Scenario speed: conversations last 1/speed of their scripted length (default 1). */
  speed?: number;
  agents: number;
  queues?: number;
  channel?: 'voice' | 'chat' | 'email';
  /** Send the conversations as utterance events (default false: pure routing load). */
  transcripts?: boolean;
  personas?: Partial<Record<PersonaId, number>>;
  durationSeconds?: number;
  seed?: number;
  missRate?: number;
}

/**
 * A steady load: `agents` agents over `queues` queues of one channel, `perSecond` contacts per real second
 * in total, agents who accept every offer at once and take no breaks (for benchmarks and fault tests).
 */
export function steadyLoadScenario(options: SteadyLoadOptions): Scenario {
  const queues = options.queues ?? 10;
  const channel = options.channel ?? 'chat';
  const speed = options.speed ?? 1;
  return parseScenario(
    {
      name: 'steady load',
      tenant: options.tenant,
      seed: options.seed ?? 7,
      speed,
      ...(options.durationSeconds ? { durationSeconds: options.durationSeconds } : {}),
      agents: Array.from({ length: queues }, (_, q) => ({
        id: `load-q${q}`,
        count: Math.max(1, Math.round(options.agents / queues)),
        name: `Agent q${q}`,
        skills: { [`skill${q}`]: 3 },
        capacity: { voice: 1, chat: 3, email: 5 },
        behaviour: { missRate: options.missRate ?? 0, rejectRate: 0, answerDelaySeconds: [0, 0], breakEverySeconds: 0 },
      })),
      queues: Array.from({ length: queues }, (_, q) => ({
        id: `load-q${q}`,
        channel,
        requiredSkills: { [`skill${q}`]: 1 },
        wrapUpSeconds: 0,
        offerTimeoutSeconds: 30,
        ratePerMinute: (options.perSecond * 60) / queues / speed,
        personas: options.personas ?? { routine: 1 },
        transcripts: options.transcripts ?? false,
      })),
    },
    'steady load',
  );
}
