// Visit scheduling on the web: the coordinator's board for a team's day (timeline, tables, unassigned visits,
// late risks, figures), adding a visit and seeing where it went, locking a visit to a clinician, re-planning
// (POST then redirect, no JavaScript needed), a clinician's own printable day, and the JSON API.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { AppDeps } from '../../app.ts';
import {
  addVisit,
  type BoardRoute,
  clinicianDay,
  DAY_READERS,
  type DayView,
  defaultDay,
  getDayPlan,
  lastChange,
  lockVisit,
  londonToday,
  minutesToClock,
  myClinicians,
  NCL_DISTRICTS,
  PRIORITY_LABELS,
  replanDay,
  SCHEDULERS,
  SKILL_LABELS,
  SKILLS,
  VISIT_PRIORITIES,
  type VisitRow,
  visitsToday,
} from '../../modules/scheduling/index.ts';
import type { Actor } from '../../platform/auth/roles.ts';
import { NotFoundError, ValidationError } from '../../platform/errors.ts';
import { londonDateTime } from '../../platform/london-time.ts';
import { ErrorBody } from '../api-schemas.ts';
import { errorItems } from '../forms.ts';
import type { Navigation } from '../nav.ts';
import { PRIORITY_COLOURS, timelineSvg } from './timeline.ts';

const Str = () => Type.String();
const DayParam = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'YYYY-MM-DD' });
const Figures = Type.Object({
  clinicians: Type.Integer(),
  shiftMinutes: Type.Number(),
  visits: Type.Integer(),
  assigned: Type.Integer(),
  unassigned: Type.Integer(),
  visitsPerShift: Type.Number({ description: 'Planned visits per rostered clinician shift' }),
  urgentTotal: Type.Integer(),
  urgentMet: Type.Integer({ description: '2-hour responses planned to start inside their window' }),
  travelMinutes: Type.Number(),
  travelShare: Type.Number({ description: 'Travel time as a share of rostered shift time (0–1)' }),
  distanceKm: Type.Number(),
  lateRisk: Type.Integer({ description: 'Planned visits starting within 15 minutes of the end of their window' }),
});
const VisitOut = Type.Object({
  id: Str(),
  patientRef: Str(),
  postcodeDistrict: Str(),
  lat: Type.Number(),
  lon: Type.Number(),
  priority: Str(),
  windowStart: Str(),
  windowEnd: Str(),
  durationMinutes: Type.Integer(),
  skills: Type.Array(Str()),
  lockedClinicianId: Type.Union([Str(), Type.Null()]),
  source: Str(),
});
const PlannedOut = Type.Object({
  sequence: Type.Integer(),
  visit: VisitOut,
  travelMinutes: Type.Integer(),
  arrival: Str(),
  start: Str(),
  end: Str(),
  lateRisk: Type.Boolean(),
});
const RouteOut = Type.Object({
  clinician: Type.Object({ id: Str(), name: Str(), skills: Type.Array(Str()), base: Str() }),
  shift: Type.Object({ start: Str(), end: Str() }),
  travelMinutes: Type.Integer(),
  visits: Type.Array(PlannedOut),
});
const PlanOut = Type.Object({
  team: Type.Object({ id: Str(), name: Str() }),
  day: Str(),
  plan: Type.Union([
    Type.Object({
      id: Str(),
      kind: Str(),
      createdAt: Str(),
      createdBy: Type.Union([Str(), Type.Null()]),
      feasible: Type.Boolean(),
    }),
    Type.Null(),
  ]),
  figures: Type.Union([Figures, Type.Null()]),
  routes: Type.Array(RouteOut),
  unassigned: Type.Array(VisitOut),
});
const Placement = Type.Union([
  Type.Object({ clinicianId: Str(), clinicianName: Str(), sequence: Type.Integer(), plannedStart: Str() }),
  Type.Null(),
]);
const ChangeOut = Type.Object({
  visit: VisitOut,
  placement: Placement,
  moved: Type.Array(Str(), { description: 'Other visits that changed clinician to make room' }),
  planId: Str(),
  figures: Figures,
});
const VisitBody = Type.Object(
  {
    day: Type.Optional(Type.String({ description: 'YYYY-MM-DD' })),
    teamId: Type.Optional(Type.String({ maxLength: 100 })),
    patientRef: Type.Optional(
      Type.String({ maxLength: 100, description: 'Initials or an opaque reference; never a name' }),
    ),
    postcodeDistrict: Type.Optional(Type.String({ maxLength: 20, description: 'NCL postcode district, e.g. N19' })),
    lat: Type.Optional(Type.Number({ description: 'With lon: the exact place (else the district centre)' })),
    lon: Type.Optional(Type.Number()),
    priority: Type.Optional(Type.String({ description: VISIT_PRIORITIES.join(', ') })),
    windowStart: Type.Optional(Type.String({ maxLength: 10, description: 'Earliest start, HH:MM' })),
    windowEnd: Type.Optional(
      Type.String({ maxLength: 10, description: 'Latest start, HH:MM; a 2-hour response defaults to 2 hours after' }),
    ),
    durationMinutes: Type.Optional(Type.Union([Type.Integer(), Type.String({ maxLength: 10 })])),
    skills: Type.Optional(Type.Array(Type.String({ maxLength: 50 }), { description: SKILLS.join(', ') })),
    lockedClinicianId: Type.Optional(Type.String({ maxLength: 100 })),
  },
  { description: 'A visit. Fields are checked all at once; each problem names its field.' },
);

