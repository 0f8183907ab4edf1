// Delivery against the plan on the web (issue 16): the ICS overview by borough, a borough's variance by
// component and quarter (words beside the colour, a chart with its table), the commissioner's record of the
// borough partnership's agreement and re-profiling, quarterly finance returns (upload, template), the board
// pack (printable, XLSX) and the JSON API. Thin: the monitoring module does the work.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { AppDeps } from '../../app.ts';
import {
  ACTUAL_SOURCES,
  type ActualSource,
  actualWords,
  type BoroughActuals,
  type BoroughPosition,
  boardPack,
  boardPackSheets,
  boroughPosition,
  issueBoardPack,
  listReturns,
  MONITORING_READERS,
  moduleActuals,
  MONITORING_WRITERS,
  type Overview,
  overview,
  quarterLabel,
  quarters,
  RETURN_COLUMNS,
  RETURN_HEADER,
  RETURN_SUBMITTERS,
  ReturnImportError,
  readReturnFile,
  recordAgreement,
  reprofile,
  setQuarterStatus,
  submitReturn,
  type Variance,
} from '../../modules/monitoring/index.ts';
import type { Actor } from '../../platform/auth/roles.ts';
import { DomainError, ValidationError } from '../../platform/errors.ts';
import { uploadedFile } from '../../platform/http/upload.ts';
import { writeCsv, writeXlsx } from '../../platform/tabular.ts';
import { ErrorBody } from '../api-schemas.ts';
import { barChart } from '../charts.ts';
import { sendCsv, sendXlsx } from '../downloads.ts';
import { errorItems, fieldErrors } from '../forms.ts';
import type { Navigation } from '../nav.ts';

const READERS = [...MONITORING_READERS];
const WRITERS = [...MONITORING_WRITERS];
const SUBMITTERS = [...RETURN_SUBMITTERS];

const Query = Type.Object({
  year: Type.Optional(Type.String({ maxLength: 7 })),
  tolerance: Type.Optional(Type.String({ maxLength: 5 })),
  quarter: Type.Optional(Type.String({ maxLength: 5 })),
  format: Type.Optional(Type.String({ maxLength: 5 })),
  borough: Type.Optional(Type.String({ maxLength: 12 })),
  issued: Type.Optional(Type.String({ maxLength: 1 })),
});
type Q = { year?: string; tolerance?: string; quarter?: string; format?: string; borough?: string; issued?: string };

/** Tolerance in the query is a percentage (5 = 5%); a bad one is a 400 naming the field. */
function positionQuery(q: Q) {
  let tolerance: number | undefined;
  if (q.tolerance !== undefined && q.tolerance !== '') {
    tolerance = Number(q.tolerance) / 100;
    if (!/^\d+(\.\d+)?$/.test(q.tolerance)) tolerance = Number.NaN;
  }
  return { year: q.year || undefined, tolerance };
}

const money = (n: number | null | undefined) =>
  n === null || n === undefined ? '–' : `£${Math.round(n).toLocaleString('en-GB')}`;
