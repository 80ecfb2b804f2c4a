import type { Random } from './random';

/**
 * Arrival times of a homogeneous Poisson process: exponential gaps with mean 60 / ratePerMinute seconds,
 * from `startSeconds` (exclusive) up to `endSeconds` (exclusive), in scenario seconds.
 */
export function* poissonArrivals(random: Random, ratePerMinute: number, endSeconds = Number.POSITIVE_INFINITY, startSeconds = 0): Generator<number> {
  if (!(ratePerMinute > 0)) return;
  const meanGap = 60 / ratePerMinute;
  let t = startSeconds;
  for (;;) {
    t += random.exponential(meanGap);
    if (t >= endSeconds) return;
    yield t;
  }
}

/** Takes the first `limit` values of a (possibly infinite) generator. */
export function take<T>(source: Iterable<T>, limit: number): T[] {
  const out: T[] = [];
  if (limit <= 0) return out;
  for (const value of source) {
    out.push(value);
    if (out.length >= limit) break;
  }
  return out;
}
