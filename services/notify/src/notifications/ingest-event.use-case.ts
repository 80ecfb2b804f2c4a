import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { AnyCloudEvent } from '@switchboard/contracts';
import { SERVICE_ENV } from '@switchboard/platform';
import { DataSource, type EntityManager } from 'typeorm';
import { Clock } from '../clock/clock';
import type { NotifyEnv } from '../config/notify.config';
import { DeliveryRepository } from '../deliveries/delivery.repository';
import { DeliveryWorker } from '../deliveries/delivery.worker';
import { FanoutService } from '../realtime/fanout.service';
import { releaseTime } from '../subscriptions/quiet-hours';
import { SubscriptionRepository, type Subscription } from '../subscriptions/subscription.repository';
import { PreferenceRepository } from '../recipients/preference.repository';
import { planNotifications, type PlannedNotification } from './notification-plan';
import { NotificationRepository, type NotificationRecord } from './notification.repository';
import { atLeast, type Severity } from './severity';

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

/**
 * Turns an event into notifications: persists them (one per source event and recipient, so a
 * redelivered event changes nothing), schedules the external deliveries in the same transaction,
 * then pushes them to connected clients on every replica.
 */
@Injectable()
export class IngestEventUseCase {
  constructor(
    private readonly dataSource: DataSource,
    private readonly notifications: NotificationRepository,
    private readonly subscriptions: SubscriptionRepository,
    private readonly deliveries: DeliveryRepository,
    private readonly preferences: PreferenceRepository,
    private readonly fanout: FanoutService,
    private readonly worker: DeliveryWorker,
    private readonly clock: Clock,
    @Inject(SERVICE_ENV) private readonly env: NotifyEnv,
  ) {}

  async execute(event: AnyCloudEvent): Promise<NotificationRecord[]> {
    const plans = planNotifications(event, this.env.NOTIFY_ROUTING_URL);
    if (plans.length === 0) return [];
    const { records, scheduled } = await this.dataSource.transaction(async (manager) => {
      const stored: NotificationRecord[] = [];
      let created = 0;
      const subscriptions = await this.subscriptions.listIn(manager, event.tenantid);
      const now = this.clock.now();
      for (const [index, plan] of plans.entries()) {
        const heldUntil = await this.holdUntil(manager, event.tenantid, plan, now);
        const { record } = await this.notifications.insert(manager, {
          id: randomUUID(),
          tenant: event.tenantid,
          recipient: plan.recipient,
          kind: plan.kind,
          eventType: event.type,
          severity: plan.severity,
          sourceEventId: event.id,
          eventTime: event.time,
          payload: plan.payload,
          heldUntil,
        });
        stored.push(record);
        // External subscribers hear about an event once: through its first (primary) notification.
        if (index > 0) continue;
        for (const subscription of subscriptions.filter((s) => matches(s, event.type, plan.severity, plan.kind))) {
          // Offers and critical alerts cut through quiet hours; everything else waits for them to end.
          const urgent = plan.kind === 'offer' || plan.severity === 'critical';
          const digest = subscription.digestIntervalSeconds !== null && !atLeast(plan.severity, 'medium');
          const dueAt = digest
            ? nextDigestAt(now, subscription.digestIntervalSeconds ?? 1)
            : subscription.escalateAfterSeconds !== null
              ? new Date(now.getTime() + subscription.escalateAfterSeconds * 1000)
              : !urgent && subscription.quietHours
                ? releaseTime(now, subscription.quietHours)
                : now;
          await this.deliveries.createIn(manager, {
            id: randomUUID(),
            tenant: event.tenantid,
            subscriptionId: subscription.id,
            notificationId: record.id,
            channel: subscription.channel,
            dueAt,
            digest,
          });
          created += 1;
        }
      }
      return { records: stored, scheduled: created };
    });
    // Fan-out after commit; a redelivered event re-announces the same ids, which sockets drop as duplicates.
    await this.fanout.publish(records.filter((r) => r.heldUntil === null));
    if (scheduled > 0) this.worker.kick();
    return records;
  }

  /** Non-urgent messages to an agent who is off shift wait for the shift to start; offers and critical alerts never wait. */
  private async holdUntil(manager: EntityManager, tenant: string, plan: PlannedNotification, now: Date): Promise<Date | null> {
    if (!plan.recipient.startsWith('agent:') || plan.kind === 'offer' || plan.kind === 'offer_rescinded' || plan.severity === 'critical') {
      return null;
    }
    const shift = await this.preferences.shiftIn(manager, tenant, plan.recipient.slice('agent:'.length));
    if (!shift) return null;
    // Off shift is the window from the shift's end to its start.
    const release = releaseTime(now, { start: shift.end, end: shift.start, timeZone: shift.timeZone });
    return release.getTime() > now.getTime() ? release : null;
  }
}
