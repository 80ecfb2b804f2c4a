import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { AgentState, AnyCloudEvent } from '@switchboard/contracts';
import { PLATFORM_CONFIG, queryPrepared, quoteIdent, type PlatformConfig } from '@switchboard/platform';
import type { OpenWork } from '../hot-state/hot-state.repository';
import type { AgentRow, CustomerRow, InteractionRow, OfferRow, OfferStatus, QueueRow } from './rows';

type Db = DataSource | EntityManager;

/** An offer id is a UUID (any other text names no offer). */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A waiting interaction as a decision round reads it: with its customer's flags and sticky agent. */
/** What an agent's wrap-up after an interaction depends on. */
export interface WrapUpContext {
  agentState: AgentState;
  agentOpen: number;
  wrapUpSeconds: number | null;
  settings: Record<string, unknown> | undefined;
}

interface WrapUpContextRow {
  state: AgentState;
  open: string;
  wrap_up_seconds: number | null;
  settings: Record<string, unknown> | null;
}

function toWrapUpContext(row: WrapUpContextRow | undefined): WrapUpContext | undefined {
  return row && { agentState: row.state, agentOpen: Number(row.open), wrapUpSeconds: row.wrap_up_seconds, settings: row.settings ?? undefined };
}

export type WaitingRow = InteractionRow & { flag_abusive: boolean | null; flag_churn: string | null; sticky_agent: string | null; sticky_unresolved: boolean | null };

/** What recording a disposition returns: the interaction, its agent's state and open interactions, the tenant's settings. */
export interface RecordedDisposition {
  interaction: InteractionRow;
  agentState: AgentState | null;
  agentOpen: number;
  settings: Record<string, unknown> | undefined;
}

/** The key of an interaction in the maps the batch statements return. */
export function interactionKey(tenant: string, id: string): string {
  return `${tenant}|${id}`;
}

/** An interaction with its latest open offer. */
export type InteractionWithOffer = InteractionRow & {
  offer: Pick<OfferRow, 'id' | 'tenant' | 'interaction_id' | 'status' | 'agent_id' | 'queue_id' | 'channel'> | undefined;
};

/** Durable routing state in Postgres: agents, queues, interactions, offers, decisions, flags and settings. */
@Injectable()
export class RoutingRepository {
  private readonly s: string;

  constructor(
    readonly dataSource: DataSource,
    @Inject(PLATFORM_CONFIG) config: PlatformConfig,
  ) {
    this.s = quoteIdent(config.database.schema);
  }

  async upsertAgent(a: Omit<AgentRow, 'state' | 'state_since' | 'state_reason' | 'last_offered_at' | 'strain_level' | 'missed_in_row' | 'wrap_up_until'>): Promise<void> {
    await queryPrepared(this.dataSource,
      `INSERT INTO ${this.s}.agent (tenant, id, name, skills, capacity, languages, team, started_at, shift)
       VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9)
       ON CONFLICT (tenant, id) DO UPDATE SET name=$3, skills=$4, capacity=$5, languages=$6, team=$7, started_at=$8, shift=$9`,
      [a.tenant, a.id, a.name, JSON.stringify(a.skills), JSON.stringify(a.capacity), a.languages, a.team, a.started_at, a.shift ? JSON.stringify(a.shift) : null],
    );
  }

  async agent(tenant: string, id: string, db: Db = this.dataSource): Promise<AgentRow | undefined> {
    const rows: AgentRow[] = await queryPrepared(db, `SELECT * FROM ${this.s}.agent WHERE tenant=$1 AND id=$2`, [tenant, id]);
    return rows[0];
  }

  async agents(tenant: string): Promise<AgentRow[]> {
    return queryPrepared(this.dataSource, `SELECT * FROM ${this.s}.agent WHERE tenant=$1 ORDER BY id`, [tenant]);
  }

  /** Sets an agent's state; returns the previous state, or undefined when unchanged or unknown. */
  async setAgentState(
    db: Db,
    tenant: string,
    id: string,
    state: AgentState,
    reason: string | null,
    extra: { wrapUpUntil?: Date | null; resetMissed?: boolean; onlyFrom?: AgentState[] } = {},
  ): Promise<AgentState | undefined> {
    const result: [{ previous: AgentState }[], number] = await queryPrepared(db,
      `UPDATE ${this.s}.agent a SET state=$3, state_since=now(), state_reason=$4, wrap_up_until=$5,
         missed_in_row = CASE WHEN $6 THEN 0 ELSE a.missed_in_row END
       FROM (SELECT tenant, id, state AS previous FROM ${this.s}.agent WHERE tenant=$1 AND id=$2 FOR UPDATE) p
       WHERE a.tenant=p.tenant AND a.id=p.id AND p.previous <> $3 AND ($7::text[] IS NULL OR p.previous = ANY($7))
       RETURNING p.previous`,
      [tenant, id, state, reason, extra.wrapUpUntil ?? null, extra.resetMissed ?? false, extra.onlyFrom ?? null],
    );
    return result[0][0]?.previous;
  }

