// The costing model: from the baseline's gap matrix and variation against need to what closing each gap
// costs, what it saves, the funding levers and the year-by-year results of a plan. Pure: data in, data out.
// Nothing here re-implements the baseline: gaps and need-weighted populations come from its functions.
import { AFC_BANDS, type AfcBandCode, type BaselineRow, type GapCell, type VariationRow } from '../baseline/index.ts';
import type { Component } from '../offer/index.ts';
import { ADMISSION_EFFECTS, PLACEMENT_EFFECTS, type Values } from './finance.assumptions.ts';
import { percentile } from './finance.montecarlo.ts';
import { providerProductivity } from './finance.productivity.ts';

export const FINANCE_STAFF_GROUPS = ['nursing', 'allied-health', 'medical', 'psychology', 'support', 'other'] as const;
export type FinanceStaffGroup = (typeof FINANCE_STAFF_GROUPS)[number];
export const LEVERS = ['efficiency', 'scale', 'systemSavings', 'redistribution', 'growth', 'national'] as const;
export type Lever = (typeof LEVERS)[number];
/** Levers that bring money from outside the system; the others recycle money already in it. */
export const NEW_MONEY_LEVERS: readonly Lever[] = ['growth', 'national'];

/** A plan's funding over all its years, split into new money and the system's own levers. */
export function fundingBySource(funding: Readonly<Record<Lever, readonly number[]>>): {
  newMoney: number;
  ownLevers: number;
} {
  let newMoney = 0;
  let ownLevers = 0;
  for (const lever of LEVERS) {
    const total = funding[lever].reduce((a, b) => a + b, 0);
    if (NEW_MONEY_LEVERS.includes(lever)) newMoney += total;
    else ownLevers += total;
  }
  return { newMoney, ownLevers };
}
export const LEVER_NAMES: Record<Lever, string> = {
  efficiency: 'Efficiency to best in class',
  scale: 'Opportunities of scale',
  systemSavings: 'System savings reinvested',
  redistribution: 'Redistribution between boroughs',
  growth: 'Growth monies',
  national: 'National allocations',
};
/** Items that need the central point of access in their borough start no earlier than it. */
export const CENTRAL_POINT_OF_ACCESS = 'central-point-of-access';
/** Sized by the national virtual ward beds per 100,000 rather than by the boroughs' staffing. */
export const VIRTUAL_WARDS = 'virtual-wards';

export interface ModelInput {
  boroughs: readonly { code: string; name: string }[];
  components: readonly Component[];
  gaps: readonly GapCell[];
  /** The baseline's variation rows (borough × component, with need-weighted populations). */
  variation: readonly VariationRow[];
  rows: readonly BaselineRow[];
}

/** One borough × component with a gap, costed at full effect. */
export interface GapItem {
  id: string;
  borough: string;
  component: string;
  status: 'not-offered' | 'partly';
  ageGroups: string[];
  reasons: string[];
  currentWte: number;
  targetWte: number;
  wte: Partial<Record<FinanceStaffGroup, number>>;
  addWte: number;
  annualCost: number;
  setupCost: number;
  admissionsAvoided: number;
  bedDaysSaved: number;
  placementDaysSaved: number;
  grossSaving: number;
  cashableSaving: number;
  /** Need-weighted residents (thousands) who gain the offer, weighted by how much is missing. */
  coverage: number;
  annualBenefit: number;
  requires: string[];
}

/** The q-quantile of sorted values (0 when there are none). */
const quantileSorted = (s: readonly number[], q: number): number =>
  s.length === 0 ? 0 : percentile(s, Math.min(1, Math.max(0, q)));

/** Precomputed, assumption-free facts about the gaps (so Monte Carlo draws only redo the arithmetic). */
export interface GapFacts {
  items: {
    id: string;
    borough: string;
    component: string;
    status: 'not-offered' | 'partly';
    ageGroups: string[];
    reasons: string[];
    gapShare: number;
    currentWte: number;
    /** Population the target rate applies to (need-weighted where the baseline has an indicator). */
    base: number;
    /** The component's staffing per base head in each borough that reports staff, ascending. */
    rates: number[];
    mix: Partial<Record<FinanceStaffGroup, number>>;
    mixEntries: [FinanceStaffGroup, number][];
    /** The component's Agenda for Change band mix across the system (shares), empty when no row gives bands. */
    bandEntries: [AfcBandCode, number][];
    /** The assumption key of out-of-area placement days avoided per WTE, for crisis services. */
    placementKey: string | null;
    requires: string[];
    reasonCounts: Record<'hours' | 'outOfHours' | 'responseTime' | 'other', number>;
  }[];
}

