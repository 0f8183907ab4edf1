// The board pack (the JHOSC update in the seeds): the headline position, spend and benefits against plan, each
// borough, the actuals read from the modules that own them, the risks and what changed. boardPack gathers the
// figures; boardPackSheets lays them out as the XLSX workbook (pure), so the route only sends it.
import { audit } from '../../platform/audit/audit.ts';
import type { Actor } from '../../platform/auth/roles.ts';
import { type AnyDb, inTransaction } from '../../platform/db/database.ts';
import { ForbiddenError, ValidationError } from '../../platform/errors.ts';
import type { Sheet } from '../../platform/tabular.ts';
import { ACTUAL_SOURCES, actualWords, type BoroughActuals } from './monitoring.actuals.ts';
import * as repo from './monitoring.repository.ts';
import {
  type BoroughPosition,
  listReturns,
  MONITORING_WRITERS,
  type Overview,
  overview,
  type PositionQuery,
} from './monitoring.service.ts';
import { moduleActuals } from './monitoring.sources.ts';

/** The risks a board pack names: forecast overspend, benefits lagging spend, boroughs behind or not agreed. */
export function risksOf(boroughs: readonly BoroughPosition[]): string[] {
  const out: string[] = [];
  for (const b of boroughs) {
    if (b.plan.status === 'not-agreed')
      out.push(`${b.borough.name}: the borough partnership has not agreed its plan for ${b.year}.`);
    if (!b.envelope) continue;
    if (b.envelope.yearEnd.status === 'ahead')
      out.push(
        `${b.borough.name}: the run rate forecasts the year end ${b.envelope.yearEnd.words} against the envelope.`,
      );
    if (b.envelope.toDate.status === 'behind')
      out.push(
        `${b.borough.name}: spend to date is ${b.envelope.toDate.words} — services are starting later than planned.`,
      );
    for (const l of b.lagging.slice(0, 3)) out.push(`${b.borough.name}, ${l.component}: ${l.words}.`);
  }
  return out;
}

export interface BoardPack {
  o: Overview;
  borough: BoroughPosition | undefined;
  scope: BoroughPosition[];
  name: string;
  risks: string[];
  changes: string[];
  actuals: Map<string, BoroughActuals>;
  /** The figures that moved and the statuses that changed since the last pack issued for this scope and year. */
  sinceLast: PackComparison | null;
}

/** One figure of a pack, kept when the pack is issued so the next pack can compare with it. */
export interface PackFigure {
  key: string;
  label: string;
  value: number | null;
  /** The words of its status ("on track", "behind by 12%", "agreed"), when it has one. */
  status: string | null;
}

export interface PackComparison {
  previous: { id: string; issuedAt: string; issuedBy: string };
  moved: { key: string; label: string; from: number | null; to: number | null }[];
  statusChanges: { key: string; label: string; from: string | null; to: string | null }[];
  unchanged: number;
}

const r1 = (n: number | null | undefined) => (n === null || n === undefined ? null : Math.round(n * 10) / 10);

/** The pack's figures, flat and keyed, in a stable order (pure). */
export function packFigures(p: Pick<BoardPack, 'scope' | 'actuals'>): PackFigure[] {
  const out: PackFigure[] = [];
  for (const b of p.scope) {
    const code = b.borough.code;
    const name = b.borough.name;
    out.push({
      key: `${code}.plan`,
      label: `${name}: plan version`,
      value: b.plan.current?.version ?? null,
      status: b.plan.status,
    });
    if (b.envelope) {
      out.push({
        key: `${code}.spend`,
        label: `${name}: spend to date (£)`,
        value: r1(b.envelope.spendToDate),
        status: b.envelope.toDate.words,
      });
      out.push({
        key: `${code}.forecast`,
        label: `${name}: forecast year end (£)`,
        value: r1(b.envelope.forecast.yearEnd),
        status: b.envelope.yearEnd.words,
      });
    }
    out.push({
      key: `${code}.benefit`,
      label: `${name}: bed days saved to date`,
      value: r1(b.benefitToDate.actual),
      status: b.benefitToDate.words,
    });
    for (const c of b.components.filter((x) => x.inPlan))
      out.push({
        key: `${code}.${c.component}.spend`,
        label: `${name}, ${c.name}: spend to date (£)`,
        value: r1(c.toDate.spendActual),
        status: c.toDate.spend.words,
      });
    const a = p.actuals.get(code);
    for (const q of a?.quarters ?? []) {
      const at = `${name}, Q${q.quarter}`;
      out.push(
        {
          key: `${code}.q${q.quarter}.compliance`,
          label: `${at}: first contact within the standard (%)`,
          value: q.compliance.share === null ? null : r1(q.compliance.share * 100),
          status: null,
        },
        {
          key: `${code}.q${q.quarter}.bedDaysAtHome`,
          label: `${at}: bed days at home`,
          value: q.bedDaysAtHome.bedDays,
          status: null,
        },
        {
          key: `${code}.q${q.quarter}.avoided`,
          label: `${at}: avoided conveyances`,
          value: q.conveyance.notConveyed,
          status: null,
        },
        {
          key: `${code}.q${q.quarter}.oap`,
          label: `${at}: out-of-area placement days`,
          value: q.oap.days,
          status: null,
        },
      );
    }
    for (const i of a?.outcomes ?? [])
      for (const v of i.values)
        out.push({
          key: `${code}.${i.code}.q${v.quarter}`,
          label: `${name}, ${i.code} ${i.title}, Q${v.quarter}`,
          value: r1(v.value),
          status: null,
        });
  }
  return out;
}

