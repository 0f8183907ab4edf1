// Response-time clocks: when is first contact due, how long is left, has the promise been broken.
//
// Calendar clock (how a person counts "within 2 days"):
//   - The date part of the duration (years, months, weeks, days) moves the London calendar date and
//     keeps the wall-clock time, so a referral at 10:00 the day before the clocks change is due at
//     10:00 the day after, although 23 or 25 hours have passed. Months keep the day of the month, or
//     the month's last day when it is shorter (31 January + P1M = 28 or 29 February).
//   - The time part (hours, minutes, seconds) is exact elapsed time, so PT2H is always 2 hours,
//     across midnight and across a clock change.
//   - Date part first, then time part (as Temporal's ZonedDateTime.add does). A wall-clock time the
//     clocks skip moves forward by the gap; one that happens twice means the first.
//
// Working-days clock ("within 5 working days"; durations in whole days only, P5D):
//   - A working day is Monday to Friday in London that is not an England and Wales bank holiday.
//   - The working day ends at 17:00 London time.
//   - Day 0 is the day the referral is received if that is a working day and it arrives before
//     17:00; otherwise day 0 is the next working day. A referral at 17:00 exactly counts as after.
//   - Due at 17:00 on the Nth working day after day 0. So P1D received Monday 10:00 is due Tuesday
//     17:00; received Friday 18:00 or Saturday it is due Tuesday 17:00. P0D is due at 17:00 on day 0.
//
// Breaches: first contact is on time when it happens at or before the due instant; a referral
// without first contact is breached once the current time is after the due instant.

import { type Clock, type Duration, parseDuration, type ResponseStandard, workingDays } from '../offer/index.ts';
import { ENGLAND_AND_WALES, type WorkingCalendar } from './bank-holidays.ts';
import {
  addDays,
  daysInMonth,
  formatDate,
  fromLondon,
  londonDate,
  londonDateTime,
  londonInstant,
  toInstant,
} from '../../platform/london-time.ts';

export const WORKING_DAY_ENDS = '17:00';

export interface ClockOptions {
  /** Bank holidays for working-day clocks; England and Wales by default. */
  calendar?: WorkingCalendar;
  /** When the working day ends, "HH:MM" London time; 17:00 by default. */
  workingDayEnds?: string;
}

export class ClockError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ClockError';
  }
}

function toDuration(duration: Duration | string): Duration {
  const d = typeof duration === 'string' ? parseDuration(duration) : duration;
  if (!d) throw new ClockError(`Not an ISO 8601 duration: ${String(duration)}`);
  return d;
}

/** Add a duration on the calendar clock (see the rules at the top of the file). */
export function addCalendarDuration(start: Date | string, duration: Duration | string): Date {
  const d = toDuration(duration);
  let instant = toInstant(start);
  if (d.years || d.months || d.weeks || d.days) {
    const l = londonDateTime(instant);
    const totalMonths = l.year * 12 + (l.month - 1) + d.years * 12 + d.months;
    const year = Math.floor(totalMonths / 12);
    const month = (totalMonths % 12) + 1;
    const day = Math.min(l.day, daysInMonth(year, month));
    const [y, m, dd] = addDays(formatDate(year, month, day), d.weeks * 7 + d.days)
      .split('-')
      .map(Number);
    instant = fromLondon({ ...l, year: y, month: m, day: dd });
  }
  const exact = ((d.hours * 60 + d.minutes) * 60 + d.seconds) * 1000;
  return new Date(instant.getTime() + exact);
}

/** The working day a referral received at `start` counts from (day 0), as a London date. */
export function workingDayZero(start: Date | string, options: ClockOptions = {}): string {
  const calendar = options.calendar ?? ENGLAND_AND_WALES;
  const ends = options.workingDayEnds ?? WORKING_DAY_ENDS;
  const instant = toInstant(start);
  const date = londonDate(instant);
  if (calendar.isWorkingDay(date) && instant.getTime() < londonInstant(date, ends).getTime()) return date;
  return nextWorkingDay(date, calendar);
}

/** The first working day after a date. */
export function nextWorkingDay(date: string, calendar: WorkingCalendar = ENGLAND_AND_WALES): string {
  let d = addDays(date, 1);
  while (!calendar.isWorkingDay(d)) d = addDays(d, 1);
  return d;
}

