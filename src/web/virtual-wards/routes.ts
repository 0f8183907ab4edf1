// Virtual wards on the web: a clinician's wards, the ward board, admitting a patient, the patient page with
// the NEWS2 chart and the observation and discharge forms, the escalation worklist (claim, respond), capacity
// by borough against the national ambition, and the JSON API (device gateways post observations).
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { AppDeps } from '../../app.ts';
import { listPlaces } from '../../modules/places/index.ts';
import {
  ADMISSION_SOURCES,
  admissionDetail,
  admitPatient,
  allWards,
  changePlan,
  CAPACITY_READERS,
  CONSCIOUSNESS_LEVELS,
  capacityByBorough,
  claimEscalation,
  createWard,
  DISCHARGE_OUTCOMES,
  dischargeOutcomes,
  occupancyOverTime,
  dischargePatient,
  ESCALATION_OUTCOMES,
  escalationWorklist,
  NATIONAL_AMBITION_PER_100K,
  NEWS2_PARAMETERS,
  NEWS2_RESPONSES,
  PATHWAYS,
  PLAN_OBSERVATION_LABELS,
  PLAN_OBSERVATIONS,
  parseObservation,
  recordObservation,
  respondToEscalation,
  scoreNews2,
  WARD_MANAGERS,
  WARD_STAFF,
  wardBoard,
  wardsFor,
} from '../../modules/virtualwards/index.ts';
import type { Actor } from '../../platform/auth/roles.ts';
import { ValidationError } from '../../platform/errors.ts';
import { ErrorBody } from '../api-schemas.ts';
import { errorItems, fieldErrors } from '../forms.ts';
import type { Navigation } from '../nav.ts';
import { capacitySvg, trendSvg } from './charts.ts';

const S = (max = 200) => Type.String({ maxLength: max });
const Opt = (max = 200) => Type.Optional(Type.String({ maxLength: max }));
const Num = (description: string) => Type.Optional(Type.Union([Type.Number(), Type.Null()], { description }));
const Id = Type.Object({ id: Type.String({ maxLength: 100 }) });

const RISK_LABELS = { low: 'Low', 'low-medium': 'Low to medium', medium: 'Medium', high: 'High' } as const;
const PARAMETER_LABELS: Record<string, string> = {
  respirationRate: 'Respiration rate',
  spo2: 'SpO2',
  airOrOxygen: 'Air or oxygen',
  systolicBP: 'Systolic blood pressure',
  pulse: 'Pulse',
  consciousness: 'Consciousness',
  temperature: 'Temperature',
  heartRate: 'Heart rate',
  oxygen: 'Oxygen',
};

