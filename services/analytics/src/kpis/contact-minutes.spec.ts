import { contributions, MinuteDeltas, minuteOf, type ContactState } from './contact-minutes';

const at = (seconds: number): Date => new Date(Date.UTC(2026, 0, 1, 9, 0, 0) + seconds * 1000);
const contact = (over: Partial<ContactState>): ContactState => ({
  queueId: 'q', customerId: 'cust', createdAt: null, answeredAt: null, endedAt: null, endReason: null, wrapUpSeconds: null, repeated: false, ...over,
});

describe('per-minute contact counts', () => {
  it('counts a handled contact in the minutes of its arrival, answer and end', () => {
    const handled = contact({ createdAt: at(50), answeredAt: at(75), endedAt: at(190), endReason: 'completed', wrapUpSeconds: 20 });
    expect(contributions(handled, 20)).toEqual([
      { minute: minuteOf(at(0)), sums: { offered: 1 } },
      { minute: minuteOf(at(60)), sums: { answered: 1, answeredWithin: 0, waitCount: 1, waitSum: 25 }, waitMax: 25 },
      { minute: minuteOf(at(180)), sums: { handled: 1, handleSum: 135, fcrBase: 1, fcrResolved: 1 } },
    ]);
    expect(contributions({ ...handled, repeated: true, customerId: 'c' }, 30)[1]?.sums.answeredWithin).toBe(1);
    expect(contributions({ ...handled, repeated: true }, 20)[2]?.sums).toMatchObject({ fcrBase: 1, fcrResolved: 0 });
  });

  it('counts an abandoned contact with its wait, and one answered before its arrival was seen without a wait', () => {
    expect(contributions(contact({ createdAt: at(0), endedAt: at(30), endReason: 'abandoned' }), 20)).toEqual([
      { minute: minuteOf(at(0)), sums: { offered: 1 } },
      { minute: minuteOf(at(0)), sums: { abandoned: 1 }, abandonedWaitMax: 30 },
    ]);
    expect(contributions(contact({ queueId: null, answeredAt: at(10) }), 20)).toEqual([{ minute: minuteOf(at(0)), sums: { answered: 1 } }]);
  });

  it('turns a change of a contact into the difference of its counts, and lists minutes that lose a longest wait', () => {
    const deltas = new MinuteDeltas();
    const abandoned = contact({ createdAt: at(0), endedAt: at(30), endReason: 'abandoned' });
    deltas.change('t', undefined, abandoned, 20, 20);
    deltas.change('t', abandoned, { ...abandoned, answeredAt: at(20) }, 20, 20);
    const [row] = deltas.changes();
    expect(row).toMatchObject({ tenant: 't', queueId: 'q', offered: 1, answered: 1, answeredWithin: 1, abandoned: 0, handled: 1, handleSum: 10, waitMax: 20 });
    expect(deltas.recounts()).toEqual([{ tenant: 't', queueId: 'q', minute: new Date(minuteOf(at(0))) }]);
  });

  it('moves the counts of a contact whose queue becomes known, and leaves nothing for an unchanged one', () => {
    const deltas = new MinuteDeltas();
    const early = contact({ queueId: null, customerId: null, answeredAt: at(70) });
    deltas.change('t', early, { ...early, queueId: 'q', customerId: 'c', createdAt: at(65) }, 20, 20);
    const unchanged = contact({ createdAt: at(200) });
    deltas.change('t', unchanged, unchanged, 20, 20);
    expect(deltas.changes().map((row) => [row.queueId, row.offered, row.answered, row.waitCount])).toEqual([
      ['', 0, -1, 0],
      ['q', 1, 1, 1],
    ]);
  });
});
