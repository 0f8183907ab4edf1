// Reporting periods in NHS financial-year terms (April to March):
//   annual    '2024/25'       1 Apr 2024 – 31 Mar 2025
//   quarterly '2024/25 Q2'    Q1 = Apr–Jun … Q4 = Jan–Mar
//   monthly   '2024-07'       a calendar month
// Dates are UTC calendar dates (YYYY-MM-DD) so results do not depend on the server's time zone.

import { londonDate } from '../../platform/london-time.ts';
import type { Frequency } from './framework.ts';

export type Period = {
  readonly label: string;
  readonly frequency: Frequency;
  /** First day, YYYY-MM-DD. */
  readonly start: string;
  /** Last day, YYYY-MM-DD. */
  readonly end: string;
};

const YEAR = /^(\d{4})\/(\d{2})$/;
const QUARTER = /^(\d{4})\/(\d{2}) Q([1-4])$/;
const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;

export const PERIOD_FORMATS: Readonly<Record<Frequency, string>> = {
  annual: 'a financial year such as 2024/25',
  quarterly: 'a financial quarter such as 2024/25 Q2',
  monthly: 'a month such as 2024-07',
};

function iso(year: number, month: number, day: number): string {
  return new Date(Date.UTC(year, month - 1, day)).toISOString().slice(0, 10);
}

function lastDay(year: number, month: number): string {
  return iso(year, month + 1, 0);
}

function financialYear(match: RegExpExecArray): number | undefined {
  const first = Number(match[1]);
  return (first + 1) % 100 === Number(match[2]) ? first : undefined;
}

/** Parses a period label; undefined when it is not one of the three formats. */
export function parsePeriod(text: string): Period | undefined {
  const label = text.trim();
  let m = YEAR.exec(label);
  if (m) {
    const y = financialYear(m);
    return y === undefined ? undefined : { label, frequency: 'annual', start: iso(y, 4, 1), end: lastDay(y + 1, 3) };
  }
  m = QUARTER.exec(label);
  if (m) {
    const y = financialYear(m);
    if (y === undefined) return undefined;
    const q = Number(m[3]);
    const startMonth = 4 + 3 * (q - 1); // 4, 7, 10, 13 (= January of the next year)
    const year = y + Math.floor((startMonth - 1) / 12);
    const month = ((startMonth - 1) % 12) + 1;
    return { label, frequency: 'quarterly', start: iso(year, month, 1), end: lastDay(year, month + 2) };
  }
  m = MONTH.exec(label);
  if (m) {
    const year = Number(m[1]);
    const month = Number(m[2]);
    return { label, frequency: 'monthly', start: iso(year, month, 1), end: lastDay(year, month) };
  }
  return undefined;
}

/** True when `inner` lies wholly inside `outer` (a period contains itself). */
export function periodContains(outer: Period, inner: Period): boolean {
  return outer.start <= inner.start && inner.end <= outer.end;
}

/** True when the periods share at least one day. */
export function periodsOverlap(a: Period, b: Period): boolean {
  return a.start <= b.end && b.start <= a.end;
}

/** Orders period labels by start date, then shorter periods first. Unparseable labels sort last. */
export function comparePeriods(a: string, b: string): number {
  const pa = parsePeriod(a);
  const pb = parsePeriod(b);
  if (!pa || !pb) return pa ? -1 : pb ? 1 : a.localeCompare(b);
  return pa.start.localeCompare(pb.start) || pa.end.localeCompare(pb.end);
}

/** The date a return for `period` is due: `daysAfterEnd` calendar days after the period ends. */
export function dueDateFor(period: string, daysAfterEnd = 20): string {
  const p = parsePeriod(period);
  if (!p) throw new RangeError(`not a period: ${period}`);
  const [y, m, d] = p.end.split('-').map(Number);
  return iso(y, m, d + daysAfterEnd);
}

/** "2024/25" for the financial year starting in April of `start`. */
function financialYearLabel(start: number): string {
  return `${start}/${String((start + 1) % 100).padStart(2, '0')}`;
}

/** The financial year (April to March) a date falls in, e.g. '2024/25'. */
export function financialYearOf(date: Date): string {
  return financialYearLabel(date.getUTCMonth() >= 3 ? date.getUTCFullYear() : date.getUTCFullYear() - 1);
}

/** The four quarter periods of a financial year: "2024/25" → "2024/25 Q1" … "2024/25 Q4". */
export function quartersOf(year: string): string[] {
  return [1, 2, 3, 4].map((q) => `${year} Q${q}`);
}

/** The London financial quarter of an instant: "2024/25 Q2" (Q1 = April–June). */
export function financialQuarterOf(instant: Date | string): string {
  const [y, m] = londonDate(instant).split('-').map(Number) as [number, number];
  const start = m >= 4 ? y : y - 1;
  const q = m >= 4 ? Math.floor((m - 4) / 3) + 1 : 4;
  return `${financialYearLabel(start)} Q${q}`;
}
