// Impact and affordability for finance leads and commissioners: scenarios, their assumptions with sources,
// the results by year (charts with tables), the phasing, the affordability options, comparing two scenarios,
// and downloads (CSV of the years, XLSX of everything). Commissioners change and run scenarios; analysts read.
// The JSON API gives the same, and solves phasing problems sent to it.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { AppDeps } from '../../app.ts';
import {
  ASSUMPTION_GROUPS,
  type AssumptionChange,
  agreeScenario,
  assumptionDefinition,
  assumptionHistory,
  BAND_COST_SOURCE,
  changeScenario,
  compareScenarios,
  createScenario,
  FINANCE_READERS,
  FINANCE_WRITERS,
  fundingBySource,
  getScenario,
  LEVER_NAMES,
  LEVERS,
  listScenarios,
  openOption,
  type PhasingProblem,
  type ProductivityReport,
  productivityOf,
  type ScenarioRow,
  solvePhasing,
  startRun,
} from '../../modules/finance/index.ts';
import { getPublishedOffer } from '../../modules/offer/index.ts';
import { listPlaces } from '../../modules/places/index.ts';
import type { Actor } from '../../platform/auth/roles.ts';
import { DomainError, ValidationError } from '../../platform/errors.ts';
import { writeCsv, writeXlsx } from '../../platform/tabular.ts';
import { ErrorBody } from '../api-schemas.ts';
import { barChart, lineChart } from '../charts.ts';
import { sendCsv, sendXlsx } from '../downloads.ts';
import { errorItems, fieldErrors } from '../forms.ts';
import type { Navigation } from '../nav.ts';
import { fundingChart, millions, timelineChart, tornadoChart } from './charts.ts';

const READERS = [...FINANCE_READERS];
const WRITERS = [...FINANCE_WRITERS];
const Id = Type.String({ format: 'uuid', description: 'Scenario id' });
const Numbers = Type.Array(Type.Number());
const Band = Type.Object({ p10: Numbers, p50: Numbers, p90: Numbers });

const AssumptionSchema = Type.Object({
  key: Type.String(),
  label: Type.String(),
  group: Type.String(),
  value: Type.Number(),
  low: Type.Number(),
  high: Type.Number(),
  unit: Type.String(),
  source: Type.Union([Type.String(), Type.Null()]),
  illustrative: Type.Boolean(),
  changedBy: Type.Union([Type.String(), Type.Null()]),
  changedAt: Type.Union([Type.String(), Type.Null()]),
});
const ResultsSchema = Type.Object({
  years: Type.Array(Type.String()),
  investment: Numbers,
  funding: Type.Record(Type.String(), Numbers, { description: `Pounds a year by lever: ${LEVERS.join(', ')}` }),
  fundingTotal: Numbers,
  bedDaysSaved: Band,
  bedsEquivalent: Numbers,
  netCost: Band,
  affordabilityGap: Numbers,
  totalInvestment: Type.Number(),
  totalBedDaysSaved: Type.Object({ p10: Type.Number(), p50: Type.Number(), p90: Type.Number() }),
  draws: Type.Integer(),
  seed: Type.Integer(),
});
const RunSchema = Type.Object({
  status: Type.Union([Type.Literal('never'), Type.Literal('running'), Type.Literal('done'), Type.Literal('failed')]),
  stage: Type.Union([Type.String(), Type.Null()]),
  progress: Type.Number(),
  error: Type.Union([Type.String(), Type.Null()]),
  startedAt: Type.Union([Type.String(), Type.Null()]),
  finishedAt: Type.Union([Type.String(), Type.Null()]),
  resultsVersion: Type.Union([Type.Integer(), Type.Null()]),
  stale: Type.Boolean({ description: 'The results were computed on an earlier version of the assumptions' }),
});
const SummarySchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  description: Type.String(),
  status: Type.Union([Type.Literal('draft'), Type.Literal('agreed')]),
  firstYear: Type.String(),
  version: Type.Integer(),
  basedOn: Type.Union([Type.String(), Type.Null()]),
  createdBy: Type.String(),
  createdAt: Type.String(),
  agreedBy: Type.Union([Type.String(), Type.Null()]),
  agreedAt: Type.Union([Type.String(), Type.Null()]),
  run: RunSchema,
});
const ScenarioSchema = Type.Intersect([
  SummarySchema,
  Type.Object({ assumptions: Type.Array(AssumptionSchema), results: Type.Union([ResultsSchema, Type.Null()]) }),
]);
const ChangeSchema = Type.Object(
  {
    key: Type.String({ maxLength: 100 }),
    value: Type.Optional(Type.Number()),
    low: Type.Optional(Type.Number()),
    high: Type.Optional(Type.Number()),
    source: Type.Optional(Type.Union([Type.String({ maxLength: 500 }), Type.Null()])),
  },
  { additionalProperties: false },
);
const PhasingItemIn = Type.Object({
  id: Type.String({ minLength: 1, maxLength: 200 }),
  borough: Type.Optional(Type.String({ maxLength: 100 })),
  component: Type.Optional(Type.String({ maxLength: 100 })),
  annualCost: Type.Number(),
  setupCost: Type.Number(),
  annualBenefit: Type.Number(),
  wte: Type.Record(Type.String(), Type.Number()),
  requires: Type.Array(Type.String()),
  mustStart: Type.Optional(Type.Boolean({ description: 'Extension: the item has to start within the horizon' })),
});
const PhasingItemOut = Type.Object({
  id: Type.String(),
  borough: Type.Optional(Type.String()),
  component: Type.Optional(Type.String()),
  annualCost: Type.Number(),
  setupCost: Type.Number(),
  annualBenefit: Type.Number(),
  wte: Type.Record(Type.String(), Type.Number()),
  requires: Type.Array(Type.String()),
  startYear: Type.Union([Type.String(), Type.Null()]),
});
const PhasingOut = Type.Object({
  years: Type.Array(Type.String()),
  budget: Numbers,
  items: Type.Array(PhasingItemOut),
  recruitable: Type.Record(Type.String(), Numbers),
  objective: Type.Number(),
  method: Type.Union([Type.Literal('milp'), Type.Literal('greedy')]),
  optimalityGap: Type.Union([Type.Number(), Type.Null()]),
  greedyObjective: Type.Optional(Type.Number()),
});
const Mix = Type.Record(Type.String(), Type.Number(), {
  description: 'Share of Agenda for Change staff by band (band-2 … band-8a-plus), adding up to 1',
});
const ProductivitySchema = Type.Object({
  provider: Type.Union([Type.String(), Type.Null()], {
    description: 'ODS code of the provider; null when the baseline did not name one (then the row is a borough)',
  }),
  providerName: Type.String(),
  boroughs: Type.Array(Type.String(), { description: 'GSS codes of the boroughs the provider serves with it' }),
  component: Type.String({ description: 'Core offer component (the service)' }),
  contacts: Type.Number(),
  wte: Type.Number({ description: 'Staff, all groups, whole-time equivalents' }),
  spend: Type.Number({ description: 'Pounds a year' }),
  contactsPerWte: Type.Union([Type.Number(), Type.Null()]),
  costPerContact: Type.Union([Type.Number(), Type.Null()], { description: 'Pounds' }),
  bandMix: Mix,
  bandWte: Type.Number({ description: 'Agenda for Change staff counted in the bands, WTE' }),
  seniorShare: Type.Union([Type.Number(), Type.Null()], { description: 'Share of band 6 and above' }),
  bestCostPerContact: Type.Union([Type.Number(), Type.Null()]),
  bestContactsPerWte: Type.Union([Type.Number(), Type.Null()]),
  bestBandMix: Mix,
  release: Type.Number({ description: 'Pounds a year released if the best-in-class cost per contact were reached' }),
  skillMixRelease: Type.Union([Type.Number(), Type.Null()], {
    description:
      'Pounds a year the same band-counted staff would cost less in the best-in-class band mix, at the unit cost of each band; it overlaps what the cost per contact measures, so it is not added to release; null when the provider or its best peers give no bands',
  }),
  peers: Type.Number({ description: 'Providers with figures for the same service (best in class needs 2)' }),
});
const ProductivityReportSchema = Type.Object({
  period: Type.Union([Type.String(), Type.Null()], { description: 'The baseline period benchmarked' }),
  bestQuantile: Type.Number(),
  bands: Type.Array(Type.Object({ code: Type.String(), name: Type.String() })),
  rows: Type.Array(ProductivitySchema),
  totalRelease: Type.Number({ description: 'Pounds a year' }),
  totalSkillMixRelease: Type.Number({ description: 'Pounds a year' }),
  providers: Type.Array(Type.Object({ code: Type.String(), name: Type.String(), release: Type.Number() })),
});

