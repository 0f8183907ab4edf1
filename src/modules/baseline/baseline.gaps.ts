// The gap matrix: for every borough, component and age group in the offer, does the baseline
// meet the offer's provision, partly meet it (with the standards it misses) or not offer it?
// The data decides: a row reported as "full" that misses a standard is still "partly".

import { type AgeGroupProvision, type Component, getAgeGroup, humaniseDuration } from '../offer/index.ts';
import { type BaselineRow, formatSpan, type HoursSpan, offerHours, routineStandards, spanCovers } from './baseline.ts';

export const GAP_STATUSES = ['meets', 'partly', 'not-offered'] as const;
export type GapStatus = (typeof GAP_STATUSES)[number];

export const GAP_REASONS = [
  'hours',
  'out-of-hours',
  'response-time',
  'access-route',
  'age-coverage',
  'point-of-delivery',
  'reported-partial',
] as const;
export type GapReasonCode = (typeof GAP_REASONS)[number];

export interface GapReason {
  code: GapReasonCode;
  /** Plain sentence for the page. */
  message: string;
  expected: string;
  actual: string;
}

export interface GapCell {
  period: string;
  borough: string;
  component: string;
  ageGroup: string;
  status: GapStatus;
  reasons: GapReason[];
}

// Waits are collected in weeks, but some standards are hours or days: say each in the unit that reads naturally.
const plural = (v: number, unit: string) => `${v} ${unit}${v === 1 ? '' : 's'}`;
const weeks = (n: number) => {
  if (n >= 2) return plural(Number(n.toFixed(1)), 'week');
  const days = n * 7;
  if (days >= 1) return plural(Number(days.toFixed(1)), 'day');
  return plural(Number((days * 24).toFixed(1)), 'hour');
};
const spanText = (s: HoursSpan) => (s.kind === '24h' ? '24 hours' : s.kind === 'closed' ? 'closed' : formatSpan(s));

/** Compare one baseline row with the offer's provision for that age group. */
export function assessRow(
  row: BaselineRow | undefined,
  provision: AgeGroupProvision,
): Omit<GapCell, 'period' | 'borough' | 'component' | 'ageGroup'> {
  if (!row || row.offered === 'none') return { status: 'not-offered', reasons: [] };
  const reasons: GapReason[] = [];
  const offer = offerHours(provision.hours);

  if (row.hours) {
    // Weekday daytime is "hours"; nights and weekends are "out-of-hours".
    if (offer.weekday.kind === 'open' && !spanCovers(row.hours.weekday, offer.weekday)) {
      reasons.push({
        code: 'hours',
        message: `Open ${spanText(row.hours.weekday)} on weekdays; the offer is ${spanText(offer.weekday)}`,
        expected: formatSpan(offer.weekday),
        actual: formatSpan(row.hours.weekday),
      });
    }
    const nights = offer.weekday.kind === '24h' && row.hours.weekday.kind !== '24h';
    const weekends = !spanCovers(row.hours.weekend, offer.weekend);
    if (nights || weekends) {
      const missing = [nights ? 'overnight' : '', weekends ? `at weekends (${spanText(row.hours.weekend)})` : '']
        .filter(Boolean)
        .join(' and ');
      reasons.push({
        code: 'out-of-hours',
        message: `No cover ${missing}; the offer is ${spanText(offer.weekday)} on weekdays and ${spanText(offer.weekend)} at weekends`,
        expected: `weekday ${formatSpan(offer.weekday)}, weekend ${formatSpan(offer.weekend)}`,
        actual: `weekday ${formatSpan(row.hours.weekday)}, weekend ${formatSpan(row.hours.weekend)}`,
      });
    }
  }

  // Only median and 90th percentile are collected: a standard for 90% or more of people is
  // checked against the 90th percentile, a lower or unstated target against the median.
  for (const std of routineStandards(provision)) {
    const useP90 = std.target === undefined || std.target >= 0.9;
    const wait = useP90 ? (row.p90WaitWeeks ?? row.medianWaitWeeks) : row.medianWaitWeeks;
    const which = useP90 && row.p90WaitWeeks !== undefined ? '90th percentile' : 'median';
    if (wait !== undefined && wait > std.weeks + 1e-9) {
      const standard = humaniseDuration(provision.responseStandards.find((s) => s.urgency === 'routine')!.firstContact);
      reasons.push({
        code: 'response-time',
        message: `${which === 'median' ? 'Median' : '90th percentile'} wait to first contact is ${weeks(wait)}; the offer's routine standard is ${weeks(std.weeks)}${std.target ? ` for ${Math.round(std.target * 100)}% of people` : ''}`,
        expected: `${which} at most ${weeks(std.weeks)} (${standard})`,
        actual: `${which} ${weeks(wait)}`,
      });
      break;
    }
  }

  if (row.accessRoutes) {
    const missing = provision.accessRoutes.filter((r) => !row.accessRoutes!.includes(r));
    if (missing.length > 0) {
      reasons.push({
        code: 'access-route',
        message: `Cannot be reached by ${missing.join(' or ')}`,
        expected: provision.accessRoutes.join(';'),
        actual: row.accessRoutes.join(';'),
      });
    }
  }

  const group = getAgeGroup(provision.ageGroup);
  if (row.ages && group) {
    const short =
      row.ages.from > group.minAge || (row.ages.to !== null && (group.maxAge === null || row.ages.to < group.maxAge));
    if (short) {
      const bound = (to: number | null) => (to === null ? 'and over' : `to ${to}`);
      reasons.push({
        code: 'age-coverage',
        message: `Serves ages ${row.ages.from} ${bound(row.ages.to)}; the offer covers ${group.minAge} ${bound(group.maxAge)}`,
        expected: `${group.minAge}-${group.maxAge ?? ''}`,
        actual: `${row.ages.from}-${row.ages.to ?? ''}`,
      });
    }
  }

  if (row.pointsOfDelivery) {
    const missing = provision.pointsOfDelivery.filter((p) => !row.pointsOfDelivery!.includes(p));
    if (missing.length > 0) {
      reasons.push({
        code: 'point-of-delivery',
        message: `Not delivered ${missing.map((m) => (m === 'virtual' ? 'virtually' : `at ${m.replace('-', ' ')}`)).join(' or ')}`,
        expected: provision.pointsOfDelivery.join(';'),
        actual: row.pointsOfDelivery.join(';'),
      });
    }
  }

  if (reasons.length === 0 && row.offered === 'partial') {
    reasons.push({
      code: 'reported-partial',
      message: row.notes ? `Reported as partly offered: ${row.notes}` : 'Reported as partly offered',
      expected: 'full',
      actual: 'partial',
    });
  }
  return { status: reasons.length > 0 ? 'partly' : 'meets', reasons };
}

const key = (borough: string, component: string, ageGroup: string) => `${borough}|${component}|${ageGroup}`;

/** Every borough × component × age group the offer provides, for one period. */
export function gapMatrix(input: {
  period: string;
  boroughs: readonly string[];
  components: readonly Component[];
  rows: readonly BaselineRow[];
}): GapCell[] {
  const index = new Map<string, BaselineRow>();
  for (const r of input.rows) if (r.period === input.period) index.set(key(r.borough, r.component, r.ageGroup), r);
  const cells: GapCell[] = [];
  for (const borough of input.boroughs) {
    for (const c of input.components) {
      for (const p of c.provisions) {
        const assessed = assessRow(index.get(key(borough, c.code, p.ageGroup)), p);
        cells.push({ period: input.period, borough, component: c.code, ageGroup: p.ageGroup, ...assessed });
      }
    }
  }
  return cells;
}
