// What needs doing today for a case manager: reviews due (or overdue), actions past their due date, and new
// allocations without a care plan. Dates are London calendar dates ('YYYY-MM-DD'); the caller passes today
// from the injected clock. Pure.
import { addDays } from '../../platform/london-time.ts';

export const REVIEW_SOON_DAYS = 7;
export const NEW_ALLOCATION_DAYS = 7;

export type PlanFact = { personId: string; planId: string; reviewDue: string };
export type ActionFact = { personId: string; actionId: string; due: string; status: string };
export type AllocationFact = { personId: string; allocatedOn: string; hasPlan: boolean };

export type ReviewDue = PlanFact & { overdue: boolean; daysLate: number };
export type OverdueAction = ActionFact & { daysLate: number };

function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

/** Plans whose review is due within REVIEW_SOON_DAYS (today included) or already overdue, most overdue first. */
export function reviewsDue(plans: readonly PlanFact[], today: string): ReviewDue[] {
  const horizon = addDays(today, REVIEW_SOON_DAYS);
  return plans
    .filter((p) => p.reviewDue <= horizon)
    .map((p) => ({ ...p, overdue: p.reviewDue < today, daysLate: Math.max(0, daysBetween(p.reviewDue, today)) }))
    .sort((a, b) => a.reviewDue.localeCompare(b.reviewDue));
}

/** Open actions due before today, most overdue first. An action due today is not yet overdue. */
export function overdueActions(actions: readonly ActionFact[], today: string): OverdueAction[] {
  return actions
    .filter((a) => a.status === 'open' && a.due < today)
    .map((a) => ({ ...a, daysLate: daysBetween(a.due, today) }))
    .sort((a, b) => a.due.localeCompare(b.due));
}

/** People allocated in the last NEW_ALLOCATION_DAYS who have no care plan yet. */
export function newAllocations(allocations: readonly AllocationFact[], today: string): AllocationFact[] {
  const since = addDays(today, -NEW_ALLOCATION_DAYS);
  return allocations.filter((a) => !a.hasPlan && a.allocatedOn >= since && a.allocatedOn <= today);
}
