import { Injectable } from '@nestjs/common';

/** Asks the dispatcher to run a decision cycle soon (coalescing many asks into one cycle). */
@Injectable()
export class DispatchSignal {
  private listener: (() => void) | undefined;

  onKick(listener: () => void): void {
    this.listener = listener;
  }

  kick(): void {
    this.listener?.();
  }
}
