// Variation against need: spend per head and per need-weighted head, staff per 100,000 of the
// age groups a component serves, waits against the offer's standard, and each borough's
// distance from the NCL figure. NCL figures are pooled (total spend over total population),
// not averages of borough ratios, so small boroughs do not count as much as large ones.

import type { Component } from '../offer/index.ts';
import { type Place, populationForAgeGroups } from '../places/index.ts';
import { type BaselineRow, routineStandards, totalWte } from './baseline.ts';

/** The total across community health services (components whose domain is community or both). */
export const COMMUNITY_TOTAL = 'community-health-services';
/** The pseudo-borough for the whole system's pooled figure. */
export const SYSTEM_TOTAL = 'system';

/** Which need indicator weights each component's population, by component code. */
export const DEFAULT_NEED_INDICATORS: Readonly<Record<string, string>> = {
  'diabetes-specialist-nursing-and-education': 'diabetes-prevalence',
  'care-home-in-reach': 'care-home-beds',
  'memory-assessment-and-dementia-support': 'dementia-prevalence',
  'community-mental-health-team-older-adults': 'dementia-prevalence',
  'nhs-talking-therapies': 'depression-prevalence',
  'community-mental-health-team-adults': 'smi-prevalence',
  'crisis-resolution-and-home-treatment': 'smi-prevalence',
  'early-intervention-in-psychosis': 'smi-prevalence',
  'psychological-therapies-for-severe-mental-illness': 'smi-prevalence',
  'smi-physical-health-checks': 'smi-prevalence',
};

export interface Distance {
  /** Borough figure ÷ system figure; null when either is missing or the system figure is 0. */
  ratio: number | null;
  /** Borough figure − system figure. */
  difference: number | null;
}

export interface VariationRow {
  period: string;
  /** GSS code, or SYSTEM_TOTAL. */
  borough: string;
  /** Component code, or COMMUNITY_TOTAL. */
  component: string;
  ageGroups: string[];
  /** People in the age groups served, counted once. */
  population: number;
  needIndicator: string | null;
  /** Cases (prevalence × population) or the count, for the need indicator. */
  need: number | null;
  /** The system population shared out in proportion to need; null without an indicator. */
  needWeightedPopulation: number | null;
  spendPence: number;
  spendPerHeadPence: number | null;
  spendPerNeedWeightedHeadPence: number | null;
  staffWte: number;
  staffPer100k: number | null;
  contacts: number;
  /** Worst median wait (weeks) across the component's age groups, with that group's routine standard. */
  medianWaitWeeks: number | null;
  standardWeeks: number | null;
  /** Median wait − standard; positive means slower than the offer. */
  waitOverStandardWeeks: number | null;
  offered: boolean;
  distance: {
    spendPerHead: Distance;
    spendPerNeedWeightedHead: Distance;
    staffPer100k: Distance;
    medianWait: Distance;
  };
}

export interface VariationInput {
  period: string;
  places: readonly Place[];
  components: readonly Component[];
  rows: readonly BaselineRow[];
  needIndicators?: Readonly<Record<string, string>>;
}

export function distance(value: number | null, system: number | null): Distance {
  if (value === null || system === null) return { ratio: null, difference: null };
  return { ratio: system === 0 ? null : value / system, difference: value - system };
}

const per = (num: number, den: number, scale = 1) => (den > 0 ? (num * scale) / den : null);

/** Need for one place: cases for a rate (percent or per 100,000 of the people served), the count for a count. */
export function needFor(place: Place, indicator: string, population: number): number | null {
  const n = place.needs.find((x) => x.code === indicator);
  if (!n) return null;
  if (n.unit === 'percent') return (population * n.value) / 100;
  if (n.unit === 'per-100000') return (population * n.value) / 100_000;
  if (n.unit === 'count') return n.value;
  return null; // ranks cannot weight a population
}

