import { Injectable } from '@nestjs/common';
import type { AgentState } from '@switchboard/contracts';
import { queryPrepared, quoteIdent, schemaOf } from '@switchboard/platform';
import { DataSource, type EntityManager } from 'typeorm';
import { rounds } from '../shared/rounds';
import { AGENT_BUCKETS, type AgentBucket, MINUTE_COLUMNS, minuteRowsSql, REPEAT_WITHIN, repeatedSql, WRAP_UP_AFTER, WRAP_UP_BEFORE, wrapUpSecondsSql } from './kpi-sql';
import type { AgentSecondsDeltas } from './agent-seconds';
import type { ContactState, MinuteDeltas, MinuteRow } from './contact-minutes';
import { byTenantThen, oneRowPerInteraction } from '../shared/row-order';
import type { AgentTime, ContactAggregates, SlaTarget } from './kpi-model';
import type { QueueAgentAnswer } from './recent-queue-agents';

export interface QueueRecord {
  queueId: string;
  /** The queue's own target, when one was set. */
  target?: SlaTarget;
  breached: boolean;
}

export interface AgentStateNow {
  agentId: string;
  state: AgentState;
  since: Date;
}

/** What one event says about a contact; absent columns are unknown. */
export interface ContactFact {
  tenant: string;
  interactionId: string;
  queueId?: string;
  customerId?: string;
  channel?: string;
  createdAt?: Date;
  answeredAt?: Date;
  agentId?: string;
  endedAt?: Date;
  endReason?: string;
}

export interface AgentStateFact {
  tenant: string;
  agentId: string;
  state: AgentState;
  at: Date;
}

/** The start of an agent's `wrap_up` span that was added or ended (its contacts' wrap-up time may have changed). */
export interface WrapUpChange {
  tenant: string;
  agentId: string;
  startedAt: Date;
}

/** A contact a batch changed: its row before (undefined when new) and after. */
export interface ContactChange {
  tenant: string;
  interactionId: string;
  before: ContactState | undefined;
  after: ContactState;
}

/** The columns of a contact's row that its per-minute counts depend on (`ContactState`). */
const STATE_COLUMNS = ['queue_id', 'customer_id', 'created_at', 'answered_at', 'ended_at', 'end_reason', 'wrap_up_seconds', 'repeated'] as const;
type StateRow = { [K in (typeof STATE_COLUMNS)[number]]: K extends 'repeated' ? boolean : K extends 'wrap_up_seconds' ? number | null : K extends `${string}_at` ? Date | null : string | null };

function stateOf(row: StateRow): ContactState {
  return {
    queueId: row.queue_id,
    customerId: row.customer_id,
    createdAt: row.created_at,
    answeredAt: row.answered_at,
    endedAt: row.ended_at,
    endReason: row.end_reason,
    wrapUpSeconds: row.wrap_up_seconds,
    repeated: row.repeated,
  };
}

/** One minute's contact counts of a tenant (or queue). */
export interface MinuteCounts {
  minute: Date;
  offered: number;
  answered: number;
  answeredWithin: number;
  abandoned: number;
}

/** `known` with the columns it lacks taken from `later`. */
function firstKnown(known: ContactFact, later: ContactFact): ContactFact {
  const merged: ContactFact = { ...known };
  for (const [key, value] of Object.entries(later) as [keyof ContactFact, ContactFact[keyof ContactFact]][]) {
    if (merged[key] === undefined && value !== undefined) Object.assign(merged, { [key]: value });
  }
  return merged;
}

interface SpanRow {
  tenant: string;
  agent_id: string;
  started_at: Date;
  state: AgentState;
}

interface MinuteSumRow {
  queue_id: string | null;
  whole: boolean;
  offered: number;
  answered: number;
  answered_within: number;
  asa: number | null;
  abandoned: number;
  handled: number;
  aht: number | null;
  longest_wait: number | null;
  fcr_base: number;
  fcr_resolved: number;
}

interface WaitingRow {
  queue_id: string;
  whole: boolean;
  waiting: number;
  longest_wait: number | null;
}

/**
 * Sources of the KPIs (Postgres, the service's schema): one row per contact with its arrival, answer and end, the agents'
 * presence as time spans, and the queues seen with their SLA targets. Every write is keyed by the interaction, agent and
 * instant it describes, so replaying an event changes nothing.
 */
@Injectable()
export class KpiRepository {
  private readonly contact: string;
  private readonly span: string;
  private readonly queue: string;
  private readonly minute: string;
  private readonly agentMinute: string;
  private readonly agentHour: string;
  private readonly schemaName: string;

  constructor(private readonly dataSource: DataSource) {
    this.schemaName = schemaOf(dataSource);
    const schema = quoteIdent(this.schemaName);
    this.contact = `${schema}.kpi_contact`;
    this.span = `${schema}.kpi_agent_span`;
    this.queue = `${schema}.kpi_queue`;
    this.minute = `${schema}.kpi_contact_minute`;
    this.agentMinute = `${schema}.kpi_agent_minute`;
    this.agentHour = `${schema}.kpi_agent_hour`;
  }

