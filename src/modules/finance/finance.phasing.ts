// Phasing: which gap-closing items start in which year of the plan. Pure apart from the HiGHS WebAssembly
// solver, which is loaded once and called synchronously.
//
// The problem (the API's core, docs/decisions/0012-finance-phasing-objective.md):
//   x[i][t] = 1 when item i starts in year t; each item starts at most once (or never).
//   cost in year s    = Σ_i setupCost_i·x[i][s] + Σ_i Σ_{t≤s} annualCost_i·x[i][t]   ≤ budget[s]
//   recruitment in s  = Σ_i wte_i[g]·x[i][s]                                       ≤ recruitable[g][s]
//   i requires j      : Σ_{t≤s} x[i][t] ≤ Σ_{t≤s} x[j][t] for every s (j has started by the time i does)
//   objective         = Σ_s Σ_i annualBenefit_i·weight[s]·[i running in s]  (maximised; weight 1 by default)
// Optional extensions: `mustStart` (the item has to start by the end of the horizon, which can make the
// problem infeasible) and `reinvestment` (a share of an item's cashable savings in year s−1 adds to the
// budget of year s, with the savings ramp as a fraction per year since the start).
import { createRequire } from 'node:module';
import type { Highs } from 'highs';
import { type FieldError, ValidationError } from '../../platform/errors.ts';

export interface PhasingItem {
  id: string;
  borough?: string;
  component?: string;
  annualCost: number;
  setupCost: number;
  annualBenefit: number;
  /** New staff needed in the start year, per staff group. */
  wte: Record<string, number>;
  requires: string[];
  /** Extension: this item must start within the horizon. */
  mustStart?: boolean;
  /** Extension: cashable savings a year at full effect (pounds), for reinvestment. */
  cashableSaving?: number;
  startYear?: string | null;
}

export interface PhasingProblem {
  years: string[];
  budget: number[];
  items: PhasingItem[];
  recruitable: Record<string, number[]>;
  /** Objective weight of each year (1 each by default), e.g. for discounting. */
  yearWeights?: number[];
  reinvestment?: { share: number; ramp: number[] };
  /** Stop at this relative gap (default 0.001) or this many seconds (default 10). */
  mipRelGap?: number;
  timeLimitSeconds?: number;
  /**
   * Stop after this many branch-and-bound nodes (HiGHS `mip_max_nodes`). Unlike the time limit this does not
   * depend on the machine or its load, so the same problem gives the same plan every time (the seeded plan).
   */
  maxNodes?: number;
}

export interface PhasingResult {
  years: string[];
  budget: number[];
  items: (PhasingItem & { startYear: string | null })[];
  recruitable: Record<string, number[]>;
  objective: number;
  method: 'milp' | 'greedy';
  /** Proven relative gap between the plan and the best bound (0 = optimal); null for greedy. */
  optimalityGap: number | null;
  /** Spend, reinvested savings and headroom per year for the plan. */
  spend: number[];
  reinvested: number[];
  seconds: number;
}

export class InfeasiblePhasingError extends ValidationError {
  constructor(fields: FieldError[]) {
    super(fields, 'No plan can meet every constraint');
    (this as { code: string }).code = 'infeasible';
  }
}