const pounds = (v: number | null) => (v === null ? '' : Math.round(v));
const pct = (v: number | null | undefined) => (v === null || v === undefined ? '' : `${Math.round(v * 100)}%`);

/** The productivity page's chart and tables (also its CSV). */
export function productivityView(
  report: ProductivityReport & { period: string | null },
  componentNames: Map<string, string>,
  boroughNames: Map<string, string>,
) {
  const rows = report.rows;
  const label = (r: ProductivityReport['rows'][number]) =>
    `${r.providerName}: ${componentNames.get(r.component) ?? r.component}`;
  const top = rows.filter((r) => r.release > 0).slice(0, 12);
  const chart =
    top.length === 0
      ? null
      : barChart({
          title: 'Money released a year if each provider reached the best cost per contact (largest 12)',
          description: top.map((r) => `${label(r)}: ${millions(r.release)}`).join('; '),
          bars: top.map((r) => ({ label: label(r), value: r.release / 1e6 })),
          unit: '£m',
          digits: 2,
          width: 760,
        });
  const table = {
    header: [
      'Provider',
      'Service',
      'Boroughs',
      'Contacts',
      'WTE',
      'Contacts per WTE',
      'Best contacts per WTE',
      'Cost per contact (£)',
      'Best cost per contact (£)',
      'Band 6 and above',
      'Best band 6 and above',
      'Released a year (£)',
      'Band mix alone (£)',
    ],
    rows: rows.map((r) => [
      r.providerName,
      componentNames.get(r.component) ?? r.component,
      r.boroughs.map((b) => boroughNames.get(b) ?? b).join(', '),
      r.contacts,
      r.wte,
      r.contactsPerWte === null ? '' : Math.round(r.contactsPerWte),
      r.bestContactsPerWte === null ? '' : Math.round(r.bestContactsPerWte),
      pounds(r.costPerContact),
      pounds(r.bestCostPerContact),
      pct(r.seniorShare),
      pct(
        Object.keys(r.bestBandMix).length
          ? (['band-6', 'band-7', 'band-8a-plus'] as const).reduce((s, b) => s + (r.bestBandMix[b] ?? 0), 0)
          : null,
      ),
      Math.round(r.release),
      r.skillMixRelease === null ? '' : Math.round(r.skillMixRelease),
    ]),
  };
  const withBands = rows.filter((r) => r.bandWte > 0);
  const mix = {
    header: ['Provider', 'Service', ...report.bands.map((b) => b.name), 'Best in class (band 6 and above)'],
    rows: withBands.map((r) => [
      r.providerName,
      componentNames.get(r.component) ?? r.component,
      ...report.bands.map((b) => pct(r.bandMix[b.code] ?? 0)),
      pct(
        Object.keys(r.bestBandMix).length
          ? (['band-6', 'band-7', 'band-8a-plus'] as const).reduce((s, b) => s + (r.bestBandMix[b] ?? 0), 0)
          : null,
      ),
    ]),
  };
  return {
    period: report.period,
    bestQuantile: report.bestQuantile,
    totalRelease: millions(report.totalRelease),
    totalSkillMixRelease: millions(report.totalSkillMixRelease),
    bandCostSource: BAND_COST_SOURCE,
    providers: report.providers.map((p) => ({ ...p, release: millions(p.release) })),
    chart,
    table,
    mix,
    empty: rows.length === 0,
  };
}

