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

export type NextStep = {
  date: string;
  time: string | null;
  kind: 'appointment' | 'visit' | 'action' | 'meeting' | 'review';
  text: string;
  href: string | null;
  overdue: boolean;
};

/**
 * "What happens next for this person", for a coordinator answering a phone call: upcoming appointments (booked,
 * not cancelled), planned home visits, open care plan actions (overdue ones first, as they are earliest), MDT
 * meetings still to come and the care plan review, as one list in date and time order. Meeting dates and times
 * are London wall-clock, converted by the caller.
 */
export function whatHappensNext(
  facts: {
    appointments: readonly { id: string; date: string; time: string; service: string; place: string; status: string }[];
    visits: readonly { day: string; window: string; teamName: string }[];
    actions: readonly { due: string; description: string; ownerLabel: string; status: string }[];
    meetings: readonly { id: string; date: string; time: string; title: string; cancelled: boolean }[];
    reviewDue: string | null;
  },
  today: string,
): NextStep[] {
  const steps: NextStep[] = [];
  for (const a of facts.appointments) {
    if (a.status !== 'booked' || a.date < today) continue;
    steps.push({
      date: a.date,
      time: a.time,
      kind: 'appointment',
      text: `${a.service} appointment, ${a.place}`,
      href: '#appointments',
      overdue: false,
    });
  }
  for (const v of facts.visits) {
    if (v.day < today) continue;
    steps.push({
      date: v.day,
      time: null,
      kind: 'visit',
      text: `${v.window}: home visit by ${v.teamName}`,
      href: null,
      overdue: false,
    });
  }
  for (const a of facts.actions) {
    if (a.status !== 'open') continue;
    steps.push({
      date: a.due,
      time: null,
      kind: 'action',
      text: `${a.description} (${a.ownerLabel})`,
      href: null,
      overdue: a.due < today,
    });
  }
  for (const m of facts.meetings) {
    if (m.cancelled || m.date < today) continue;
    steps.push({
      date: m.date,
      time: m.time,
      kind: 'meeting',
      text: `Discussed at ${m.title}`,
      href: `/care/meetings/${m.id}`,
      overdue: false,
    });
  }
  if (facts.reviewDue) {
    steps.push({
      date: facts.reviewDue,
      time: null,
      kind: 'review',
      text: 'Care plan review',
      href: null,
      overdue: facts.reviewDue < today,
    });
  }
  return steps.sort((x, y) => x.date.localeCompare(y.date) || (x.time ?? '').localeCompare(y.time ?? ''));
}
