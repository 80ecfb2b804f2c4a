import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { AnyCloudEvent } from '@switchboard/contracts';
import { GroupCommit, SERVICE_ENV } from '@switchboard/platform';
import { Clock } from '../clock/clock';
import type { NotifyEnv } from '../config/notify.config';
import { DeliveryWorker } from '../deliveries/delivery.worker';
import { FanoutService } from '../realtime/fanout.service';
import { PreferenceRepository, shiftKey, type Shift } from '../recipients/preference.repository';
import { releaseTime } from '../subscriptions/quiet-hours';
import { SubscriptionRepository, type Subscription } from '../subscriptions/subscription.repository';
import { planNotifications, type PlannedNotification } from './notification-plan';
import { NotificationRepository, type NewDelivery, type NewNotification, type NotificationRecord } from './notification.repository';
import { atLeast, type Severity } from './severity';

/** Most events written by one statement. */
const MAX_BATCH = 1_000;
/**
 * Batches written at once: one reads subscriptions and shifts while another inserts (inserts are
 * serialised by the database, see {@link NotificationRepository.insertBatch}).
 */
const PARALLEL_BATCHES = 2;

/** Digest windows are aligned on the interval (hourly digests go out on the hour). */
export function nextDigestAt(now: Date, intervalSeconds: number): Date {
  const interval = intervalSeconds * 1000;
  return new Date(Math.floor(now.getTime() / interval) * interval + interval);
}

function matches(subscription: Subscription, eventType: string, severity: Severity, kind: string): boolean {
  if (subscription.escalateAfterSeconds !== null && (kind !== 'alert' || severity !== 'critical')) return false;
  if (subscription.eventTypes.length > 0 && !subscription.eventTypes.includes(eventType)) return false;
  return atLeast(severity, subscription.minSeverity);
}

/** When an external delivery of this notification to this subscription is due. */
function dueAt(subscription: Subscription, plan: PlannedNotification, now: Date): { dueAt: Date; digest: boolean } {
  const digest = subscription.digestIntervalSeconds !== null && !atLeast(plan.severity, 'medium');
  if (digest) return { dueAt: nextDigestAt(now, subscription.digestIntervalSeconds ?? 1), digest };
  if (subscription.escalateAfterSeconds !== null) return { dueAt: new Date(now.getTime() + subscription.escalateAfterSeconds * 1000), digest };
  // Offers and critical alerts cut through quiet hours; everything else waits for them to end.
  const urgent = plan.kind === 'offer' || plan.severity === 'critical';
  return { dueAt: !urgent && subscription.quietHours ? releaseTime(now, subscription.quietHours) : now, digest };
}

/** Offers, rescinds and critical alerts are never held; other messages to an agent off shift wait for the shift to start. */
function holdable(plan: PlannedNotification): string | undefined {
  if (!plan.recipient.startsWith('agent:') || plan.kind === 'offer' || plan.kind === 'offer_rescinded' || plan.severity === 'critical') return undefined;
  return plan.recipient.slice('agent:'.length);
}

function heldUntil(shift: Shift | undefined, now: Date): Date | null {
  if (!shift) return null;
  // Off shift is the window from the shift's end to its start.
  const release = releaseTime(now, { start: shift.end, end: shift.start, timeZone: shift.timeZone });
  return release.getTime() > now.getTime() ? release : null;
}

interface Planned {
  event: AnyCloudEvent;
  plan: PlannedNotification;
  /** The event's first (primary) notification: the one external subscribers hear about. */
  primary: boolean;
}

/**
 * Turns events into notifications. Events are written in batches (group commit): the events that
 * arrive while a batch is written go into a following one, whose notifications and deliveries are
 * inserted by one statement. A notification is unique per source event and recipient, so a
 * redelivered event changes nothing. After commit the batch is pushed to the sockets of every
 * replica; each event's message is acknowledged only once its batch committed and was announced.
 */
@Injectable()
export class IngestEventUseCase {
  private readonly batches = new GroupCommit<AnyCloudEvent, NotificationRecord[]>((events) => this.ingestBatch(events), { maxBatch: MAX_BATCH, parallel: PARALLEL_BATCHES });

  constructor(
    private readonly notifications: NotificationRepository,
    private readonly subscriptions: SubscriptionRepository,
    private readonly preferences: PreferenceRepository,
    private readonly fanout: FanoutService,
    private readonly worker: DeliveryWorker,
    private readonly clock: Clock,
    @Inject(SERVICE_ENV) private readonly env: NotifyEnv,
  ) {}

  /** Resolves with the event's stored notifications once they are committed and announced. */
  execute(event: AnyCloudEvent): Promise<NotificationRecord[]> {
    return this.batches.submit(event);
  }

  private async ingestBatch(events: readonly AnyCloudEvent[]): Promise<NotificationRecord[][]> {
    const planned: Planned[] = events.flatMap((event) =>
      planNotifications(event, this.env.NOTIFY_ROUTING_URL).map((plan, index) => ({ event, plan, primary: index === 0 })),
    );
    if (planned.length === 0) return events.map(() => []);
    const now = this.clock.now();
    const holdableAgents = planned.flatMap((p) => {
      const agentId = holdable(p.plan);
      return agentId === undefined ? [] : [{ tenant: p.event.tenantid, agentId }];
    });
    const [subscriptions, shifts] = await Promise.all([
      this.subscriptions.listForTenants([...new Set(planned.map((p) => p.event.tenantid))]),
      this.preferences.shiftsOf(holdableAgents),
    ]);
    const rows: NewNotification[] = planned.map(({ event, plan }) => {
      const agentId = holdable(plan);
      return {
        id: randomUUID(),
        tenant: event.tenantid,
        recipient: plan.recipient,
        kind: plan.kind,
        eventType: event.type,
        severity: plan.severity,
        sourceEventId: event.id,
        eventTime: event.time,
        payload: plan.payload,
        heldUntil: agentId === undefined ? null : heldUntil(shifts.get(shiftKey(event.tenantid, agentId)), now),
      };
    });
    const deliveries: NewDelivery[] = planned.flatMap(({ event, plan, primary }, i) => {
      const row = rows[i];
      if (!primary || !row) return [];
      return subscriptions
        .filter((s) => s.tenant === event.tenantid && matches(s, event.type, plan.severity, plan.kind))
        .map((s) => ({ id: randomUUID(), tenant: s.tenant, subscriptionId: s.id, notificationId: row.id, channel: s.channel, ...dueAt(s, plan, now) }));
    });
    const records = await this.notifications.insertBatch(rows, deliveries);
    // Pushed after commit; a redelivered event re-announces the same ids, which sockets drop as duplicates.
    await this.fanout.publish(records.filter((r) => r.heldUntil === null));
    if (deliveries.length > 0) this.worker.kick();
    const byEvent = new Map<AnyCloudEvent, NotificationRecord[]>();
    planned.forEach((p, i) => {
      const record = records[i];
      if (record) byEvent.set(p.event, [...(byEvent.get(p.event) ?? []), record]);
    });
    return events.map((event) => byEvent.get(event) ?? []);
  }
}
