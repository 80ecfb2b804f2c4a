import { Inject, Injectable } from '@nestjs/common';
import { GroupCommit, PLATFORM_CONFIG, type PlatformConfig, queryPrepared, quoteIdent } from '@switchboard/platform';
import { returnedRows } from '../database/query-rows';
import { DataSource } from 'typeorm';
import type { Recipient } from './notification-plan';
import type { Severity } from './severity';

export interface NotificationRecord {
  id: string;
  seq: string;
  tenant: string;
  recipient: Recipient;
  kind: string;
  eventType: string;
  severity: Severity;
  sourceEventId: string;
  eventTime: string;
  payload: Record<string, unknown>;
  createdAt: string;
  ackedAt: string | null;
  ackedBy: string | null;
  heldUntil: string | null;
}

export interface NewNotification {
  id: string;
  tenant: string;
  recipient: Recipient;
  kind: string;
  eventType: string;
  severity: Severity;
  sourceEventId: string;
  eventTime: string;
  payload: Record<string, unknown>;
  heldUntil: Date | null;
}

/** An external delivery scheduled together with its notification. */
export interface NewDelivery {
  id: string;
  tenant: string;
  subscriptionId: string;
  notificationId: string;
  channel: string;
  dueAt: Date;
  digest: boolean;
}

interface Row {
  id: string;
  seq: string;
  tenant: string;
  recipient: string;
  kind: string;
  event_type: string;
  severity: string;
  source_event_id: string;
  event_time: Date;
  payload: Record<string, unknown>;
  created_at: Date;
  acked_at: Date | null;
  acked_by: string | null;
  held_until: Date | null;
}

function toRecord(row: Row): NotificationRecord {
  return {
    id: row.id,
    seq: String(row.seq),
    tenant: row.tenant,
    recipient: row.recipient as Recipient,
    kind: row.kind,
    eventType: row.event_type,
    severity: row.severity as Severity,
    sourceEventId: row.source_event_id,
    eventTime: row.event_time.toISOString(),
    payload: row.payload,
    createdAt: row.created_at.toISOString(),
    ackedAt: row.acked_at ? row.acked_at.toISOString() : null,
    ackedBy: row.acked_by,
    heldUntil: row.held_until ? row.held_until.toISOString() : null,
  };
}

interface AckRequest {
  tenant: string;
  recipients: string[];
  id: string;
  by: string;
  at: string;
}

/** The persisted inbox: one row per (source event, recipient). */
@Injectable()
export class NotificationRepository {
  private readonly table: string;
  private readonly deliveryTable: string;

  constructor(
    private readonly dataSource: DataSource,
    @Inject(PLATFORM_CONFIG) config: PlatformConfig,
  ) {
    this.table = `${quoteIdent(config.database.schema)}.notification`;
    this.deliveryTable = `${quoteIdent(config.database.schema)}.delivery`;
  }

