import { applyContact, applyStateChange, computeWellbeing, emptyDay, type ContactOutcome } from './wellbeing-model';

const t0 = new Date('2026-11-22T08:00:00Z');
const at = (minutes: number): Date => new Date(t0.getTime() + minutes * 60_000);
const calm: ContactOutcome = { abusiveCount: 0, endSentiment: 0.4, meanSentiment: 0.3, smallTalkShare: 0, utterances: 6 };
const factor = (result: ReturnType<typeof computeWellbeing>, name: string) => result.factors.find((f) => f.factor === name)?.contribution;

describe('wellbeing model', () => {
  it('a fresh, calm agent is ok with no factors', () => {
    const day = applyStateChange(undefined, 'available', t0);
    expect(computeWellbeing(day, at(10))).toEqual({ score: 0, level: 'ok', factors: [] });
  });

  it('occupancy above 75 % adds (occupancy − 0.75) × 100 points, capped at 25', () => {
    let day = applyStateChange(undefined, 'available', t0);
    day = applyStateChange(day, 'busy', at(6)); // 6 min available, then 54 min busy → 90 %
    expect(factor(computeWellbeing(day, at(60)), 'occupancy')).toBe(15);
    day = applyStateChange(applyStateChange(undefined, 'available', t0), 'busy', at(0));
    expect(factor(computeWellbeing(day, at(60)), 'occupancy')).toBe(25);
  });

  it('abusive customers today add 8 each (cap 24) and two or more in a row add 10 each (cap 20)', () => {
    let day = applyStateChange(undefined, 'busy', t0);
    day = applyContact(day, { ...calm, abusiveCount: 2 }, at(5));
    expect(factor(computeWellbeing(day, at(6)), 'abusive_contacts')).toBe(8);
    expect(factor(computeWellbeing(day, at(6)), 'abusive_streak')).toBeUndefined();
    day = applyContact(day, { ...calm, abusiveCount: 1 }, at(10));
    expect(factor(computeWellbeing(day, at(11)), 'abusive_streak')).toBe(20);
    day = applyContact(day, calm, at(15));
    const result = computeWellbeing(day, at(16));
    expect(factor(result, 'abusive_contacts')).toBe(16);
    expect(factor(result, 'abusive_streak')).toBeUndefined();
  });

  it('negative customers add 3 each (cap 15) and a run of three or more adds 5 per contact beyond two', () => {
    let day = applyStateChange(undefined, 'busy', t0);
    for (let i = 0; i < 4; i++) day = applyContact(day, { ...calm, endSentiment: -0.5 }, at(i));
    const result = computeWellbeing(day, at(5));
    expect(factor(result, 'negative_contacts')).toBe(12);
    expect(factor(result, 'negative_streak')).toBe(10);
  });

  it('time since the last break adds 10 points per hour beyond 1.5 h (cap 20), and resets after a break', () => {
    let day = applyStateChange(undefined, 'available', t0);
    expect(factor(computeWellbeing(day, at(150)), 'time_since_break')).toBe(10);
    day = applyStateChange(day, 'break', at(150));
    day = applyStateChange(day, 'available', at(165));
    expect(factor(computeWellbeing(day, at(170)), 'time_since_break')).toBeUndefined();
  });

  it('hours on duty add 5 points per hour beyond 6 h, capped at 15', () => {
    let day = applyStateChange(undefined, 'available', t0);
    day = applyStateChange(day, 'break', at(7 * 60));
    expect(factor(computeWellbeing(day, at(8 * 60)), 'hours_worked')).toBe(10);
  });

  it('long small-talk contacts (≥ 10 utterances, ≥ half small talk) add 2 each, capped at 6', () => {
    let day = applyStateChange(undefined, 'busy', t0);
    day = applyContact(day, { ...calm, utterances: 12, smallTalkShare: 0.6 }, at(1));
    day = applyContact(day, { ...calm, utterances: 4, smallTalkShare: 1 }, at(2));
    expect(factor(computeWellbeing(day, at(3)), 'long_small_talk')).toBe(2);
  });

  it('levels: < 25 ok, < 50 elevated, < 75 high, otherwise critical; a new day starts from zero', () => {
    let day = applyStateChange(undefined, 'busy', t0);
    for (let i = 0; i < 3; i++) day = applyContact(day, { ...calm, abusiveCount: 1, endSentiment: -0.8 }, at(i));
    const result = computeWellbeing(day, at(5));
    expect(result.score).toBe(24 + 20 + 9 + 5);
    expect(result.level).toBe('high');
    const tomorrow = applyStateChange(day, 'available', new Date('2026-11-23T08:00:00Z'));
    expect(computeWellbeing(tomorrow, new Date('2026-11-23T08:05:00Z')).level).toBe('ok');
    expect(emptyDay('2026-11-23', t0).abusiveContacts).toBe(0);
  });
});

describe('wellbeing model: work outside the shift', () => {
  const shift = { start: '09:00', end: '17:00', timeZone: 'UTC' };

  it('adds 10 points per hour logged in outside the shift beyond 15 min (cap 20), counting the current span too', () => {
    let day = applyStateChange(undefined, 'available', new Date('2026-11-22T07:00:00Z'), shift); // two hours early
    day = applyStateChange(day, 'busy', new Date('2026-11-22T08:00:00Z'), shift);
    expect(day.msOffShift).toBe(3_600_000);
    const early = computeWellbeing(day, new Date('2026-11-22T08:30:00Z'), shift);
    expect(early.factors.find((f) => f.factor === 'off_shift')).toMatchObject({ contribution: 12.5 });
    expect(factor(computeWellbeing(day, new Date('2026-11-22T12:00:00Z'), shift), 'off_shift')).toBe(17.5);
  });

  it('does not count breaks or time logged out, nor anything without a shift', () => {
    let day = applyStateChange(undefined, 'break', new Date('2026-11-22T07:00:00Z'), shift);
    day = applyStateChange(day, 'available', new Date('2026-11-22T09:00:00Z'), shift);
    expect(factor(computeWellbeing(day, new Date('2026-11-22T10:00:00Z'), shift), 'off_shift')).toBeUndefined();
    const noShift = applyStateChange(undefined, 'busy', new Date('2026-11-22T05:00:00Z'));
    expect(factor(computeWellbeing(noShift, new Date('2026-11-22T08:00:00Z')), 'off_shift')).toBeUndefined();
  });
});
