import { AgentSecondsDeltas } from './agent-seconds';

const at = (seconds: number): Date => new Date(Date.UTC(2026, 0, 1, 9, 58, 0) + seconds * 1000);

describe("agents' time buckets", () => {
  it('splits a span over the minutes and hours it overlaps', () => {
    const deltas = new AgentSecondsDeltas();
    deltas.add('t', 'a1', 'busy', at(30), at(150), 1); // 09:58:30 – 10:00:30
    expect(deltas.rows('minute').map((row) => [row.bucket.toISOString(), row.seconds])).toEqual([
      ['2026-01-01T09:58:00.000Z', 30],
      ['2026-01-01T09:59:00.000Z', 60],
      ['2026-01-01T10:00:00.000Z', 30],
    ]);
    expect(deltas.rows('hour').map((row) => [row.bucket.toISOString(), row.seconds])).toEqual([
      ['2026-01-01T09:00:00.000Z', 90],
      ['2026-01-01T10:00:00.000Z', 30],
    ]);
  });

  it('takes away the part of a span a late change cuts off, and leaves out what nets to nothing', () => {
    const deltas = new AgentSecondsDeltas();
    deltas.add('t', 'a1', 'available', at(0), at(100), 1);
    deltas.add('t', 'a1', 'available', at(40), at(100), -1);
    deltas.add('t', 'a1', 'wrap_up', at(40), at(100), 1);
    deltas.add('t', 'a1', 'busy', at(10), at(10), 1); // empty
    expect(deltas.rows('minute').map((row) => [row.state, row.bucket.toISOString(), row.seconds])).toEqual([
      ['available', '2026-01-01T09:58:00.000Z', 40],
      ['wrap_up', '2026-01-01T09:58:00.000Z', 20],
      ['wrap_up', '2026-01-01T09:59:00.000Z', 40],
    ]);
  });
});