const News2Body = Type.Object(
  {
    respirationRate: Num('Breaths a minute'),
    spo2: Num('Oxygen saturation, %'),
    spo2Scale: Type.Optional(Type.Union([Type.Literal(1), Type.Literal(2)])),
    onOxygen: Type.Optional(Type.Union([Type.Boolean(), Type.Null()])),
    systolicBP: Num('mmHg'),
    pulse: Num('Beats a minute'),
    consciousness: Type.Optional(
      Type.Union([...CONSCIOUSNESS_LEVELS.map((l) => Type.Literal(l)), Type.Null()], { description: 'ACVPU' }),
    ),
    temperature: Num('°C'),
  },
  { description: 'One set of observations. A missing parameter is reported, never scored as 0.' },
);
const ParameterScores = Type.Record(Type.String(), Type.Union([Type.Integer(), Type.Null()]));
const News2Out = Type.Object({
  score: Type.Union([Type.Integer(), Type.Null()], { description: 'Null when a parameter is missing' }),
  risk: Type.Union([Type.Literal('low'), Type.Literal('low-medium'), Type.Literal('medium'), Type.Literal('high')]),
  parameterScores: ParameterScores,
  complete: Type.Boolean(),
  missing: Type.Array(Type.String()),
  partialScore: Type.Integer(),
});
const ObservationBody = Type.Object({
  ...News2Body.properties,
  heartRate: Num('For children: beats a minute (same as pulse)'),
  observedAt: Type.Optional(Type.String({ maxLength: 40, description: 'ISO date-time; default now' })),
});
const ObservationOut = Type.Object({
  observationId: Type.String(),
  system: Type.String(),
  result: Type.Object({
    score: Type.Union([Type.Integer(), Type.Null()]),
    risk: Type.String(),
    parameterScores: ParameterScores,
    complete: Type.Boolean(),
    missing: Type.Array(Type.String()),
  }),
  escalationId: Type.Union([Type.String(), Type.Null()]),
  escalationDueAt: Type.Union([Type.String(), Type.Null()]),
});
const WardOut = Type.Object({
  id: Type.String(),
  name: Type.String(),
  providerCode: Type.String(),
  providerName: Type.String(),
  borough: Type.String(),
  pathway: Type.String(),
  capacity: Type.Integer(),
  occupied: Type.Integer(),
  minAge: Type.Integer(),
  maxAge: Type.Integer(),
  scoreSystem: Type.String(),
  componentCode: Type.Union([Type.String(), Type.Null()]),
});
const WardBody = Type.Object({
  id: S(60),
  name: S(200),
  pathway: S(60),
  capacity: Type.Integer({ minimum: 0, maximum: 1000 }),
  minAge: Type.Optional(Type.Integer({ minimum: 0, maximum: 120 })),
  maxAge: Type.Optional(Type.Integer({ minimum: 0, maximum: 120 })),
  borough: S(60),
  providerCode: Opt(6),
  providerName: Opt(200),
  scoreSystem: Opt(10),
  componentCode: Opt(100),
});
// The plan's observations: NEWS2 parameter names (a form sends one string per ticked checkbox).
const PlanObservationsIn = Type.Optional(
  Type.Union([Type.Array(S(40), { maxItems: 20 }), S(400)], {
    description: `Which observations the plan expects, any of: ${PLAN_OBSERVATIONS.join(', ')}. Default all seven.`,
  }),
);
/**
 * A form with the plan's observation checkboxes (NEWS2 wards) sends nothing when no box is ticked: that is
 * "none", an error, not "all" or "keep the plan". Without the checkboxes (PEWS wards) the default stands.
 */
function withTicked<T extends { observations?: string | string[]; observationsShown?: string }>(
  body: T,
): Omit<T, 'observationsShown'> {
  const { observationsShown, ...rest } = body;
  return observationsShown ? { ...rest, observations: body.observations ?? [] } : rest;
}
const AdmissionBody = Type.Object({
  nhsNumber: Opt(20),
  givenName: Opt(100),
  familyName: Opt(100),
  birthDate: Opt(20),
  postcodeDistrict: Opt(10),
  route: Opt(20),
  source: Opt(30),
  sourceReference: Opt(100),
  referralReference: Type.Optional(
    Type.String({
      maxLength: 100,
      description:
        'Required when source is referral: the reference of a referral the central point of access accepted for ' +
        "a virtual-ward service of the ward's provider, for the same NHS number. First contact is recorded on it.",
    }),
  ),
  obsEveryHours: Type.Optional(Type.Union([Type.Integer({ minimum: 0, maximum: 1000 }), S(10)])),
  spo2Scale: Type.Optional(Type.Union([Type.Integer({ minimum: 0, maximum: 10 }), S(5)])),
  spo2ScaleReason: Opt(500),
  visitsPerDay: Type.Optional(Type.Union([Type.Integer({ minimum: 0, maximum: 100 }), S(5)])),
  observations: PlanObservationsIn,
  overCapacityReason: Opt(500),
  observationsShown: Type.Optional(
    Type.String({ maxLength: 5, description: 'Forms only: the observation checkboxes were on the page' }),
  ),
});
const AdmitOut = Type.Object({
  admissionId: Type.String(),
  patientId: Type.String(),
  overCapacity: Type.Boolean(),
  visitsBooked: Type.Integer({ description: "Daily visits booked on the provider's scheduling board" }),
  firstContactRecorded: Type.Boolean({ description: 'First contact was recorded on the referral now' }),
});
const EscalationOut = Type.Object({
  id: Type.String(),
  admissionId: Type.String(),
  wardId: Type.String(),
  patientName: Type.String(),
  nhsNumber: Type.String(),
  kind: Type.String(),
  risk: Type.Union([Type.String(), Type.Null()]),
  raisedAt: Type.String(),
  dueAt: Type.String(),
  overdue: Type.Boolean(),
  status: Type.String(),
  claimedBy: Type.Union([Type.String(), Type.Null()]),
  responseRequired: Type.String(),
});

