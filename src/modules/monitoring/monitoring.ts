// Delivery against the plan, pure: planned against actual with a tolerance, said in words (so colour is never
// the only signal), a forecast to year end from the run rate, the components whose benefits lag their spend,
// and spend to date against the plan's envelope. No I/O; the service feeds it the plan and the actuals.

/** Financial years are written 2023-24; quarter 1 is April to June. */
export const QUARTERS = [1, 2, 3, 4] as const;
export type Quarter = (typeof QUARTERS)[number];

const YEAR = /^(\d{4})-(\d{2})$/;
export function isFinancialYear(v: string): boolean {
  const m = YEAR.exec(v);
  return !!m && (Number(m[1]) + 1) % 100 === Number(m[2]);
}

export function quarterLabel(year: string, q: number): string {
  const months = ['April to June', 'July to September', 'October to December', 'January to March'];
  return `Q${q} ${year} (${months[q - 1] ?? ''})`;
}

/** The financial year and quarter a date (YYYY-MM-DD) falls in. */
export function quarterOf(date: string): { year: string; quarter: Quarter } {
  const y = Number(date.slice(0, 4));
  const m = Number(date.slice(5, 7));
  const start = m >= 4 ? y : y - 1;
  const quarter = (m >= 4 ? Math.floor((m - 4) / 3) + 1 : 4) as Quarter;
  return { year: `${start}-${String((start + 1) % 100).padStart(2, '0')}`, quarter };
}

export type VarianceStatus = 'on-track' | 'behind' | 'ahead' | 'not-reported' | 'no-plan';
/** What the measure is: delivery (more is better: staff, activity, benefits) or spend (over plan is a risk). */
export type MeasureKind = 'delivery' | 'spend';

export interface Variance {
  planned: number | null;
  actual: number | null;
  /** actual − planned. */
  difference: number | null;
  /** (actual − planned) ÷ planned, e.g. −0.12; null when there is nothing to compare. */
  share: number | null;
  status: VarianceStatus;
  /** The words shown beside (never instead of) the colour: "on track", "behind by 12%", "ahead by 5%". */
  words: string;
  /** nhsuk tag colour: green on track, red behind (or overspent), blue ahead (or underspent), grey otherwise. */
  colour: 'green' | 'red' | 'blue' | 'grey' | 'orange';
}

export const DEFAULT_TOLERANCE = 0.05;

/** Checks a tolerance given as a share (0.05 = 5%): from 0 to 0.5. */
export function checkTolerance(t: number): string | null {
  if (!Number.isFinite(t) || t < 0 || t > 0.5) return 'Tolerance must be a percentage from 0 to 50';
  return null;
}

const pct = (share: number) => `${Math.round(Math.abs(share) * 100)}%`;

/**
 * Planned against actual. Within the tolerance (inclusive) is on track. Delivery below plan is "behind by n%",
 * above is "ahead by n%"; spend above plan is "overspent by n%" (red), below is "underspent by n%" (blue).
 */
export function variance(
  planned: number | null | undefined,
  actual: number | null | undefined,
  options: { tolerance?: number; kind?: MeasureKind } = {},
): Variance {
  const tolerance = options.tolerance ?? DEFAULT_TOLERANCE;
  const kind = options.kind ?? 'delivery';
  const p = planned ?? null;
  const a = actual ?? null;
  if (p === null) {
    return {
      planned: p,
      actual: a,
      difference: null,
      share: null,
      status: 'no-plan',
      words: 'not in the plan',
      colour: 'grey',
    };
  }
  if (a === null) {
    return {
      planned: p,
      actual: a,
      difference: null,
      share: null,
      status: 'not-reported',
      words: 'not yet reported',
      colour: 'grey',
    };
  }
  const difference = a - p;
  if (p === 0) {
    if (a === 0)
      return { planned: p, actual: a, difference, share: 0, status: 'on-track', words: 'on track', colour: 'green' };
    return {
      planned: p,
      actual: a,
      difference,
      share: null,
      status: 'ahead',
      words: kind === 'spend' ? 'spent where none was planned' : 'ahead (none was planned yet)',
      colour: kind === 'spend' ? 'red' : 'blue',
    };
  }
  const share = difference / Math.abs(p);
  // Compare on the rounded percentage so the words and the status never disagree (4.6% reads "5%").
  const shown = Math.round(Math.abs(share) * 100) / 100;
  if (shown <= tolerance + 1e-9)
    return { planned: p, actual: a, difference, share, status: 'on-track', words: 'on track', colour: 'green' };
  if (share < 0) {
    return kind === 'spend'
      ? {
          planned: p,
          actual: a,
          difference,
          share,
          status: 'behind',
          words: `underspent by ${pct(share)}`,
          colour: 'blue',
        }
      : { planned: p, actual: a, difference, share, status: 'behind', words: `behind by ${pct(share)}`, colour: 'red' };
  }
  return kind === 'spend'
    ? { planned: p, actual: a, difference, share, status: 'ahead', words: `overspent by ${pct(share)}`, colour: 'red' }
    : { planned: p, actual: a, difference, share, status: 'ahead', words: `ahead by ${pct(share)}`, colour: 'blue' };
}

