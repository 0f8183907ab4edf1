// First compliance indicators for the central point of access, per component, borough and month.
//
// From plain referral facts (no database here):
//   referrals               referrals received in the month
//   routedFirstTime         of those, how many were never redirected (and the share)
//   time to first contact   received → first contact, in hours: median and 90th percentile, over the
//                           referrals with a first contact
//   met the standard        first contact at or before the due time, over the referrals whose outcome
//                           against the standard is known (met + breached)
//
// Month: the Europe/London calendar month the referral was received in, so 00:30 on 1 April BST
// (23:30 UTC on 31 March) counts in April.
//
// Percentiles: linear interpolation between the two closest ranks, on the sorted values
// x[0] ≤ … ≤ x[n−1]: h = (n − 1)·p, value = x[⌊h⌋] + (h − ⌊h⌋)·(x[⌊h⌋+1] − x[⌊h⌋]). This is Hyndman and Fan's
// type 7, the default in R, NumPy and Excel's PERCENTILE.INC; the median is then the usual median (the mean
// of the middle two when n is even). It can give a value nobody waited exactly; nearest-rank would not,
// but jumps in steps with small counts.
//
// Against the standard, each referral is one of:
//   met          first contact at or before the due time
//   breached     first contact after the due time; or none yet and `asOf` is after the due time; or
//                closed without first contact after the due time
//   pending      no first contact yet, still open, and the due time has not passed at `asOf`
//   notApplicable no due time (never accepted: signposted, redirected out, still in triage), or closed
//                without a first contact before it was due (withdrawn, declined)
// share = met / (met + breached); null when there is nothing to divide.

import { londonMonth, toInstant } from '../../platform/london-time.ts';

export interface ReferralFact {
  component: string;
  /** GSS code of the person's borough. */
  borough: string;
  receivedAt: Date | string;
  /** 0 when routed first time. */
  redirectCount: number;
  firstContactAt: Date | string | null;
  firstContactDue: Date | string | null;
  closedAt?: Date | string | null;
}

export interface StandardCounts {
  met: number;
  breached: number;
  pending: number;
  notApplicable: number;
  /** met / (met + breached); null when both are 0. */
  share: number | null;
}

export interface ComplianceRow {
  component: string;
  borough: string;
  /** "2025-04", the London month of receipt. */
  month: string;
  referrals: number;
  routedFirstTime: number;
  /** routedFirstTime / referrals. */
  routedFirstTimeShare: number;
  firstContacts: number;
  /** Hours from receipt to first contact; null without any first contact. */
  medianHoursToFirstContact: number | null;
  p90HoursToFirstContact: number | null;
  standard: StandardCounts;
}

/** The p-th quantile (0 ≤ p ≤ 1) by linear interpolation (type 7, see the top of the file); null for no values. */
export function percentile(values: readonly number[], p: number): number | null {
  if (!(p >= 0 && p <= 1)) throw new RangeError(`Percentile must be between 0 and 1, got ${p}`);
  if (values.length === 0) return null;
  if (values.some((v) => !Number.isFinite(v))) throw new RangeError('Percentile values must be finite numbers');
  const sorted = [...values].sort((a, b) => a - b);
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

export function median(values: readonly number[]): number | null {
  return percentile(values, 0.5);
}

const HOUR_MS = 60 * 60 * 1000;

export type StandardOutcome = 'met' | 'breached' | 'pending' | 'notApplicable';

/** Where one referral stands against its standard at `asOf` (see the top of the file). */
export function standardOutcome(fact: ReferralFact, asOf: Date | string): StandardOutcome {
  if (!fact.firstContactDue) return 'notApplicable';
  const due = toInstant(fact.firstContactDue).getTime();
  if (fact.firstContactAt) return toInstant(fact.firstContactAt).getTime() <= due ? 'met' : 'breached';
  if (fact.closedAt) return toInstant(fact.closedAt).getTime() <= due ? 'notApplicable' : 'breached';
  return toInstant(asOf).getTime() > due ? 'breached' : 'pending';
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The indicators per component, borough and month, sorted by component, borough, month. */
export function computeCompliance(facts: readonly ReferralFact[], options: { asOf: Date | string }): ComplianceRow[] {
  const groups = new Map<string, { component: string; borough: string; month: string; facts: ReferralFact[] }>();
  for (const f of facts) {
    const month = londonMonth(f.receivedAt);
    const key = JSON.stringify([f.component, f.borough, month]);
    let g = groups.get(key);
    if (!g) {
      g = { component: f.component, borough: f.borough, month, facts: [] };
      groups.set(key, g);
    }
    g.facts.push(f);
  }
  const rows: ComplianceRow[] = [];
  for (const g of groups.values()) {
    const hours = g.facts
      .filter((f) => f.firstContactAt)
      .map((f) => (toInstant(f.firstContactAt!).getTime() - toInstant(f.receivedAt).getTime()) / HOUR_MS);
    const standard: StandardCounts = { met: 0, breached: 0, pending: 0, notApplicable: 0, share: null };
    for (const f of g.facts) standard[standardOutcome(f, options.asOf)]++;
    const judged = standard.met + standard.breached;
    standard.share = judged === 0 ? null : standard.met / judged;
    const routedFirstTime = g.facts.filter((f) => f.redirectCount === 0).length;
    rows.push({
      component: g.component,
      borough: g.borough,
      month: g.month,
      referrals: g.facts.length,
      routedFirstTime,
      routedFirstTimeShare: routedFirstTime / g.facts.length,
      firstContacts: hours.length,
      medianHoursToFirstContact: percentile(hours, 0.5),
      p90HoursToFirstContact: percentile(hours, 0.9),
      standard,
    });
  }
  return rows.sort(
    (a, b) => compare(a.component, b.component) || compare(a.borough, b.borough) || compare(a.month, b.month),
  );
}
