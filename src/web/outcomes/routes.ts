// The outcomes framework on the web: analysts and commissioners read the framework with each indicator's
// latest value per borough, and each indicator's trend, borough comparison, funnel plot and inequality
// breakdown, with the data behind every chart as a table, CSV and XLSX; providers download their return
// template and submit returns (CSV/XLSX upload or the JSON API) for their own organisation only.
//
// Who may do what (the outcomes service checks again):
//   - /outcomes, /outcomes/indicators/…, GET /api/outcomes/indicators/{code}/values: analysts, commissioners;
//   - GET /api/outcomes/framework and /api/outcomes/indicators/{code}: those, and providers (to fill returns);
//   - /outcomes/returns and GET /api/outcomes/returns…: providers see their own, readers see all;
//   - POST /outcomes/returns and POST /api/outcomes/returns: providers, for their own organisation;
//   - POST /api/outcomes/computed/refresh: analysts, commissioners (recompute SW2.2, AW1.1, LW3.3, SW2.3).
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { type Static, Type } from 'typebox';
import type { AppDeps } from '../../app.ts';
import {
  areaName,
  BOROUGHS,
  boroughComparison,
  type ChartTable,
  comparisonTable,
  funnelPlot,
  funnelTable,
  getAllIndicatorValues,
  getIndicator,
  getIndicatorValues,
  getFramework,
  getReturn,
  inequalityBreakdown,
  inequalityTable,
  breakdownTable,
  breakdownValues,
  CHILD_AGE_BANDS,
  COMPUTED_BREAKDOWNS,
  type ComputedIndicator,
  OLDER_AGE_BANDS,
  type IndicatorDefinition,
  type IndicatorValue,
  latestPeriod,
  listIndicators,
  listReturns,
  NCL_SYSTEM_ID,
  quartersOf,
  financialYearOf,
  RETURN_TEMPLATE,
  type ReturnProblem,
  type ReturnRecord,
  ReturnRejectedError,
  returnsOverview,
  refreshComputedIndicators,
  returnTemplate,
  submitReturn,
  tableToCsv,
  trendSeries,
  trendTable,
  valuesTable,
  periodsOf,
  returnsMissing,
} from '../../modules/outcomes/index.ts';
import type { Actor } from '../../platform/auth/roles.ts';
import { DomainError } from '../../platform/errors.ts';
import { londonToday } from '../../platform/london-time.ts';
import { formValue, uploadedFile } from '../../platform/http/upload.ts';
import { detectFormat, readTabular, TabularFileError, writeCsv, writeXlsx } from '../../platform/tabular.ts';
import { barChart, funnelPlot as funnelChart, lineChart } from '../charts.ts';
import { sendCsv, sendXlsx } from '../downloads.ts';
import { errorItems } from '../forms.ts';
import type { Navigation } from '../nav.ts';
import {
  barFor,
  COMPARISON_KEY,
  chartUnit,
  comparisonKey,
  formatNumber,
  formatValue,
  GROUP_NAMES,
  pageTable,
  presentValue,
} from './present.ts';
import {
  ErrorSchema,
  FrameworkSchema,
  IndicatorDetailSchema,
  type IndicatorSchema,
  RejectedSchema,
  ReturnSchema,
  SubmitReturnBody,
  ValuesSchema,
} from './schemas.ts';

const READERS = ['analyst', 'commissioner'] as const;
const FRAMEWORK_READERS = ['analyst', 'commissioner', 'provider'] as const;
const SUBMITTERS = ['provider'] as const;
const AREAS: readonly string[] = [NCL_SYSTEM_ID, ...BOROUGHS.map((b) => b.code)];
const TABLES = ['values', 'comparison', 'trend', 'funnel', 'inequality', 'ages'] as const;
type TableName = (typeof TABLES)[number];

const FormatQuery = Type.Optional(Type.Union([Type.Literal('html'), Type.Literal('csv'), Type.Literal('xlsx')]));

function fileSafe(text: string): string {
  return text.replace(/[^A-Za-z0-9.-]+/g, '-').replace(/^-+|-+$/g, '');
}