const formText = (v: unknown) => (v === undefined || v === null ? '' : String(v));

export default async function virtualWardRoutes(
  appBase: FastifyInstance,
  { deps, navigation }: { deps: AppDeps; navigation: Navigation },
) {
  const app = appBase.withTypeProvider<TypeBoxTypeProvider>();
  const { db } = deps.database;
  const now = () => deps.clock.now();
  const STAFF = [...WARD_STAFF];
  const CLINICIAN = ['clinician'] as const;
  const READERS = [...CAPACITY_READERS];

  navigation.add({ href: '/virtual-wards', text: 'Virtual wards', roles: [...WARD_STAFF, ...WARD_MANAGERS] });
  navigation.add({
    href: '/virtual-wards/capacity',
    text: 'Virtual ward capacity',
    roles: ['commissioner', 'analyst'],
  });

  async function populations(systemId: string): Promise<Map<string, number>> {
    const places = await listPlaces(db, systemId);
    return new Map(places.map((p) => [p.name, p.population.total.value]));
  }

  // Pages -----------------------------------------------------------------------------------------------------
  app.get('/virtual-wards', { config: { policy: [...WARD_STAFF, ...WARD_MANAGERS] } }, async (request, reply) => {
    const actor = request.actor as Actor;
    const wards = await wardsFor(db, actor);
    return reply.render('virtual-wards/index.njk', {
      title: 'Virtual wards',
      wards,
      pathways: PATHWAYS,
      isStaff: STAFF.includes(actor.role as never),
    });
  });

  app.get(
    '/virtual-wards/capacity',
    { config: { policy: READERS }, schema: { querystring: Type.Object({ from: Opt(20), to: Opt(20) }) } },
    async (request, reply) => {
      const actor = request.actor as Actor;
      const rows = await capacityByBorough(db, actor, await populations(actor.systemId));
      // Discharge outcomes and bed days at home, with the outcomes framework's disclosure control.
      let outcomes = null;
      let errors: ReturnType<typeof errorItems> = [];
      try {
        outcomes = await dischargeOutcomes(db, actor, request.query, now());
      } catch (e) {
        if (!(e instanceof ValidationError)) throw e;
        errors = errorItems(e);
        reply.status(400);
      }
      const total = rows.reduce(
        (s, r) => ({ capacity: s.capacity + r.capacity, population: s.population + (r.population ?? 0) }),
        {
          capacity: 0,
          population: 0,
        },
      );
      return reply.render('virtual-wards/capacity.njk', {
        title: 'Virtual ward capacity by borough',
        rows,
        ambition: NATIONAL_AMBITION_PER_100K,
        total: { ...total, per100k: total.population ? (total.capacity / total.population) * 100_000 : null },
        svg: capacitySvg(
          rows.map((r) => ({ label: r.borough, value: r.bedsPer100k })),
          NATIONAL_AMBITION_PER_100K,
          'Virtual ward beds per 100,000 people, by borough, against the national ambition of 40 to 50',
        ),
        occupancy: await occupancyOverTime(db, actor, now()),
        outcomes,
        hiddenWhy: Object.fromEntries((outcomes?.suppressed ?? []).map((x) => [x.cell, x.reason])),
        outcomeLabels: DISCHARGE_OUTCOMES,
        period: request.query,
        errors,
        fieldErrors: fieldErrors(errors),
      });
    },
  );

  app.get('/virtual-wards/escalations', { config: { policy: STAFF } }, async (request, reply) => {
    const items = await escalationWorklist(db, request.actor as Actor, now());
    return reply.render('virtual-wards/escalations.njk', {
      title: 'Escalations',
      items,
      now: now(),
      riskLabels: RISK_LABELS,
      outcomeItems: Object.entries(ESCALATION_OUTCOMES).map(([value, text]) => ({ value, text })),
    });
  });

  app.post(
    '/virtual-wards/escalations/:id/claim',
    { config: { policy: [...CLINICIAN] }, schema: { params: Id, body: Type.Object({ _csrf: Opt(200) }) } },
    async (request, reply) => {
      await claimEscalation(db, request.actor as Actor, request.params.id, now());
      return reply.redirect(`/virtual-wards/escalations#e-${request.params.id}`, 303);
    },
  );

  app.post(
    '/virtual-wards/escalations/:id/respond',
    {
      config: { policy: [...CLINICIAN] },
      schema: {
        params: Id,
        body: Type.Object({ _csrf: Opt(200), response: Opt(2100), outcome: Opt(50), admissionId: Opt(100) }),
      },
    },
    async (request, reply) => {
      const actor = request.actor as Actor;
      try {
        await respondToEscalation(db, actor, request.params.id, request.body, now());
      } catch (e) {
        if (!(e instanceof ValidationError)) throw e;
        reply.status(400);
        const items = await escalationWorklist(db, actor, now());
        return reply.render('virtual-wards/escalations.njk', {
          title: 'Escalations',
          items,
          now: now(),
          riskLabels: RISK_LABELS,
          outcomeItems: Object.entries(ESCALATION_OUTCOMES).map(([value, text]) => ({ value, text })),
          errors: errorItems(e, (f) => `${f}-${request.params.id}`),
          failedId: request.params.id,
          values: request.body,
        });
      }
      return reply.redirect('/virtual-wards/escalations?answered=1', 303);
    },
  );

  app.get('/virtual-wards/wards/:id', { config: { policy: STAFF }, schema: { params: Id } }, async (request, reply) => {
    const board = await wardBoard(db, request.actor as Actor, request.params.id, now());
    return reply.render('virtual-wards/board.njk', {
      title: board.ward.name,
      board,
      now: now(),
      riskLabels: RISK_LABELS,
      trend: (scores: (number | null)[], name: string) =>
        trendSvg(scores, {
          label: `Score trend for ${name}: ${scores.map((s) => (s === null ? 'incomplete' : s)).join(', ')}`,
        }),
    });
  });

  const admitForm = (wardId: string, extra: Record<string, unknown> = {}) => ({
    wardId,
    routeItems: [
      { value: 'step-up', text: 'Step-up: from home, instead of going into hospital' },
      { value: 'step-down', text: 'Step-down: early discharge from an acute ward' },
    ],
    sourceItems: [
      { value: '', text: 'Select where the admission came from' },
      ...Object.entries(ADMISSION_SOURCES).map(([value, text]) => ({ value, text })),
    ],
    values: { obsEveryHours: '4', spo2Scale: '1', visitsPerDay: '1', observations: [...PLAN_OBSERVATIONS] },
    planObservationLabels: PLAN_OBSERVATION_LABELS,
    ...extra,
  });

  app.get(
    '/virtual-wards/wards/:id/admit',
    { config: { policy: [...CLINICIAN] }, schema: { params: Id } },
    async (request, reply) => {
      const board = await wardBoard(db, request.actor as Actor, request.params.id, now());
      return reply.render('virtual-wards/admit.njk', {
        title: `Admit to ${board.ward.name}`,
        ward: board.ward,
        ...admitForm(board.ward.id),
      });
    },
  );

  app.post(
    '/virtual-wards/wards/:id/admit',
    {
      config: { policy: [...CLINICIAN] },
      schema: { params: Id, body: Type.Object({ ...AdmissionBody.properties, _csrf: Opt(200) }) },
    },
    async (request, reply) => {
      const actor = request.actor as Actor;
      try {
        const result = await admitPatient(db, actor, request.params.id, withTicked(request.body), now());
        return reply.redirect(`/virtual-wards/admissions/${result.admissionId}?admitted=1`, 303);
      } catch (e) {
        if (!(e instanceof ValidationError)) throw e;
        const board = await wardBoard(db, actor, request.params.id, now());
        reply.status(400);
        return reply.render('virtual-wards/admit.njk', {
          title: `Admit to ${board.ward.name}`,
          ward: board.ward,
          ...admitForm(board.ward.id, {
            values: { ...request.body, observations: [request.body.observations ?? []].flat() },
            errors: errorItems(e),
            fieldErrors: fieldErrors(errorItems(e)),
            full: e.message === 'The ward is full',
          }),
        });
      }
    },
  );

  async function renderAdmission(
    request: { actor?: Actor | null; params: { id: string } },
    extra: Record<string, unknown> = {},
  ) {
    const detail = await admissionDetail(db, request.actor as Actor, request.params.id, now());
    const columns = detail.observations.slice(-12);
    const rows = (
      detail.ward.scoreSystem === 'pews'
        ? ['respirationRate', 'heartRate', 'spo2', 'oxygen', 'consciousness']
        : [...NEWS2_PARAMETERS]
    ).map((p) => ({
      parameter: p,
      label: PARAMETER_LABELS[p] ?? p,
      cells: columns.map((o) => ({
        reading: readingFor(o.readings, p),
        score: o.parameterScores[p] ?? null,
        // Left out of the plan, so not "not recorded" (NEWS2 wards; PEWS keeps its own list).
        notPlanned: detail.ward.scoreSystem !== 'pews' && !detail.admission.planObservations.includes(p),
      })),
    }));
    return {
      title: `${detail.admission.givenName} ${detail.admission.familyName}`,
      detail,
      columns,
      rows,
      riskLabels: RISK_LABELS,
      responses: NEWS2_RESPONSES,
      planObservationLabels: PLAN_OBSERVATION_LABELS,
      now: now(),
      outcomeItems: [
        { value: '', text: 'Select the outcome' },
        ...Object.entries(DISCHARGE_OUTCOMES).map(([value, text]) => ({ value, text })),
      ],
      sourceLabels: ADMISSION_SOURCES,
      consciousnessItems: [
        { value: '', text: 'Select' },
        { value: 'A', text: 'A: alert' },
        { value: 'C', text: 'C: new confusion' },
        { value: 'V', text: 'V: responds to voice' },
        { value: 'P', text: 'P: responds to pain' },
        { value: 'U', text: 'U: unresponsive' },
      ],
      trendSvg: trendSvg(
        detail.observations.slice(-16).map((o) => o.score),
        { label: 'Score trend of the last observations; the values are in the chart below' },
      ),
      values: {},
      ...extra,
    };
  }

  app.get(
    '/virtual-wards/admissions/:id',
    {
      config: { policy: STAFF },
      schema: {
        params: Id,
        querystring: Type.Object({ admitted: Opt(5), recorded: Opt(5), discharged: Opt(5), planned: Opt(5) }),
      },
    },
    async (request, reply) =>
      reply.render('virtual-wards/admission.njk', await renderAdmission(request, { flags: request.query })),
  );

  app.post(
    '/virtual-wards/admissions/:id/observations',
    {
      config: { policy: [...CLINICIAN] },
      schema: {
        params: Id,
        body: Type.Object({
          _csrf: Opt(200),
          respirationRate: Opt(10),
          spo2: Opt(10),
          onOxygen: Opt(10),
          systolicBP: Opt(10),
          pulse: Opt(10),
          consciousness: Opt(5),
          temperature: Opt(10),
        }),
      },
    },
    async (request, reply) => {
      const actor = request.actor as Actor;
      const { _csrf, ...input } = request.body;
      try {
        await recordObservation(db, actor, request.params.id, input, { now: now(), source: 'form' });
      } catch (e) {
        if (!(e instanceof ValidationError)) throw e;
        reply.status(400);
        const errors = errorItems(e);
        return reply.render(
          'virtual-wards/admission.njk',
          await renderAdmission(request, { values: input, errors, fieldErrors: fieldErrors(errors) }),
        );
      }
      return reply.redirect(`/virtual-wards/admissions/${request.params.id}?recorded=1#latest`, 303);
    },
  );

  // The monitoring plan form (same rules as POST /api/virtual-wards/admissions/{id}/plan), works without JavaScript.
  app.post(
    '/virtual-wards/admissions/:id/plan',
    {
      config: { policy: [...CLINICIAN] },
      schema: {
        params: Id,
        body: Type.Object({
          _csrf: Opt(200),
          obsEveryHours: Opt(10),
          visitsPerDay: Opt(10),
          observations: PlanObservationsIn,
          observationsShown: Opt(5),
        }),
      },
    },
    async (request, reply) => {
      const actor = request.actor as Actor;
      const { _csrf, ...input } = request.body;
      try {
        await changePlan(
          db,
          actor,
          request.params.id,
          withTicked({ ...input, obsEveryHours: input.obsEveryHours ?? '', visitsPerDay: input.visitsPerDay ?? '' }),
          now(),
        );
      } catch (e) {
        if (!(e instanceof ValidationError)) throw e;
        reply.status(400);
        const errors = errorItems(e);
        return reply.render(
          'virtual-wards/admission.njk',
          await renderAdmission(request, {
            planValues: { ...input, observations: [input.observations ?? []].flat() },
            errors,
            fieldErrors: fieldErrors(errors),
          }),
        );
      }
      return reply.redirect(`/virtual-wards/admissions/${request.params.id}?planned=1`, 303);
    },
  );

  app.post(
    '/virtual-wards/admissions/:id/discharge',
    {
      config: { policy: [...CLINICIAN] },
      schema: { params: Id, body: Type.Object({ _csrf: Opt(200), outcome: Opt(30) }) },
    },
    async (request, reply) => {
      const actor = request.actor as Actor;
      try {
        await dischargePatient(db, actor, request.params.id, request.body, now());
      } catch (e) {
        if (!(e instanceof ValidationError)) throw e;
        reply.status(400);
        const errors = errorItems(e);
        return reply.render(
          'virtual-wards/admission.njk',
          await renderAdmission(request, { errors, fieldErrors: fieldErrors(errors) }),
        );
      }
      return reply.redirect(`/virtual-wards/admissions/${request.params.id}?discharged=1`, 303);
    },
  );

  // API -------------------------------------------------------------------------------------------------------
  const tags = ['virtual wards'];

  app.get(
    '/api/virtual-wards',
    {
      config: { policy: READERS },
      schema: {
        tags,
        summary: 'Virtual wards with capacity and occupancy now (no personal data)',
        response: { 200: Type.Array(WardOut) },
      },
    },
    async (request) => allWards(db, request.actor as Actor),
  );

  app.post(
    '/api/virtual-wards',
    {
      config: { policy: [...WARD_MANAGERS] },
      schema: { tags, summary: 'Create a virtual ward', body: WardBody, response: { 201: WardOut, 400: ErrorBody } },
    },
    async (request, reply) => {
      const ward = await createWard(db, request.actor as Actor, request.body);
      return reply.status(201).send({ ...ward, occupied: 0 });
    },
  );

  app.get(
    '/api/virtual-wards/capacity',
    {
      config: { policy: READERS },
      schema: {
        tags,
        summary: 'Capacity by borough against the national ambition of 40 to 50 beds per 100,000 people',
        response: {
          200: Type.Object({
            ambitionPer100k: Type.Object({ low: Type.Number(), high: Type.Number() }),
            boroughs: Type.Array(
              Type.Object({
                borough: Type.String(),
                wards: Type.Integer(),
                capacity: Type.Integer(),
                occupied: Type.Integer(),
                population: Type.Union([Type.Integer(), Type.Null()]),
                bedsPer100k: Type.Union([Type.Number(), Type.Null()]),
                childrensWard: Type.Boolean(),
              }),
            ),
          }),
        },
      },
    },
    async (request) => {
      const actor = request.actor as Actor;
      return {
        ambitionPer100k: NATIONAL_AMBITION_PER_100K,
        boroughs: await capacityByBorough(db, actor, await populations(actor.systemId)),
      };
    },
  );

  const Shown = Type.Union([Type.Integer(), Type.Null()]);
  const Counts = Type.Object({ discharges: Shown, bedDays: Shown });
  const ByOutcome = Type.Object(Object.fromEntries(Object.keys(DISCHARGE_OUTCOMES).map((k) => [k, Counts])));
  app.get(
    '/api/virtual-wards/outcomes',
    {
      config: { policy: READERS },
      schema: {
        tags,
        summary: 'Bed days at home and discharge outcomes by ward (counts only, no personal data)',
        description:
          'For monitoring and finance: stays that ended between `from` and `to` (London dates, inclusive; by ' +
          'default the 365 days to today), per ward, with discharges and bed days by outcome (' +
          `${Object.entries(DISCHARGE_OUTCOMES)
            .map(([k, v]) => `\`${k}\`: ${v}`)
            .join('; ')}). A bed day at home is a day of the stay in place of a hospital bed. Disclosure ` +
          'control as in the outcomes framework: discharges of 1 to `minimumCount` − 1 (1 to 4) people are `null`, ' +
          'and so is one more cell of a ward, an outcome or the totals where a single hidden cell could be worked ' +
          'out by subtraction; bed days are hidden with their discharges.',
        querystring: Type.Object({ from: Opt(10), to: Opt(10) }),
        response: {
          200: Type.Object({
            from: Type.String(),
            to: Type.String(),
            minimumCount: Type.Integer(),
            suppressed: Type.Array(
              Type.Object({
                cell: Type.String({ description: "'ward-id.outcome', 'ward-id.all', 'all.outcome' or 'all.all'" }),
                reason: Type.Union([Type.Literal('fewer-than-minimum'), Type.Literal('secondary')]),
              }),
            ),
            wards: Type.Array(
              Type.Object({
                wardId: Type.String(),
                wardName: Type.String(),
                borough: Type.String(),
                pathway: Type.String(),
                discharges: Shown,
                bedDays: Shown,
                outcomes: ByOutcome,
              }),
            ),
            total: Type.Object({
              discharges: Shown,
              bedDays: Shown,
              outcomes: Type.Object(Object.fromEntries(Object.keys(DISCHARGE_OUTCOMES).map((k) => [k, Shown]))),
            }),
          }),
          400: ErrorBody,
        },
      },
    },
    async (request) => dischargeOutcomes(db, request.actor as Actor, request.query, now()),
  );

  app.post(
    '/api/virtual-wards/news2',
    {
      config: { policy: [...WARD_STAFF, ...WARD_MANAGERS] },
      schema: {
        tags,
        summary: 'Score a set of observations with NEWS2 (RCP 2017) without storing them',
        description:
          'For device gateways and checks. Impossible values are refused naming the field; a missing parameter ' +
          'is listed in `missing`, `score` is then null and `risk` is the lowest the present parameters prove.',
        body: News2Body,
        response: { 200: News2Out, 400: ErrorBody },
      },
    },
    async (request) => {
      const { observation, errors } = parseObservation(request.body as Record<string, unknown>);
      if (errors.length) throw new ValidationError(errors);
      return scoreNews2({ ...observation, spo2Scale: request.body.spo2Scale ?? 1 });
    },
  );

  app.post(
    '/api/virtual-wards/:id/admissions',
    {
      config: { policy: [...CLINICIAN] },
      schema: {
        tags,
        summary: 'Admit a person to a virtual ward (refused when full unless overCapacityReason is given)',
        params: Id,
        body: AdmissionBody,
        response: { 201: AdmitOut, 400: ErrorBody, 404: ErrorBody, 409: ErrorBody },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await admitPatient(db, request.actor as Actor, request.params.id, request.body, now())),
  );

  app.get(
    '/api/virtual-wards/admissions/:id',
    {
      config: { policy: STAFF },
      schema: { tags, summary: 'One admission with its observations and escalations (audited)', params: Id },
    },
    async (request) => admissionDetail(db, request.actor as Actor, request.params.id, now()),
  );

  app.post(
    '/api/virtual-wards/admissions/:id/observations',
    {
      config: { policy: [...CLINICIAN] },
      schema: {
        tags,
        summary: 'Record observations; returns the early warning score and any escalation raised',
        description:
          'Scored and escalated in the same transaction. Send an Idempotency-Key so a device retry stores one ' +
          'observation.',
        params: Id,
        headers: Type.Object({ 'idempotency-key': Type.Optional(Type.String({ maxLength: 200 })) }),
        body: ObservationBody,
        response: { 201: ObservationOut, 200: ObservationOut, 400: ErrorBody, 404: ErrorBody, 409: ErrorBody },
      },
    },
    async (request, reply) => {
      const body = request.body as Record<string, unknown>;
      const input = { ...body, pulse: body.pulse ?? body.heartRate };
      const result = await recordObservation(db, request.actor as Actor, request.params.id, input, {
        now: now(),
        source: 'device',
        idempotencyKey: request.headers['idempotency-key'],
      });
      const { replayed, ...out } = result;
      return reply.status(replayed ? 200 : 201).send(out);
    },
  );

  app.post(
    '/api/virtual-wards/admissions/:id/discharge',
    {
      config: { policy: [...CLINICIAN] },
      schema: {
        tags,
        summary: 'Discharge with the outcome; returns the length of stay in bed days',
        params: Id,
        body: Type.Object({ outcome: S(30) }),
        response: { 200: Type.Object({ bedDays: Type.Integer() }), 400: ErrorBody, 404: ErrorBody, 409: ErrorBody },
      },
    },
    async (request) => dischargePatient(db, request.actor as Actor, request.params.id, request.body, now()),
  );

  app.post(
    '/api/virtual-wards/admissions/:id/plan',
    {
      config: { policy: [...CLINICIAN] },
      schema: {
        tags,
        summary: 'Change the monitoring plan; the daily visits on the scheduling board are updated with it',
        description:
          'Visits are booked for today (slots still ahead) and the next 6 days, between 08:00 and 20:00 London ' +
          "time, on the board of the ward provider's team, with the reference VW- and the first 8 characters " +
          'of the admission id. Visits no longer wanted are cancelled in the same transaction.',
        params: Id,
        body: Type.Object({
          obsEveryHours: Type.Optional(Type.Union([Type.Integer({ minimum: 0, maximum: 1000 }), S(10)])),
          visitsPerDay: Type.Optional(Type.Union([Type.Integer({ minimum: 0, maximum: 100 }), S(5)])),
          observations: PlanObservationsIn,
        }),
        response: {
          200: Type.Object({
            obsEveryHours: Type.Integer(),
            visitsPerDay: Type.Integer(),
            observations: Type.Array(Type.String()),
            booked: Type.Integer(),
            cancelled: Type.Integer(),
          }),
          400: ErrorBody,
          404: ErrorBody,
          409: ErrorBody,
        },
      },
    },
    async (request) => changePlan(db, request.actor as Actor, request.params.id, request.body, now()),
  );

  app.get(
    '/api/virtual-wards/escalations',
    {
      config: { policy: STAFF },
      schema: {
        tags,
        summary: 'Open escalations of your patients, soonest due first',
        response: { 200: Type.Array(EscalationOut) },
      },
    },
    async (request) =>
      (await escalationWorklist(db, request.actor as Actor, now())).map((e) => ({
        id: e.id,
        admissionId: e.admissionId,
        wardId: e.wardId,
        patientName: e.patientName,
        nhsNumber: e.nhsNumber,
        kind: e.kind,
        risk: e.risk,
        raisedAt: e.raisedAt.toISOString(),
        dueAt: e.dueAt.toISOString(),
        overdue: e.overdue,
        status: e.status,
        claimedBy: e.claimedByName,
        responseRequired: e.responseRequired,
      })),
  );

  app.post(
    '/api/virtual-wards/escalations/:id/claim',
    { config: { policy: [...CLINICIAN] }, schema: { tags, summary: 'Claim an escalation', params: Id } },
    async (request, reply) => {
      await claimEscalation(db, request.actor as Actor, request.params.id, now());
      return reply.status(204).send();
    },
  );

  app.post(
    '/api/virtual-wards/escalations/:id/response',
    {
      config: { policy: [...CLINICIAN] },
      schema: {
        tags,
        summary: 'Record the response to an escalation and its outcome',
        params: Id,
        body: Type.Object({ response: S(2100), outcome: S(50) }),
      },
    },
    async (request, reply) => {
      await respondToEscalation(db, request.actor as Actor, request.params.id, request.body, now());
      return reply.status(204).send();
    },
  );
}

function readingFor(readings: Record<string, unknown>, parameter: string): string {
  if (parameter === 'airOrOxygen' || parameter === 'oxygen')
    return readings.onOxygen === undefined || readings.onOxygen === null ? '' : readings.onOxygen ? 'O2' : 'Air';
  const key = parameter === 'heartRate' ? 'pulse' : parameter;
  return formText(readings[key]);
}
