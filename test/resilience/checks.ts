import { namespacedStream } from '@switchboard/platform';
import { AckPolicy, connect, DeliverPolicy, nanos } from 'nats';
import { Client } from 'pg';
import type { TrafficLedger } from './traffic';

/** One line of the result table. */
export interface CheckRow {
  check: string;
  /** What the simulated clients sent (events, or the work they imply). */
  sent: number;
  /** Of those, what the system accepted (a 202, an accepted offer…). */
  accepted: number;
  /** Accepted items found processed (once or more). */
  processed: number;
  /** Accepted items not processed. */
  lost: number;
  /** Items processed more than once, or invariant violations (for capacity and double assignment). */
  duplicated: number;
  note?: string;
}

export interface CheckContext {
  natsUrl: string;
  namespace: string;
  databaseUrl: string;
  tenant: string;
  agents: number;
  capacity: { voice: number; chat: number };
  /** Analytics base URLs (any replica) and a supervisor token of the tenant, for the KPI check. */
  analyticsUrls: string[];
  supervisorToken: string;
  /** Replicas every stream should have (on a NATS cluster). */
  streamReplicas: number;
}

interface StreamEvent {
  id: string;
  type: string;
  tenantid: string;
  data: Record<string, unknown>;
}

/** Every message of a stream, in order: an ephemeral pull consumer fetched from the first message to the last one stored now. */
export async function readStream(natsUrl: string, namespace: string, stream: string): Promise<StreamEvent[]> {
  const nc = await connect({ servers: natsUrl.split(','), timeout: 5000 });
  try {
    const name = namespacedStream(namespace, stream);
    const jsm = await nc.jetstreamManager({ timeout: 30_000 });
    const info = await jsm.streams.info(name);
    const out: StreamEvent[] = [];
    if (info.state.messages === 0) return out;
    const created = await jsm.consumers.add(name, {
      ack_policy: AckPolicy.None,
      deliver_policy: DeliverPolicy.All,
      inactive_threshold: nanos(60_000),
      mem_storage: true,
      num_replicas: 1,
    });
    try {
      const consumer = await nc.jetstream({ timeout: 30_000 }).consumers.get(name, created.name);
      let last = 0;
      while (last < info.state.last_seq) {
        let got = 0;
        for await (const msg of await consumer.fetch({ max_messages: 500, expires: 5000 })) {
          out.push(msg.json<StreamEvent>());
          last = msg.seq;
          got += 1;
        }
        if (got === 0) throw new Error(`${name}: no message after sequence ${last} of ${info.state.last_seq}`);
      }
    } finally {
      await jsm.consumers.delete(name, created.name).catch(() => undefined);
    }
    return out;
  } finally {
    await nc.close();
  }
}

function countBy<T>(items: T[], key: (item: T) => string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1);
  return counts;
}

