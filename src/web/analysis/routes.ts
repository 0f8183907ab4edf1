// Baseline and gap analysis for commissioners and analysts: the overview, the gap matrix as a heat map, a
// borough profile, a component across boroughs, variation against need, the printable case for change, and
// baseline imports (templates, upload, error report). Every table downloads as CSV or XLSX (?format=).
// The JSON API gives the same analysis (gaps, variation, case for change) and takes imports.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { AppDeps } from '../../app.ts';
import {
  type AnalysisData,
  type AnalysisFilters,
  analysisData,
  BASELINE_COLUMNS,
  BASELINE_HEADER,
  BaselineImportError,
  baselineTemplateCsv,
  COMMUNITY_TOTAL,
  type Finding,
  findingsOf,
  formatPence,
  type GAP_REASONS,
  type GapCell,
  gapsOf,
  importBaselineFile,
  checkBaselineFile,
  confirmBaselineImport,
  cancelBaselineImport,
  pendingPreview,
  restoreBaselineImport,
  type ImportPreview,
  importBaselineRecords,
  listImports,
  SYSTEM_TOTAL,
  type VariationRow,
  variationOf,
} from '../../modules/baseline/index.ts';
import { AGE_GROUPS, CATEGORIES } from '../../modules/offer/index.ts';
import type { Place } from '../../modules/places/index.ts';
import { NotFoundError } from '../../platform/errors.ts';
import { uploadedFile } from '../../platform/http/upload.ts';
import { writeCsv, writeXlsx } from '../../platform/tabular.ts';
import { barChart, heatMap, NHS_COLOURS } from '../charts.ts';
import { sendCsv, sendXlsx } from '../downloads.ts';
import { ErrorBody } from '../api-schemas.ts';
import type { Navigation } from '../nav.ts';

const ANALYSTS = ['commissioner', 'analyst'] as const;

const Period = Type.String({ pattern: '^\\d{4}-\\d{2}$', description: 'Financial year, e.g. 2021-22' });
const Gss = Type.String({ pattern: '^[EWSN]\\d{8}$', description: 'Borough ONS GSS code, e.g. E09000014' });
const Code = Type.String({ pattern: '^[a-z0-9]+(-[a-z0-9]+)*$', maxLength: 100 });
const AgeGroup = Type.Union(
  AGE_GROUPS.map((g) => Type.Literal(g.code)),
  { description: 'Age group code' },
);
const Format = Type.Union([Type.Literal('html'), Type.Literal('csv'), Type.Literal('xlsx')]);

const Filters = {
  period: Type.Optional(Period),
  borough: Type.Optional(Gss),
  component: Type.Optional(Code),
  ageGroup: Type.Optional(AgeGroup),
};
// Pages accept empty values from their filter forms ("Any").
const PageFilters = Type.Object({
  period: Type.Optional(Type.String({ maxLength: 7 })),
  borough: Type.Optional(Type.String({ maxLength: 9 })),
  component: Type.Optional(Type.String({ maxLength: 100 })),
  ageGroup: Type.Optional(Type.String({ maxLength: 40 })),
  category: Type.Optional(Type.String({ maxLength: 60 })),
  format: Type.Optional(Format),
  table: Type.Optional(Type.String({ maxLength: 40 })),
});
type PageQuery = { [K in keyof AnalysisFilters]?: string } & { format?: 'html' | 'csv' | 'xlsx' };

const Reason = Type.Object({
  code: Type.String(),
  message: Type.String(),
  expected: Type.String(),
  actual: Type.String(),
});
const GapCellSchema = Type.Object({
  period: Type.String(),
  borough: Type.String(),
  component: Type.String(),
  ageGroup: Type.String(),
  status: Type.Union([Type.Literal('meets'), Type.Literal('partly'), Type.Literal('not-offered')]),
  reasons: Type.Array(Reason),
});
const Num = Type.Union([Type.Number(), Type.Null()]);
const DistanceSchema = Type.Object({ ratio: Num, difference: Num });
const VariationSchema = Type.Object({
  period: Type.String(),
  borough: Type.String({ description: 'GSS code, or "system" for the pooled figure of the whole system' }),
  component: Type.String({ description: `Component code, or "${COMMUNITY_TOTAL}" for the community total` }),
  ageGroups: Type.Array(Type.String()),
  population: Type.Number(),
  needIndicator: Type.Union([Type.String(), Type.Null()]),
  need: Num,
  needWeightedPopulation: Num,
  spendPence: Type.Number(),
  spendPerHeadPence: Num,
  spendPerNeedWeightedHeadPence: Num,
  staffWte: Type.Number(),
  staffPer100k: Num,
  contacts: Type.Number(),
  medianWaitWeeks: Num,
  standardWeeks: Num,
  waitOverStandardWeeks: Num,
  offered: Type.Boolean(),
  distance: Type.Object({
    spendPerHead: DistanceSchema,
    spendPerNeedWeightedHead: DistanceSchema,
    staffPer100k: DistanceSchema,
    medianWait: DistanceSchema,
  }),
});
const FindingSchema = Type.Object({
  id: Type.String(),
  kind: Type.String(),
  rank: Type.Integer(),
  size: Type.Number(),
  sentence: Type.String(),
  period: Type.String(),
  component: Type.String(),
  boroughs: Type.Array(Type.String()),
  sources: Type.Array(Type.String()),
  chart: Type.Object({
    title: Type.String(),
    unit: Type.String(),
    bars: Type.Array(
      Type.Object({ borough: Type.String(), label: Type.String(), value: Type.Number(), highlight: Type.Boolean() }),
    ),
    reference: Type.Optional(Type.Object({ label: Type.String(), value: Type.Number() })),
  }),
});
const ImportRecordSchema = Type.Object({
  id: Type.String(),
  period: Type.String(),
  fileName: Type.String(),
  format: Type.String(),
  rows: Type.Integer(),
  replacedRows: Type.Integer(),
  importedById: Type.String(),
  importedBy: Type.String(),
  importedAt: Type.String(),
});