/** Add whole working days (see the rules at the top of the file). */
export function addWorkingDays(start: Date | string, days: number, options: ClockOptions = {}): Date {
  if (!Number.isInteger(days) || days < 0)
    throw new ClockError(`Working days must be a whole number of 0 or more, got ${days}`);
  const calendar = options.calendar ?? ENGLAND_AND_WALES;
  let date = workingDayZero(start, options);
  for (let i = 0; i < days; i++) date = nextWorkingDay(date, calendar);
  return londonInstant(date, options.workingDayEnds ?? WORKING_DAY_ENDS);
}

/** When something that starts at `start` is due, for a duration on a clock. */
export function dueAt(
  start: Date | string,
  duration: Duration | string,
  clock: Clock,
  options: ClockOptions = {},
): Date {
  const d = toDuration(duration);
  if (clock === 'calendar') return addCalendarDuration(start, d);
  if (clock === 'working-days') {
    const days = workingDays(d);
    if (days === null) {
      throw new ClockError(
        `A working-days clock counts whole days, such as P5D (5 working days); ${typeof duration === 'string' ? duration : 'this duration'} has other parts`,
      );
    }
    return addWorkingDays(start, days, options);
  }
  throw new ClockError(`Unknown clock: ${String(clock)}`);
}

/** First contact due for a response standard, counting from when the referral was received. */
export function firstContactDue(
  receivedAt: Date | string,
  standard: Pick<ResponseStandard, 'firstContact' | 'clock'>,
  options: ClockOptions = {},
): Date {
  return dueAt(receivedAt, standard.firstContact, standard.clock, options);
}

// ---------------------------------------------------------------------------------------------
// Time left and breaches

export interface TimeLeft {
  /** Due minus now; negative when overdue. */
  milliseconds: number;
  overdue: boolean;
  /** "2 days 3 hours left", "45 minutes left", "1 hour 5 minutes overdue". */
  text: string;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

function plural(n: number, unit: string): string {
  return `${n} ${unit}${n === 1 ? '' : 's'}`;
}

/** Whole days and hours, or hours and minutes, or minutes: the two largest units, rounded down.
 * Days here are 24 hours of elapsed time. */
export function describeSpan(milliseconds: number): string {
  const ms = Math.abs(milliseconds);
  if (ms < MINUTE) return 'less than a minute';
  const days = Math.floor(ms / DAY);
  const hours = Math.floor((ms % DAY) / HOUR);
  const minutes = Math.floor((ms % HOUR) / MINUTE);
  if (days > 0) return hours > 0 ? `${plural(days, 'day')} ${plural(hours, 'hour')}` : plural(days, 'day');
  if (hours > 0) return minutes > 0 ? `${plural(hours, 'hour')} ${plural(minutes, 'minute')}` : plural(hours, 'hour');
  return plural(minutes, 'minute');
}

/** How long is left until `due` at `now`. Exactly at the due instant is not overdue. */
export function timeLeft(due: Date | string, now: Date | string): TimeLeft {
  const milliseconds = toInstant(due).getTime() - toInstant(now).getTime();
  const overdue = milliseconds < 0;
  return { milliseconds, overdue, text: `${describeSpan(milliseconds)} ${overdue ? 'overdue' : 'left'}` };
}

export const BREACH_STATUSES = ['met', 'on-track', 'due-soon', 'breached'] as const;
export type BreachStatus = (typeof BREACH_STATUSES)[number];

export interface BreachOptions {
  /** When first contact happened, if it has. */
  firstContactAt?: Date | string | null;
  /** "Due soon" when no more than this is left (milliseconds); 24 hours by default. */
  dueSoonWithin?: number;
}

/**
 * met: first contact at or before the due instant. breached: first contact after it, or none and the
 * due instant has passed. Otherwise due-soon (within `dueSoonWithin`) or on-track.
 */
export function breachStatus(due: Date | string, now: Date | string, options: BreachOptions = {}): BreachStatus {
  const dueMs = toInstant(due).getTime();
  if (options.firstContactAt) return toInstant(options.firstContactAt).getTime() <= dueMs ? 'met' : 'breached';
  const left = dueMs - toInstant(now).getTime();
  if (left < 0) return 'breached';
  return left <= (options.dueSoonWithin ?? DAY) ? 'due-soon' : 'on-track';
}
