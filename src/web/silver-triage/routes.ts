// Silver triage on the web: the call log with the form a senior clinician fills in while the crew waits (with
// what urgent community response and the virtual wards can take now), a call's page with its correction form,
// the week's rota with its gaps, the figures with a chart and table, and the JSON API for the ambulance service.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { AppDeps } from '../../app.ts';
import {
  CALL_OUTCOMES,
  type CallRow,
  correctCall,
  FIGURE_READERS,
  figures,
  getCall,
  listCalls,
  liveCapacity,
  logCall,
  rotaWeek,
  TRIAGE_CLINICIANS,
} from '../../modules/silvertriage/index.ts';
import type { Actor } from '../../platform/auth/roles.ts';
import { ValidationError } from '../../platform/errors.ts';
import { fromLondon, londonDateTime } from '../../platform/london-time.ts';
import { ErrorBody } from '../api-schemas.ts';
import { errorItems, fieldErrors, pageLinks } from '../forms.ts';
import type { Navigation } from '../nav.ts';

const Opt = (max = 200) => Type.Optional(Type.String({ maxLength: max }));
const CallBody = Type.Object({
  crew: Opt(100),
  callSign: Opt(30),
  incidentNumber: Opt(30),
  nhsNumber: Opt(20),
  givenName: Opt(100),
  familyName: Opt(100),
  birthDate: Opt(20),
  age: Type.Optional(Type.Union([Type.Integer({ minimum: -1, maximum: 1000 }), Type.String({ maxLength: 5 })])),
  postcode: Opt(10),
  calledAt: Opt(40),
  answeredAt: Opt(40),
  advice: Opt(2000),
  outcome: Opt(40),
});
const CallOut = Type.Object({
  id: Type.String(),
  incidentNumber: Type.String(),
  callSign: Type.String(),
  borough: Type.String(),
  age: Type.Integer(),
  calledAt: Type.String(),
  answeredAt: Type.Union([Type.String(), Type.Null()]),
  withinRota: Type.Boolean(),
  outcome: Type.Union([Type.String(), Type.Null()]),
  referralReference: Type.Union([Type.String(), Type.Null()]),
});
const callOut = (c: CallRow) => ({
  id: c.id,
  incidentNumber: c.incidentNumber,
  callSign: c.callSign,
  borough: c.borough,
  age: c.age,
  calledAt: c.calledAt.toISOString(),
  answeredAt: c.answeredAt?.toISOString() ?? null,
  withinRota: c.withinRota,
  outcome: c.outcome,
  referralReference: c.referralReference,
});

/** Monday 00:00 London time of the week containing `at`. */
function weekStart(at: Date): Date {
  const l = londonDateTime(at);
  const weekday = (new Date(Date.UTC(l.year, l.month - 1, l.day)).getUTCDay() + 6) % 7;
  const monday = londonDateTime(
    new Date(fromLondon({ ...l, hour: 12, minute: 0, second: 0, millisecond: 0 }).getTime() - weekday * 86_400_000),
  );
  return fromLondon({ ...monday, hour: 0, minute: 0, second: 0, millisecond: 0 });
}

