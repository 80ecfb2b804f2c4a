/**
 * The KPI statements the repository and the migrations share (docs/kpis.md): each contact's wrap-up time and repeat
 * flag, the per-minute contact counts and the agents' time buckets, each counted afresh from the stored facts. The
 * repository keeps them current batch by batch and counts them again from these; the migrations fill them in for the
 * facts stored before.
 */

/** Wrap-up lies within this much of the contact's end: a `wrap_up` span starting from 5 s before to 60 s after it. */
export const WRAP_UP_BEFORE = `interval '5 seconds'`;
export const WRAP_UP_AFTER = `interval '60 seconds'`;
/** Another contact of the same customer within this long of the first one's arrival makes the first one unresolved. */
export const REPEAT_WITHIN = `interval '72 hours'`;

/**
 * Seconds of the contact's wrap-up: its agent's first `wrap_up` span starting within the margins of its end, once
 * that span has ended (null while unknown). `c` is the contact's row, `spans` the span table. An agent's spans
 * partition time, so a span followed by another has ended: the first span found is the one, and its end is not a
 * condition of the search, which only the primary key (tenant, agent, start) then answers.
 */
export function wrapUpSecondsSql(c: string, spans: string): string {
  return `(SELECT EXTRACT(EPOCH FROM s.ended_at - s.started_at)::float8 FROM ${spans} s
    WHERE ${c}.agent_id IS NOT NULL AND ${c}.ended_at IS NOT NULL AND s.tenant = ${c}.tenant AND s.agent_id = ${c}.agent_id
      AND s.started_at >= ${c}.ended_at - ${WRAP_UP_BEFORE} AND s.started_at < ${c}.ended_at + ${WRAP_UP_AFTER}
      AND s.state = 'wrap_up'
    ORDER BY s.started_at LIMIT 1)`;
}

/** Whether the same customer made another contact (any queue of the tenant) within 72 h after this one arrived. */
export function repeatedSql(c: string, contacts: string): string {
  return `(${c}.customer_id IS NOT NULL AND ${c}.created_at IS NOT NULL AND EXISTS (SELECT 1 FROM ${contacts} x
    WHERE x.tenant = ${c}.tenant AND x.customer_id = ${c}.customer_id
      AND x.created_at > ${c}.created_at AND x.created_at <= ${c}.created_at + ${REPEAT_WITHIN}))`;
}

/** The start of the minute `at` falls in (whatever the session's time zone). */
export function minuteSql(at: string): string {
  return `to_timestamp(floor(extract(epoch FROM ${at}) / 60) * 60)`;
}

/**
 * Per-minute counts of contacts counted afresh from their rows (the columns of `kpi_contact_minute`), grouped by tenant,
 * queue ('' when unknown) and minute: each contact counts in the minute of its arrival, of its answer and of its end
 * (definitions in docs/kpis.md). `where` selects the contacts and may filter `m.minute`; answers count as within the
 * target when they took at most `thresholdSeconds` (an SQL expression).
 */
export function minuteRowsSql(contacts: string, where: string, thresholdSeconds: string): string {
  const answered = `m.kind = 'answered'`;
  const waited = `${answered} AND c.created_at IS NOT NULL`;
  const abandoned = `m.kind = 'ended' AND c.answered_at IS NULL AND c.end_reason = 'abandoned'`;
  const handled = `m.kind = 'ended' AND c.answered_at IS NOT NULL`;
  return `SELECT c.tenant, COALESCE(c.queue_id, '') AS queue_id, m.minute,
      count(*) FILTER (WHERE m.kind = 'created')::int AS offered,
      count(*) FILTER (WHERE ${answered})::int AS answered,
      count(*) FILTER (WHERE ${waited} AND c.answered_at - c.created_at <= make_interval(secs => ${thresholdSeconds}))::int AS answered_within,
      count(*) FILTER (WHERE ${waited})::int AS wait_count,
      COALESCE(sum(EXTRACT(EPOCH FROM c.answered_at - c.created_at)) FILTER (WHERE ${waited}), 0)::float8 AS wait_sum,
      (max(EXTRACT(EPOCH FROM c.answered_at - c.created_at)) FILTER (WHERE ${waited}))::float8 AS wait_max,
      count(*) FILTER (WHERE ${abandoned})::int AS abandoned,
      (max(EXTRACT(EPOCH FROM c.ended_at - c.created_at)) FILTER (WHERE ${abandoned} AND c.created_at IS NOT NULL))::float8 AS abandoned_wait_max,
      count(*) FILTER (WHERE ${handled})::int AS handled,
      COALESCE(sum(EXTRACT(EPOCH FROM c.ended_at - c.answered_at) + COALESCE(c.wrap_up_seconds, 0)) FILTER (WHERE ${handled}), 0)::float8 AS handle_sum,
      count(*) FILTER (WHERE ${handled} AND c.customer_id IS NOT NULL)::int AS fcr_base,
      count(*) FILTER (WHERE ${handled} AND c.customer_id IS NOT NULL AND NOT c.repeated)::int AS fcr_resolved
    FROM ${contacts} c
    CROSS JOIN LATERAL (VALUES ('created', ${minuteSql('c.created_at')}), ('answered', ${minuteSql('c.answered_at')}),
      ('ended', ${minuteSql('c.ended_at')})) AS m(kind, minute)
    WHERE m.minute IS NOT NULL AND ${where}
    GROUP BY c.tenant, COALESCE(c.queue_id, ''), m.minute`;
}

/** The columns of `kpi_contact_minute` after its key, in the order `minuteRowsSql` selects them. */
export const MINUTE_COLUMNS = [
  'offered', 'answered', 'answered_within', 'wait_count', 'wait_sum', 'wait_max', 'abandoned', 'abandoned_wait_max', 'handled', 'handle_sum',
  'fcr_base', 'fcr_resolved',
] as const;

/** The agents' time buckets: minutes (windows up to an hour or so) and hours (days). */
export const AGENT_BUCKETS = { minute: 60, hour: 3600 } as const;
export type AgentBucket = keyof typeof AGENT_BUCKETS;

/**
 * Seconds per tenant, agent, state and bucket of the ended spans `where` selects, counted afresh (the columns of
 * `kpi_agent_minute` and `kpi_agent_hour`): each span's time is split over the buckets it overlaps.
 */
export function agentBucketsSql(spans: string, where: string, bucket: AgentBucket): string {
  const size = AGENT_BUCKETS[bucket];
  return `SELECT s.tenant, s.agent_id, s.state, b.start AS bucket,
      sum(EXTRACT(EPOCH FROM LEAST(s.ended_at, b.start + interval '${size} seconds') - GREATEST(s.started_at, b.start)))::float8 AS seconds
    FROM ${spans} s
    CROSS JOIN LATERAL generate_series(to_timestamp(floor(extract(epoch FROM s.started_at) / ${size}) * ${size}), s.ended_at - interval '1 microsecond',
      interval '${size} seconds') AS b(start)
    WHERE s.ended_at IS NOT NULL AND s.ended_at > s.started_at AND ${where}
    GROUP BY s.tenant, s.agent_id, s.state, b.start`;
}
