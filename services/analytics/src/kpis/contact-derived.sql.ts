/**
 * The two facts of a contact that other rows decide, kept on the contact's row as they change (docs/kpis.md): its
 * wrap-up time and whether the customer came back. Shared by the KPI repository, which refreshes them as events arrive,
 * and the migration that fills them in for contacts stored before.
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