export function gapFacts(input: ModelInput): GapFacts {
  const comp = new Map(input.components.map((c) => [c.code, c]));
  const varRow = new Map(input.variation.map((v) => [`${v.borough}|${v.component}`, v]));
  const baseOf = (v: VariationRow | undefined) => (v ? (v.needWeightedPopulation ?? v.population) : 0);
  // Staffing per head by component across boroughs, and the system skill mix by component.
  const rates = new Map<string, number[]>();
  const mixes = new Map<string, Partial<Record<FinanceStaffGroup, number>>>();
  for (const v of input.variation) {
    if (v.borough === 'system') continue;
    const b = baseOf(v);
    if (v.staffWte > 0 && b > 0) {
      const list = rates.get(v.component) ?? [];
      list.push(v.staffWte / b);
      rates.set(v.component, list);
    }
  }
  const bandMixes = new Map<string, Partial<Record<AfcBandCode, number>>>();
  for (const r of input.rows) {
    const bm = bandMixes.get(r.component) ?? {};
    for (const [b, n] of Object.entries(r.bandWte ?? {}) as [AfcBandCode, number][]) bm[b] = (bm[b] ?? 0) + n;
    bandMixes.set(r.component, bm);
    const m = mixes.get(r.component) ?? {};
    for (const [g, n] of Object.entries(r.staffWte)) {
      m[g as FinanceStaffGroup] = (m[g as FinanceStaffGroup] ?? 0) + (n ?? 0);
    }
    mixes.set(r.component, m);
  }
  const byItem = new Map<string, GapCell[]>();
  for (const g of input.gaps) {
    if (g.status === 'meets') continue;
    const k = `${g.borough}|${g.component}`;
    const list = byItem.get(k) ?? [];
    list.push(g);
    byItem.set(k, list);
  }
  const ids = new Set([...byItem.keys()].map((k) => k.replace('|', ':')));
  const items: GapFacts['items'] = [];
  for (const [k, cells] of byItem) {
    const [borough, component] = k.split('|');
    const c = comp.get(component);
    if (!c) continue;
    const v = varRow.get(k);
    const notOffered = cells.every((x) => x.status === 'not-offered') && (v?.staffWte ?? 0) === 0;
    const reasonCounts = { hours: 0, outOfHours: 0, responseTime: 0, other: 0 };
    const reasons = new Set<string>();
    for (const cell of cells) {
      for (const r of cell.reasons) {
        reasons.add(r.code);
        if (r.code === 'hours') reasonCounts.hours++;
        else if (r.code === 'out-of-hours') reasonCounts.outOfHours++;
        else if (r.code === 'response-time') reasonCounts.responseTime++;
        else reasonCounts.other++;
      }
      if (cell.status === 'not-offered') reasonCounts.other += 0; // costed through the target staffing
    }
    const rawMix = mixes.get(component) ?? {};
    const total = Object.values(rawMix).reduce((a, b) => a + (b ?? 0), 0);
    const mix: Partial<Record<FinanceStaffGroup, number>> =
      total > 0
        ? Object.fromEntries(Object.entries(rawMix).map(([g, n]) => [g, (n ?? 0) / total]))
        : { [c.domain === 'mental-health' ? 'psychology' : 'nursing']: 1 };
    const bands = bandMixes.get(component) ?? {};
    const bandTotal = Object.values(bands).reduce((a, b) => a + (b ?? 0), 0);
    const bandEntries: [AfcBandCode, number][] =
      bandTotal > 0
        ? AFC_BANDS.filter((b) => (bands[b.code] ?? 0) > 0).map((b) => [b.code, bands[b.code]! / bandTotal])
        : [];
    const usesCpa =
      component !== CENTRAL_POINT_OF_ACCESS &&
      c.provisions.some((p) => p.accessRoutes.includes(CENTRAL_POINT_OF_ACCESS));
    const cpa = `${borough}:${CENTRAL_POINT_OF_ACCESS}`;
    items.push({
      id: `${borough}:${component}`,
      borough,
      component,
      status: notOffered ? 'not-offered' : 'partly',
      ageGroups: cells.map((x) => x.ageGroup),
      reasons: [...reasons].sort(),
      gapShare: cells.length / Math.max(1, c.provisions.length),
      currentWte: v?.staffWte ?? 0,
      base: baseOf(v),
      rates: [...(rates.get(component) ?? [])].sort((x, y) => x - y),
      mix,
      mixEntries: Object.entries(mix).filter(([, x]) => (x ?? 0) > 0) as [FinanceStaffGroup, number][],
      bandEntries,
      placementKey: component in PLACEMENT_EFFECTS ? `placement.${component}` : null,
      requires: usesCpa && ids.has(cpa) ? [cpa] : [],
      reasonCounts,
    });
  }
  items.sort((a, b) => a.id.localeCompare(b.id));
  return { items };
}