const clock = (m: number) => minutesToClock(m);
function visitOut(v: VisitRow) {
  return {
    id: v.id,
    patientRef: v.patientRef,
    postcodeDistrict: v.postcodeDistrict,
    lat: v.lat,
    lon: v.lon,
    priority: v.priority,
    windowStart: clock(v.windowStart),
    windowEnd: clock(v.windowEnd),
    durationMinutes: v.duration,
    skills: v.skills,
    lockedClinicianId: v.lockedClinicianId,
    source: v.source,
  };
}
function routeOut(r: BoardRoute) {
  return {
    clinician: { id: r.clinician.id, name: r.clinician.name, skills: r.clinician.skills, base: r.clinician.baseName },
    shift: { start: clock(r.shift.startMinute), end: clock(r.shift.endMinute) },
    travelMinutes: r.travelMinutes,
    visits: r.items.map((it) => ({
      sequence: it.sequence,
      visit: visitOut(it.visit),
      travelMinutes: Math.round(it.arrival - it.travelFrom),
      arrival: clock(it.arrival),
      start: clock(it.start),
      end: clock(it.end),
      lateRisk: it.lateRisk,
    })),
  };
}
function planOut(v: DayView) {
  return {
    team: { id: v.team.id, name: v.team.name },
    day: v.day,
    plan: v.plan
      ? {
          id: v.plan.id,
          kind: v.plan.kind,
          createdAt: v.plan.createdAt,
          createdBy: v.plan.createdByName,
          feasible: v.feasible,
        }
      : null,
    figures: v.figures,
    routes: v.routes.map(routeOut),
    unassigned: v.unassigned.map(visitOut),
  };
}
function changeOut(r: Awaited<ReturnType<typeof addVisit>>) {
  return {
    visit: visitOut(r.visit),
    placement: r.placement && {
      clinicianId: r.placement.clinicianId,
      clinicianName: r.placement.clinicianName,
      sequence: r.placement.sequence,
      plannedStart: r.placement.plannedStartText,
    },
    moved: r.moved,
    planId: r.planId,
    figures: r.figures,
  };
}

/** Minutes since midnight, London time. */
function londonMinute(now: Date): number {
  const { hour, minute } = londonDateTime(now);
  return hour * 60 + minute;
}

