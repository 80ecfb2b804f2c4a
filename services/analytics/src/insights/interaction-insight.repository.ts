import { Injectable } from '@nestjs/common';
import { queryPrepared, quoteIdent, schemaOf } from '@switchboard/platform';
import { DataSource, type EntityManager } from 'typeorm';
import { byTenantThen, oneRowPerInteraction } from '../shared/row-order';

/** What an event says about an interaction's people and origin; absent fields are unknown. */
export interface InteractionContext {
  tenant: string;
  interactionId: string;
  agentId?: string;
  customerId?: string;
  queueId?: string;
  channel?: string;
}

export interface InteractionInsight extends InteractionContext {
  utterances: number;
  sentimentSum: number;
  sentimentStart?: number;
  sentimentEnd?: number;
  sentimentMin?: number;
  abusiveCount: number;
  gratitude: boolean;
  smallTalkCount: number;
  endedAt?: Date;
}

interface Row {
  tenant: string;
  interaction_id: string;
  agent_id: string | null;
  customer_id: string | null;
  queue_id: string | null;
  channel: string | null;
  utterances: number;
  sentiment_sum: number;
  sentiment_start: number | null;
  sentiment_end: number | null;
  sentiment_min: number | null;
  abusive_count: number;
  gratitude: boolean;
  small_talk_count: number;
  ended_at: Date | null;
}

function toInsight(row: Row): InteractionInsight {
  const optional = <K extends string, V>(key: K, value: V | null): { [P in K]?: V } =>
    (value === null ? {} : { [key]: value }) as { [P in K]?: V };
  return {
    tenant: row.tenant,
    interactionId: row.interaction_id,
    ...optional('agentId', row.agent_id),
    ...optional('customerId', row.customer_id),
    ...optional('queueId', row.queue_id),
    ...optional('channel', row.channel),
    utterances: row.utterances,
    sentimentSum: row.sentiment_sum,
    ...optional('sentimentStart', row.sentiment_start),
    ...optional('sentimentEnd', row.sentiment_end),
    ...optional('sentimentMin', row.sentiment_min),
    abusiveCount: row.abusive_count,
    gratitude: row.gratitude,
    smallTalkCount: row.small_talk_count,
    ...optional('endedAt', row.ended_at),
  };
}

function definedOf(context: InteractionContext): Partial<InteractionContext> {
  return Object.fromEntries(Object.entries(context).filter(([, value]) => value !== undefined));
}

const byInteraction = byTenantThen((row: { tenant: string; interactionId: string }) => row.interactionId);

export interface ScoredUtterance {
  compound: number;
  abusive: boolean;
  gratitude: boolean;
  smallTalk: boolean;
}

const COLUMNS = `tenant, interaction_id, agent_id, customer_id, queue_id, channel, utterances, sentiment_sum, sentiment_start,
  sentiment_end, sentiment_min, abusive_count, gratitude, small_talk_count, ended_at`;

/** Per-interaction aggregates of the customer's side (Postgres, the service's schema). */
@Injectable()
export class InteractionInsightRepository {
  private readonly table: string;

  constructor(private readonly dataSource: DataSource) {
    const schema = schemaOf(dataSource);
    this.table = `${quoteIdent(schema)}.interaction_insight`;
  }

  /**
   * Records who and what each interaction is about, several interactions in one statement; a later known value replaces
   * an earlier one (`contexts` in arrival order).
   */
  async recordContexts(manager: EntityManager, contexts: readonly InteractionContext[]): Promise<void> {
    if (contexts.length === 0) return;
    const rows = oneRowPerInteraction(contexts, (known, next) => ({ ...known, ...definedOf(next) }));
    const column = (key: 'agentId' | 'customerId' | 'queueId' | 'channel'): (string | null)[] => rows.map((row) => row[key] ?? null);
    await queryPrepared(manager,
      `INSERT INTO ${this.table} AS i (tenant, interaction_id, agent_id, customer_id, queue_id, channel)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[])
       ON CONFLICT (tenant, interaction_id) DO UPDATE SET
         agent_id = COALESCE(EXCLUDED.agent_id, i.agent_id),
         customer_id = COALESCE(EXCLUDED.customer_id, i.customer_id),
         queue_id = COALESCE(EXCLUDED.queue_id, i.queue_id),
         channel = COALESCE(EXCLUDED.channel, i.channel),
         updated_at = now()`,
      [rows.map((row) => row.tenant), rows.map((row) => row.interactionId), column('agentId'), column('customerId'), column('queueId'), column('channel')],
    );
  }