const UNCOSTED_GROUP: FinanceStaffGroup = 'other';
const groupCost = (a: Values, g: string) => a[`cost.wte.${g}`] ?? a[`cost.wte.${UNCOSTED_GROUP}`];

/**
 * Pay a year for one new WTE of the item's component: its staff groups in the system's mix; doctors at their
 * cost, everyone else at the component's Agenda for Change band mix where the baseline gives it (each band at
 * its unit cost), at their staff group's cost where it does not.
 */
export function payPerWte(f: GapFacts['items'][number], a: Values): number {
  const banded = f.bandEntries.reduce((sum, [b, share]) => sum + share * a[`cost.band.${b}`], 0);
  let pay = 0;
  for (const [g, share] of f.mixEntries) {
    pay += share * (g !== 'medical' && f.bandEntries.length > 0 ? banded : groupCost(a, g));
  }
  return pay;
}

/** Costs, savings and benefit of every gap item under the given assumptions. */
export function costItems(facts: GapFacts, a: Values): GapItem[] {
  const q = a['capacity.targetQuantile'];
  const admissionsPerWte = (component: string): number => {
    if (component === 'silver-triage') {
      return a['silverTriage.callsPerWte'] * a['silverTriage.conveyanceAvoided'] * a['silverTriage.admittedShare'];
    }
    return component in ADMISSION_EFFECTS ? a[`effect.${component}`] : 0;
  };
  return facts.items.map((f) => {
    const virtualWard = f.component === VIRTUAL_WARDS;
    const rate = virtualWard
      ? (a['virtualWard.bedsPer100k'] / 100000) * a['virtualWard.wtePerBed']
      : f.rates.length > 0
        ? quantileSorted(f.rates, q)
        : a['capacity.minWtePer100k'] / 100000;
    const target = rate * f.base;
    const toTarget = Math.max(0, target - f.currentWte);
    const r = f.reasonCounts;
    const share =
      (r.hours * a['uplift.hours'] +
        r.outOfHours * a['uplift.outOfHours'] +
        r.responseTime * a['uplift.responseTime'] +
        r.other * a['uplift.other']) /
      Math.max(1, f.ageGroups.length);
    const uplift = f.currentWte * share;
    const addWte = f.status === 'not-offered' ? target : Math.max(toTarget, uplift);
    const wte: Partial<Record<FinanceStaffGroup, number>> = {};
    for (const [g, s] of f.mixEntries) {
      const n = addWte * s;
      if (n > 0) wte[g as FinanceStaffGroup] = round(n, 2);
    }
    const annualCost = addWte * payPerWte(f, a) * (1 + a['cost.nonPayExtra']);
    // (wte and addWte are shown rounded; the money and savings use the unrounded figures.)
    const setupCost = addWte * a['setup.perWte'] + (f.status === 'not-offered' ? a['setup.newService'] : 0);
    // A virtual ward bed day is an acute bed day avoided; other services avoid admissions.
    const bedDaysSaved = virtualWard
      ? (addWte / a['virtualWard.wtePerBed']) * a['virtualWard.occupancy'] * 365
      : addWte * admissionsPerWte(f.component) * a['savings.losDays'];
    const admissionsAvoided = a['savings.losDays'] > 0 ? bedDaysSaved / a['savings.losDays'] : 0;
    const placementDaysSaved = f.component in PLACEMENT_EFFECTS ? addWte * a[`placement.${f.component}`] : 0;
    const grossSaving = admissionsAvoided * a['unit.nonElective'] + placementDaysSaved * a['unit.mhBedDay'];
    const coverage = (f.base / 1000) * f.gapShare * (f.status === 'not-offered' ? 1 : a['objective.partlyWeight']);
    const annualBenefit = coverage + (a['objective.bedDayWeight'] * (bedDaysSaved + placementDaysSaved)) / 1000;
    return {
      id: f.id,
      borough: f.borough,
      component: f.component,
      status: f.status,
      ageGroups: f.ageGroups,
      reasons: f.reasons,
      currentWte: round(f.currentWte, 2),
      targetWte: round(target, 2),
      wte,
      addWte: round(addWte, 2),
      annualCost,
      setupCost,
      admissionsAvoided,
      bedDaysSaved,
      placementDaysSaved,
      grossSaving,
      cashableSaving: grossSaving * a['savings.cashableShare'],
      coverage,
      annualBenefit,
      requires: f.requires,
    };
  });
}

