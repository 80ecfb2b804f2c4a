import type { IntakeClient } from '../clients/intake.client';
import type { OfferData, WireNotification } from '../clients/notify.socket';
import type { RoutingClient } from '../clients/routing.client';
import type { SimClock } from '../core/clock';
import type { ContactPlan } from './contact-plan';
import type { SimulatorStats } from './stats';

export type ContactOutcome = 'completed' | 'abandoned' | 'stopped';

/** Hooks for tests, benchmarks and dashboards that watch a run. Times are `performance.now()` values. */
export interface SimulatorObserver {
  /** Intake answered 202 (at `at`) to the contact's `interaction.created` (or first Twilio callback) sent at `sentAt`. */
  onCreatedAccepted?(contact: { interactionId: string; plan: ContactPlan }, at: number, sentAt: number): void;
  /** An offer reached an agent's WebSocket. */
  onOffer?(agentId: string, offer: OfferData, at: number): void;
  /** An agent accepted the contact's offer and the conversation starts. */
  onAnswered?(contact: { interactionId: string; plan: ContactPlan }, agentId: string): void;
  onContactEnded?(contact: { interactionId: string; plan: ContactPlan }, outcome: ContactOutcome, agentId?: string): void;
  /** Any notification an agent received (offers included). */
  onNotification?(agentId: string, notification: WireNotification, at: number): void;
  onError?(message: string): void;
}

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type Logger = (level: LogLevel, message: string) => void;

/** What every part of a running simulation shares. */
export interface SimContext {
  clock: SimClock;
  signal: AbortSignal;
  intake: IntakeClient;
  routing: RoutingClient;
  notifyUrl: string;
  stats: SimulatorStats;
  observer: SimulatorObserver;
  log: Logger;
  tenant: string;
  twilioAuthToken: string;
  /** Tokens for agents' WebSockets. */
  agentToken(agentId: string): string;
  fail(context: string, error: unknown): void;
}
