// Bank holidays for working-day clocks, as data with the years it covers.
//
// The dates come from data/bank-holidays-england-and-wales.json, which keeps GOV.UK's own shape
// (https://www.gov.uk/bank-holidays.json, the "england-and-wales" division), so the downloaded file
// can replace it. A calendar refuses to answer for a date outside its coverage rather than guess:
// a due date that silently ignored next year's Christmas would be wrong without anyone noticing.
//
// `ruleBasedBankHolidays(year)` states the usual rules in code. It is not used for clocks (one-off
// holidays such as a coronation, and moved ones such as VE Day 2020, exist only in the published
// list); the tests use it to check the data file for typing mistakes.

import data from '../../../data/bank-holidays-england-and-wales.json' with { type: 'json' };
import { addDays, formatDate, isoWeekday, parseDate } from '../../platform/london-time.ts';

export interface BankHoliday {
  date: string;
  title: string;
}

export interface WorkingCalendar {
  /** First and last dates (inclusive) for which the holiday list is complete. */
  readonly coverage: { readonly from: string; readonly to: string };
  readonly holidays: readonly BankHoliday[];
  /** True for a bank holiday; throws OutsideCalendarError outside the coverage. */
  isBankHoliday(date: string): boolean;
  /** Monday to Friday and not a bank holiday; throws OutsideCalendarError outside the coverage. */
  isWorkingDay(date: string): boolean;
}

export class OutsideCalendarError extends Error {
  readonly date: string;
  constructor(date: string, coverage: { from: string; to: string }) {
    super(
      `Bank holidays are known only from ${coverage.from} to ${coverage.to}, so working days cannot be counted on ${date}. ` +
        'Add the later years from https://www.gov.uk/bank-holidays.json to data/bank-holidays-england-and-wales.json.',
    );
    this.name = 'OutsideCalendarError';
    this.date = date;
  }
}

export function createWorkingCalendar(
  holidays: readonly BankHoliday[],
  coverage: { from: string; to: string },
): WorkingCalendar {
  if (!parseDate(coverage.from) || !parseDate(coverage.to) || coverage.from > coverage.to) {
    throw new TypeError(`Calendar coverage must be two dates in order, got ${coverage.from} to ${coverage.to}`);
  }
  for (const h of holidays) {
    if (!parseDate(h.date)) throw new TypeError(`Bank holiday "${h.title}" has no valid date: ${h.date}`);
    if (h.date < coverage.from || h.date > coverage.to) {
      throw new TypeError(`Bank holiday ${h.date} is outside the coverage ${coverage.from} to ${coverage.to}`);
    }
  }
  const dates = new Set(holidays.map((h) => h.date));
  const check = (date: string) => {
    if (!parseDate(date)) throw new TypeError(`Not a calendar date (YYYY-MM-DD): ${date}`);
    if (date < coverage.from || date > coverage.to) throw new OutsideCalendarError(date, coverage);
  };
  return {
    coverage: { ...coverage },
    holidays: [...holidays].sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0)),
    isBankHoliday(date) {
      check(date);
      return dates.has(date);
    },
    isWorkingDay(date) {
      check(date);
      return isoWeekday(date) <= 5 && !dates.has(date);
    },
  };
}

interface GovUkEvent {
  title: string;
  date: string;
}

/** Read a file in GOV.UK's shape ({ "england-and-wales": { events: [...] } }) plus a `coverage`.
 * Without `coverage`, the whole calendar years from the first to the last event are assumed. */
export function calendarFromGovUk(json: unknown, division = 'england-and-wales'): WorkingCalendar {
  const root = json as Record<string, { events?: GovUkEvent[] }> & { coverage?: { from: string; to: string } };
  const events = root?.[division]?.events;
  if (!Array.isArray(events) || events.length === 0) {
    throw new TypeError(
      `Expected bank holidays for "${division}" in GOV.UK's shape: { "${division}": { "events": [...] } }`,
    );
  }
  const holidays = events.map((e) => ({ date: e.date, title: e.title }));
  const years = holidays.map((h) => h.date.slice(0, 4)).sort();
  const coverage = root.coverage ?? { from: `${years[0]}-01-01`, to: `${years[years.length - 1]}-12-31` };
  return createWorkingCalendar(holidays, coverage);
}

/** England and Wales, from data/bank-holidays-england-and-wales.json (2024–2028; check the dates
 * against GOV.UK before relying on them: the file says so in its `checked` flag). */
export const ENGLAND_AND_WALES: WorkingCalendar = calendarFromGovUk(data);

// ---------------------------------------------------------------------------------------------
// The usual rules, for checking the data

/** Easter Sunday in the Gregorian calendar (the anonymous "Meeus/Jones/Butcher" algorithm). */
export function easterSunday(year: number): string {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return formatDate(year, month, day);
}

function firstMonday(year: number, month: number): string {
  const first = formatDate(year, month, 1);
  return addDays(first, (8 - isoWeekday(first)) % 7);
}

function lastMonday(year: number, month: number): string {
  const nextFirst = month === 12 ? formatDate(year + 1, 1, 1) : formatDate(year, month + 1, 1);
  const last = addDays(nextFirst, -1);
  return addDays(last, -((isoWeekday(last) + 6) % 7));
}

/** The England and Wales bank holidays the standing rules give for a year, with substitute days.
 * One-off and moved holidays are not in it. */
export function ruleBasedBankHolidays(year: number): BankHoliday[] {
  const easter = easterSunday(year);
  const newYear = formatDate(year, 1, 1);
  const weekdayOnOrAfter = (date: string) => {
    const wd = isoWeekday(date);
    return wd === 6 ? addDays(date, 2) : wd === 7 ? addDays(date, 1) : date;
  };
  // Christmas and Boxing Day: a holiday at the weekend moves to the next weekday not already taken.
  const christmas = formatDate(year, 12, 25);
  const christmasDay = weekdayOnOrAfter(christmas);
  let boxingDay = weekdayOnOrAfter(formatDate(year, 12, 26));
  if (boxingDay <= christmasDay) boxingDay = weekdayOnOrAfter(addDays(christmasDay, 1));
  return [
    { date: weekdayOnOrAfter(newYear), title: 'New Year’s Day' },
    { date: addDays(easter, -2), title: 'Good Friday' },
    { date: addDays(easter, 1), title: 'Easter Monday' },
    { date: firstMonday(year, 5), title: 'Early May bank holiday' },
    { date: lastMonday(year, 5), title: 'Spring bank holiday' },
    { date: lastMonday(year, 8), title: 'Summer bank holiday' },
    { date: christmasDay, title: 'Christmas Day' },
    { date: boxingDay, title: 'Boxing Day' },
  ];
}
