import { CoalescingRunner } from './coalescing-runner';

describe('CoalescingRunner', () => {
  it('runs one round at a time and coalesces kicks during a round into one more round', async () => {
    let rounds = 0;
    let concurrent = 0;
    let maxConcurrent = 0;
    let release: (() => void) | undefined;
    const runner = new CoalescingRunner(async () => {
      rounds += 1;
      concurrent += 1;
      maxConcurrent = Math.max(maxConcurrent, concurrent);
      if (rounds === 1) await new Promise<void>((resolve) => (release = resolve));
      concurrent -= 1;
    }, () => undefined);
    runner.kick();
    runner.kick();
    runner.kick();
    release?.();
    await new Promise((resolve) => setImmediate(resolve));
    await runner.stop();
    expect(rounds).toBe(2);
    expect(maxConcurrent).toBe(1);
  });

  it('reports failures and keeps working; stops kicking after stop()', async () => {
    const errors: unknown[] = [];
    let rounds = 0;
    const runner = new CoalescingRunner(async () => {
      rounds += 1;
      if (rounds === 1) throw new Error('boom');
    }, (e) => errors.push(e));
    runner.kick();
    await new Promise((resolve) => setImmediate(resolve));
    runner.kick();
    await runner.stop();
    runner.kick();
    expect(errors).toHaveLength(1);
    expect(rounds).toBe(2);
    expect(runner.isStopped).toBe(true);
  });
});