const YEAR = /^\d{4}-\d{2}$/;
const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** Checks a problem and names every field that is wrong. Throws ValidationError. */
export function validatePhasing(p: PhasingProblem): void {
  const errors: FieldError[] = [];
  const T = Array.isArray(p.years) ? p.years.length : 0;
  if (T < 1 || T > 15) errors.push({ field: 'years', message: 'Give between 1 and 15 years' });
  p.years?.forEach((y, i) => {
    if (!YEAR.test(y)) errors.push({ field: `years[${i}]`, message: 'Write the year as 2023-24' });
  });
  if (new Set(p.years).size !== T) errors.push({ field: 'years', message: 'Each year can appear only once' });
  if (!Array.isArray(p.budget) || p.budget.length !== T) {
    errors.push({ field: 'budget', message: `Give a budget for each of the ${T} years` });
  } else {
    p.budget.forEach((b, i) => {
      if (!finite(b) || b < 0) errors.push({ field: `budget[${i}]`, message: 'A budget must be 0 or more' });
    });
  }
  for (const [g, caps] of Object.entries(p.recruitable ?? {})) {
    if (!Array.isArray(caps) || caps.length !== T) {
      errors.push({ field: `recruitable.${g}`, message: `Give a recruitment limit for each of the ${T} years` });
    } else if (caps.some((c) => !finite(c) || c < 0)) {
      errors.push({ field: `recruitable.${g}`, message: 'A recruitment limit must be 0 or more' });
    }
  }
  if (p.yearWeights && (p.yearWeights.length !== T || p.yearWeights.some((w) => !finite(w) || w < 0))) {
    errors.push({ field: 'yearWeights', message: `Give a weight of 0 or more for each of the ${T} years` });
  }
  const ids = new Map<string, number>();
  (p.items ?? []).forEach((it, i) => {
    if (!it.id) errors.push({ field: `items[${i}].id`, message: 'Give each item an id' });
    else if (ids.has(it.id)) errors.push({ field: `items[${i}].id`, message: `The id ${it.id} is used twice` });
    else ids.set(it.id, i);
    for (const k of ['annualCost', 'setupCost', 'annualBenefit'] as const) {
      if (!finite(it[k]) || it[k] < 0) errors.push({ field: `items[${i}].${k}`, message: `${k} must be 0 or more` });
    }
    for (const [g, n] of Object.entries(it.wte ?? {})) {
      if (!finite(n) || n < 0) errors.push({ field: `items[${i}].wte.${g}`, message: 'Staff must be 0 or more' });
      else if (n > 0 && !(g in (p.recruitable ?? {}))) {
        errors.push({ field: `items[${i}].wte.${g}`, message: `No recruitment limit is given for ${g}` });
      }
    }
  });
  (p.items ?? []).forEach((it, i) => {
    (it.requires ?? []).forEach((r, k) => {
      if (!ids.has(r)) errors.push({ field: `items[${i}].requires[${k}]`, message: `No item has the id ${r}` });
      else if (r === it.id)
        errors.push({ field: `items[${i}].requires[${k}]`, message: 'An item cannot require itself' });
    });
  });
  if (errors.length === 0) {
    const cycle = findCycle(p.items);
    if (cycle) {
      const at = ids.get(cycle[0]) ?? 0;
      errors.push({
        field: `items[${at}].requires`,
        message: `Dependencies go round in a circle: ${cycle.join(' → ')}`,
      });
    }
  }
  if (errors.length > 0) throw new ValidationError(errors);
}

function findCycle(items: readonly PhasingItem[]): string[] | null {
  const req = new Map(items.map((i) => [i.id, i.requires ?? []]));
  const state = new Map<string, 1 | 2>();
  const stack: string[] = [];
  const visit = (id: string): string[] | null => {
    state.set(id, 1);
    stack.push(id);
    for (const r of req.get(id) ?? []) {
      if (state.get(r) === 1) return [...stack.slice(stack.indexOf(r)), r];
      if (!state.has(r)) {
        const c = visit(r);
        if (c) return c;
      }
    }
    stack.pop();
    state.set(id, 2);
    return null;
  };
  for (const i of items) {
    if (!state.has(i.id)) {
      const c = visit(i.id);
      if (c) return c;
    }
  }
  return null;
}

// ---------------------------------------------------------------------------------------------------------
// Evaluating a plan (used by both methods, the tests and the API's feasibility report)

/** Spend and reinvested savings per year, and the objective, for given start-year indices (−1 = never). */
export function evaluatePlan(p: PhasingProblem, start: readonly number[]) {
  const T = p.years.length;
  const spend = new Array<number>(T).fill(0);
  const reinvested = new Array<number>(T).fill(0);
  const hires: Record<string, number[]> = {};
  let objective = 0;
  p.items.forEach((it, i) => {
    const t = start[i];
    if (t < 0) return;
    spend[t] += it.setupCost;
    for (let s = t; s < T; s++) {
      spend[s] += it.annualCost;
      objective += it.annualBenefit * (p.yearWeights?.[s] ?? 1);
      if (p.reinvestment && s > t) {
        reinvested[s] += p.reinvestment.share * (it.cashableSaving ?? 0) * (p.reinvestment.ramp[s - 1 - t] ?? 1);
      }
    }
    for (const [g, n] of Object.entries(it.wte)) {
      hires[g] ??= new Array<number>(T).fill(0);
      hires[g][t] += n;
    }
  });
  return { spend, reinvested, hires, objective };
}

