// The agreed plan as the monitoring module reads it (issue 16): each phased item (borough × component) with
// its investment, staff and benefits by year of the plan, projected by the same rules as projectPlan
// (investment from the start year, set-up in it, benefits after the lead time and ramp). Read-only.
import type { AnyDb } from '../../platform/db/database.ts';
import { valuesOf, withDefaults } from './finance.assumptions.ts';
import { rampShare } from './finance.model.ts';
import * as repo from './finance.repository.ts';

export interface AgreedPlanItem {
  borough: string;
  component: string;
  startYear: string | null;
  addWte: number;
  /** By year of the plan (same order as `years`): zero before the start year. */
  investment: number[];
  wte: number[];
  bedDaysSaved: number[];
  placementDaysSaved: number[];
  admissionsAvoided: number[];
}

export interface AgreedPlan {
  scenarioId: string;
  name: string;
  version: number;
  firstYear: string;
  years: string[];
  agreedBy: string | null;
  agreedAt: string | null;
  items: AgreedPlanItem[];
}

/** The system's agreed scenario with its results, or null when none is agreed (or it has no results). */
export async function agreedPlan(db: AnyDb, systemId: string): Promise<AgreedPlan | null> {
  const id = await repo.currentAgreed(db, systemId);
  if (!id) return null;
  const s = await repo.getScenario(db, systemId, id);
  const results = s?.results;
  if (!s || !results) return null;
  const a = valuesOf(withDefaults(s.assumptions));
  const years = results.results.years;
  const T = years.length;
  const items = results.items
    .filter((it) => it.startYear !== null)
    .map((it): AgreedPlanItem => {
      const t = years.indexOf(it.startYear as string);
      const z = () => new Array<number>(T).fill(0);
      const out = {
        investment: z(),
        wte: z(),
        bedDaysSaved: z(),
        placementDaysSaved: z(),
        admissionsAvoided: z(),
      };
      for (let y = Math.max(0, t); t >= 0 && y < T; y++) {
        const f = rampShare(y - t, a);
        out.investment[y] = it.annualCost + (y === t ? it.setupCost : 0);
        out.wte[y] = it.addWte;
        out.bedDaysSaved[y] = it.bedDaysSaved * f;
        out.placementDaysSaved[y] = it.placementDaysSaved * f;
        out.admissionsAvoided[y] = it.admissionsAvoided * f;
      }
      return { borough: it.borough, component: it.component, startYear: it.startYear, addWte: it.addWte, ...out };
    });
  return {
    scenarioId: s.id,
    name: s.name,
    version: s.version,
    firstYear: s.firstYear,
    years,
    agreedBy: s.agreedBy,
    agreedAt: s.agreedAt,
    items,
  };
}
