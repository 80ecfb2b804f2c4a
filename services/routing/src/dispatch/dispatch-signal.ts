import { Injectable } from '@nestjs/common';
import { HotStateRepository } from '../hot-state/hot-state.repository';

/** Asks the dispatcher to run a decision round soon (coalescing many asks into one round). */
@Injectable()
export class DispatchSignal {
  private listener: (() => void) | undefined;

  constructor(private readonly hot: HotStateRepository) {}

  onKick(listener: () => void): void {
    this.listener = listener;
  }

  kick(): void {
    this.listener?.();
  }

  /**
   * A tenant's agents, queues or settings changed (call after the change committed): every replica's next round
   * reloads its snapshot. Resolves once the new version is visible, then kicks a round.
   */
  async changed(tenant: string): Promise<void> {
    await this.hot.bumpVersion(tenant);
    this.kick();
  }
}