export default async function silverTriageRoutes(
  appBase: FastifyInstance,
  { deps, navigation }: { deps: AppDeps; navigation: Navigation },
) {
  const app = appBase.withTypeProvider<TypeBoxTypeProvider>();
  const { db } = deps.database;
  const now = () => deps.clock.now();
  const CLIN = [...TRIAGE_CLINICIANS];
  const READERS = [...FIGURE_READERS];
  navigation.add({ href: '/silver-triage', text: 'Silver triage', roles: CLIN });
  navigation.add({ href: '/silver-triage/figures', text: 'Silver triage figures', roles: ['commissioner', 'analyst'] });

  const outcomeItems = (selected?: string) => [
    { value: '', text: 'Not decided yet' },
    ...Object.entries(CALL_OUTCOMES).map(([value, text]) => ({ value, text, selected: value === selected })),
  ];

  async function renderLog(actor: Actor, page: number, extra: Record<string, unknown> = {}) {
    const t = now();
    const calls = await listCalls(db, actor, t, { page });
    const rota = await rotaWeek(db, actor, weekStart(t), t);
    const borough = (extra.values as { borough?: string } | undefined)?.borough;
    const capacity = await Promise.all(
      ['Barnet', 'Camden', 'Enfield', 'Haringey', 'Islington'].map((b) => liveCapacity(db, actor, b, t)),
    );
    return {
      title: 'Silver triage',
      calls,
      links: pageLinks(calls, (p) => `/silver-triage?page=${p}`),
      onCallNow: rota.onCallNow,
      capacity,
      ucr: capacity[0]?.urgentResponse ?? null,
      outcomeLabels: CALL_OUTCOMES,
      outcomeItems: outcomeItems((extra.values as { outcome?: string } | undefined)?.outcome),
      values: { calledAt: t.toISOString().slice(0, 16) },
      borough,
      ...extra,
    };
  }

  app.get(
    '/silver-triage',
    {
      config: { policy: CLIN },
      schema: {
        querystring: Type.Object({ page: Type.Optional(Type.Integer({ minimum: 1, maximum: 10000 })), logged: Opt(5) }),
      },
    },
    async (request, reply) =>
      reply.render(
        'silver-triage/index.njk',
        await renderLog(request.actor as Actor, request.query.page ?? 1, { logged: request.query.logged }),
      ),
  );

  app.post(
    '/silver-triage/calls',
    { config: { policy: CLIN }, schema: { body: Type.Object({ ...CallBody.properties, _csrf: Opt(200) }) } },
    async (request, reply) => {
      const actor = request.actor as Actor;
      const { _csrf, ...input } = request.body;
      try {
        const r = await logCall(
          db,
          actor,
          { ...input, calledAt: input.calledAt ? new Date(`${input.calledAt}`).toISOString() : '' },
          now(),
        );
        return reply.redirect(`/silver-triage/calls/${r.callId}?logged=1`, 303);
      } catch (e) {
        if (!(e instanceof ValidationError)) throw e;
        reply.status(400);
        const errors = errorItems(e);
        return reply.render(
          'silver-triage/index.njk',
          await renderLog(actor, 1, { values: input, errors, fieldErrors: fieldErrors(errors) }),
        );
      }
    },
  );

  app.get(
    '/silver-triage/calls/:id',
    {
      config: { policy: CLIN },
      schema: {
        params: Type.Object({ id: Type.String({ maxLength: 100 }) }),
        querystring: Type.Object({ logged: Opt(5), corrected: Opt(5) }),
      },
    },
    async (request, reply) => {
      const call = await getCall(db, request.actor as Actor, request.params.id, now());
      return reply.render('silver-triage/call.njk', {
        title: `Call ${call.incidentNumber}`,
        call,
        flags: request.query,
        outcomeLabels: CALL_OUTCOMES,
        outcomeItems: outcomeItems(call.outcome ?? undefined),
        values: {},
      });
    },
  );

  app.post(
    '/silver-triage/calls/:id/correct',
    {
      config: { policy: CLIN },
      schema: {
        params: Type.Object({ id: Type.String({ maxLength: 100 }) }),
        body: Type.Object({ _csrf: Opt(200), outcome: Opt(40), advice: Opt(2000), correctionReason: Opt(1000) }),
      },
    },
    async (request, reply) => {
      const actor = request.actor as Actor;
      const { _csrf, ...input } = request.body;
      try {
        const r = await correctCall(db, actor, request.params.id, input, now());
        return reply.redirect(`/silver-triage/calls/${r.callId}?corrected=1`, 303);
      } catch (e) {
        if (!(e instanceof ValidationError)) throw e;
        reply.status(400);
        const call = await getCall(db, actor, request.params.id, now());
        const errors = errorItems(e);
        return reply.render('silver-triage/call.njk', {
          title: `Call ${call.incidentNumber}`,
          call,
          flags: {},
          outcomeLabels: CALL_OUTCOMES,
          outcomeItems: outcomeItems(input.outcome),
          values: input,
          errors,
          fieldErrors: fieldErrors(errors),
        });
      }
    },
  );

  app.get('/silver-triage/rota', { config: { policy: READERS } }, async (request, reply) => {
    const t = now();
    const rota = await rotaWeek(db, request.actor as Actor, weekStart(t), t);
    return reply.render('silver-triage/rota.njk', { title: 'Silver triage rota', rota });
  });

  app.get('/silver-triage/figures', { config: { policy: READERS } }, async (request, reply) => {
    const t = now();
    const rows = await figures(db, request.actor as Actor, new Date(t.getTime() - 365 * 86_400_000), t);
    return reply.render('silver-triage/figures.njk', {
      title: 'Silver triage figures',
      rows,
      all: rows.filter((r) => r.borough === 'All'),
    });
  });

  // API -------------------------------------------------------------------------------------------------------
  const tags = ['silver triage'];
  app.get(
    '/api/silver-triage/calls',
    {
      config: { policy: CLIN },
      schema: {
        tags,
        summary: 'Calls you may see, newest first (paged, audited)',
        querystring: Type.Object({ page: Type.Optional(Type.Integer({ minimum: 1, maximum: 10000 })) }),
        response: { 200: Type.Object({ total: Type.Integer(), page: Type.Integer(), calls: Type.Array(CallOut) }) },
      },
    },
    async (request) => {
      const r = await listCalls(db, request.actor as Actor, now(), { page: request.query.page ?? 1 });
      return { total: r.total, page: r.page, calls: r.rows.map(callOut) };
    },
  );
  app.post(
    '/api/silver-triage/calls',
    {
      config: { policy: CLIN },
      schema: {
        tags,
        summary: "Log a call from the ambulance service's system",
        description:
          'An outcome of referred-ucr or referred-virtual-ward creates the central point of access referral in the ' +
          'same transaction, urgent, its clock running from calledAt; it then needs the NHS number, name, date of ' +
          'birth and full postcode.',
        body: CallBody,
        response: {
          201: Type.Object({
            callId: Type.String(),
            referral: Type.Union([
              Type.Object({
                id: Type.String(),
                reference: Type.String(),
                firstContactDue: Type.Union([Type.String(), Type.Null()]),
              }),
              Type.Null(),
            ]),
          }),
          400: ErrorBody,
        },
      },
    },
    async (request, reply) => reply.status(201).send(await logCall(db, request.actor as Actor, request.body, now())),
  );
  app.get(
    '/api/silver-triage/rota',
    { config: { policy: READERS }, schema: { tags, summary: "This week's rota, its gaps and who is on call now" } },
    async (request) => {
      const t = now();
      const r = await rotaWeek(db, request.actor as Actor, weekStart(t), t);
      return {
        from: r.from.toISOString(),
        to: r.to.toISOString(),
        coveredHours: r.coveredHours,
        onCallNow: r.onCallNow?.clinicianName ?? null,
        slots: r.slots.map((s) => ({
          startsAt: s.startsAt.toISOString(),
          endsAt: s.endsAt.toISOString(),
          clinician: s.clinicianName,
        })),
        gaps: r.gaps.map((g) => ({ startsAt: g.startsAt.toISOString(), endsAt: g.endsAt.toISOString() })),
      };
    },
  );
  app.get(
    '/api/silver-triage/figures',
    {
      config: { policy: READERS },
      schema: {
        tags,
        summary: 'Calls, time to answer, unanswered and avoided conveyance by borough and month (no personal data)',
      },
    },
    async (request) => {
      const t = now();
      return figures(db, request.actor as Actor, new Date(t.getTime() - 365 * 86_400_000), t);
    },
  );
}
