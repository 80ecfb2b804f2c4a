export interface PollOptions {
  /** Give up after this long (default 10 s). */
  timeoutMs?: number;
  /** Time between attempts (default 25 ms). */
  intervalMs?: number;
  /** Included in the failure message. */
  description?: string;
}

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Retries `assertion` until it stops throwing, then returns its result; after the timeout rethrows the
 * last failure. For outcomes that arrive asynchronously (events consumed, rows written).
 */
export async function expectEventually<T>(assertion: () => T | Promise<T>, options: PollOptions = {}): Promise<T> {
  const { timeoutMs = 10_000, intervalMs = 25 } = options;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      return await assertion();
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) break;
    await pause(intervalMs);
  }
  if (lastError instanceof Error && options.description) {
    lastError.message = `${options.description} (not true within ${timeoutMs} ms): ${lastError.message}`;
  }
  throw lastError;
}

/** Polls `probe` until `done(value)` holds and returns that value; fails after the timeout. */
export async function pollUntil<T>(
  probe: () => T | Promise<T>,
  done: (value: T) => boolean = Boolean,
  options: PollOptions = {},
): Promise<T> {
  const { timeoutMs = 10_000, intervalMs = 25, description = 'condition' } = options;
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  for (;;) {
    last = await probe();
    if (done(last)) return last;
    if (Date.now() >= deadline) break;
    await pause(intervalMs);
  }
  throw new Error(`${description} not reached within ${timeoutMs} ms; last value: ${safeJson(last)}`);
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value)?.slice(0, 500) ?? String(value);
  } catch {
    return String(value);
  }
}