/** Every constraint the plan breaks, as field errors (empty when the plan is feasible). */
export function planViolations(p: PhasingProblem, start: readonly number[]): FieldError[] {
  const { spend, reinvested, hires } = evaluatePlan(p, start);
  const out: FieldError[] = [];
  const tol = 1e-6;
  p.years.forEach((y, s) => {
    if (spend[s] > p.budget[s] + reinvested[s] + tol * Math.max(1, p.budget[s])) {
      out.push({ field: `budget[${s}]`, message: `${y}: spend ${Math.round(spend[s])} is over the budget` });
    }
    for (const [g, h] of Object.entries(hires)) {
      if (h[s] > (p.recruitable[g]?.[s] ?? 0) + tol) {
        out.push({ field: `recruitable.${g}[${s}]`, message: `${y}: ${h[s]} new ${g} staff is over the limit` });
      }
    }
  });
  const idx = new Map(p.items.map((it, i) => [it.id, i]));
  p.items.forEach((it, i) => {
    if (start[i] < 0) {
      if (it.mustStart) out.push({ field: `items[${i}].startYear`, message: `${it.id} has to start` });
      return;
    }
    for (const r of it.requires) {
      const j = idx.get(r)!;
      if (start[j] < 0 || start[j] > start[i]) {
        out.push({ field: `items[${i}].requires`, message: `${it.id} starts before ${r}` });
      }
    }
  });
  return out;
}

function result(
  p: PhasingProblem,
  start: number[],
  method: 'milp' | 'greedy',
  gap: number | null,
  seconds: number,
): PhasingResult {
  const { spend, reinvested, objective } = evaluatePlan(p, start);
  return {
    years: p.years,
    budget: p.budget,
    items: p.items.map((it, i) => ({ ...it, startYear: start[i] >= 0 ? p.years[start[i]] : null })),
    recruitable: p.recruitable,
    objective,
    method,
    optimalityGap: gap,
    spend,
    reinvested,
    seconds,
  };
}

// ---------------------------------------------------------------------------------------------------------
// Greedy: by benefit per pound, earliest year first, an item starts in the first year in which it fits
// (budget in that year and every later one, recruitment that year, its requirements already started).

export function solveGreedy(p: PhasingProblem): PhasingResult {
  const began = performance.now();
  const T = p.years.length;
  const n = p.items.length;
  const start = new Array<number>(n).fill(-1);
  const idx = new Map(p.items.map((it, i) => [it.id, i]));
  const ratio = (it: PhasingItem) => it.annualBenefit / Math.max(1, it.annualCost + it.setupCost / T);
  const order = p.items.map((_, i) => i).sort((a, b) => ratio(p.items[b]) - ratio(p.items[a]) || a - b);
  const spend = new Array<number>(T).fill(0);
  const reinvest = new Array<number>(T).fill(0);
  const hires: Record<string, number[]> = {};
  for (let t = 0; t < T; t++) {
    let added = true;
    while (added) {
      added = false;
      for (const i of order) {
        if (start[i] >= 0) continue;
        const it = p.items[i];
        if (it.requires.some((r) => start[idx.get(r)!] < 0 || start[idx.get(r)!] > t)) continue;
        if (Object.entries(it.wte).some(([g, w]) => (hires[g]?.[t] ?? 0) + w > (p.recruitable[g]?.[t] ?? 0) + 1e-9)) {
          continue;
        }
        let fits = true;
        for (let s = t; s < T && fits; s++) {
          const extra = it.annualCost + (s === t ? it.setupCost : 0);
          if (spend[s] + extra > p.budget[s] + reinvest[s] + 1e-6) fits = false;
        }
        if (!fits) continue;
        start[i] = t;
        for (let s = t; s < T; s++) {
          spend[s] += it.annualCost + (s === t ? it.setupCost : 0);
          if (p.reinvestment && s > t) {
            reinvest[s] += p.reinvestment.share * (it.cashableSaving ?? 0) * (p.reinvestment.ramp[s - 1 - t] ?? 1);
          }
        }
        for (const [g, w] of Object.entries(it.wte)) {
          hires[g] ??= new Array<number>(T).fill(0);
          hires[g][t] += w;
        }
        added = true;
      }
    }
  }
  return result(p, start, 'greedy', null, (performance.now() - began) / 1000);
}

// ---------------------------------------------------------------------------------------------------------
// MILP with HiGHS

let highsPromise: Promise<Highs> | undefined;
/** Loads the solver once per process (or worker). */
export function highsSolver(): Promise<Highs> {
  // The package is CommonJS whose types declare an ES default export; require gives the loader itself.
  const load = createRequire(import.meta.url)('highs') as () => Promise<Highs>;
  if (!highsPromise) highsPromise = load();
  return highsPromise;
}