/** Sums numbers, null when every value is null (not reported is not zero). */
export function sumReported(values: readonly (number | null | undefined)[]): number | null {
  let total: number | null = null;
  for (const v of values) if (v !== null && v !== undefined) total = (total ?? 0) + v;
  return total;
}

export interface Forecast {
  /** Quarters with an actual (in order from Q1; a gap stops the run rate). */
  quartersReported: number;
  toDate: number | null;
  /** The run rate per quarter: to date ÷ quarters reported. */
  runRate: number | null;
  /** To date + run rate × quarters left. Null until a quarter is reported. */
  yearEnd: number | null;
}

/** Forecast to year end from the run rate of the quarters reported so far (Q1 onwards, without gaps). */
export function forecastYearEnd(byQuarter: readonly (number | null | undefined)[]): Forecast {
  let n = 0;
  let toDate = 0;
  for (let q = 0; q < 4; q++) {
    const v = byQuarter[q];
    if (v === null || v === undefined) break;
    toDate += v;
    n++;
  }
  if (n === 0) return { quartersReported: 0, toDate: null, runRate: null, yearEnd: null };
  const runRate = toDate / n;
  return { quartersReported: n, toDate, runRate, yearEnd: toDate + runRate * (4 - n) };
}

/** The plan for a year spread over its quarters by shares (percent, summing to 100). */
export function profileQuarters(annual: number, shares: readonly number[] = EVEN_PROFILE): number[] {
  return QUARTERS.map((_, i) => (annual * (shares[i] ?? 0)) / 100);
}
export const EVEN_PROFILE: readonly number[] = [25, 25, 25, 25];

/** Checks a quarterly profile: four percentages, none negative, summing to 100. */
export function checkProfile(shares: readonly number[]): string | null {
  if (shares.length !== 4 || shares.some((s) => !Number.isFinite(s) || s < 0))
    return 'Enter four percentages, 0 or more, one for each quarter';
  const total = shares.reduce((s, x) => s + x, 0);
  if (Math.abs(total - 100) > 0.01)
    return `The quarters must add up to 100% (they add up to ${Math.round(total * 100) / 100}%)`;
  return null;
}

export interface LagInput {
  component: string;
  spendPlanned: number;
  spendActual: number | null;
  benefitPlanned: number;
  benefitActual: number | null;
}
export interface Lag extends LagInput {
  spendShare: number;
  benefitShare: number;
  words: string;
}

/**
 * Components whose benefits lag their spend: the share of planned benefit delivered to date is below the
 * share of planned spend made by more than the tolerance. Components with no planned benefit, or not yet
 * reported, are left out (nothing to compare); the biggest gap first.
 */
export function benefitsLaggingSpend(rows: readonly LagInput[], tolerance = DEFAULT_TOLERANCE): Lag[] {
  const out: Lag[] = [];
  for (const r of rows) {
    if (r.spendActual === null || r.benefitActual === null || r.spendPlanned <= 0 || r.benefitPlanned <= 0) continue;
    const spendShare = r.spendActual / r.spendPlanned;
    const benefitShare = r.benefitActual / r.benefitPlanned;
    if (spendShare - benefitShare > tolerance + 1e-9) {
      out.push({
        ...r,
        spendShare,
        benefitShare,
        words: `spent ${pct(spendShare)} of planned spend but delivered ${pct(benefitShare)} of the planned benefit`,
      });
    }
  }
  return out.sort((a, b) => b.spendShare - b.benefitShare - (a.spendShare - a.benefitShare));
}

export interface Envelope {
  /** The plan's investment for the year: the affordability envelope. */
  envelope: number;
  plannedToDate: number;
  spendToDate: number | null;
  /** Spend to date ÷ envelope. */
  shareOfEnvelope: number | null;
  toDate: Variance;
  forecast: Forecast;
  /** Forecast year end against the envelope. */
  yearEnd: Variance;
  words: string;
}

/** Spend to date against the plan to date and the year's envelope, with the forecast to year end. */
export function envelopePosition(
  plannedByQuarter: readonly number[],
  actualByQuarter: readonly (number | null | undefined)[],
  tolerance = DEFAULT_TOLERANCE,
): Envelope {
  const envelope = plannedByQuarter.reduce((s, x) => s + x, 0);
  const forecast = forecastYearEnd(actualByQuarter);
  const n = forecast.quartersReported;
  const plannedToDate = plannedByQuarter.slice(0, n).reduce((s, x) => s + x, 0);
  const spendToDate = forecast.toDate;
  const toDate = variance(n === 0 ? (plannedByQuarter[0] ?? 0) : plannedToDate, spendToDate, {
    tolerance,
    kind: 'spend',
  });
  const yearEnd = variance(envelope, forecast.yearEnd, { tolerance, kind: 'spend' });
  const words =
    spendToDate === null
      ? 'No spend reported yet this year'
      : `${pct(envelope > 0 ? spendToDate / envelope : 0)} of the year's envelope spent after ${n} quarter${n === 1 ? '' : 's'}; ` +
        `the run rate forecasts the year end ${yearEnd.status === 'on-track' ? 'within the envelope' : yearEnd.words.replace('spent by', 'spent against the envelope by')}`;
  return {
    envelope,
    plannedToDate,
    spendToDate,
    shareOfEnvelope: spendToDate === null || envelope <= 0 ? null : spendToDate / envelope,
    toDate,
    forecast,
    yearEnd,
    words,
  };
}
