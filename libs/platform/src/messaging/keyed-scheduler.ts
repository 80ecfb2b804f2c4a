/**
 * Bounded concurrency with per-key ordering. At most `limit` tasks are admitted at once (running, or
 * waiting behind an earlier task of the same key); tasks of one key run one after another in
 * admission order, tasks of different keys in parallel.
 */
export class KeyedScheduler {
  private readonly tails = new Map<string, Promise<void>>();
  private readonly inFlight = new Set<Promise<void>>();
  private readonly waiters: (() => void)[] = [];

  constructor(readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new Error(`limit must be a positive integer, got ${limit}`);
  }

  /** Tasks admitted and not yet finished. */
  get size(): number {
    return this.inFlight.size;
  }

  /** Resolves once a task can be admitted without exceeding the limit. */
  async slot(): Promise<void> {
    while (this.inFlight.size >= this.limit) {
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  /** Admits `task`, which runs after the earlier tasks of `key`. Its failures are the task's own business. */
  run(key: string, task: () => Promise<void>): void {
    const previous = this.tails.get(key);
    const current = (previous ? previous.then(task) : task()).catch(() => undefined);
    this.tails.set(key, current);
    const tracked = current.finally(() => {
      if (this.tails.get(key) === current) this.tails.delete(key);
      this.inFlight.delete(tracked);
      this.waiters.shift()?.();
    });
    this.inFlight.add(tracked);
  }

  /** Resolves true once every admitted task has finished, or false after `timeoutMs`. */
  async idle(timeoutMs: number): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
    });
    const drained = (async () => {
      while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
      return true as const;
    })();
    try {
      return await Promise.race([drained, timedOut]);
    } finally {
      clearTimeout(timer);
    }
  }
}

/** At most `limit` tasks running at once; the others wait in arrival order. */
export class Semaphore {
  private running = 0;
  private readonly waiters: (() => void)[] = [];

  constructor(readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new Error(`limit must be a positive integer, got ${limit}`);
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.running >= this.limit) await new Promise<void>((resolve) => this.waiters.push(resolve));
    else this.running += 1;
    try {
      return await task();
    } finally {
      const next = this.waiters.shift();
      // The slot passes straight to the next waiter, so that a newcomer cannot take it in between.
      if (next) next();
      else this.running -= 1;
    }
  }
}