const num = (v: number) => {
  // LP format wants plain decimals; keep 9 significant digits.
  const s = Number(v.toPrecision(12)).toString();
  return s.includes('e') ? v.toFixed(6) : s;
};
function linear(terms: [number, string][]): string {
  const parts: string[] = [];
  for (const [c, v] of terms) {
    if (c === 0) continue;
    parts.push(`${c < 0 ? '-' : '+'} ${num(Math.abs(c))} ${v}`);
  }
  if (parts.length === 0) return '0 y_0_0';
  // Break long lines: the LP reader accepts any whitespace between terms.
  const lines: string[] = [];
  for (let i = 0; i < parts.length; i += 8) lines.push(parts.slice(i, i + 8).join(' '));
  return lines.join('\n  ');
}

/**
 * The problem in CPLEX LP format, for HiGHS and for anyone who wants to check it. It is written with
 * "running" variables y_i_t = 1 when item i runs in year t (y_i_t ≤ y_i_t+1), so a start is
 * y_i_t − y_i_t−1; this is the same problem as the start-year form above, with sparser dependency rows
 * (y_i_t ≤ y_j_t) that the solver handles faster.
 */
export function phasingLp(p: PhasingProblem): string {
  const T = p.years.length;
  const y = (i: number, t: number) => `y_${i}_${t}`;
  /** Adds c × start(i, t) = c × (y_i_t − y_i_t−1) to a term map. */
  const addStart = (m: Map<string, number>, i: number, t: number, c: number) => {
    m.set(y(i, t), (m.get(y(i, t)) ?? 0) + c);
    if (t > 0) m.set(y(i, t - 1), (m.get(y(i, t - 1)) ?? 0) - c);
  };
  const terms = (m: Map<string, number>) => [...m].map(([v, c]) => [c, v] as [number, string]);
  const obj: [number, string][] = [];
  p.items.forEach((it, i) => {
    for (let t = 0; t < T; t++) obj.push([it.annualBenefit * (p.yearWeights?.[t] ?? 1), y(i, t)]);
  });
  const rows: string[] = [];
  p.items.forEach((it, i) => {
    for (let t = 0; t + 1 < T; t++)
      rows.push(
        ` run_${i}_${t}: ${linear([
          [1, y(i, t)],
          [-1, y(i, t + 1)],
        ])} <= 0`,
      );
    if (it.mustStart) rows.push(` must_${i}: ${y(i, T - 1)} = 1`);
  });
  for (let s = 0; s < T; s++) {
    const m = new Map<string, number>();
    p.items.forEach((it, i) => {
      if (it.annualCost) m.set(y(i, s), (m.get(y(i, s)) ?? 0) + it.annualCost);
      if (it.setupCost) addStart(m, i, s, it.setupCost);
      if (p.reinvestment && it.cashableSaving) {
        for (let t = 0; t < s; t++) {
          const c = p.reinvestment.share * it.cashableSaving * (p.reinvestment.ramp[s - 1 - t] ?? 1);
          if (c) addStart(m, i, t, -c);
        }
      }
    });
    // Pounds are written in thousands so the budget rows are on the same scale as the others.
    const k = (v: number) => v / 1000;
    rows.push(` budget_${s}: ${linear(terms(m).map(([c, v]) => [k(c), v]))} <= ${num(k(p.budget[s]))}`);
    for (const [g, caps] of Object.entries(p.recruitable)) {
      const gm = new Map<string, number>();
      p.items.forEach((it, i) => {
        if ((it.wte[g] ?? 0) > 0) addStart(gm, i, s, it.wte[g]);
      });
      if (gm.size) rows.push(` staff_${safe(g)}_${s}: ${linear(terms(gm))} <= ${num(caps[s])}`);
    }
  }
  const idx = new Map(p.items.map((it, i) => [it.id, i]));
  p.items.forEach((it, i) => {
    for (const r of it.requires) {
      const j = idx.get(r)!;
      for (let s = 0; s < T; s++)
        rows.push(
          ` dep_${i}_${j}_${s}: ${linear([
            [1, y(i, s)],
            [-1, y(j, s)],
          ])} <= 0`,
        );
    }
  });
  const vars: string[] = [];
  p.items.forEach((_, i) => {
    for (let t = 0; t < T; t++) vars.push(y(i, t));
  });
  const binaries: string[] = [];
  for (let k = 0; k < vars.length; k += 12) binaries.push(` ${vars.slice(k, k + 12).join(' ')}`);
  return [
    'Maximize',
    ` benefit: ${linear(obj)}`,
    'Subject To',
    ...(rows.length ? rows : [' none: y_0_0 >= 0']),
    'Binary',
    ...binaries,
    'End',
    '',
  ].join('\n');
}
const safe = (s: string) => s.replace(/[^A-Za-z0-9_]/g, '_');