const whole = (n: number | null | undefined, digits = 0) =>
  n === null || n === undefined
    ? '–'
    : n.toLocaleString('en-GB', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const tag = (v: Variance) => ({ words: v.words, colour: v.colour });

function spendChart(id: string, title: string, rows: { quarter: number; planned: number; actual: number | null }[]) {
  const bars = rows.flatMap((r) => [
    { label: `Q${r.quarter} planned`, value: Math.round(r.planned / 1000), tone: 'neutral' as const },
    {
      label: `Q${r.quarter} actual`,
      value: r.actual === null ? null : Math.round(r.actual / 1000),
      tone: 'highlight' as const,
      note: r.actual === null ? 'not yet reported' : undefined,
    },
  ]);
  return barChart({
    id,
    title,
    description: `${title}: planned and actual by quarter, in thousands of pounds. The table beside it has the same figures.`,
    bars,
    unit: 'k',
  });
}

function benefitChart(id: string, title: string, rows: { quarter: number; planned: number; actual: number | null }[]) {
  const bars = rows.flatMap((r) => [
    { label: `Q${r.quarter} planned`, value: Math.round(r.planned), tone: 'neutral' as const },
    {
      label: `Q${r.quarter} actual`,
      value: r.actual === null ? null : Math.round(r.actual),
      tone: 'highlight' as const,
      note: r.actual === null ? 'not yet reported' : undefined,
    },
  ]);
  return barChart({
    id,
    title,
    description: `${title}: planned and actual occupied bed days saved by quarter. The table beside it has the same figures.`,
    bars,
  });
}

const SOURCE_LABELS: Record<ActualSource, string> = {
  compliance: 'First contact within the offer’s standard',
  bedDaysAtHome: 'Bed days at home',
  conveyance: 'Avoided conveyances',
  oap: 'Out-of-area placement days',
  outcomes: 'Outcome indicators',
};

/** A borough's actuals from the other modules, as the page and the pack show them (words, never blanks). */
function actualsView(a: BoroughActuals, boroughName: string) {
  return {
    borough: a.borough,
    boroughName,
    year: a.year,
    quarters: a.quarters.map((q) => ({ quarter: q.quarter, words: actualWords(q) })),
    outcomes: a.outcomes.map((i) => ({
      ...i,
      values: i.values.map((v) => ({
        shown: v.value !== null ? whole(v.value, 1) : v.note ? 'suppressed' : 'not published',
      })),
    })),
    sourceList: (Object.keys(ACTUAL_SOURCES) as ActualSource[]).map((k) => ({
      label: SOURCE_LABELS[k],
      text: ACTUAL_SOURCES[k],
    })),
    unavailable: a.unavailable.map((u) => ({ label: SOURCE_LABELS[u.source], reason: u.reason })),
  };
}

function boroughView(p: BoroughPosition, quarter: number | null) {
  const components = p.components.map((c) => {
    const cell = quarter ? c.quarters[quarter - 1] : null;
    return {
      code: c.component,
      name: c.name,
      inPlan: c.inPlan,
      startYear: c.startYear,
      profile: c.profile.join(', '),
      annual: money(c.annual.investment),
      spendPlanned: money(cell ? cell.spendPlanned : c.toDate.spendPlanned),
      spendActual: money(cell ? cell.spendActual : c.toDate.spendActual),
      spend: tag(cell ? cell.spend : c.toDate.spend),
      benefitPlanned: c.annual.bedDaysSaved > 0 ? whole(cell ? cell.benefitPlanned : c.toDate.benefitPlanned) : '–',
      benefitActual: whole(cell ? cell.benefitActual : c.toDate.benefitActual),
      benefit: tag(cell ? cell.benefit : c.toDate.benefit),
      staffPlanned: whole(cell ? cell.staffPlanned : c.quarters[Math.max(0, p.quartersReported - 1)].staffPlanned, 1),
      staffActual: whole(cell ? cell.staffActual : c.quarters[Math.max(0, p.quartersReported - 1)].staffActual, 1),
      staff: tag(cell ? cell.staff : c.quarters[Math.max(0, p.quartersReported - 1)].staff),
      forecast: money(c.forecast.yearEnd),
      yearEnd: tag(c.yearEnd),
    };
  });
  return {
    components,
    spendRows: p.spendByQuarter.map((r) => ({
      quarter: `Q${r.quarter}`,
      planned: money(r.planned),
      actual: money(r.actual),
    })),
    benefitRows: p.benefitByQuarter.map((r) => ({
      quarter: `Q${r.quarter}`,
      planned: whole(r.planned),
      actual: whole(r.actual),
    })),
    envelope: p.envelope && {
      envelope: money(p.envelope.envelope),
      plannedToDate: money(p.envelope.plannedToDate),
      spendToDate: money(p.envelope.spendToDate),
      toDate: tag(p.envelope.toDate),
      forecast: money(p.envelope.forecast.yearEnd),
      yearEnd: tag(p.envelope.yearEnd),
      words: p.envelope.words,
    },
    benefitToDate: tag(p.benefitToDate),
  };
}

function overviewRows(o: Overview) {
  return o.boroughs.map((b) => ({
    code: b.borough.code,
    name: b.borough.name,
    status: b.plan.status,
    agreedOn: b.plan.current?.agreedOn ?? null,
    version: b.plan.current?.version ?? null,
    envelope: b.envelope ? money(b.envelope.envelope) : '–',
    spendToDate: b.envelope ? money(b.envelope.spendToDate) : '–',
    toDate: b.envelope ? tag(b.envelope.toDate) : null,
    forecast: b.envelope ? money(b.envelope.forecast.yearEnd) : '–',
    yearEnd: b.envelope ? tag(b.envelope.yearEnd) : null,
    benefit: tag(b.benefitToDate),
    behind: b.components.filter((c) => c.inPlan && c.toDate.spend.status === 'behind').length,
    lagging: b.lagging.length,
  }));
}

export default async function monitoringRoutes(
  appBase: FastifyInstance,
  { deps, navigation }: { deps: AppDeps; navigation: Navigation },
) {
  const app = appBase.withTypeProvider<TypeBoxTypeProvider>();
  const { db } = deps.database;
  navigation.add({ href: '/monitoring', text: 'Delivery against plan', roles: READERS });
  navigation.add({ href: '/monitoring/returns', text: 'Finance returns', roles: ['provider'] });

  app.addContentTypeParser(['text/csv', 'text/plain'], { parseAs: 'string' }, (_request, body, done) =>
    done(null, body),
  );

  const actorOf = (r: FastifyRequest): Actor => r.actor!;
  const canWrite = (r: FastifyRequest) => (WRITERS as string[]).includes(actorOf(r).role);

  // -- Overview ----------------------------------------------------------------------------------------------
  app.get('/monitoring', { config: { policy: READERS }, schema: { querystring: Query } }, async (request, reply) => {
    const o = await overview(db, actorOf(request), positionQuery(request.query));
    return reply.render('monitoring/index.njk', {
      title: 'Delivery against the plan',
      o,
      rows: overviewRows(o),
      tolerancePct: Math.round(o.tolerance * 100),
      years: o.years.map((y) => ({ value: y, text: y, selected: y === o.year })),
      ics: {
        envelope: o.ics.envelope && {
          envelope: money(o.ics.envelope.envelope),
          spendToDate: money(o.ics.envelope.spendToDate),
          toDate: tag(o.ics.envelope.toDate),
          forecast: money(o.ics.envelope.forecast.yearEnd),
          yearEnd: tag(o.ics.envelope.yearEnd),
          words: o.ics.envelope.words,
        },
        benefit: tag(o.ics.benefitToDate),
      },
      chart: o.ics.agreedBoroughs
        ? spendChart('ics-spend', `ICS spend against plan, ${o.year}`, o.ics.spendByQuarter)
        : null,
      spendRows: o.ics.spendByQuarter.map((r) => ({
        quarter: `Q${r.quarter}`,
        planned: money(r.planned),
        actual: money(r.actual),
      })),
      quarterStatuses: o.quarters.map((q) => ({ ...q, label: quarterLabel(o.year, q.quarter) })),
      canWrite: canWrite(request),
      notice: { quarter: (request.query as Q).quarter },
    });
  });

  app.post('/monitoring/quarters', { config: { policy: WRITERS } }, async (request, reply) => {
    const b = request.body as Record<string, string>;
    await setQuarterStatus(
      db,
      actorOf(request),
      { year: b.year, quarter: Number(b.quarter), status: b.status as 'open' | 'closed' },
      deps.clock.now(),
    );
    return reply.redirect(`/monitoring?year=${encodeURIComponent(b.year)}`, 303);
  });

  // -- A borough ---------------------------------------------------------------------------------------------
  const boroughPage = async (
    request: FastifyRequest,
    reply: FastifyReply,
    gss: string,
    q: Q,
    extra: Record<string, unknown> = {},
  ) => {
    const p = await boroughPosition(db, actorOf(request), gss, positionQuery(q));
    const quarter = q.quarter && /^[1-4]$/.test(q.quarter) ? Number(q.quarter) : null;
    const view = boroughView(p, quarter);
    const actuals = (await moduleActuals(db, actorOf(request), p.year, [p.borough], deps.clock.now())).get(
      p.borough.code,
    )!;
    return reply.render('monitoring/borough.njk', {
      title: `${p.borough.name}: delivery against the plan`,
      p,
      view,
      actuals: actualsView(actuals, p.borough.name),
      quarter,
      quarterLabel: quarter
        ? quarterLabel(p.year, quarter)
        : `the year to date (${p.quartersReported} quarter${p.quartersReported === 1 ? '' : 's'} reported)`,
      quarterChoices: [
        { value: '', text: 'Year to date', selected: !quarter },
        ...[1, 2, 3, 4].map((n) => ({ value: String(n), text: quarterLabel(p.year, n), selected: quarter === n })),
      ],
      tolerancePct: Math.round(p.tolerance * 100),
      chart:
        p.plan.status === 'agreed'
          ? spendChart('borough-spend', `${p.borough.name} spend against plan, ${p.year}`, p.spendByQuarter)
          : null,
      planComponents: p.components.filter((c) => c.inPlan).map((c) => ({ value: c.component, text: c.name })),
      canWrite: canWrite(request),
      today: deps.clock.now().toISOString().slice(0, 10),
      ...extra,
    });
  };

  app.get(
    '/monitoring/boroughs/:gss',
    {
      config: { policy: READERS },
      schema: { params: Type.Object({ gss: Type.String({ maxLength: 12 }) }), querystring: Query },
    },
    async (request, reply) => boroughPage(request, reply, request.params.gss, request.query),
  );

  app.post(
    '/monitoring/boroughs/:gss/agreement',
    { config: { policy: WRITERS }, schema: { params: Type.Object({ gss: Type.String({ maxLength: 12 }) }) } },
    async (request, reply) => {
      const b = request.body as Record<string, string>;
      try {
        await recordAgreement(
          db,
          actorOf(request),
          {
            borough: request.params.gss,
            year: b.year,
            partnership: b.partnership,
            agreedOn: b.agreedOn,
            reason: b.reason,
          },
          deps.clock.now(),
        );
        return reply.redirect(
          `/monitoring/boroughs/${request.params.gss}?year=${encodeURIComponent(b.year)}&saved=agreement`,
          303,
        );
      } catch (e) {
        if (!(e instanceof ValidationError)) throw e;
        reply.status(400);
        const errors = errorItems(e);
        return boroughPage(
          request,
          reply,
          request.params.gss,
          { year: b.year },
          { errors, fieldErrors: fieldErrors(errors), values: b },
        );
      }
    },
  );

  app.post(
    '/monitoring/boroughs/:gss/reprofile',
    { config: { policy: WRITERS }, schema: { params: Type.Object({ gss: Type.String({ maxLength: 12 }) }) } },
    async (request, reply) => {
      const b = request.body as Record<string, string>;
      const profile = [b.q1, b.q2, b.q3, b.q4].map((x) =>
        x === undefined || x.trim() === '' ? Number.NaN : Number(x),
      );
      try {
        await reprofile(
          db,
          actorOf(request),
          { borough: request.params.gss, year: b.year, component: b.component, profile, reason: b.reason },
          deps.clock.now(),
        );
        return reply.redirect(
          `/monitoring/boroughs/${request.params.gss}?year=${encodeURIComponent(b.year)}&saved=reprofile`,
          303,
        );
      } catch (e) {
        if (!(e instanceof ValidationError)) throw e;
        reply.status(400);
        const errors = errorItems(e, (f) => (f === 'profile' ? 'q1' : f === 'reason' ? 'rp-reason' : f));
        return boroughPage(
          request,
          reply,
          request.params.gss,
          { year: b.year },
          { errors, fieldErrors: fieldErrors(errors), values: b },
        );
      }
    },
  );

  // -- Returns -----------------------------------------------------------------------------------------------
  const returnsPage = async (request: FastifyRequest, reply: FastifyReply, extra: Record<string, unknown> = {}) => {
    const o = actorOf(request);
    const returns = await listReturns(db, o);
    const year = (request.query as Q).year || returns[0]?.financialYear || '2023-24';
    return reply.render('monitoring/returns.njk', {
      title: 'Quarterly finance returns',
      returns,
      year,
      quarterStatuses: (await quarters(db, o, year)).map((q) => ({ ...q, label: quarterLabel(year, q.quarter) })),
      columns: RETURN_COLUMNS,
      isReader: (READERS as string[]).includes(o.role),
      ...extra,
    });
  };
  app.get(
    '/monitoring/returns',
    { config: { policy: SUBMITTERS }, schema: { querystring: Query } },
    async (request, reply) => returnsPage(request, reply),
  );

  app.get(
    '/monitoring/returns/template',
    { config: { policy: SUBMITTERS }, schema: { querystring: Query } },
    async (request, reply) => {
      const example = RETURN_COLUMNS.map((c) => c.example);
      if (request.query.format === 'xlsx') {
        const xlsx = await writeXlsx([
          { name: 'Return', rows: [[...RETURN_HEADER], example] },
          {
            name: 'Columns',
            rows: [
              ['column', 'required', 'what to enter', 'example'],
              ...RETURN_COLUMNS.map((c) => [c.name, c.required ? 'yes' : 'no', c.description, c.example]),
            ],
          },
        ]);
        return sendXlsx(reply, 'finance-return-template.xlsx', xlsx);
      }
      return sendCsv(reply, 'finance-return-template.csv', writeCsv([[...RETURN_HEADER], example]));
    },
  );

  app.post('/monitoring/returns', { config: { policy: SUBMITTERS } }, async (request, reply) => {
    try {
      const file = await uploadedFile(request.body, 'file');
      const record = await submitReturn(db, actorOf(request), await readReturnFile(file), deps.clock.now());
      return returnsPage(request, reply, { submitted: record });
    } catch (e) {
      if (e instanceof ReturnImportError) {
        reply.status(400);
        return returnsPage(request, reply, {
          problems: e.problems.slice(0, 500),
          problemCount: e.problems.length,
          errors: [{ text: e.message, href: '#return-problems' }],
        });
      }
      if (e instanceof DomainError && (e.status === 400 || e.status === 403)) {
        reply.status(e.status);
        const errors = e.fields.length
          ? e.fields.map((f) => ({ text: f.message, href: '#file' }))
          : [{ text: e.message, href: '#file' }];
        return returnsPage(request, reply, { errors, fileError: errors[0].text });
      }
      throw e;
    }
  });

  // -- Board pack --------------------------------------------------------------------------------------------
  const pack = (request: FastifyRequest, q: Q) =>
    boardPack(db, actorOf(request), { ...positionQuery(q), borough: q.borough || undefined }, deps.clock.now());

  app.get(
    '/monitoring/board-pack',
    { config: { policy: READERS }, schema: { querystring: Query } },
    async (request, reply) => {
      const q = request.query;
      const p = await pack(request, q);
      const { o, borough, scope, risks, changes, name } = p;
      const spend = borough ? borough.spendByQuarter : o.ics.spendByQuarter;
      const benefit = borough ? borough.benefitByQuarter : o.ics.benefitByQuarter;
      const env = borough ? borough.envelope : o.ics.envelope;
      if (q.format === 'xlsx')
        return sendXlsx(
          reply,
          `board-pack-${borough ? borough.borough.code : 'ics'}-${o.year}.xlsx`,
          await writeXlsx(boardPackSheets(p)),
        );
      return reply.render('monitoring/board-pack.njk', {
        title: `Board pack: ${name}, ${o.year}`,
        o,
        name,
        borough: borough ?? null,
        env: env && {
          envelope: money(env.envelope),
          spendToDate: money(env.spendToDate),
          toDate: tag(env.toDate),
          forecast: money(env.forecast.yearEnd),
          yearEnd: tag(env.yearEnd),
          words: env.words,
        },
        benefitToDate: tag(borough ? borough.benefitToDate : o.ics.benefitToDate),
        spendChart: env ? spendChart('pack-spend', `Spend against plan, ${name}, ${o.year}`, spend) : null,
        benefitChart: env
          ? benefitChart('pack-benefit', `Bed days saved against plan, ${name}, ${o.year}`, benefit)
          : null,
        spendRows: spend.map((r) => ({ quarter: `Q${r.quarter}`, planned: money(r.planned), actual: money(r.actual) })),
        benefitRows: benefit.map((r) => ({
          quarter: `Q${r.quarter}`,
          planned: whole(r.planned),
          actual: whole(r.actual),
        })),
        rows: overviewRows({ ...o, boroughs: scope }),
        components: borough ? boroughView(borough, null).components : [],
        actuals: scope.map((b) => actualsView(p.actuals.get(b.borough.code)!, b.borough.name)),
        sinceLast: p.sinceLast && {
          issuedAt: p.sinceLast.previous.issuedAt.slice(0, 10),
          issuedBy: p.sinceLast.previous.issuedBy,
          statusChanges: p.sinceLast.statusChanges,
          moved: p.sinceLast.moved.map((m) => ({
            label: m.label,
            from: m.from === null ? 'not reported' : whole(m.from, Number.isInteger(m.from) ? 0 : 1),
            to: m.to === null ? 'not reported' : whole(m.to, Number.isInteger(m.to) ? 0 : 1),
          })),
          unchanged: p.sinceLast.unchanged,
        },
        canIssue: canWrite(request),
        issued: q.issued === '1',
        scopeCode: borough ? borough.borough.code : '',
        risks,
        changes,
        query: `${borough ? `borough=${borough.borough.code}&` : ''}year=${o.year}&tolerance=${Math.round(o.tolerance * 100)}`,
      });
    },
  );

  // The form's fields, declared so that a body that is not the form (plain text, say) is refused, not issued.
  const IssueForm = Type.Object({
    year: Type.Optional(Type.String({ maxLength: 7 })),
    tolerance: Type.Optional(Type.String({ maxLength: 5 })),
    borough: Type.Optional(Type.String({ maxLength: 12 })),
    _csrf: Type.Optional(Type.String({ maxLength: 200 })),
  });
  app.post(
    '/monitoring/board-pack/issue',
    { config: { policy: WRITERS }, schema: { body: IssueForm } },
    async (request, reply) => {
      const b = request.body as Record<string, string>;
      const q: Q = { year: b.year, tolerance: b.tolerance, borough: b.borough };
      const { pack: issued } = await issueBoardPack(
        db,
        actorOf(request),
        { ...positionQuery(q), borough: q.borough || undefined },
        deps.clock.now(),
      );
      const params = new URLSearchParams({
        ...(issued.borough ? { borough: issued.borough.borough.code } : {}),
        year: issued.o.year,
        tolerance: String(Math.round(issued.o.tolerance * 100)),
        issued: '1',
      });
      return reply.redirect(`/monitoring/board-pack?${params}`, 303);
    },
  );

  // -- JSON API ----------------------------------------------------------------------------------------------
  const VarianceSchema = Type.Object({
    planned: Type.Union([Type.Number(), Type.Null()]),
    actual: Type.Union([Type.Number(), Type.Null()]),
    difference: Type.Union([Type.Number(), Type.Null()]),
    share: Type.Union([Type.Number(), Type.Null()]),
    status: Type.String(),
    words: Type.String(),
    colour: Type.String(),
  });
  const QuarterSeries = Type.Array(
    Type.Object({ quarter: Type.Integer(), planned: Type.Number(), actual: Type.Union([Type.Number(), Type.Null()]) }),
  );
  const EnvelopeSchema = Type.Union([
    Type.Object({
      envelope: Type.Number(),
      plannedToDate: Type.Number(),
      spendToDate: Type.Union([Type.Number(), Type.Null()]),
      toDate: VarianceSchema,
      yearEnd: VarianceSchema,
      forecastYearEnd: Type.Union([Type.Number(), Type.Null()]),
      words: Type.String(),
    }),
    Type.Null(),
  ]);
  const envOut = (e: BoroughPosition['envelope']) =>
    e && {
      envelope: e.envelope,
      plannedToDate: e.plannedToDate,
      spendToDate: e.spendToDate,
      toDate: e.toDate,
      yearEnd: e.yearEnd,
      forecastYearEnd: e.forecast.yearEnd,
      words: e.words,
    };
  const Count = Type.Number();
  const Share = Type.Union([Type.Number(), Type.Null()]);
  const ActualsSchema = Type.Union([
    Type.Object(
      {
        sources: Type.Record(Type.String(), Type.String(), { description: 'Where each figure comes from' }),
        quarters: Type.Array(
          Type.Object({
            quarter: Type.Integer(),
            compliance: Type.Object({ referrals: Count, met: Count, breached: Count, pending: Count, share: Share }),
            bedDaysAtHome: Type.Object({ discharges: Count, bedDays: Count }),
            conveyance: Type.Object({ calls: Count, withOutcome: Count, notConveyed: Count, rate: Share }),
            oap: Type.Object({ placements: Count, days: Count, inappropriateDays: Count }),
          }),
        ),
        outcomes: Type.Array(
          Type.Object({
            code: Type.String(),
            title: Type.String(),
            unit: Type.String(),
            polarity: Type.String(),
            values: Type.Array(
              Type.Object({
                quarter: Type.Integer(),
                value: Share,
                note: Type.Union([Type.String(), Type.Null()]),
              }),
            ),
            movement: Type.Union([Type.String(), Type.Null()]),
            moved: Type.Boolean(),
          }),
        ),
        unavailable: Type.Array(Type.Object({ source: Type.String(), reason: Type.String() })),
      },
      {
        description:
          'Read from the modules that record them (central point of access clocks, virtual wards, silver triage, bed management, outcomes), by quarter',
      },
    ),
    Type.Null(),
  ]);
  const BoroughSchema = Type.Object({
    borough: Type.Object({ code: Type.String(), name: Type.String() }),
    year: Type.String(),
    tolerance: Type.Number(),
    plan: Type.Object({
      status: Type.String(),
      version: Type.Union([Type.Integer(), Type.Null()]),
      partnership: Type.Union([Type.String(), Type.Null()]),
      agreedOn: Type.Union([Type.String(), Type.Null()]),
      scenario: Type.Union([
        Type.Object({ id: Type.String(), name: Type.String(), version: Type.Integer() }),
        Type.Null(),
      ]),
      howToAgree: Type.Union([Type.String(), Type.Null()]),
    }),
    quartersReported: Type.Integer(),
    envelope: EnvelopeSchema,
    benefitToDate: VarianceSchema,
    spendByQuarter: QuarterSeries,
    benefitByQuarter: QuarterSeries,
    components: Type.Array(
      Type.Object({
        component: Type.String(),
        name: Type.String(),
        inPlan: Type.Boolean(),
        profile: Type.Array(Type.Number()),
        annualInvestment: Type.Number(),
        quarters: Type.Array(
          Type.Object({
            quarter: Type.Integer(),
            spend: VarianceSchema,
            benefit: VarianceSchema,
            staff: VarianceSchema,
            activity: Type.Union([Type.Number(), Type.Null()]),
          }),
        ),
        toDate: Type.Object({ spend: VarianceSchema, benefit: VarianceSchema }),
        forecastYearEnd: Type.Union([Type.Number(), Type.Null()]),
        yearEnd: VarianceSchema,
      }),
    ),
    lagging: Type.Array(Type.Object({ component: Type.String(), words: Type.String() })),
    actuals: ActualsSchema,
    illustrative: Type.Boolean(),
  });
  const HOW_TO_AGREE =
    'No plan is agreed for this borough yet: a commissioner records the borough partnership’s agreement on the borough page (Delivery against plan), once a finance scenario is agreed as the plan.';
  const boroughOut = (p: BoroughPosition, a?: BoroughActuals) => ({
    borough: p.borough,
    year: p.year,
    tolerance: p.tolerance,
    plan: {
      status: p.plan.status,
      version: p.plan.current?.version ?? null,
      partnership: p.plan.current?.partnership ?? null,
      agreedOn: p.plan.current?.agreedOn ?? null,
      scenario: p.plan.scenario && {
        id: p.plan.scenario.id,
        name: p.plan.scenario.name,
        version: p.plan.scenario.version,
      },
      howToAgree: p.plan.status === 'agreed' ? null : HOW_TO_AGREE,
    },
    quartersReported: p.quartersReported,
    envelope: envOut(p.envelope),
    benefitToDate: p.benefitToDate,
    spendByQuarter: p.spendByQuarter,
    benefitByQuarter: p.benefitByQuarter,
    components: p.components.map((c) => ({
      component: c.component,
      name: c.name,
      inPlan: c.inPlan,
      profile: c.profile,
      annualInvestment: c.annual.investment,
      quarters: c.quarters.map((x) => ({
        quarter: x.quarter,
        spend: x.spend,
        benefit: x.benefit,
        staff: x.staff,
        activity: x.activity,
      })),
      toDate: { spend: c.toDate.spend, benefit: c.toDate.benefit },
      forecastYearEnd: c.forecast.yearEnd,
      yearEnd: c.yearEnd,
    })),
    lagging: p.lagging.map((l) => ({ component: l.component, words: l.words })),
    actuals: a ? { sources: a.sources, quarters: a.quarters, outcomes: a.outcomes, unavailable: a.unavailable } : null,
    illustrative: p.illustrative,
  });
  const ApiQuery = Type.Object({
    year: Type.Optional(Type.String({ maxLength: 7, description: 'Financial year, such as 2023-24' })),
    tolerance: Type.Optional(Type.String({ maxLength: 5, description: 'Tolerance in percent (default 5)' })),
  });

  app.get(
    '/api/monitoring/boroughs/:gss',
    {
      config: { policy: READERS },
      schema: {
        summary:
          'A borough’s plan against actual by component and quarter, with variance in words and the forecast to year end',
        description:
          'Money in pounds. Variance `words` ("on track", "behind by 12%", "overspent by 8%") go with `colour`; a borough with no agreed plan says how to agree one (`plan.howToAgree`) and has no figures, not zeros.',
        tags: ['monitoring'],
        params: Type.Object({ gss: Type.String({ maxLength: 12 }) }),
        querystring: ApiQuery,
        response: { 200: BoroughSchema, 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody },
      },
    },
    async (request) => {
      const p = await boroughPosition(db, actorOf(request), request.params.gss, positionQuery(request.query));
      const a = await moduleActuals(db, actorOf(request), p.year, [p.borough], deps.clock.now());
      return boroughOut(p, a.get(p.borough.code));
    },
  );

  const ReturnSchema = Type.Object({
    id: Type.String(),
    provider: Type.String(),
    financialYear: Type.String(),
    quarter: Type.Integer(),
    fileName: Type.String(),
    rowCount: Type.Integer(),
    superseded: Type.Boolean(),
    illustrative: Type.Boolean(),
    submittedBy: Type.String(),
    submittedAt: Type.String(),
  });
  app.post(
    '/api/monitoring/returns',
    {
      config: { policy: SUBMITTERS },
      schema: {
        summary: 'Submit a provider’s quarterly finance return, all or nothing',
        description:
          'Send JSON `{ rows }` (each row an object keyed by the template columns: provider, financial_year, quarter, borough, component, spend, and optionally staff_in_post, activity, bed_days_saved) or the CSV template as `text/csv` (add `?fileName=`). ' +
          'Every row is checked first: unknown boroughs or components, negative spend or a quarter that is not open refuse the whole return with 400 naming the row and column; a provider submitting for another provider gets 403 naming `provider`. A new return for the same provider and quarter replaces the last one.',
        tags: ['monitoring'],
        querystring: Type.Object({ fileName: Type.Optional(Type.String({ maxLength: 200 })) }),
        body: Type.Union([
          Type.Object({
            rows: Type.Array(Type.Record(Type.String(), Type.Union([Type.String(), Type.Number(), Type.Null()])), {
              minItems: 1,
              maxItems: 20000,
            }),
          }),
          Type.String({ description: 'CSV text in the template columns' }),
        ]),
        response: { 201: ReturnSchema, 400: ErrorBody, 401: ErrorBody, 403: ErrorBody },
      },
    },
    async (request, reply) => {
      const body = request.body;
      const sheet =
        typeof body === 'string'
          ? await readReturnFile({ fileName: request.query.fileName ?? 'api.csv', bytes: Buffer.from(body, 'utf8') })
          : {
              fileName: request.query.fileName ?? 'api.json',
              header: [...new Set(body.rows.flatMap((r) => Object.keys(r)))],
              rows: body.rows.map((r, i) => ({
                rowNumber: i + 2,
                cells: Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v === null ? '' : String(v)])),
              })),
            };
      const record = await submitReturn(db, actorOf(request), sheet, deps.clock.now());
      return reply.status(201).send(record);
    },
  );

  app.get(
    '/api/monitoring/board-pack',
    {
      config: { policy: READERS },
      schema: {
        summary:
          'The board pack’s figures: headline position, spend and benefits against plan by quarter, each borough, risks and changes',
        description: 'For the ICS without `borough`, or one borough (GSS code). Money in pounds.',
        tags: ['monitoring'],
        querystring: Type.Object({ ...ApiQuery.properties, borough: Type.Optional(Type.String({ maxLength: 12 })) }),
        response: {
          200: Type.Object({
            scope: Type.String(),
            year: Type.String(),
            tolerance: Type.Number(),
            envelope: EnvelopeSchema,
            benefitToDate: VarianceSchema,
            spendByQuarter: QuarterSeries,
            benefitByQuarter: QuarterSeries,
            boroughs: Type.Array(BoroughSchema),
            risks: Type.Array(Type.String()),
            changes: Type.Array(Type.String()),
            sinceLastPack: Type.Union([
              Type.Object({
                issuedAt: Type.String(),
                issuedBy: Type.String(),
                moved: Type.Array(
                  Type.Object({
                    key: Type.String(),
                    label: Type.String(),
                    from: Type.Union([Type.Number(), Type.Null()]),
                    to: Type.Union([Type.Number(), Type.Null()]),
                  }),
                ),
                statusChanges: Type.Array(
                  Type.Object({
                    key: Type.String(),
                    label: Type.String(),
                    from: Type.Union([Type.String(), Type.Null()]),
                    to: Type.Union([Type.String(), Type.Null()]),
                  }),
                ),
                unchanged: Type.Integer(),
              }),
              Type.Null(),
            ]),
            illustrative: Type.Boolean(),
          }),
          400: ErrorBody,
          401: ErrorBody,
          403: ErrorBody,
        },
      },
    },
    async (request) => {
      const { o, borough, scope, risks, changes, actuals, sinceLast } = await pack(request, request.query);
      return {
        scope: borough ? borough.borough.code : 'ICS',
        year: o.year,
        tolerance: o.tolerance,
        envelope: envOut(borough ? borough.envelope : o.ics.envelope),
        benefitToDate: borough ? borough.benefitToDate : o.ics.benefitToDate,
        spendByQuarter: borough ? borough.spendByQuarter : o.ics.spendByQuarter,
        benefitByQuarter: borough ? borough.benefitByQuarter : o.ics.benefitByQuarter,
        boroughs: scope.map((b) => boroughOut(b, actuals.get(b.borough.code))),
        risks,
        changes,
        sinceLastPack: sinceLast && {
          issuedAt: sinceLast.previous.issuedAt,
          issuedBy: sinceLast.previous.issuedBy,
          moved: sinceLast.moved,
          statusChanges: sinceLast.statusChanges,
          unchanged: sinceLast.unchanged,
        },
        illustrative: o.illustrative,
      };
    },
  );
}