const round = (v: number, dp: number) => Math.round(v * 10 ** dp) / 10 ** dp;

/** Share of full savings in the k-th year after an item starts (k = 0 is the start year). */
export function rampShare(k: number, a: Values): number {
  const lag = a['recruit.leadMonths'] / 12;
  const ramp = a['savings.rampYears'];
  if (k < 0) return 0;
  const effective = k + 1 - lag; // years of working service by the end of year k
  if (effective <= 0) return 0;
  if (ramp <= 0) return Math.min(1, effective);
  // Within the year the ramp rises linearly; average the share over the year.
  const at = (t: number) => Math.min(1, Math.max(0, t / ramp));
  const start = Math.max(0, effective - 1);
  const steps = 12;
  let sum = 0;
  for (let m = 0; m < steps; m++) {
    const t = start + ((m + 0.5) / steps) * (effective - start);
    sum += at(t);
  }
  return (sum / steps) * (effective - start);
}

// ---------------------------------------------------------------------------------------------------------
// Funding levers that do not depend on the plan

export interface FixedLevers {
  /** Pounds per year, by lever, not counting system savings (which follow the plan). */
  byLever: Record<Exclude<Lever, 'systemSavings'>, number[]>;
  /** Extra savings found (option c), a year. */
  extraSavings: number[];
  baselineSpend: number;
  /** Growth monies shared by distance from the need-weighted target, by borough (totals over the plan). */
  growthByBorough: Record<string, number>;
}

