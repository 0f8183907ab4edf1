// Indicators the system computes from its own data (the framework's `computedFrom`), instead of counts
// loaded from a file or a return:
//   SW2.2  central-point-of-access/time-to-first-contact   children (0–17) with a first contact, by the London
//          financial quarter of that contact: numerator = median days from receipt to first contact,
//          denominator = how many (compute.ts reads a median-time count that way; a median is not a ratio)
//   AW1.1  central-point-of-access/share-meeting-standard  people 65+: numerator = met, denominator = met +
//          breached, by access's standardOutcome at `now`; the quarter is the first contact's, or the due
//          time's when the standard was breached without one
//   LW3.3  baseline/spend-per-head   spend (£) on the offer's mental-health-support components / total population
//   SW2.3  baseline/staff-per-head   WTE (all staff groups) of children's community nursing for children and
//          young people / population 0–17 (the definition's multiplier makes it per 100,000)
// Boroughs, and for the referral measures the whole system (QMJ) too: the system has every record, so it gives
// the NCL median and share itself. SW2.2 and AW1.1 are also broken down by deprivation quintile (of the
// person's postcode district, deprivation.ts: illustrative figures) and by age band; see COMPUTED_BREAKDOWNS
// for what is not available and why. A refresh marks the ICB-loaded counts of these indicators replaced (kept as
// history) and writes the new ones, with an audit row, in one transaction.
import { audit } from '../../platform/audit/audit.ts';
import type { Actor } from '../../platform/auth/roles.ts';
import { type AnyDb, inTransaction } from '../../platform/db/database.ts';
import { ForbiddenError } from '../../platform/errors.ts';
import { median, referralFacts, standardOutcome } from '../access/index.ts';
import { analysisData } from '../baseline/index.ts';
import { populationOf } from '../places/index.ts';
import { ageBandOf, CHILD_AGE_BANDS, deprivationQuintileOf, OLDER_AGE_BANDS } from './deprivation.ts';
import { type AreaCode, BOROUGH_CODES, NCL_SYSTEM_ID } from './framework.ts';
import type { Breakdown } from './returns.ts';
import * as repo from './outcomes.repository.ts';
import { financialQuarterOf, parsePeriod } from './periods.ts';

export const COMPUTED_INDICATORS = ['SW2.2', 'AW1.1', 'LW3.3', 'SW2.3'] as const;
export type ComputedIndicator = (typeof COMPUTED_INDICATORS)[number];

/** The offer's category whose components count as mental health spend (LW3.3). */
export const MENTAL_HEALTH_CATEGORY = 'mental-health-support';
/** The children's community nursing component (SW2.3). */
export const CHILDRENS_COMMUNITY_NURSING = 'childrens-community-nursing';

const COMPUTED_NOTE = 'computed by the system';
const DAY_MS = 24 * 60 * 60 * 1000;

export type ComputedRefresh = {
  readonly asOf: string;
  /** Counts written per indicator. */
  readonly written: Record<ComputedIndicator, number>;
  /** Earlier counts of these indicators marked replaced. */
  readonly replaced: number;
};

/** A baseline period ("2021-22") as a framework annual period ("2021/22"); undefined when it is not one. */
export function annualPeriodOf(baselinePeriod: string): string | undefined {
  const label = baselinePeriod.replace('-', '/');
  return parsePeriod(label)?.frequency === 'annual' ? label : undefined;
}

const AREAS: readonly string[] = [NCL_SYSTEM_ID, ...BOROUGH_CODES];

/** A breakdown a computed indicator has, or does not have and why: said plainly on the indicator page. */
export type BreakdownAvailability = {
  readonly breakdown: string;
  readonly label: string;
  readonly available: boolean;
  readonly reason: string;
};