/** Compares what the clients got accepted with what every service did about it. */
export async function runChecks(ctx: CheckContext, ledger: TrafficLedger): Promise<CheckRow[]> {
  const db = new Client({ connectionString: ctx.databaseUrl });
  await db.connect();
  try {
    const rows: CheckRow[] = [];
    const sent = [...ledger.events.values()];
    const accepted = sent.filter((e) => e.accepted);
    const mine = (e: StreamEvent) => e.tenantid === ctx.tenant;

    // intake: JetStream holds every accepted event once.
    const interactionsStream = (await readStream(ctx.natsUrl, ctx.namespace, 'CC_INTERACTIONS')).filter(mine);
    const inStream = countBy(interactionsStream, (e) => e.id);
    rows.push({
      check: 'intake: events in JetStream',
      sent: sent.length,
      accepted: accepted.length,
      processed: accepted.filter((e) => inStream.has(e.id)).length,
      lost: accepted.filter((e) => !inStream.has(e.id)).length,
      duplicated: [...inStream.values()].filter((n) => n > 1).length,
    });

    // intake: the archive holds every accepted event once.
    const archive = await db.query<{ event_id: string; n: string }>(
      `SELECT event_id, count(*)::text AS n FROM intake.event_archive WHERE tenant_id=$1 GROUP BY event_id`,
      [ctx.tenant],
    );
    const archived = new Map(archive.rows.map((r) => [r.event_id, Number(r.n)]));
    rows.push({
      check: 'intake: archive',
      sent: sent.length,
      accepted: accepted.length,
      processed: accepted.filter((e) => archived.has(e.id)).length,
      lost: accepted.filter((e) => !archived.has(e.id)).length,
      duplicated: [...archived].filter(([id, n]) => ledger.events.has(id) && n > 1).length,
      note: `${archived.size - accepted.filter((e) => archived.has(e.id)).length} more archived from other producers (routing's agent.state_changed)`,
    });

    // routing: every accepted interaction assigned exactly once (and ended, since the telephony hung up).
    const created = [...ledger.interactions];
    const routed = await db.query<{ id: string; status: string; agent_id: string | null; accepted_offers: string }>(
      `SELECT i.id, i.status, i.agent_id,
              (SELECT count(*) FROM routing.offer o WHERE o.tenant=i.tenant AND o.interaction_id=i.id AND o.status='accepted')::text AS accepted_offers
         FROM routing.interaction i WHERE i.tenant=$1`,
      [ctx.tenant],
    );
    const byId = new Map(routed.rows.map((r) => [r.id, r]));
    const routingStream = (await readStream(ctx.natsUrl, ctx.namespace, 'CC_ROUTING')).filter(mine);
    const assignedEvents = countBy(
      routingStream.filter((e) => e.type === 'routing.assigned'),
      (e) => String(e.data['interactionId']),
    );
    const acceptedByAgents = countBy([...ledger.acceptedOffers.values()], (id) => id);
    const assignedOnce = created.filter((id) => byId.get(id)?.accepted_offers === '1' && byId.get(id)?.agent_id);
    const twice = new Set([
      ...routed.rows.filter((r) => Number(r.accepted_offers) > 1).map((r) => r.id),
      ...[...assignedEvents].filter(([, n]) => n > 1).map(([id]) => id),
      ...[...acceptedByAgents].filter(([, n]) => n > 1).map(([id]) => id),
    ]);
    const notEnded = created.filter((id) => byId.get(id)?.status !== 'ended').length;
    rows.push({
      check: 'routing: assignments',
      sent: created.length,
      accepted: created.length,
      processed: assignedOnce.length,
      lost: created.filter((id) => !byId.get(id)?.agent_id).length,
      duplicated: twice.size,
      note: `${assignedEvents.size} routing.assigned, ${ledger.acceptedOffers.size} offers accepted by agents${notEnded ? `, ${notEnded} not ended` : ''}`,
    });

    rows.push(await capacityCheck(db, ctx));

    // analytics: each accepted customer utterance scored once (per-interaction counters and scored events).
    const expectedUtterances = countBy(accepted.filter((e) => e.customerUtterance), (e) => e.interactionId);
    const insights = await db.query<{ interaction_id: string; utterances: number }>(
      `SELECT interaction_id, utterances FROM analytics.interaction_insight WHERE tenant=$1`,
      [ctx.tenant],
    );
    const counted = new Map(insights.rows.map((r) => [r.interaction_id, Number(r.utterances)]));
    const analyticsStream = (await readStream(ctx.natsUrl, ctx.namespace, 'CC_ANALYTICS')).filter(mine);
    const scored = countBy(
      analyticsStream.filter((e) => e.type === 'analytics.utterance_scored'),
      (e) => String(e.data['interactionId']),
    );
    let utterances = 0;
    let uLost = 0;
    let uDup = 0;
    let sLost = 0;
    let sDup = 0;
    for (const [interaction, expected] of expectedUtterances) {
      utterances += expected;
      const got = counted.get(interaction) ?? 0;
      uLost += Math.max(0, expected - got);
      uDup += Math.max(0, got - expected);
      const events = scored.get(interaction) ?? 0;
      sLost += Math.max(0, expected - events);
      sDup += Math.max(0, events - expected);
    }
    const customerSent = sent.filter((e) => e.customerUtterance).length;
    rows.push({ check: 'analytics: utterances counted per interaction', sent: customerSent, accepted: utterances, processed: utterances - uLost, lost: uLost, duplicated: uDup });
    rows.push({ check: 'analytics: analytics.utterance_scored events', sent: customerSent, accepted: utterances, processed: utterances - sLost, lost: sLost, duplicated: sDup });

    const endedAccepted = [...ledger.ended];
    const summaries = countBy(
      analyticsStream.filter((e) => e.type === 'analytics.interaction_summarized'),
      (e) => String(e.data['interactionId']),
    );
    rows.push({
      check: 'analytics: one summary per ended interaction',
      sent: endedAccepted.length,
      accepted: endedAccepted.length,
      processed: endedAccepted.filter((id) => summaries.has(id)).length,
      lost: endedAccepted.filter((id) => !summaries.has(id)).length,
      duplicated: [...summaries.values()].filter((n) => n > 1).length,
    });

    // notify: each offer in the agent's inbox once, and delivered to the webhook once in effect.
    const offered = routingStream.filter((e) => e.type === 'routing.offered');
    const offeredIds = new Set(offered.map((e) => e.id));
    const notifications = await db.query<{ source_event_id: string; recipient: string; n: string }>(
      `SELECT source_event_id, recipient, count(*)::text AS n FROM notify.notification WHERE tenant=$1 AND event_type='routing.offered' GROUP BY 1, 2`,
      [ctx.tenant],
    );
    const inboxed = new Set(notifications.rows.map((r) => r.source_event_id));
    rows.push({
      check: 'notify: offers in the agent inbox',
      sent: offered.length,
      accepted: offered.length,
      processed: [...offeredIds].filter((id) => inboxed.has(id)).length,
      lost: [...offeredIds].filter((id) => !inboxed.has(id)).length,
      duplicated: notifications.rows.filter((r) => Number(r.n) > 1).length + notifications.rows.filter((r) => !offeredIds.has(r.source_event_id)).length,
    });

    const deliveries = await db.query<{ id: string; source_event_id: string; status: string }>(
      `SELECT d.id, n.source_event_id, d.status FROM notify.delivery d JOIN notify.notification n ON n.id = d.notification_id
        WHERE d.tenant=$1 AND n.event_type='routing.offered'`,
      [ctx.tenant],
    );
    const deliveriesPerEvent = countBy(deliveries.rows, (r) => r.source_event_id);
    const received = deliveries.rows.filter((r) => ledger.webhookDeliveries.has(r.id));
    const redelivered = [...ledger.webhookDeliveries.values()].filter((n) => n > 1).length;
    rows.push({
      check: 'notify: webhook deliveries (by delivery id)',
      sent: offered.length,
      accepted: offered.length,
      processed: new Set(received.map((r) => r.source_event_id)).size,
      lost: [...offeredIds].filter((id) => !received.some((r) => r.source_event_id === id)).length,
      duplicated: [...deliveriesPerEvent.values()].filter((n) => n > 1).length,
      note: `${ledger.webhookDeliveries.size} delivery ids received, ${redelivered} more than once (at-least-once; the receiver de-duplicates by X-Switchboard-Delivery)`,
    });
    rows.push(await kpiCheck(db, ctx));

    // Nothing given up on: a message a consumer dead-letters after its last delivery is accepted work not done.
    const deadLetters = (await readStream(ctx.natsUrl, ctx.namespace, 'CC_DEADLETTER')) as unknown as { consumer?: string; reason?: string; subject?: string }[];
    const ours = deadLetters.filter((d) => d.subject?.includes(`.${ctx.tenant}.`));
    const perConsumer = countBy(ours, (d) => `${d.consumer ?? '?'} (${d.reason ?? '?'})`);
    rows.push({
      check: 'all consumers: nothing dead-lettered',
      sent: sent.length,
      accepted: accepted.length,
      processed: accepted.length - ours.length,
      lost: ours.length,
      duplicated: 0,
      note: [...perConsumer].map(([k, n]) => `${k}: ${n}`).join(', '),
    });
    if (ctx.streamReplicas > 1) rows.push(await replicaCheck(ctx));
    return rows;
  } finally {
    await db.end();
  }
}

