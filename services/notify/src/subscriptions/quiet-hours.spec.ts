import { localMinuteOfDay, releaseTime } from './quiet-hours';

describe('quiet hours', () => {
  const night = { start: '22:00', end: '07:00', timeZone: 'Europe/Paris' };

  it('reads local time in the given zone, daylight saving included', () => {
    expect(localMinuteOfDay(new Date('2026-01-15T22:30:00Z'), 'Europe/Paris')).toBe(23 * 60 + 30);
    expect(localMinuteOfDay(new Date('2026-07-15T22:30:00Z'), 'Europe/Paris')).toBe(30);
    expect(localMinuteOfDay(new Date('2026-01-15T22:30:00Z'), 'America/New_York')).toBe(17 * 60 + 30);
  });

  it('releases at the local end of a window that wraps past midnight', () => {
    expect(releaseTime(new Date('2026-01-15T22:30:00Z'), night).toISOString()).toBe('2026-01-16T06:00:00.000Z');
    expect(releaseTime(new Date('2026-01-16T05:59:00Z'), night).toISOString()).toBe('2026-01-16T06:00:00.000Z');
  });

  it('lets messages outside the window go at once', () => {
    const at = new Date('2026-01-15T12:00:00Z');
    expect(releaseTime(at, night)).toBe(at);
    expect(releaseTime(new Date('2026-01-16T06:00:00Z'), night).toISOString()).toBe('2026-01-16T06:00:00.000Z');
  });

  it('handles a same-day window and an empty one', () => {
    const lunch = { start: '12:00', end: '13:30', timeZone: 'UTC' };
    expect(releaseTime(new Date('2026-03-01T12:10:00Z'), lunch).toISOString()).toBe('2026-03-01T13:30:00.000Z');
    const at = new Date('2026-03-01T12:10:00Z');
    expect(releaseTime(at, { start: '12:00', end: '12:00', timeZone: 'UTC' })).toBe(at);
  });
});