const REFERRAL_BREAKDOWNS = (ageRange: string): BreakdownAvailability[] => [
  {
    breakdown: 'deprivation-quintile',
    label: 'Deprivation quintile',
    available: true,
    reason:
      'From the postcode district of the person referred. The deprivation figures are illustrative demo data (data/ncl/deprivation), not the Indices of Deprivation, and districts are ranked into local quintiles.',
  },
  { breakdown: 'age-band', label: 'Age band', available: true, reason: `From the age when referred (${ageRange}).` },
  {
    breakdown: 'sex',
    label: 'Sex',
    available: false,
    reason: 'The central point of access does not record sex or gender on a referral.',
  },
  {
    breakdown: 'ethnicity',
    label: 'Ethnic group',
    available: false,
    reason: 'The central point of access does not record ethnic group on a referral.',
  },
  {
    breakdown: 'provider',
    label: 'Provider',
    available: false,
    reason: 'Computed across the whole system from referrals, not per provider.',
  },
];
const BASELINE_BREAKDOWNS = (what: string): BreakdownAvailability[] =>
  ['Deprivation quintile', 'Age band', 'Sex', 'Ethnic group'].map((label) => ({
    breakdown: label.toLowerCase().replace(/ /g, '-'),
    label,
    available: false,
    reason: `The baseline records ${what} per borough, not per resident, so there is nothing to break down within a borough.`,
  }));

/** Which breakdowns each computed indicator has, and for those it has not, why. */
export const COMPUTED_BREAKDOWNS: Record<ComputedIndicator, readonly BreakdownAvailability[]> = {
  'SW2.2': REFERRAL_BREAKDOWNS('children 0–17, in bands 0–4, 5–9, 10–14 and 15–17'),
  'AW1.1': REFERRAL_BREAKDOWNS('people 65 and over, in five-year bands to 90+'),
  'LW3.3': BASELINE_BREAKDOWNS('spend'),
  'SW2.3': BASELINE_BREAKDOWNS('staff'),
};

function count(
  indicator: ComputedIndicator,
  period: string,
  area: string,
  numerator: number,
  denominator: number,
  breakdown: Breakdown = 'total',
  breakdownValue = '',
): repo.StoredCount[] {
  // A borough the framework does not report on (none in NCL) is left out rather than stored.
  if (!AREAS.includes(area)) return [];
  return [
    {
      indicatorCode: indicator,
      period,
      area: area as AreaCode,
      breakdown,
      breakdownValue,
      numerator,
      denominator,
      provider: NCL_SYSTEM_ID,
      returnId: null,
      rowNumber: null,
      notes: COMPUTED_NOTE,
    },
  ];
}

function group<T>(items: readonly T[], keys: (t: T) => string[]): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    for (const k of keys(item)) out.set(k, [...(out.get(k) ?? []), item]);
  }
  return out;
}

/** A referral's cells: the total and each breakdown group it falls in, for its borough and for NCL. */
function cellsOf(period: string, borough: string, groups: readonly [Breakdown, string | null][]): string[] {
  const out: string[] = [];
  for (const area of [borough, NCL_SYSTEM_ID]) {
    out.push(JSON.stringify([period, area, 'total', '']));
    for (const [breakdown, value] of groups)
      if (value !== null) out.push(JSON.stringify([period, area, breakdown, value]));
  }
  return out;
}

/**
 * Recomputes SW2.2, AW1.1, LW3.3 and SW2.3 from referrals and the baseline, replacing their system counts.
 * `now` is business time (the app clock): it decides which waiting referrals have breached their standard.
 */
