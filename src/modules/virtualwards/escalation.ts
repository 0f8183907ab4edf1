// Escalation rules for virtual wards, pure. Each early-warning risk band sets a response and a clock; an
// observation the monitoring plan expected but that did not come is an escalation too.
import type { Risk } from './news2.ts';

export type EscalationKind = 'score' | 'overdue-observation';

export const ESCALATION_CLOCKS: Record<Exclude<Risk, 'low'>, { minutes: number; response: string }> = {
  'low-medium': { minutes: 60, response: 'Urgent review by a clinician within 1 hour' },
  medium: { minutes: 60, response: 'Urgent review by a clinician competent in acute illness within 1 hour' },
  high: { minutes: 15, response: 'Emergency response within 15 minutes: senior clinician, consider 999' },
};

/** Minutes after an expected observation before it counts as missed. */
export const OVERDUE_GRACE_MINUTES = 30;
/** Minutes allowed to contact the patient once an observation is missed. */
export const OVERDUE_RESPONSE_MINUTES = 60;

const RANK: Record<Risk, number> = { low: 0, 'low-medium': 1, medium: 2, high: 3 };

export function riskRank(risk: Risk): number {
  return RANK[risk];
}

/**
 * Whether a new score escalates, given the open score escalations of the admission: it does when its risk is
 * above low and higher than any already open (a second medium while one is open would only add noise).
 */
export function scoreEscalation(
  risk: Risk,
  observedAt: Date,
  openRisks: readonly Risk[],
): { risk: Exclude<Risk, 'low'>; dueAt: Date; response: string } | null {
  if (risk === 'low') return null;
  if (openRisks.some((open) => RANK[open] >= RANK[risk])) return null;
  const clock = ESCALATION_CLOCKS[risk];
  return { risk, dueAt: new Date(observedAt.getTime() + clock.minutes * 60_000), response: clock.response };
}

/** When the next observation is expected under a plan of one every `everyHours`, from the last (or admission). */
export function nextObservationDue(lastAt: Date, everyHours: number): Date {
  return new Date(lastAt.getTime() + everyHours * 3_600_000);
}

/** A missed observation: `now` is past the expected time plus grace. Returns the escalation's due time. */
export function overdueEscalation(expectedAt: Date, now: Date): { dueAt: Date } | null {
  const missedAt = expectedAt.getTime() + OVERDUE_GRACE_MINUTES * 60_000;
  if (now.getTime() <= missedAt) return null;
  return { dueAt: new Date(missedAt + OVERDUE_RESPONSE_MINUTES * 60_000) };
}

/**
 * Length of stay in days, counted in 24-hour periods and rounded, at least 1: each is a bed day spent at home
 * instead of in hospital for monitoring.
 */
export function bedDays(admittedAt: Date, dischargedAt: Date): number {
  return Math.max(1, Math.round((dischargedAt.getTime() - admittedAt.getTime()) / 86_400_000));
}
