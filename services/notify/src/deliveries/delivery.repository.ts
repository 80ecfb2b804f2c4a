import { Inject, Injectable } from '@nestjs/common';
import { PLATFORM_CONFIG, quoteIdent, type PlatformConfig } from '@switchboard/platform';
import { returnedRows } from '../database/query-rows';
import { DataSource } from 'typeorm';

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

/** What became of one claimed attempt. */
export interface DeliveryOutcome {
  id: string;
  /** The attempt number the claim gave the delivery. */
  attempt: number;
  status: 'delivered' | 'failed' | 'dead' | 'cancelled' | 'pending';
  /** Next attempt (failed, pending); null keeps the current value. */
  nextAttemptAt: Date | null;
  at: Date;
  error: string | null;
  statusCode: number | null;
  giveBack?: boolean;
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

  /**
   * Records the outcomes of claimed attempts in one statement. An outcome applies only to the attempt
   * it belongs to (a delivery whose lease lapsed and was claimed again keeps the newer attempt's state).
   * `giveBack` returns the claimed attempt unspent (rate limited: postponed, not failed).
   */
  async record(outcomes: readonly DeliveryOutcome[]): Promise<void> {
    if (outcomes.length === 0) return;
    await this.dataSource.query(
      `UPDATE ${this.table} d SET status = x.status,
              attempts = d.attempts - CASE WHEN x.give_back THEN 1 ELSE 0 END,
              next_attempt_at = COALESCE(x.next_attempt_at, d.next_attempt_at),
              delivered_at = CASE WHEN x.status = 'delivered' THEN x.at ELSE d.delivered_at END,
              last_error = x.error, last_status_code = x.status_code, locked_until = NULL, updated_at = now()
       FROM jsonb_to_recordset($1::jsonb) AS x(id uuid, attempt int, status text, next_attempt_at timestamptz, at timestamptz,
                                               error text, status_code int, give_back boolean)
       WHERE d.id = x.id AND d.attempts = x.attempt AND d.status = 'attempting'`,
      [
        JSON.stringify(
          outcomes.map((o) => ({
            id: o.id,
            attempt: o.attempt,
            status: o.status,
            next_attempt_at: o.nextAttemptAt,
            at: o.at,
            error: o.error === null ? null : o.error.slice(0, 2000),
            status_code: o.statusCode,
            give_back: o.giveBack ?? false,
          })),
        ),
      ],
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