  async resetMissed(db: Db, tenant: string, id: string): Promise<void> {
    // Only when set: an agent's row is locked only when it changes.
    await queryPrepared(db, `UPDATE ${this.s}.agent SET missed_in_row=0 WHERE tenant=$1 AND id=$2 AND missed_in_row <> 0`, [tenant, id]);
  }

  async setStrain(tenant: string, agentId: string, level: string): Promise<void> {
    await queryPrepared(this.dataSource, `UPDATE ${this.s}.agent SET strain_level=$3 WHERE tenant=$1 AND id=$2`, [tenant, agentId, level]);
  }

  async upsertQueue(q: QueueRow): Promise<void> {
    await queryPrepared(this.dataSource,
      `INSERT INTO ${this.s}.queue (tenant, id, name, channel, required_skills, priority, sla, strategy, offer_timeout_seconds, wrap_up_seconds, overflow)
       VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11)
       ON CONFLICT (tenant, id) DO UPDATE SET name=$3, channel=$4, required_skills=$5, priority=$6, sla=$7, strategy=$8,
         offer_timeout_seconds=$9, wrap_up_seconds=$10, overflow=$11`,
      [q.tenant, q.id, q.name, q.channel, JSON.stringify(q.required_skills), q.priority, JSON.stringify(q.sla), q.strategy,
        q.offer_timeout_seconds, q.wrap_up_seconds, JSON.stringify(q.overflow)],
    );
  }

  async queue(tenant: string, id: string, db: Db = this.dataSource): Promise<QueueRow | undefined> {
    const rows: QueueRow[] = await queryPrepared(db, `SELECT * FROM ${this.s}.queue WHERE tenant=$1 AND id=$2`, [tenant, id]);
    return rows[0];
  }

  async queues(tenant: string): Promise<QueueRow[]> {
    return queryPrepared(this.dataSource, `SELECT * FROM ${this.s}.queue WHERE tenant=$1 ORDER BY id`, [tenant]);
  }

  /**
   * Arrivals in one statement, which is its own transaction: `claim` records the events' ids (`$1` the consumer, `$2`
   * the distinct ids), the interactions of the events not processed before are inserted (one per event id), and
   * `outboxInsert` writes the `routing.queued` events of those not known before (each event's `data.interactionId`).
   * Returns the outbox rows written.
   */
  async queueArrivals(
    claim: (consumer: string, ids: string) => string,
    outboxInsert: (source: string) => string,
    consumer: string,
    rows: (Pick<InteractionRow, 'tenant' | 'id' | 'queue_id' | 'channel' | 'customer_id' | 'vip' | 'language' | 'priority'> & { eventId: string })[],
    queued: readonly AnyCloudEvent[],
  ): Promise<{ id: string; event_id: string }[]> {
    if (rows.length === 0) return [];
    return queryPrepared(this.dataSource,
      `WITH claimed AS (${claim('$1', '$2')}),
       inserted AS (
         INSERT INTO ${this.s}.interaction (tenant, id, queue_id, channel, customer_id, vip, language, priority, status, queued_at)
         SELECT v.tenant, v.id, v.queue_id, v.channel, v.customer_id, v.vip, v.language, v.priority, 'queued', now()
         FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::boolean[], $9::text[], $10::int[])
           AS v(event_id, tenant, id, queue_id, channel, customer_id, vip, language, priority)
         JOIN claimed USING (event_id)
         ON CONFLICT DO NOTHING RETURNING tenant, id),
       written AS (${outboxInsert(`SELECT q.event FROM jsonb_array_elements($11::jsonb) AS q(event)
         JOIN inserted ON inserted.tenant = q.event->>'tenantid' AND inserted.id = q.event->'data'->>'interactionId'`)})
       SELECT id::text AS id, event_id FROM written`,
      [consumer, rows.map((r) => r.eventId), rows.map((r) => r.tenant), rows.map((r) => r.id), rows.map((r) => r.queue_id), rows.map((r) => r.channel),
        rows.map((r) => r.customer_id), rows.map((r) => r.vip), rows.map((r) => r.language), rows.map((r) => r.priority), JSON.stringify(queued)],
    );
  }

  async interaction(tenant: string, id: string, db: Db = this.dataSource, lock = false): Promise<InteractionRow | undefined> {
    const rows: InteractionRow[] = await queryPrepared(db,
      `SELECT * FROM ${this.s}.interaction WHERE tenant=$1 AND id=$2${lock ? ' FOR UPDATE' : ''}`,
      [tenant, id],
    );
    return rows[0];
  }

  /** Locks an interaction and reads its latest open (offered or accepted) offer with it, in one statement. */
  async lockInteractionWithOffer(db: Db, tenant: string, id: string): Promise<InteractionWithOffer | undefined> {
    return (await this.lockInteractionsWithOffers(db, [{ tenant, id }])).get(interactionKey(tenant, id));
  }