const STATUS_TEXT: Record<GapCell['status'], string> = {
  meets: 'Meets',
  partly: 'Partly meets',
  'not-offered': 'Not offered',
};
const STATUS_COLOURS = { meets: NHS_COLOURS.green, partly: NHS_COLOURS.yellow, 'not-offered': NHS_COLOURS.red };
const REASON_TEXT: Record<(typeof GAP_REASONS)[number], string> = {
  hours: 'Hours',
  'out-of-hours': 'Out of hours',
  'response-time': 'Response time',
  'access-route': 'Access route',
  'age-coverage': 'Age coverage',
  'point-of-delivery': 'Point of delivery',
  'reported-partial': 'Reported as partly offered',
};
const FIELD_NAMES: Record<string, string> = {
  offered: 'whether offered',
  hours: 'opening hours',
  accessRoutes: 'access routes',
  pointsOfDelivery: 'where it is delivered',
  ages: 'ages covered',
  medianWaitWeeks: 'median wait',
  p90WaitWeeks: '90th percentile wait',
  staffWte: 'staff',
  spendPence: 'spend',
  contacts: 'contacts',
  peopleSeen: 'people seen',
  source: 'source',
  notes: 'notes',
};
const fieldName = (key: string) => FIELD_NAMES[key] ?? key;
const ageName = (code: string) => AGE_GROUPS.find((g) => g.code === code)?.name ?? code;
const pounds = (pence: number | null) => (pence === null ? '' : formatPence(pence));
const round = (n: number | null, dp = 1) => (n === null ? null : Number(n.toFixed(dp)));
const pct = (ratio: number | null) =>
  ratio === null ? '' : `${ratio >= 1 ? '+' : ''}${Math.round((ratio - 1) * 100)}%`;

type Cell = string | number | null;
type Table = { name: string; header: string[]; rows: Cell[][]; key?: string };

/**
 * Sends a page's tables when asked: CSV holds one table (the first, or the one `table` names by key), XLSX holds
 * every table of the page, one sheet each. Returns true when it sent a file, false for the page itself.
 * (It must not return the reply: a Fastify reply is thenable, so awaiting it resolves to undefined once sent,
 * and the handler would then render the page into a reply already sent.)
 */
async function sendTable(
  reply: FastifyReply,
  query: { format?: string; table?: string },
  file: string,
  tables: Table | Table[],
): Promise<boolean> {
  const list = Array.isArray(tables) ? tables : [tables];
  if (query.format === 'csv') {
    const chosen = list.find((t) => t.key && t.key === query.table) ?? list[0];
    const suffix = chosen === list[0] ? '' : `-${chosen.key}`;
    sendCsv(reply, `${file}${suffix}.csv`, writeCsv([chosen.header, ...chosen.rows]));
    return true;
  }
  if (query.format === 'xlsx') {
    const bytes = await writeXlsx(list.map((t) => ({ name: t.name, rows: [t.header, ...t.rows] })));
    sendXlsx(reply, `${file}.xlsx`, bytes);
    return true;
  }
  return false;
}

function exportLinks(request: FastifyRequest): { csv: string; xlsx: string } {
  const [p, q = ''] = request.url.split('?');
  const params = new URLSearchParams(q);
  params.delete('format');
  const href = (f: string) => `${p}?${new URLSearchParams([...params, ['format', f]])}`;
  return { csv: href('csv'), xlsx: href('xlsx') };
}

/** Page filters with empty or unknown values dropped. */
function cleanFilters(q: PageQuery, data?: AnalysisData): AnalysisFilters {
  const f: AnalysisFilters = {};
  if (q.period && /^\d{4}-\d{2}$/.test(q.period)) f.period = q.period;
  if (q.borough && (!data || data.places.some((p) => p.code === q.borough))) f.borough = q.borough;
  if (q.component && (!data || data.components.some((c) => c.code === q.component))) f.component = q.component;
  if (q.ageGroup && AGE_GROUPS.some((g) => g.code === q.ageGroup)) f.ageGroup = q.ageGroup;
  if (q.category && CATEGORIES.some((c) => c.code === q.category)) f.category = q.category;
  return f;
}

function gapTable(cells: GapCell[], names: Names): Table {
  return {
    name: 'Gap matrix',
    header: ['period', 'borough_code', 'borough', 'component_code', 'component', 'age_group', 'status', 'reasons'],
    rows: cells.map((c) => [
      c.period,
      c.borough,
      names.place(c.borough),
      c.component,
      names.component(c.component),
      c.ageGroup,
      c.status,
      c.reasons.map((r) => `${r.code}: ${r.message}`).join(' | '),
    ]),
  };
}

function variationTable(rows: VariationRow[], names: Names): Table {
  return {
    name: 'Variation',
    header: [
      'period',
      'borough_code',
      'borough',
      'component_code',
      'component',
      'population',
      'need_indicator',
      'need',
      'need_weighted_population',
      'spend_gbp',
      'spend_per_head_gbp',
      'spend_per_need_weighted_head_gbp',
      'spend_per_head_vs_system',
      'staff_wte',
      'staff_per_100k',
      'staff_per_100k_vs_system',
      'contacts',
      'median_wait_weeks',
      'standard_weeks',
      'wait_over_standard_weeks',
      'offered',
    ],
    rows: rows.map((r) => [
      r.period,
      r.borough,
      names.place(r.borough),
      r.component,
      names.component(r.component),
      r.population,
      r.needIndicator,
      round(r.need, 0),
      round(r.needWeightedPopulation, 0),
      round(r.spendPence / 100, 2),
      r.spendPerHeadPence === null ? null : round(r.spendPerHeadPence / 100, 2),
      r.spendPerNeedWeightedHeadPence === null ? null : round(r.spendPerNeedWeightedHeadPence / 100, 2),
      round(r.distance.spendPerHead.ratio, 3),
      round(r.staffWte, 1),
      round(r.staffPer100k, 1),
      round(r.distance.staffPer100k.ratio, 3),
      r.contacts,
      round(r.medianWaitWeeks, 1),
      round(r.standardWeeks, 1),
      round(r.waitOverStandardWeeks, 1),
      r.offered ? 'yes' : 'no',
    ]),
  };
}