/** Every stream of the deployment has the replicas asked for, and a leader (still, after the faults). */
async function replicaCheck(ctx: CheckContext): Promise<CheckRow> {
  const nc = await connect({ servers: ctx.natsUrl.split(','), timeout: 5000 });
  try {
    const jsm = await nc.jetstreamManager();
    const prefix = namespacedStream(ctx.namespace, '');
    const streams = [];
    for await (const info of jsm.streams.list()) if (info.config.name.startsWith(prefix)) streams.push(info);
    const replicated = streams.filter((s) => s.config.num_replicas === ctx.streamReplicas);
    const led = streams.filter((s) => Boolean(s.cluster?.leader));
    const peers = streams.map((s) => `${s.config.name.slice(prefix.length)} ${s.cluster?.leader ?? 'no leader'}+${(s.cluster?.replicas ?? []).map((r) => `${r.name}${r.offline ? ' (offline)' : r.current ? '' : ' (not current)'}`).join('/')}`);
    return {
      check: `nats: streams replicated ×${ctx.streamReplicas}, each with a leader`,
      sent: streams.length,
      accepted: replicated.length,
      processed: led.length,
      lost: streams.length - Math.min(replicated.length, led.length),
      duplicated: 0,
      note: peers.join('; '),
    };
  } finally {
    await nc.close();
  }
}