/** The board paper's tables, one beside each chart, in the figures the chart draws. */
export function boardPaperTables(s: ScenarioRow, names: Map<string, string>) {
  const out = s.results!;
  const r = out.results;
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  const levers = LEVER_ORDER.filter((l) => r.funding[l].some((v) => v > 0));
  const funding = {
    header: ['Measure (£m)', ...r.years, 'Total'],
    rows: [
      ['Investment', ...r.investment, r.totalInvestment],
      ...levers.map((l) => [`Funding: ${LEVER_NAMES[l]}`, ...r.funding[l], sum(r.funding[l])]),
      ['Funding total', ...r.fundingTotal, sum(r.fundingTotal)],
    ].map(([label, ...xs]) => [label as string, ...(xs as number[]).map((v) => (v / 1e6).toFixed(1))]),
  };
  const bedDays = {
    header: ['Year', 'P10', 'Median (P50)', 'P90', 'Beds equivalent (most likely)'],
    rows: r.years.map((y, i) => [
      y,
      Math.round(r.bedDaysSaved.p10[i]),
      Math.round(r.bedDaysSaved.p50[i]),
      Math.round(r.bedDaysSaved.p90[i]),
      Math.round(r.bedsEquivalent[i]),
    ]),
  };
  const boroughs = [...new Set(out.items.map((i) => i.borough))].sort();
  const timeline = {
    header: ['Borough', ...r.years, 'Not in the plan'],
    rows: boroughs.map((b) => {
      const mine = out.items.filter((i) => i.borough === b);
      return [
        names.get(b) ?? b,
        ...r.years.map((y) => {
          const starting = mine.filter((i) => i.startYear === y);
          const cost = sum(starting.map((i) => i.annualCost));
          return starting.length === 0 ? '0' : `${starting.length} (${millions(cost)} a year)`;
        }),
        String(mine.filter((i) => i.startYear === null).length),
      ];
    }),
  };
  const tornado = {
    header: ['Assumption', 'Bed days at its low value', 'Bed days at its high value', 'Swing'],
    rows: out.tornado.bedDays
      .slice(0, 8)
      .map((b) => [
        assumptionDefinition(b.key)?.label ?? b.key,
        Math.round(b.atLow),
        Math.round(b.atHigh),
        Math.round(Math.abs(b.atHigh - b.atLow)),
      ]),
  };
  return { funding, bedDays, timeline, tornado };
}

function runView(s: ScenarioRow | Omit<ScenarioRow, 'assumptions' | 'results'>) {
  return {
    status: s.runStatus,
    stage: s.runStage,
    progress: s.runProgress,
    error: s.runError,
    startedAt: s.runStartedAt,
    finishedAt: s.runFinishedAt,
    resultsVersion: s.resultsVersion,
    stale: s.resultsVersion !== null && s.resultsVersion !== s.version,
  };
}
function summaryView(s: Omit<ScenarioRow, 'assumptions' | 'results'>) {
  return {
    id: s.id,
    name: s.name,
    description: s.description,
    status: s.status,
    firstYear: s.firstYear,
    version: s.version,
    basedOn: s.basedOn,
    createdBy: s.createdBy,
    createdAt: s.createdAt,
    agreedBy: s.agreedBy,
    agreedAt: s.agreedAt,
    run: runView(s),
  };
}
function assumptionsView(s: ScenarioRow) {
  return s.assumptions.map((a) => {
    const d = assumptionDefinition(a.key);
    return { ...a, label: d?.label ?? a.key, group: d?.group ?? 'plan' };
  });
}
function scenarioView(s: ScenarioRow) {
  const r = s.results?.results;
  return {
    ...summaryView(s),
    assumptions: assumptionsView(s),
    results: r
      ? {
          years: r.years,
          investment: r.investment,
          funding: r.funding,
          fundingTotal: r.fundingTotal,
          bedDaysSaved: r.bedDaysSaved,
          bedsEquivalent: r.bedsEquivalent,
          netCost: r.netCost,
          affordabilityGap: r.affordabilityGap,
          totalInvestment: r.totalInvestment,
          totalBedDaysSaved: r.totalBedDaysSaved,
          draws: r.draws,
          seed: r.seed,
        }
      : null,
  };
}
function phasingView(s: ScenarioRow) {
  const out = s.results;
  if (!out) return null;
  return {
    years: out.results.years,
    budget: out.phasing.budget,
    items: out.items.map((i) => ({
      id: i.id,
      borough: i.borough,
      component: i.component,
      annualCost: i.annualCost,
      setupCost: i.setupCost,
      annualBenefit: i.annualBenefit,
      wte: i.wte as Record<string, number>,
      requires: i.requires,
      startYear: i.startYear,
    })),
    recruitable: out.phasing.recruitable,
    objective: out.phasing.objective,
    method: out.phasing.method,
    optimalityGap: out.phasing.optimalityGap,
    greedyObjective: out.phasing.greedyObjective,
  };
}

const whole = (v: number) => Math.round(v).toLocaleString('en-GB');
const LEVER_ORDER = ['growth', 'efficiency', 'scale', 'systemSavings', 'redistribution', 'national'] as const;