function findingsTable(findings: Finding[], names: Names): Table {
  return {
    name: 'Case for change',
    header: ['rank', 'kind', 'finding', 'size', 'period', 'component', 'boroughs', 'sources'],
    rows: findings.map((f) => [
      f.rank,
      f.kind,
      f.sentence,
      round(f.size, 2),
      f.period,
      names.component(f.component),
      f.boroughs.map(names.place).join('; '),
      f.sources.join(' | '),
    ]),
  };
}

/** The figures behind every finding's chart, one row per bar. */
function chartDataTable(findings: Finding[], names: Names): Table {
  return {
    name: 'Chart data',
    key: 'chart-data',
    header: [
      'rank',
      'chart',
      'borough_code',
      'borough',
      'value',
      'unit',
      'compared',
      'reference_label',
      'reference_value',
    ],
    rows: findings.flatMap((f) =>
      f.chart.bars.map((b) => [
        f.rank,
        f.chart.title,
        b.borough,
        names.place(b.borough),
        f.chart.unit === 'pence per head' ? round(b.value / 100, 2) : round(b.value, 2),
        f.chart.unit === 'pence per head' ? 'pounds per head' : f.chart.unit,
        b.highlight ? 'yes' : 'no',
        f.chart.reference?.label ?? null,
        f.chart.reference
          ? f.chart.unit === 'pence per head'
            ? round(f.chart.reference.value / 100, 2)
            : round(f.chart.reference.value, 2)
          : null,
      ]),
    ),
  };
}

type Names = { place(code: string): string; component(code: string): string };
/** A need indicator's name as it reads in a sentence: "care-home-beds" → "care home beds". */
function needName(data: AnalysisData, code: string | null | undefined): string | undefined {
  if (!code) return undefined;
  const name = data.places.flatMap((p) => p.needs).find((n) => n.code === code)?.name ?? code.replace(/-/g, ' ');
  return /^[A-Z][a-z]/.test(name) ? name.charAt(0).toLowerCase() + name.slice(1) : name;
}

function namesOf(data: AnalysisData): Names {
  const places = new Map(data.places.map((p) => [p.code, p.name]));
  const comps = new Map(data.components.map((c) => [c.code, c.name]));
  return {
    place: (code) => (code === SYSTEM_TOTAL ? 'NCL (whole system)' : (places.get(code) ?? code)),
    component: (code) => (code === COMMUNITY_TOTAL ? 'Community health services (total)' : (comps.get(code) ?? code)),
  };
}

/** A finding's chart as SVG, in pounds when it is money; its data as table rows. */
function findingChart(f: Finding, names: Names) {
  const money = f.chart.unit === 'pence per head';
  const scale = money ? 100 : 1;
  const values = f.chart.bars.map((b) => b.value / scale);
  const digits = money
    ? Math.max(...values) < 10
      ? 2
      : 0
    : f.chart.unit === 'weeks' || f.chart.unit === 'WTE'
      ? 1
      : 0;
  const unit = money || f.chart.unit === 'offered' ? '' : f.chart.unit === 'contacts' ? '' : ` ${f.chart.unit}`;
  const svg = barChart({
    id: `finding-${f.rank}`,
    title: f.chart.title,
    description: `${f.sentence} Bars marked "compared" are the boroughs the finding compares.${
      f.chart.reference ? ` The dashed line is ${f.chart.reference.label}.` : ''
    }`,
    bars: f.chart.bars.map((b) => ({
      label: names.place(b.borough),
      value: b.value / scale,
      tone: b.highlight ? 'highlight' : 'neutral',
      note: b.highlight ? '(compared)' : undefined,
    })),
    unit,
    digits,
    ...(f.chart.reference
      ? {
          reference: {
            value: f.chart.reference.value / scale,
            label: `${f.chart.reference.label} ${money ? formatPence(f.chart.reference.value) : f.chart.reference.value}`,
          },
        }
      : {}),
    width: 720,
  });
  return {
    svg,
    title: `${f.chart.title}${money ? ' (£ per head)' : f.chart.unit === 'contacts' ? ' (contacts)' : ''}`,
    rows: f.chart.bars.map((b) => ({
      borough: names.place(b.borough),
      value: money
        ? formatPence(b.value)
        : f.chart.unit === 'offered'
          ? b.value
            ? 'Offered'
            : 'Not offered'
          : b.label.split(': ').pop(),
      compared: b.highlight,
    })),
    reference: f.chart.reference
      ? `${f.chart.reference.label}: ${money ? formatPence(f.chart.reference.value) : round(f.chart.reference.value, 1)}`
      : null,
  };
}

/** Rolls a component's age-group cells into one: meets if all meet, not offered if none offered, else partly. */
function rollUp(cells: GapCell[]): GapCell['status'] {
  if (cells.every((c) => c.status === 'meets')) return 'meets';
  if (cells.every((c) => c.status === 'not-offered')) return 'not-offered';
  return 'partly';
}

