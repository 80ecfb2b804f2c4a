import { Injectable } from '@nestjs/common';

/**
 * The service's notion of "now". Everything time-dependent (quiet hours, due deliveries, backoff)
 * asks the clock, so it can be set or advanced without waiting for wall time.
 */
@Injectable()
export class Clock {
  private offsetMs = 0;
  private frozen: number | undefined;

  now(): Date {
    return new Date(this.frozen ?? Date.now() + this.offsetMs);
  }

  /** Stops the clock at `at`. */
  set(at: Date): void {
    this.frozen = at.getTime();
  }

  /** Moves the clock forward (frozen or running). */
  advance(ms: number): void {
    if (this.frozen !== undefined) this.frozen += ms;
    else this.offsetMs += ms;
  }

  /** Back to wall time. */
  reset(): void {
    this.frozen = undefined;
    this.offsetMs = 0;
  }
}