export function fixedLevers(input: ModelInput, a: Values, years: number): FixedLevers {
  const ramp = (k: number, n: number) => Math.min(1, (k + 1) / Math.max(1, n));
  // Efficiency: a share of what each provider would release at the best-in-class cost per contact.
  const release =
    providerProductivity(input.rows, a['efficiency.bestQuantile']).totalRelease * a['efficiency.captureShare'];
  const baselineSpend = input.rows.reduce((s, r) => s + (r.spendPence ?? 0) / 100, 0);
  // Scale: components every borough already provides can be organised once across the system.
  const offeredIn = new Map<string, Set<string>>();
  const spendBy = new Map<string, number>();
  for (const r of input.rows) {
    if (r.offered === 'none') continue;
    const s = offeredIn.get(r.component) ?? new Set();
    s.add(r.borough);
    offeredIn.set(r.component, s);
    spendBy.set(r.component, (spendBy.get(r.component) ?? 0) + (r.spendPence ?? 0) / 100);
  }
  let scaleBase = 0;
  for (const [c, s] of offeredIn) if (s.size >= input.boroughs.length) scaleBase += spendBy.get(c) ?? 0;
  // Redistribution: spend above each borough's need-weighted share can move, capped each year.
  const boroughSpend = new Map<string, number>();
  for (const r of input.rows)
    boroughSpend.set(r.borough, (boroughSpend.get(r.borough) ?? 0) + (r.spendPence ?? 0) / 100);
  const weight = new Map<string, number>();
  for (const v of input.variation) {
    if (v.borough === 'system') continue;
    weight.set(v.borough, (weight.get(v.borough) ?? 0) + (v.needWeightedPopulation ?? v.population));
  }
  const totalWeight = [...weight.values()].reduce((s, w) => s + w, 0) || 1;
  let excess = 0;
  const shortfall = new Map<string, number>();
  for (const b of input.boroughs) {
    const target = (baselineSpend * (weight.get(b.code) ?? 0)) / totalWeight;
    const spend = boroughSpend.get(b.code) ?? 0;
    if (spend > target) excess += spend - target;
    else shortfall.set(b.code, target - spend);
  }
  const growth = Array.from({ length: years }, (_, k) => a[`funding.growth.y${Math.min(k + 1, 5)}`] ?? 0);
  const growthTotal = growth.reduce((s, g) => s + g, 0);
  const totalShort = [...shortfall.values()].reduce((s, v) => s + v, 0);
  const growthByBorough: Record<string, number> = {};
  for (const b of input.boroughs) {
    growthByBorough[b.code] =
      totalShort > 0 ? (growthTotal * (shortfall.get(b.code) ?? 0)) / totalShort : growthTotal / input.boroughs.length;
  }
  const national = a['national.virtualWards'] + a['national.ageingWell'] + a['national.mhis'] + a['national.sdf'];
  const yearsArr = Array.from({ length: years }, (_, k) => k);
  return {
    byLever: {
      efficiency: yearsArr.map(
        (k) => release * ramp(k, a['efficiency.rampYears']) + baselineSpend * a['efficiency.extra'],
      ),
      scale: yearsArr.map((k) => scaleBase * a['scale.rate'] * ramp(k, a['efficiency.rampYears'])),
      redistribution: yearsArr.map((k) => Math.min(excess, baselineSpend * a['redistribution.capPerYear'] * (k + 1))),
      growth,
      national: yearsArr.map(() => national),
    },
    extraSavings: yearsArr.map(() => a['savings.extra']),
    baselineSpend,
    growthByBorough,
  };
}

export function fixedBudget(levers: FixedLevers): number[] {
  const n = levers.byLever.growth.length;
  return Array.from({ length: n }, (_, t) => {
    let s = levers.extraSavings[t];
    for (const v of Object.values(levers.byLever)) s += v[t];
    return s;
  });
}

// ---------------------------------------------------------------------------------------------------------
// A plan's results by year

export interface YearResults {
  investment: number[];
  setup: number[];
  grossSavings: number[];
  cashableSavings: number[];
  bedDaysSaved: number[];
  placementDaysSaved: number[];
  admissionsAvoided: number[];
  bedsEquivalent: number[];
  funding: Record<Lever, number[]>;
  fundingTotal: number[];
  netCost: number[];
}

/** Year-by-year results of items started in the given year indices (−1 = not in the plan). */
export function projectPlan(
  items: readonly GapItem[],
  start: readonly number[],
  a: Values,
  levers: FixedLevers,
): YearResults {
  const T = levers.byLever.growth.length;
  const z = () => new Array<number>(T).fill(0);
  const r = {
    investment: z(),
    setup: z(),
    grossSavings: z(),
    cashableSavings: z(),
    bedDaysSaved: z(),
    placementDaysSaved: z(),
    admissionsAvoided: z(),
  };
  const ramps = Array.from({ length: T }, (_, k) => rampShare(k, a));
  items.forEach((it, i) => {
    const t = start[i];
    if (t < 0) return;
    r.setup[t] += it.setupCost;
    for (let s = t; s < T; s++) {
      const f = ramps[s - t];
      r.investment[s] += it.annualCost + (s === t ? it.setupCost : 0);
      r.grossSavings[s] += it.grossSaving * f;
      r.cashableSavings[s] += it.cashableSaving * f;
      r.bedDaysSaved[s] += it.bedDaysSaved * f;
      r.placementDaysSaved[s] += it.placementDaysSaved * f;
      r.admissionsAvoided[s] += it.admissionsAvoided * f;
    }
  });
  const systemSavings = z();
  for (let s = 0; s < T; s++) {
    systemSavings[s] = levers.extraSavings[s] + (s > 0 ? a['savings.reinvestShare'] * r.cashableSavings[s - 1] : 0);
  }
  const funding = { ...levers.byLever, systemSavings } as Record<Lever, number[]>;
  const fundingTotal = z().map((_, t) => LEVERS.reduce((sum, l) => sum + funding[l][t], 0));
  return {
    ...r,
    bedsEquivalent: r.bedDaysSaved.map((b) => b / 365),
    funding,
    fundingTotal,
    netCost: r.investment.map((v, t) => v - r.cashableSavings[t]),
  };
}

