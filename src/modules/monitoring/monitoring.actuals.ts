// Actuals read from the modules that produce them, grouped into the borough's financial quarters. Pure: the
// figures come in as each module's own rows (central point of access compliance by month, virtual ward bed days
// by quarter, silver triage figures by month, out-of-area placement days by month, outcome indicator values by
// period) and leave as one row per quarter. Nothing here recomputes a module's rule: met/breached, bed days,
// avoided conveyances and placement days are that module's counts, only summed over the quarter's months.
import { QUARTERS, quarterOf } from './monitoring.ts';

/** Where each figure comes from, said on the page, in the pack and in the API. */
export const ACTUAL_SOURCES = {
  compliance:
    'Central point of access referral clocks: first contact against the offer’s standard, met or breached (access module, compliance by component, borough and month)',
  bedDaysAtHome:
    'Virtual wards: bed days at home of people discharged in the quarter, by the ward’s borough (virtual wards module)',
  conveyance:
    'Silver triage: answered calls with an outcome other than conveyance to the emergency department (silver triage figures)',
  oap: 'Mental health bed management: out-of-area placement days by home borough and month (beds module)',
  outcomes: 'Outcomes framework: published indicator values for the borough, by quarter (outcomes module)',
} as const;
export type ActualSource = keyof typeof ACTUAL_SOURCES;

export interface QuarterActuals {
  quarter: number;
  compliance: { referrals: number; met: number; breached: number; pending: number; share: number | null };
  bedDaysAtHome: { discharges: number; bedDays: number };
  conveyance: { calls: number; withOutcome: number; notConveyed: number; rate: number | null };
  oap: { placements: number; days: number; inappropriateDays: number };
}

export interface OutcomeMovement {
  code: string;
  title: string;
  unit: string;
  polarity: string;
  values: { quarter: number; value: number | null; note: string | null }[];
  /** The last two quarters with a value: "up from 71.2 to 74.5 (higher is better)"; null with fewer than two. */
  movement: string | null;
  moved: boolean;
}

export interface BoroughActuals {
  borough: string;
  year: string;
  quarters: QuarterActuals[];
  outcomes: OutcomeMovement[];
  /** Sources the reader cannot see (their role), named so the page says why a figure is missing. */
  unavailable: { source: ActualSource; reason: string }[];
  sources: typeof ACTUAL_SOURCES;
}

/** The financial quarter (1–4) of a month "2023-05" within the year "2023-24", or null if outside it. */
export function quarterOfMonth(year: string, month: string): number | null {
  const q = quarterOf(`${month}-01`);
  return q.year === year ? q.quarter : null;
}

/** The London dates each quarter of a financial year starts on, with the next year's start: five dates. */
export function quarterBoundaries(year: string): string[] {
  const s = Number(year.slice(0, 4));
  return [`${s}-04-01`, `${s}-07-01`, `${s}-10-01`, `${s + 1}-01-01`, `${s + 1}-04-01`];
}

/** The outcomes framework's name for a quarter: "2023/24 Q1". */
export function outcomePeriod(year: string, quarter: number): string {
  return `${year.slice(0, 4)}/${year.slice(5, 7)} Q${quarter}`;
}

export function emptyQuarter(quarter: number): QuarterActuals {
  return {
    quarter,
    compliance: { referrals: 0, met: 0, breached: 0, pending: 0, share: null },
    bedDaysAtHome: { discharges: 0, bedDays: 0 },
    conveyance: { calls: 0, withOutcome: 0, notConveyed: 0, rate: null },
    oap: { placements: 0, days: 0, inappropriateDays: 0 },
  };
}

export interface ModuleRows {
  compliance: {
    borough: string;
    month: string;
    referrals: number;
    standard: { met: number; breached: number; pending: number };
  }[];
  bedDays: { quarter: number; borough: string; discharges: number; bedDays: number }[];
  conveyance: { borough: string; month: string; calls: number; withOutcome: number; notConveyed: number }[];
  oap: { borough: string; month: string; placements: number; days: number; inappropriateDays: number }[];
  outcomes: {
    code: string;
    title: string;
    unit: string;
    polarity: string;
    values: { period: string; area: string; breakdown: string; value: number | null; suppressed: string | null }[];
  }[];
}

const round1 = (n: number) => Math.round(n * 10) / 10;