/** The day's KPIs (offered, answered, abandoned) agree with the archived events of the day. */
async function kpiCheck(db: Client, ctx: CheckContext): Promise<CheckRow> {
  const { rows } = await db.query<{ offered: string; answered: string; abandoned: string }>(
    `SELECT count(DISTINCT interaction_id) FILTER (WHERE type='interaction.created')::text AS offered,
            count(DISTINCT interaction_id) FILTER (WHERE type='interaction.answered')::text AS answered,
            count(DISTINCT interaction_id) FILTER (WHERE type='interaction.ended' AND event::jsonb->'data'->>'reason'='abandoned')::text AS abandoned
       FROM intake.event_archive WHERE tenant_id=$1 AND event_time >= date_trunc('day', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'`,
    [ctx.tenant],
  );
  const archive = { offered: Number(rows[0]?.offered ?? 0), answered: Number(rows[0]?.answered ?? 0), abandoned: Number(rows[0]?.abandoned ?? 0) };
  let kpis: { offered: number; answered: number; abandoned: number; queueDepth: number } | undefined;
  let error = '';
  for (const url of ctx.analyticsUrls) {
    try {
      const res = await fetch(`${url}/v1/kpis?window=day`, { headers: { authorization: `Bearer ${ctx.supervisorToken}` }, signal: AbortSignal.timeout(10_000) });
      const body = (await res.json()) as { tenant?: { kpis?: typeof kpis } };
      if (res.status === 200 && body.tenant?.kpis) {
        kpis = body.tenant.kpis;
        break;
      }
      error = `GET /v1/kpis answered ${res.status}`;
    } catch (e) {
      error = e instanceof Error ? e.message : String(e);
    }
  }
  if (!kpis) return { check: 'analytics: KPIs of the day vs archive', sent: archive.offered, accepted: archive.offered, processed: 0, lost: archive.offered, duplicated: 0, note: error };
  const keys = ['offered', 'answered', 'abandoned'] as const;
  return {
    check: 'analytics: KPIs of the day vs archive',
    sent: archive.offered,
    accepted: archive.offered,
    processed: kpis.offered,
    lost: keys.reduce((n, k) => n + Math.max(0, archive[k] - (kpis?.[k] ?? 0)), 0),
    duplicated: keys.reduce((n, k) => n + Math.max(0, (kpis?.[k] ?? 0) - archive[k]), 0),
    note: keys.map((k) => `${k} ${kpis?.[k]}/${archive[k]}`).join(', ') + ` (KPI/archive), queue depth ${kpis.queueDepth}`,
  };
}