  /**
   * Adds what a batch of events says about contacts, one row per interaction (`facts` of one interaction merged, the
   * first known value of each column kept). Every column keeps its first known value: the first arrival, answer and end
   * count, so a replay changes nothing. Returns the answers of the contacts written (queue, agent and when) and each
   * contact's row before and after (for the per-minute counts).
   */
  async recordContacts(
    manager: EntityManager,
    facts: readonly ContactFact[],
  ): Promise<{ answers: { tenant: string; answer: QueueAgentAnswer }[]; changes: ContactChange[] }> {
    if (facts.length === 0) return { answers: [], changes: [] };
    // A stable row order keeps concurrent batches from deadlocking on each other.
    const rows = oneRowPerInteraction(facts, firstKnown);
    const column = <K extends keyof ContactFact>(key: K): (ContactFact[K] | null)[] => rows.map((row) => row[key] ?? null);
    const stored: (StateRow & { tenant: string; interaction_id: string; agent_id: string | null; answered_ms: number | null; existed: boolean }
      & { [K in (typeof STATE_COLUMNS)[number] as `old_${K}`]: StateRow[K] })[] = await queryPrepared(manager,
      `WITH v AS (SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::timestamptz[], $7::timestamptz[], $8::text[],
           $9::timestamptz[], $10::text[]) AS v(tenant, interaction_id, queue_id, customer_id, channel, created_at, answered_at, agent_id, ended_at, end_reason)),
         -- The rows as they were (the statement's snapshot), each by its primary key.
         old AS (SELECT o.* FROM v CROSS JOIN LATERAL (SELECT o.tenant, o.interaction_id, ${STATE_COLUMNS.map((c) => `o.${c}`).join(', ')}
           FROM ${this.contact} o WHERE o.tenant = v.tenant AND o.interaction_id = v.interaction_id LIMIT 1) o),
         up AS (
           INSERT INTO ${this.contact} AS c (tenant, interaction_id, queue_id, customer_id, channel, created_at, answered_at, agent_id, ended_at, end_reason)
           SELECT * FROM v
           ON CONFLICT (tenant, interaction_id) DO UPDATE SET
             queue_id = COALESCE(c.queue_id, EXCLUDED.queue_id),
             customer_id = COALESCE(c.customer_id, EXCLUDED.customer_id),
             channel = COALESCE(c.channel, EXCLUDED.channel),
             created_at = COALESCE(c.created_at, EXCLUDED.created_at),
             answered_at = COALESCE(c.answered_at, EXCLUDED.answered_at),
             agent_id = COALESCE(c.agent_id, EXCLUDED.agent_id),
             ended_at = COALESCE(c.ended_at, EXCLUDED.ended_at),
             end_reason = COALESCE(c.end_reason, EXCLUDED.end_reason)
           RETURNING c.tenant, c.interaction_id, c.agent_id, ${STATE_COLUMNS.map((c) => `c.${c}`).join(', ')})
       SELECT up.*, (extract(epoch FROM up.answered_at) * 1000)::float8 AS answered_ms, old.interaction_id IS NOT NULL AS existed,
         ${STATE_COLUMNS.map((c) => `old.${c} AS old_${c}`).join(', ')}
       FROM up LEFT JOIN old ON old.tenant = up.tenant AND old.interaction_id = up.interaction_id`,
      [
        column('tenant'),
        column('interactionId'),
        column('queueId'),
        column('customerId'),
        column('channel'),
        column('createdAt'),
        column('answeredAt'),
        column('agentId'),
        column('endedAt'),
        column('endReason'),
      ],
    );
    const answers = stored.flatMap((row) => (row.queue_id === null || row.agent_id === null || row.answered_ms === null ? []
      : [{ tenant: row.tenant, answer: { queueId: row.queue_id, agentId: row.agent_id, lastMs: row.answered_ms } }]));
    const changes = stored.map((row) => ({
      tenant: row.tenant,
      interactionId: row.interaction_id,
      before: row.existed ? stateOf(Object.fromEntries(STATE_COLUMNS.map((c) => [c, row[`old_${c}`]])) as StateRow) : undefined,
      after: stateOf(row),
    }));
    return { answers, changes };
  }

  /**
   * Records the queues contacts arrived in (new ones, and `last_seen_at` of known ones at most once a minute). A queue
   * seen within the minute is not touched, so busy queues take no row lock per contact.
   */
  async sawQueues(manager: EntityManager, queues: readonly { tenant: string; queueId: string }[], defaultSeconds: number): Promise<void> {
    if (queues.length === 0) return;
    const distinct = new Map(queues.map((queue) => [`${queue.tenant}/${queue.queueId}`, queue]));
    const rows = [...distinct.values()].sort(byTenantThen((row) => row.queueId));
    await queryPrepared(manager,
      `WITH seen AS (SELECT * FROM unnest($1::text[], $2::text[]) AS v(tenant, queue_id)),
         added AS (INSERT INTO ${this.queue} (tenant, queue_id, counted_seconds) SELECT tenant, queue_id, $3 FROM seen
           ON CONFLICT (tenant, queue_id) DO NOTHING)
       UPDATE ${this.queue} q SET last_seen_at = now() FROM seen
       WHERE q.tenant = seen.tenant AND q.queue_id = seen.queue_id AND q.last_seen_at < now() - interval '1 minute'`,
      [rows.map((row) => row.tenant), rows.map((row) => row.queueId), defaultSeconds],
    );
  }