  /**
   * Writes a batch in one statement (atomic on its own): its notifications, skipping those whose
   * (tenant, source event, recipient) exists, and the deliveries of the notifications it inserted (a
   * notification that existed got its deliveries when it was inserted). Inserts are serialised across
   * replicas by an advisory lock held until the statement commits, so sequence numbers (the inbox
   * cursor) become visible in order and a reconnecting client's `since` never skips a notification
   * that committed after a later one. Returns the stored row of every input, in input order (the
   * existing one for a duplicate).
   */
  async insertBatch(list: readonly NewNotification[], deliveries: readonly NewDelivery[]): Promise<NotificationRecord[]> {
    if (list.length === 0) return [];
    const rows = list.map((n) => ({
      id: n.id,
      tenant: n.tenant,
      recipient: n.recipient,
      kind: n.kind,
      event_type: n.eventType,
      severity: n.severity,
      source_event_id: n.sourceEventId,
      event_time: n.eventTime,
      payload: n.payload,
      held_until: n.heldUntil,
    }));
    const deliveryRows = deliveries.map((d) => ({
      id: d.id,
      tenant: d.tenant,
      subscription_id: d.subscriptionId,
      notification_id: d.notificationId,
      channel: d.channel,
      due_at: d.dueAt,
      digest: d.digest,
    }));
    // created_at as whole epoch milliseconds (what a parsed timestamp keeps), so no date string is parsed per row.
    const inserted: { id: string; seq: string; created_ms: number }[] = await queryPrepared(this.dataSource,
      `WITH serialised AS MATERIALIZED (SELECT pg_advisory_xact_lock(hashtext($3)) AS locked),
       n AS (
         INSERT INTO ${this.table} (id, tenant, recipient, kind, event_type, severity, source_event_id, event_time, payload, held_until)
         SELECT x.id, x.tenant, x.recipient, x.kind, x.event_type, x.severity, x.source_event_id, x.event_time, x.payload, x.held_until
         FROM serialised, jsonb_to_recordset($1::jsonb) AS x(id uuid, tenant text, recipient text, kind text, event_type text, severity text,
                                                            source_event_id text, event_time timestamptz, payload jsonb, held_until timestamptz)
         ON CONFLICT (tenant, source_event_id, recipient) DO NOTHING RETURNING id, seq, created_at),
       d AS (
         INSERT INTO ${this.deliveryTable} (id, tenant, subscription_id, notification_id, channel, status, next_attempt_at, digest)
         SELECT y.id, y.tenant, y.subscription_id, y.notification_id, y.channel, 'pending', y.due_at, y.digest
         FROM jsonb_to_recordset($2::jsonb) AS y(id uuid, tenant text, subscription_id uuid, notification_id uuid, channel text, due_at timestamptz, digest boolean)
         JOIN n ON n.id = y.notification_id
         ON CONFLICT (subscription_id, notification_id) DO NOTHING)
       SELECT id, seq, floor(extract(epoch FROM created_at) * 1000)::float8 AS created_ms FROM n`,
      [JSON.stringify(rows), JSON.stringify(deliveryRows), this.table],
    );
    // What was inserted is what was sent, plus the sequence number and creation time.
    const stored: (NotificationRecord | undefined)[] = new Array<NotificationRecord | undefined>(list.length);
    const indexOf = new Map(list.map((n, i) => [n.id, i]));
    for (const row of inserted) {
      const i = indexOf.get(row.id);
      const n = i === undefined ? undefined : list[i];
      if (i === undefined || !n) continue;
      stored[i] = {
        id: n.id,
        seq: String(row.seq),
        tenant: n.tenant,
        recipient: n.recipient,
        kind: n.kind,
        eventType: n.eventType,
        severity: n.severity,
        sourceEventId: n.sourceEventId,
        eventTime: new Date(n.eventTime).toISOString(),
        payload: n.payload,
        createdAt: new Date(row.created_ms).toISOString(),
        ackedAt: null,
        ackedBy: null,
        heldUntil: n.heldUntil ? n.heldUntil.toISOString() : null,
      };
    }
    // The others existed (a redelivered event): read back what is stored.
    const missing = list.flatMap((n, i) => (stored[i] ? [] : [i]));
    if (missing.length > 0) {
      const key = (tenant: string, sourceEventId: string, recipient: string) => `${tenant}\u0000${sourceEventId}\u0000${recipient}`;
      const existing: Row[] = await queryPrepared(this.dataSource,
        `SELECT n.* FROM ${this.table} n
         JOIN jsonb_to_recordset($1::jsonb) AS k(tenant text, source_event_id text, recipient text) USING (tenant, source_event_id, recipient)`,
        [JSON.stringify(missing.map((i) => ({ tenant: list[i]?.tenant, source_event_id: list[i]?.sourceEventId, recipient: list[i]?.recipient })))],
      );
      const byKey = new Map(existing.map((row) => [key(row.tenant, row.source_event_id, row.recipient), toRecord(row)]));
      for (const i of missing) {
        const n = list[i];
        if (n) stored[i] = byKey.get(key(n.tenant, n.sourceEventId, n.recipient));
      }
    }
    return list.map((n, i) => {
      const record = stored[i];
      if (!record) throw new Error(`notification for event ${n.sourceEventId} and ${n.recipient} was neither inserted nor found`);
      return record;
    });
  }

  async find(tenant: string, id: string): Promise<NotificationRecord | undefined> {
    const rows: Row[] = await queryPrepared(this.dataSource, `SELECT * FROM ${this.table} WHERE tenant = $1 AND id = $2`, [tenant, id]);
    return rows[0] ? toRecord(rows[0]) : undefined;
  }

  async findMany(ids: readonly string[]): Promise<Map<string, NotificationRecord>> {
    const rows: Row[] = ids.length === 0 ? [] : await queryPrepared(this.dataSource, `SELECT * FROM ${this.table} WHERE id = ANY($1::uuid[])`, [ids]);
    return new Map(rows.map((row) => [row.id, toRecord(row)]));
  }

  /** Inbox of the given recipients, oldest first, after the `since` cursor. */
  async inbox(
    tenant: string,
    recipients: readonly Recipient[],
    options: { since?: string; includeAcked: boolean; limit: number; asOf: Date },
  ): Promise<NotificationRecord[]> {
    const rows: Row[] = await this.dataSource.query(
      `SELECT * FROM ${this.table}
       WHERE tenant = $1 AND recipient = ANY($2::text[]) AND seq > $3 AND (held_until IS NULL OR held_until <= $5) ${options.includeAcked ? '' : 'AND acked_at IS NULL'}
       ORDER BY seq LIMIT $4`,
      [tenant, recipients, options.since ?? '0', options.limit, options.asOf],
    );
    return rows.map(toRecord);
  }