function isFigures(v: unknown): v is PackFigure[] {
  return Array.isArray(v) && v.every((f) => f && typeof f === 'object' && typeof (f as PackFigure).key === 'string');
}

/** What moved between two packs' figures: values that differ and statuses that changed (pure). */
export function comparePacks(
  previous: readonly PackFigure[],
  current: readonly PackFigure[],
): Pick<PackComparison, 'moved' | 'statusChanges' | 'unchanged'> {
  const before = new Map(previous.map((f) => [f.key, f]));
  const moved: PackComparison['moved'] = [];
  const statusChanges: PackComparison['statusChanges'] = [];
  let unchanged = 0;
  for (const f of current) {
    const was = before.get(f.key);
    const from = was?.value ?? null;
    const changedStatus = (was?.status ?? null) !== f.status && !(was === undefined && f.status === null);
    if (from !== f.value) moved.push({ key: f.key, label: f.label, from, to: f.value });
    if (changedStatus) statusChanges.push({ key: f.key, label: f.label, from: was?.status ?? null, to: f.status });
    if (from === f.value && !changedStatus) unchanged++;
  }
  return { moved, statusChanges, unchanged };
}

const scopeOf = (q: { borough?: string }) => q.borough || 'ICS';

export async function boardPack(
  db: AnyDb,
  actor: Actor,
  q: PositionQuery & { borough?: string },
  now: Date,
): Promise<BoardPack> {
  const o = await overview(db, actor, q);
  const borough = q.borough ? o.boroughs.find((b) => b.borough.code === q.borough) : undefined;
  if (q.borough && !borough)
    throw new ValidationError([{ field: 'borough', message: 'There is no borough with that code' }]);
  const scope = borough ? [borough] : o.boroughs;
  const returns = (await listReturns(db, actor, o.year)).filter((r) => !r.superseded);
  const latest = Math.max(0, ...returns.map((r) => r.quarter));
  const changes = [
    ...scope.flatMap((b) =>
      b.plan.history
        .filter((h) => h.kind === 'reprofile')
        .map(
          (h) =>
            `${b.borough.name}: plan version ${h.version} re-profiled on ${h.recordedAt.slice(0, 10)} — ${h.reason}`,
        ),
    ),
    ...returns
      .filter((r) => r.quarter === latest)
      .map(
        (r) =>
          `Q${r.quarter} return from ${r.provider} received ${r.submittedAt.slice(0, 10)} (${r.rowCount} rows)${r.illustrative ? ', illustrative' : ''}`,
      ),
  ];
  const actualsPromise = moduleActuals(
    db,
    actor,
    o.year,
    scope.map((b) => b.borough),
    now,
  );
  const actuals = await actualsPromise;
  const last = await repo.lastPackSnapshot(db, actor.systemId, scopeOf(q), o.year);
  const sinceLast =
    last && isFigures(last.figures)
      ? {
          previous: { id: last.id, issuedAt: last.issuedAt, issuedBy: last.issuedBy },
          ...comparePacks(last.figures, packFigures({ scope, actuals })),
        }
      : null;
  return {
    o,
    borough,
    scope,
    name: borough ? borough.borough.name : 'North Central London ICS',
    risks: risksOf(scope),
    changes,
    actuals,
    sinceLast,
  };
}

/**
 * Issues the pack: its figures are kept (never edited) so the next pack shows what moved since. Commissioners
 * only; audited.
 */
export async function issueBoardPack(
  db: AnyDb,
  actor: Actor,
  q: PositionQuery & { borough?: string },
  now: Date,
): Promise<{ id: string; pack: BoardPack }> {
  if (actor.role !== 'system' && !(MONITORING_WRITERS as readonly string[]).includes(actor.role))
    throw new ForbiddenError('Only commissioners can issue a board pack');
  const pack = await boardPack(db, actor, q, now);
  const figures = packFigures(pack);
  const id = await inTransaction(db, async (tx) => {
    const id = await repo.insertPackSnapshot(tx, actor.systemId, {
      scope: scopeOf(q),
      financialYear: pack.o.year,
      tolerance: pack.o.tolerance,
      figures,
      illustrative: pack.o.illustrative,
      issuedBy: actor.name,
      issuedAt: now.toISOString(),
    });
    await audit(tx, actor, {
      action: 'monitoring.pack.issue',
      recordType: 'mon_pack_snapshot',
      recordId: id,
      detail: { scope: scopeOf(q), year: pack.o.year, figures: figures.length },
    });
    return id;
  });
  return { id, pack };
}

