import { GroupCommit } from './group-commit';

describe('GroupCommit', () => {
  it('writes what arrives in one turn together, and what arrives meanwhile in the next write, in arrival order', async () => {
    const batches: number[][] = [];
    let release: () => void = () => undefined;
    const commit = new GroupCommit<number>(
      async (items) => {
        batches.push([...items]);
        if (batches.length === 1) await new Promise<void>((resolve) => (release = resolve));
      },
      { maxBatch: 3 },
    );
    const first = [1, 2].map((n) => commit.submit(n));
    await new Promise((resolve) => setImmediate(resolve));
    const later = [3, 4, 5, 6].map((n) => commit.submit(n));
    release();
    await Promise.all([...first, ...later]);
    expect(batches).toEqual([[1, 2], [3, 4, 5], [6]]);
  });

  it('without splitting, fails every item of a failed batch and keeps going with the next', async () => {
    let calls = 0;
    const commit = new GroupCommit<string>(
      async () => {
        calls++;
        if (calls === 1) throw new Error('boom');
      },
      { maxBatch: 10, splitFailedBatches: false },
    );
    await expect(commit.submit('a')).rejects.toThrow('boom');
    await expect(commit.submit('b')).resolves.toBeUndefined();
  });

  it('writes the items submitted meanwhile together, one flush at a time, each caller getting its own result', async () => {
    const flushes: number[][] = [];
    let running = 0;
    let overlapped = false;
    const group = new GroupCommit<number, string>(async (items) => {
      overlapped ||= running > 0;
      running += 1;
      flushes.push([...items]);
      await new Promise((resolve) => setTimeout(resolve, 5));
      running -= 1;
      return items.map((n) => `#${n}`);
    }, { maxBatch: 3 });
    const first = group.submit(1);
    const rest = [2, 3, 4, 5].map((n) => group.submit(n));
    await expect(Promise.all([first, ...rest])).resolves.toEqual(['#1', '#2', '#3', '#4', '#5']);
    expect(flushes).toEqual([
      [1, 2, 3],
      [4, 5],
    ]);
    expect(overlapped).toBe(false);
    expect(group.pending).toBe(0);
  });

  it('splits a failed batch so that only the bad item fails', async () => {
    const failed: number[] = [];
    const group = new GroupCommit<number, number>(async (items) => {
      if (items.includes(13)) throw new Error('unlucky');
      return items.map((n) => n * 2);
    }, { maxBatch: 10, onBatchFailed: (size) => failed.push(size) });
    const results = await Promise.allSettled([1, 13, 3].map((n) => group.submit(n)));
    expect(results).toEqual([
      { status: 'fulfilled', value: 2 },
      { status: 'rejected', reason: new Error('unlucky') },
      { status: 'fulfilled', value: 6 },
    ]);
    expect(failed).toEqual([3]);
    // Later submissions still go through.
    await expect(group.submit(4)).resolves.toBe(8);
  });
});

describe('GroupCommit with parallel flushes', () => {
  it('runs at most `parallel` flushes at once and still answers every caller', async () => {
    let running = 0;
    let most = 0;
    const group = new GroupCommit<number, number>(
      async (items) => {
        running += 1;
        most = Math.max(most, running);
        await new Promise((resolve) => setTimeout(resolve, 5));
        running -= 1;
        return items.map((n) => n + 1);
      },
      { maxBatch: 2, parallel: 2 },
    );
    const results = await Promise.all(Array.from({ length: 9 }, (_, n) => group.submit(n)));
    expect(results).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(most).toBe(2);
  });

  it('with a linger, waits that long for more items, but sends a full batch at once', async () => {
    const batches: number[][] = [];
    const commit = new GroupCommit<number>(async (items) => void batches.push([...items]), { maxBatch: 3, lingerMs: 40 });
    const first = commit.submit(1);
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(batches).toEqual([]);
    const second = commit.submit(2);
    await Promise.all([first, second]);
    expect(batches).toEqual([[1, 2]]);

    const patient = new GroupCommit<number>(async (items) => void batches.push([...items]), { maxBatch: 2, lingerMs: 60_000 });
    await Promise.all([patient.submit(3), patient.submit(4)]);
    expect(batches).toEqual([[1, 2], [3, 4]]);
    expect(() => new GroupCommit<number>(async () => undefined, { maxBatch: 1, lingerMs: -1 })).toThrow('lingerMs');
  });
});
