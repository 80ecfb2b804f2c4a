import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { PLATFORM_CONFIG, type PlatformConfig, queryPrepared, quoteIdent } from '@switchboard/platform';

/** One event as the archive stores it. */
export interface ArchiveRow {
  eventId: string;
  tenantId: string;
  type: string;
  interactionId: string | null;
  agentId: string | null;
  time: string;
  stream: string;
  streamSeq: number;
  /** The event's JSON text, as published (must be valid JSON). */
  json: string;
}

export interface ArchiveQuery {
  tenantId: string;
  interactionId?: string;
  type?: string;
  from?: string;
  to?: string;
  limit: number;
  /** Position after which to continue: the last row of the previous page. */
  after?: { time: string; seq: string };
}

export interface ArchivePage {
  events: unknown[];
  /** Position of the last row, when there may be more. */
  last?: { time: string; seq: string };
}

/** The event archive in Postgres: the replayable log of every accepted event, one row per event id. */
@Injectable()
export class ArchiveRepository {
  private readonly table: string;

  constructor(
    private readonly dataSource: DataSource,
    @Inject(PLATFORM_CONFIG) config: PlatformConfig,
  ) {
    this.table = `${quoteIdent(config.database.schema)}.event_archive`;
  }

  /** Inserts the rows in one statement; rows whose event id is archived already are skipped. Returns rows inserted. */
  async insertBatch(rows: readonly ArchiveRow[]): Promise<number> {
    if (rows.length === 0) return 0;
    // Postgres' JSON functions refuse an escaped NUL; such (rare) batches go through text arrays instead.
    if (rows.some((r) => r.json.includes('\\u0000'))) return this.insertAsArrays(rows);
    // One JSON document for the whole batch, each event embedded as the text it was published as
    // (Postgres parses it once; nothing is re-serialised here).
    const document = `[${rows
      .map(
        (r) =>
          `{"event_id":${JSON.stringify(r.eventId)},"tenant_id":${JSON.stringify(r.tenantId)},"type":${JSON.stringify(r.type)},` +
          `"interaction_id":${JSON.stringify(r.interactionId)},"agent_id":${JSON.stringify(r.agentId)},"event_time":${JSON.stringify(r.time)},` +
          `"stream":${JSON.stringify(r.stream)},"stream_seq":${r.streamSeq},"event":${r.json}}`,
      )
      .join(',')}]`;
    const result: [unknown[], number] = await queryPrepared(this.dataSource,
      `INSERT INTO ${this.table} (event_id, tenant_id, type, interaction_id, agent_id, event_time, stream, stream_seq, event)
       SELECT event_id, tenant_id, type, interaction_id, agent_id, event_time, stream, stream_seq, event
       FROM json_to_recordset($1::json) AS r(event_id text, tenant_id text, type text, interaction_id text, agent_id text,
         event_time timestamptz, stream text, stream_seq bigint, event json)
       ON CONFLICT (event_id) DO NOTHING`,
      [document],
    );
    return result[1];
  }

  private async insertAsArrays(rows: readonly ArchiveRow[]): Promise<number> {
    const result: [unknown[], number] = await queryPrepared(this.dataSource,
      `INSERT INTO ${this.table} (event_id, tenant_id, type, interaction_id, agent_id, event_time, stream, stream_seq, event)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::timestamptz[], $7::text[], $8::bigint[], $9::json[])
       ON CONFLICT (event_id) DO NOTHING`,
      [
        rows.map((r) => r.eventId),
        rows.map((r) => r.tenantId),
        rows.map((r) => r.type),
        rows.map((r) => r.interactionId),
        rows.map((r) => r.agentId),
        rows.map((r) => r.time),
        rows.map((r) => r.stream),
        rows.map((r) => r.streamSeq),
        rows.map((r) => r.json),
      ],
    );
    return result[1];
  }

  /** The ids among `ids` that are archived. */
  async archivedIds(ids: readonly string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const rows: { event_id: string }[] = await queryPrepared(this.dataSource,
      `SELECT event_id FROM ${this.table} WHERE event_id = ANY($1::text[])`,
      [ids],
    );
    return new Set(rows.map((r) => r.event_id));
  }

  /** Ids archived within the last `windowMs`, after `afterSeq`, oldest first, with their age in ms. */
  async recentIds(windowMs: number, afterSeq: string, limit: number): Promise<{ seq: string; id: string; ageMs: number }[]> {
    const rows: { seq: string; event_id: string; age_ms: number }[] = await queryPrepared(this.dataSource,
      `SELECT seq::text AS seq, event_id, (extract(epoch FROM now() - archived_at) * 1000)::float8 AS age_ms
       FROM ${this.table}
       WHERE archived_at > now() - ($1::float8 * interval '1 millisecond') AND seq > $2::bigint
       ORDER BY seq LIMIT $3`,
      [windowMs, afterSeq, limit],
    );
    return rows.map((r) => ({ seq: r.seq, id: r.event_id, ageMs: Number(r.age_ms) }));
  }

  /** A tenant's events in time order (then archive order), filtered, one page at a time. */
  async find(query: ArchiveQuery): Promise<ArchivePage> {
    const where = ['tenant_id = $1'];
    const params: unknown[] = [query.tenantId];
    const add = (clause: (p: string) => string, value: unknown) => {
      params.push(value);
      where.push(clause(`$${params.length}`));
    };
    if (query.interactionId !== undefined) add((p) => `interaction_id = ${p}`, query.interactionId);
    if (query.type !== undefined) add((p) => `type = ${p}`, query.type);
    if (query.from !== undefined) add((p) => `event_time >= ${p}::timestamptz`, query.from);
    if (query.to !== undefined) add((p) => `event_time < ${p}::timestamptz`, query.to);
    if (query.after) {
      params.push(query.after.time, query.after.seq);
      where.push(`(event_time, seq) > ($${params.length - 1}::timestamptz, $${params.length}::bigint)`);
    }
    params.push(query.limit + 1);
    const rows: { seq: string; t: string; event: unknown }[] = await this.dataSource.query(
      `SELECT seq::text AS seq, to_char(event_time AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS t, event
       FROM ${this.table} WHERE ${where.join(' AND ')}
       ORDER BY event_time, seq LIMIT $${params.length}`,
      params,
    );
    const page = rows.slice(0, query.limit);
    const lastRow = page[page.length - 1];
    return {
      events: page.map((r) => r.event),
      ...(rows.length > query.limit && lastRow ? { last: { time: lastRow.t, seq: lastRow.seq } } : {}),
    };
  }
}