  /**
   * Locks interactions (FOR UPDATE) with each one's open offer, in one statement; keyed by `interactionKey`, an
   * interaction routing does not know is absent.
   */
  async lockInteractionsWithOffers(db: Db, keys: readonly { tenant: string; id: string }[]): Promise<Map<string, InteractionWithOffer>> {
    const out = new Map<string, InteractionWithOffer>();
    if (keys.length === 0) return out;
    const rows: (InteractionRow & { offer_id: string | null; offer_status: OfferStatus; offer_agent_id: string; offer_queue_id: string; offer_channel: OfferRow['channel'] })[] = await queryPrepared(db,
      `SELECT i.*, o.id::text AS offer_id, o.status AS offer_status, o.agent_id AS offer_agent_id, o.queue_id AS offer_queue_id, o.channel AS offer_channel
       FROM ${this.s}.interaction i
       JOIN unnest($1::text[], $2::text[]) AS k(tenant, id) ON i.tenant=k.tenant AND i.id=k.id
       LEFT JOIN LATERAL (SELECT id, status, agent_id, queue_id, channel FROM ${this.s}.offer
         WHERE tenant=i.tenant AND interaction_id=i.id AND status IN ('offered','accepted') ORDER BY created_at DESC LIMIT 1) o ON true
       FOR UPDATE OF i`,
      [keys.map((k) => k.tenant), keys.map((k) => k.id)],
    );
    for (const row of rows) {
      const { offer_id, offer_status, offer_agent_id, offer_queue_id, offer_channel, ...interaction } = row;
      const offer = offer_id === null ? undefined
        : { id: offer_id, tenant: row.tenant, interaction_id: row.id, status: offer_status, agent_id: offer_agent_id, queue_id: offer_queue_id, channel: offer_channel };
      out.set(interactionKey(row.tenant, row.id), { ...interaction, offer });
    }
    return out;
  }

  async updateInteraction(db: Db, tenant: string, id: string, set: Partial<Pick<InteractionRow, 'status' | 'agent_id' | 'assigned_at' | 'ended_at' | 'abusive' | 'overflow_step' | 'queue_id' | 'queued_at' | 'logged_outcome'>> & { declined?: string }, whenStatus?: string[]): Promise<boolean> {
    const cols: string[] = [];
    const params: unknown[] = [tenant, id];
    for (const [key, value] of Object.entries(set)) {
      if (key === 'declined') continue;
      params.push(value);
      cols.push(`${key}=$${params.length}`);
    }
    if (set.declined) {
      params.push(set.declined);
      cols.push(`declined_by = array_append(declined_by, $${params.length}::text)`);
    }
    let where = 'tenant=$1 AND id=$2';
    if (whenStatus) {
      params.push(whenStatus);
      where += ` AND status = ANY($${params.length})`;
    }
    const result: [unknown[], number] = await db.query(`UPDATE ${this.s}.interaction SET ${cols.join(', ')} WHERE ${where}`, params);
    return result[1] > 0;
  }

  /**
   * A decision round's waiting interactions, every tenant's, in one statement: oldest first per tenant, each with its
   * customer's flags and its sticky agent (the one who left the customer's latest unresolved case within the tenant's
   * sticky days if any, else the one who handled the latest contact). `sticky` gives the sticky days of the tenants
   * whose settings the caller holds (null: sticky routing off); any other tenant's are `otherStickyDays`.
   */
  async waitingForRounds(sticky: readonly { tenant: string; days: number | null }[], otherStickyDays: number | null): Promise<WaitingRow[]> {
    return queryPrepared(this.dataSource,
      `${this.waitingSelect('CASE WHEN k.tenant IS NULL THEN $3::int ELSE k.days END', 'LEFT JOIN unnest($1::text[], $2::int[]) AS k(tenant, days) ON k.tenant = i.tenant')}
       WHERE i.status='queued' ORDER BY i.tenant, i.queued_at`,
      [sticky.map((t) => t.tenant), sticky.map((t) => t.days), otherStickyDays],
    );
  }

  /** A tenant's waiting interactions as `waitingForRounds` reads them, with these sticky days (undefined: off). */
  async waitingForRound(tenant: string, stickyDays: number | undefined): Promise<WaitingRow[]> {
    return queryPrepared(this.dataSource,
      `${this.waitingSelect('$2::int', '')} WHERE i.tenant=$1 AND i.status='queued' ORDER BY i.queued_at`,
      [tenant, stickyDays ?? null],
    );
  }

  /**
   * The waiting interactions' select up to the caller's WHERE: `joined` (a join of the caller's), then the flags and the
   * sticky agent of each interaction's customer, found by index per interaction (`days`: the sticky days, an expression).
   */
  private waitingSelect(days: string, joined: string): string {
    return `SELECT i.*, f.abusive AS flag_abusive, f.churn_level AS flag_churn, s.agent_id AS sticky_agent, s.unresolved AS sticky_unresolved
       FROM ${this.s}.interaction i
       ${joined}
       LEFT JOIN LATERAL (
         SELECT g.abusive, g.churn_level FROM ${this.s}.customer_flag g WHERE g.tenant=i.tenant AND g.customer_id=i.customer_id) f ON true
       LEFT JOIN LATERAL (
         SELECT h.agent_id, (h.resolved IS FALSE) AS unresolved FROM ${this.s}.interaction h
         WHERE ${days} IS NOT NULL AND h.tenant=i.tenant AND h.customer_id=i.customer_id AND h.agent_id IS NOT NULL
           AND h.assigned_at IS NOT NULL AND h.assigned_at > now() - make_interval(days => ${days})
         ORDER BY (h.resolved IS FALSE) DESC, h.assigned_at DESC LIMIT 1) s ON true`;
  }