  /**
   * Releases held notifications whose time has come; each is released by exactly one caller. A
   * released notification takes a new sequence number (under the same lock as inserts), so a client
   * whose cursor went past its original one still gets it in a replay after that cursor.
   */
  async releaseDue(now: Date, limit: number): Promise<NotificationRecord[]> {
    const rows = returnedRows<Row>(
      await queryPrepared(this.dataSource,
        `WITH serialised AS MATERIALIZED (SELECT pg_advisory_xact_lock(hashtext($3)) AS locked)
         UPDATE ${this.table} t SET held_until = NULL, seq = nextval(pg_get_serial_sequence($3, 'seq'))
         FROM serialised
         WHERE t.id IN (SELECT id FROM ${this.table} WHERE held_until <= $1 ORDER BY held_until LIMIT $2 FOR UPDATE SKIP LOCKED)
         RETURNING t.*`,
        [now, limit, this.table],
      ),
    );
    return rows.map(toRecord).sort((a, b) => (BigInt(a.seq) < BigInt(b.seq) ? -1 : 1));
  }

  /**
   * Marks the notification acknowledged (first acknowledgement wins); undefined when it is not the caller's. The
   * acknowledgements that arrive together are written by one statement.
   */
  ack(tenant: string, recipients: readonly Recipient[], id: string, by: string, at: Date): Promise<NotificationRecord | undefined> {
    return this.acks.submit({ tenant, recipients: [...recipients], id, by, at: at.toISOString() });
  }

  private readonly acks = new GroupCommit<AckRequest, NotificationRecord | undefined>((items) => this.ackBatch(items), { maxBatch: 500, parallel: 2 });

  /** One statement: each acknowledged row as this batch left it, or as an earlier acknowledgement did. */
  private async ackBatch(items: readonly AckRequest[]): Promise<(NotificationRecord | undefined)[]> {
    const rows: (Row & { i: number })[] = await queryPrepared(this.dataSource,
      `WITH v AS (
         SELECT * FROM jsonb_to_recordset($1::jsonb) AS v(i int, tenant text, recipients text[], id uuid, by text, at timestamptz)),
       acked AS (
         -- Two acknowledgements of one notification in a batch: either may be the one recorded. The rows are found by
         -- primary key, with the ids also given as an array: a join alone is planned (once, generically) for the hundred
         -- rows a record set is assumed to hold, and a pass over the whole table wins that plan while the table is small,
         -- and stays until the next statistics (1.5 ms an acknowledgement on average over a run at 100 contacts/s, and up
         -- to 5 ms, for 0.2 ms).
         -- "Not acknowledged" is written (IS TRUE) so that it cannot match the inbox's partial index (acked_at IS NULL),
         -- whose dead entries of every acknowledgement since the last vacuum the planner would otherwise scan too.
         UPDATE ${this.table} n SET acked_at = v.at, acked_by = v.by FROM v
         WHERE n.id = ANY($2::uuid[]) AND n.id = v.id AND n.tenant = v.tenant AND n.recipient = ANY(v.recipients)
           AND (n.acked_at IS NULL) IS TRUE
         RETURNING n.*)
       SELECT v.i, a.* FROM v JOIN acked a ON a.tenant = v.tenant AND a.id = v.id AND a.recipient = ANY(v.recipients)
       UNION ALL
       SELECT v.i, n.* FROM v JOIN ${this.table} n ON n.tenant = v.tenant AND n.id = v.id AND n.recipient = ANY(v.recipients)
       WHERE n.id = ANY($2::uuid[]) AND NOT EXISTS (SELECT 1 FROM acked a WHERE a.tenant = v.tenant AND a.id = v.id)`,
      [JSON.stringify(items.map((item, i) => ({ i, ...item }))), items.map((item) => item.id)],
    );
    const byItem = new Map(rows.map(({ i, ...row }) => [i, toRecord(row)]));
    // Acknowledged meanwhile by another statement (a batch beside this one, another replica): this statement waited for
    // it, yet its snapshot shows the row as before. A fresh read shows the acknowledgement.
    const raced = [...byItem].filter(([, record]) => record.ackedAt === null);
    if (raced.length > 0) {
      const fresh: Row[] = await queryPrepared(this.dataSource, `SELECT * FROM ${this.table} WHERE id = ANY($1::uuid[])`, [raced.map(([, record]) => record.id)]);
      const byId = new Map(fresh.map((row) => [row.id, toRecord(row)]));
      for (const [i, record] of raced) byItem.set(i, byId.get(record.id) ?? record);
    }
    return items.map((_, i) => byItem.get(i));
  }
}
