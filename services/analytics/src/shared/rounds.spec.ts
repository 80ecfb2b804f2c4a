import { rounds } from './rounds';

describe('rounds', () => {
  it('puts each key once per round, in order', () => {
    const items = ['a1', 'b1', 'a2', 'c1', 'a3', 'b2'];
    expect(rounds(items, (item) => item[0] as string)).toEqual([['a1', 'b1', 'c1'], ['a2', 'b2'], ['a3']]);
  });

  it('gives no round for no item', () => {
    expect(rounds([], String)).toEqual([]);
  });
});
