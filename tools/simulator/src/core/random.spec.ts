import { createRandom } from './random';
import { poissonArrivals, take } from './arrivals';

describe('seeded random', () => {
  it('repeats the same sequence for the same seed and differs for another', () => {
    const a = createRandom(42);
    const b = createRandom(42);
    const c = createRandom(43);
    const seqA = Array.from({ length: 20 }, () => a.next());
    expect(Array.from({ length: 20 }, () => b.next())).toEqual(seqA);
    expect(Array.from({ length: 20 }, () => c.next())).not.toEqual(seqA);
    expect(seqA.every((x) => x >= 0 && x < 1)).toBe(true);
  });

  it('forks independent streams that do not depend on what the parent drew', () => {
    const one = createRandom('seed');
    const two = createRandom('seed');
    two.next();
    two.next();
    expect(one.fork('queue:a').next()).toBe(two.fork('queue:a').next());
    expect(one.fork('queue:a').next()).not.toBe(one.fork('queue:b').next());
  });

  it('draws weighted keys in proportion and never a zero weight', () => {
    const random = createRandom(7);
    const counts = { a: 0, b: 0, c: 0 };
    for (let i = 0; i < 20_000; i += 1) counts[random.weighted({ a: 1, b: 3, c: 0 })] += 1;
    expect(counts.c).toBe(0);
    expect(counts.b / counts.a).toBeGreaterThan(2.7);
    expect(counts.b / counts.a).toBeLessThan(3.3);
    expect(() => random.weighted({ a: 0 })).toThrow(/positive weight/);
  });

  it('keeps integers within bounds', () => {
    const random = createRandom(3);
    const seen = new Set<number>();
    for (let i = 0; i < 2000; i += 1) seen.add(random.int(2, 5));
    expect([...seen].sort()).toEqual([2, 3, 4, 5]);
  });
});

describe('Poisson arrivals', () => {
  it('has the requested rate, exponential gaps (mean ≈ standard deviation) and increasing times', () => {
    const times = take(poissonArrivals(createRandom(11), 120), 20_000); // 2 per second
    const gaps = times.map((t, i) => t - (times[i - 1] ?? 0));
    expect(gaps.every((g) => g > 0)).toBe(true);
    const mean = gaps.reduce((a, b) => a + b, 0) / gaps.length;
    const sd = Math.sqrt(gaps.reduce((a, g) => a + (g - mean) ** 2, 0) / gaps.length);
    expect(mean).toBeCloseTo(0.5, 1);
    expect(sd / mean).toBeGreaterThan(0.95);
    expect(sd / mean).toBeLessThan(1.05);
    // Counts per 10 s window: Poisson with mean 20 has variance 20.
    const windows = new Map<number, number>();
    for (const t of times) windows.set(Math.floor(t / 10), (windows.get(Math.floor(t / 10)) ?? 0) + 1);
    const counts = [...windows.values()].slice(0, -1);
    const m = counts.reduce((a, b) => a + b, 0) / counts.length;
    const v = counts.reduce((a, c) => a + (c - m) ** 2, 0) / counts.length;
    expect(m).toBeCloseTo(20, 0);
    expect(v / m).toBeGreaterThan(0.8);
    expect(v / m).toBeLessThan(1.2);
  });

  it('stops at the end of the window and yields nothing for a zero rate', () => {
    const times = [...poissonArrivals(createRandom(1), 60, 100)];
    expect(times.length).toBeGreaterThan(60);
    expect(times.length).toBeLessThan(140);
    expect(Math.max(...times)).toBeLessThan(100);
    expect([...poissonArrivals(createRandom(1), 0, 100)]).toEqual([]);
  });
});