function movementOf(
  polarity: string,
  unit: string,
  values: OutcomeMovement['values'],
): { movement: string | null; moved: boolean } {
  const known = values.filter((v): v is { quarter: number; value: number; note: string | null } => v.value !== null);
  const a = known.at(-2);
  const b = known.at(-1);
  if (!a || !b) return { movement: null, moved: false };
  const from = round1(a.value);
  const to = round1(b.value);
  const u = unit === '%' ? '%' : unit ? ` ${unit}` : '';
  if (from === to) return { movement: `no change from Q${a.quarter} to Q${b.quarter} (${to}${u})`, moved: false };
  const dir = to > from ? 'up' : 'down';
  const judged =
    polarity === 'higher-is-better'
      ? to > from
        ? 'improving'
        : 'worsening'
      : polarity === 'lower-is-better'
        ? to < from
          ? 'improving'
          : 'worsening'
        : 'no judgement of better or worse';
  return {
    movement: `${dir} from ${from}${u} in Q${a.quarter} to ${to}${u} in Q${b.quarter} (${judged})`,
    moved: true,
  };
}

/** Groups every module's rows into the borough's quarters of the year. */
export function groupActuals(
  year: string,
  borough: string,
  rows: ModuleRows,
  unavailable: BoroughActuals['unavailable'] = [],
): BoroughActuals {
  const quarters = QUARTERS.map((q) => emptyQuarter(q));
  const at = (month: string) => {
    const q = quarterOfMonth(year, month);
    return q === null ? null : quarters[q - 1];
  };
  for (const r of rows.compliance) {
    if (r.borough !== borough) continue;
    const c = at(r.month)?.compliance;
    if (!c) continue;
    c.referrals += r.referrals;
    c.met += r.standard.met;
    c.breached += r.standard.breached;
    c.pending += r.standard.pending;
  }
  for (const r of rows.bedDays) {
    if (r.borough !== borough || r.quarter < 1 || r.quarter > 4) continue;
    const c = quarters[r.quarter - 1].bedDaysAtHome;
    c.discharges += r.discharges;
    c.bedDays += r.bedDays;
  }
  for (const r of rows.conveyance) {
    if (r.borough !== borough) continue;
    const c = at(r.month)?.conveyance;
    if (!c) continue;
    c.calls += r.calls;
    c.withOutcome += r.withOutcome;
    c.notConveyed += r.notConveyed;
  }
  for (const r of rows.oap) {
    if (r.borough !== borough) continue;
    const c = at(r.month)?.oap;
    if (!c) continue;
    c.placements += r.placements;
    c.days += r.days;
    c.inappropriateDays += r.inappropriateDays;
  }
  for (const q of quarters) {
    const c = q.compliance;
    c.share = c.met + c.breached > 0 ? c.met / (c.met + c.breached) : null;
    const v = q.conveyance;
    v.rate = v.withOutcome > 0 ? v.notConveyed / v.withOutcome : null;
  }
  const outcomes: OutcomeMovement[] = [];
  for (const ind of rows.outcomes) {
    const values = QUARTERS.map((q) => {
      const v = ind.values.find(
        (x) => x.period === outcomePeriod(year, q) && x.area === borough && x.breakdown === 'total',
      );
      return { quarter: q, value: v?.value ?? null, note: v ? v.suppressed : null };
    });
    if (values.every((v) => v.value === null && v.note === null)) continue;
    outcomes.push({
      code: ind.code,
      title: ind.title,
      unit: ind.unit,
      polarity: ind.polarity,
      values,
      ...movementOf(ind.polarity, ind.unit, values),
    });
  }
  return { borough, year, quarters, outcomes, unavailable, sources: ACTUAL_SOURCES };
}

const pct = (share: number | null) => (share === null ? null : `${Math.round(share * 100)}%`);

/** The words a quarter's figures are shown in (no figure is ever only a colour or an empty cell). */
export function actualWords(q: QuarterActuals) {
  const c = q.compliance;
  const v = q.conveyance;
  return {
    compliance:
      c.met + c.breached === 0
        ? c.referrals
          ? `${c.referrals} referrals, none yet due`
          : 'no referrals recorded'
        : `${pct(c.share)} met the standard (${c.met} of ${c.met + c.breached})`,
    bedDaysAtHome: q.bedDaysAtHome.discharges
      ? `${q.bedDaysAtHome.bedDays} bed days (${q.bedDaysAtHome.discharges} discharges)`
      : 'no discharges recorded',
    conveyance: v.withOutcome
      ? `${v.notConveyed} avoided of ${v.withOutcome} calls with an outcome (${pct(v.rate)})`
      : v.calls
        ? `${v.calls} calls, none with an outcome yet`
        : 'no calls recorded',
    oap: q.oap.placements ? `${q.oap.days} days (${q.oap.placements} placements)` : 'no placements recorded',
  };
}