/** Every table of a scenario, for the page, the CSV and the XLSX. */
function scenarioTables(s: ScenarioRow, names: Map<string, string>) {
  const out = s.results!;
  const r = out.results;
  const years = r.years;
  const yearRows: (string | number)[][] = [
    ['Investment (£)', ...r.investment.map(Math.round), Math.round(r.totalInvestment)],
    ...LEVER_ORDER.map((l) => [
      `Funding: ${LEVER_NAMES[l]} (£)`,
      ...r.funding[l].map(Math.round),
      Math.round(r.funding[l].reduce((a, b) => a + b, 0)),
    ]),
    ['Funding total (£)', ...r.fundingTotal.map(Math.round), Math.round(r.fundingTotal.reduce((a, b) => a + b, 0))],
    [
      'Affordability gap of the whole offer (£)',
      ...r.affordabilityGap.map(Math.round),
      Math.round(r.affordabilityGap.reduce((a, b) => a + b, 0)),
    ],
    [
      'Cashable savings (£)',
      ...r.deterministic.cashableSavings.map(Math.round),
      Math.round(r.deterministic.cashableSavings.reduce((a, b) => a + b, 0)),
    ],
    ['Net cost P10 (£)', ...r.netCost.p10.map(Math.round), ''],
    ['Net cost P50 (£)', ...r.netCost.p50.map(Math.round), ''],
    ['Net cost P90 (£)', ...r.netCost.p90.map(Math.round), ''],
    [
      'Admissions avoided',
      ...r.deterministic.admissionsAvoided.map(Math.round),
      Math.round(r.deterministic.admissionsAvoided.reduce((a, b) => a + b, 0)),
    ],
    ['Bed days saved P10', ...r.bedDaysSaved.p10.map(Math.round), Math.round(r.totalBedDaysSaved.p10)],
    ['Bed days saved P50', ...r.bedDaysSaved.p50.map(Math.round), Math.round(r.totalBedDaysSaved.p50)],
    ['Bed days saved P90', ...r.bedDaysSaved.p90.map(Math.round), Math.round(r.totalBedDaysSaved.p90)],
    ['Beds equivalent (most likely)', ...r.bedsEquivalent.map((b) => Math.round(b)), ''],
    [
      'Out-of-area placement days avoided',
      ...r.deterministic.placementDaysSaved.map(Math.round),
      Math.round(r.deterministic.placementDaysSaved.reduce((a, b) => a + b, 0)),
    ],
  ];
  const phasing = out.items.map((i) => [
    i.id,
    names.get(i.borough) ?? i.borough,
    i.component,
    i.status,
    i.ageGroups.join('; '),
    i.addWte,
    Math.round(i.annualCost),
    Math.round(i.setupCost),
    Math.round(i.bedDaysSaved),
    Math.round(i.placementDaysSaved),
    Math.round(i.grossSaving),
    Number(i.annualBenefit.toFixed(2)),
    i.requires.join('; '),
    i.startYear ?? 'not in the plan',
    i.greedyStartYear ?? 'not in the plan',
  ]);
  return {
    years: { header: ['Measure', ...years, 'Total'], rows: yearRows },
    phasing: {
      header: [
        'Item',
        'Borough',
        'Component',
        'Gap',
        'Age groups',
        'WTE to add',
        'Annual cost (£)',
        'Set-up cost (£)',
        'Bed days saved a year at full effect',
        'Placement days avoided a year',
        'Gross saving a year (£)',
        'Benefit a year',
        'Requires',
        'Start year (plan)',
        'Start year (greedy)',
      ],
      rows: phasing,
    },
    assumptions: {
      header: ['Key', 'Assumption', 'Most likely', 'Low', 'High', 'Unit', 'Source', 'Changed by', 'Changed at'],
      rows: assumptionsView(s).map((a) => [
        a.key,
        a.label,
        a.value,
        a.low,
        a.high,
        a.unit,
        a.source ?? 'illustrative',
        a.changedBy ?? '',
        a.changedAt ?? '',
      ]),
    },
    tornado: {
      header: ['Assumption', 'Low', 'High', 'Bed days over the plan at low', 'At high', 'Swing'],
      rows: out.tornado.bedDays.map((t) => [
        t.key,
        t.low,
        t.high,
        Math.round(t.atLow),
        Math.round(t.atHigh),
        Math.round(t.swing),
      ]),
    },
  };
}

function fieldId(field: string, changes: AssumptionChange[]): string {
  const m = /^assumptions\[(\d+)\]\.(\w+)$/.exec(field);
  if (m) {
    const c = changes[Number(m[1])];
    const part = m[2] === 'key' ? 'value' : m[2];
    return c ? `a-${c.key.replace(/\./g, '-')}-${part}` : 'assumptions';
  }
  return field;
}

