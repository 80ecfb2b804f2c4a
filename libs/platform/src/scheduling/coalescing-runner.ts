/**
 * Runs one piece of background work (a relay, a sweep, a decision cycle) at most once at a time: a
 * `kick()` while it runs schedules exactly one more round afterwards, and a periodic tick catches
 * anything a missed kick left behind. `stop()` waits for the round in progress.
 */
export class CoalescingRunner {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = false;

  constructor(
    private readonly work: () => Promise<void>,
    private readonly onError: (error: unknown) => void,
  ) {}

  /** True once `stop()` was called; long rounds should check it between steps. */
  get isStopped(): boolean {
    return this.stopped;
  }

  /** Starts the periodic tick (and a first round now when `runNow`). */
  start(intervalMs: number, runNow = false): void {
    if (this.stopped || this.timer) return;
    this.timer = setInterval(() => this.kick(), intervalMs);
    this.timer.unref();
    if (runNow) this.kick();
  }

  /** Asks for a round now; coalesced with the one in progress. */
  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.work()
      .catch((error: unknown) => this.onError(error))
      .finally(() => {
        this.running = undefined;
        if (this.again) {
          this.again = false;
          this.kick();
        }
      });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }
}
