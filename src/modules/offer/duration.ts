// ISO 8601 durations as the offer uses them: PT2H, P5D, P6W, P1DT12H.
// Whole numbers only. Years and months parse, but have no exact length, so they cannot be
// turned into milliseconds and the validator refuses them in response standards.

import type { Clock } from './offer.ts';

export interface Duration {
  years: number;
  months: number;
  weeks: number;
  days: number;
  hours: number;
  minutes: number;
  seconds: number;
}

const PATTERN = /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/;

/** Parse an ISO 8601 duration; null when it is not one (or is "P" / "PT" with nothing in it). */
export function parseDuration(text: string): Duration | null {
  if (typeof text !== 'string') return null;
  const m = PATTERN.exec(text);
  if (!m) return null;
  if (text.endsWith('T')) return null;
  if (m.slice(1).every((part) => part === undefined)) return null;
  const n = (s: string | undefined) => (s === undefined ? 0 : Number(s));
  return {
    years: n(m[1]),
    months: n(m[2]),
    weeks: n(m[3]),
    days: n(m[4]),
    hours: n(m[5]),
    minutes: n(m[6]),
    seconds: n(m[7]),
  };
}

/** True when the duration has a year or month part (which has no exact length). */
export function hasCalendarParts(d: Duration): boolean {
  return d.years > 0 || d.months > 0;
}

export function isZeroDuration(d: Duration): boolean {
  return Object.values(d).every((v) => v === 0);
}

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const WEEK = 7 * DAY;

/** Exact length in milliseconds of elapsed time (a day is 24 hours). Throws for years or months. */
export function durationToMilliseconds(d: Duration | string): number {
  const value = typeof d === 'string' ? parseDuration(d) : d;
  if (!value) throw new Error(`Not an ISO 8601 duration: ${String(d)}`);
  if (hasCalendarParts(value)) {
    throw new Error('A duration with years or months has no exact length; use weeks or days');
  }
  return value.weeks * WEEK + value.days * DAY + value.hours * HOUR + value.minutes * MINUTE + value.seconds * SECOND;
}

/** Whole working days the duration stands for on a working-days clock (P5D → 5), or null when
 * it has parts other than days. */
export function workingDays(d: Duration): number | null {
  const { days, ...rest } = d;
  return Object.values(rest).every((v) => v === 0) ? days : null;
}

/** Canonical ISO 8601 text for a duration ("PT2H", "P6W", "P1DT12H"). */
export function formatDuration(d: Duration): string {
  let out = 'P';
  if (d.years) out += `${d.years}Y`;
  if (d.months) out += `${d.months}M`;
  if (d.weeks) out += `${d.weeks}W`;
  if (d.days) out += `${d.days}D`;
  if (d.hours || d.minutes || d.seconds) {
    out += 'T';
    if (d.hours) out += `${d.hours}H`;
    if (d.minutes) out += `${d.minutes}M`;
    if (d.seconds) out += `${d.seconds}S`;
  }
  return out === 'P' ? 'PT0S' : out;
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

function joinParts(parts: string[]): string {
  if (parts.length <= 1) return parts.join('');
  return `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}`;
}

/**
 * Plain words for how long something takes, without "within": "2 hours", "6 weeks",
 * "5 working days", "1 day and 12 hours".
 */
export function describeDuration(d: Duration | string, clock: Clock = 'calendar'): string {
  const value = typeof d === 'string' ? parseDuration(d) : d;
  if (!value) throw new Error(`Not an ISO 8601 duration: ${String(d)}`);
  if (clock === 'working-days') {
    const wd = workingDays(value);
    if (wd !== null) return plural(wd, 'working day');
  }
  const parts: string[] = [];
  if (value.years) parts.push(plural(value.years, 'year'));
  if (value.months) parts.push(plural(value.months, 'month'));
  if (value.weeks) parts.push(plural(value.weeks, 'week'));
  if (value.days) parts.push(plural(value.days, 'day'));
  if (value.hours) parts.push(plural(value.hours, 'hour'));
  if (value.minutes) parts.push(plural(value.minutes, 'minute'));
  if (value.seconds) parts.push(plural(value.seconds, 'second'));
  return parts.length === 0 ? 'no time' : joinParts(parts);
}

/** For residents: "within 2 hours", "within 6 weeks", "within 5 working days". */
export function humaniseDuration(d: Duration | string, clock: Clock = 'calendar'): string {
  return `within ${describeDuration(d, clock)}`;
}

const UNITS: Record<string, keyof Duration> = {
  year: 'years',
  month: 'months',
  week: 'weeks',
  day: 'days',
  hour: 'hours',
  hr: 'hours',
  minute: 'minutes',
  min: 'minutes',
};

/**
 * Reads a duration as people write it ("18 weeks", "within 2 hours", "1 day and 12 hours", "5 working days")
 * into ISO 8601 ("P18W", "PT2H", "P1DT12H", "P5D"); an ISO duration is kept as it is. Null when it is neither.
 * Whether days are working days is the standard's clock, not part of the duration.
 */
export function durationFromWords(text: string): string | null {
  const raw = text.trim();
  if (/^p/i.test(raw) && parseDuration(raw.toUpperCase())) return raw.toUpperCase();
  const t = raw
    .toLowerCase()
    .replace(/^within\s+/, '')
    .replace(/\bworking\s+/g, '')
    .replace(/\band\b|,/g, ' ')
    .trim();
  if (!t) return null;
  const d: Duration = { years: 0, months: 0, weeks: 0, days: 0, hours: 0, minutes: 0, seconds: 0 };
  const parts = t.split(/\s+/);
  if (parts.length % 2 !== 0) return null;
  for (let i = 0; i < parts.length; i += 2) {
    if (!/^\d{1,4}$/.test(parts[i])) return null;
    const unit = UNITS[parts[i + 1].replace(/s$/, '')];
    if (!unit) return null;
    d[unit] += Number(parts[i]);
  }
  if (d.weeks && (d.days || d.hours || d.minutes || d.years || d.months)) {
    d.days += d.weeks * 7;
    d.weeks = 0;
  }
  const date = `${d.years ? `${d.years}Y` : ''}${d.months ? `${d.months}M` : ''}${d.weeks ? `${d.weeks}W` : ''}${d.days ? `${d.days}D` : ''}`;
  const time = `${d.hours ? `${d.hours}H` : ''}${d.minutes ? `${d.minutes}M` : ''}`;
  const iso = `P${date}${time ? `T${time}` : ''}`;
  return iso === 'P' ? null : iso;
}
