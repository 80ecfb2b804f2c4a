import { KeyedScheduler } from './keyed-scheduler';

function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('KeyedScheduler', () => {
  it('runs different keys in parallel', async () => {
    const scheduler = new KeyedScheduler(4);
    const g = gate();
    const started: string[] = [];
    for (const key of ['a', 'b', 'c']) {
      scheduler.run(key, async () => {
        started.push(key);
        await g.opened;
      });
    }
    await tick();
    expect(started).toEqual(['a', 'b', 'c']);
    g.open();
    await expect(scheduler.idle(1000)).resolves.toBe(true);
  });

  it('runs one key in admission order, one at a time', async () => {
    const scheduler = new KeyedScheduler(10);
    const log: string[] = [];
    for (let i = 0; i < 5; i += 1) {
      scheduler.run('k', async () => {
        log.push(`start ${i}`);
        await tick();
        log.push(`end ${i}`);
      });
    }
    await scheduler.idle(1000);
    expect(log).toEqual(Array.from({ length: 5 }, (_, i) => [`start ${i}`, `end ${i}`]).flat());
  });

  it('keeps the order of a key after a failing task', async () => {
    const scheduler = new KeyedScheduler(10);
    const log: number[] = [];
    scheduler.run('k', async () => {
      throw new Error('boom');
    });
    scheduler.run('k', async () => {
      log.push(2);
    });
    await scheduler.idle(1000);
    expect(log).toEqual([2]);
  });

  it('admits no more than the limit and frees a slot when a task ends', async () => {
    const scheduler = new KeyedScheduler(2);
    const first = gate();
    const second = gate();
    scheduler.run('a', () => first.opened);
    scheduler.run('b', () => second.opened);
    expect(scheduler.size).toBe(2);
    let admitted = false;
    const waiting = scheduler.slot().then(() => (admitted = true));
    await tick();
    expect(admitted).toBe(false);
    first.open();
    await waiting;
    expect(admitted).toBe(true);
    expect(scheduler.size).toBe(1);
    second.open();
    await expect(scheduler.idle(1000)).resolves.toBe(true);
  });

  it('reports when tasks do not finish within the grace period', async () => {
    const scheduler = new KeyedScheduler(1);
    const g = gate();
    scheduler.run('a', () => g.opened);
    await expect(scheduler.idle(20)).resolves.toBe(false);
    g.open();
    await expect(scheduler.idle(1000)).resolves.toBe(true);
  });
});
