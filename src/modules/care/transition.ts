// Transition from children's to adult services: a young person is flagged for transition planning from
// TRANSITION_FLAG_AGE (configurable), and is urgent when within six months of their 18th birthday without a
// plan. Pure; dates are 'YYYY-MM-DD'.
import { parseDate } from '../../platform/london-time.ts';

export const TRANSITION_FLAG_AGE = 17;
export const ADULT_AGE = 18;

function ageOn(birthDate: string, on: string): number {
  const b = parseDate(birthDate)!;
  const d = parseDate(on)!;
  const had = d.month > b.month || (d.month === b.month && d.day >= b.day);
  return d.year - b.year - (had ? 0 : 1);
}

/** The date a person turns `years` (29 February birthdays fall on 1 March in non-leap years). */
export function birthdayAt(birthDate: string, years: number): string {
  const b = parseDate(birthDate);
  if (!b) throw new TypeError(`Not a calendar date: ${birthDate}`);
  const d = new Date(Date.UTC(b.year + years, b.month - 1, b.day));
  return d.toISOString().slice(0, 10);
}

function addMonths(date: string, months: number): string {
  const p = parseDate(date)!;
  const d = new Date(Date.UTC(p.year, p.month - 1 + months, p.day));
  // Clamp to the month's last day (31 August + 6 months → 28/29 February).
  if (d.getUTCDate() !== p.day) d.setUTCDate(0);
  return d.toISOString().slice(0, 10);
}

export type TransitionStatus = {
  age: number;
  eighteenth: string;
  /** Aged from the flag age up to (not including) 18. */
  flagged: boolean;
  /** Within six months of the 18th birthday (and not yet 18). */
  withinSixMonths: boolean;
};

export function transitionStatus(birthDate: string, today: string, flagAge = TRANSITION_FLAG_AGE): TransitionStatus {
  const age = ageOn(birthDate, today);
  const eighteenth = birthdayAt(birthDate, ADULT_AGE);
  const flagged = age >= flagAge && age < ADULT_AGE;
  const withinSixMonths = today < eighteenth && addMonths(today, 6) >= eighteenth;
  return { age, eighteenth, flagged, withinSixMonths };
}
