import type { Speaker } from '@switchboard/contracts';

/** One line of a conversation; `{agent}` and `{customer}` are replaced by the first names of the two parties. */
export interface Turn {
  speaker: Speaker;
  text: string;
}

export const PERSONA_IDS = ['routine', 'chatter', 'harasser', 'grateful', 'repeat', 'yeller', 'vip-churner'] as const;
export type PersonaId = (typeof PERSONA_IDS)[number];

export interface Persona {
  id: PersonaId;
  title: string;
  /** What the persona stands for, in contact-center terms. */
  description: string;
  /** How long the customer waits in queue before hanging up (scenario seconds, uniform between the two). */
  patienceSeconds: [number, number];
  /** Scenario seconds between two lines of the conversation (uniform between the two). */
  turnGapSeconds: [number, number];
  /** Probability that the agent resolves the issue on this contact (disposition `resolved`). */
  resolvedChance: number;
  /** Disposition code written by the agent. */
  dispositionCode: string;
  /** A VIP customer (`customer.vip`). */
  vip?: boolean;
  /** Plan attribute on the interaction (`attributes.plan`). */
  plan?: string;
  /** Contacts again after the first one, asking for the same agent. */
  recontact?: { afterSeconds: [number, number]; times: number };
  /** Alternative conversations; one is picked per contact (a repeat contact takes the next one). */
  scripts: Turn[][];
}

/** A conversation with the names filled in. */
export function renderScript(script: readonly Turn[], names: { agent: string; customer: string }): Turn[] {
  return script.map((turn) => ({
    speaker: turn.speaker,
    text: turn.text.replaceAll('{agent}', names.agent).replaceAll('{customer}', names.customer),
  }));
}