export async function refreshComputedIndicators(
  db: AnyDb,
  actor: Actor,
  options: { now: Date },
): Promise<ComputedRefresh> {
  if (actor.role !== 'system' && actor.role !== 'analyst' && actor.role !== 'commissioner') {
    throw new ForbiddenError('Only analysts and commissioners can refresh computed indicators');
  }
  const { now } = options;
  return inTransaction(db, async (tx) => {
    const counts: repo.StoredCount[] = [];
    const unkey = (k: string) => JSON.parse(k) as [string, string, Breakdown, string];

    // Referrals: SW2.2 and AW1.1, per borough and for the whole system, in total and by deprivation
    // quintile and age band.
    const facts = await referralFacts(tx, actor);
    const contacted = facts.filter((f) => f.age <= 17 && f.firstContactAt);
    for (const [k, fs] of group(contacted, (f) =>
      cellsOf(financialQuarterOf(f.firstContactAt!), f.borough, [
        ['deprivation-quintile', deprivationQuintileOf(f.postcodeDistrict)],
        ['age-band', ageBandOf(f.age, CHILD_AGE_BANDS)],
      ]),
    )) {
      const days = fs.map((f) => (new Date(f.firstContactAt!).getTime() - new Date(f.receivedAt).getTime()) / DAY_MS);
      const [period, area, breakdown, value] = unkey(k);
      counts.push(...count('SW2.2', period, area, Math.max(0, median(days) ?? 0), fs.length, breakdown, value));
    }
    const judged = facts
      .filter((f) => f.age >= 65)
      .map((f) => ({ f, outcome: standardOutcome(f, now) }))
      .filter((j) => j.outcome === 'met' || j.outcome === 'breached');
    for (const [k, js] of group(judged, ({ f }) =>
      cellsOf(financialQuarterOf((f.firstContactAt ?? f.firstContactDue)!), f.borough, [
        ['deprivation-quintile', deprivationQuintileOf(f.postcodeDistrict)],
        ['age-band', ageBandOf(f.age, OLDER_AGE_BANDS)],
      ]),
    )) {
      const [period, area, breakdown, value] = unkey(k);
      const met = js.filter((j) => j.outcome === 'met').length;
      counts.push(...count('AW1.1', period, area, met, js.length, breakdown, value));
    }

    // Baseline: LW3.3 and SW2.3, per borough and year.
    const { periods } = await analysisData(tx, actor.systemId);
    for (const baselinePeriod of periods) {
      const period = annualPeriodOf(baselinePeriod);
      if (!period) continue;
      const data = await analysisData(tx, actor.systemId, baselinePeriod);
      const mentalHealth = new Set(
        data.components.filter((c) => c.category === MENTAL_HEALTH_CATEGORY).map((c) => c.code),
      );
      for (const place of data.places) {
        const rows = data.rows.filter((r) => r.borough === place.code);
        const spend = rows.filter((r) => mentalHealth.has(r.component) && r.spendPence !== undefined);
        if (spend.length > 0) {
          const pounds = spend.reduce((s, r) => s + (r.spendPence ?? 0), 0) / 100;
          counts.push(...count('LW3.3', period, place.code, pounds, populationOf(place, 'total')));
        }
        const nursing = rows.filter(
          (r) => r.component === CHILDRENS_COMMUNITY_NURSING && r.ageGroup === 'children-young-people',
        );
        if (nursing.length > 0) {
          const wte = nursing.reduce((s, r) => s + Object.values(r.staffWte).reduce((a, b) => a + (b ?? 0), 0), 0);
          counts.push(...count('SW2.3', period, place.code, wte, populationOf(place, 'children-young-people')));
        }
      }
    }

    // Replace loaded figures only where the system now has its own; other periods keep what was loaded.
    const periodsByIndicator = new Map(
      COMPUTED_INDICATORS.map((code) => [
        code,
        [...new Set(counts.filter((c) => c.indicatorCode === code).map((c) => c.period))],
      ]),
    );
    const replaced = await repo.markSystemCountsReplaced(tx, actor.systemId, NCL_SYSTEM_ID, periodsByIndicator, now);
    await repo.insertCounts(tx, actor.systemId, counts);
    const written = Object.fromEntries(
      COMPUTED_INDICATORS.map((code) => [code, counts.filter((c) => c.indicatorCode === code).length]),
    ) as Record<ComputedIndicator, number>;
    await audit(tx, actor, {
      action: 'outcomes.computed.refresh',
      recordType: 'outcomes_counts',
      recordId: COMPUTED_INDICATORS.join(','),
      detail: { asOf: now.toISOString(), written, replaced },
    });
    return { asOf: now.toISOString(), written, replaced };
  });
}
