import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { errorMessage, SERVICE_ENV } from '@switchboard/platform';
import { Clock } from '../clock/clock';
import type { NotifyEnv } from '../config/notify.config';
import { NotificationRepository } from '../notifications/notification.repository';
import { FanoutService } from '../realtime/fanout.service';

/** Pushes held notifications to their agents once the shift has started. */
@Injectable()
export class HeldReleaseWorker implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('HeldRelease');
  private timer: NodeJS.Timeout | undefined;
  private busy = false;

  constructor(
    private readonly notifications: NotificationRepository,
    private readonly fanout: FanoutService,
    private readonly clock: Clock,
    @Inject(SERVICE_ENV) private readonly env: NotifyEnv,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.tick(), this.env.NOTIFY_DELIVERY_POLL_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
  }

  private async tick(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      const released = await this.notifications.releaseDue(this.clock.now(), 500);
      if (released.length > 0) await this.fanout.publish(released);
    } catch (error) {
      this.logger.warn(`release failed: ${errorMessage(error)}`);
    } finally {
      this.busy = false;
    }
  }
}
