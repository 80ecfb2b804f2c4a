/**
 * Scenario time. Scenario durations (gaps between arrivals, pauses between utterances, talk and break
 * times) are divided by `speed` in real time: at speed 10 a 60 s scripted call takes 6 s. Service-side
 * timers (offer timeouts, wrap-up) are the services' own and run in real time.
 */
export class SimClock {
  private startedAt = performance.now();

  constructor(readonly speed = 1) {
    if (!(speed > 0)) throw new Error('speed must be greater than 0');
  }

  /**
   * Scenario time starts again from 0 now: the simulator restarts its clock when the traffic starts, so that the
   * time its agents took to sign in is not made up for by a burst of the arrivals planned meanwhile.
   */
  restart(): void {
    this.startedAt = performance.now();
  }

  /** Scenario seconds elapsed since the clock was made or last restarted. */
  elapsedSeconds(): number {
    return ((performance.now() - this.startedAt) / 1000) * this.speed;
  }

  /** Real milliseconds for a span of scenario seconds. */
  realMs(scenarioSeconds: number): number {
    return Math.max(0, (scenarioSeconds * 1000) / this.speed);
  }

  /** Waits a span of scenario seconds; resolves early (false) when `signal` aborts. */
  sleep(scenarioSeconds: number, signal?: AbortSignal): Promise<boolean> {
    return sleepMs(this.realMs(scenarioSeconds), signal);
  }

  /** Waits until the scenario clock reaches `atSeconds`; false when aborted first. */
  until(atSeconds: number, signal?: AbortSignal): Promise<boolean> {
    return this.sleep(Math.max(0, atSeconds - this.elapsedSeconds()), signal);
  }
}

/** Per signal, the callbacks waiting for its abort: one listener on the signal serves them all. */
const abortWaiters = new WeakMap<AbortSignal, Set<() => void>>();

/**
 * Calls `callback` once when `signal` aborts (at once when it already has); returns the function that cancels it.
 * Thousands of contacts wait on the simulation's one signal at once, and `EventTarget` walks its listeners on every add
 * (to skip duplicates), so the waiters are kept in a set behind a single listener instead: adding and removing one
 * costs the same with 10 or 10,000.
 */
export function onAbort(signal: AbortSignal, callback: () => void): () => void {
  if (signal.aborted) {
    callback();
    return () => undefined;
  }
  let waiters = abortWaiters.get(signal);
  if (!waiters) {
    const all = new Set<() => void>();
    abortWaiters.set(signal, all);
    signal.addEventListener('abort', () => all.forEach((waiter) => waiter()), { once: true });
    waiters = all;
  }
  const own = waiters;
  own.add(callback);
  return () => own.delete(callback);
}

/** Waits `ms` real milliseconds; resolves false at once when `signal` is (or becomes) aborted. */
export function sleepMs(ms: number, signal?: AbortSignal): Promise<boolean> {
  if (signal?.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const cancel = signal
      ? onAbort(signal, () => {
          clearTimeout(timer);
          resolve(false);
        })
      : undefined;
    const timer = setTimeout(() => {
      cancel?.();
      resolve(true);
    }, ms);
  });
}
