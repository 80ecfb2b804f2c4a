import { isTimeZone, msOutsideShift } from './shift';

const MIN = 60_000;
const span = (from: string, to: string) => [new Date(from), new Date(to)] as const;

describe('shift', () => {
  it('counts the part of a span outside a day shift, in the shift’s time zone (Berlin is UTC+1 in winter)', () => {
    const shift = { start: '09:00', end: '17:00', timeZone: 'Europe/Berlin' };
    expect(msOutsideShift(shift, ...span('2026-11-30T08:00:00Z', '2026-11-30T15:00:00Z'))).toBe(0);
    expect(msOutsideShift(shift, ...span('2026-11-30T07:30:00Z', '2026-11-30T09:00:00Z'))).toBe(30 * MIN);
    expect(msOutsideShift(shift, ...span('2026-11-30T15:30:00Z', '2026-11-30T17:00:00Z'))).toBe(60 * MIN);
  });

  it('follows daylight saving time (Berlin is UTC+2 in summer)', () => {
    const shift = { start: '09:00', end: '17:00', timeZone: 'Europe/Berlin' };
    expect(msOutsideShift(shift, ...span('2026-07-01T06:00:00Z', '2026-07-01T08:00:00Z'))).toBe(60 * MIN);
  });

  it('handles a night shift across midnight', () => {
    const shift = { start: '22:00', end: '06:00', timeZone: 'UTC' };
    expect(msOutsideShift(shift, ...span('2026-11-30T21:00:00Z', '2026-12-01T07:00:00Z'))).toBe(120 * MIN);
    expect(msOutsideShift(shift, ...span('2026-12-01T01:00:00Z', '2026-12-01T05:00:00Z'))).toBe(0);
  });

  it('knows IANA time zones', () => {
    expect(isTimeZone('America/New_York')).toBe(true);
    expect(isTimeZone('Mars/Olympus')).toBe(false);
  });
});