  /**
   * Adds scored customer utterances, several interactions at once, in one statement; `utterances` of one interaction are
   * in order. Returns each touched interaction's agent and customer.
   */
  async addUtterances(
    manager: EntityManager,
    utterances: readonly { tenant: string; interactionId: string; score: ScoredUtterance }[],
  ): Promise<Map<string, { agentId?: string; customerId?: string }>> {
    const groups = new Map<string, { tenant: string; interactionId: string; n: number; sum: number; first: number; last: number; min: number; abusive: number; gratitude: boolean; smallTalk: number }>();
    for (const { tenant, interactionId, score } of utterances) {
      const key = `${tenant}/${interactionId}`;
      const group = groups.get(key);
      if (!group) {
        groups.set(key, {
          tenant,
          interactionId,
          n: 1,
          sum: score.compound,
          first: score.compound,
          last: score.compound,
          min: score.compound,
          abusive: score.abusive ? 1 : 0,
          gratitude: score.gratitude,
          smallTalk: score.smallTalk ? 1 : 0,
        });
        continue;
      }
      group.n++;
      group.sum += score.compound;
      group.last = score.compound;
      group.min = Math.min(group.min, score.compound);
      group.abusive += score.abusive ? 1 : 0;
      group.gratitude ||= score.gratitude;
      group.smallTalk += score.smallTalk ? 1 : 0;
    }
    const rows = [...groups.values()].sort(byInteraction);
    const result: { tenant: string; interaction_id: string; agent_id: string | null; customer_id: string | null }[] = await queryPrepared(manager,
      `INSERT INTO ${this.table} AS i (tenant, interaction_id, utterances, sentiment_sum, sentiment_start, sentiment_end, sentiment_min,
         abusive_count, gratitude, small_talk_count)
       SELECT * FROM unnest($1::text[], $2::text[], $3::int[], $4::float8[], $5::float8[], $6::float8[], $7::float8[], $8::int[], $9::bool[], $10::int[])
       ON CONFLICT (tenant, interaction_id) DO UPDATE SET
         utterances = i.utterances + EXCLUDED.utterances,
         sentiment_sum = i.sentiment_sum + EXCLUDED.sentiment_sum,
         sentiment_start = COALESCE(i.sentiment_start, EXCLUDED.sentiment_start),
         sentiment_end = EXCLUDED.sentiment_end,
         sentiment_min = LEAST(COALESCE(i.sentiment_min, EXCLUDED.sentiment_min), EXCLUDED.sentiment_min),
         abusive_count = i.abusive_count + EXCLUDED.abusive_count,
         gratitude = i.gratitude OR EXCLUDED.gratitude,
         small_talk_count = i.small_talk_count + EXCLUDED.small_talk_count,
         updated_at = now()
       RETURNING tenant, interaction_id, agent_id, customer_id`,
      [
        rows.map((r) => r.tenant),
        rows.map((r) => r.interactionId),
        rows.map((r) => r.n),
        rows.map((r) => r.sum),
        rows.map((r) => r.first),
        rows.map((r) => r.last),
        rows.map((r) => r.min),
        rows.map((r) => r.abusive),
        rows.map((r) => r.gratitude),
        rows.map((r) => r.smallTalk),
      ],
    );
    return new Map(
      result.map((row) => [
        `${row.tenant}/${row.interaction_id}`,
        { ...(row.agent_id === null ? {} : { agentId: row.agent_id }), ...(row.customer_id === null ? {} : { customerId: row.customer_id }) },
      ]),
    );
  }

  /** Marks interactions ended (each at most once per call) and returns their aggregates, keyed `tenant/interactionId`. */
  async markEnded(
    manager: EntityManager,
    ends: readonly { tenant: string; interactionId: string; agentId?: string; at: Date }[],
  ): Promise<Map<string, InteractionInsight>> {
    if (ends.length === 0) return new Map();
    const rows = [...ends].sort(byInteraction);
    const result: Row[] = await queryPrepared(manager,
      `INSERT INTO ${this.table} AS i (tenant, interaction_id, agent_id, ended_at)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[])
       ON CONFLICT (tenant, interaction_id) DO UPDATE SET
         ended_at = EXCLUDED.ended_at, agent_id = COALESCE(i.agent_id, EXCLUDED.agent_id), updated_at = now()
       RETURNING ${COLUMNS}`,
      [rows.map((row) => row.tenant), rows.map((row) => row.interactionId), rows.map((row) => row.agentId ?? null), rows.map((row) => row.at)],
    );
    return new Map(result.map((row) => [`${row.tenant}/${row.interaction_id}`, toInsight(row)]));
  }

  async find(tenant: string, interactionId: string): Promise<InteractionInsight | undefined> {
    const rows: Row[] = await queryPrepared(this.dataSource,
      `SELECT ${COLUMNS} FROM ${this.table} WHERE tenant = $1 AND interaction_id = $2`,
      [tenant, interactionId],
    );
    return rows[0] === undefined ? undefined : toInsight(rows[0]);
  }
}