  async waitingInQueue(tenant: string, queueId: string): Promise<InteractionRow[]> {
    return queryPrepared(this.dataSource,
      `SELECT * FROM ${this.s}.interaction WHERE tenant=$1 AND queue_id=$2 AND status IN ('queued','offered') ORDER BY queued_at`,
      [tenant, queueId],
    );
  }

  /**
   * Records an interaction's disposition; returns the interaction with its agent's state, the agent's open (assigned)
   * interactions and the tenant's stored settings, in one statement; undefined when the interaction is unknown.
   */
  async recordDisposition(db: Db, tenant: string, id: string, resolved: boolean, code: string | null): Promise<RecordedDisposition | undefined> {
    return (await this.recordDispositions(db, [{ tenant, id, resolved, code }])).get(interactionKey(tenant, id));
  }

  /**
   * Records dispositions in one statement, each returning what follows from it: the interaction, its agent's state and
   * open interactions, the tenant's settings; keyed by `interactionKey`, an interaction routing does not know is absent.
   */
  async recordDispositions(db: Db, items: readonly { tenant: string; id: string; resolved: boolean; code: string | null }[]): Promise<Map<string, RecordedDisposition>> {
    const out = new Map<string, RecordedDisposition>();
    if (items.length === 0) return out;
    const rows: (InteractionRow & { agent_state: AgentState | null; agent_open: string; tenant_settings: Record<string, unknown> | null })[] = await queryPrepared(db,
      `WITH v AS (SELECT * FROM unnest($1::text[], $2::text[], $3::boolean[], $4::text[]) AS v(tenant, id, resolved, code)),
       d AS (UPDATE ${this.s}.interaction i SET resolved=v.resolved, disposition_code=v.code, disposed_at=now()
         FROM v WHERE i.tenant=v.tenant AND i.id=v.id RETURNING i.*)
       SELECT d.*, a.state AS agent_state,
         (SELECT count(*) FROM ${this.s}.interaction x WHERE x.tenant=d.tenant AND x.agent_id=d.agent_id AND x.status='assigned') AS agent_open,
         (SELECT settings FROM ${this.s}.settings s WHERE s.tenant=d.tenant) AS tenant_settings
       FROM d LEFT JOIN ${this.s}.agent a ON a.tenant=d.tenant AND a.id=d.agent_id`,
      [items.map((i) => i.tenant), items.map((i) => i.id), items.map((i) => i.resolved), items.map((i) => i.code)],
    );
    for (const row of rows) {
      const { agent_state, agent_open, tenant_settings, ...interaction } = row;
      out.set(interactionKey(row.tenant, row.id), { interaction, agentState: agent_state, agentOpen: Number(agent_open), settings: tenant_settings ?? undefined });
    }
    return out;
  }

  /**
   * What an agent's wrap-up after an interaction needs, in one statement: the agent's state, the agent's other open
   * interactions, the queue's wrap-up and the tenant's settings. With `ending`, the same statement first ends that
   * (assigned) interaction. Undefined when the agent is unknown.
   */
  async wrapUpContext(db: Db, tenant: string, agentId: string, queueId: string, ending?: { interactionId: string; at: Date }): Promise<WrapUpContext | undefined> {
    if (ending) {
      const ended = await this.endAssigned(db, [{ tenant, id: ending.interactionId, agentId, queueId }], ending.at);
      return ended.get(interactionKey(tenant, ending.interactionId));
    }
    const rows: WrapUpContextRow[] = await queryPrepared(db,
      `SELECT a.state,
         (SELECT count(*) FROM ${this.s}.interaction x WHERE x.tenant=$1 AND x.agent_id=$2 AND x.status='assigned') AS open,
         (SELECT wrap_up_seconds FROM ${this.s}.queue WHERE tenant=$1 AND id=$3) AS wrap_up_seconds,
         (SELECT settings FROM ${this.s}.settings WHERE tenant=$1) AS settings
       FROM ${this.s}.agent a WHERE a.tenant=$1 AND a.id=$2`,
      [tenant, agentId, queueId],
    );
    return toWrapUpContext(rows[0]);
  }

