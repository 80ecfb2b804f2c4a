import { GroupCommit } from './group-commit';

describe('GroupCommit', () => {
  it('writes what arrives in one turn together, and what arrives meanwhile in the next write, in arrival order', async () => {
    const batches: number[][] = [];
    let release: () => void = () => undefined;
    const commit = new GroupCommit<number>(
      async (items) => {
        batches.push(items);
        if (batches.length === 1) await new Promise<void>((resolve) => (release = resolve));
      },
      3,
      1,
    );
    const first = [1, 2].map((n) => commit.add(n));
    await new Promise((resolve) => setImmediate(resolve));
    const later = [3, 4, 5, 6].map((n) => commit.add(n));
    release();
    await Promise.all([...first, ...later]);
    expect(batches).toEqual([[1, 2], [3, 4, 5], [6]]);
  });

  it('fails every item of a failed batch and keeps going with the next', async () => {
    let calls = 0;
    const commit = new GroupCommit<string>(
      async () => {
        calls++;
        if (calls === 1) throw new Error('boom');
      },
      10,
      1,
    );
    await expect(commit.add('a')).rejects.toThrow('boom');
    await expect(commit.add('b')).resolves.toBeUndefined();
  });
});