export function variation(input: VariationInput): VariationRow[] {
  const needMap = input.needIndicators ?? DEFAULT_NEED_INDICATORS;
  const rows = input.rows.filter((r) => r.period === input.period);
  const out: VariationRow[] = [];
  const scopes: { code: string; components: Component[]; ageGroups: string[]; total: boolean }[] = [
    ...input.components.map((c) => ({
      code: c.code,
      components: [c],
      ageGroups: c.provisions.map((p) => p.ageGroup as string),
      total: false,
    })),
    {
      code: COMMUNITY_TOTAL,
      components: input.components.filter((c) => c.domain !== 'mental-health'),
      ageGroups: ['total'],
      total: true,
    },
  ];
  for (const scope of scopes) {
    const codes = new Set(scope.components.map((c) => c.code));
    const indicator = scope.total ? null : (needMap[scope.code] ?? null);
    const perBorough = input.places.map((place) => {
      const mine = rows.filter((r) => r.borough === place.code && codes.has(r.component));
      const population = populationForAgeGroups(place, scope.ageGroups);
      let medianWaitWeeks: number | null = null;
      let standardWeeks: number | null = null;
      if (!scope.total) {
        for (const p of scope.components[0].provisions) {
          const r = mine.find((x) => x.ageGroup === p.ageGroup);
          const std = routineStandards(p)[0];
          if (r?.medianWaitWeeks === undefined || !std) continue;
          const over = r.medianWaitWeeks - std.weeks;
          if (medianWaitWeeks === null || over > medianWaitWeeks - (standardWeeks ?? 0)) {
            medianWaitWeeks = r.medianWaitWeeks;
            standardWeeks = std.weeks;
          }
        }
      }
      return {
        place,
        population,
        need: indicator ? needFor(place, indicator, population) : null,
        spendPence: mine.reduce((s, r) => s + (r.spendPence ?? 0), 0),
        staffWte: mine.reduce((s, r) => s + totalWte(r), 0),
        contacts: mine.reduce((s, r) => s + (r.contacts ?? 0), 0),
        offered: mine.some((r) => r.offered !== 'none'),
        medianWaitWeeks,
        standardWeeks,
      };
    });
    const sysPop = perBorough.reduce((s, b) => s + b.population, 0);
    const needs = perBorough.map((b) => b.need);
    const sysNeed = needs.every((n) => n !== null) ? needs.reduce((s, n) => s + (n as number), 0) : null;
    const weighted = (need: number | null) => (need === null || !sysNeed ? null : (sysPop * need) / sysNeed);
    const sysSpend = perBorough.reduce((s, b) => s + b.spendPence, 0);
    const sysStaff = perBorough.reduce((s, b) => s + b.staffWte, 0);
    const waits = perBorough.filter((b) => b.medianWaitWeeks !== null);
    // System wait: population-weighted mean of borough medians (medians cannot be pooled).
    const waitPop = waits.reduce((s, b) => s + b.population, 0);
    const sysWait =
      waits.length > 0 ? waits.reduce((s, b) => s + b.medianWaitWeeks! * b.population, 0) / waitPop : null;
    const sys = {
      spendPerHead: per(sysSpend, sysPop),
      spendPerNeedWeightedHead: sysNeed ? per(sysSpend, sysPop) : null,
      staffPer100k: per(sysStaff, sysPop, 100_000),
    };
    const make = (b: (typeof perBorough)[number] | null): VariationRow => {
      const population = b ? b.population : sysPop;
      const spendPence = b ? b.spendPence : sysSpend;
      const staffWte = b ? b.staffWte : sysStaff;
      const nwp = b ? weighted(b.need) : sysNeed ? sysPop : null;
      const spendPerHeadPence = per(spendPence, population);
      const spendPerNeedWeightedHeadPence = nwp === null ? null : per(spendPence, nwp);
      const staffPer100k = per(staffWte, population, 100_000);
      const medianWaitWeeks = b ? b.medianWaitWeeks : sysWait;
      const standardWeeks = b ? b.standardWeeks : (waits[0]?.standardWeeks ?? null);
      return {
        period: input.period,
        borough: b ? b.place.code : SYSTEM_TOTAL,
        component: scope.code,
        ageGroups: scope.ageGroups,
        population,
        needIndicator: indicator,
        need: b ? b.need : sysNeed,
        needWeightedPopulation: nwp,
        spendPence,
        spendPerHeadPence,
        spendPerNeedWeightedHeadPence,
        staffWte,
        staffPer100k,
        contacts: b ? b.contacts : perBorough.reduce((s, x) => s + x.contacts, 0),
        medianWaitWeeks,
        standardWeeks,
        waitOverStandardWeeks:
          medianWaitWeeks !== null && standardWeeks !== null ? medianWaitWeeks - standardWeeks : null,
        offered: b ? b.offered : perBorough.some((x) => x.offered),
        distance: {
          spendPerHead: distance(spendPerHeadPence, sys.spendPerHead),
          spendPerNeedWeightedHead: distance(spendPerNeedWeightedHeadPence, sys.spendPerNeedWeightedHead),
          staffPer100k: distance(staffPer100k, sys.staffPer100k),
          medianWait: distance(medianWaitWeeks, sysWait),
        },
      };
    };
    for (const b of perBorough) out.push(make(b));
    out.push(make(null));
  }
  return out;
}