export default async function analysisRoutes(
  appBase: FastifyInstance,
  { deps, navigation }: { deps: AppDeps; navigation: Navigation },
) {
  const app = appBase.withTypeProvider<TypeBoxTypeProvider>();
  const { db } = deps.database;
  const policy = ANALYSTS;

  navigation.add({ href: '/analysis', text: 'Gap analysis', roles: [...ANALYSTS] });

  // CSV bodies for POST /api/baseline/imports (this plugin only).
  app.addContentTypeParser(['text/csv', 'text/plain'], { parseAs: 'string' }, (_request, body, done) =>
    done(null, body),
  );

  const load = async (request: FastifyRequest, q: PageQuery) => {
    const systemId = request.actor!.systemId;
    const first = await analysisData(db, systemId, cleanFilters(q).period);
    const filters = cleanFilters(q, first);
    return { data: first, filters, names: namesOf(first) };
  };

  const common = (data: AnalysisData, filters: AnalysisFilters, request: FastifyRequest) => ({
    period: data.period,
    periods: data.periods.map((p) => ({ value: p, text: p, selected: p === data.period })),
    filters,
    boroughs: data.places.map((p) => ({ value: p.code, text: p.name, selected: p.code === filters.borough })),
    ageGroups: AGE_GROUPS.map((g) => ({ value: g.code, text: g.name, selected: g.code === filters.ageGroup })),
    categories: CATEGORIES.map((c) => ({ value: c.code, text: c.name, selected: c.code === filters.category })),
    components: data.components.map((c) => ({ value: c.code, text: c.name, selected: c.code === filters.component })),
    exports: exportLinks(request),
  });

  // Overview -------------------------------------------------------------------------------------------
  app.get('/analysis', { config: { policy }, schema: { querystring: PageFilters } }, async (request, reply) => {
    const { data, filters, names } = await load(request, request.query);
    const cells = gapsOf(data, {});
    const counts = { meets: 0, partly: 0, 'not-offered': 0 } as Record<GapCell['status'], number>;
    for (const c of cells) counts[c.status]++;
    const findings = findingsOf(data, {});
    const community = variationOf(data, { component: COMMUNITY_TOTAL });
    const table: Table = {
      name: 'Boroughs',
      header: [
        'borough_code',
        'borough',
        'population',
        'meets',
        'partly',
        'not_offered',
        'community_spend_per_head_gbp',
      ],
      rows: data.places.map((p) => {
        const mine = cells.filter((c) => c.borough === p.code);
        const v = community.find((r) => r.borough === p.code);
        return [
          p.code,
          p.name,
          p.population.total.value,
          mine.filter((c) => c.status === 'meets').length,
          mine.filter((c) => c.status === 'partly').length,
          mine.filter((c) => c.status === 'not-offered').length,
          v?.spendPerHeadPence == null ? null : round(v.spendPerHeadPence / 100, 2),
        ];
      }),
    };
    const sent = await sendTable(reply, request.query, `analysis-boroughs-${data.period ?? 'none'}`, table);
    if (sent) return reply;
    return reply.render('analysis/index.njk', {
      title: 'Gap analysis',
      ...common(data, filters, request),
      counts,
      total: cells.length,
      top: findings.slice(0, 5),
      findingCount: findings.length,
      boroughRows: data.places.map((p, i) => ({
        code: p.code,
        name: p.name,
        population: p.population.total.value,
        meets: table.rows[i][3],
        partly: table.rows[i][4],
        notOffered: table.rows[i][5],
        spend: pounds(community.find((r) => r.borough === p.code)?.spendPerHeadPence ?? null),
      })),
      systemSpend: pounds(community.find((r) => r.borough === SYSTEM_TOTAL)?.spendPerHeadPence ?? null),
      imports: (await listImports(db, request.actor!.systemId)).slice(0, 3),
      names,
    });
  });

  // Gap matrix -----------------------------------------------------------------------------------------
  app.get('/analysis/gaps', { config: { policy }, schema: { querystring: PageFilters } }, async (request, reply) => {
    const { data, filters, names } = await load(request, request.query);
    const cells = gapsOf(data, filters);
    const sent = await sendTable(reply, request.query, `gap-matrix-${data.period ?? 'none'}`, gapTable(cells, names));
    if (sent) return reply;
    const boroughs = data.places.filter((p) => !filters.borough || p.code === filters.borough);
    const comps = data.components.filter((c) => cells.some((x) => x.component === c.code));
    // Rows are labelled with each component's full name (names are unique), the label column as wide as the longest.
    const label = new Map(comps.map((c) => [c.code, c.name]));
    const longest = Math.max(0, ...comps.map((c) => c.name.length));
    const heat = cells.length
      ? heatMap({
          id: 'gap-matrix',
          title: `Gap matrix, ${data.period}${filters.ageGroup ? `, ${ageName(filters.ageGroup)}` : ''}`,
          description:
            'Each core offer component (rows) in each borough (columns): meets the offer, partly meets it or not offered. ' +
            'The table after the chart lists every cell that partly meets the offer, with the standards it misses.',
          rows: comps.map((c) => label.get(c.code)!),
          labelWidth: Math.max(200, Math.ceil(longest * 7.4) + 16),
          columns: boroughs.map((p) => p.name),
          cells: comps.flatMap((c) =>
            boroughs.map((p) => {
              const mine = cells.filter((x) => x.component === c.code && x.borough === p.code);
              const status = rollUp(mine);
              const partly = mine.filter((x) => x.status !== 'meets').length;
              return {
                row: label.get(c.code)!,
                column: p.name,
                value: status,
                text:
                  status === 'partly' && mine.length > 1
                    ? `Partly (${partly}/${mine.length})`
                    : STATUS_TEXT[status].replace(' meets', ''),
              };
            }),
          ),
          colours: STATUS_COLOURS,
          cellWidth: 120,
        })
      : '';
    const partly = cells
      .filter((c) => c.status === 'partly')
      .map((c) => ({
        borough: names.place(c.borough),
        boroughCode: c.borough,
        component: names.component(c.component),
        componentCode: c.component,
        ageGroup: ageName(c.ageGroup),
        reasons: c.reasons.map((r) => ({ ...r, label: REASON_TEXT[r.code] })),
      }));
    const notOffered = cells
      .filter((c) => c.status === 'not-offered')
      .map((c) => ({
        borough: names.place(c.borough),
        component: names.component(c.component),
        ageGroup: ageName(c.ageGroup),
      }));
    return reply.render('analysis/gaps.njk', {
      title: 'Gap matrix',
      ...common(data, filters, request),
      heat,
      partly,
      notOffered,
      counts: {
        meets: cells.filter((c) => c.status === 'meets').length,
        partly: partly.length,
        notOffered: notOffered.length,
      },
    });
  });

  // Borough profile --------------------------------------------------------------------------------------
  app.get(
    '/analysis/boroughs/:code',
    { config: { policy }, schema: { params: Type.Object({ code: Gss }), querystring: PageFilters } },
    async (request, reply) => {
      const { data, filters, names } = await load(request, request.query);
      const place = data.places.find((p) => p.code === request.params.code);
      if (!place) throw new NotFoundError('Borough');
      const f = { ...filters, borough: place.code };
      const cells = gapsOf(data, f);
      const variation = variationOf(data, { ...f, borough: place.code });
      const mine = variation.filter((r) => r.borough === place.code);
      const sys = new Map(variation.filter((r) => r.borough === SYSTEM_TOTAL).map((r) => [r.component, r]));
      const components = data.components
        .filter((c) => cells.some((x) => x.component === c.code))
        .map((c) => {
          const cs = cells.filter((x) => x.component === c.code);
          const v = mine.find((r) => r.component === c.code);
          return {
            code: c.code,
            name: c.name,
            status: rollUp(cs),
            statusText: STATUS_TEXT[rollUp(cs)],
            reasons: [...new Set(cs.flatMap((x) => x.reasons.map((r) => REASON_TEXT[r.code])))],
            spendPerHead: pounds(v?.spendPerHeadPence ?? null),
            systemSpendPerHead: pounds(sys.get(c.code)?.spendPerHeadPence ?? null),
            staffPer100k: round(v?.staffPer100k ?? null),
            wait: v?.medianWaitWeeks ?? null,
            standard: v?.standardWeeks ?? null,
          };
        });
      const community = variationOf(data, { component: COMMUNITY_TOTAL });
      const table: Table = {
        name: place.name,
        header: [
          'component_code',
          'component',
          'status',
          'reasons',
          'spend_per_head',
          'ncl_spend_per_head',
          'staff_per_100k',
          'median_wait_weeks',
          'standard_weeks',
        ],
        rows: components.map((c) => [
          c.code,
          c.name,
          c.status,
          c.reasons.join('; '),
          c.spendPerHead,
          c.systemSpendPerHead,
          c.staffPer100k,
          round(c.wait),
          round(c.standard),
        ]),
      };
      const sent = await sendTable(reply, request.query, `borough-${place.code}-${data.period ?? 'none'}`, [
        table,
        { ...variationTable(community, names), name: 'Community spend', key: 'community-spend' },
      ]);
      if (sent) return reply;
      const chart = community.length
        ? barChart({
            id: 'community-spend',
            title: `Community health services: spend per resident, ${data.period}`,
            description: `Spend per resident in each borough, with ${place.name} marked and the NCL figure as a dashed line.`,
            bars: community
              .filter((r) => r.borough !== SYSTEM_TOTAL)
              .map((r) => ({
                label: names.place(r.borough),
                value: (r.spendPerHeadPence ?? 0) / 100,
                tone: r.borough === place.code ? 'highlight' : 'neutral',
                note: r.borough === place.code ? '(this borough)' : undefined,
              })),
            unit: '',
            reference: {
              value: (community.find((r) => r.borough === SYSTEM_TOTAL)?.spendPerHeadPence ?? 0) / 100,
              label: `NCL ${pounds(community.find((r) => r.borough === SYSTEM_TOTAL)?.spendPerHeadPence ?? null)}`,
            },
            width: 720,
          })
        : '';
      return reply.render('analysis/borough.njk', {
        title: `${place.name}: borough profile`,
        ...common(data, f, request),
        place: presentPlace(place),
        components,
        chart,
        communityRows: community.map((r) => ({
          borough: names.place(r.borough),
          spend: pounds(r.spendPerHeadPence),
          ratio: pct(r.distance.spendPerHead.ratio),
        })),
        findings: findingsOf(data, { borough: place.code }),
      });
    },
  );

  // A component across boroughs ------------------------------------------------------------------------------
  app.get(
    '/analysis/components/:code',
    { config: { policy }, schema: { params: Type.Object({ code: Code }), querystring: PageFilters } },
    async (request, reply) => {
      const { data, filters, names } = await load(request, request.query);
      const component = data.components.find((c) => c.code === request.params.code);
      if (!component && request.params.code !== COMMUNITY_TOTAL) throw new NotFoundError('Component');
      const code = request.params.code;
      const rows = variationOf(data, { component: code, ageGroup: filters.ageGroup });
      const cells = component ? gapsOf(data, { component: code, ageGroup: filters.ageGroup }) : [];
      const sent = await sendTable(reply, request.query, `component-${code}-${data.period ?? 'none'}`, [
        variationTable(rows, names),
        { ...gapTable(cells, names), key: 'gaps' },
      ]);
      if (sent) return reply;
      const boroughRows = rows.filter((r) => r.borough !== SYSTEM_TOTAL);
      const sys = rows.find((r) => r.borough === SYSTEM_TOTAL);
      const title = names.component(code);
      const charts: { title: string; svg: string }[] = [];
      if (sys && boroughRows.some((r) => r.spendPerHeadPence)) {
        const max = Math.max(...boroughRows.map((r) => (r.spendPerHeadPence ?? 0) / 100));
        charts.push({
          title: `${title}: spend per head served (£), ${data.period}`,
          svg: barChart({
            id: 'spend',
            title: `${title}: spend per head served (£), ${data.period}`,
            description:
              'Spend per person in the age groups served, by borough; the dashed line is the pooled NCL figure.',
            bars: boroughRows.map((r) => ({
              label: names.place(r.borough),
              value: r.spendPerHeadPence === null ? null : r.spendPerHeadPence / 100,
            })),
            unit: '',
            digits: max < 10 ? 2 : 0,
            reference: { value: (sys.spendPerHeadPence ?? 0) / 100, label: `NCL ${pounds(sys.spendPerHeadPence)}` },
            width: 720,
          }),
        });
      }
      if (sys && boroughRows.some((r) => r.staffWte > 0)) {
        charts.push({
          title: `${title}: staff per 100,000 people served, ${data.period}`,
          svg: barChart({
            id: 'staff',
            title: `${title}: staff per 100,000 people served, ${data.period}`,
            description:
              'Whole-time equivalent staff per 100,000 people in the age groups served; the dashed line is NCL.',
            bars: boroughRows.map((r) => ({ label: names.place(r.borough), value: r.staffPer100k })),
            digits: 1,
            reference: { value: sys.staffPer100k ?? 0, label: `NCL ${round(sys.staffPer100k ?? 0)}` },
            width: 720,
          }),
        });
      }
      const standard = boroughRows.find((r) => r.standardWeeks !== null)?.standardWeeks ?? null;
      if (boroughRows.some((r) => r.medianWaitWeeks !== null)) {
        charts.push({
          title: `${title}: median weeks to first contact (longest of the age groups), ${data.period}`,
          svg: barChart({
            id: 'waits',
            title: `${title}: median weeks to first contact (longest of the age groups), ${data.period}`,
            description: `The longest median wait of the age groups served, by borough${standard !== null ? `; the dashed line is the offer's routine standard of ${standard} weeks` : ''}. Red bars are slower than the standard.`,
            bars: boroughRows.map((r) => ({
              label: names.place(r.borough),
              value: r.medianWaitWeeks,
              tone: r.waitOverStandardWeeks !== null && r.waitOverStandardWeeks > 0 ? 'bad' : 'neutral',
              note: r.waitOverStandardWeeks !== null && r.waitOverStandardWeeks > 0 ? '(over)' : undefined,
            })),
            unit: ' wk',
            digits: 1,
            ...(standard !== null ? { reference: { value: standard, label: `Standard ${standard} wk` } } : {}),
            width: 720,
          }),
        });
      }
      return reply.render('analysis/component.njk', {
        title: `${title}: across boroughs`,
        ...common(data, { ...filters, component: code }, request),
        code,
        componentName: title,
        component,
        charts,
        rows: rows.map((r) => ({
          borough: names.place(r.borough),
          code: r.borough,
          system: r.borough === SYSTEM_TOTAL,
          population: r.population,
          spendPerHead: pounds(r.spendPerHeadPence),
          spendPerNeedHead: pounds(r.spendPerNeedWeightedHeadPence),
          spendRatio: pct(r.distance.spendPerHead.ratio),
          staff: round(r.staffWte),
          staffPer100k: round(r.staffPer100k),
          contacts: r.contacts,
          wait: round(r.medianWaitWeeks),
          standard: round(r.standardWeeks),
          over: round(r.waitOverStandardWeeks),
          offered: r.offered,
        })),
        needIndicator: needName(data, rows[0]?.needIndicator) ?? null,
        gapRows: cells.map((c) => ({
          borough: names.place(c.borough),
          ageGroup: ageName(c.ageGroup),
          status: STATUS_TEXT[c.status],
          reasons: c.reasons.map((r) => r.message),
        })),
      });
    },
  );

  // Variation against need -----------------------------------------------------------------------------
  app.get(
    '/analysis/variation',
    { config: { policy }, schema: { querystring: PageFilters } },
    async (request, reply) => {
      const { data, filters, names } = await load(request, request.query);
      const rows = variationOf(data, filters);
      const sent = await sendTable(
        reply,
        request.query,
        `variation-${data.period ?? 'none'}`,
        variationTable(rows, names),
      );
      if (sent) return reply;
      // One line per component with a need indicator (or the community total): the widest spread of spend per
      // need-weighted head, and how far each borough is from NCL.
      const byComponent = new Map<string, VariationRow[]>();
      for (const r of rows) byComponent.set(r.component, [...(byComponent.get(r.component) ?? []), r]);
      const summary = [...byComponent.entries()].map(([code, list]) => {
        const boroughs = list.filter((r) => r.borough !== SYSTEM_TOTAL);
        const sys = list.find((r) => r.borough === SYSTEM_TOTAL);
        const measure = (r: VariationRow) => r.spendPerNeedWeightedHeadPence ?? r.spendPerHeadPence;
        const values = boroughs.map(measure).filter((v): v is number => v !== null && v > 0);
        const spread = values.length >= 2 ? Math.max(...values) / Math.min(...values) : null;
        return {
          code,
          name: names.component(code),
          needIndicator: needName(data, list[0]?.needIndicator),
          system: pounds(sys ? measure(sys) : null),
          spread,
          spreadText: spread === null ? '' : `${spread.toFixed(1)} times`,
          cells: data.places
            .filter((p) => !filters.borough || p.code === filters.borough)
            .map((p) => {
              const r = boroughs.find((x) => x.borough === p.code);
              return {
                value: pounds(r ? measure(r) : null),
                ratio: pct(
                  r
                    ? r.spendPerNeedWeightedHeadPence !== null
                      ? r.distance.spendPerNeedWeightedHead.ratio
                      : r.distance.spendPerHead.ratio
                    : null,
                ),
              };
            }),
        };
      });
      summary.sort((a, b) => (b.spread ?? 0) - (a.spread ?? 0));
      const community = rows.filter((r) => r.component === COMMUNITY_TOTAL && r.borough !== SYSTEM_TOTAL);
      const sys = rows.find((r) => r.component === COMMUNITY_TOTAL && r.borough === SYSTEM_TOTAL);
      const chart =
        community.length && sys
          ? barChart({
              id: 'community-spend',
              title: `Community health services: spend per resident, ${data.period}`,
              description: 'Spend per resident by borough; the dashed line is the pooled NCL figure.',
              bars: community.map((r) => ({ label: names.place(r.borough), value: (r.spendPerHeadPence ?? 0) / 100 })),
              unit: '',
              reference: { value: (sys.spendPerHeadPence ?? 0) / 100, label: `NCL ${pounds(sys.spendPerHeadPence)}` },
              width: 720,
            })
          : '';
      return reply.render('analysis/variation.njk', {
        title: 'Variation against need',
        ...common(data, filters, request),
        columns: data.places.filter((p) => !filters.borough || p.code === filters.borough).map((p) => p.name),
        summary,
        chart,
      });
    },
  );

  // Case for change -------------------------------------------------------------------------------------
  app.get(
    '/analysis/case-for-change',
    { config: { policy }, schema: { querystring: PageFilters } },
    async (request, reply) => {
      const { data, filters, names } = await load(request, request.query);
      const findings = findingsOf(data, filters);
      const sent = await sendTable(reply, request.query, `case-for-change-${data.period ?? 'none'}`, [
        findingsTable(findings, names),
        chartDataTable(findings, names),
      ]);
      if (sent) return reply;
      return reply.render('analysis/case-for-change.njk', {
        title: 'Case for change',
        ...common(data, filters, request),
        findings: findings.map((f) => ({
          ...f,
          componentName: names.component(f.component),
          componentHref: `/analysis/components/${f.component}?period=${f.period}`,
          chart: findingChart(f, names),
        })),
      });
    },
  );

  // Imports -----------------------------------------------------------------------------------------------
  const renderImports = async (request: FastifyRequest, reply: FastifyReply, extra: Record<string, unknown> = {}) =>
    reply.render('analysis/imports.njk', {
      title: 'Import baseline data',
      columns: BASELINE_COLUMNS,
      imports: await listImports(db, request.actor!.systemId),
      ...extra,
    });

  app.get(
    '/analysis/imports',
    {
      config: { policy },
      schema: {
        querystring: Type.Object({
          done: Type.Optional(Type.String({ maxLength: 40 })),
          restored: Type.Optional(Type.String({ maxLength: 40 })),
          cancelled: Type.Optional(Type.String({ maxLength: 10 })),
        }),
      },
    },
    async (request, reply) => {
      const imports = await listImports(db, request.actor!.systemId);
      const doneId = request.query.done ?? request.query.restored;
      const done = doneId ? imports.find((i) => i.id === doneId) : undefined;
      return renderImports(request, reply, {
        imported: request.query.done ? done : undefined,
        restored: request.query.restored ? done : undefined,
        cancelled: request.query.cancelled === '1',
      });
    },
  );

  // A replacing import waits here until someone has seen what it would change and confirmed it.
  const PendingParams = Type.Object({ id: Type.String({ maxLength: 40 }) });
  const previewView = async (request: FastifyRequest, preview: ImportPreview) => {
    const data = await analysisData(db, request.actor!.systemId, preview.period);
    const names = namesOf(data);
    const row = (k: { borough: string; component: string; ageGroup: string }) =>
      `${names.component(k.component)}, ${names.place(k.borough)}, ${ageName(k.ageGroup)}`;
    return {
      ...preview,
      addedRows: preview.examples.added.map(row),
      removedRows: preview.examples.removed.map(row),
      changedRows: preview.examples.changed.map((c) => ({ text: row(c), fields: c.fields.map(fieldName).join(', ') })),
    };
  };
  app.get(
    '/analysis/imports/pending/:id',
    { config: { policy }, schema: { params: PendingParams } },
    async (request, reply) => {
      const preview = await pendingPreview(db, request.actor!, request.params.id);
      return reply.render('analysis/import-preview.njk', {
        title: `Replace the baseline for ${preview.period}?`,
        id: request.params.id,
        preview: await previewView(request, preview),
      });
    },
  );
  app.post(
    '/analysis/imports/pending/:id/confirm',
    { config: { policy }, schema: { params: PendingParams } },
    async (request, reply) => {
      const record = await confirmBaselineImport(db, request.actor!, request.params.id);
      return reply.redirect(`/analysis/imports?done=${record.id}`, 303);
    },
  );
  app.post(
    '/analysis/imports/pending/:id/cancel',
    { config: { policy }, schema: { params: PendingParams } },
    async (request, reply) => {
      await cancelBaselineImport(db, request.actor!, request.params.id);
      return reply.redirect('/analysis/imports?cancelled=1', 303);
    },
  );
  app.get(
    '/analysis/imports/:id/restore',
    { config: { policy }, schema: { params: PendingParams } },
    async (request, reply) => {
      const item = (await listImports(db, request.actor!.systemId)).find((i) => i.id === request.params.id);
      if (!item?.restorable) throw new NotFoundError('That import cannot be undone');
      return reply.render('analysis/import-restore.njk', { title: `Undo the import of ${item.fileName}?`, item });
    },
  );
  app.post(
    '/analysis/imports/:id/restore',
    { config: { policy }, schema: { params: PendingParams } },
    async (request, reply) => {
      const record = await restoreBaselineImport(db, request.actor!, request.params.id);
      return reply.redirect(`/analysis/imports?restored=${record.id}`, 303);
    },
  );

  app.get(
    '/analysis/imports/template',
    { config: { policy }, schema: { querystring: Type.Object({ format: Type.Optional(Format) }) } },
    async (request, reply) => {
      if (request.query.format === 'xlsx') {
        const xlsx = await writeXlsx([
          { name: 'Baseline', rows: [[...BASELINE_HEADER], BASELINE_COLUMNS.map((c) => c.example)] },
          {
            name: 'Columns',
            rows: [
              ['column', 'required', 'what to enter', 'example'],
              ...BASELINE_COLUMNS.map((c) => [c.name, c.required ? 'yes' : 'no', c.description, c.example]),
            ],
          },
        ]);
        return sendXlsx(reply, 'baseline-template.xlsx', xlsx);
      }
      return sendCsv(reply, 'baseline-template.csv', baselineTemplateCsv());
    },
  );

  app.post(
    '/analysis/imports',
    {
      config: { policy },
    },
    async (request, reply) => {
      try {
        const file = await uploadedFile(request.body, 'file');
        const checked = await checkBaselineFile(db, request.actor!, file);
        if (checked.kind === 'preview') return reply.redirect(`/analysis/imports/pending/${checked.pendingId}`, 303);
        return renderImports(request, reply, { imported: checked.record });
      } catch (error) {
        if (error instanceof BaselineImportError) {
          reply.status(400);
          return renderImports(request, reply, {
            problems: error.problems.slice(0, 500),
            problemCount: error.problems.length,
            errors: [{ text: error.message, href: '#import-problems' }],
          });
        }
        if (error instanceof Error && 'fields' in error && (error as { status?: number }).status === 400) {
          reply.status(400);
          const fields = (error as { fields: { field: string; message: string }[] }).fields;
          return renderImports(request, reply, {
            errors: fields.map((f) => ({ text: f.message, href: '#file' })),
            fileError: fields[0]?.message,
          });
        }
        throw error;
      }
    },
  );

  // JSON API ----------------------------------------------------------------------------------------------
  const apiQuery = Type.Object(Filters);
  const apiFilters = (q: { period?: string; borough?: string; component?: string; ageGroup?: string }) => ({
    period: q.period,
    borough: q.borough,
    component: q.component,
    ageGroup: q.ageGroup,
  });

  app.get(
    '/api/analysis/gaps',
    {
      config: { policy },
      schema: {
        summary:
          'Gap matrix: each borough, component and age group meets, partly meets or does not offer the core offer',
        description:
          'A "partly" cell lists each standard it misses (hours, out-of-hours, response time, access route, age coverage, point of delivery). The newest period when none is given.',
        tags: ['analysis'],
        querystring: apiQuery,
        response: {
          200: Type.Object({ period: Type.Union([Type.String(), Type.Null()]), cells: Type.Array(GapCellSchema) }),
          401: ErrorBody,
          403: ErrorBody,
        },
      },
    },
    async (request) => {
      const data = await analysisData(db, request.actor!.systemId, request.query.period);
      return { period: data.period, cells: gapsOf(data, apiFilters(request.query)) };
    },
  );

  app.get(
    '/api/analysis/variation',
    {
      config: { policy },
      schema: {
        summary:
          'Variation against need: spend per head and per need-weighted head, staff per 100,000, waits against the standard',
        description: `Each borough with its distance from the pooled system figure (borough "${SYSTEM_TOTAL}"); component "${COMMUNITY_TOTAL}" is the total across community health services. Money is in pence.`,
        tags: ['analysis'],
        querystring: apiQuery,
        response: {
          200: Type.Object({ period: Type.Union([Type.String(), Type.Null()]), rows: Type.Array(VariationSchema) }),
          401: ErrorBody,
          403: ErrorBody,
        },
      },
    },
    async (request) => {
      const data = await analysisData(db, request.actor!.systemId, request.query.period);
      return { period: data.period, rows: variationOf(data, apiFilters(request.query)) };
    },
  );

  app.get(
    '/api/analysis/case-for-change',
    {
      config: { policy },
      schema: {
        summary:
          'Case for change: findings generated from the baseline, ranked by size, each with its figures, sources and chart data',
        tags: ['analysis'],
        querystring: apiQuery,
        response: {
          200: Type.Object({ period: Type.Union([Type.String(), Type.Null()]), findings: Type.Array(FindingSchema) }),
          401: ErrorBody,
          403: ErrorBody,
        },
      },
    },
    async (request) => {
      const data = await analysisData(db, request.actor!.systemId, request.query.period);
      return { period: data.period, findings: findingsOf(data, apiFilters(request.query)) };
    },
  );

  app.get(
    '/api/baseline/imports',
    {
      config: { policy },
      schema: {
        summary: 'Baseline imports, newest first: who, when, which file, which period and how many rows',
        tags: ['analysis'],
        response: { 200: Type.Object({ imports: Type.Array(ImportRecordSchema) }), 401: ErrorBody, 403: ErrorBody },
      },
    },
    async (request) => ({ imports: await listImports(db, request.actor!.systemId) }),
  );

  app.post(
    '/api/baseline/imports',
    {
      config: { policy },
      schema: {
        summary: 'Import a period of baseline data, all or nothing; the same period again replaces it',
        description:
          'Send JSON `{ period, rows }` (each row an object keyed by the template columns) or the CSV template as `text/csv` ' +
          '(add `?fileName=`). Every row is checked first; any problem refuses the whole import with 400 and one entry per ' +
          'problem naming the row (the header is row 1), the column and what was expected.',
        tags: ['analysis'],
        querystring: Type.Object({ fileName: Type.Optional(Type.String({ maxLength: 200 })) }),
        body: Type.Union([
          Type.Object({
            period: Period,
            rows: Type.Array(Type.Record(Type.String(), Type.Union([Type.String(), Type.Number(), Type.Null()])), {
              maxItems: 100000,
            }),
          }),
          Type.String({ description: 'CSV text in the template columns' }),
        ]),
        response: { 201: ImportRecordSchema, 400: ErrorBody, 401: ErrorBody, 403: ErrorBody },
      },
    },
    async (request, reply) => {
      const body = request.body;
      const record =
        typeof body === 'string'
          ? await importBaselineFile(db, request.actor!, {
              fileName: request.query.fileName ?? 'api.csv',
              bytes: Buffer.from(body, 'utf8'),
            })
          : await importBaselineRecords(db, request.actor!, {
              period: body.period,
              rows: body.rows,
              fileName: request.query.fileName,
            });
      return reply.status(201).send(record);
    },
  );
}

function presentPlace(place: Place) {
  return {
    code: place.code,
    name: place.name,
    population: AGE_GROUPS.map((g): { name: string; value: number; illustrative: boolean } => ({
      name: g.name,
      value: place.population[g.code]?.value,
      illustrative: place.population[g.code]?.illustrative === true,
    })).concat([
      {
        name: 'All residents',
        value: place.population.total.value,
        illustrative: place.population.total.illustrative === true,
      },
    ]),
    needs: place.needs.map((n) => ({
      name: n.name,
      value: n.unit === 'percent' ? `${n.value}%` : n.value.toLocaleString('en-GB'),
      source: n.source ? `${n.source.title} (${n.source.year})` : 'Illustrative',
    })),
  };
}
