// Reads the actuals from the modules that own them, only through their index.ts, for a financial year and a
// set of boroughs (one call per module, not per borough). A module the reader's role may not read is named as
// unavailable rather than shown as zeros. monitoring.actuals.ts groups the rows into quarters.
import type { Actor } from '../../platform/auth/roles.ts';
import type { AnyDb } from '../../platform/db/database.ts';
import { ForbiddenError } from '../../platform/errors.ts';
import { londonInstant } from '../../platform/london-time.ts';
import { complianceReport } from '../access/index.ts';
import { oapFigures } from '../beds/index.ts';
import { getAllIndicatorValues, listIndicators } from '../outcomes/index.ts';
import { figures as silverTriageFigures } from '../silvertriage/index.ts';
import { bedDaysAtHomeByBorough } from '../virtualwards/index.ts';
import {
  type ActualSource,
  type BoroughActuals,
  groupActuals,
  type ModuleRows,
  quarterBoundaries,
} from './monitoring.actuals.ts';

async function orUnavailable<T>(
  source: ActualSource,
  unavailable: BoroughActuals['unavailable'],
  read: () => Promise<T[]>,
): Promise<T[]> {
  try {
    return await read();
  } catch (e) {
    if (!(e instanceof ForbiddenError)) throw e;
    unavailable.push({ source, reason: 'your role cannot read these figures' });
    return [];
  }
}

/** Every borough's actuals for the year, keyed by GSS code. */
export async function moduleActuals(
  db: AnyDb,
  actor: Actor,
  year: string,
  boroughs: readonly { code: string; name: string }[],
  now: Date,
): Promise<Map<string, BoroughActuals>> {
  // Some modules record the borough by GSS code, some (silver triage, bed management) by name: read both.
  const codeOf = new Map(boroughs.flatMap((b) => [[b.code, b.code] as const, [b.name, b.code] as const]));
  const gss = (borough: string) => codeOf.get(borough) ?? borough;
  const bounds = quarterBoundaries(year);
  const first = bounds[0] as string;
  const last = bounds[4] as string;
  const unavailable: BoroughActuals['unavailable'] = [];
  const rows: ModuleRows = { compliance: [], bedDays: [], conveyance: [], oap: [], outcomes: [] };
  // A day either side: access takes UTC dates, the months it returns are London months (filtered by quarter).
  const dayBefore = new Date(Date.parse(`${first}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
  const dayAfter = new Date(Date.parse(`${last}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
  rows.compliance = await orUnavailable('compliance', unavailable, async () =>
    (await complianceReport(db, actor, { from: dayBefore, to: dayAfter }, { now })).rows.map((r) => ({
      borough: gss(r.borough),
      month: r.month,
      referrals: r.referrals,
      standard: r.standard,
    })),
  );
  rows.bedDays = await orUnavailable('bedDaysAtHome', unavailable, async () => {
    const out: ModuleRows['bedDays'] = [];
    for (let q = 1; q <= 4; q++) {
      const from = londonInstant(bounds[q - 1] as string);
      const to = londonInstant(bounds[q] as string);
      for (const r of await bedDaysAtHomeByBorough(db, actor, from, to))
        out.push({ quarter: q, ...r, borough: gss(r.borough) });
    }
    return out;
  });
  rows.conveyance = await orUnavailable('conveyance', unavailable, async () =>
    (await silverTriageFigures(db, actor, londonInstant(first), londonInstant(last)))
      .filter((r) => r.borough !== 'All')
      .map((r) => ({
        borough: gss(r.borough),
        month: r.month,
        calls: r.calls,
        withOutcome: r.withOutcome,
        notConveyed: r.notConveyed,
      })),
  );
  rows.oap = await orUnavailable('oap', unavailable, async () =>
    (
      await oapFigures(db, actor, { fromMonth: first.slice(0, 7), toMonth: `${last.slice(0, 4)}-03` }, { now })
    ).rows.map((r) => ({
      ...r,
      borough: gss(r.borough),
    })),
  );
  rows.outcomes = await orUnavailable('outcomes', unavailable, async () => {
    const { framework, values } = await getAllIndicatorValues(db, actor);
    return listIndicators(framework).map(({ indicator }) => ({
      code: indicator.code,
      title: indicator.title,
      unit: indicator.unit,
      polarity: indicator.polarity,
      values: (values.get(indicator.code) ?? []).map((v) => ({
        period: v.period,
        area: gss(v.area),
        breakdown: v.breakdown,
        value: v.value,
        suppressed: v.suppressed?.message ?? null,
      })),
    }));
  });
  return new Map(boroughs.map((b) => [b.code, groupActuals(year, b.code, rows, unavailable)]));
}
