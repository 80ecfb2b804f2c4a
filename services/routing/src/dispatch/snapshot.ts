import { effectivePriority } from '../engine/decide';
import type { InteractionSnapshot, QueueSnapshot, RoutingSettings } from '../engine/engine.types';
import type { InteractionRow, QueueRow } from '../persistence/rows';

export function toQueueSnapshot(q: QueueRow): QueueSnapshot {
  return { id: q.id, channel: q.channel, requiredSkills: q.required_skills, priority: q.priority, strategy: q.strategy, overflow: q.overflow };
}

export function toInteractionSnapshot(
  i: InteractionRow,
  flags: { abusive: boolean; churn_level: string | null } | undefined,
  stickyAgentId: string | undefined,
  stickyReason?: string,
): InteractionSnapshot {
  const abusive = i.abusive || (flags?.abusive ?? false);
  return {
    id: i.id,
    queueId: i.queue_id,
    channel: i.channel,
    priority: i.priority ?? undefined,
    vip: i.vip,
    language: i.language ?? undefined,
    queuedAt: i.queued_at.getTime(),
    customerId: i.customer_id,
    volatile: abusive || flags?.churn_level === 'high',
    abusive,
    stickyAgentId,
    stickyReason,
    declinedBy: i.declined_by,
  };
}

/** Waiting interactions in the order they are served: effective priority, then longest wait. */
export function serveOrder(
  waiting: InteractionSnapshot[],
  queues: Map<string, QueueSnapshot>,
  settings: RoutingSettings,
  now: number,
): InteractionSnapshot[] {
  const prio = new Map(waiting.map((i) => [i.id, effectivePriority(i, queues.get(i.queueId)?.priority ?? 0, settings, now)]));
  return [...waiting].sort((a, b) => (prio.get(b.id) ?? 0) - (prio.get(a.id) ?? 0) || a.queuedAt - b.queuedAt || a.id.localeCompare(b.id));
}
