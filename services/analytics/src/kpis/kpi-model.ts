import type { AgentState, KpiSnapshotData, KpiWindow, Kpis } from '@switchboard/contracts';
import { recommendAgents } from './erlang-c';

/** A queue's service-level target: `percent` of contacts answered within `seconds`. */
export interface SlaTarget {
  percent: number;
  seconds: number;
}

/** Contact counts of one window, as the repository sums them (definitions in docs/kpis.md). */
export interface ContactAggregates {
  offered: number;
  answered: number;
  answeredWithinThreshold: number;
  abandoned: number;
  asaSeconds?: number;
  /** Answered contacts that ended in the window. */
  handled: number;
  ahtSeconds?: number;
  longestWaitSeconds: number;
  /** Contacts waiting at the end of the window (queue depth). */
  waiting: number;
  /** Handled contacts with a known customer, and those of them not followed by another contact within 72 h. */
  fcrBase: number;
  fcrResolved: number;
}

/** Seconds an agent spent in each state within a window. */
export interface AgentTime {
  agentId: string;
  seconds: Partial<Record<AgentState, number>>;
}

const WORKING: readonly AgentState[] = ['busy', 'wrap_up'];
const LOGGED_IN: readonly AgentState[] = ['available', 'busy', 'wrap_up', 'not_responding'];

const round = (value: number, digits = 4): number => {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
};
const clamp01 = (value: number): number => Math.min(1, Math.max(0, value));

/** (busy + wrap-up) / (available + busy + wrap-up + not responding); undefined when nobody was logged in. */
export function occupancy(times: readonly AgentTime[]): number | undefined {
  let working = 0;
  let loggedIn = 0;
  for (const time of times) {
    for (const state of WORKING) working += time.seconds[state] ?? 0;
    for (const state of LOGGED_IN) loggedIn += time.seconds[state] ?? 0;
  }
  return loggedIn > 0 ? round(clamp01(working / loggedIn)) : undefined;
}

export function countByState(states: readonly { state: AgentState }[]): Kpis['agentsByState'] {
  const counts: Kpis['agentsByState'] = {};
  for (const { state } of states) counts[state] = (counts[state] ?? 0) + 1;
  return counts;
}

/** The contract's KPI block from the window's contact aggregates and agent presence. */
export function toKpis(contacts: ContactAggregates, agentTimes: readonly AgentTime[], states: readonly { state: AgentState }[]): Kpis {
  const decided = contacts.answered + contacts.abandoned;
  const occ = occupancy(agentTimes);
  return {
    offered: contacts.offered,
    answered: contacts.answered,
    abandoned: contacts.abandoned,
    ...(decided > 0 ? { serviceLevel: round(contacts.answeredWithinThreshold / decided) } : {}),
    ...(contacts.asaSeconds === undefined ? {} : { asaSeconds: round(contacts.asaSeconds, 2) }),
    ...(contacts.ahtSeconds === undefined ? {} : { ahtSeconds: round(contacts.ahtSeconds, 2) }),
    ...(decided > 0 ? { abandonmentRate: round(contacts.abandoned / decided) } : {}),
    ...(occ === undefined ? {} : { occupancy: occ }),
    longestWaitSeconds: round(Math.max(0, contacts.longestWaitSeconds), 2),
    queueDepth: contacts.waiting,
    agentsByState: countByState(states),
    ...(contacts.fcrBase > 0 ? { fcr: round(contacts.fcrResolved / contacts.fcrBase) } : {}),
  };
}

/**
 * Erlang C advice for a queue: arrival rate = contacts offered in the window / the window's length, AHT of the window.
 * Nothing when the window has no arrivals or no handled contact yet.
 */
export function staffingFor(kpis: Kpis, window: KpiWindow, target: SlaTarget): KpiSnapshotData['staffing'] | undefined {
  const seconds = (Date.parse(window.to) - Date.parse(window.from)) / 1000;
  if (seconds <= 0 || kpis.offered === 0 || kpis.ahtSeconds === undefined || kpis.ahtSeconds <= 0) return undefined;
  const advice = recommendAgents(
    { arrivalRate: kpis.offered / seconds, ahtSeconds: kpis.ahtSeconds },
    { fraction: target.percent / 100, thresholdSeconds: target.seconds },
  );
  return { recommendedAgents: advice.recommendedAgents, expectedServiceLevel: round(clamp01(advice.expectedServiceLevel)) };
}

/** Whether a measured service level misses the target (no verdict without any answered or abandoned contact). */
export function breaches(kpis: Kpis, target: SlaTarget): boolean {
  return kpis.serviceLevel !== undefined && kpis.serviceLevel < target.percent / 100;
}

/**
 * The live window: the last `minutes` whole minutes and the current one up to `now` (it starts on a whole minute, as
 * the per-minute counts do).
 */
export function liveWindow(now: Date, minutes: number): KpiWindow {
  const start = Math.floor(now.getTime() / 60_000) * 60_000 - minutes * 60_000;
  return { from: new Date(start).toISOString(), to: now.toISOString(), kind: 'live' };
}

/** A UTC calendar day; today's ends now. */
export function dayWindow(now: Date, day?: string): KpiWindow {
  const key = day ?? now.toISOString().slice(0, 10);
  const from = new Date(`${key}T00:00:00.000Z`);
  const end = new Date(from.getTime() + 86_400_000);
  const to = end.getTime() > now.getTime() && from.getTime() <= now.getTime() ? now : end;
  return { from: from.toISOString(), to: to.toISOString(), kind: 'day' };
}
