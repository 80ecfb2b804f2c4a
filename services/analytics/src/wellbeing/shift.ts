/** An agent's working hours: local wall-clock times in an IANA time zone; `end` ≤ `start` means the shift runs past midnight. */
export interface Shift {
  start: string;
  end: string;
  timeZone: string;
}

const DAY_MS = 86_400_000;

export function isTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return true;
  } catch {
    return false;
  }
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(timeZone: string): Intl.DateTimeFormat {
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, format);
  }
  return format;
}

/** The zone's offset from UTC at `ms` (local wall time − UTC), in milliseconds. */
function offsetAt(ms: number, timeZone: string): number {
  const parts: Record<string, number> = {};
  for (const part of formatter(timeZone).formatToParts(new Date(ms))) if (part.type !== 'literal') parts[part.type] = Number(part.value);
  const wall = Date.UTC(parts['year'] ?? 1970, (parts['month'] ?? 1) - 1, parts['day'] ?? 1, parts['hour'] ?? 0, parts['minute'] ?? 0, parts['second'] ?? 0);
  return wall - (ms - (ms % 1000));
}

/** UTC instant of a local wall-clock time (`dayMs` = UTC midnight of the local date, `minutes` since local midnight). */
function localToUtc(dayMs: number, minutes: number, timeZone: string): number {
  const wall = dayMs + minutes * 60_000;
  const first = wall - offsetAt(wall, timeZone);
  return wall - offsetAt(first, timeZone);
}

const minutesOf = (time: string): number => {
  const [h, m] = time.split(':').map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
};

/** The shift's occurrences that may overlap [from, to), as UTC intervals. */
function occurrences(shift: Shift, from: number, to: number): [number, number][] {
  const start = minutesOf(shift.start);
  let end = minutesOf(shift.end);
  if (end <= start) end += 24 * 60;
  const out: [number, number][] = [];
  const firstDay = Math.floor(from / DAY_MS) * DAY_MS - 2 * DAY_MS;
  for (let day = firstDay; day <= to + DAY_MS; day += DAY_MS) {
    const a = localToUtc(day, start, shift.timeZone);
    const b = localToUtc(day, end, shift.timeZone);
    if (b > from && a < to) out.push([a, b]);
  }
  return out;
}

/** Milliseconds of [from, to) that fall outside the shift. */
export function msOutsideShift(shift: Shift, from: Date, to: Date): number {
  const a = from.getTime();
  const b = to.getTime();
  if (b <= a) return 0;
  let inside = 0;
  let cursor = a;
  for (const [start, end] of occurrences(shift, a, b).sort((x, y) => x[0] - y[0])) {
    const lo = Math.max(start, cursor);
    const hi = Math.min(end, b);
    if (hi > lo) {
      inside += hi - lo;
      cursor = hi;
    }
  }
  return b - a - inside;
}