const percent = (x: number) => `${Math.round(x * 100)}%`;
const longDay = (day: string) =>
  new Intl.DateTimeFormat('en-GB', { dateStyle: 'full', timeZone: 'UTC' }).format(new Date(`${day}T12:00:00Z`));

// Form fields → error summary anchors.
const FIELD_IDS: Record<string, string> = { lat: 'postcodeDistrict', lon: 'postcodeDistrict', day: 'patientRef' };
const toErrors = (e: ValidationError) => errorItems(e, (field) => FIELD_IDS[field] ?? field);

const FormBody = Type.Object({
  _csrf: Type.Optional(Type.String()),
  day: Type.Optional(Type.String({ maxLength: 20 })),
  teamId: Type.Optional(Type.String({ maxLength: 100 })),
  patientRef: Type.Optional(Type.String({ maxLength: 100 })),
  postcodeDistrict: Type.Optional(Type.String({ maxLength: 20 })),
  priority: Type.Optional(Type.String({ maxLength: 50 })),
  windowStart: Type.Optional(Type.String({ maxLength: 20 })),
  windowEnd: Type.Optional(Type.String({ maxLength: 20 })),
  durationMinutes: Type.Optional(Type.String({ maxLength: 20 })),
  skills: Type.Optional(Type.Array(Type.String({ maxLength: 50 }))),
});

