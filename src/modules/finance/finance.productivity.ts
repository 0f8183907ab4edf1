// Productivity benchmarking per provider and service (issue 12, item 1): contacts per WTE, cost per contact
// and skill mix by Agenda for Change band, each against the system's best in class (a settable quantile of
// the providers offering the same service), and the money that reaching the best cost per contact would
// release. Pure: baseline rows in, rows out. Rows with no provider are benchmarked per borough instead.
// The skill mix is costed too: what the same Agenda for Change staff would cost a year in the best-in-class
// band mix, at published unit costs per band (the `cost.band.*` assumptions).
import { AFC_BANDS, type AfcBandCode, type BaselineRow } from '../baseline/index.ts';
import { bandCosts, defaultAssumptions, valuesOf } from './finance.assumptions.ts';
import { quantile } from './finance.montecarlo.ts';

export interface ProviderProductivityRow {
  /** The provider's organisation code, or null when the baseline did not say (then one row per borough). */
  provider: string | null;
  providerName: string;
  boroughs: string[];
  component: string;
  contacts: number;
  /** Staff, all groups, WTE. */
  wte: number;
  /** Pounds a year. */
  spend: number;
  contactsPerWte: number | null;
  costPerContact: number | null;
  /** Share of Agenda for Change staff by band (adds up to 1), empty when the baseline gave no bands. */
  bandMix: Partial<Record<AfcBandCode, number>>;
  /** Agenda for Change staff counted in the bands, WTE. */
  bandWte: number;
  /** The share of band 6 and above: a one-number summary of how senior the mix is. */
  seniorShare: number | null;
  bestCostPerContact: number | null;
  bestContactsPerWte: number | null;
  /** The average band mix of the providers at or better than the best cost per contact. */
  bestBandMix: Partial<Record<AfcBandCode, number>>;
  /** Pounds a year released if the provider reached the best cost per contact for the same contacts. */
  release: number;
  /**
   * Pounds a year the same band-counted staff would cost less in the best-in-class band mix, at the unit cost
   * of each band (0 when the mix is already as lean; null when the provider or its best peers give no bands).
   * It overlaps what the cost per contact measures, so it is not added to the release.
   */
  skillMixRelease: number | null;
  /** How many providers (or boroughs) offer the service with figures to compare: best in class needs 2. */
  peers: number;
}

export interface ProductivityReport {
  bestQuantile: number;
  bands: { code: AfcBandCode; name: string }[];
  rows: ProviderProductivityRow[];
  totalRelease: number;
  totalSkillMixRelease: number;
  /** Providers named in the rows, with their names. */
  providers: { code: string; name: string; release: number }[];
}

/** Where the band costs come from (the `cost.band.*` assumptions' default values). */
export const BAND_COST_SOURCE =
  'PSSRU Unit Costs of Health and Social Care 2024, a nurse’s cost per working hour including qualifications × 1,545 hours, for bands 4 to 8a. The costs of bands 2 and 3 are illustrative';

const round = (x: number, dp: number) => Math.round(x * 10 ** dp) / 10 ** dp;
const SENIOR: readonly AfcBandCode[] = ['band-6', 'band-7', 'band-8a-plus'];

/**
 * Benchmarks each provider × service against the best quantile of its peers. `bestQuantile` is the quantile
 * of cost per contact that counts as best in class (0.25: the best quarter); contacts per WTE use the mirror
 * quantile (0.75), since more is better there.
 */