async function sendTable(reply: FastifyReply, table: ChartTable, format: 'csv' | 'xlsx', fileBase: string) {
  const name = fileSafe(fileBase);
  if (format === 'csv') {
    return sendCsv(reply, `${name}.csv`, tableToCsv(table));
  }
  const rows = [
    table.columns.map((c) => c.label),
    ...table.rows.map((r) => table.columns.map((c) => r[c.key] ?? null)),
  ];
  const bytes = await writeXlsx([
    { name: 'Data', rows },
    { name: 'About', rows: [['Table'], [table.title]] },
  ]);
  return sendXlsx(reply, `${name}.xlsx`, bytes);
}

function returnJson(r: ReturnRecord) {
  return {
    id: r.id,
    providerCode: r.providerCode,
    period: r.period,
    submittedBy: r.submittedBy,
    submittedAt: r.submittedAt,
    channel: r.channel,
    fileName: r.fileName,
    rowCount: r.rowCount,
    warningCount: r.warningCount,
    status: r.status,
    supersedes: r.supersedes,
  };
}

/** Quarters a provider may submit for: this financial year's and last year's that have ended, newest first. */
function submittablePeriods(now: Date): string[] {
  const year = financialYearOf(now);
  const y = Number(year.slice(0, 4));
  const last = `${y - 1}/${String(y % 100).padStart(2, '0')}`;
  const today = londonToday(now);
  const ends: Record<number, string> = { 1: '06-30', 2: '09-30', 3: '12-31', 4: '03-31' };
  return [...quartersOf(last), ...quartersOf(year)]
    .filter((q) => {
      const n = Number(q.slice(-1));
      const endYear = Number(q.slice(0, 4)) + (n === 4 ? 1 : 0);
      return `${endYear}-${ends[n]}` < today;
    })
    .reverse();
}

