import { onAbort, SimClock, sleepMs } from './clock';

describe('onAbort', () => {
  it('calls every waiter once when the signal aborts, except those cancelled', () => {
    const controller = new AbortController();
    const calls: string[] = [];
    onAbort(controller.signal, () => calls.push('a'));
    const cancelB = onAbort(controller.signal, () => calls.push('b'));
    onAbort(controller.signal, () => calls.push('c'));
    cancelB();
    controller.abort();
    controller.abort();
    expect(calls).toEqual(['a', 'c']);
  });

  it('calls a waiter at once when the signal has already aborted', () => {
    const controller = new AbortController();
    controller.abort();
    const calls: string[] = [];
    onAbort(controller.signal, () => calls.push('late'));
    expect(calls).toEqual(['late']);
  });
});

describe('sleepMs', () => {
  it('resolves true after the time, and false at once when the signal aborts first', async () => {
    const controller = new AbortController();
    await expect(sleepMs(1, controller.signal)).resolves.toBe(true);
    const long = sleepMs(60_000, controller.signal);
    controller.abort();
    await expect(long).resolves.toBe(false);
    await expect(sleepMs(60_000, controller.signal)).resolves.toBe(false);
  });
});

describe('SimClock', () => {
  it('runs scenario time at its speed, from 0 again when restarted', async () => {
    const clock = new SimClock(1000);
    await sleepMs(20);
    // 20 real ms are 20 scenario seconds at speed 1000.
    expect(clock.elapsedSeconds()).toBeGreaterThanOrEqual(19);
    clock.restart();
    expect(clock.elapsedSeconds()).toBeLessThan(10);
    expect(clock.realMs(30)).toBe(30);
  });
});