export function providerProductivity(
  rows: readonly BaselineRow[],
  bestQuantile: number,
  names: ReadonlyMap<string, string> = new Map(),
  boroughNames: ReadonlyMap<string, string> = new Map(),
  bandCost: Readonly<Record<AfcBandCode, number>> = bandCosts(valuesOf(defaultAssumptions())),
): ProductivityReport {
  type Agg = {
    provider: string | null;
    boroughs: Set<string>;
    component: string;
    contacts: number;
    wte: number;
    spend: number;
    bands: Partial<Record<AfcBandCode, number>>;
  };
  const agg = new Map<string, Agg>();
  for (const r of rows) {
    if (r.offered === 'none') continue;
    const who = r.provider ?? `borough:${r.borough}`;
    const k = `${who}|${r.component}`;
    const x = agg.get(k) ?? {
      provider: r.provider ?? null,
      boroughs: new Set<string>(),
      component: r.component,
      contacts: 0,
      wte: 0,
      spend: 0,
      bands: {},
    };
    x.boroughs.add(r.borough);
    x.contacts += r.contacts ?? 0;
    x.spend += (r.spendPence ?? 0) / 100;
    for (const n of Object.values(r.staffWte)) x.wte += n ?? 0;
    for (const [b, n] of Object.entries(r.bandWte ?? {}) as [AfcBandCode, number][]) {
      x.bands[b] = (x.bands[b] ?? 0) + n;
    }
    agg.set(k, x);
  }
  const mixOf = (bands: Agg['bands']) => {
    const total = Object.values(bands).reduce((s, n) => s + (n ?? 0), 0);
    const mix: Partial<Record<AfcBandCode, number>> = {};
    if (total > 0) for (const b of AFC_BANDS) if (bands[b.code]) mix[b.code] = round(bands[b.code]! / total, 3);
    return { mix, total };
  };
  const cpcOf = (x: Agg) => (x.contacts > 0 && x.spend > 0 ? x.spend / x.contacts : null);
  const cpwOf = (x: Agg) => (x.contacts > 0 && x.wte > 0 ? x.contacts / x.wte : null);
  const byComponent = new Map<string, Agg[]>();
  for (const x of agg.values()) byComponent.set(x.component, [...(byComponent.get(x.component) ?? []), x]);

  const out: ProviderProductivityRow[] = [];
  for (const x of agg.values()) {
    const peers = byComponent.get(x.component)!;
    const cpcs = peers.map(cpcOf).filter((v): v is number => v !== null);
    const cpws = peers.map(cpwOf).filter((v): v is number => v !== null);
    const cpc = cpcOf(x);
    const best = cpcs.length >= 2 ? quantile(cpcs, bestQuantile) : null;
    const bestCpw = cpws.length >= 2 ? quantile(cpws, 1 - bestQuantile) : null;
    // Best-in-class mix: the average of the peers at or below the best cost per contact that report bands.
    const bestPeers = best === null ? [] : peers.filter((p) => (cpcOf(p) ?? Infinity) <= best + 1e-9);
    const bestMixes = bestPeers.map((p) => mixOf(p.bands)).filter((m) => m.total > 0);
    const bestBandMix: Partial<Record<AfcBandCode, number>> = {};
    if (bestMixes.length > 0) {
      for (const b of AFC_BANDS) {
        const v = bestMixes.reduce((s, m) => s + (m.mix[b.code] ?? 0), 0) / bestMixes.length;
        if (v > 0) bestBandMix[b.code] = round(v, 3);
      }
    }
    const { mix, total } = mixOf(x.bands);
    const costPerWte = (m: Partial<Record<AfcBandCode, number>>) =>
      AFC_BANDS.reduce((sum, b) => sum + (m[b.code] ?? 0) * bandCost[b.code], 0);
    const skillMixRelease =
      total > 0 && Object.keys(bestBandMix).length > 0
        ? round(Math.max(0, total * (costPerWte(mix) - costPerWte(bestBandMix))), 2)
        : null;
    const code = x.provider;
    const boroughs = [...x.boroughs].sort();
    out.push({
      provider: code,
      providerName:
        code !== null
          ? (names.get(code) ?? code)
          : `${boroughNames.get(boroughs[0]) ?? boroughs[0]} (provider not given)`,
      boroughs,
      component: x.component,
      contacts: x.contacts,
      wte: round(x.wte, 2),
      spend: round(x.spend, 2),
      contactsPerWte: cpwOf(x),
      costPerContact: cpc,
      bandMix: mix,
      bandWte: round(total, 2),
      seniorShare: total > 0 ? round(SENIOR.reduce((s, b) => s + (x.bands[b] ?? 0), 0) / total, 3) : null,
      bestCostPerContact: best,
      bestContactsPerWte: bestCpw,
      bestBandMix,
      release: cpc !== null && best !== null && cpc > best ? round((cpc - best) * x.contacts, 2) : 0,
      skillMixRelease,
      peers: cpcs.length,
    });
  }
  out.sort(
    (p, q) =>
      q.release - p.release || p.providerName.localeCompare(q.providerName) || p.component.localeCompare(q.component),
  );
  const byProvider = new Map<string, { code: string; name: string; release: number }>();
  for (const r of out) {
    if (r.provider === null) continue;
    const e = byProvider.get(r.provider) ?? { code: r.provider, name: r.providerName, release: 0 };
    e.release = round(e.release + r.release, 2);
    byProvider.set(r.provider, e);
  }
  return {
    bestQuantile,
    bands: AFC_BANDS.map((b) => ({ code: b.code, name: b.name })),
    rows: out,
    totalRelease: round(
      out.reduce((s, r) => s + r.release, 0),
      2,
    ),
    totalSkillMixRelease: round(
      out.reduce((s, r) => s + (r.skillMixRelease ?? 0), 0),
      2,
    ),
    providers: [...byProvider.values()].sort((a, b) => b.release - a.release || a.name.localeCompare(b.name)),
  };
}
