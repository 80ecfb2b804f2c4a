import { capacityViolations, clean, formatTable, type HeldCapacity } from './checks';

const at = (s: number) => new Date(Date.UTC(2026, 10, 30, 10, 0, s));
const hold = (agentId: string, channel: 'voice' | 'chat', start: number, stop: number | null): HeldCapacity => ({
  agentId,
  channel,
  start: at(start),
  stop: stop === null ? null : at(stop),
});
const capacity = { voice: 1, chat: 2 };

describe('capacity replay', () => {
  it('accepts back-to-back work and work up to the capacity', () => {
    expect(capacityViolations([hold('a', 'voice', 0, 5), hold('a', 'voice', 5, 9), hold('b', 'chat', 0, 9), hold('b', 'chat', 1, 3)], capacity)).toEqual([]);
  });

  it('names an agent holding two calls at once, or more chats than it may', () => {
    expect(capacityViolations([hold('a', 'voice', 0, 5), hold('a', 'voice', 4, 9)], capacity)).toEqual(['a at 2026-11-30T10:00:04.000Z: voice 2, chat 0']);
    expect(capacityViolations([hold('b', 'chat', 0, null), hold('b', 'chat', 1, null), hold('b', 'chat', 2, 3)], capacity)).toHaveLength(1);
  });

  it('names a call taken together with a chat', () => {
    expect(capacityViolations([hold('a', 'chat', 0, 5), hold('a', 'voice', 2, 3)], capacity)).toHaveLength(1);
  });

  it('keeps work that was never released as held', () => {
    expect(capacityViolations([hold('a', 'voice', 0, null), hold('a', 'voice', 100, 101)], capacity)).toHaveLength(1);
  });
});

describe('result table', () => {
  it('is clean only when nothing was lost or duplicated', () => {
    const row = { check: 'x', sent: 3, accepted: 3, processed: 3, lost: 0, duplicated: 0 };
    expect(clean([row])).toBe(true);
    expect(clean([row, { ...row, lost: 1 }])).toBe(false);
    expect(clean([{ ...row, duplicated: 1 }])).toBe(false);
    expect(formatTable([row])).toContain('| x | 3 | 3 | 3 | 0 | 0 |  |');
  });
});