  /**
   * Ends assigned interactions in one statement, each returning its agent's wrap-up context (see `wrapUpContext`) as if
   * they ended one after another in the order given: an agent's open interactions count those of the list that come
   * later as still open. Keyed by `interactionKey`; an interaction whose agent is unknown is absent.
   */
  async endAssigned(db: Db, items: readonly { tenant: string; id: string; agentId: string; queueId: string }[], at: Date): Promise<Map<string, WrapUpContext>> {
    const out = new Map<string, WrapUpContext>();
    if (items.length === 0) return out;
    const rows: (WrapUpContextRow & { tenant: string; id: string })[] = await queryPrepared(db,
      `WITH v AS (SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) WITH ORDINALITY AS v(tenant, id, agent_id, queue_id, ord)),
       ended AS (UPDATE ${this.s}.interaction i SET status='ended', ended_at=$5 FROM v WHERE i.tenant=v.tenant AND i.id=v.id RETURNING i.tenant, i.id)
       SELECT v.tenant, v.id, a.state,
         (SELECT count(*) FROM ${this.s}.interaction x WHERE x.tenant=v.tenant AND x.agent_id=v.agent_id AND x.status='assigned'
            AND NOT EXISTS (SELECT 1 FROM v w WHERE w.tenant=x.tenant AND w.id=x.id AND w.ord <= v.ord)) AS open,
         (SELECT wrap_up_seconds FROM ${this.s}.queue q WHERE q.tenant=v.tenant AND q.id=v.queue_id) AS wrap_up_seconds,
         (SELECT settings FROM ${this.s}.settings st WHERE st.tenant=v.tenant) AS settings
       FROM v JOIN ${this.s}.agent a ON a.tenant=v.tenant AND a.id=v.agent_id
       WHERE EXISTS (SELECT 1 FROM ended e WHERE e.tenant=v.tenant AND e.id=v.id)`,
      [items.map((i) => i.tenant), items.map((i) => i.id), items.map((i) => i.agentId), items.map((i) => i.queueId), at],
    );
    for (const row of rows) {
      const context = toWrapUpContext(row);
      if (context) out.set(interactionKey(row.tenant, row.id), context);
    }
    return out;
  }

  /** Marks an interaction abusive; returns its customer, or undefined when the interaction is unknown. */
  async flagInteractionAbusive(db: Db, tenant: string, id: string): Promise<string | undefined> {
    const rows: [{ customer_id: string }[], number] = await queryPrepared(db,
      `UPDATE ${this.s}.interaction SET abusive=true WHERE tenant=$1 AND id=$2 RETURNING customer_id`,
      [tenant, id],
    );
    return rows[0][0]?.customer_id;
  }

  /** Brings an agent's wrap-up end forward to `until` (never later than it was). */
  async shortenWrapUp(db: Db, tenant: string, agentId: string, until: Date): Promise<boolean> {
    const result: [unknown[], number] = await queryPrepared(db,
      `UPDATE ${this.s}.agent SET wrap_up_until=$3 WHERE tenant=$1 AND id=$2 AND state='wrap_up' AND (wrap_up_until IS NULL OR wrap_up_until > $3)`,
      [tenant, agentId, until],
    );
    return result[1] > 0;
  }

  /** Rolling occupancy per agent: share of the window spent handling interactions. */
  async occupancy(tenant: string, windowMinutes: number): Promise<Map<string, number>> {
    const rows: { agent_id: string; busy: number }[] = await queryPrepared(this.dataSource,
      `SELECT agent_id, sum(extract(epoch FROM (coalesce(ended_at, now()) - greatest(assigned_at, now() - make_interval(mins => $2::int)))))::float AS busy
       FROM ${this.s}.interaction
       WHERE tenant=$1 AND agent_id IS NOT NULL AND assigned_at IS NOT NULL
         AND coalesce(ended_at, now()) > now() - make_interval(mins => $2::int)
       GROUP BY agent_id`,
      [tenant, windowMinutes],
    );
    return new Map(rows.map((r) => [r.agent_id, Math.min(1, Math.max(0, r.busy / (windowMinutes * 60)))]));
  }

  /**
   * What routing knows of a customer: its flags (abusive, churn level) and its contacts, with the agent of the latest
   * one handled. Undefined when routing has neither flagged nor seen the customer.
   */
  async customer(tenant: string, customerId: string): Promise<CustomerRow | undefined> {
    const rows: CustomerRow[] = await queryPrepared(this.dataSource,
      `SELECT f.abusive, f.churn_level, c.contacts, c.last_contact_at, h.agent_id AS last_agent_id
       FROM (SELECT count(*)::int AS contacts, max(queued_at) AS last_contact_at FROM ${this.s}.interaction
             WHERE tenant=$1 AND customer_id=$2) c
       LEFT JOIN ${this.s}.customer_flag f ON f.tenant=$1 AND f.customer_id=$2
       LEFT JOIN LATERAL (
         SELECT agent_id FROM ${this.s}.interaction WHERE tenant=$1 AND customer_id=$2 AND agent_id IS NOT NULL AND assigned_at IS NOT NULL
         ORDER BY assigned_at DESC LIMIT 1) h ON true
       WHERE f.customer_id IS NOT NULL OR c.contacts > 0`,
      [tenant, customerId],
    );
    return rows[0];
  }

