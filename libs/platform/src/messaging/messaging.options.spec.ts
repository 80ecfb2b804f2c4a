import { backoffMs, resolveMessagingOptions } from './messaging.options';

describe('resolveMessagingOptions', () => {
  it('fills in the defaults', () => {
    const { consumers, streams } = resolveMessagingOptions();
    expect(consumers).toEqual({
      concurrency: 16,
      ackWaitMs: 30_000,
      maxDeliver: 8,
      maxAckPending: 64,
      backoff: { baseMs: 500, maxMs: 30_000 },
    });
    expect(streams.duplicateWindowMs).toBe(120_000);
    expect(streams.replicas).toBe(1);
  });

  it('derives max ack pending from the concurrency and keeps partial backoff overrides', () => {
    const { consumers } = resolveMessagingOptions({ consumers: { concurrency: 3, backoff: { baseMs: 10 } } });
    expect(consumers.maxAckPending).toBe(12);
    expect(consumers.backoff).toEqual({ baseMs: 10, maxMs: 30_000 });
  });

  it('refuses nonsense', () => {
    expect(() => resolveMessagingOptions({ consumers: { concurrency: 0 } })).toThrow(/concurrency/);
    expect(() => resolveMessagingOptions({ consumers: { maxDeliver: 1.5 } })).toThrow(/maxDeliver/);
  });
});

describe('backoffMs', () => {
  const backoff = { baseMs: 500, maxMs: 30_000 };

  it('grows exponentially with the delivery count, within [ceiling/2, ceiling]', () => {
    expect(backoffMs(1, backoff, () => 0)).toBe(250);
    expect(backoffMs(1, backoff, () => 1)).toBe(500);
    expect(backoffMs(2, backoff, () => 1)).toBe(1000);
    expect(backoffMs(4, backoff, () => 0.5)).toBe(3000);
  });

  it('is capped', () => {
    expect(backoffMs(10, backoff, () => 1)).toBe(30_000);
    expect(backoffMs(1000, backoff, () => 0)).toBe(15_000);
  });

  it('never returns less than 1 ms', () => {
    expect(backoffMs(1, { baseMs: 1, maxMs: 1 }, () => 0)).toBe(1);
  });

  it('spreads a burst of retries (jitter)', () => {
    const delays = new Set(Array.from({ length: 50 }, () => backoffMs(3, backoff)));
    expect(delays.size).toBeGreaterThan(10);
    for (const d of delays) {
      expect(d).toBeGreaterThanOrEqual(1000);
      expect(d).toBeLessThanOrEqual(2000);
    }
  });
});