/** Solves the problem as a mixed-integer programme with HiGHS. */
export async function solveMilp(p: PhasingProblem): Promise<PhasingResult> {
  validatePhasing(p);
  const T = p.years.length;
  if (p.items.length === 0) return result(p, [], 'milp', 0, 0);
  const highs = await highsSolver();
  const began = performance.now();
  const lp = phasingLp(p);
  // The greedy plan is always feasible: give it to HiGHS as its first incumbent, so a run stopped by the time
  // limit is never worse than the heuristic.
  const greedy = solveGreedy(p);
  const hint = greedy.items.map((it) => (it.startYear ? p.years.indexOf(it.startYear) : -1));
  const solved = highs.withModel({ format: 'lp', data: lp }, (m) => {
    m.options.set({
      output_flag: false,
      mip_rel_gap: p.mipRelGap ?? 0.001,
      time_limit: p.timeLimitSeconds ?? 10,
      ...(p.maxNodes !== undefined ? { mip_max_nodes: p.maxNodes } : {}),
    });
    try {
      const n = m.getDimensions().numCols;
      const col = new Float64Array(n);
      p.items.forEach((_, i) => {
        for (let t = 0; t < T; t++) {
          if (hint[i] >= 0 && t >= hint[i]) col[m.getColByName(`y_${i}_${t}`)] = 1;
        }
      });
      m.setSolution({ colValue: col });
    } catch {
      // A start the solver does not take only costs time, never correctness.
    }
    m.run();
    const status = m.getModelStatus();
    const hasSolution = status === 7 || status === 13 || status === 14 || status === 16;
    if (!hasSolution) return { status, values: null, gap: null };
    const sol = m.getSolution();
    const values = new Map<string, number>();
    for (let c = 0; c < sol.colValue.length; c++) values.set(m.getColName(c), sol.colValue[c]);
    return { status, values, gap: Number(m.info.get('mip_gap')) };
  });
  if (solved.status === 8 || solved.status === 9 || !solved.values) {
    throw new InfeasiblePhasingError(explainInfeasible(p));
  }
  const start = p.items.map((_, i) => {
    for (let t = 0; t < T; t++) if ((solved.values!.get(`y_${i}_${t}`) ?? 0) > 0.5) return t;
    return -1;
  });
  const gap = solved.gap !== null && Number.isFinite(solved.gap) ? Math.max(0, solved.gap) : null;
  return result(p, start, 'milp', gap, (performance.now() - began) / 1000);
}

/** Why no plan exists: the first year whose must-start items cannot be afforded or staffed even alone. */
export function explainInfeasible(p: PhasingProblem): FieldError[] {
  const T = p.years.length;
  const must = p.items.filter((it) => it.mustStart);
  // Cheapest way: every must-start item starts in the last year (least running cost), so check that year.
  const last = T - 1;
  const out: FieldError[] = [];
  let cost = 0;
  const hires: Record<string, number> = {};
  for (const it of must) {
    cost += it.setupCost + it.annualCost;
    for (const [g, w] of Object.entries(it.wte)) hires[g] = (hires[g] ?? 0) + w;
  }
  for (const [g, h] of Object.entries(hires)) {
    const total = (p.recruitable[g] ?? []).reduce((a, b) => a + b, 0);
    if (h > total + 1e-9) {
      out.push({
        field: `recruitable.${g}`,
        message: `The items that must start need ${h} new ${g} staff, but only ${total} can be recruited over the plan`,
      });
    }
  }
  for (const it of must) {
    const first = it.setupCost + it.annualCost;
    if (!p.budget.some((b) => b >= first)) {
      const i = p.items.indexOf(it);
      out.push({
        field: `items[${i}]`,
        message: `${it.id} costs ${Math.round(first)} in its first year, more than any year's budget`,
      });
    }
  }
  if (out.length === 0 && cost > p.budget[last]) {
    out.push({
      field: `budget[${last}]`,
      message: `${p.years[last]}: the items that must start cost ${Math.round(cost)} a year, more than the budget of ${Math.round(p.budget[last])}`,
    });
  }
  if (out.length === 0) {
    out.push({
      field: 'items',
      message: 'The items that must start cannot all fit the budgets, recruitment limits and dependencies together',
    });
  }
  return out;
}
