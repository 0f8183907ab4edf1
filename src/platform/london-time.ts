// Europe/London wall-clock time from UTC instants and back, with Intl.DateTimeFormat and no time-zone
// library. The server's own time zone never matters: everything goes through the formatter below.
//
// Turning a wall-clock time back into an instant follows Temporal's "compatible" rule, the one
// calendars and people use:
//   - a time that happens twice (01:00–01:59 on the last Sunday of October) means the first, BST one;
//   - a time that never happens (01:00–01:59 on the last Sunday of March) moves forward by the gap,
//     so 01:30 becomes 02:30 BST.

export const LONDON_TIME_ZONE = 'Europe/London';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
export const DAY_MS = 24 * HOUR;

/** A wall-clock date and time; month 1–12, day 1–31, hour 0–23. */
export interface LocalDateTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  millisecond: number;
}

const formatter = new Intl.DateTimeFormat('en-GB', {
  timeZone: LONDON_TIME_ZONE,
  hourCycle: 'h23',
  year: 'numeric',
  month: 'numeric',
  day: 'numeric',
  hour: 'numeric',
  minute: 'numeric',
  second: 'numeric',
});

/** An instant from a Date or an ISO 8601 string with an offset; throws on anything else. */
export function toInstant(value: Date | string): Date {
  const d = typeof value === 'string' ? new Date(value) : value;
  if (!(d instanceof Date) || Number.isNaN(d.getTime())) throw new TypeError(`Not a valid instant: ${String(value)}`);
  return d;
}

/** London wall-clock time at an instant. */
export function londonDateTime(instant: Date | string): LocalDateTime {
  return wallAt(toInstant(instant).getTime());
}

function formatWall(t: number): LocalDateTime {
  const parts: Record<string, number> = {};
  for (const p of formatter.formatToParts(t)) if (p.type !== 'literal') parts[p.type] = Number(p.value);
  return {
    year: parts.year,
    month: parts.month,
    day: parts.day,
    hour: parts.hour,
    minute: parts.minute,
    second: parts.second,
    millisecond: ((t % SECOND) + SECOND) % SECOND,
  };
}

// formatToParts costs microseconds, and reports read thousands of instants. London changes offset only
// on a UTC hour (01:00 UTC under the current rules, 02:00 UTC in the 1970s), so the offset is looked up
// once per UTC hour and the wall-clock fields come from plain arithmetic.
const offsetByHour = new Map<number, number>();

function offsetAtHour(t: number): number {
  const hour = Math.floor(t / HOUR);
  let offset = offsetByHour.get(hour);
  if (offset === undefined) {
    offset = wallMilliseconds(formatWall(hour * HOUR)) - hour * HOUR;
    if (offsetByHour.size >= 100_000) offsetByHour.clear();
    offsetByHour.set(hour, offset);
  }
  return offset;
}

function wallAt(t: number): LocalDateTime {
  const d = new Date(t + offsetAtHour(t));
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
    second: d.getUTCSeconds(),
    millisecond: d.getUTCMilliseconds(),
  };
}

function wallMilliseconds(l: LocalDateTime): number {
  // Date.UTC maps years 0–99 to 1900–1999; setUTCFullYear does not.
  const d = new Date(Date.UTC(2000, l.month - 1, l.day, l.hour, l.minute, l.second, l.millisecond));
  d.setUTCFullYear(l.year);
  return d.getTime();
}

/** London's offset from UTC at an instant, in minutes: 0 in winter (GMT), 60 in summer (BST). */
export function londonOffsetMinutes(instant: Date | string): number {
  const t = toInstant(instant).getTime();
  return (wallMilliseconds(wallAt(t)) - t) / MINUTE;
}

/** The instant a London wall-clock time stands for (see the rule at the top of the file). */
export function fromLondon(local: LocalDateTime): Date {
  const wall = wallMilliseconds(local);
  const offsetAt = (t: number) => wallMilliseconds(wallAt(t)) - t;
  // London changes offset at most once in any two days, so the offsets a day either side are the
  // only candidates.
  const before = offsetAt(wall - DAY_MS);
  const after = offsetAt(wall + DAY_MS);
  const candidates = [wall - before, wall - after].filter((t) => t + offsetAt(t) === wall).sort((a, b) => a - b);
  return new Date(candidates.length > 0 ? candidates[0] : wall - before);
}

// ---------------------------------------------------------------------------------------------
// Plain dates (YYYY-MM-DD), counted in whole days so no time zone can shift them.

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

export function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

export function formatDate(year: number, month: number, day: number): string {
  return `${pad(year, 4)}-${pad(month)}-${pad(day)}`;
}

/** Parse a real calendar date, or null ("2025-02-30" is null). */
export function parseDate(text: unknown): { year: number; month: number; day: number } | null {
  if (typeof text !== 'string') return null;
  const m = DATE.exec(text);
  if (!m) return null;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  return { year, month, day };
}

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

export function daysInMonth(year: number, month: number): number {
  return [31, isLeapYear(year) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
}

function dayNumber(date: string): number {
  const d = parseDate(date);
  if (!d) throw new TypeError(`Not a calendar date (YYYY-MM-DD): ${date}`);
  return Date.UTC(d.year, d.month - 1, d.day) / DAY_MS;
}

/** The date `days` days after (or before, when negative) a date. */
export function addDays(date: string, days: number): string {
  return new Date((dayNumber(date) + days) * DAY_MS).toISOString().slice(0, 10);
}

/** 1 = Monday … 7 = Sunday (ISO 8601). */
export function isoWeekday(date: string): number {
  const sundayZero = new Date(dayNumber(date) * DAY_MS).getUTCDay();
  return sundayZero === 0 ? 7 : sundayZero;
}

/** The London calendar date of an instant: "2025-03-30". */
export function londonDate(instant: Date | string): string {
  const l = londonDateTime(instant);
  return formatDate(l.year, l.month, l.day);
}

/** The London calendar month of an instant: "2025-03". */
export function londonMonth(instant: Date | string): string {
  return londonDate(instant).slice(0, 7);
}

/** The instant of a London date at a wall-clock time "HH:MM" (default midnight). */
export function londonInstant(date: string, time = '00:00'): Date {
  const d = parseDate(date);
  if (!d) throw new TypeError(`Not a calendar date (YYYY-MM-DD): ${date}`);
  const m = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(time);
  if (!m) throw new TypeError(`Not a time (HH:MM): ${time}`);
  return fromLondon({ ...d, hour: Number(m[1]), minute: Number(m[2]), second: 0, millisecond: 0 });
}

/** Today's date in London, "YYYY-MM-DD". */
export function londonToday(now: Date = new Date()): string {
  return londonDate(now);
}
