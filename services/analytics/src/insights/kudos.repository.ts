import { Injectable } from '@nestjs/common';
import type { CloudEvent } from '@switchboard/contracts';
import { queryPrepared, quoteIdent, schemaOf } from '@switchboard/platform';
import { DataSource, type EntityManager } from 'typeorm';

/** One kudos as the feeds show it: the `analytics.kudos` event's id and time with its data. */
export interface KudosEntry {
  id: string;
  time: string;
  agentId: string;
  interactionId: string;
  customerId?: string;
  quote: string;
}

interface Row {
  id: string;
  at: Date;
  agent_id: string;
  interaction_id: string;
  customer_id: string | null;
  quote: string;
}

/** The kudos published, kept for pages opened after them (Postgres, the service's schema). */
@Injectable()
export class KudosRepository {
  private readonly table: string;

  constructor(private readonly dataSource: DataSource) {
    const schema = schemaOf(dataSource);
    this.table = `${quoteIdent(schema)}.kudos`;
  }

  /** Keeps the kudos events in `manager`'s transaction (the one that enqueues them for publishing). */
  async add(manager: EntityManager, events: readonly CloudEvent<'analytics.kudos'>[]): Promise<void> {
    if (events.length === 0) return;
    await queryPrepared(manager,
      `INSERT INTO ${this.table} (id, tenant, agent_id, interaction_id, customer_id, quote, at)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::timestamptz[])
       ON CONFLICT (id) DO NOTHING`,
      [
        events.map((e) => e.id),
        events.map((e) => e.tenantid),
        events.map((e) => e.data.agentId),
        events.map((e) => e.data.interactionId),
        events.map((e) => e.data.customerId ?? null),
        events.map((e) => e.data.quote),
        events.map((e) => e.time),
      ],
    );
  }

  /** The tenant's kudos since `since`, newest first, at most `limit`; only `agentId`'s when given. */
  async recent(tenant: string, since: Date, limit: number, agentId?: string): Promise<KudosEntry[]> {
    const rows: Row[] = await queryPrepared(this.dataSource,
      `SELECT id, at, agent_id, interaction_id, customer_id, quote FROM ${this.table}
       WHERE tenant = $1 AND at >= $2 AND ($3::text IS NULL OR agent_id = $3)
       ORDER BY at DESC, id DESC LIMIT $4`,
      [tenant, since, agentId ?? null, limit],
    );
    return rows.map((row) => ({
      id: row.id,
      time: row.at.toISOString(),
      agentId: row.agent_id,
      interactionId: row.interaction_id,
      ...(row.customer_id === null ? {} : { customerId: row.customer_id }),
      quote: row.quote,
    }));
  }
}