  /**
   * Agent state changes, in order: the agent is in `state` from `at` until their next known change. A change that arrives
   * late cuts the span it falls into and ends where the next known change starts, so the spans stay a partition of time
   * in any arrival order. Changes of different agents are written together; an agent's later changes in the same batch
   * follow in a further pair of statements. Returns the `wrap_up` spans added or cut (their contacts' wrap-up changes).
   */
  async recordAgentStates(manager: EntityManager, changes: readonly AgentStateFact[], seconds: AgentSecondsDeltas): Promise<WrapUpChange[]> {
    const wrapUps: WrapUpChange[] = [];
    const note = (rows: readonly SpanRow[]): void => {
      for (const row of rows) if (row.state === 'wrap_up') wrapUps.push({ tenant: row.tenant, agentId: row.agent_id, startedAt: row.started_at });
    };
    for (const round of rounds(changes, (change) => `${change.tenant}/${change.agentId}`)) {
      const params = [round.map((c) => c.tenant), round.map((c) => c.agentId), round.map((c) => c.at), round.map((c) => c.state)];
      // The spans cut, with the end they had (the statement's snapshot), each found by its agent.
      const [cut]: [(SpanRow & { at: Date; old_ended_at: Date | null })[], number] = await queryPrepared(manager,
        `WITH v AS (SELECT * FROM unnest($1::text[], $2::text[], $3::timestamptz[]) AS v(tenant, agent_id, at)),
           hit AS (SELECT o.*, v.at FROM v CROSS JOIN LATERAL (SELECT o.tenant, o.agent_id, o.started_at, o.ended_at AS old_ended_at FROM ${this.span} o
             WHERE o.tenant = v.tenant AND o.agent_id = v.agent_id AND o.started_at < v.at AND (o.ended_at IS NULL OR o.ended_at > v.at) OFFSET 0) o)
         UPDATE ${this.span} s SET ended_at = hit.at FROM hit
         WHERE s.tenant = hit.tenant AND s.agent_id = hit.agent_id AND s.started_at = hit.started_at
         RETURNING s.tenant, s.agent_id, s.started_at, s.state, hit.at, hit.old_ended_at`,
        params.slice(0, 3),
      );
      note(cut);
      for (const row of cut) {
        // An open span ends: its time counts. An ended span cut short: the part after the cut no longer does.
        if (row.old_ended_at === null) seconds.add(row.tenant, row.agent_id, row.state, row.started_at, row.at, 1);
        else seconds.add(row.tenant, row.agent_id, row.state, row.at, row.old_ended_at, -1);
      }
      const added: (SpanRow & { ended_at: Date | null })[] = await queryPrepared(manager,
        `INSERT INTO ${this.span} (tenant, agent_id, started_at, state, ended_at)
         SELECT v.tenant, v.agent_id, v.at, v.state,
           (SELECT min(x.started_at) FROM ${this.span} x WHERE x.tenant = v.tenant AND x.agent_id = v.agent_id AND x.started_at > v.at)
         FROM unnest($1::text[], $2::text[], $3::timestamptz[], $4::text[]) AS v(tenant, agent_id, at, state)
         ON CONFLICT (tenant, agent_id, started_at) DO NOTHING
         RETURNING tenant, agent_id, started_at, state, ended_at`,
        params,
      );
      note(added);
      for (const row of added) if (row.ended_at !== null) seconds.add(row.tenant, row.agent_id, row.state, row.started_at, row.ended_at, 1);
    }
    return wrapUps;
  }

  /** Adds a batch's changes to the agents' time per state and bucket (one statement per bucket size, rows in a stable order). */
  async applyAgentSeconds(manager: EntityManager, seconds: AgentSecondsDeltas): Promise<void> {
    for (const bucket of Object.keys(AGENT_BUCKETS) as AgentBucket[]) {
      const rows = seconds.rows(bucket);
      if (rows.length === 0) continue;
      await queryPrepared(manager,
        `INSERT INTO ${this.agentTable(bucket)} AS b (tenant, agent_id, state, ${bucket}, seconds)
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[], $5::float8[])
         ON CONFLICT (tenant, ${bucket}, agent_id, state) DO UPDATE SET seconds = b.seconds + EXCLUDED.seconds`,
        [rows.map((r) => r.tenant), rows.map((r) => r.agentId), rows.map((r) => r.state), rows.map((r) => r.bucket), rows.map((r) => r.seconds)],
      );
    }
  }

  private agentTable(bucket: AgentBucket): string {
    return bucket === 'minute' ? this.agentMinute : this.agentHour;
  }

