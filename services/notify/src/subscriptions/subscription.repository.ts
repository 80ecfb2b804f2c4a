import { Inject, Injectable } from '@nestjs/common';
import { PLATFORM_CONFIG, type PlatformConfig, queryPrepared, quoteIdent } from '@switchboard/platform';
import { returnedRows } from '../database/query-rows';
import { DataSource } from 'typeorm';
import type { Severity } from '../notifications/severity';
import type { QuietHours, SubscriptionChannel } from './subscription.schema';

export interface Subscription {
  id: string;
  tenant: string;
  channel: SubscriptionChannel;
  target: string;
  secret: string | null;
  eventTypes: string[];
  minSeverity: Severity;
  quietHours: QuietHours | null;
  escalateAfterSeconds: number | null;
  digestIntervalSeconds: number | null;
  createdAt: string;
  updatedAt: string;
}

interface Row {
  id: string;
  tenant: string;
  channel: string;
  target: string;
  secret: string | null;
  event_types: string[];
  min_severity: string;
  quiet_hours: QuietHours | null;
  escalate_after_seconds: number | null;
  digest_interval_seconds: number | null;
  created_at: Date;
  updated_at: Date;
}

function toSubscription(row: Row): Subscription {
  return {
    id: row.id,
    tenant: row.tenant,
    channel: row.channel as SubscriptionChannel,
    target: row.target,
    secret: row.secret,
    eventTypes: row.event_types,
    minSeverity: row.min_severity as Severity,
    quietHours: row.quiet_hours,
    escalateAfterSeconds: row.escalate_after_seconds,
    digestIntervalSeconds: row.digest_interval_seconds,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

@Injectable()
export class SubscriptionRepository {
  private readonly table: string;

  constructor(
    private readonly dataSource: DataSource,
    @Inject(PLATFORM_CONFIG) config: PlatformConfig,
  ) {
    this.table = `${quoteIdent(config.database.schema)}.subscription`;
  }

  async create(s: Omit<Subscription, 'createdAt' | 'updatedAt'>): Promise<Subscription> {
    const rows: Row[] = await queryPrepared(this.dataSource,
      `INSERT INTO ${this.table} (id, tenant, channel, target, secret, event_types, min_severity, quiet_hours, escalate_after_seconds, digest_interval_seconds)
       VALUES ($1, $2, $3, $4, $5, $6::text[], $7, $8::jsonb, $9, $10) RETURNING *`,
      [s.id, s.tenant, s.channel, s.target, s.secret, s.eventTypes, s.minSeverity, s.quietHours ? JSON.stringify(s.quietHours) : null, s.escalateAfterSeconds, s.digestIntervalSeconds],
    );
    return toSubscription(rows[0] as Row);
  }

  async list(tenant: string): Promise<Subscription[]> {
    const rows: Row[] = await queryPrepared(this.dataSource, `SELECT * FROM ${this.table} WHERE tenant = $1 ORDER BY created_at`, [tenant]);
    return rows.map(toSubscription);
  }

  /** Subscriptions of these tenants. */
  async listForTenants(tenants: readonly string[]): Promise<Subscription[]> {
    if (tenants.length === 0) return [];
    const rows: Row[] = await queryPrepared(this.dataSource, `SELECT * FROM ${this.table} WHERE tenant = ANY($1::text[])`, [tenants]);
    return rows.map(toSubscription);
  }

  /** Subscriptions by id (any tenant; callers check the tenant they expect). */
  async findMany(ids: readonly string[]): Promise<Map<string, Subscription>> {
    if (ids.length === 0) return new Map();
    const rows: Row[] = await queryPrepared(this.dataSource, `SELECT * FROM ${this.table} WHERE id = ANY($1::uuid[])`, [ids]);
    return new Map(rows.map((row) => [row.id, toSubscription(row)]));
  }

  async find(tenant: string, id: string): Promise<Subscription | undefined> {
    const rows: Row[] = await queryPrepared(this.dataSource, `SELECT * FROM ${this.table} WHERE tenant = $1 AND id = $2`, [tenant, id]);
    return rows[0] ? toSubscription(rows[0]) : undefined;
  }

  async update(
    tenant: string,
    id: string,
    patch: { eventTypes?: string[]; minSeverity?: Severity; quietHours?: QuietHours | null },
  ): Promise<Subscription | undefined> {
    const rows = returnedRows<Row>(
      await queryPrepared(this.dataSource,
      `UPDATE ${this.table} SET
         event_types = COALESCE($3::text[], event_types),
         min_severity = COALESCE($4, min_severity),
         quiet_hours = CASE WHEN $5::boolean THEN $6::jsonb ELSE quiet_hours END,
         updated_at = now()
       WHERE tenant = $1 AND id = $2 RETURNING *`,
      [
        tenant,
        id,
        patch.eventTypes ?? null,
        patch.minSeverity ?? null,
        patch.quietHours !== undefined,
        patch.quietHours ? JSON.stringify(patch.quietHours) : null,
      ],
    ),
    );
    return rows[0] ? toSubscription(rows[0]) : undefined;
  }

  async remove(tenant: string, id: string): Promise<boolean> {
    const result: [unknown[], number] = await queryPrepared(this.dataSource, `DELETE FROM ${this.table} WHERE tenant = $1 AND id = $2`, [tenant, id]);
    return result[1] > 0;
  }
}
