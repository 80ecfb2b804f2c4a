import { Inject, Injectable, Logger, OnApplicationBootstrap, BeforeApplicationShutdown } from '@nestjs/common';
import { createEvent, type AnyCloudEvent } from '@switchboard/contracts';
import { CoalescingRunner, errorMessage, EventPublisher, SERVICE_ENV } from '@switchboard/platform';
import { Clock } from '../clock/clock';
import type { NotifyEnv } from '../config/notify.config';
import { NotificationRepository, type NotificationRecord } from '../notifications/notification.repository';
import { SubscriptionRepository, type Subscription } from '../subscriptions/subscription.repository';
import { retryDelayMs } from './backoff';
import { ChannelSender, type SendOutcome } from './channel-sender';
import { DeliveryRepository, type Delivery, type DeliveryOutcome } from './delivery.repository';
import { RateLimiter } from './rate-limiter';

/** A claimed delivery with what it needs to be sent. */
interface Job {
  delivery: Delivery;
  subscription: Subscription;
  notification: NotificationRecord;
}

/** Runs `task` over `items` with at most `limit` in flight. */
async function forEachBounded<T>(items: readonly T[], limit: number, task: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const item = items[next++];
      if (item !== undefined) await task(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
}

/**
 * Attempts due deliveries in rounds: claims a batch from Postgres, reads its notifications and
 * subscriptions once, takes the rate-limit slots of the batch in one Redis round trip, sends over
 * keep-alive connections with bounded concurrency, then records every outcome in one statement
 * (next attempt with backoff, or dead letter after the last one) and reports `notify.delivered|failed`.
 */
@Injectable()
export class DeliveryWorker implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('DeliveryWorker');
  private readonly runner = new CoalescingRunner(
    () => this.drain(),
    (error) => this.logger.warn(`delivery round failed: ${errorMessage(error)}`),
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

  /** Before the data source is destroyed (in `onApplicationShutdown`): a round in flight finishes on open connections. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.runner.stop();
  }

  /** Runs a round now (after new deliveries were created). */
  kick(): void {
    this.runner.kick();
  }

  private async drain(): Promise<void> {
    // A batch's reports are published while the next batch is being sent.
    let reporting: Promise<void> = Promise.resolve();
    try {
      for (;;) {
        if (this.runner.isStopped) return;
        const batch = await this.deliveries.claimDue(this.clock.now(), this.env.NOTIFY_DELIVERY_BATCH, this.env.NOTIFY_DELIVERY_TIMEOUT_MS * 2);
        if (batch.length === 0) return;
        const reports = await this.attemptBatch(batch);
        await reporting;
        reporting = this.report(reports);
      }
    } finally {
      await reporting;
    }
  }

  /** Sends a claimed batch and records its outcomes; answers the reports to publish. */
  private async attemptBatch(batch: readonly Delivery[]): Promise<AnyCloudEvent[]> {
    const [notifications, subscriptions] = await Promise.all([
      this.notifications.findMany([...new Set(batch.map((d) => d.notificationId))]),
      this.subscriptions.findMany([...new Set(batch.map((d) => d.subscriptionId))]),
    ]);
    const outcomes: DeliveryOutcome[] = [];
    const reports: AnyCloudEvent[] = [];
    const jobs: Job[] = [];
    for (const delivery of batch) {
      const subscription = subscriptions.get(delivery.subscriptionId);
      const found = notifications.get(delivery.notificationId);
      const notification = found?.tenant === delivery.tenant ? found : undefined;
      if (subscription?.tenant !== delivery.tenant || !notification) {
        outcomes.push(this.outcome(delivery, 'dead', { error: 'subscription or notification no longer exists' }));
      } else if (subscription.escalateAfterSeconds !== null && notification.ackedAt !== null) {
        outcomes.push(this.outcome(delivery, 'cancelled', { error: `acknowledged by ${notification.ackedBy ?? 'someone'} at ${notification.ackedAt}` }));
      } else {
        jobs.push({ delivery, subscription, notification });
      }
    }
    const sendable = await this.withinRateLimits(jobs, outcomes);
    // A digest is one message for all of a subscription's due items; they succeed or fail together.
    const digests = new Map<string, Job[]>();
    const singles: Job[] = [];
    for (const job of sendable) {
      if (job.delivery.digest) digests.set(job.subscription.id, [...(digests.get(job.subscription.id) ?? []), job]);
      else singles.push(job);
    }
    const units: Job[][] = [...singles.map((job) => [job]), ...digests.values()];
    await forEachBounded(units, this.env.NOTIFY_DELIVERY_CONCURRENCY, async (group) => {
      const first = group[0];
      if (!first) return;
      const result = group.length === 1 && !first.delivery.digest
        ? await this.sender.send(first.subscription, first.notification, first.delivery.id, first.delivery.attempts, this.clock.now())
        : await this.sender.sendDigest(first.subscription, group.map((j) => j.notification), group.map((j) => j.delivery.id), this.clock.now());
      for (const job of group) this.settle(job, result, outcomes, reports);
    });
    await this.deliveries.record(outcomes);
    return reports;
  }

  /**
   * Takes the batch's rate-limit slots per subscription; deliveries beyond them wait for the next minute, their
   * attempt unspent. Digest items are not counted: a digest is already one message per interval.
   */
  private async withinRateLimits(jobs: readonly Job[], outcomes: DeliveryOutcome[]): Promise<Job[]> {
    const wanted = new Map<string, number>();
    for (const job of jobs) if (!job.delivery.digest) wanted.set(job.subscription.id, (wanted.get(job.subscription.id) ?? 0) + 1);
    const { granted, retryAt } = await this.rateLimiter.takeMany(wanted, this.clock.now());
    const allowed: Job[] = jobs.filter((job) => job.delivery.digest);
    for (const job of jobs.filter((j) => !j.delivery.digest)) {
      const left = granted.get(job.subscription.id) ?? 0;
      if (left > 0) {
        granted.set(job.subscription.id, left - 1);
        allowed.push(job);
      } else {
        outcomes.push(this.outcome(job.delivery, 'pending', { nextAttemptAt: retryAt, giveBack: true }));
      }
    }
    return allowed;
  }

  private settle({ delivery, subscription, notification }: Job, result: SendOutcome, outcomes: DeliveryOutcome[], reports: AnyCloudEvent[]): void {
    const base = {
      notificationId: notification.id,
      channel: subscription.channel,
      recipient: subscription.id,
      attempt: delivery.attempts,
      kind: delivery.digest ? 'digest' : notification.kind,
      eventId: notification.sourceEventId,
      ...(typeof notification.payload['interactionId'] === 'string' ? { interactionId: notification.payload['interactionId'] } : {}),
      ...(typeof notification.payload['agentId'] === 'string' ? { agentId: notification.payload['agentId'] } : {}),
    };
    if (result.ok) {
      outcomes.push(this.outcome(delivery, 'delivered', { statusCode: result.statusCode }));
      reports.push(
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
    const error = result.error ?? 'delivery failed';
    outcomes.push(this.outcome(delivery, final ? 'dead' : 'failed', { error, statusCode: result.statusCode, nextAttemptAt: next }));
    reports.push(
      createEvent({
        type: 'notify.failed',
        tenantid: delivery.tenant,
        source: '/notify',
        id: `${delivery.id}:${delivery.attempts}:failed`,
        data: { ...base, error, final, ...(next ? { nextAttemptAt: next.toISOString() } : {}) },
      }),
    );
  }

  private outcome(
    delivery: Delivery,
    status: DeliveryOutcome['status'],
    details: { error?: string; statusCode?: number | null; nextAttemptAt?: Date | null; giveBack?: boolean } = {},
  ): DeliveryOutcome {
    return {
      id: delivery.id,
      attempt: delivery.attempts,
      status,
      nextAttemptAt: details.nextAttemptAt ?? null,
      at: this.clock.now(),
      error: details.error ?? null,
      statusCode: details.statusCode ?? null,
      giveBack: details.giveBack ?? false,
    };
  }

  private async report(events: readonly AnyCloudEvent[]): Promise<void> {
    if (events.length === 0) return;
    try {
      await this.publisher.publishMany(events);
    } catch (error) {
      // The delivery table is the record; the events are the notice. A lost notice is logged, not retried.
      this.logger.warn(`could not publish ${events.length} delivery report(s): ${errorMessage(error)}`);
    }
  }
}