  async flagCustomer(db: Db, tenant: string, customerId: string, set: { abusive?: boolean; churnLevel?: string }): Promise<void> {
    await queryPrepared(db,
      `INSERT INTO ${this.s}.customer_flag (tenant, customer_id, abusive, churn_level) VALUES ($1,$2,coalesce($3,false),$4)
       ON CONFLICT (tenant, customer_id) DO UPDATE SET abusive = coalesce($3, customer_flag.abusive),
         churn_level = coalesce($4, customer_flag.churn_level)`,
      [tenant, customerId, set.abusive ?? null, set.churnLevel ?? null],
    );
  }

  /**
   * Starts a hot-state rebuild in `db`'s transaction: writes the new epoch to its row, which stays locked to the end of
   * the transaction. Call it before reading the open work: an offer commit in flight finishes first (the rebuild reads
   * its offers), and one that comes later waits for the rebuild and finds the new epoch.
   */
  async beginHotStateEpoch(db: EntityManager, epoch: string): Promise<void> {
    await queryPrepared(db,
      `INSERT INTO ${this.s}.hot_state_epoch (id, epoch) VALUES (1, $1) ON CONFLICT (id) DO UPDATE SET epoch = EXCLUDED.epoch`,
      [epoch],
    );
  }

  /**
   * Commits a batch of reserved offers in one statement, its own transaction: share-locks the hot state's epoch row and
   * goes on only when it holds the epoch the reservations were made in (`epoch`; a rebuild in flight is waited for);
   * share-locks the offered agents still available (a state change waits for the commit, then rescinds what it finds),
   * moves their still-queued interactions to `offered`, and inserts those offers and their decision log entries, and
   * writes to the outbox the events (`outbox.events`) of the interactions offered (each event's `data.interactionId`).
   * Returns the epoch found, the offers made, the agents found available and the outbox rows written.
   *
   * The commit does not wait for its WAL flush (`synchronous_commit` off for this transaction only): offers are
   * re-derivable. A Postgres crash within a WAL writer cycle of the commit can lose the last offers; their interactions
   * are queued again after recovery and offered anew, an agent answering a lost offer is told it is no longer open
   * (409), and its reservation is released as a stale claim. The arrival that queued the interaction is always flushed.
   */
  async commitOffers(
    db: Db,
    tenant: string,
    items: { offer: Pick<OfferRow, 'id' | 'tenant' | 'interaction_id' | 'agent_id' | 'queue_id' | 'channel' | 'expires_at'>; step: number; explanation: unknown }[],
    epoch: string,
    outbox: { insertFrom: (source: string) => string; events: readonly AnyCloudEvent[] },
  ): Promise<{ epoch: string | null; offered: Set<string>; available: Set<string>; written: { id: string; event_id: string }[] }> {
    if (items.length === 0) return { epoch, offered: new Set(), available: new Set(), written: [] };
    const rows: { kind: 'epoch' | 'offer' | 'agent' | 'event'; id: string | null; event_id: string | null }[] = await queryPrepared(db,
      `WITH fence AS MATERIALIZED (SELECT epoch FROM ${this.s}.hot_state_epoch WHERE id = 1 FOR SHARE),
       unflushed AS MATERIALIZED (SELECT set_config('synchronous_commit', 'off', true) AS mode),
       v AS (
         SELECT * FROM unnest($2::uuid[], $3::text[], $4::text[], $5::text[], $6::text[], $7::timestamptz[], $8::int[], $9::text[])
           AS v(offer_id, interaction_id, agent_id, queue_id, channel, expires_at, step, explanation)),
       available AS (
         SELECT id FROM ${this.s}.agent WHERE tenant=$1 AND id = ANY($4::text[]) AND state='available'
           AND EXISTS (SELECT 1 FROM fence WHERE fence.epoch = $11) ORDER BY id FOR SHARE),
       moved AS (
         UPDATE ${this.s}.interaction i SET status='offered', overflow_step=v.step, logged_outcome=NULL FROM v
         WHERE i.tenant=$1 AND i.id=v.interaction_id AND i.status='queued' AND v.agent_id IN (SELECT id FROM available)
         RETURNING v.offer_id),
       offers AS (
         INSERT INTO ${this.s}.offer (id, tenant, interaction_id, agent_id, queue_id, channel, status, expires_at)
         SELECT v.offer_id, $1, v.interaction_id, v.agent_id, v.queue_id, v.channel, 'offered', v.expires_at FROM v JOIN moved USING (offer_id)
         RETURNING id),
       decisions AS (
         INSERT INTO ${this.s}.decision (tenant, interaction_id, explanation)
         SELECT $1, v.interaction_id, v.explanation::jsonb FROM v JOIN moved USING (offer_id)),
       written AS (${outbox.insertFrom(`SELECT q.event FROM jsonb_array_elements($10::jsonb) AS q(event)
         WHERE q.event->'data'->>'interactionId' IN (SELECT v.interaction_id FROM v JOIN moved USING (offer_id))`)})
       SELECT 'epoch' AS kind, epoch AS id, NULL AS event_id FROM fence, unflushed
       UNION ALL SELECT 'offer', id::text, NULL FROM offers UNION ALL SELECT 'agent', id, NULL FROM available
       UNION ALL SELECT 'event', id::text, event_id FROM written`,
      [tenant, items.map((i) => i.offer.id), items.map((i) => i.offer.interaction_id), items.map((i) => i.offer.agent_id), items.map((i) => i.offer.queue_id),
        items.map((i) => i.offer.channel), items.map((i) => i.offer.expires_at), items.map((i) => i.step), items.map((i) => JSON.stringify(i.explanation)),
        JSON.stringify(outbox.events), epoch],
    );
    return {
      epoch: rows.find((r) => r.kind === 'epoch')?.id ?? null,
      offered: new Set(rows.filter((r) => r.kind === 'offer').map((r) => r.id ?? '')),
      available: new Set(rows.filter((r) => r.kind === 'agent').map((r) => r.id ?? '')),
      written: rows.filter((r) => r.kind === 'event').map((r) => ({ id: r.id ?? '', event_id: r.event_id ?? '' })),
    };
  }