export default async function schedulingRoutes(
  appBase: FastifyInstance,
  { deps, navigation }: { deps: AppDeps; navigation: Navigation },
) {
  const app = appBase.withTypeProvider<TypeBoxTypeProvider>();
  const { db } = deps.database;
  const COORD = [...SCHEDULERS];
  const READERS = [...DAY_READERS];

  navigation.add({ href: '/scheduling', text: 'Visit planning', roles: COORD });
  navigation.add({ href: '/scheduling/my-day', text: 'My visits', roles: ['clinician'] });
  navigation.addTasks(['clinician'], async (actor) => [
    {
      count: await visitsToday(db, actor, deps.clock.now()),
      one: 'visit planned for you today',
      many: 'visits planned for you today',
      href: '/scheduling/my-day',
    },
  ]);

  // Pages -------------------------------------------------------------------------------------------------
  const boardHref = (day: string, teamId: string, extra: Record<string, string> = {}) =>
    `/scheduling?${new URLSearchParams({ day, team: teamId, ...extra })}`;

  async function renderBoard(
    request: FastifyRequest,
    reply: FastifyReply,
    q: { day: string; team?: string },
    extra: Record<string, unknown> = {},
  ) {
    const actor = request.actor as Actor;
    const now = deps.clock.now();
    const view = await getDayPlan(db, actor, { day: q.day, teamId: q.team }, { requestId: request.id });
    const allVisits = [
      ...view.routes.flatMap((r) => r.items.map((it) => ({ v: it.visit, on: r.clinician.name }))),
      ...view.unassigned.map((v) => ({ v, on: null as string | null })),
    ];
    const clinicianItems = view.routes.map((r) => ({
      value: r.clinician.id,
      text: `${r.clinician.name} (${r.clinician.skills.map((s) => SKILL_LABELS[s as keyof typeof SKILL_LABELS] ?? s).join(', ')})`,
    }));
    const nameOf = new Map(view.routes.map((r) => [r.clinician.id, r.clinician.name]));
    const shift = (n: number) =>
      new Date(Date.parse(`${view.day}T12:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
    return reply.render('scheduling/board.njk', {
      title: 'Visit planning',
      view,
      previousDay: { href: boardHref(shift(-1), view.team.id), text: longDay(shift(-1)) },
      nextDay: { href: boardHref(shift(1), view.team.id), text: longDay(shift(1)) },
      dayText: longDay(view.day),
      svg: view.routes.length
        ? timelineSvg(view.routes, {
            id: 'timeline',
            title: `Visits by clinician, ${longDay(view.day)}`,
            now: view.day === londonToday(now) ? londonMinute(now) : undefined,
          })
        : '',
      figures: view.figures && {
        ...view.figures,
        travelShareText: percent(view.figures.travelShare),
      },
      clock,
      priorityLabels: PRIORITY_LABELS,
      priorityColours: PRIORITY_COLOURS,
      skillLabels: SKILL_LABELS,
      nameOf: Object.fromEntries(nameOf),
      districtItems: [
        { value: '', text: 'Select a district' },
        ...NCL_DISTRICTS.map((d) => ({ value: d.district, text: `${d.district} – ${d.place} (${d.borough})` })),
      ],
      priorityItems: VISIT_PRIORITIES.map((p) => ({ value: p, text: PRIORITY_LABELS[p] })),
      skillItems: SKILLS.map((s) => ({ value: s, text: SKILL_LABELS[s] })),
      clinicianItems,
      lockVisitItems: [
        { value: '', text: 'Select a visit' },
        ...allVisits
          .sort((a, b) => a.v.windowStart - b.v.windowStart || a.v.patientRef.localeCompare(b.v.patientRef))
          .map(({ v, on }) => ({
            value: v.id,
            text: `${v.patientRef}, ${v.postcodeDistrict}, ${clock(v.windowStart)}–${clock(v.windowEnd)}${on ? `, now with ${on}` : ', not planned'}${v.lockedClinicianId ? ' (locked)' : ''}`,
          })),
      ],
      values: {},
      lockValues: {},
      ...extra,
      // Only the fields at fault show an error (the first message for each).
      fieldErrors: Object.fromEntries(
        ((extra.errors as { text: string; href: string }[] | undefined) ?? [])
          .toReversed()
          .map((e) => [e.href.slice(1), e.text]),
      ),
    });
  }

  const BoardQuery = Type.Object({
    day: Type.Optional(DayParam),
    team: Type.Optional(Type.String({ maxLength: 100 })),
    added: Type.Optional(Type.String({ maxLength: 100 })),
    moved: Type.Optional(Type.Integer({ minimum: 0 })),
    locked: Type.Optional(Type.String({ maxLength: 100 })),
    replanned: Type.Optional(Type.String({ maxLength: 10 })),
    seconds: Type.Optional(Type.Number({ minimum: 0 })),
  });

  app.get('/scheduling', { config: { policy: COORD }, schema: { querystring: BoardQuery } }, async (request, reply) => {
    const q = request.query;
    const day = q.day ?? (await defaultDay(db, request.actor as Actor, q.team, deps.clock.now()));
    const notice: { title: string; text: string; success: boolean } | null = await (async () => {
      if (!q.added && !q.locked && !q.replanned) return null;
      const view = await getDayPlan(db, request.actor as Actor, { day, teamId: q.team }, { requestId: request.id });
      const where = (id: string) => {
        for (const r of view.routes) {
          const it = r.items.find((i) => i.visit.id === id);
          if (it) return { it, name: r.clinician.name };
        }
        return null;
      };
      // Name the visits that moved (from the plan before), so the coordinator can tell the clinicians.
      const change = await lastChange(db, request.actor as Actor, { day, teamId: q.team });
      const others = (change?.moved ?? []).filter((m) => m.visitId !== (q.added ?? q.locked));
      const list = others
        .slice(0, 5)
        .map((m) =>
          m.to === 'not planned'
            ? `${m.patientRef} (taken off ${m.from}’s day, now not planned)`
            : `${m.patientRef} (${m.from} to ${m.to})`,
        )
        .join(', ');
      const more = others.length > 5 ? ` and ${others.length - 5} more` : '';
      const movedText =
        q.moved === undefined
          ? ''
          : others.length === 0
            ? ' No other visit changed clinician.'
            : ` ${others.length} other ${others.length === 1 ? 'visit' : 'visits'} changed clinician to make room: ${list}${more}.`;
      if (q.added) {
        const w = where(q.added);
        const ref = w?.it.visit.patientRef ?? view.unassigned.find((v) => v.id === q.added)?.patientRef ?? 'The visit';
        return {
          title: 'Visit added',
          success: !!w,
          text: w
            ? `${ref} is planned with ${w.name} as visit ${w.it.sequence}, starting at ${clock(w.it.start)}.${movedText}`
            : `${ref} is saved but not planned: no clinician with the skills can fit it inside its window without moving other visits. It is listed under unassigned visits. Re-plan the day to let the planner move visits, or lock it to a clinician.`,
        };
      }
      if (q.locked) {
        const w = where(q.locked);
        return {
          title: 'Visit locked',
          success: !!w,
          text: w
            ? `${w.it.visit.patientRef} is locked to ${w.name}, as visit ${w.it.sequence} at ${clock(w.it.start)}.${movedText}`
            : 'The lock is saved, but the visit does not fit in that clinician’s day. It is listed under unassigned visits.',
        };
      }
      return {
        title: 'Day re-planned',
        success: true,
        text: `The planner ran for ${q.seconds ?? 0} seconds.${others.length === 0 ? ' No visit changed clinician.' : ` ${others.length} ${others.length === 1 ? 'visit' : 'visits'} changed clinician: ${list}${more}.`}`,
      };
    })();
    const today = londonToday(deps.clock.now());
    return renderBoard(
      request,
      reply,
      { day, team: q.team },
      { notice, notToday: !q.day && day !== today ? longDay(today) : null },
    );
  });

  app.post('/scheduling/visits', { config: { policy: COORD }, schema: { body: FormBody } }, async (request, reply) => {
    const b = request.body;
    const day = /^\d{4}-\d{2}-\d{2}$/.test(b.day ?? '')
      ? (b.day as string)
      : await defaultDay(db, request.actor as Actor, b.teamId, deps.clock.now());
    try {
      const result = await addVisit(
        db,
        request.actor as Actor,
        { ...b, day, skills: b.skills ?? [] },
        { requestId: request.id },
      );
      return reply.redirect(
        boardHref(day, result.visit.teamId, { added: result.visit.id, moved: String(result.moved.length) }) + '#result',
        303,
      );
    } catch (e) {
      if (!(e instanceof ValidationError)) throw e;
      reply.status(400);
      return renderBoard(request, reply, { day, team: b.teamId }, { errors: toErrors(e), values: b });
    }
  });

  app.post(
    '/scheduling/visits/:id/lock',
    {
      config: { policy: COORD },
      schema: {
        params: Type.Object({ id: Type.String({ maxLength: 100 }) }),
        body: Type.Object({
          _csrf: Type.Optional(Type.String()),
          clinicianId: Type.Optional(Type.String({ maxLength: 100 })),
          day: Type.Optional(Type.String({ maxLength: 20 })),
          teamId: Type.Optional(Type.String({ maxLength: 100 })),
        }),
      },
    },
    async (request, reply) => lockFromForm(request, reply, request.params.id, request.body),
  );

  // The board's lock form names the visit in a field (one form for all visits).
  app.post(
    '/scheduling/lock',
    {
      config: { policy: COORD },
      schema: {
        body: Type.Object({
          _csrf: Type.Optional(Type.String()),
          visitId: Type.Optional(Type.String({ maxLength: 100 })),
          clinicianId: Type.Optional(Type.String({ maxLength: 100 })),
          day: Type.Optional(Type.String({ maxLength: 20 })),
          teamId: Type.Optional(Type.String({ maxLength: 100 })),
        }),
      },
    },
    async (request, reply) => lockFromForm(request, reply, request.body.visitId ?? '', request.body),
  );

  async function lockFromForm(
    request: FastifyRequest,
    reply: FastifyReply,
    visitId: string,
    b: { clinicianId?: string; day?: string; teamId?: string },
  ) {
    const actor = request.actor as Actor;
    const day = /^\d{4}-\d{2}-\d{2}$/.test(b.day ?? '')
      ? (b.day as string)
      : await defaultDay(db, actor, b.teamId, deps.clock.now());
    const errors: { text: string; href: string }[] = [];
    if (!visitId) errors.push({ text: 'Select the visit to lock', href: '#visitId' });
    if (b.clinicianId === undefined) errors.push({ text: 'Select a clinician, or no lock', href: '#clinicianId' });
    if (!errors.length) {
      try {
        const r = await lockVisit(db, actor, visitId, b.clinicianId || null, { requestId: request.id });
        return reply.redirect(
          boardHref(r.visit.day, r.visit.teamId, { locked: r.visit.id, moved: String(r.moved.length) }) + '#result',
          303,
        );
      } catch (e) {
        if (e instanceof NotFoundError) errors.push({ text: 'Select a visit from the list', href: '#visitId' });
        else if (e instanceof ValidationError) errors.push(...toErrors(e));
        else throw e;
      }
    }
    reply.status(400);
    return renderBoard(
      request,
      reply,
      { day, team: b.teamId },
      { errors, lockValues: { visitId, clinicianId: b.clinicianId } },
    );
  }

  app.post(
    '/scheduling/replan',
    {
      config: { policy: COORD },
      schema: {
        body: Type.Object({
          _csrf: Type.Optional(Type.String()),
          day: Type.Optional(DayParam),
          teamId: Type.Optional(Type.String({ maxLength: 100 })),
        }),
      },
    },
    async (request, reply) => {
      const actor = request.actor as Actor;
      const day = request.body.day ?? (await defaultDay(db, actor, request.body.teamId, deps.clock.now()));
      const r = await replanDay(db, actor, { day, teamId: request.body.teamId }, { requestId: request.id });
      const view = await getDayPlan(db, actor, { day, teamId: request.body.teamId }, { requestId: request.id });
      return reply.redirect(
        boardHref(day, view.team.id, {
          replanned: '1',
          moved: String(r.moved),
          seconds: String(Math.round(r.elapsedMs / 100) / 10),
        }) + '#result',
        303,
      );
    },
  );

  app.get('/scheduling/my-day', { config: { policy: ['clinician'] } }, async (request, reply) => {
    const mine = await myClinicians(db, request.actor as Actor);
    if (mine.length) return reply.redirect(`/scheduling/clinicians/${encodeURIComponent(mine[0].id)}`, 303);
    return reply.render('scheduling/no-day.njk', { title: 'My visits' });
  });

  app.get(
    '/scheduling/clinicians/:id',
    {
      config: { policy: READERS },
      schema: {
        params: Type.Object({ id: Type.String({ maxLength: 100 }) }),
        querystring: Type.Object({ day: Type.Optional(DayParam) }),
      },
    },
    async (request, reply) => {
      const actor = request.actor as Actor;
      const d = await clinicianDay(db, actor, request.params.id, request.query.day, deps.clock.now(), {
        requestId: request.id,
      });
      return reply.render('scheduling/clinician.njk', {
        title: `${d.clinician.name}: visits`,
        d,
        dayText: longDay(d.day),
        clock,
        priorityLabels: PRIORITY_LABELS,
        skillLabels: SKILL_LABELS,
        backHref:
          actor.role === 'coordinator' ? `/scheduling?${new URLSearchParams({ day: d.day, team: d.team.id })}` : null,
      });
    },
  );

  // JSON API ----------------------------------------------------------------------------------------------
  const TeamQuery = Type.Object({
    team: Type.Optional(Type.String({ maxLength: 100, description: 'Team id; default: your first team' })),
  });

  app.get(
    '/api/scheduling/plans/:day',
    {
      config: { policy: COORD },
      schema: {
        tags: ['scheduling'],
        summary: "A team's day: each clinician's route, unassigned visits, late risks and the plan's figures",
        params: Type.Object({ day: DayParam }),
        querystring: TeamQuery,
        response: { 200: PlanOut, 400: ErrorBody, 404: ErrorBody },
      },
    },
    async (request) =>
      planOut(
        await getDayPlan(
          db,
          request.actor as Actor,
          { day: request.params.day, teamId: request.query.team },
          { requestId: request.id },
        ),
      ),
  );

  app.post(
    '/api/scheduling/visits',
    {
      config: { policy: COORD },
      schema: {
        tags: ['scheduling'],
        summary: "Add a visit and insert it into the day's plan, keeping other visits with their clinicians",
        description:
          'The visit goes where it costs least without moving anyone else; only when it fits nowhere is the day ' +
          'repaired with a preference for the current plan. `placement` is null when it cannot be planned.',
        body: VisitBody,
        response: { 201: ChangeOut, 400: ErrorBody, 404: ErrorBody },
      },
    },
    async (request, reply) => {
      const b = request.body;
      const result = await addVisit(
        db,
        request.actor as Actor,
        { ...b, durationMinutes: b.durationMinutes, day: b.day },
        { requestId: request.id },
      );
      return reply.status(201).send(changeOut(result));
    },
  );

  app.post(
    '/api/scheduling/visits/:id/lock',
    {
      config: { policy: COORD },
      schema: {
        tags: ['scheduling'],
        summary: 'Lock a visit to a clinician (null unlocks); every later plan honours it',
        params: Type.Object({ id: Type.String({ maxLength: 100 }) }),
        body: Type.Object({ clinicianId: Type.Union([Type.String({ maxLength: 100 }), Type.Null()]) }),
        response: { 200: ChangeOut, 400: ErrorBody, 404: ErrorBody },
      },
    },
    async (request) =>
      changeOut(
        await lockVisit(db, request.actor as Actor, request.params.id, request.body.clinicianId, {
          requestId: request.id,
        }),
      ),
  );

  app.post(
    '/api/scheduling/plans/:day/replan',
    {
      config: { policy: COORD },
      // No body at all means the defaults.
      preValidation: async (request) => {
        if (request.body === undefined || request.body === null) request.body = {};
      },
      schema: {
        tags: ['scheduling'],
        summary: 'Re-plan the day in a worker thread, preferring to keep each visit with its clinician',
        params: Type.Object({ day: DayParam }),
        querystring: TeamQuery,
        body: Type.Object(
          { timeLimitMs: Type.Optional(Type.Integer({ minimum: 100, maximum: 10000, description: 'Default 3000' })) },
          { description: 'Optional; an empty request body is fine' },
        ),
        response: {
          200: Type.Object({
            planId: Str(),
            before: Type.Union([Figures, Type.Null()]),
            after: Figures,
            moved: Type.Integer(),
            elapsedMs: Type.Integer(),
            iterations: Type.Integer(),
          }),
          400: ErrorBody,
          404: ErrorBody,
        },
      },
    },
    async (request) =>
      replanDay(
        db,
        request.actor as Actor,
        { day: request.params.day, teamId: request.query.team, timeLimitMs: request.body.timeLimitMs },
        { requestId: request.id },
      ),
  );

  app.get(
    '/api/scheduling/clinicians/:id/day/:day',
    {
      config: { policy: READERS },
      schema: {
        tags: ['scheduling'],
        summary: "A clinician's day in visiting order (clinicians see only their own)",
        params: Type.Object({ id: Type.String({ maxLength: 100 }), day: DayParam }),
        response: {
          200: Type.Object({
            day: Str(),
            team: Type.Object({ id: Str(), name: Str() }),
            route: Type.Union([RouteOut, Type.Null()]),
          }),
          400: ErrorBody,
          404: ErrorBody,
        },
      },
    },
    async (request) => {
      const d = await clinicianDay(
        db,
        request.actor as Actor,
        request.params.id,
        request.params.day,
        deps.clock.now(),
        {
          requestId: request.id,
        },
      );
      return { day: d.day, team: { id: d.team.id, name: d.team.name }, route: d.route && routeOut(d.route) };
    },
  );
}
