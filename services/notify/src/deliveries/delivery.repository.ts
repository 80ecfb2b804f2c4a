import { Inject, Injectable } from '@nestjs/common';
import { PLATFORM_CONFIG, quoteIdent, type PlatformConfig } from '@switchboard/platform';
import { returnedRows } from '../database/query-rows';
import { DataSource, type EntityManager } from 'typeorm';

export const DELIVERY_STATUSES = ['pending', 'attempting', 'delivered', 'failed', 'dead', 'cancelled'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

export interface Delivery {
  id: string;
  tenant: string;
  subscriptionId: string;
  notificationId: string;
  channel: string;
  digest: boolean;
  status: DeliveryStatus;
  attempts: number;
  nextAttemptAt: string;
  lastError: string | null;
  lastStatusCode: number | null;
  deliveredAt: string | null;
  createdAt: string;
  updatedAt: string;
}

interface Row {
  id: string;
  tenant: string;
  subscription_id: string;
  notification_id: string;
  channel: string;
  digest: boolean;
  status: string;
  attempts: number;
  next_attempt_at: Date;
  last_error: string | null;
  last_status_code: number | null;
  delivered_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

function toDelivery(row: Row): Delivery {
  return {
    id: row.id,
    tenant: row.tenant,
    subscriptionId: row.subscription_id,
    notificationId: row.notification_id,
    channel: row.channel,
    digest: row.digest,
    status: row.status as DeliveryStatus,
    attempts: row.attempts,
    nextAttemptAt: row.next_attempt_at.toISOString(),
    lastError: row.last_error,
    lastStatusCode: row.last_status_code,
    deliveredAt: row.delivered_at ? row.delivered_at.toISOString() : null,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

/** The durable delivery table: every external delivery and its retry schedule survive restarts. */
@Injectable()
export class DeliveryRepository {
  private readonly table: string;

  constructor(
    private readonly dataSource: DataSource,
    @Inject(PLATFORM_CONFIG) config: PlatformConfig,
  ) {
    this.table = `${quoteIdent(config.database.schema)}.delivery`;
  }

  async createIn(
    manager: EntityManager,
    d: { id: string; tenant: string; subscriptionId: string; notificationId: string; channel: string; dueAt: Date; digest: boolean },
  ): Promise<void> {
    await manager.query(
      `INSERT INTO ${this.table} (id, tenant, subscription_id, notification_id, channel, status, next_attempt_at, digest)
       VALUES ($1, $2, $3, $4, $5, 'pending', $6, $7) ON CONFLICT (subscription_id, notification_id) DO NOTHING`,
      [d.id, d.tenant, d.subscriptionId, d.notificationId, d.channel, d.dueAt, d.digest],
    );
  }

  /**
   * Claims up to `limit` due deliveries for one attempt. `SKIP LOCKED` keeps replicas off each other's
   * rows; a claim is a lease (`locked_until`), so a delivery whose replica died is claimed again later.
   */
  async claimDue(now: Date, limit: number, leaseMs: number): Promise<Delivery[]> {
    const rows = returnedRows<Row>(
      await this.dataSource.query(
      `UPDATE ${this.table} d SET status = 'attempting', attempts = d.attempts + 1,
              locked_until = $1::timestamptz + ($3 || ' milliseconds')::interval, updated_at = now()
       WHERE d.id IN (
         SELECT id FROM ${this.table}
         WHERE (status IN ('pending', 'failed') AND next_attempt_at <= $1)
            OR (status = 'attempting' AND locked_until < $1)
         ORDER BY next_attempt_at LIMIT $2 FOR UPDATE SKIP LOCKED)
       RETURNING d.*`,
      [now, limit, String(leaseMs)],
    ),
    );
    return rows.map(toDelivery);
  }

  async markDelivered(id: string, statusCode: number | null, at: Date): Promise<void> {
    await this.dataSource.query(
      `UPDATE ${this.table} SET status = 'delivered', delivered_at = $2, last_status_code = $3, last_error = NULL,
              locked_until = NULL, updated_at = now() WHERE id = $1`,
      [id, at, statusCode],
    );
  }

  /** Gives the claimed attempt back and schedules the delivery for later (rate limited). */
  async postpone(id: string, at: Date): Promise<void> {
    await this.dataSource.query(
      `UPDATE ${this.table} SET status = 'pending', attempts = attempts - 1, next_attempt_at = $2, locked_until = NULL, updated_at = now()
       WHERE id = $1`,
      [id, at],
    );
  }

  /** An escalation that became unnecessary (the alert was acknowledged in time). */
  async markCancelled(id: string, reason: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE ${this.table} SET status = 'cancelled', last_error = $2, locked_until = NULL, updated_at = now() WHERE id = $1`,
      [id, reason],
    );
  }

  async markFailed(id: string, error: string, statusCode: number | null, next: Date | null): Promise<void> {
    await this.dataSource.query(
      `UPDATE ${this.table} SET status = $2, next_attempt_at = COALESCE($3, next_attempt_at), last_error = $4,
              last_status_code = $5, locked_until = NULL, updated_at = now() WHERE id = $1`,
      [id, next ? 'failed' : 'dead', next, error.slice(0, 2000), statusCode],
    );
  }

  /** Puts the delivery back in the queue for one more round of attempts. */
  async redeliver(tenant: string, id: string, now: Date): Promise<Delivery | undefined> {
    const rows = returnedRows<Row>(
      await this.dataSource.query(
      `UPDATE ${this.table} SET status = 'pending', attempts = 0, next_attempt_at = $3, locked_until = NULL, updated_at = now()
       WHERE tenant = $1 AND id = $2 AND status <> 'attempting' RETURNING *`,
      [tenant, id, now],
    ),
    );
    return rows[0] ? toDelivery(rows[0]) : undefined;
  }

  async find(tenant: string, id: string): Promise<Delivery | undefined> {
    const rows: Row[] = await this.dataSource.query(`SELECT * FROM ${this.table} WHERE tenant = $1 AND id = $2`, [tenant, id]);
    return rows[0] ? toDelivery(rows[0]) : undefined;
  }

  async list(
    tenant: string,
    filter: { status?: DeliveryStatus; subscriptionId?: string; limit: number },
  ): Promise<Delivery[]> {
    const rows: Row[] = await this.dataSource.query(
      `SELECT * FROM ${this.table} WHERE tenant = $1
         AND ($2::text IS NULL OR status = $2) AND ($3::uuid IS NULL OR subscription_id = $3)
       ORDER BY created_at DESC LIMIT $4`,
      [tenant, filter.status ?? null, filter.subscriptionId ?? null, filter.limit],
    );
    return rows.map(toDelivery);
  }
}