  /** Records the overflow step and decision outcome of interactions that stay queued. */
  async noteWaiting(db: Db, tenant: string, items: { id: string; step: number; outcome: string }[]): Promise<void> {
    if (items.length === 0) return;
    await queryPrepared(db,
      `UPDATE ${this.s}.interaction i SET overflow_step=v.step, logged_outcome=v.outcome
       FROM unnest($2::text[], $3::int[], $4::text[]) AS v(id, step, outcome)
       WHERE i.tenant=$1 AND i.id=v.id AND i.status='queued'`,
      [tenant, items.map((i) => i.id), items.map((i) => i.step), items.map((i) => i.outcome)],
    );
  }

  /** When each agent was last offered work (the day before a Redis loss is enough for round-robin). */
  async lastOffers(db: Db = this.dataSource): Promise<{ tenant: string; agentId: string; at: number }[]> {
    const rows: { tenant: string; agent_id: string; at: string }[] = await queryPrepared(db,
      `SELECT tenant, agent_id, (extract(epoch FROM max(created_at)) * 1000)::bigint AS at FROM ${this.s}.offer
       WHERE created_at > now() - interval '1 day' GROUP BY tenant, agent_id`,
    );
    return rows.map((r) => ({ tenant: r.tenant, agentId: r.agent_id, at: Number(r.at) }));
  }

  async offer(tenant: string, id: string): Promise<OfferRow | undefined> {
    if (!UUID.test(id)) return undefined;
    const rows: OfferRow[] = await queryPrepared(this.dataSource, `SELECT * FROM ${this.s}.offer WHERE id=$2::uuid AND tenant=$1`, [tenant, id]);
    return rows[0];
  }

  /** Atomic transition of an open offer; returns it when this caller made the transition. */
  async resolveOffer(db: Db, id: string, to: OfferStatus, from: OfferStatus[] = ['offered']): Promise<OfferRow | undefined> {
    const rows: [OfferRow[], number] = await queryPrepared(db,
      `UPDATE ${this.s}.offer SET status=$2, resolved_at=now() WHERE id=$1 AND status = ANY($3) RETURNING *`,
      [id, to, from],
    );
    return rows[0][0];
  }

  /**
   * Accepts open offers in one statement, each for the agent it was made to: the offer becomes `accepted`, its
   * interaction `assigned` to the agent, and the agents' missed-offer count restarts. Returns, per request in order,
   * the offer and its interaction, or undefined when the offer was not the agent's and open (an offer asked for twice:
   * the first request takes it). The offers are found by primary key: "still offered" is written (IS TRUE) so that it
   * cannot match the open offers' partial index, whose dead entries (every offer resolved since the last vacuum) the
   * planner would otherwise scan too.
   */
  async acceptOffers(
    db: Db,
    requests: readonly { tenant: string; offerId: string; agentId: string }[],
  ): Promise<({ offer: OfferRow; interaction: Pick<InteractionRow, 'queued_at' | 'customer_id'> | undefined } | undefined)[]> {
    const valid = requests.filter((r) => UUID.test(r.offerId));
    const rows: (OfferRow & { i_queued_at: Date | null; i_customer_id: string | null })[] = valid.length === 0 ? [] : await queryPrepared(db,
      `WITH v AS (SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[]) AS v(id, tenant, agent_id)),
       o AS (
         UPDATE ${this.s}.offer x SET status='accepted', resolved_at=now() FROM v
         WHERE x.id=v.id AND x.tenant=v.tenant AND x.agent_id=v.agent_id AND (x.status='offered') IS TRUE RETURNING x.*),
       i AS (
         UPDATE ${this.s}.interaction y SET status='assigned', agent_id=o.agent_id, assigned_at=clock_timestamp() FROM o
         WHERE y.tenant=o.tenant AND y.id=o.interaction_id RETURNING y.tenant, y.id, y.queued_at, y.customer_id),
       a AS (
         UPDATE ${this.s}.agent z SET missed_in_row=0 FROM (SELECT DISTINCT tenant, agent_id FROM o) w
         WHERE z.tenant=w.tenant AND z.id=w.agent_id AND z.missed_in_row <> 0)
       SELECT o.*, i.queued_at AS i_queued_at, i.customer_id AS i_customer_id FROM o LEFT JOIN i ON i.tenant=o.tenant AND i.id=o.interaction_id`,
      [valid.map((r) => r.offerId), valid.map((r) => r.tenant), valid.map((r) => r.agentId)],
    );
    const byId = new Map(rows.map((row) => [row.id, row]));
    return requests.map((request) => {
      // Postgres spells a uuid in lower case, whatever the request did.
      const id = request.offerId.toLowerCase();
      const row = byId.get(id);
      if (!row || row.tenant !== request.tenant || row.agent_id !== request.agentId) return undefined;
      // Taken: a second request for the same offer finds it accepted already.
      byId.delete(id);
      const { i_queued_at, i_customer_id, ...offer } = row;
      return { offer, interaction: i_queued_at && i_customer_id ? { queued_at: i_queued_at, customer_id: i_customer_id } : undefined };
    });
  }