/**
 * The same investment, net cost and bed days by year as costItems + projectPlan, without building objects:
 * the Monte Carlo inner loop (10,000 draws) calls it once per draw.
 */
export function evaluatePlanFast(
  facts: GapFacts,
  start: readonly number[],
  a: Values,
  T: number,
): { investment: number[]; netCost: number[]; bedDays: number[]; beds: number[] } {
  const investment = new Array<number>(T).fill(0);
  const cashable = new Array<number>(T).fill(0);
  const bedDays = new Array<number>(T).fill(0);
  const ramps = new Array<number>(T);
  for (let k = 0; k < T; k++) ramps[k] = rampShare(k, a);
  const q = a['capacity.targetQuantile'];
  const vwRate = (a['virtualWard.bedsPer100k'] / 100000) * a['virtualWard.wtePerBed'];
  const fallback = a['capacity.minWtePer100k'] / 100000;
  const nonPay = 1 + a['cost.nonPayExtra'];
  const los = a['savings.losDays'];
  const share = a['savings.cashableShare'];
  const silver = a['silverTriage.callsPerWte'] * a['silverTriage.conveyanceAvoided'] * a['silverTriage.admittedShare'];
  const uOut = a['uplift.outOfHours'];
  const uHours = a['uplift.hours'];
  const uResp = a['uplift.responseTime'];
  const uOther = a['uplift.other'];
  const items = facts.items;
  // Look each figure up once per call, not once per item (a component's pay per WTE is the same everywhere).
  const payPerWteOf = new Map<string, number>();
  const effects = new Map<string, number>();
  for (const f of items) {
    if (!payPerWteOf.has(f.component)) payPerWteOf.set(f.component, payPerWte(f, a));
    if (!effects.has(f.component)) {
      effects.set(
        f.component,
        f.component === 'silver-triage' ? silver : f.component in ADMISSION_EFFECTS ? a[`effect.${f.component}`] : 0,
      );
    }
  }
  const perWteSetup = a['setup.perWte'];
  const newService = a['setup.newService'];
  const wtePerBed = a['virtualWard.wtePerBed'];
  const occupancy = a['virtualWard.occupancy'];
  const nel = a['unit.nonElective'];
  const mhBed = a['unit.mhBedDay'];
  for (let i = 0; i < items.length; i++) {
    const t = start[i];
    if (t < 0) continue;
    const f = items[i];
    const vw = f.component === VIRTUAL_WARDS;
    const rate = vw ? vwRate : f.rates.length > 0 ? quantileSorted(f.rates, q) : fallback;
    const target = rate * f.base;
    let addWte: number;
    if (f.status === 'not-offered') addWte = target;
    else {
      const r = f.reasonCounts;
      const up =
        (f.currentWte * (r.hours * uHours + r.outOfHours * uOut + r.responseTime * uResp + r.other * uOther)) /
        Math.max(1, f.ageGroups.length);
      addWte = Math.max(target - f.currentWte, up, 0);
    }
    const annual = addWte * payPerWteOf.get(f.component)! * nonPay;
    const setup = addWte * perWteSetup + (f.status === 'not-offered' ? newService : 0);
    const bd = vw ? (addWte / wtePerBed) * occupancy * 365 : addWte * effects.get(f.component)! * los;
    const admissions = los > 0 ? bd / los : 0;
    const placement = f.placementKey ? addWte * a[f.placementKey] : 0;
    const cash = (admissions * nel + placement * mhBed) * share;
    investment[t] += setup;
    for (let s = t; s < T; s++) {
      const k = ramps[s - t];
      investment[s] += annual;
      cashable[s] += cash * k;
      bedDays[s] += bd * k;
    }
  }
  return {
    investment,
    netCost: investment.map((v, s) => v - cashable[s]),
    bedDays,
    beds: bedDays.map((b) => b / 365),
  };
}
