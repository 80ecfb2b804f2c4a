/**
 * Per-minute contact counts (docs/kpis.md, "Per-minute counts"): what each contact adds to the minute of its arrival,
 * its answer and its end, and the change a batch makes to them when it changes contacts. A contact's row decides its
 * contribution alone (with its queue's threshold), so a change is the new row's contribution minus the old one's, in
 * any arrival order.
 */

/** The columns of a contact row that its contribution depends on. */
export interface ContactState {
  queueId: string | null;
  customerId: string | null;
  createdAt: Date | null;
  answeredAt: Date | null;
  endedAt: Date | null;
  endReason: string | null;
  wrapUpSeconds: number | null;
  repeated: boolean;
}

/** The summable counts of one minute of one queue. */
export interface MinuteSums {
  offered: number;
  answered: number;
  answeredWithin: number;
  waitCount: number;
  waitSum: number;
  abandoned: number;
  handled: number;
  handleSum: number;
  fcrBase: number;
  fcrResolved: number;
}

/** One minute of one queue: sums, and the longest waits (answered in it, abandoned in it) when any. */
export interface MinuteRow extends MinuteSums {
  tenant: string;
  /** '' for contacts whose queue is not known (their arrival has not been seen). */
  queueId: string;
  minute: Date;
  waitMax: number | null;
  abandonedWaitMax: number | null;
}

const SUM_KEYS: readonly (keyof MinuteSums)[] = [
  'offered', 'answered', 'answeredWithin', 'waitCount', 'waitSum', 'abandoned', 'handled', 'handleSum', 'fcrBase', 'fcrResolved',
];

const MINUTE_MS = 60_000;

export function minuteOf(at: Date): number {
  return Math.floor(at.getTime() / MINUTE_MS) * MINUTE_MS;
}

const seconds = (from: Date, to: Date): number => (to.getTime() - from.getTime()) / 1000;

interface Contribution {
  minute: number;
  sums: Partial<MinuteSums>;
  waitMax?: number;
  abandonedWaitMax?: number;
}

/**
 * What a contact adds (definitions in docs/kpis.md): offered in the minute of its arrival; answered (within the
 * threshold, and its wait) in the minute of its answer; abandoned (and its wait) or handled (its handle time with its
 * wrap-up, and first-contact resolution) in the minute of its end.
 */
export function contributions(contact: ContactState, thresholdSeconds: number): Contribution[] {
  const { createdAt, answeredAt, endedAt } = contact;
  const result: Contribution[] = [];
  if (createdAt) result.push({ minute: minuteOf(createdAt), sums: { offered: 1 } });
  if (answeredAt) {
    const wait = createdAt ? seconds(createdAt, answeredAt) : undefined;
    result.push({
      minute: minuteOf(answeredAt),
      sums: wait === undefined ? { answered: 1 } : { answered: 1, answeredWithin: wait <= thresholdSeconds ? 1 : 0, waitCount: 1, waitSum: wait },
      ...(wait === undefined ? {} : { waitMax: wait }),
    });
  }
  if (endedAt && !answeredAt && contact.endReason === 'abandoned') {
    result.push({ minute: minuteOf(endedAt), sums: { abandoned: 1 }, ...(createdAt ? { abandonedWaitMax: seconds(createdAt, endedAt) } : {}) });
  }
  if (endedAt && answeredAt) {
    const known = contact.customerId !== null;
    result.push({
      minute: minuteOf(endedAt),
      sums: { handled: 1, handleSum: seconds(answeredAt, endedAt) + (contact.wrapUpSeconds ?? 0), fcrBase: known ? 1 : 0, fcrResolved: known && !contact.repeated ? 1 : 0 },
    });
  }
  return result;
}

/**
 * The change a batch makes to the per-minute counts: for each contact it changed, the new contribution added and the
 * old one taken away. A longest wait cannot be taken away from a maximum, so a minute that loses one (an abandoned
 * contact answered after all, a contact whose queue became known) is listed to be counted again from the contacts.
 */
export class MinuteDeltas {
  private readonly rows = new Map<string, MinuteRow>();
  private readonly recount = new Map<string, { tenant: string; queueId: string; minute: Date }>();

  /** `before` undefined: the contact is new. */
  change(tenant: string, before: ContactState | undefined, after: ContactState, thresholdBefore: number, thresholdAfter: number): void {
    const added = contributions(after, thresholdAfter).map((c) => ({ ...c, queueId: after.queueId ?? '' }));
    const removed = before === undefined ? [] : contributions(before, thresholdBefore).map((c) => ({ ...c, queueId: before.queueId ?? '' }));
    for (const c of added) {
      const row = this.row(tenant, c.queueId, c.minute);
      for (const key of SUM_KEYS) row[key] += c.sums[key] ?? 0;
      if (c.waitMax !== undefined) row.waitMax = Math.max(row.waitMax ?? c.waitMax, c.waitMax);
      if (c.abandonedWaitMax !== undefined) row.abandonedWaitMax = Math.max(row.abandonedWaitMax ?? c.abandonedWaitMax, c.abandonedWaitMax);
    }
    for (const c of removed) {
      const row = this.row(tenant, c.queueId, c.minute);
      for (const key of SUM_KEYS) row[key] -= c.sums[key] ?? 0;
      const kept = (pick: (a: (typeof added)[number]) => number | undefined, value: number | undefined): boolean =>
        value === undefined || added.some((a) => a.queueId === c.queueId && a.minute === c.minute && pick(a) === value);
      if (!kept((a) => a.waitMax, c.waitMax) || !kept((a) => a.abandonedWaitMax, c.abandonedWaitMax)) {
        this.recount.set(`${tenant}\u0000${c.queueId}\u0000${c.minute}`, { tenant, queueId: c.queueId, minute: new Date(c.minute) });
      }
    }
  }

  /** The non-empty changes, in a stable order (tenant, minute, queue) so that concurrent writers lock rows alike. */
  changes(): MinuteRow[] {
    return [...this.rows.values()]
      .filter((row) => SUM_KEYS.some((key) => Math.abs(row[key]) > 1e-9) || row.waitMax !== null || row.abandonedWaitMax !== null)
      .sort((a, b) => (a.tenant < b.tenant ? -1 : a.tenant > b.tenant ? 1 : a.minute.getTime() - b.minute.getTime() || (a.queueId < b.queueId ? -1 : a.queueId > b.queueId ? 1 : 0)));
  }

  /** Minutes whose longest waits must be counted again from the contacts. */
  recounts(): { tenant: string; queueId: string; minute: Date }[] {
    return [...this.recount.values()];
  }

  private row(tenant: string, queueId: string, minute: number): MinuteRow {
    const key = `${tenant}\u0000${queueId}\u0000${minute}`;
    let row = this.rows.get(key);
    if (!row) {
      row = { tenant, queueId, minute: new Date(minute), waitMax: null, abandonedWaitMax: null, ...Object.fromEntries(SUM_KEYS.map((k) => [k, 0])) } as MinuteRow;
      this.rows.set(key, row);
    }
    return row;
  }
}
