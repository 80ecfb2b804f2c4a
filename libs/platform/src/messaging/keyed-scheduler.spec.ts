import { KeyedScheduler, Semaphore } from './keyed-scheduler';

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

describe('Semaphore', () => {
  it('runs at most its limit at once, the rest in arrival order, and passes on failures', async () => {
    const semaphore = new Semaphore(2);
    const gates = [gate(), gate(), gate(), gate()];
    let running = 0;
    let peak = 0;
    const order: number[] = [];
    const runs = gates.map((g, i) =>
      semaphore.run(async () => {
        running += 1;
        peak = Math.max(peak, running);
        order.push(i);
        await g.opened;
        running -= 1;
        if (i === 0) throw new Error('boom');
        return i;
      }),
    );
    await tick();
    expect(order).toEqual([0, 1]);
    gates[0]?.open();
    await expect(runs[0]).rejects.toThrow('boom');
    await tick();
    expect(order).toEqual([0, 1, 2]);
    for (const g of gates) g.open();
    await expect(Promise.all(runs.slice(1))).resolves.toEqual([1, 2, 3]);
    expect(order).toEqual([0, 1, 2, 3]);
    expect(peak).toBe(2);
  });
});
