import type { AgentState, WellbeingChangedData, WellbeingLevel } from '@switchboard/contracts';
import { msOutsideShift, type Shift } from './shift';

/** What analytics knows about an agent's day: operational facts and the customers' side of their contacts only. */
export interface AgentDay {
  /** UTC day (YYYY-MM-DD) the counters belong to. */
  day: string;
  state: AgentState;
  stateSince: Date;
  /** First time the agent left `offline` this day. */
  loggedInAt?: Date;
  /** Last time a break ended (or started, while on break). */
  lastBreakAt?: Date;
  /** Milliseconds spent per state this day, up to `stateSince`. */
  msByState: Partial<Record<AgentState, number>>;
  abusiveContacts: number;
  abusiveStreak: number;
  negativeContacts: number;
  negativeStreak: number;
  longSmallTalkContacts: number;
  /** Milliseconds logged in outside the agent's shift this day, up to `stateSince` (counted while a shift is known). */
  msOffShift?: number;
}

export type WellbeingFactor = WellbeingChangedData['factors'][number];

export interface Wellbeing {
  score: number;
  level: WellbeingLevel;
  factors: WellbeingFactor[];
}

const HOUR = 3_600_000;
const LOGGED_IN: ReadonlySet<AgentState> = new Set<AgentState>(['available', 'busy', 'wrap_up', 'not_responding']);
/** Minutes past the shift that do not count yet (finishing the last contact). */
const OFF_SHIFT_GRACE_MINUTES = 15;
const round1 = (value: number): number => Math.round(value * 10) / 10;

export function wellbeingLevel(score: number): WellbeingLevel {
  return score >= 75 ? 'critical' : score >= 50 ? 'high' : score >= 25 ? 'elevated' : 'ok';
}

/** Milliseconds per state including the current state up to `now`. */
function spent(day: AgentDay, now: Date): Partial<Record<AgentState, number>> {
  const total = { ...day.msByState };
  total[day.state] = (total[day.state] ?? 0) + Math.max(0, now.getTime() - day.stateSince.getTime());
  return total;
}

/**
 * Strain 0–100 as the sum of capped factor contributions (see docs/wellbeing.md for the thresholds and their sources).
 */
export function computeWellbeing(day: AgentDay, now: Date, shift?: Shift): Wellbeing {
  const factors: WellbeingFactor[] = [];
  const add = (factor: string, contribution: number, detail: string): void => {
    if (contribution > 0) factors.push({ factor, contribution: round1(contribution), detail });
  };
  const ms = spent(day, now);
  const working = (ms.busy ?? 0) + (ms.wrap_up ?? 0);
  const loggedIn = working + (ms.available ?? 0) + (ms.not_responding ?? 0);
  if (loggedIn >= 0.5 * HOUR) {
    const occupancy = working / loggedIn;
    add('occupancy', Math.min(25, (occupancy - 0.75) * 100), `occupancy ${Math.round(occupancy * 100)} % today (strain above 75 %)`);
  }
  add('abusive_contacts', Math.min(24, day.abusiveContacts * 8), `${day.abusiveContacts} abusive customer(s) today`);
  add('abusive_streak', day.abusiveStreak >= 2 ? Math.min(20, day.abusiveStreak * 10) : 0, `${day.abusiveStreak} abusive customers in a row`);
  add('negative_contacts', Math.min(15, day.negativeContacts * 3), `${day.negativeContacts} customer(s) ended negative today`);
  add('negative_streak', day.negativeStreak >= 3 ? Math.min(10, (day.negativeStreak - 2) * 5) : 0, `${day.negativeStreak} negative customers in a row`);
  if (day.state !== 'offline' && day.state !== 'break') {
    const since = day.lastBreakAt ?? day.loggedInAt;
    if (since) {
      const hours = (now.getTime() - since.getTime()) / HOUR;
      add('time_since_break', Math.min(20, (hours - 1.5) * 10), `${round1(hours)} h since the last break (strain after 1.5 h)`);
    }
  }
  const hoursWorked = (loggedIn + (ms.break ?? 0)) / HOUR;
  add('hours_worked', Math.min(15, (hoursWorked - 6) * 5), `${round1(hoursWorked)} h on duty today (strain after 6 h)`);
  add('long_small_talk', Math.min(6, day.longSmallTalkContacts * 2), `${day.longSmallTalkContacts} long small-talk contact(s) today`);
  if (shift) {
    const current = LOGGED_IN.has(day.state) ? msOutsideShift(shift, day.stateSince, now) : 0;
    const minutes = ((day.msOffShift ?? 0) + current) / 60_000;
    add(
      'off_shift',
      Math.min(20, ((minutes - OFF_SHIFT_GRACE_MINUTES) / 60) * 10),
      `${Math.round(minutes)} min worked outside the shift ${shift.start}–${shift.end} (${shift.timeZone}) today (strain after ${OFF_SHIFT_GRACE_MINUTES} min)`,
    );
  }
  const score = Math.min(100, round1(factors.reduce((sum, f) => sum + f.contribution, 0)));
  return { score, level: wellbeingLevel(score), factors };
}

export function emptyDay(day: string, at: Date): AgentDay {
  return {
    day,
    state: 'offline',
    stateSince: at,
    msByState: {},
    abusiveContacts: 0,
    abusiveStreak: 0,
    negativeContacts: 0,
    negativeStreak: 0,
    longSmallTalkContacts: 0,
  };
}

/** Applies a state change (a new UTC day starts from zero counters); time logged in outside `shift` is added up. */
export function applyStateChange(current: AgentDay | undefined, state: AgentState, at: Date, shift?: Shift): AgentDay {
  const dayKey = at.toISOString().slice(0, 10);
  const day = current && current.day === dayKey ? { ...current, msByState: { ...current.msByState } } : emptyDay(dayKey, at);
  if (at.getTime() > day.stateSince.getTime()) {
    day.msByState[day.state] = (day.msByState[day.state] ?? 0) + (at.getTime() - day.stateSince.getTime());
    if (shift && LOGGED_IN.has(day.state)) day.msOffShift = (day.msOffShift ?? 0) + msOutsideShift(shift, day.stateSince, at);
  }
  if (day.state === 'break' && state !== 'break') day.lastBreakAt = at;
  if (state === 'break') day.lastBreakAt = at;
  if (state !== 'offline' && day.loggedInAt === undefined) day.loggedInAt = at;
  day.state = state;
  day.stateSince = at;
  return day;
}

/** A contact's customer side: from `analytics.interaction_summarized`. */
export interface ContactOutcome {
  abusiveCount: number;
  endSentiment: number;
  meanSentiment: number;
  smallTalkShare: number;
  utterances: number;
}

export function applyContact(current: AgentDay | undefined, outcome: ContactOutcome, at: Date): AgentDay {
  const dayKey = at.toISOString().slice(0, 10);
  const day = current && current.day === dayKey ? { ...current } : emptyDay(dayKey, at);
  const abusive = outcome.abusiveCount > 0;
  const negative = outcome.utterances > 0 && (outcome.endSentiment <= -0.05 || outcome.meanSentiment <= -0.05);
  day.abusiveContacts += abusive ? 1 : 0;
  day.abusiveStreak = abusive ? day.abusiveStreak + 1 : 0;
  day.negativeContacts += negative ? 1 : 0;
  day.negativeStreak = negative ? day.negativeStreak + 1 : 0;
  day.longSmallTalkContacts += outcome.utterances >= 10 && outcome.smallTalkShare >= 0.5 ? 1 : 0;
  return day;
}