export default async function outcomesRoutes(
  appBase: FastifyInstance,
  { deps, navigation }: { deps: AppDeps; navigation: Navigation },
) {
  const app = appBase.withTypeProvider<TypeBoxTypeProvider>();
  const { db } = deps.database;

  navigation.add({ href: '/outcomes', text: 'Outcomes', roles: READERS });
  navigation.add({
    href: '/outcomes/returns',
    text: 'Outcome returns',
    roles: ['analyst', 'commissioner', 'provider'],
  });
  navigation.addTasks(['provider'], async (actor) => [
    {
      count: await returnsMissing(db, actor, deps.clock.now()),
      one: 'outcome return overdue this financial year',
      many: 'outcome returns overdue this financial year',
      href: '/outcomes/returns',
    },
  ]);

  // Overview -----------------------------------------------------------------------------------------------
  app.get('/outcomes', { config: { policy: READERS } }, async (request, reply) => {
    const { framework, values } = await getAllIndicatorValues(db, request.actor!);
    const domains = framework.domains.map((d) => ({
      code: d.code,
      title: d.title,
      outcomes: d.outcomes.map((o) => ({
        code: o.code,
        title: o.title,
        aims: o.aims,
        indicators: o.indicators.map((i) => {
          const all = values.get(i.code) ?? [];
          const totals = all.filter((v) => v.breakdown === 'total');
          const period = latestPeriod(totals);
          const shown = period ? boroughComparison(totals, period) : [];
          return {
            code: i.code,
            title: i.title,
            unit: i.unit,
            kind: i.kind,
            period,
            cells: AREAS.map((a) =>
              presentValue(
                shown.find((v) => v.area === a),
                i,
              ),
            ),
          };
        }),
      })),
    }));
    const withData = [...values.values()].filter((v) => v.length > 0).length;
    return reply.render('outcomes/overview.njk', {
      title: 'Outcomes framework',
      framework,
      domains,
      areas: AREAS.map((a) => ({ code: a, name: a === NCL_SYSTEM_ID ? 'NCL' : areaName(a) })),
      legend: COMPARISON_KEY,
      withData,
      total: listIndicators(framework).length,
    });
  });

  // Indicator page -----------------------------------------------------------------------------------------
  app.get(
    '/outcomes/indicators/:code',
    {
      config: { policy: READERS },
      schema: {
        params: Type.Object({ code: Type.String({ maxLength: 20 }) }),
        querystring: Type.Object({
          period: Type.Optional(Type.String({ maxLength: 20 })),
          area: Type.Optional(Type.String({ maxLength: 20 })),
          table: Type.Optional(Type.Union(TABLES.map((t) => Type.Literal(t)))),
          format: FormatQuery,
        }),
      },
    },
    async (request, reply) => {
      const { indicator, domain, outcome, values } = await getIndicatorValues(db, request.actor!, request.params.code);
      const q = request.query;
      const totals = values.filter((v) => v.breakdown === 'total');
      const periods = periodsOf(totals);
      const period = q.period && periods.includes(q.period) ? q.period : periods.at(-1);
      const area = q.area && AREAS.includes(q.area) ? q.area : NCL_SYSTEM_ID;
      const view = buildIndicatorView(indicator, values, period, area);

      if (q.format === 'csv' || q.format === 'xlsx') {
        const table = view.tables[(q.table ?? 'values') as TableName];
        return sendTable(
          reply,
          table,
          q.format,
          `${indicator.code}-${q.table ?? 'values'}${period ? `-${period}` : ''}`,
        );
      }
      const base = `/outcomes/indicators/${encodeURIComponent(indicator.code)}`;
      const params = (extra: Record<string, string>) =>
        `${base}?${new URLSearchParams({ ...(period ? { period } : {}), area, ...extra })}`;
      const downloads = Object.fromEntries(
        TABLES.map((t) => [
          t,
          { csv: params({ table: t, format: 'csv' }), xlsx: params({ table: t, format: 'xlsx' }) },
        ]),
      );
      return reply.render('outcomes/indicator.njk', {
        title: `${indicator.code} ${indicator.title}`,
        indicator,
        domain,
        outcome,
        periods: [...periods].reverse(),
        period,
        // Say which period is shown when the reader did not choose one, and why that one.
        periodIsLatest: period !== undefined && period === periods.at(-1),
        periodChosen: Boolean(q.period && periods.includes(q.period)),
        area,
        areaLabel: areaName(area),
        areas: AREAS.map((a) => ({ value: a, text: areaName(a), selected: a === area })),
        view,
        downloads,
        legend: COMPARISON_KEY,
        target: indicator.target ? formatValue(indicator.target.value, indicator) : null,
      });
    },
  );

  // Provider returns: pages ---------------------------------------------------------------------------------
  const renderReturns = async (
    request: FastifyRequest,
    reply: FastifyReply,
    extra: Record<string, unknown> = {},
    year?: string,
  ) => {
    const actor = request.actor as Actor;
    const framework = await getFramework(db, actor);
    const isProvider = actor.role === 'provider';
    const history = await listReturns(db, actor);
    const overview = isProvider ? null : await returnsOverview(db, actor, { year, now: deps.clock.now() });
    const providerName = (code: string) => framework.providers.find((p) => p.code === code)?.name ?? code;
    return reply.render('outcomes/returns.njk', {
      title: isProvider ? 'Your outcome returns' : 'Outcome returns',
      isProvider,
      provider: isProvider ? { code: actor.organisationCode, name: providerName(actor.organisationCode ?? '') } : null,
      periods: submittablePeriods(deps.clock.now()),
      history: history.map((r) => ({ ...r, providerName: providerName(r.providerCode) })),
      overview: overview && {
        ...overview,
        late: overview.late.map((i) => ({ ...i, providerName: providerName(i.providerCode) })),
        missing: overview.missing.map((i) => ({ ...i, providerName: providerName(i.providerCode) })),
        items: overview.items.map((i) => ({ ...i, providerName: providerName(i.providerCode) })),
        yearItems: overview.years.map((y) => ({ value: y, text: y, selected: y === overview.year })),
      },
      columns: RETURN_TEMPLATE,
      values: {},
      ...extra,
    });
  };

  app.get(
    '/outcomes/returns',
    {
      config: { policy: FRAMEWORK_READERS },
      schema: { querystring: Type.Object({ year: Type.Optional(Type.String({ pattern: '^(\\d{4}/\\d{2})?$' })) }) },
    },
    async (request, reply) => renderReturns(request, reply, {}, request.query.year || undefined),
  );

  app.get(
    '/outcomes/returns/template',
    {
      config: { policy: FRAMEWORK_READERS },
      schema: {
        querystring: Type.Object({
          period: Type.String({ maxLength: 20 }),
          provider: Type.Optional(Type.String({ maxLength: 10 })),
          format: FormatQuery,
        }),
      },
    },
    async (request, reply) => {
      const q = request.query;
      const t = await returnTemplate(db, request.actor!, { period: q.period, providerCode: q.provider || undefined });
      const name = fileSafe(`outcomes-return-${t.providerCode}-${t.period}`);
      if (q.format === 'xlsx') {
        const bytes = await writeXlsx([
          { name: 'Return', rows: t.rows },
          {
            name: 'Columns',
            rows: [
              ['column', 'required', 'what to enter', 'example'],
              ...RETURN_TEMPLATE.map((c) => [c.name, c.required ? 'yes' : 'no', c.description, c.example]),
            ],
          },
        ]);
        return sendXlsx(reply, `${name}.xlsx`, bytes);
      }
      return sendCsv(reply, `${name}.csv`, writeCsv(t.rows));
    },
  );

  app.post(
    '/outcomes/returns',
    {
      config: { policy: SUBMITTERS },
    },
    async (request, reply) => {
      const actor = request.actor as Actor;
      const period = formValue(request.body, 'period').trim();
      const values = { period };
      const fail = (errors: { text: string; href: string }[], problems: ReturnProblem[] = [], fileName = '') => {
        reply.status(400);
        return renderReturns(request, reply, { errors, problems, values, rejectedFile: fileName });
      };
      if (!period) return fail([{ text: 'Select the period the return is for', href: '#period' }]);
      let file: { fileName: string; bytes: Buffer };
      try {
        file = await uploadedFile(request.body, 'file');
      } catch (error) {
        if (error instanceof DomainError) {
          return fail([{ text: error.fields[0]?.message ?? error.message, href: '#file' }]);
        }
        throw error;
      }
      let rows: Record<string, string>[];
      try {
        const table = await readTabular(file.bytes, detectFormat(file.fileName, file.bytes));
        // Keep each row at its spreadsheet row number (blank lines are skipped by the reader).
        rows = [];
        for (const r of table.rows) rows[r.rowNumber - 2] = r.cells;
        for (let i = 0; i < rows.length; i++) rows[i] ??= {};
        if (rows.length === 0) {
          return fail([{ text: 'The file has a header but no rows: fill in the template', href: '#file' }]);
        }
      } catch (error) {
        if (error instanceof TabularFileError) return fail([{ text: error.message, href: '#file' }]);
        throw error;
      }
      try {
        const result = await submitReturn(db, actor, {
          period,
          rows,
          firstRow: 2,
          channel: 'upload',
          fileName: file.fileName,
          requestId: request.id,
        });
        return renderReturns(request, reply, { submitted: result });
      } catch (error) {
        if (error instanceof ReturnRejectedError) {
          const errors = [
            {
              text: `${file.fileName} was not accepted: ${error.problems.length} problem${error.problems.length === 1 ? '' : 's'} listed below. Nothing was saved.`,
              href: '#problems',
            },
          ];
          return fail(errors, error.problems, file.fileName);
        }
        if (error instanceof DomainError && error.status === 400) {
          return fail(errorItems(error, (field) => (field === 'period' ? 'period' : 'file')));
        }
        throw error;
      }
    },
  );

  app.get(
    '/outcomes/returns/:id',
    { config: { policy: FRAMEWORK_READERS }, schema: { params: Type.Object({ id: Type.String({ maxLength: 60 }) }) } },
    async (request, reply) => {
      const { return: record, rows } = await getReturn(db, request.actor!, request.params.id);
      const framework = await getFramework(db, request.actor!);
      return reply.render('outcomes/return.njk', {
        title: `Return from ${record.providerCode} for ${record.period}`,
        record,
        providerName: framework.providers.find((p) => p.code === record.providerCode)?.name ?? record.providerCode,
        rows: rows.map((r) => ({ ...r, areaName: areaName(r.area) })),
      });
    },
  );

  // API -----------------------------------------------------------------------------------------------------
  app.get(
    '/api/outcomes/framework',
    {
      config: { policy: FRAMEWORK_READERS },
      schema: {
        summary: 'The outcomes framework: domains, outcomes and indicator definitions',
        description:
          'Start well, Live well and Age well, each outcome heading under them, and every indicator definition, with the providers that submit returns.',
        tags: ['outcomes'],
        response: { 200: FrameworkSchema, 401: ErrorSchema, 403: ErrorSchema, 404: ErrorSchema },
      },
    },
    // The stored framework is deeply readonly; the schema's type is not.
    async (request) => (await getFramework(db, request.actor!)) as unknown as Static<typeof FrameworkSchema>,
  );

  app.get(
    '/api/outcomes/indicators/:code',
    {
      config: { policy: FRAMEWORK_READERS },
      schema: {
        summary: "One indicator's definition",
        tags: ['outcomes'],
        params: Type.Object({ code: Type.String({ maxLength: 20, description: 'e.g. LW3.1' }) }),
        response: { 200: IndicatorDetailSchema, 401: ErrorSchema, 403: ErrorSchema, 404: ErrorSchema },
      },
    },
    async (request) => {
      const { indicator, domain, outcome } = await getIndicator(db, request.actor!, request.params.code);
      return {
        indicator: indicator as unknown as Static<typeof IndicatorSchema>,
        domain: { code: domain.code, title: domain.title },
        outcome: { code: outcome.code, title: outcome.title },
      };
    },
  );

  app.get(
    '/api/outcomes/indicators/:code/values',
    {
      config: { policy: READERS },
      schema: {
        summary: "An indicator's published values with 95% and 99.8% intervals",
        description:
          'Computed from the counts in force: boroughs and North Central London (QMJ), with intervals, small-number suppression (a reason instead of a value) and the comparison with the benchmark. Filter by period, area and breakdown.',
        tags: ['outcomes'],
        params: Type.Object({ code: Type.String({ maxLength: 20 }) }),
        querystring: Type.Object({
          period: Type.Optional(Type.String({ maxLength: 20, description: 'e.g. 2023/24 Q4' })),
          borough: Type.Optional(
            Type.String({ maxLength: 20, description: "GSS code or name, or 'QMJ' for North Central London" }),
          ),
          breakdown: Type.Optional(
            Type.String({ maxLength: 30, description: "'total' or a breakdown such as deprivation-quintile" }),
          ),
        }),
        response: { 200: ValuesSchema, 401: ErrorSchema, 403: ErrorSchema, 404: ErrorSchema },
      },
    },
    async (request) => {
      const { indicator, values } = await getIndicatorValues(db, request.actor!, request.params.code);
      const q = request.query;
      const borough = q.borough?.trim().toLowerCase();
      const area = borough
        ? (AREAS.find((a) => a.toLowerCase() === borough || areaName(a).toLowerCase() === borough) ??
          (borough === 'ncl' ? NCL_SYSTEM_ID : borough))
        : undefined;
      const filtered = values.filter(
        (v) =>
          (!q.period || v.period === q.period) &&
          (!area || v.area === area) &&
          (!q.breakdown || v.breakdown === q.breakdown),
      );
      return { indicator: indicator.code, unit: indicator.unit, multiplier: indicator.multiplier, values: filtered };
    },
  );

  app.get(
    '/api/outcomes/returns',
    {
      config: { policy: FRAMEWORK_READERS },
      schema: {
        summary: 'Provider returns, newest first',
        description:
          "A provider's token sees its own organisation's returns only (asking for another provider is refused); analysts and commissioners see every provider's. Superseded returns stay in the list as history.",
        tags: ['outcomes'],
        querystring: Type.Object({
          provider: Type.Optional(Type.String({ maxLength: 10 })),
          period: Type.Optional(Type.String({ maxLength: 20 })),
        }),
        response: {
          200: Type.Object({ returns: Type.Array(ReturnSchema) }),
          401: ErrorSchema,
          403: ErrorSchema,
        },
      },
    },
    async (request) => {
      const returns = await listReturns(db, request.actor!, {
        providerCode: request.query.provider || undefined,
        period: request.query.period || undefined,
      });
      return { returns: returns.map(returnJson) };
    },
  );

  app.get(
    '/api/outcomes/returns/:id',
    {
      config: { policy: FRAMEWORK_READERS },
      schema: {
        summary: 'One provider return and its rows',
        description: "Another provider's return is not found for a provider's token.",
        tags: ['outcomes'],
        params: Type.Object({ id: Type.String({ maxLength: 60 }) }),
        response: {
          200: Type.Object({
            return: ReturnSchema,
            rows: Type.Array(
              Type.Object({
                row: Type.Union([Type.Integer(), Type.Null()]),
                indicator_code: Type.String(),
                period: Type.String(),
                borough: Type.String(),
                breakdown: Type.String(),
                breakdown_value: Type.String(),
                numerator: Type.Number(),
                denominator: Type.Number(),
                notes: Type.String(),
              }),
            ),
          }),
          401: ErrorSchema,
          403: ErrorSchema,
          404: ErrorSchema,
        },
      },
    },
    async (request) => {
      const { return: record, rows } = await getReturn(db, request.actor!, request.params.id);
      return {
        return: returnJson(record),
        rows: rows.map((r) => ({
          row: r.rowNumber,
          indicator_code: r.indicatorCode,
          period: r.period,
          borough: r.area,
          breakdown: r.breakdown === 'total' ? '' : r.breakdown,
          breakdown_value: r.breakdownValue,
          numerator: r.numerator,
          denominator: r.denominator,
          notes: r.notes,
        })),
      };
    },
  );

  app.post(
    '/api/outcomes/returns',
    {
      config: { policy: SUBMITTERS },
      schema: {
        summary: "Submit a provider's return for a period",
        description:
          "Rows use the template's columns. The return is checked whole: any problem (named by row and column) refuses it and nothing is saved. A second return for the same period supersedes the first, which is kept as history. A provider submits for its own organisation only.",
        tags: ['outcomes'],
        body: SubmitReturnBody,
        response: {
          201: Type.Object({
            return: ReturnSchema,
            superseded: Type.Union([Type.String(), Type.Null()]),
            warnings: Type.Array(
              Type.Object({ row: Type.Integer(), column: Type.String(), value: Type.String(), message: Type.String() }),
            ),
          }),
          400: RejectedSchema,
          401: ErrorSchema,
          403: ErrorSchema,
          409: ErrorSchema,
        },
      },
    },
    async (request, reply) => {
      const body = request.body;
      try {
        const result = await submitReturn(db, request.actor!, {
          period: body.period,
          providerCode: body.provider || undefined,
          rows: body.rows,
          firstRow: 1,
          channel: 'api',
          requestId: request.id,
        });
        return reply.status(201).send({
          return: returnJson(result.return),
          superseded: result.superseded,
          warnings: result.warnings,
        });
      } catch (error) {
        if (error instanceof ReturnRejectedError) {
          return reply.status(400).send({
            error: { status: 400, code: error.code, message: error.message, fields: error.fields },
            problems: error.problems,
            requestId: request.id,
          });
        }
        throw error;
      }
    },
  );

  const ComputedCounts = Type.Object({
    'SW2.2': Type.Integer(),
    'AW1.1': Type.Integer(),
    'LW3.3': Type.Integer(),
    'SW2.3': Type.Integer(),
  });
  app.post(
    '/api/outcomes/computed/refresh',
    {
      config: { policy: READERS },
      schema: {
        summary: 'Recompute the indicators the system computes from its own data',
        description:
          "SW2.2 and AW1.1 from the central point of access's referrals, LW3.3 and SW2.3 from the stored baseline and populations. The counts loaded for them before are replaced (kept as history), in one transaction with an audit row. Returns how many counts were written per indicator.",
        tags: ['outcomes'],
        response: {
          200: Type.Object({ asOf: Type.String(), written: ComputedCounts, replaced: Type.Integer() }),
          401: ErrorSchema,
          403: ErrorSchema,
        },
      },
    },
    async (request) => refreshComputedIndicators(db, request.actor!, { now: deps.clock.now() }),
  );
}

