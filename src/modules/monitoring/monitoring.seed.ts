// The NCL demonstration of delivery against the plan. ILLUSTRATIVE: every borough partnership's agreement
// (recorded as agreed in March 2023, in 2022-23, for the agreed finance plan's first year) and two quarters of
// provider returns are made up to show the monitoring working — some boroughs behind, one whose benefits lag
// its spend. The plan itself is the finance module's agreed scenario, read through finance/index.ts.
import { systemActor } from '../../platform/auth/roles.ts';
import type { AnyDb } from '../../platform/db/database.ts';
import { agreedPlan } from '../finance/index.ts';
import { EVEN_PROFILE } from './monitoring.ts';
import { recordAgreement, setQuarterStatus, submitReturn } from './monitoring.service.ts';

/** Which provider returns for which borough in the demo (illustrative, though the trusts are real). */
export const DEMO_PROVIDERS: Record<string, string> = {
  E09000003: 'RYX', // Barnet: Central London Community Healthcare
  E09000007: 'RV3', // Camden: Central and North West London
  E09000010: 'RRP', // Enfield: Barnet, Enfield and Haringey Mental Health (now North London) community services
  E09000014: 'RKE', // Haringey: Whittington Health
  E09000019: 'RKE', // Islington: Whittington Health
};

/** Spend and benefit against plan by borough in the demo: Enfield and Haringey behind; Enfield's benefits lag. */
const DEMO_DELIVERY: Record<string, { spend: number; benefit: number }> = {
  E09000003: { spend: 0.97, benefit: 0.95 },
  E09000007: { spend: 1.03, benefit: 1.0 },
  E09000010: { spend: 0.82, benefit: 0.45 },
  E09000014: { spend: 0.86, benefit: 0.84 },
  E09000019: { spend: 1.0, benefit: 0.98 },
};

export async function seedMonitoring(
  db: AnyDb,
  systemId: string,
  now: Date,
): Promise<{ plans: number; returns: number }> {
  const actor = systemActor(systemId);
  const plan = await agreedPlan(db, systemId);
  if (!plan) return { plans: 0, returns: 0 };
  const year = plan.firstYear;
  const yi = 0;
  let plans = 0;
  for (const borough of Object.keys(DEMO_PROVIDERS)) {
    if (!plan.items.some((i) => i.borough === borough)) continue;
    await recordAgreement(
      db,
      actor,
      {
        borough,
        year,
        partnership: 'Borough partnership board (illustrative)',
        agreedOn: '2023-03-15',
        reason: 'Illustrative demonstration: the borough partnership agreed its share of the NCL plan in 2022-23',
        illustrative: true,
      },
      now,
    );
    plans++;
  }
  let returns = 0;
  for (const quarter of [1, 2]) {
    await setQuarterStatus(db, actor, { year, quarter, status: 'open' }, now);
    const byProvider = new Map<string, { rowNumber: number; cells: Record<string, string> }[]>();
    for (const [borough, provider] of Object.entries(DEMO_PROVIDERS)) {
      const d = DEMO_DELIVERY[borough];
      const items = plan.items.filter((i) => i.borough === borough && i.investment[yi] > 0);
      items.forEach((it, k) => {
        const wobble = 1 + (((k * 7 + quarter * 3) % 7) - 3) / 100;
        const share = EVEN_PROFILE[quarter - 1] / 100;
        const rows = byProvider.get(provider) ?? [];
        rows.push({
          rowNumber: rows.length + 2,
          cells: {
            provider,
            financial_year: year,
            quarter: String(quarter),
            borough,
            component: it.component,
            spend: (it.investment[yi] * share * d.spend * wobble).toFixed(2),
            staff_in_post: (it.wte[yi] * (quarter / 4) * d.spend).toFixed(1),
            activity: String(Math.round(it.wte[yi] * 90 * d.spend)),
            bed_days_saved: it.bedDaysSaved[yi] > 0 ? String(Math.round(it.bedDaysSaved[yi] * share * d.benefit)) : '',
          },
        });
        byProvider.set(provider, rows);
      });
    }
    for (const [provider, rows] of byProvider) {
      await submitReturn(
        db,
        actor,
        {
          fileName: `illustrative-${provider}-${year}-q${quarter}.csv`,
          header: Object.keys(rows[0].cells),
          rows,
          illustrative: true,
        },
        now,
      );
      returns++;
    }
    await setQuarterStatus(db, actor, { year, quarter, status: 'closed' }, now);
  }
  await setQuarterStatus(db, actor, { year, quarter: 3, status: 'open' }, now);
  return { plans, returns };
}
