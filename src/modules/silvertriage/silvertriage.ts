// Silver triage, pure: who is on call, where the rota leaves gaps, and the figures (calls, time to answer,
// unanswered, avoided conveyance by borough and month). No clock, no storage.
import { londonMonth } from '../../platform/london-time.ts';

export const CALL_OUTCOMES = {
  'conveyed-ed': 'Conveyed to the emergency department',
  'managed-at-home': 'Not conveyed: managed at home',
  'referred-ucr': 'Referred to urgent community response',
  'referred-virtual-ward': 'Referred to a virtual ward',
  'referred-gp': 'Referred to the GP',
  other: 'Other',
} as const;
export type CallOutcome = keyof typeof CALL_OUTCOMES;

/** Outcomes that create a referral in the central point of access, and the core offer component it is for. */
export const REFERRAL_OUTCOMES: Partial<Record<CallOutcome, string>> = {
  'referred-ucr': 'urgent-community-response',
  'referred-virtual-ward': 'virtual-wards',
};

export type Interval = { startsAt: Date; endsAt: Date };
export type Slot = Interval & { clinicianName: string };

export function onCallAt<T extends Slot>(slots: readonly T[], at: Date): T | null {
  return slots.find((s) => s.startsAt <= at && at < s.endsAt) ?? null;
}

/** The parts of [from, to) that no slot covers, in order. */
export function rotaGaps(slots: readonly Interval[], from: Date, to: Date): Interval[] {
  const sorted = slots
    .filter((s) => s.endsAt > from && s.startsAt < to)
    .toSorted((a, b) => a.startsAt.getTime() - b.startsAt.getTime());
  const gaps: Interval[] = [];
  let cursor = from.getTime();
  for (const s of sorted) {
    if (s.startsAt.getTime() > cursor) gaps.push({ startsAt: new Date(cursor), endsAt: s.startsAt });
    cursor = Math.max(cursor, s.endsAt.getTime());
  }
  if (cursor < to.getTime()) gaps.push({ startsAt: new Date(cursor), endsAt: to });
  return gaps;
}

/** Hours of [from, to) the rota covers. */
export function coveredHours(slots: readonly Interval[], from: Date, to: Date): number {
  const gapMs = rotaGaps(slots, from, to).reduce((s, g) => s + (g.endsAt.getTime() - g.startsAt.getTime()), 0);
  return (to.getTime() - from.getTime() - gapMs) / 3_600_000;
}

export type CallFact = {
  borough: string;
  calledAt: Date;
  answeredAt: Date | null;
  outcome: string | null;
  withinRota: boolean;
};

export type FigureRow = {
  borough: string;
  month: string;
  calls: number;
  answered: number;
  unanswered: number;
  outsideRota: number;
  medianSecondsToAnswer: number | null;
  /** Answered calls with an outcome other than conveyance to the emergency department. */
  notConveyed: number;
  withOutcome: number;
  /** notConveyed ÷ answered calls with an outcome; null when there are none. */
  avoidedConveyanceRate: number | null;
};

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const s = values.toSorted((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

/** Figures by borough and London month, plus a row per month for all boroughs ('All'). */
export function callFigures(facts: readonly CallFact[]): FigureRow[] {
  const groups = new Map<string, CallFact[]>();
  for (const f of facts) {
    const month = londonMonth(f.calledAt);
    for (const key of [`${f.borough}|${month}`, `All|${month}`]) {
      const list = groups.get(key) ?? [];
      list.push(f);
      groups.set(key, list);
    }
  }
  const rows = [...groups].map(([key, list]) => {
    const [borough, month] = key.split('|') as [string, string];
    const answered = list.filter((f) => f.answeredAt);
    const withOutcome = answered.filter((f) => f.outcome);
    const notConveyed = withOutcome.filter((f) => f.outcome !== 'conveyed-ed').length;
    return {
      borough,
      month,
      calls: list.length,
      answered: answered.length,
      unanswered: list.length - answered.length,
      outsideRota: list.filter((f) => !f.withinRota).length,
      medianSecondsToAnswer: median(
        answered.map((f) => ((f.answeredAt as Date).getTime() - f.calledAt.getTime()) / 1000),
      ),
      notConveyed,
      withOutcome: withOutcome.length,
      avoidedConveyanceRate: withOutcome.length ? notConveyed / withOutcome.length : null,
    };
  });
  return rows.sort(
    (a, b) =>
      a.month.localeCompare(b.month) ||
      (a.borough === 'All' ? 1 : b.borough === 'All' ? -1 : a.borough.localeCompare(b.borough)),
  );
}