// The indicator page's charts and tables --------------------------------------------------------------------

function buildIndicatorView(
  indicator: IndicatorDefinition,
  values: IndicatorValue[],
  period: string | undefined,
  area: string,
) {
  const unit = chartUnit(indicator);
  const periodText = period ?? 'no period';
  const areaText = areaName(area);

  // Borough comparison
  const compared = period ? boroughComparison(values, period) : [];
  const ncl = compared.find((v) => v.area === NCL_SYSTEM_ID);
  const boroughs = compared.filter((v) => v.area !== NCL_SYSTEM_ID);
  const comparisonSvg = boroughs.length
    ? barChart({
        id: 'comparison-chart',
        title: `${indicator.title}: boroughs, ${periodText}`,
        description: `Each borough's value with its 95% confidence interval${ncl?.value != null ? `, against the North Central London value of ${formatValue(ncl.value, indicator)} (dashed line)` : ''}. The table below gives the same figures.`,
        bars: boroughs.map((v) => barFor(v, v.areaName)),
        unit,
        digits: 1,
        reference:
          ncl?.value != null ? { value: ncl.value, label: `NCL ${formatNumber(ncl.value)}${unit}` } : undefined,
      })
    : null;

  // Trend
  const allPeriods = periodsOf(values.filter((v) => v.breakdown === 'total'));
  const seriesFor = (a: string, withBand: boolean) => {
    const byPeriod = new Map(trendSeries(values, { area: a as IndicatorValue['area'] }).map((v) => [v.period, v]));
    return {
      label: a === NCL_SYSTEM_ID ? 'NCL' : areaName(a),
      points: allPeriods.map((p) => {
        const v = byPeriod.get(p);
        return {
          x: p,
          y: v?.value ?? null,
          ...(withBand ? { lower: v?.lower95 ?? null, upper: v?.upper95 ?? null } : {}),
        };
      }),
    };
  };
  const series = [seriesFor(area, true), ...(area !== NCL_SYSTEM_ID ? [seriesFor(NCL_SYSTEM_ID, false)] : [])];
  const hasTrend = series[0]!.points.some((p) => p.y !== null);
  const trendSvg = hasTrend
    ? lineChart({
        id: 'trend-chart',
        title: `${indicator.title}: trend for ${areaText}`,
        description: `${areaText}'s value in each period, with its 95% confidence interval as a shaded band${area !== NCL_SYSTEM_ID ? ', and North Central London as a dashed line' : ''}. The table below gives the same figures.`,
        series,
        unit,
        digits: 1,
        width: Math.max(640, 120 * allPeriods.length + 190),
        // Taller with two lines, so their end labels stay apart when the values are close.
        height: series.length > 1 ? 440 : 300,
      })
    : null;

  // Funnel plot
  const funnel = period
    ? funnelPlot(indicator, values, period)
    : ({ available: false, period: periodText, reason: 'There are no values yet' } as const);
  const funnelSvg = funnel.available
    ? funnelChart({
        id: 'funnel-chart',
        title: `${indicator.title}: funnel plot, ${periodText}`,
        description: `Each borough's value against its denominator. The solid line is the North Central London value (${formatValue(funnel.target, indicator)}); dashed lines are 95% and dotted lines 99.8% control limits. A borough outside the limits differs by more than chance would explain.`,
        points: funnel.points.map((p) => ({
          label: `${p.areaName} ${comparisonKey(p.at95).symbol}`,
          denominator: p.denominator,
          value: p.value,
          tone: comparisonKey(p.at95).tone,
        })),
        target: funnel.target,
        limits: funnel.limits,
        xLabel: 'Denominator',
        yLabel: indicator.unit,
      })
    : null;

  // Inequality by deprivation quintile
  const inequality = period
    ? inequalityBreakdown(values, { period, area: area as IndicatorValue['area'] }, indicator)
    : null;
  const areaTotal = compared.find((v) => v.area === area);
  const inequalitySvg = inequality?.quintiles.length
    ? barChart({
        id: 'inequality-chart',
        title: `${indicator.title}: by deprivation quintile, ${areaText}, ${periodText}`,
        description: `The value in each deprivation quintile, from 1 (most deprived) to 5 (least deprived), with its 95% confidence interval${areaTotal?.value != null ? `, against ${areaText}'s overall value (dashed line)` : ''}. Each is compared with ${areaText}'s overall value. The table below gives the same figures.`,
        bars: inequality.quintiles.map((v) =>
          barFor(v, `Quintile ${GROUP_NAMES[v.breakdownValue] ?? v.breakdownValue}`),
        ),
        unit,
        digits: 1,
        reference:
          areaTotal?.value != null
            ? { value: areaTotal.value, label: `${areaText} ${formatNumber(areaTotal.value)}${unit}` }
            : undefined,
      })
    : null;
  const sii = inequality?.sii95;
  const rii = sii?.rii;
  const siiText =
    sii && sii.suppressed === false
      ? {
          value: formatNumber(sii.value),
          lower: formatNumber(sii.lower),
          upper: formatNumber(sii.upper),
          unit: indicator.unit === '%' ? 'percentage points' : indicator.unit,
          direction: sii.value > 0 ? 'higher' : 'lower',
          significant: sii.lower > 0 || sii.upper < 0,
          method:
            sii.repetitions === null
              ? 'calculated exactly from each quintile’s interval'
              : `simulated ${sii.repetitions.toLocaleString('en-GB')} times${sii.valueType === 'proportion' ? ' on the logit scale' : sii.valueType === 'rate' ? ' on the log scale' : ''}, as PHE does`,
          rii:
            rii && rii.suppressed === false
              ? { value: formatNumber(rii.value), lower: formatNumber(rii.lower), upper: formatNumber(rii.upper) }
              : null,
          riiMessage: rii && rii.suppressed !== false ? rii.message : null,
        }
      : null;

  // By age band (computed indicators: from the age when referred)
  const computed =
    (COMPUTED_BREAKDOWNS as Partial<Record<string, (typeof COMPUTED_BREAKDOWNS)[ComputedIndicator]>>)[indicator.code] ??
    null;
  const ageOrder: readonly string[] = indicator.code === 'SW2.2' ? CHILD_AGE_BANDS : OLDER_AGE_BANDS;
  const ages = period
    ? breakdownValues(values, { period, area: area as IndicatorValue['area'], breakdown: 'age-band' }, ageOrder)
    : [];
  const agesSvg = ages.length
    ? barChart({
        id: 'age-chart',
        title: `${indicator.title}: by age band, ${areaText}, ${periodText}`,
        description: `The value in each age band with its 95% confidence interval${areaTotal?.value != null ? `, against ${areaText}'s overall value (dashed line)` : ''}. The table below gives the same figures.`,
        bars: ages.map((v) => barFor(v, `Age ${v.breakdownValue}`)),
        unit,
        digits: 1,
        reference:
          areaTotal?.value != null
            ? { value: areaTotal.value, label: `${areaText} ${formatNumber(areaTotal.value)}${unit}` }
            : undefined,
      })
    : null;

  const tables = {
    values: valuesTable(indicator, values),
    comparison: comparisonTable(indicator, values, periodText),
    trend: trendTable(indicator, values, { area: area as IndicatorValue['area'] }),
    funnel: funnelTable(indicator, funnel),
    inequality: inequality
      ? inequalityTable(indicator, inequality)
      : { title: `${indicator.code}: no deprivation breakdown`, columns: [], rows: [] },
    ages: breakdownTable(indicator, ages, 'age band', { period: periodText, area: area as IndicatorValue['area'] }),
  } satisfies Record<TableName, ChartTable>;

  const valueKeys = ['areaName', 'numerator', 'denominator', 'value', 'lower95', 'upper95', 'comparison95', 'note'];
  return {
    comparison: { svg: comparisonSvg, table: pageTable(tables.comparison, valueKeys, indicator) },
    trend: {
      svg: trendSvg,
      table: pageTable(
        tables.trend,
        ['period', 'numerator', 'denominator', 'value', 'lower95', 'upper95', 'comparison95', 'note'],
        indicator,
      ),
    },
    funnel: {
      svg: funnelSvg,
      reason: funnel.available ? null : funnel.reason,
      table: pageTable(
        tables.funnel,
        ['areaName', 'denominator', 'value', 'lower998', 'lower95', 'upper95', 'upper998', 'position95', 'position998'],
        indicator,
      ),
    },
    inequality: {
      svg: inequalitySvg,
      sii: siiText,
      siiMessage: sii && sii.suppressed !== false ? sii.message : null,
      table: pageTable(
        tables.inequality,
        ['breakdownValue', 'numerator', 'denominator', 'value', 'lower95', 'upper95', 'comparison95', 'note'],
        indicator,
      ),
    },
    ages: {
      svg: agesSvg,
      table: pageTable(
        tables.ages,
        ['breakdownValue', 'numerator', 'denominator', 'value', 'lower95', 'upper95', 'comparison95', 'note'],
        indicator,
      ),
    },
    breakdowns: computed,
    tables,
    hasValues: values.length > 0,
  };
}