/**
 * No agent ever held more than its capacity: replays every offer of the run (an offer holds capacity from its
 * creation until it is resolved, or, once accepted, until the interaction ends) and counts the moments an agent
 * held more than its channel capacity, or a voice call together with other work.
 */
async function capacityCheck(db: Client, ctx: CheckContext): Promise<CheckRow> {
  const { rows } = await db.query<{ agent_id: string; channel: 'voice' | 'chat'; start: Date; stop: Date | null; status: string }>(
    `SELECT o.agent_id, o.channel, o.created_at AS start, o.status,
            CASE WHEN o.status='accepted' THEN i.ended_at ELSE o.resolved_at END AS stop
       FROM routing.offer o JOIN routing.interaction i ON i.tenant=o.tenant AND i.id=o.interaction_id
      WHERE o.tenant=$1`,
    [ctx.tenant],
  );
  const violations = capacityViolations(
    rows.map((r) => ({ agentId: r.agent_id, channel: r.channel, start: r.start, stop: r.stop })),
    ctx.capacity,
  );
  const agents = new Set(rows.map((r) => r.agent_id)).size;
  const accepted = rows.filter((r) => r.status === 'accepted').length;
  return {
    check: 'routing: agent capacity never exceeded',
    sent: rows.length,
    accepted,
    processed: rows.length,
    lost: 0,
    duplicated: violations.length,
    note: violations.length ? violations.slice(0, 3).join('; ') : `${rows.length} offers replayed over ${agents} agents`,
  };
}

export interface HeldCapacity {
  agentId: string;
  channel: 'voice' | 'chat';
  start: Date;
  /** When the capacity was given back; null while still held. */
  stop: Date | null;
}

/**
 * Replays capacity holds in time order and names each moment an agent held more than its capacity on a channel,
 * or a voice call together with other work. A hold released at the instant another starts does not overlap it.
 */
export function capacityViolations(holds: HeldCapacity[], capacity: { voice: number; chat: number }): string[] {
  const perAgent = new Map<string, { at: number; channel: 'voice' | 'chat'; delta: number }[]>();
  for (const h of holds) {
    const list = perAgent.get(h.agentId) ?? [];
    list.push({ at: h.start.getTime(), channel: h.channel, delta: 1 });
    list.push({ at: h.stop ? h.stop.getTime() : Number.MAX_SAFE_INTEGER, channel: h.channel, delta: -1 });
    perAgent.set(h.agentId, list);
  }
  const violations: string[] = [];
  for (const [agent, moments] of perAgent) {
    moments.sort((a, b) => a.at - b.at || a.delta - b.delta);
    const load = { voice: 0, chat: 0 };
    for (const m of moments) {
      load[m.channel] += m.delta;
      if (m.delta > 0 && (load.voice > capacity.voice || load.chat > capacity.chat || (load.voice > 0 && load.chat > 0))) {
        violations.push(`${agent} at ${new Date(m.at).toISOString()}: voice ${load.voice}, chat ${load.chat}`);
      }
    }
  }
  return violations;
}

/** The result table, as printed by the suites and copied into docs/faults.md. */
export function formatTable(rows: CheckRow[]): string {
  const header = '| check | sent | accepted | processed | lost | duplicated | note |\n|---|---:|---:|---:|---:|---:|---|';
  return [header, ...rows.map((r) => `| ${r.check} | ${r.sent} | ${r.accepted} | ${r.processed} | ${r.lost} | ${r.duplicated} | ${r.note ?? ''} |`)].join('\n');
}

/** True when nothing accepted was lost or duplicated. */
export function clean(rows: CheckRow[]): boolean {
  return rows.every((r) => r.lost === 0 && r.duplicated === 0);
}