/** The pack as an XLSX workbook's sheets: headline, quarters, boroughs, components, actuals, risks and changes. */
export function boardPackSheets(p: BoardPack): Sheet[] {
  const { o, borough, scope, risks, changes } = p;
  const spend = borough ? borough.spendByQuarter : o.ics.spendByQuarter;
  const benefit = borough ? borough.benefitByQuarter : o.ics.benefitByQuarter;
  const env = borough ? borough.envelope : o.ics.envelope;
  return [
    {
      name: 'Headline',
      rows: [
        ['measure', 'value'],
        ['scope', p.name],
        ['year', o.year],
        ['tolerance', `${Math.round(o.tolerance * 100)}%`],
        ['envelope (£)', env ? Math.round(env.envelope) : null],
        ['spend to date (£)', env?.spendToDate ?? null],
        ['spend to date against plan', env?.toDate.words ?? 'no agreed plan'],
        ['forecast year end (£)', env?.forecast.yearEnd ?? null],
        ['forecast against envelope', env?.yearEnd.words ?? 'no agreed plan'],
        ['illustrative', o.illustrative ? 'yes: demonstration figures' : 'no'],
      ],
    },
    {
      name: 'Spend by quarter',
      rows: [
        ['quarter', 'planned (£)', 'actual (£)'],
        ...spend.map((r) => [`Q${r.quarter}`, Math.round(r.planned), r.actual === null ? null : Math.round(r.actual)]),
      ],
    },
    {
      name: 'Benefits by quarter',
      rows: [
        ['quarter', 'planned bed days saved', 'actual bed days saved'],
        ...benefit.map((r) => [
          `Q${r.quarter}`,
          Math.round(r.planned),
          r.actual === null ? null : Math.round(r.actual),
        ]),
      ],
    },
    {
      name: 'Boroughs',
      rows: [
        [
          'borough',
          'plan',
          'envelope (£)',
          'spend to date (£)',
          'against plan',
          'forecast (£)',
          'forecast against envelope',
          'benefits to date',
        ],
        ...scope.map((b) => [
          b.borough.name,
          b.plan.status,
          b.envelope ? Math.round(b.envelope.envelope) : null,
          b.envelope?.spendToDate ?? null,
          b.envelope?.toDate.words ?? 'no agreed plan',
          b.envelope?.forecast.yearEnd ?? null,
          b.envelope?.yearEnd.words ?? '',
          b.benefitToDate.words,
        ]),
      ],
    },
    {
      name: 'Components',
      rows: [
        [
          'borough',
          'component',
          'planned to date (£)',
          'spend to date (£)',
          'against plan',
          'forecast year end (£)',
          'benefits to date',
        ],
        ...scope.flatMap((b) =>
          b.components.map((c) => [
            b.borough.name,
            c.name,
            Math.round(c.toDate.spendPlanned),
            c.toDate.spendActual,
            c.toDate.spend.words,
            c.forecast.yearEnd,
            c.toDate.benefit.words,
          ]),
        ),
      ],
    },
    {
      name: 'Actuals from modules',
      rows: [
        [
          'borough',
          'quarter',
          'first contact met the standard',
          'breached the standard',
          'compliance',
          'virtual ward bed days at home',
          'virtual ward discharges',
          'silver triage calls with an outcome',
          'avoided conveyances',
          'out-of-area placement days',
        ],
        ...scope.flatMap((b) =>
          (p.actuals.get(b.borough.code)?.quarters ?? []).map((q) => [
            b.borough.name,
            `Q${q.quarter}`,
            q.compliance.met,
            q.compliance.breached,
            actualWords(q).compliance,
            q.bedDaysAtHome.bedDays,
            q.bedDaysAtHome.discharges,
            q.conveyance.withOutcome,
            q.conveyance.notConveyed,
            q.oap.days,
          ]),
        ),
      ],
    },
    {
      name: 'Outcome indicators',
      rows: [
        ['borough', 'indicator', 'title', 'Q1', 'Q2', 'Q3', 'Q4', 'unit', 'movement'],
        ...scope.flatMap((b) =>
          (p.actuals.get(b.borough.code)?.outcomes ?? []).map((i) => [
            b.borough.name,
            i.code,
            i.title,
            ...i.values.map((v) => v.value),
            i.unit,
            i.movement ?? 'fewer than two quarters published',
          ]),
        ),
      ],
    },
    {
      name: 'Sources',
      rows: [['figure', 'where it comes from'], ...Object.entries(ACTUAL_SOURCES)],
    },
    {
      name: 'Risks and changes',
      rows: [
        ['kind', 'text'],
        ...risks.map((r) => ['risk', r]),
        ...changes.map((c) => ['change', c]),
        ...(p.sinceLast?.statusChanges ?? []).map((c) => [
          'status changed since the last pack',
          `${c.label}: ${c.from ?? 'none'} → ${c.to ?? 'none'}`,
        ]),
        ...(p.sinceLast?.moved ?? []).map((m) => [
          'moved since the last pack',
          `${m.label}: ${m.from ?? 'not reported'} → ${m.to ?? 'not reported'}`,
        ]),
      ],
    },
  ];
}
