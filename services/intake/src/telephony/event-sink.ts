import type { Logger } from '@nestjs/common';
import type { AnyCloudEvent } from '@switchboard/contracts';
import { errorMessage, isRetryable } from '@switchboard/platform';

export interface EventSinkOptions {
  /** Ingests one ordered batch (rejects when it could not be stored). */
  ingest(events: AnyCloudEvent[]): Promise<unknown>;
  /** Events taken per ingestion call. */
  batchSize: number;
  /** Above this many queued events the source is paused; below half of it resumed. */
  highWater: number;
  retry: { baseMs: number; maxMs: number };
  onPressure(paused: boolean): void;
  logger: Pick<Logger, 'warn' | 'error'>;
}

/**
 * Hands the events a socket client maps to the ingestion path in arrival order, in batches, retrying a
 * failed batch with backoff (event ids are deterministic, so a retry is never a duplicate). When the queue
 * grows past its high-water mark the socket is paused rather than events dropped.
 */
export class EventSink {
  private queue: AnyCloudEvent[] = [];
  private draining: Promise<void> | undefined;
  private paused = false;
  private closed = false;

  constructor(private readonly options: EventSinkOptions) {}

  get size(): number {
    return this.queue.length;
  }

  push(events: AnyCloudEvent[]): void {
    if (events.length === 0 || this.closed) return;
    this.queue.push(...events);
    if (!this.paused && this.queue.length >= this.options.highWater) {
      this.paused = true;
      this.options.onPressure(true);
    }
    this.draining ??= this.drain().finally(() => (this.draining = undefined));
  }

  /** Resolves once the queue is empty (or after `timeoutMs`); then accepts nothing more. */
  async close(timeoutMs: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.draining ?? Promise.resolve(), new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)))]);
    clearTimeout(timer);
    this.closed = true;
    if (this.queue.length > 0) this.options.logger.warn(`${this.queue.length} mapped event(s) not ingested before shutdown`);
  }

  private async drain(): Promise<void> {
    let failures = 0;
    while (this.queue.length > 0 && !this.closed) {
      const batch = this.queue.slice(0, this.options.batchSize);
      try {
        await this.options.ingest(batch);
        failures = 0;
      } catch (error) {
        if (!isRetryable(error)) {
          this.options.logger.error(`dropping ${batch.length} event(s) that can never be ingested: ${describe(error)}`);
        } else {
          failures++;
          const delay = Math.min(this.options.retry.maxMs, this.options.retry.baseMs * 2 ** Math.min(failures - 1, 20));
          this.options.logger.warn(`ingesting ${batch.length} event(s) failed, retrying in ${delay} ms: ${describe(error)}`);
          await new Promise((resolve) => setTimeout(resolve, delay));
          continue;
        }
      }
      this.queue.splice(0, batch.length);
      if (this.paused && this.queue.length < this.options.highWater / 2) {
        this.paused = false;
        this.options.onPressure(false);
      }
    }
  }
}

function describe(error: unknown): string {
  return errorMessage(error);
}
