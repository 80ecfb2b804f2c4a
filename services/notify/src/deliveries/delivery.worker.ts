import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { createEvent } from '@switchboard/contracts';
import { CoalescingRunner, EventPublisher, SERVICE_ENV } from '@switchboard/platform';
import { Clock } from '../clock/clock';
import type { NotifyEnv } from '../config/notify.config';
import { NotificationRepository, type NotificationRecord } from '../notifications/notification.repository';
import { SubscriptionRepository, type Subscription } from '../subscriptions/subscription.repository';
import { retryDelayMs } from './backoff';
import { ChannelSender } from './channel-sender';
import { DeliveryRepository, type Delivery } from './delivery.repository';
import { RateLimiter } from './rate-limiter';

/**
 * Attempts due deliveries: claims them from Postgres, sends, records the outcome, schedules the next
 * attempt with backoff or dead-letters after the last one, and reports `notify.delivered|failed`.
 */
@Injectable()
export class DeliveryWorker implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('DeliveryWorker');
  private readonly runner = new CoalescingRunner(
    () => this.drain(),
    (error) => this.logger.warn(`delivery round failed: ${error instanceof Error ? error.message : String(error)}`),
  );

  constructor(
    private readonly deliveries: DeliveryRepository,
    private readonly subscriptions: SubscriptionRepository,
    private readonly notifications: NotificationRepository,
    private readonly sender: ChannelSender,
    private readonly rateLimiter: RateLimiter,
    private readonly publisher: EventPublisher,
    private readonly clock: Clock,
    @Inject(SERVICE_ENV) private readonly env: NotifyEnv,
  ) {}

  onApplicationBootstrap(): void {
    this.runner.start(this.env.NOTIFY_DELIVERY_POLL_MS);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.runner.stop();
  }

  /** Runs a round now (after new deliveries were created). */
  kick(): void {
    this.runner.kick();
  }

  private async drain(): Promise<void> {
    for (;;) {
      if (this.runner.isStopped) return;
      const batch = await this.deliveries.claimDue(this.clock.now(), this.env.NOTIFY_DELIVERY_BATCH, this.env.NOTIFY_DELIVERY_TIMEOUT_MS * 2);
      if (batch.length === 0) return;
      // One read of the batch's notifications and subscriptions instead of one per delivery.
      const notifications = await this.notifications.findMany([...new Set(batch.map((d) => d.notificationId))]);
      const subscriptions = new Map<string, Subscription | undefined>();
      for (const d of batch) {
        if (!subscriptions.has(d.subscriptionId)) subscriptions.set(d.subscriptionId, await this.subscriptions.find(d.tenant, d.subscriptionId));
      }
      const digests = new Map<string, Delivery[]>();
      for (const d of batch.filter((x) => x.digest)) digests.set(d.subscriptionId, [...(digests.get(d.subscriptionId) ?? []), d]);
      await Promise.all([...batch.filter((d) => !d.digest).map((d) => this.attempt(d, subscriptions.get(d.subscriptionId), notifications.get(d.notificationId))), ...[...digests.values()].map((g) => this.attemptDigest(g))]);
    }
  }

  private async attempt(delivery: Delivery, subscription: Subscription | undefined, found: NotificationRecord | undefined): Promise<void> {
    const notification = found?.tenant === delivery.tenant ? found : undefined;
    if (!subscription || !notification) {
      await this.deliveries.markFailed(delivery.id, 'subscription or notification no longer exists', null, null);
      return;
    }
    if (subscription.escalateAfterSeconds !== null && notification.ackedAt !== null) {
      await this.deliveries.markCancelled(delivery.id, `acknowledged by ${notification.ackedBy ?? 'someone'} at ${notification.ackedAt}`);
      return;
    }
    const slot = await this.rateLimiter.take(subscription.id, this.clock.now());
    if (!slot.allowed) {
      await this.deliveries.postpone(delivery.id, slot.retryAt);
      return;
    }
    const started = this.clock.now();
    const outcome = await this.sender.send(subscription, notification, delivery.id, delivery.attempts, started);
    const base = {
      notificationId: notification.id,
      channel: subscription.channel,
      recipient: subscription.id,
      attempt: delivery.attempts,
      kind: notification.kind,
      eventId: notification.sourceEventId,
      ...(typeof notification.payload['interactionId'] === 'string' ? { interactionId: notification.payload['interactionId'] } : {}),
      ...(typeof notification.payload['agentId'] === 'string' ? { agentId: notification.payload['agentId'] } : {}),
    };
    if (outcome.ok) {
      await this.deliveries.markDelivered(delivery.id, outcome.statusCode, this.clock.now());
      await this.report(
        createEvent({
          type: 'notify.delivered',
          tenantid: delivery.tenant,
          source: '/notify',
          id: `${delivery.id}:${delivery.attempts}:delivered`,
          data: { ...base, latencyMs: Math.max(0, Date.now() - Date.parse(notification.eventTime)) },
        }),
      );
      return;
    }
    const final = delivery.attempts >= this.env.NOTIFY_MAX_ATTEMPTS;
    const next = final
      ? null
      : new Date(this.clock.now().getTime() + retryDelayMs(delivery.attempts, this.env.NOTIFY_BACKOFF_BASE_MS, this.env.NOTIFY_BACKOFF_MAX_MS));
    const error = outcome.error ?? 'delivery failed';
    await this.deliveries.markFailed(delivery.id, error, outcome.statusCode, next);
    await this.report(
      createEvent({
        type: 'notify.failed',
        tenantid: delivery.tenant,
        source: '/notify',
        id: `${delivery.id}:${delivery.attempts}:failed`,
        data: { ...base, error, final, ...(next ? { nextAttemptAt: next.toISOString() } : {}) },
      }),
    );
  }

  /** Sends one digest for several due deliveries of one subscription; they succeed or fail together. */
  private async attemptDigest(group: Delivery[]): Promise<void> {
    const first = group[0];
    if (!first) return;
    const subscription = await this.subscriptions.find(first.tenant, first.subscriptionId);
    const items = await Promise.all(group.map((d) => this.notifications.find(d.tenant, d.notificationId)));
    if (!subscription || items.some((n) => n === undefined)) {
      for (const d of group) await this.deliveries.markFailed(d.id, 'subscription or notification no longer exists', null, null);
      return;
    }
    const notifications = items.filter((n): n is NonNullable<typeof n> => n !== undefined);
    const outcome = await this.sender.sendDigest(subscription, notifications, group.map((d) => d.id), this.clock.now());
    for (const [i, d] of group.entries()) {
      const n = notifications[i];
      if (!n) continue;
      const base = { notificationId: n.id, channel: subscription.channel, recipient: subscription.id, attempt: d.attempts, kind: 'digest', eventId: n.sourceEventId };
      if (outcome.ok) {
        await this.deliveries.markDelivered(d.id, outcome.statusCode, this.clock.now());
        await this.report(createEvent({ type: 'notify.delivered', tenantid: d.tenant, source: '/notify', id: `${d.id}:${d.attempts}:delivered`, data: base }));
        continue;
      }
      const final = d.attempts >= this.env.NOTIFY_MAX_ATTEMPTS;
      const next = final ? null : new Date(this.clock.now().getTime() + retryDelayMs(d.attempts, this.env.NOTIFY_BACKOFF_BASE_MS, this.env.NOTIFY_BACKOFF_MAX_MS));
      const error = outcome.error ?? 'delivery failed';
      await this.deliveries.markFailed(d.id, error, outcome.statusCode, next);
      await this.report(
        createEvent({
          type: 'notify.failed',
          tenantid: d.tenant,
          source: '/notify',
          id: `${d.id}:${d.attempts}:failed`,
          data: { ...base, error, final, ...(next ? { nextAttemptAt: next.toISOString() } : {}) },
        }),
      );
    }
  }

  private async report(event: Parameters<EventPublisher['publish']>[0]): Promise<void> {
    try {
      await this.publisher.publish(event);
    } catch (error) {
      // The delivery table is the record; the event is the notice. A lost notice is logged, not retried.
      this.logger.warn(`could not publish ${event.type}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}