  /**
   * Makes the transaction the only writer of these tenants' KPI facts until it ends (transaction-level advisory locks,
   * taken in a fixed order): a batch's refresh of wrap-up times and repeat flags updates contacts beyond its own events'
   * (an agent's, a customer's earlier ones), which a concurrent batch of the same tenant may hold, and the two could
   * wait for each other.
   */
  async lockTenants(manager: EntityManager, tenants: readonly string[]): Promise<void> {
    for (const tenant of [...new Set(tenants)].sort()) {
      await queryPrepared(manager, 'SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`${this.schemaName}:kpi:${tenant}`]);
    }
  }

  /**
   * Keeps each contact's wrap-up time and repeat flag (docs/kpis.md) current after a batch: the repeat flag of the
   * contacts whose arrival it wrote, and of the earlier contacts of their customers within 72 h (now repeated); the
   * wrap-up time of the contacts whose end or agent it wrote, and of those whose wrap-up span was added or cut (its
   * agent's contacts that ended within its margins). Each value is computed afresh from the stored facts, so arrival
   * order does not matter.
   *
   * Every row is reached by a lookup of its own (`LATERAL` subqueries, which the planner cannot turn into a join that
   * reads the whole table; the row's `ctid` for the update), on the index that answers it: a new deployment's tables
   * have no statistics yet, and with a few hundred contacts per batch a hash or merge join over the table looked
   * cheaper than the lookups and read every contact per batch.
   */
  async refreshDerived(manager: EntityManager, facts: readonly ContactFact[], wrapUps: readonly WrapUpChange[]): Promise<ContactChange[]> {
    const arrived = facts.filter((fact) => fact.createdAt !== undefined);
    const closed = facts.filter((fact) => fact.endedAt !== undefined || fact.agentId !== undefined);
    if (arrived.length === 0 && closed.length === 0 && wrapUps.length === 0) return [];
    const [changed]: [(StateRow & { tenant: string; interaction_id: string; stored_wrap_up_seconds: number | null; stored_repeated: boolean })[], number] =
      await queryPrepared(manager,
      `WITH arrived AS (SELECT * FROM unnest($1::text[], $2::text[]) AS v(tenant, interaction_id)),
         closed AS (SELECT * FROM unnest($3::text[], $4::text[]) AS v(tenant, interaction_id)),
         wrapped AS (SELECT * FROM unnest($5::text[], $6::text[], $7::timestamptz[]) AS v(tenant, agent_id, started_at)),
         candidate AS (
           SELECT tenant, interaction_id, false AS wrap, true AS rep, false AS repeated FROM arrived
           UNION ALL
           -- The customer's earlier contacts within 72 h: by customer (the time is a filter, so no index on it competes).
           SELECT x.tenant, x.interaction_id, false, false, true FROM arrived a
             CROSS JOIN LATERAL (SELECT n.customer_id, n.created_at FROM ${this.contact} n
               WHERE n.tenant = a.tenant AND n.interaction_id = a.interaction_id AND n.customer_id IS NOT NULL AND n.created_at IS NOT NULL
               LIMIT 1) n
             CROSS JOIN LATERAL (SELECT x.tenant, x.interaction_id FROM ${this.contact} x
               WHERE x.tenant = a.tenant AND x.customer_id = n.customer_id AND NOT x.repeated
                 AND n.created_at - x.created_at > interval '0' AND n.created_at - x.created_at <= ${REPEAT_WITHIN}
               OFFSET 0) x
           UNION ALL
           SELECT tenant, interaction_id, true, false, false FROM closed
           UNION ALL
           SELECT c.tenant, c.interaction_id, true, false, false FROM wrapped s
             CROSS JOIN LATERAL (SELECT c.tenant, c.interaction_id FROM ${this.contact} c
               WHERE c.tenant = s.tenant AND c.agent_id = s.agent_id
                 AND c.ended_at > s.started_at - ${WRAP_UP_AFTER} AND c.ended_at <= s.started_at + ${WRAP_UP_BEFORE}
               OFFSET 0) c),
         need AS (
           SELECT tenant, interaction_id, bool_or(wrap) AS wrap, bool_or(rep) AS rep, bool_or(repeated) AS repeated
           FROM candidate GROUP BY tenant, interaction_id),
         -- Materialized: each value is computed once, not again for the update's condition and for its SET.
         fresh AS MATERIALIZED (
           SELECT c.ctid AS row_id,
             CASE WHEN k.wrap THEN ${wrapUpSecondsSql('c', this.span)} ELSE c.wrap_up_seconds END AS wrap_up_seconds,
             CASE WHEN k.repeated THEN true WHEN k.rep THEN ${repeatedSql('c', this.contact)} ELSE c.repeated END AS repeated,
             c.wrap_up_seconds AS stored_wrap_up_seconds, c.repeated AS stored_repeated
           FROM need k
           CROSS JOIN LATERAL (SELECT c.ctid, c.* FROM ${this.contact} c WHERE c.tenant = k.tenant AND c.interaction_id = k.interaction_id LIMIT 1) c)
       UPDATE ${this.contact} c SET wrap_up_seconds = f.wrap_up_seconds, repeated = f.repeated
       FROM fresh f
       WHERE c.ctid = f.row_id AND (f.stored_wrap_up_seconds IS DISTINCT FROM f.wrap_up_seconds OR f.stored_repeated <> f.repeated)
       RETURNING c.tenant, c.interaction_id, ${STATE_COLUMNS.map((column) => `c.${column}`).join(', ')}, f.stored_wrap_up_seconds, f.stored_repeated`,
      [
        arrived.map((c) => c.tenant),
        arrived.map((c) => c.interactionId),
        closed.map((c) => c.tenant),
        closed.map((c) => c.interactionId),
        wrapUps.map((w) => w.tenant),
        wrapUps.map((w) => w.agentId),
        wrapUps.map((w) => w.startedAt),
      ],
    );
    return changed.map((row) => {
      const after = stateOf(row);
      return { tenant: row.tenant, interactionId: row.interaction_id, before: { ...after, wrapUpSeconds: row.stored_wrap_up_seconds, repeated: row.stored_repeated }, after };
    });
  }

  /** The threshold (seconds) each queue of these tenants is counted with, by `tenant/queue`. */
  async countedThresholds(manager: EntityManager, tenants: readonly string[], defaultSeconds: number): Promise<Map<string, number>> {
    const rows: { tenant: string; queue_id: string; seconds: number }[] = await queryPrepared(manager,
      `SELECT tenant, queue_id, COALESCE(counted_seconds, sla_seconds, $2)::int AS seconds FROM ${this.queue} WHERE tenant = ANY($1::text[])`,
      [[...new Set(tenants)], defaultSeconds],
    );
    return new Map(rows.map((row) => [`${row.tenant}/${row.queue_id}`, row.seconds]));
  }

  /**
   * Adds a batch's changes to the per-minute counts (one statement, rows in a stable order), then counts again from the
   * contacts the minutes whose longest wait lost a contribution.
   */
  async applyMinutes(manager: EntityManager, deltas: MinuteDeltas, thresholdOf: (tenant: string, queueId: string) => number): Promise<void> {
    const rows = deltas.changes();
    if (rows.length > 0) {
      const pick = <K extends keyof MinuteRow>(key: K): MinuteRow[K][] => rows.map((row) => row[key]);
      await queryPrepared(manager,
        `INSERT INTO ${this.minute} AS m (tenant, queue_id, minute, ${MINUTE_COLUMNS.join(', ')})
         SELECT * FROM unnest($1::text[], $2::text[], $3::timestamptz[], $4::int[], $5::int[], $6::int[], $7::int[], $8::float8[], $9::float8[],
           $10::int[], $11::float8[], $12::int[], $13::float8[], $14::int[], $15::int[])
         ON CONFLICT (tenant, minute, queue_id) DO UPDATE SET
           ${MINUTE_COLUMNS.map((c) => (c.endsWith('_max') ? `${c} = GREATEST(m.${c}, EXCLUDED.${c})` : `${c} = m.${c} + EXCLUDED.${c}`)).join(',\n           ')}`,
        [
          pick('tenant'), pick('queueId'), pick('minute'), pick('offered'), pick('answered'), pick('answeredWithin'), pick('waitCount'),
          pick('waitSum'), pick('waitMax'), pick('abandoned'), pick('abandonedWaitMax'), pick('handled'), pick('handleSum'), pick('fcrBase'),
          pick('fcrResolved'),
        ],
      );
    }
    for (const { tenant, queueId, minute } of deltas.recounts()) {
      await this.recount(manager, { tenant, queueId, minute }, thresholdOf(tenant, queueId));
    }
  }

  /** Counts one minute of one queue ('' for contacts without a known queue) afresh from the contacts. */
  private async recount(manager: EntityManager, key: { tenant: string; queueId: string; minute: Date }, seconds: number): Promise<void> {
    await this.countAfresh(manager, `queue_id = $2 AND minute = $3`, `COALESCE(c.queue_id, '') = $2 AND m.minute = $3
      AND ((c.created_at >= $3 AND c.created_at < $3 + interval '1 minute') OR (c.answered_at >= $3 AND c.answered_at < $3 + interval '1 minute')
        OR (c.ended_at >= $3 AND c.ended_at < $3 + interval '1 minute'))`, [key.tenant, key.queueId, key.minute], seconds);
  }

  /**
   * Counts a queue's minutes afresh from its contacts with `seconds` as its threshold, and records that threshold (its
   * target changed, or the default that applies to it). The caller holds the tenant's lock (`lockTenants`).
   */
  async recountQueue(manager: EntityManager, tenant: string, queueId: string, seconds: number): Promise<void> {
    await this.countAfresh(manager, 'queue_id = $2', 'c.queue_id = $2', [tenant, queueId], seconds);
    await queryPrepared(manager, `UPDATE ${this.queue} SET counted_seconds = $3 WHERE tenant = $1 AND queue_id = $2`, [tenant, queueId, seconds]);
  }

  /**
   * Replaces a tenant's per-minute rows that `rows` selects by those counted afresh from the contacts `contacts`
   * selects (`$1` is the tenant, `params` follow it, the threshold comes last).
   */
  private async countAfresh(manager: EntityManager, rows: string, contacts: string, params: unknown[], seconds: number): Promise<void> {
    await queryPrepared(manager, `DELETE FROM ${this.minute} WHERE tenant = $1 AND ${rows}`, params);
    await queryPrepared(manager,
      `INSERT INTO ${this.minute} (tenant, queue_id, minute, ${MINUTE_COLUMNS.join(', ')})
       ${minuteRowsSql(this.contact, `c.tenant = $1 AND ${contacts}`, `$${params.length + 1}::int`)}`,
      [...params, seconds],
    );
  }

  /** Queues whose minutes were counted with another threshold than the one that applies to them now (or never). */
  async queuesToRecount(defaultSeconds: number): Promise<{ tenant: string; queueId: string; seconds: number }[]> {
    const rows: { tenant: string; queue_id: string; seconds: number }[] = await this.dataSource.query(
      `SELECT tenant, queue_id, COALESCE(sla_seconds, $1)::int AS seconds FROM ${this.queue}
       WHERE counted_seconds IS DISTINCT FROM COALESCE(sla_seconds, $1) ORDER BY tenant, queue_id`,
      [defaultSeconds],
    );
    return rows.map((row) => ({ tenant: row.tenant, queueId: row.queue_id, seconds: row.seconds }));
  }

  /** Sets a queue's target and counts its minutes again against the new threshold (under the tenant's lock). */
  async setTarget(tenant: string, queueId: string, target: SlaTarget): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      await this.lockTenants(manager, [tenant]);
      await queryPrepared(manager,
        `INSERT INTO ${this.queue} (tenant, queue_id, sla_percent, sla_seconds) VALUES ($1, $2, $3, $4)
         ON CONFLICT (tenant, queue_id) DO UPDATE SET sla_percent = EXCLUDED.sla_percent, sla_seconds = EXCLUDED.sla_seconds`,
        [tenant, queueId, target.percent, target.seconds],
      );
      await this.recountQueue(manager, tenant, queueId, target.seconds);
    });
  }

  /** Counts a queue again with the threshold that applies to it now (see `queuesToRecount`), under the tenant's lock. */
  async recountStaleQueue(tenant: string, queueId: string, seconds: number): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      await this.lockTenants(manager, [tenant]);
      await this.recountQueue(manager, tenant, queueId, seconds);
    });
  }

  async queues(tenant: string, queueId?: string): Promise<QueueRecord[]> {
    const rows: { queue_id: string; sla_percent: number | null; sla_seconds: number | null; breached: boolean }[] = await queryPrepared(this.dataSource,
      `SELECT queue_id, sla_percent, sla_seconds, breached FROM ${this.queue}
       WHERE tenant = $1 AND ($2::text IS NULL OR queue_id = $2) ORDER BY queue_id`,
      [tenant, queueId ?? null],
    );
    return rows.map((row) => ({
      queueId: row.queue_id,
      ...(row.sla_percent === null || row.sla_seconds === null ? {} : { target: { percent: row.sla_percent, seconds: row.sla_seconds } }),
      breached: row.breached,
    }));
  }

  /**
   * Sets the queues' breach flags in one statement; returns the queues whose flag changed (so exactly one caller
   * announces each change).
   */
  async setBreached(manager: EntityManager, tenant: string, flags: readonly { queueId: string; breached: boolean }[]): Promise<Set<string>> {
    if (flags.length === 0) return new Set();
    const [rows]: [{ queue_id: string }[], number] = await queryPrepared(manager,
      `UPDATE ${this.queue} q SET breached = v.breached
       FROM unnest($2::text[], $3::boolean[]) AS v(queue_id, breached)
       WHERE q.tenant = $1 AND q.queue_id = v.queue_id AND q.breached <> v.breached
       RETURNING q.queue_id`,
      [tenant, flags.map((f) => f.queueId), flags.map((f) => f.breached)],
    );
    return new Set(rows.map((row) => row.queue_id));
  }

  /** Tenants with a queue seen since `since` or an agent logged in now. */
  async activeTenants(since: Date): Promise<string[]> {
    const rows: { tenant: string }[] = await queryPrepared(this.dataSource,
      `SELECT DISTINCT tenant FROM ${this.queue} WHERE last_seen_at >= $1
       UNION SELECT DISTINCT tenant FROM ${this.span} WHERE ended_at IS NULL AND state <> 'offline'`,
      [since],
    );
    return rows.map((row) => row.tenant);
  }

  /**
   * Contact counts of the window [from, to) (definitions in docs/kpis.md): the per-minute counts of the minutes that
   * start in it, over all queues (the tenant, or the one queue asked for) and per queue, and the contacts still waiting
   * at its end. A contact waits from its arrival until answered or ended; waits longer than a day are not counted as
   * waiting. The window's start is a whole minute (`liveWindow`, `dayWindow`).
   */
  async contactAggregatesByQueue(
    tenant: string,
    queueId: string | undefined,
    from: Date,
    to: Date,
  ): Promise<{ all: ContactAggregates; queues: Map<string, ContactAggregates>; none: ContactAggregates }> {
    const [counted, waiting]: [MinuteSumRow[], WaitingRow[]] = await Promise.all([
      queryPrepared(this.dataSource,
        `SELECT queue_id, GROUPING(queue_id) = 1 AS whole,
           sum(offered)::int AS offered, sum(answered)::int AS answered, sum(answered_within)::int AS answered_within,
           (sum(wait_sum) / NULLIF(sum(wait_count), 0))::float8 AS asa, sum(abandoned)::int AS abandoned,
           sum(handled)::int AS handled, (sum(handle_sum) / NULLIF(sum(handled), 0))::float8 AS aht,
           GREATEST(max(wait_max), max(abandoned_wait_max))::float8 AS longest_wait,
           sum(fcr_base)::int AS fcr_base, sum(fcr_resolved)::int AS fcr_resolved
         FROM ${this.minute}
         WHERE tenant = $1 AND ($2::text IS NULL OR queue_id = $2) AND minute >= $3 AND minute < $4
         GROUP BY GROUPING SETS ((), (queue_id))`,
        [tenant, queueId ?? null, from, to],
      ),
      // Waiting at the window's end, in three parts an index each can find (the first, the usual one, from the partial
      // index of open contacts): not a pass over the day's contacts.
      queryPrepared(this.dataSource,
        `SELECT COALESCE(queue_id, '') AS queue_id, GROUPING(COALESCE(queue_id, '')) = 1 AS whole, count(*)::int AS waiting,
           max(EXTRACT(EPOCH FROM $3::timestamptz - created_at))::float8 AS longest_wait
         FROM ${this.contact}
         WHERE tenant = $1 AND ($2::text IS NULL OR queue_id = $2)
           AND (answered_at IS NULL OR answered_at >= $3::timestamptz) AND (ended_at IS NULL OR ended_at >= $3::timestamptz)
           AND ((answered_at IS NULL AND ended_at IS NULL AND created_at >= $3::timestamptz - interval '1 day' AND created_at < $3::timestamptz)
             OR (answered_at >= $3::timestamptz AND created_at >= $3::timestamptz - interval '1 day' AND created_at < $3::timestamptz)
             OR (ended_at >= $3::timestamptz AND created_at >= $3::timestamptz - interval '1 day' AND created_at < $3::timestamptz))
         GROUP BY GROUPING SETS ((), (COALESCE(queue_id, '')))`,
        [tenant, queueId ?? null, to],
      ),
    ]);
    const waitingOf = new Map(waiting.map((row) => [row.whole ? undefined : row.queue_id, row]));
    const queues = new Map<string, ContactAggregates>();
    let all: ContactAggregates | undefined;
    for (const row of counted) {
      const key = row.whole ? undefined : (row.queue_id ?? '');
      const aggregates = toAggregates(row, waitingOf.get(key));
      waitingOf.delete(key);
      if (key === undefined) all = aggregates;
      else if (key !== '') queues.set(key, aggregates);
    }
    // Queues (or the whole) with contacts waiting but none counted in the window.
    for (const [key, row] of waitingOf) {
      if (key === undefined) all = toAggregates(undefined, row);
      else if (key !== '') queues.set(key, toAggregates(undefined, row));
    }
    return { all: all ?? toAggregates(undefined, undefined), queues, none: toAggregates(undefined, undefined) };
  }

  /** The tenant's contact counts per minute (all queues, or the one asked for) of the minutes starting in [from, to). */
  async minuteCounts(tenant: string, from: Date, to: Date, queueId?: string): Promise<MinuteCounts[]> {
    const rows: { minute: Date; offered: number; answered: number; answered_within: number; abandoned: number }[] = await queryPrepared(this.dataSource,
      `SELECT minute, sum(offered)::int AS offered, sum(answered)::int AS answered, sum(answered_within)::int AS answered_within,
         sum(abandoned)::int AS abandoned
       FROM ${this.minute}
       WHERE tenant = $1 AND minute >= $2 AND minute < $3 AND ($4::text IS NULL OR queue_id = $4)
       GROUP BY minute ORDER BY minute`,
      [tenant, from, to, queueId ?? null],
    );
    return rows.map((row) => ({ minute: row.minute, offered: row.offered, answered: row.answered, answeredWithin: row.answered_within, abandoned: row.abandoned }));
  }

  /**
   * Seconds per agent and state within [from, to) (`from` a whole minute): the ended spans' time from the hour buckets
   * inside the window and the minute buckets at its edges, and the open spans' time up to `to`.
   */
  async agentTime(tenant: string, from: Date, to: Date, agentIds?: readonly string[]): Promise<AgentTime[]> {
    const hour = AGENT_BUCKETS.hour * 1000;
    const firstHour = Math.ceil(from.getTime() / hour) * hour;
    const lastHour = Math.floor(to.getTime() / hour) * hour;
    // Whole hours from the hour buckets; the minutes before the first and after the last from the minute buckets.
    const [hoursFrom, hoursTo] = firstHour < lastHour ? [new Date(firstHour), new Date(lastHour)] : [to, to];
    const rows: { agent_id: string; state: AgentState; seconds: number }[] = await queryPrepared(this.dataSource,
      `SELECT agent_id, state, sum(seconds)::float8 AS seconds FROM (
         SELECT agent_id, state, seconds FROM ${this.agentHour}
         WHERE tenant = $1 AND hour >= $4 AND hour < $5 AND ($6::text[] IS NULL OR agent_id = ANY($6))
         UNION ALL
         SELECT agent_id, state, seconds FROM ${this.agentMinute}
         WHERE tenant = $1 AND minute >= $2 AND minute < $3 AND (minute < $4 OR minute >= $5) AND ($6::text[] IS NULL OR agent_id = ANY($6))
         UNION ALL
         SELECT agent_id, state, EXTRACT(EPOCH FROM $3::timestamptz - GREATEST(started_at, $2::timestamptz)) FROM ${this.span}
         WHERE tenant = $1 AND ended_at IS NULL AND started_at < $3 AND ($6::text[] IS NULL OR agent_id = ANY($6))) t
       GROUP BY agent_id, state`,
      [tenant, from, to, hoursFrom, hoursTo, agentIds === undefined ? null : [...agentIds]],
    );
    const byAgent = new Map<string, AgentTime>();
    for (const row of rows) {
      const entry = byAgent.get(row.agent_id) ?? { agentId: row.agent_id, seconds: {} };
      // Bucket sums carry floating-point residue (50.4 + 60 + 9.6): the facts are at most microsecond-precise.
      entry.seconds[row.state] = Math.max(0, Math.round(row.seconds * 1e6) / 1e6);
      byAgent.set(row.agent_id, entry);
    }
    return [...byAgent.values()];
  }

  /** Each agent's state at `at` (the span covering it). */
  async statesAt(tenant: string, at: Date, agentIds?: readonly string[]): Promise<AgentStateNow[]> {
    const rows: { agent_id: string; state: AgentState; started_at: Date }[] = await this.dataSource.query(
      `SELECT agent_id, state, started_at FROM ${this.span}
       WHERE tenant = $1 AND started_at <= $2 AND (ended_at IS NULL OR ended_at > $2) AND ($3::text[] IS NULL OR agent_id = ANY($3))
       ORDER BY agent_id`,
      [tenant, at, agentIds === undefined ? null : [...agentIds]],
    );
    return rows.map((row) => ({ agentId: row.agent_id, state: row.state, since: row.started_at }));
  }

  /** Each queue's (or the one queue's) agents who answered one of its contacts in [from, to), with their last answer. */
  async queueAgentAnswers(tenant: string, from: Date, to: Date, queueId?: string): Promise<QueueAgentAnswer[]> {
    const rows: { queue_id: string; agent_id: string; last_ms: number }[] = await queryPrepared(this.dataSource,
      `SELECT queue_id, agent_id, (extract(epoch FROM max(answered_at)) * 1000)::float8 AS last_ms FROM ${this.contact}
       WHERE tenant = $1 AND ($4::text IS NULL OR queue_id = $4) AND queue_id IS NOT NULL AND agent_id IS NOT NULL
         AND answered_at >= $2 AND answered_at < $3
       GROUP BY queue_id, agent_id`,
      [tenant, from, to, queueId ?? null],
    );
    return rows.map((row) => ({ queueId: row.queue_id, agentId: row.agent_id, lastMs: row.last_ms }));
  }

  /** Agents who answered a contact of each queue (or of the one queue asked for) in [from, to), by queue. */
  async queueAgents(tenant: string, queueId: string | undefined, from: Date, to: Date): Promise<Map<string, string[]>> {
    const byQueue = new Map<string, string[]>();
    for (const row of await this.queueAgentAnswers(tenant, from, to, queueId)) byQueue.set(row.queueId, [...(byQueue.get(row.queueId) ?? []), row.agentId]);
    return byQueue;
  }
}

/** The aggregates of a window's counted row and waiting row (either absent: none in the window). */
function toAggregates(row: MinuteSumRow | undefined, waiting: WaitingRow | undefined): ContactAggregates {
  const longest = Math.max(row?.longest_wait ?? 0, waiting?.longest_wait ?? 0);
  return {
    offered: row?.offered ?? 0,
    answered: row?.answered ?? 0,
    answeredWithinThreshold: row?.answered_within ?? 0,
    abandoned: row?.abandoned ?? 0,
    asaSeconds: row?.asa ?? undefined,
    handled: row?.handled ?? 0,
    ahtSeconds: row?.aht ?? undefined,
    longestWaitSeconds: longest,
    waiting: waiting?.waiting ?? 0,
    fcrBase: row?.fcr_base ?? 0,
    fcrResolved: row?.fcr_resolved ?? 0,
  };
}