  async openOfferFor(db: Db, tenant: string, interactionId: string): Promise<OfferRow | undefined> {
    const rows: OfferRow[] = await queryPrepared(db,
      `SELECT * FROM ${this.s}.offer WHERE tenant=$1 AND interaction_id=$2 AND status IN ('offered','accepted') ORDER BY created_at DESC LIMIT 1`,
      [tenant, interactionId],
    );
    return rows[0];
  }

  async openOffersOfAgent(db: Db, tenant: string, agentId: string): Promise<OfferRow[]> {
    return queryPrepared(db, `SELECT * FROM ${this.s}.offer WHERE tenant=$1 AND agent_id=$2 AND status='offered'`, [tenant, agentId]);
  }

  async expiredOfferIds(limit: number): Promise<string[]> {
    const rows: { id: string }[] = await queryPrepared(this.dataSource,
      `SELECT id FROM ${this.s}.offer WHERE status='offered' AND expires_at <= now() ORDER BY expires_at LIMIT $1`,
      [limit],
    );
    return rows.map((r) => r.id);
  }

  async incrementMissed(db: Db, tenant: string, agentId: string): Promise<number> {
    const rows: [{ missed_in_row: number }[], number] = await queryPrepared(db,
      `UPDATE ${this.s}.agent SET missed_in_row = missed_in_row + 1 WHERE tenant=$1 AND id=$2 RETURNING missed_in_row`,
      [tenant, agentId],
    );
    return rows[0][0]?.missed_in_row ?? 0;
  }

  async wrapUpsDue(): Promise<{ tenant: string; id: string }[]> {
    return queryPrepared(this.dataSource, `SELECT tenant, id FROM ${this.s}.agent WHERE state='wrap_up' AND wrap_up_until IS NOT NULL AND wrap_up_until <= now()`);
  }

  /** Offers open or accepted on interactions not yet ended: the durable truth the hot state is rebuilt from. */
  async openWork(db: Db = this.dataSource): Promise<OpenWork[]> {
    const rows: { tenant: string; agent_id: string; interaction_id: string; channel: OpenWork['channel']; id: string }[] =
      await queryPrepared(db,
        `SELECT o.tenant, o.agent_id, o.interaction_id, o.channel, o.id FROM ${this.s}.offer o
         JOIN ${this.s}.interaction i ON i.tenant=o.tenant AND i.id=o.interaction_id
         WHERE (o.status='offered' OR (o.status='accepted' AND i.status='assigned'))`,
      );
    return rows.map((r) => ({ tenant: r.tenant, agentId: r.agent_id, interactionId: r.interaction_id, channel: r.channel, offerId: r.id }));
  }

  async insertDecisions(db: Db, tenant: string, decisions: { interactionId: string; explanation: unknown }[]): Promise<void> {
    if (decisions.length === 0) return;
    await queryPrepared(db,
      `INSERT INTO ${this.s}.decision (tenant, interaction_id, explanation)
       SELECT $1, interaction_id, explanation::jsonb FROM unnest($2::text[], $3::text[]) AS v(interaction_id, explanation)`,
      [tenant, decisions.map((d) => d.interactionId), decisions.map((d) => JSON.stringify(d.explanation))],
    );
  }

  async decisions(tenant: string, interactionId: string): Promise<{ decided_at: Date; explanation: unknown }[]> {
    return queryPrepared(this.dataSource,
      `SELECT decided_at, explanation FROM ${this.s}.decision WHERE tenant=$1 AND interaction_id=$2 ORDER BY id`,
      [tenant, interactionId],
    );
  }

  async settings(tenant: string): Promise<Record<string, unknown> | undefined> {
    const rows: { settings: Record<string, unknown> }[] = await queryPrepared(this.dataSource, `SELECT settings FROM ${this.s}.settings WHERE tenant=$1`, [tenant]);
    return rows[0]?.settings;
  }

  async saveSettings(tenant: string, settings: unknown): Promise<void> {
    await queryPrepared(this.dataSource,
      `INSERT INTO ${this.s}.settings (tenant, settings) VALUES ($1,$2) ON CONFLICT (tenant) DO UPDATE SET settings=$2`,
      [tenant, JSON.stringify(settings)],
    );
  }
}