export default async function financeRoutes(
  appBase: FastifyInstance,
  { deps, navigation }: { deps: AppDeps; navigation: Navigation },
) {
  const app = appBase.withTypeProvider<TypeBoxTypeProvider>();
  const { db } = deps.database;
  navigation.add({ href: '/finance', text: 'Impact and affordability', roles: READERS });
  const actorOf = (request: FastifyRequest) => request.actor as Actor;
  const canWrite = (request: FastifyRequest) => (WRITERS as string[]).includes(actorOf(request).role);
  const boroughNames = async (request: FastifyRequest) =>
    new Map((await listPlaces(db, actorOf(request).systemId)).map((p) => [p.code, p.name]));

  // Pages -------------------------------------------------------------------------------------------------
  app.get('/finance', { config: { policy: READERS } }, async (request, reply) => {
    const scenarios = await listScenarios(db, actorOf(request));
    return reply.render('finance/index.njk', {
      title: 'Impact and affordability',
      scenarios,
      canWrite: canWrite(request),
      choices: scenarios.map((s) => ({ value: s.id, text: s.name })),
    });
  });

  app.get(
    '/finance/productivity',
    {
      config: { policy: READERS },
      schema: { querystring: Type.Object({ format: Type.Optional(Type.Literal('csv')) }) },
    },
    async (request, reply) => {
      const report = await productivityOf(db, actorOf(request));
      const offer = await getPublishedOffer(db, actorOf(request).systemId);
      const componentNames = new Map((offer?.components ?? []).map((c) => [c.code, c.name]));
      const names = await boroughNames(request);
      const view = productivityView(report, componentNames, names);
      if (request.query.format === 'csv') {
        return sendCsv(reply, 'finance-productivity.csv', writeCsv([view.table.header, ...view.table.rows]));
      }
      return reply.render('finance/productivity.njk', { title: 'Productivity benchmarking', ...view });
    },
  );

  const NewBody = Type.Object({
    _csrf: Type.Optional(Type.String()),
    name: Type.String({ maxLength: 200 }),
    copyFrom: Type.Optional(Type.String({ maxLength: 40 })),
    firstYear: Type.Optional(Type.String({ maxLength: 10 })),
  });
  app.post('/finance/scenarios', { config: { policy: WRITERS }, schema: { body: NewBody } }, async (request, reply) => {
    const b = request.body;
    try {
      const id = await createScenario(
        db,
        actorOf(request),
        { name: b.name, copyFrom: b.copyFrom || undefined, firstYear: b.firstYear || undefined },
        deps.clock.now(),
      );
      return reply.redirect(`/finance/scenarios/${id}?created=1`, 303);
    } catch (e) {
      if (!(e instanceof ValidationError)) throw e;
      const scenarios = await listScenarios(db, actorOf(request));
      reply.status(400);
      return reply.render('finance/index.njk', {
        title: 'Impact and affordability',
        scenarios,
        canWrite: true,
        choices: scenarios.map((s) => ({ value: s.id, text: s.name, selected: s.id === b.copyFrom })),
        values: b,
        errors: errorItems(e),
        fieldErrors: fieldErrors(errorItems(e)),
      });
    }
  });

  const PageQuery = Type.Object({
    format: Type.Optional(Type.Union([Type.Literal('html'), Type.Literal('csv'), Type.Literal('xlsx')])),
    created: Type.Optional(Type.String({ maxLength: 5 })),
    saved: Type.Optional(Type.String({ maxLength: 5 })),
    started: Type.Optional(Type.String({ maxLength: 5 })),
    opened: Type.Optional(Type.String({ maxLength: 5 })),
    agreed: Type.Optional(Type.String({ maxLength: 5 })),
    borough: Type.Optional(Type.String({ maxLength: 12 })),
  });
  app.get(
    '/finance/scenarios/:id',
    {
      config: { policy: READERS },
      schema: { params: Type.Object({ id: Type.String({ maxLength: 40 }) }), querystring: PageQuery },
    },
    async (request, reply) => {
      const s = await getScenario(db, actorOf(request), request.params.id);
      const names = await boroughNames(request);
      const q = request.query;
      const file = `finance-${s.name
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, '-')
        .slice(0, 60)}`;
      if (s.results && (q.format === 'csv' || q.format === 'xlsx')) {
        const t = scenarioTables(s, names);
        if (q.format === 'csv') return sendCsv(reply, `${file}.csv`, writeCsv([t.years.header, ...t.years.rows]));
        return sendXlsx(
          reply,
          `${file}.xlsx`,
          await writeXlsx([
            { name: 'Assumptions', rows: [t.assumptions.header, ...t.assumptions.rows] },
            { name: 'Years', rows: [t.years.header, ...t.years.rows] },
            { name: 'Phasing', rows: [t.phasing.header, ...t.phasing.rows] },
            { name: 'Tornado', rows: [t.tornado.header, ...t.tornado.rows] },
          ]),
        );
      }
      return reply.render('finance/scenario.njk', {
        title: s.name,
        ...(await scenarioPage(s, names, q.borough)),
        canWrite: canWrite(request),
        notice: q,
      });
    },
  );

  app.get(
    '/finance/scenarios/:id/board-paper',
    { config: { policy: READERS }, schema: { params: Type.Object({ id: Type.String({ maxLength: 40 }) }) } },
    async (request, reply) => {
      const s = await getScenario(db, actorOf(request), request.params.id);
      const names = await boroughNames(request);
      const page = await scenarioPage(s, names);
      return reply.render('finance/board-paper.njk', {
        title: `Board paper: ${s.name}`,
        ...page,
        ...(s.results ? { paper: boardPaperTables(s, names) } : {}),
      });
    },
  );

  async function scenarioPage(s: ScenarioRow, names: Map<string, string>, borough?: string) {
    const run = runView(s);
    if (!s.results) return { scenario: s, run };
    const out = s.results;
    const r = out.results;
    const t = scenarioTables(s, names);
    const stacks = LEVER_ORDER.map((l) => ({ label: LEVER_NAMES[l], values: r.funding[l] })).filter((x) =>
      x.values.some((v) => v > 0),
    );
    const descriptions = {
      funding: `Funding stacked by lever, with the plan's investment as a dashed line. ${r.years
        .map((y, i) => `${y}: investment ${millions(r.investment[i])}, funding ${millions(r.fundingTotal[i])}`)
        .join('; ')}.`,
      bedDays: `Median bed days saved: ${r.years.map((y, i) => `${y} ${whole(r.bedDaysSaved.p50[i])} (P10 ${whole(r.bedDaysSaved.p10[i])}, P90 ${whole(r.bedDaysSaved.p90[i])})`).join('; ')}.`,
      timeline: '',
      tornado: '',
    };
    const funding = fundingChart({
      title: 'Investment against funding by year',
      description: descriptions.funding,
      years: r.years,
      stacks,
      line: { label: 'Investment', values: r.investment },
    });
    const bedDays = lineChart({
      title: 'Occupied bed days saved a year, with the P10 to P90 band',
      description: descriptions.bedDays,
      series: [
        {
          label: 'Median',
          points: r.years.map((y, i) => ({
            x: y,
            y: r.bedDaysSaved.p50[i],
            lower: r.bedDaysSaved.p10[i],
            upper: r.bedDaysSaved.p90[i],
          })),
        },
      ],
    });
    const boroughs = [...new Set(out.items.map((i) => i.borough))].sort();
    descriptions.timeline = boroughs
      .map(
        (b) =>
          `${names.get(b) ?? b}: ${r.years.map((y) => `${out.items.filter((i) => i.borough === b && i.startYear === y).length} in ${y}`).join(', ')}`,
      )
      .join('; ');
    const timeline = timelineChart({
      title: 'The phasing: items starting each year, by borough',
      description: descriptions.timeline,
      years: r.years,
      rows: boroughs.map((b) => ({
        label: names.get(b) ?? b,
        counts: r.years.map((y) => out.items.filter((i) => i.borough === b && i.startYear === y).length),
        costs: r.years.map((y) =>
          out.items.filter((i) => i.borough === b && i.startYear === y).reduce((a, i) => a + i.annualCost, 0),
        ),
      })),
    });
    const baseBed = r.deterministic.bedDaysSaved.reduce((a, b) => a + b, 0);
    descriptions.tornado = out.tornado.bedDays
      .slice(0, 8)
      .map(
        (b) =>
          `${assumptionDefinition(b.key)?.label ?? b.key}: ${whole(b.atLow)} at its low value, ${whole(b.atHigh)} at its high`,
      )
      .join('; ');
    const tornado = tornadoChart({
      title: 'Which assumptions matter most for bed days saved over the plan',
      description: descriptions.tornado,
      base: baseBed,
      bars: out.tornado.bedDays.slice(0, 8).map((b) => ({ label: b.key, atLow: b.atLow, atHigh: b.atHigh })),
      format: whole,
    });
    const itemRows = borough ? t.phasing.rows.filter((_row, i) => out.items[i].borough === borough) : t.phasing.rows;
    const year2 = r.years.length > 1 ? 1 : 0;
    return {
      scenario: s,
      run,
      r,
      out,
      tables: t,
      itemRows,
      charts: { funding, bedDays, timeline, tornado },
      descriptions,
      boroughItems: boroughs.map((b) => ({ value: b, text: names.get(b) ?? b, selected: b === borough })),
      borough,
      headline: {
        totalInvestment: millions(r.totalInvestment),
        newMoney: millions(fundingBySource(r.funding).newMoney),
        ownLevers: millions(fundingBySource(r.funding).ownLevers),
        year2: r.years[year2],
        bedDaysYear2: whole(r.bedDaysSaved.p50[year2]),
        bedDaysYear2Band: `${whole(r.bedDaysSaved.p10[year2])} to ${whole(r.bedDaysSaved.p90[year2])}`,
        bedsYear2: whole(r.bedsEquivalent[year2]),
        gapTotal: millions(r.affordabilityGap.reduce((a, b) => a + b, 0)),
        started: out.phasing.startedItems,
        items: out.items.length,
        method: out.phasing.method === 'milp' ? 'mixed-integer programme (HiGHS)' : 'greedy heuristic',
        optimalityGap: out.phasing.optimalityGap === null ? null : `${(out.phasing.optimalityGap * 100).toFixed(2)}%`,
        greedyShare:
          out.phasing.objective > 0
            ? `${((out.phasing.greedyObjective / out.phasing.objective) * 100).toFixed(1)}%`
            : null,
        reprofile: out.affordability.reprofile.years,
        reprofileEnd: out.affordability.reprofile.endYear,
        efficiencyShare: `${(out.affordability.efficiency.extraShare * 100).toFixed(1)}%`,
        efficiencyPerYear: millions(out.affordability.efficiency.perYear),
        savingsTotal: millions(out.affordability.savings.total),
        notRecruitable: out.affordability.notRecruitable.length,
      },
      lever: LEVER_ORDER.map((l) => ({ name: LEVER_NAMES[l], values: r.funding[l].map((v) => millions(v)) })),
      millionsYears: (xs: number[]) => xs.map(millions),
    };
  }

  app.post(
    '/finance/scenarios/:id/run',
    { config: { policy: WRITERS }, schema: { params: Type.Object({ id: Type.String({ maxLength: 40 }) }) } },
    async (request, reply) => {
      await startRun(db, actorOf(request), request.params.id, deps.clock);
      return reply.redirect(`/finance/scenarios/${request.params.id}?started=1`, 303);
    },
  );
  // The three affordability options, each opened as a copy of the scenario with the assumption it needs.
  app.post(
    '/finance/scenarios/:id/options/:option',
    {
      config: { policy: WRITERS },
      schema: {
        params: Type.Object({
          id: Type.String({ maxLength: 40 }),
          option: Type.Union([Type.Literal('reprofile'), Type.Literal('efficiency'), Type.Literal('savings')]),
        }),
      },
    },
    async (request, reply) => {
      const actor = actorOf(request);
      const id = await openOption(db, actor, request.params.id, request.params.option, deps.clock.now());
      // Someone opening an option from the page wants to see what it gives, so it runs straight away.
      await startRun(db, actor, id, deps.clock);
      return reply.redirect(`/finance/scenarios/${id}?opened=1`, 303);
    },
  );

  app.post(
    '/finance/scenarios/:id/agree',
    { config: { policy: WRITERS }, schema: { params: Type.Object({ id: Type.String({ maxLength: 40 }) }) } },
    async (request, reply) => {
      await agreeScenario(db, actorOf(request), request.params.id, deps.clock.now());
      return reply.redirect(`/finance/scenarios/${request.params.id}?agreed=1`, 303);
    },
  );

  const assumptionsPage = async (
    request: FastifyRequest,
    reply: FastifyReply,
    s: ScenarioRow,
    extra: Record<string, unknown> = {},
  ) => {
    const history = await assumptionHistory(db, actorOf(request), s.id);
    const list = assumptionsView(s);
    return reply.render('finance/assumptions.njk', {
      title: `Assumptions: ${s.name}`,
      scenario: s,
      groups: ASSUMPTION_GROUPS.map((g) => ({
        ...g,
        items: list.filter((a) => a.group === g.code).map((a) => ({ ...a, id: `a-${a.key.replace(/\./g, '-')}` })),
      })),
      history: history.slice(0, 50),
      canWrite: canWrite(request) && s.status !== 'agreed',
      ...extra,
    });
  };
  app.get(
    '/finance/scenarios/:id/assumptions',
    {
      config: { policy: READERS },
      schema: {
        params: Type.Object({ id: Type.String({ maxLength: 40 }) }),
        querystring: Type.Object({ saved: Type.Optional(Type.String({ maxLength: 5 })) }),
      },
    },
    async (request, reply) => {
      const s = await getScenario(db, actorOf(request), request.params.id);
      return assumptionsPage(request, reply, s, { saved: request.query.saved === '1' });
    },
  );
  app.post(
    '/finance/scenarios/:id/assumptions',
    {
      config: { policy: WRITERS },
      schema: {
        params: Type.Object({ id: Type.String({ maxLength: 40 }) }),
        body: Type.Record(Type.String(), Type.Unknown()),
      },
    },
    async (request, reply) => {
      const actor = actorOf(request);
      const s = await getScenario(db, actor, request.params.id);
      const body = request.body as Record<string, string>;
      const changes: AssumptionChange[] = [];
      const bad: { field: string; message: string }[] = [];
      for (const a of s.assumptions) {
        const id = `a-${a.key.replace(/\./g, '-')}`;
        const change: AssumptionChange = { key: a.key };
        let any = false;
        for (const part of ['value', 'low', 'high'] as const) {
          const raw = body[`${id}-${part}`];
          if (raw === undefined) continue;
          const text = String(raw).replace(/[£,\s]/g, '');
          const v = Number(text);
          if (text === '' || !Number.isFinite(v)) {
            bad.push({
              field: `${id}-${part}`,
              message: `${assumptionDefinition(a.key)?.label ?? a.key}: enter a number`,
            });
            continue;
          }
          if (v !== a[part]) {
            change[part] = v;
            any = true;
          }
        }
        if (any) changes.push(change);
      }
      try {
        if (bad.length) throw new ValidationError(bad);
        await changeScenario(db, actor, s.id, { assumptions: changes }, deps.clock.now());
        return reply.redirect(`/finance/scenarios/${s.id}/assumptions?saved=1`, 303);
      } catch (e) {
        if (!(e instanceof ValidationError)) throw e;
        reply.status(400);
        const items = errorItems(e, (f) => (f.startsWith('a-') ? f : fieldId(f, changes)));
        return assumptionsPage(request, reply, s, { errors: items, fieldErrors: fieldErrors(items), values: body });
      }
    },
  );

  app.get(
    '/finance/compare',
    {
      config: { policy: READERS },
      schema: {
        querystring: Type.Object({
          a: Type.Optional(Type.String({ maxLength: 40 })),
          b: Type.Optional(Type.String({ maxLength: 40 })),
        }),
      },
    },
    async (request, reply) => {
      const actor = actorOf(request);
      const scenarios = await listScenarios(db, actor);
      const agreed = scenarios.find((x) => x.status === 'agreed');
      const aId = request.query.a || agreed?.id || scenarios[0]?.id;
      const bId = request.query.b || scenarios.find((x) => x.id !== aId)?.id;
      if (!aId || !bId) {
        return reply.render('finance/compare.njk', { title: 'Compare scenarios', empty: true });
      }
      const [a, b] = await Promise.all([getScenario(db, actor, aId), getScenario(db, actor, bId)]);
      const c = compareScenarios(a, b);
      return reply.render('finance/compare.njk', {
        title: 'Compare scenarios',
        a,
        b,
        comparison: {
          ...c,
          assumptions: c.assumptions.map((x) => ({ ...x, label: assumptionDefinition(x.key)?.label ?? x.key })),
          rows: c.rows.map((row) => ({
            ...row,
            fmt: (v: number | null) => (v === null ? 'not run' : row.metric.includes('£') ? millions(v) : whole(v)),
          })),
        },
        choicesA: scenarios.map((x) => ({ value: x.id, text: x.name, selected: x.id === aId })),
        choicesB: scenarios.map((x) => ({ value: x.id, text: x.name, selected: x.id === bId })),
      });
    },
  );

  // JSON API ----------------------------------------------------------------------------------------------
  const tags = ['finance'];
  const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody };

  app.get(
    '/api/finance/scenarios',
    {
      config: { policy: READERS },
      schema: {
        summary: 'Finance scenarios: the agreed plan and drafts, with their run status',
        tags,
        response: { 200: Type.Object({ scenarios: Type.Array(SummarySchema) }), 401: ErrorBody, 403: ErrorBody },
      },
    },
    async (request) => ({ scenarios: (await listScenarios(db, actorOf(request))).map(summaryView) }),
  );

  app.get(
    '/api/finance/scenarios/:id',
    {
      config: { policy: READERS },
      schema: {
        summary:
          'One scenario with its assumptions (each with a source or marked illustrative) and its last good results',
        description:
          'Money is in pounds a year. `bedDaysSaved` gives the P10, P50 and P90 of the Monte Carlo run for each year; `bedsEquivalent` is the most likely bed days ÷ 365.',
        tags,
        params: Type.Object({ id: Id }),
        response: { 200: ScenarioSchema, ...errors },
      },
    },
    async (request) => scenarioView(await getScenario(db, actorOf(request), request.params.id)),
  );

  app.post(
    '/api/finance/scenarios',
    {
      config: { policy: WRITERS },
      schema: {
        summary: 'Create a scenario, or copy one (copyFrom) with changed assumptions',
        tags,
        body: Type.Object(
          {
            name: Type.String({ maxLength: 200 }),
            description: Type.Optional(Type.String({ maxLength: 2000 })),
            firstYear: Type.Optional(Type.String({ maxLength: 10 })),
            copyFrom: Type.Optional(Id),
            assumptions: Type.Optional(Type.Array(ChangeSchema, { maxItems: 200 })),
          },
          { additionalProperties: false },
        ),
        response: { 201: ScenarioSchema, ...errors },
      },
    },
    async (request, reply) => {
      const id = await createScenario(db, actorOf(request), request.body, deps.clock.now());
      reply.status(201);
      return scenarioView(await getScenario(db, actorOf(request), id));
    },
  );

  app.post(
    '/api/finance/scenarios/:id/options/:option',
    {
      config: { policy: WRITERS },
      schema: {
        summary: 'Open an affordability option of a run scenario as a new scenario',
        description:
          "Copies the scenario with the one assumption the option needs, from its last run's affordability options: `reprofile` sets `plan.horizonYears` to the shortest horizon that delivers the whole offer within the funding (409 `no_reprofile` when that is more than 10 years), `efficiency` sets `efficiency.extra` to the extra share of baseline spend that closes the largest year's gap, `savings` sets `savings.extra` to the largest year's gap. The new scenario is a draft, not yet run (run it with POST …/run). 404 when there is no such scenario, 409 `not_run` when it has no results. Audited as finance.scenario.copy and finance.scenario.option.",
        tags,
        params: Type.Object({
          id: Id,
          option: Type.String({
            maxLength: 20,
            description: 'reprofile, efficiency or savings',
            examples: ['efficiency'],
          }),
        }),
        response: { 201: ScenarioSchema, ...errors },
      },
    },
    async (request, reply) => {
      const actor = actorOf(request);
      const id = await openOption(db, actor, request.params.id, request.params.option, deps.clock.now());
      reply.status(201);
      return scenarioView(await getScenario(db, actor, id));
    },
  );

  app.patch(
    '/api/finance/scenarios/:id',
    {
      config: { policy: WRITERS },
      schema: {
        summary: 'Change assumptions (value, low, high, source) or the name; the agreed plan cannot change',
        tags,
        params: Type.Object({ id: Id }),
        body: Type.Object(
          {
            name: Type.Optional(Type.String({ maxLength: 200 })),
            description: Type.Optional(Type.String({ maxLength: 2000 })),
            firstYear: Type.Optional(Type.String({ maxLength: 10 })),
            assumptions: Type.Optional(Type.Array(ChangeSchema, { maxItems: 200 })),
          },
          { additionalProperties: false },
        ),
        response: { 200: ScenarioSchema, ...errors },
      },
    },
    async (request) => {
      const s = await changeScenario(db, actorOf(request), request.params.id, request.body, deps.clock.now());
      return scenarioView({ ...s, assumptions: (await getScenario(db, actorOf(request), s.id)).assumptions });
    },
  );

  app.post(
    '/api/finance/scenarios/:id/run',
    {
      config: { policy: WRITERS },
      schema: {
        summary:
          'Re-run the model in a worker thread; poll the scenario for progress. A failed run keeps the last good results.',
        description: 'Returns 202 at once; with `wait: true` it answers when the run has finished.',
        tags,
        params: Type.Object({ id: Id }),
        body: Type.Optional(
          Type.Object(
            {
              draws: Type.Optional(Type.Integer({ description: 'Monte Carlo draws (10,000 by default)' })),
              seed: Type.Optional(Type.Integer()),
              timeLimitSeconds: Type.Optional(
                Type.Number({
                  minimum: 0.5,
                  maximum: 30,
                  description:
                    'Stop the solver after this many seconds. Without it the solver stops by work (a 1% proven gap or 5,000 nodes), so the same assumptions give the same plan on any machine.',
                }),
              ),
              wait: Type.Optional(Type.Boolean()),
            },
            { additionalProperties: false },
          ),
        ),
        response: { 200: Type.Object({ run: RunSchema }), 202: Type.Object({ run: RunSchema }), ...errors },
      },
    },
    async (request, reply) => {
      const body = request.body ?? {};
      const actor = actorOf(request);
      const { finished } = await startRun(db, actor, request.params.id, deps.clock, {
        draws: body.draws,
        seed: body.seed,
        timeLimitSeconds: body.timeLimitSeconds,
      });
      if (body.wait) await finished;
      else reply.status(202);
      return { run: runView(await getScenario(db, actor, request.params.id)) };
    },
  );

  app.post(
    '/api/finance/scenarios/:id/agree',
    {
      config: { policy: WRITERS },
      schema: {
        summary: 'Lock a scenario as the agreed plan (the previous agreed plan becomes a draft)',
        tags,
        params: Type.Object({ id: Id }),
        response: { 200: SummarySchema, ...errors },
      },
    },
    async (request) => {
      await agreeScenario(db, actorOf(request), request.params.id, deps.clock.now());
      return summaryView(await getScenario(db, actorOf(request), request.params.id));
    },
  );

  app.get(
    '/api/finance/scenarios/:id/phasing',
    {
      config: { policy: READERS },
      schema: {
        summary: 'The phasing of a scenario: each gap item with its start year (null when not in the plan)',
        tags,
        params: Type.Object({ id: Id }),
        response: { 200: PhasingOut, ...errors },
      },
    },
    async (request) => {
      const s = await getScenario(db, actorOf(request), request.params.id);
      const view = phasingView(s);
      if (!view) throw new DomainError(409, 'not_run', 'This scenario has not been run yet');
      return view;
    },
  );

  app.post(
    '/api/finance/phasing/solve',
    {
      config: { policy: READERS },
      schema: {
        summary: 'Solve a phasing problem given directly, as a mixed-integer programme (HiGHS)',
        description:
          'Each item starts in one year or not at all; it costs setupCost in its start year and annualCost in that and every later year, and yields annualBenefit in each year it runs. Each year the costs stay within budget and the starts within recruitable per staff group; an item starts no earlier than the items it requires. The objective (the sum of benefits over the years) is maximised; optimalityGap is the proven relative gap. An infeasible problem (only possible with mustStart) is a 400 naming the year and constraint.',
        tags,
        body: Type.Object(
          {
            years: Type.Array(Type.String(), { maxItems: 15 }),
            budget: Type.Array(Type.Number(), { maxItems: 15 }),
            items: Type.Array(PhasingItemIn, { maxItems: 5000 }),
            recruitable: Type.Record(Type.String(), Type.Array(Type.Number(), { maxItems: 15 })),
            yearWeights: Type.Optional(Type.Array(Type.Number(), { maxItems: 15 })),
            timeLimitSeconds: Type.Optional(Type.Number({ minimum: 0.1, maximum: 30 })),
          },
          { additionalProperties: false },
        ),
        response: { 200: PhasingOut, ...errors },
      },
    },
    async (request) => {
      const r = await solvePhasing(actorOf(request), request.body as PhasingProblem);
      return { ...r, items: r.items.map(({ mustStart: _m, cashableSaving: _c, ...i }) => i) };
    },
  );

  app.get(
    '/api/finance/productivity',
    {
      config: { policy: READERS },
      schema: {
        summary: 'Productivity benchmarking per provider and service against the best in class',
        description:
          "From the newest baseline: per provider (the baseline's provider_code) and service, contacts per WTE, cost per contact and skill mix by Agenda for Change band, against the best in class of the providers offering the same service (cost per contact at the bestQuantile, 0.25 unless given; contacts per WTE at the mirror quantile; the average band mix of the providers at or better than the best cost per contact), and the money reaching the best cost per contact would release. Rows whose baseline names no provider are benchmarked per borough.",
        tags,
        querystring: Type.Object({
          bestQuantile: Type.Optional(
            Type.Number({ minimum: 0, maximum: 1, description: 'Quantile of cost per contact counted as best' }),
          ),
        }),
        response: { 200: ProductivityReportSchema, 401: ErrorBody, 403: ErrorBody },
      },
    },
    async (request) => productivityOf(db, actorOf(request), request.query.bestQuantile),
  );
}
