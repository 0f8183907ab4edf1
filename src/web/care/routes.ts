// Care coordination on the web: the JSON API under /api/care and the pages for case managers and care teams
// (caseload home, allocation worklist, a person's care record, the holistic assessment form, the care plan,
// MDT meetings, transitions). Routes are thin: each reads the clock once and calls the care module.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { AppDeps } from '../../app.ts';
import {
  addAction,
  caseloadCounts,
  emergencyAccessesToReview,
  addTeamMember,
  allocateCaseManager,
  allocationWorklist,
  barthelScore,
  CARE_STAFF,
  CARE_WRITERS,
  CASE_MANAGERS,
  CONTACT_CHANNELS,
  careBreakGlass,
  emergencyAccesses,
  reviewEmergencyAccess,
  caseload,
  caseloadAppointments,
  changeMeeting,
  caseloadExport,
  listAppointments,
  completeAction,
  createMeeting,
  createPlan,
  createTransitionPlan,
  findPersonId,
  getAssessment,
  getCareRecord,
  getMeeting,
  grantTrustedAssessor,
  listTrustedAssessors,
  isTrustedAssessor,
  questionnaire,
  recordContact,
  bookAppointment,
  changeAppointment,
  recordDecision,
  SECTIONS,
  saveAssessment,
  saveMinutes,
  signAssessment,
  startAssessment,
  transitions,
} from '../../modules/care/index.ts';
import { DomainError } from '../../platform/errors.ts';
import { writeCsv, writeXlsx } from '../../platform/tabular.ts';
import { sendCsv, sendXlsx } from '../downloads.ts';
import { fromLondon, londonDate, londonDateTime } from '../../platform/london-time.ts';
import { ErrorBody } from '../api-schemas.ts';
import { type ErrorItem, errorItems, fieldErrors } from '../forms.ts';
import type { Navigation } from '../nav.ts';

const STAFF = [...CARE_STAFF];
const WRITERS = [...CARE_WRITERS];
const MANAGERS = [...CASE_MANAGERS];
const Open = Type.Object({}, { additionalProperties: true });
const Id = Type.Object({ id: Type.String({ format: 'uuid' }) });
const PersonParam = Type.Object({ personId: Type.String({ format: 'uuid' }) });
const NhsParam = Type.Object({ nhsNumber: Type.String({ pattern: '^[0-9 ]{10,12}$', description: 'NHS number' }) });
const FormBody = Type.Record(Type.String(), Type.Union([Type.String({ maxLength: 5000 }), Type.Array(Type.String())]));
type Form = Record<string, string | string[] | undefined>;
const Owner = Type.Object(
  {
    kind: Type.String({ enum: ['member', 'resident', 'carer', 'service'] }),
    memberId: Type.Optional(Type.String({ description: 'A care team member id, when kind is "member"' })),
    label: Type.Optional(
      Type.String({ maxLength: 200, description: 'The carer or service, when kind is carer/service' }),
    ),
  },
  { description: 'Who owns the action: a care team member, the person, their carer, or a service' },
);
const Answers = Type.Record(Type.String(), Type.Union([Type.String(), Type.Boolean(), Type.Integer()]), {
  description: 'Answers keyed by question linkId (see GET /api/care/questionnaire)',
});
const AssessmentResponse = Type.Object(
  {
    id: Type.String(),
    personId: Type.String(),
    nhsNumber: Type.String(),
    version: Type.Integer(),
    status: Type.String({ enum: ['draft', 'signed'] }),
    revision: Type.Integer(),
    answers: Type.Array(
      Type.Object({
        linkId: Type.String(),
        text: Type.String(),
        value: Type.Union([Type.String(), Type.Boolean(), Type.Number()]),
        source: Type.Union([
          Type.Object({ kind: Type.String(), id: Type.String(), label: Type.String() }),
          Type.Null(),
        ]),
      }),
    ),
    prefilledCount: Type.Integer(),
    reusedCount: Type.Union([Type.Integer(), Type.Null()]),
    barthel: Type.Object({
      score: Type.Integer(),
      answered: Type.Integer(),
      complete: Type.Boolean(),
      band: Type.Union([Type.String(), Type.Null()]),
    }),
    complexity: Type.Array(Type.Object({ rule: Type.String(), text: Type.String() })),
    signedByName: Type.Union([Type.String(), Type.Null()]),
    signedAt: Type.Union([Type.String(), Type.Null()]),
    questionnaireResponse: Open,
  },
  { additionalProperties: true },
);

/** A London wall-clock date and time as an ISO instant. */
function londonInstant(date: string, time: string): string {
  const [y, mo, d] = date.split('-').map(Number);
  const [h, mi] = time.split(':').map(Number);
  return fromLondon({ year: y!, month: mo!, day: d!, hour: h!, minute: mi!, second: 0, millisecond: 0 }).toISOString();
}

/** The London wall-clock time "HH:MM" of an instant. */
function londonTime(instant: string): string {
  const t = londonDateTime(instant);
  return `${String(t.hour).padStart(2, '0')}:${String(t.minute).padStart(2, '0')}`;
}

const fieldId = (field: string) => `f-${field.replace(/^answers\./, '').replace(/[^A-Za-z0-9-]/g, '-')}`;
const list = (v: unknown) => (Array.isArray(v) ? v.map(String) : typeof v === 'string' && v ? [v] : []);
const str = (v: unknown) => (typeof v === 'string' ? v : Array.isArray(v) ? String(v[0] ?? '') : '');

const CHANNEL_TEXT: Record<string, string> = {
  phone: 'Phone call',
  text: 'Text message',
  email: 'Email',
  letter: 'Letter',
  'in-person': 'In person',
};

export default async function careRoutes(
  appBase: FastifyInstance,
  { deps, navigation }: { deps: AppDeps; navigation: Navigation },
) {
  const app = appBase.withTypeProvider<TypeBoxTypeProvider>();
  const { db } = deps.database;
  const o = (request: FastifyRequest) => ({ now: deps.clock.now(), requestId: request.id });

  navigation.add({ href: '/care', text: 'Care coordination', roles: STAFF });
  navigation.add({ href: '/care/trusted-assessors', text: 'Trusted assessors', roles: ['admin'] });
  navigation.add({ href: '/care/emergency-access', text: 'Emergency access review', roles: ['admin'] });
  navigation.addTasks(['case_manager'], async (actor) => {
    const c = await caseloadCounts(db, actor, { now: deps.clock.now() });
    return [
      { count: c.people, one: 'person on your caseload', many: 'people on your caseload', href: '/care' },
      { count: c.reviewsDue, one: 'care plan review due', many: 'care plan reviews due', href: '/care#reviews-due' },
      { count: c.overdueActions, one: 'action overdue', many: 'actions overdue', href: '/care#overdue-actions' },
    ];
  });
  navigation.addTasks(['admin'], async (actor) => [
    {
      count: await emergencyAccessesToReview(db, actor),
      one: 'emergency access to review',
      many: 'emergency accesses to review',
      href: '/care/emergency-access',
    },
  ]);

  // JSON API --------------------------------------------------------------------------------------------
  const tags = ['care'];

  app.get(
    '/api/care/questionnaire',
    {
      config: { policy: STAFF },
      schema: { tags, summary: 'The holistic assessment form as a FHIR R4 Questionnaire', response: { 200: Open } },
    },
    async () => questionnaire(),
  );

  app.get(
    '/api/care/people/:nhsNumber',
    {
      config: { policy: STAFF },
      schema: {
        tags,
        summary: "A person's care record: referrals, signed assessment, complexity, case manager, team, plan, meetings",
        description: 'Only for staff with a legitimate relationship with the person; everyone else gets 404 (audited).',
        params: NhsParam,
        response: { 200: Open, 404: ErrorBody },
      },
    },
    async (request) => {
      const personId = await findPersonId(db, request.actor!, request.params.nhsNumber, o(request));
      return getCareRecord(db, request.actor!, personId, o(request));
    },
  );

  app.post(
    '/api/care/people/:nhsNumber/break-glass',
    {
      config: { policy: STAFF },
      schema: {
        tags,
        summary: 'Emergency access to one person for 60 minutes, with a reason (audited, reviewed by administrators)',
        params: NhsParam,
        body: Type.Object({ reason: Type.String({ maxLength: 2000 }) }),
        response: { 200: Open, 400: ErrorBody, 403: ErrorBody, 404: ErrorBody },
      },
    },
    async (request) => {
      const now = o(request);
      const personId = await findPersonId(db, request.actor!, request.params.nhsNumber, now);
      return careBreakGlass(db, request.actor!, personId, request.body, now);
    },
  );

  app.post(
    '/api/care/people/:nhsNumber/team',
    {
      config: { policy: WRITERS },
      schema: {
        tags,
        summary: 'Add a member to the care team (by account username, or name, role and organisation)',
        params: NhsParam,
        body: Type.Object({
          username: Type.Optional(Type.String({ maxLength: 100 })),
          name: Type.Optional(Type.String({ maxLength: 200 })),
          roleTitle: Type.Optional(Type.String({ maxLength: 200 })),
          organisationCode: Type.Optional(Type.String({ maxLength: 20 })),
          contact: Type.Optional(Type.String({ maxLength: 200 })),
        }),
        response: { 201: Open, 400: ErrorBody, 404: ErrorBody, 409: ErrorBody },
      },
    },
    async (request, reply) => {
      const personId = await findPersonId(db, request.actor!, request.params.nhsNumber, o(request));
      return reply.status(201).send(await addTeamMember(db, request.actor!, personId, request.body, o(request)));
    },
  );

  app.post(
    '/api/care/people/:nhsNumber/allocation',
    {
      config: { policy: MANAGERS },
      schema: {
        tags,
        summary: 'Allocate a case manager (by username); reallocation needs a reason',
        params: NhsParam,
        body: Type.Object({
          caseManager: Type.String({ maxLength: 100 }),
          reason: Type.Optional(Type.String({ maxLength: 2000 })),
        }),
        response: { 201: Open, 400: ErrorBody, 404: ErrorBody, 409: ErrorBody },
      },
    },
    async (request, reply) => {
      const personId = await findPersonId(db, request.actor!, request.params.nhsNumber, o(request));
      return reply.status(201).send(await allocateCaseManager(db, request.actor!, personId, request.body, o(request)));
    },
  );

  app.post(
    '/api/care/assessments',
    {
      config: { policy: WRITERS },
      schema: {
        tags,
        summary: 'Start a holistic assessment prefilled from a referral (and the last signed assessment)',
        description:
          'The response lists each prefilled answer with its `source`. A person with a signed assessment gets a new ' +
          'version: send `reason`. One draft at a time per person (409 otherwise).',
        body: Type.Object({
          referralId: Type.Optional(Type.String({ format: 'uuid' })),
          nhsNumber: Type.Optional(Type.String({ maxLength: 12 })),
          reason: Type.Optional(Type.String({ maxLength: 2000 })),
        }),
        response: { 201: AssessmentResponse, 400: ErrorBody, 404: ErrorBody, 409: ErrorBody },
      },
    },
    async (request, reply) => {
      const b = request.body;
      const personId =
        b.nhsNumber && !b.referralId ? await findPersonId(db, request.actor!, b.nhsNumber, o(request)) : undefined;
      const a = await startAssessment(
        db,
        request.actor!,
        { referralId: b.referralId, personId, reason: b.reason },
        o(request),
      );
      return reply.status(201).send(a);
    },
  );

  app.get(
    '/api/care/assessments/:id',
    {
      config: { policy: STAFF },
      schema: {
        tags,
        summary: 'One assessment version (audited)',
        params: Id,
        response: { 200: AssessmentResponse, 404: ErrorBody },
      },
    },
    async (request) => getAssessment(db, request.actor!, request.params.id, o(request)),
  );

  app.put(
    '/api/care/assessments/:id',
    {
      config: { policy: WRITERS },
      schema: {
        tags,
        summary: "Save a draft's answers (send the revision you edited: a stale one is 409, nothing lost)",
        params: Id,
        body: Type.Object({ answers: Answers, revision: Type.Integer() }),
        response: { 200: AssessmentResponse, 400: ErrorBody, 404: ErrorBody, 409: ErrorBody },
      },
    },
    async (request) => saveAssessment(db, request.actor!, request.params.id, request.body, o(request)),
  );

  app.post(
    '/api/care/assessments/:id/sign',
    {
      config: { policy: WRITERS },
      schema: {
        tags,
        summary:
          'Sign a draft (trusted assessors only: 403, audited); it becomes read-only and complexity is worked out',
        params: Id,
        response: { 200: AssessmentResponse, 400: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody },
      },
    },
    async (request) => signAssessment(db, request.actor!, request.params.id, o(request)),
  );

  app.post(
    '/api/care/plans',
    {
      config: { policy: WRITERS },
      schema: {
        tags,
        summary: 'Make a care plan: goals in the person’s words, a review date, their involvement',
        body: Type.Object({
          nhsNumber: Type.String({ maxLength: 12 }),
          goals: Type.Array(Type.String({ maxLength: 500 }), { maxItems: 20 }),
          reviewDue: Type.String({ description: 'YYYY-MM-DD, today or later' }),
          agreedWithPerson: Type.Optional(Type.Boolean()),
          copySentBy: Type.Optional(Type.String({ enum: [...CONTACT_CHANNELS] })),
        }),
        response: { 201: Open, 400: ErrorBody, 404: ErrorBody, 409: ErrorBody },
      },
    },
    async (request, reply) => {
      const personId = await findPersonId(db, request.actor!, request.body.nhsNumber, o(request));
      return reply.status(201).send(await createPlan(db, request.actor!, { ...request.body, personId }, o(request)));
    },
  );

  const ActionBody = Type.Object({
    description: Type.String({ maxLength: 1000 }),
    owner: Owner,
    due: Type.String({ description: 'YYYY-MM-DD, today or later' }),
    goalId: Type.Optional(Type.String()),
  });
  app.post(
    '/api/care/plans/:id/actions',
    {
      config: { policy: WRITERS },
      schema: {
        tags,
        summary: 'Add an action to a care plan (the owner must be in the care team, or the person, carer or a service)',
        params: Id,
        body: ActionBody,
        response: { 201: Open, 400: ErrorBody, 404: ErrorBody, 409: ErrorBody },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await addAction(db, request.actor!, request.params.id, request.body, o(request))),
  );

  app.post(
    '/api/care/actions/:id/complete',
    {
      config: { policy: WRITERS },
      schema: {
        tags,
        summary: 'Complete an action (its owner, or the case manager)',
        params: Id,
        body: Type.Optional(Type.Object({ note: Type.Optional(Type.String({ maxLength: 2000 })) })),
        response: { 200: Open, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody },
      },
    },
    async (request) => completeAction(db, request.actor!, request.params.id, request.body ?? {}, o(request)),
  );

  app.post(
    '/api/care/meetings',
    {
      config: { policy: MANAGERS },
      schema: {
        tags,
        summary:
          'Arrange an MDT meeting: the agenda is built from the caseload (reviews due, flagged, overdue actions)',
        body: Type.Object({
          title: Type.String({ maxLength: 200 }),
          scheduledAt: Type.String({ format: 'date-time' }),
          place: Type.Optional(
            Type.String({ maxLength: 500, description: 'Where: a room, an address, or video call' }),
          ),
          attendees: Type.Array(
            Type.Object({ name: Type.String(), role: Type.String(), organisation: Type.String() }),
            { maxItems: 50 },
          ),
          nhsNumbers: Type.Array(Type.String({ maxLength: 12 }), { maxItems: 50 }),
        }),
        response: { 201: Open, 400: ErrorBody, 404: ErrorBody },
      },
    },
    async (request, reply) => {
      const personIds: string[] = [];
      for (const n of request.body.nhsNumbers) personIds.push(await findPersonId(db, request.actor!, n, o(request)));
      return reply
        .status(201)
        .send(await createMeeting(db, request.actor!, { ...request.body, personIds }, o(request)));
    },
  );

  app.get(
    '/api/care/meetings/:id',
    {
      config: { policy: STAFF },
      schema: {
        tags,
        summary: 'An MDT meeting: attendees, agenda, decisions (people you may see only)',
        params: Id,
        response: { 200: Open, 404: ErrorBody },
      },
    },
    async (request) => getMeeting(db, request.actor!, request.params.id, o(request)),
  );

  const MeetingChangeDescription =
    'Only before the meeting has happened. Each person discussed is told through the outbox in the same ' +
    'transaction, by their recorded contact preference and in an accessible format (no personal details in ' +
    'the message); the change goes on the meeting timeline. 404 (audited) without a relationship with every ' +
    'person discussed; 400 naming each field; 409 once held or cancelled.';

  app.patch(
    '/api/care/meetings/:id',
    {
      config: { policy: MANAGERS },
      schema: {
        tags,
        summary: 'Move an MDT meeting (a new London date, time or place): send only what changes, and the reason',
        description: MeetingChangeDescription,
        params: Id,
        body: Type.Object({
          date: Type.Optional(Type.String({ maxLength: 20, description: 'London calendar date, YYYY-MM-DD' })),
          time: Type.Optional(Type.String({ maxLength: 10, description: 'London wall-clock time, HH:MM' })),
          place: Type.Optional(Type.String({ maxLength: 500 })),
          reason: Type.Optional(Type.String({ maxLength: 2000, description: 'Why (required)' })),
        }),
        response: { 200: Open, 400: ErrorBody, 404: ErrorBody, 409: ErrorBody },
      },
    },
    async (request) =>
      changeMeeting(db, request.actor!, request.params.id, { ...request.body, partial: true }, o(request)),
  );

  app.post(
    '/api/care/meetings/:id/cancel',
    {
      config: { policy: MANAGERS },
      schema: {
        tags,
        summary: 'Cancel an MDT meeting, with the reason',
        description: MeetingChangeDescription,
        params: Id,
        body: Type.Object({ reason: Type.Optional(Type.String({ maxLength: 2000, description: 'Why (required)' })) }),
        response: { 200: Open, 400: ErrorBody, 404: ErrorBody, 409: ErrorBody },
      },
    },
    async (request) =>
      changeMeeting(db, request.actor!, request.params.id, { reason: request.body.reason, cancel: true }, o(request)),
  );

  app.post(
    '/api/care/meetings/:id/decisions',
    {
      config: { policy: WRITERS },
      schema: {
        tags,
        summary: 'Record a decision of a meeting that has happened: it becomes an action in the care plan',
        params: Id,
        body: Type.Object({
          nhsNumber: Type.String({ maxLength: 12 }),
          decision: Type.String({ maxLength: 1000 }),
          owner: Owner,
          due: Type.String(),
        }),
        response: { 201: Open, 400: ErrorBody, 404: ErrorBody, 409: ErrorBody },
      },
    },
    async (request, reply) => {
      const personId = await findPersonId(db, request.actor!, request.body.nhsNumber, o(request));
      return reply
        .status(201)
        .send(await recordDecision(db, request.actor!, request.params.id, { ...request.body, personId }, o(request)));
    },
  );

  app.get(
    '/api/care/caseload',
    {
      config: { policy: STAFF },
      schema: {
        tags,
        summary:
          "The caller's caseload with weights, and what needs doing today (reviews due, overdue actions, new allocations)",
        response: { 200: Open },
      },
    },
    async (request) => caseload(db, request.actor!, o(request)),
  );

  // Appointments (the person is told of each booking, change and cancellation through the outbox)
  const ApptParams = Type.Object({
    nhsNumber: NhsParam.properties.nhsNumber,
    appointmentId: Type.String({ format: 'uuid' }),
  });
  const ApptFields = {
    service: Type.Optional(Type.String({ maxLength: 500, description: 'The service or clinic' })),
    date: Type.Optional(Type.String({ maxLength: 20, description: 'London calendar date, YYYY-MM-DD' })),
    time: Type.Optional(Type.String({ maxLength: 10, description: 'London wall-clock time, HH:MM' })),
    place: Type.Optional(Type.String({ maxLength: 500, description: 'Where, or "by phone" / "by video"' })),
  };
  const Reason = Type.Optional(Type.String({ maxLength: 2000, description: 'Why (required)' }));
  const ApptDescription =
    'Only for staff with a legitimate relationship with the person; everyone else gets 404 (audited). Bad input ' +
    'is a 400 naming each field. The person is told by their recorded contact preference, in an accessible ' +
    'format, with interpreter or BSL needs carried; the message holds no personal details.';

  app.get(
    '/api/care/appointments',
    {
      config: { policy: STAFF },
      schema: {
        tags,
        summary: "Appointments of the people in the caller's caseload from today to `days` ahead, with what changed",
        querystring: Type.Object({ days: Type.Optional(Type.Integer({ minimum: 0, maximum: 60 })) }),
        response: { 200: Open },
      },
    },
    async (request) => caseloadAppointments(db, request.actor!, { ...o(request), days: request.query.days }),
  );

  app.get(
    '/api/care/people/:nhsNumber/appointments',
    {
      config: { policy: STAFF },
      schema: {
        tags,
        summary: "A person's appointments with their timelines, and planned home visits",
        description: ApptDescription,
        params: NhsParam,
        response: { 200: Open, 404: ErrorBody },
      },
    },
    async (request) => {
      const personId = await findPersonId(db, request.actor!, request.params.nhsNumber, o(request));
      return listAppointments(db, request.actor!, personId, o(request));
    },
  );

  app.post(
    '/api/care/people/:nhsNumber/appointments',
    {
      config: { policy: WRITERS },
      schema: {
        tags,
        summary: 'Book an appointment for the person',
        description: ApptDescription,
        params: NhsParam,
        body: Type.Object(ApptFields),
        response: { 201: Open, 400: ErrorBody, 404: ErrorBody },
      },
    },
    async (request, reply) => {
      const personId = await findPersonId(db, request.actor!, request.params.nhsNumber, o(request));
      return reply.status(201).send(await bookAppointment(db, request.actor!, personId, request.body, o(request)));
    },
  );

  app.patch(
    '/api/care/people/:nhsNumber/appointments/:appointmentId',
    {
      config: { policy: WRITERS },
      schema: {
        tags,
        summary: 'Change an appointment: send only what changes, and the reason',
        description: ApptDescription,
        params: ApptParams,
        body: Type.Object({ ...ApptFields, reason: Reason }),
        response: { 200: Open, 400: ErrorBody, 404: ErrorBody, 409: ErrorBody },
      },
    },
    async (request) => {
      const personId = await findPersonId(db, request.actor!, request.params.nhsNumber, o(request));
      return changeAppointment(
        db,
        request.actor!,
        personId,
        request.params.appointmentId,
        { ...request.body, partial: true },
        o(request),
      );
    },
  );

  app.post(
    '/api/care/people/:nhsNumber/appointments/:appointmentId/cancel',
    {
      config: { policy: WRITERS },
      schema: {
        tags,
        summary: 'Cancel an appointment, with the reason',
        description: ApptDescription,
        params: ApptParams,
        body: Type.Object({ reason: Reason }),
        response: { 200: Open, 400: ErrorBody, 404: ErrorBody, 409: ErrorBody },
      },
    },
    async (request) => {
      const personId = await findPersonId(db, request.actor!, request.params.nhsNumber, o(request));
      return changeAppointment(
        db,
        request.actor!,
        personId,
        request.params.appointmentId,
        { reason: request.body.reason, cancel: true },
        o(request),
      );
    },
  );

  app.get(
    '/api/care/allocations',
    {
      config: { policy: MANAGERS },
      schema: {
        tags,
        summary: 'People flagged as needing a case manager, with the reasons, and each case manager’s caseload weight',
        response: { 200: Open },
      },
    },
    async (request) => allocationWorklist(db, request.actor!, o(request)),
  );

  app.get(
    '/api/care/transitions',
    {
      config: { policy: STAFF },
      schema: {
        tags,
        summary:
          'Young people from 17 (or flagAge) to 18 with whether they have a transition plan; urgent within six months of 18',
        querystring: Type.Object({ flagAge: Type.Optional(Type.Integer({ minimum: 14, maximum: 17 })) }),
        response: { 200: Open },
      },
    },
    async (request) => transitions(db, request.actor!, { ...o(request), flagAge: request.query.flagAge }),
  );

  app.post(
    '/api/care/people/:nhsNumber/transition-plan',
    {
      config: { policy: WRITERS },
      schema: {
        tags,
        summary:
          'Make the transition plan: adult services and 18 to 25 components by their code in the published offer, transfer date, adult lead',
        description:
          'Codes are components of the published core offer: adult services serve working-age adults, 18 to 25 ' +
          'components serve young adults (GET /api/offer lists them). One plan per person (409). 400 names each ' +
          'field; 404 (audited) without a relationship.',
        params: NhsParam,
        body: Type.Object({
          adultServices: Type.Optional(Type.Array(Type.String({ maxLength: 100 }), { maxItems: 50 })),
          components: Type.Optional(Type.Array(Type.String({ maxLength: 100 }), { maxItems: 50 })),
          transferDate: Type.Optional(Type.String({ maxLength: 20, description: 'YYYY-MM-DD' })),
          adultLead: Type.Optional(Type.String({ maxLength: 500, description: 'Name and role' })),
        }),
        response: { 201: Open, 400: ErrorBody, 404: ErrorBody, 409: ErrorBody },
      },
    },
    async (request, reply) => {
      const personId = await findPersonId(db, request.actor!, request.params.nhsNumber, o(request));
      return reply.status(201).send(await createTransitionPlan(db, request.actor!, personId, request.body, o(request)));
    },
  );

  app.post(
    '/api/care/trusted-assessors',
    {
      config: { policy: ['admin'] },
      schema: {
        tags,
        summary: 'Grant (or revoke) the trusted assessor competency on a staff account (audited)',
        body: Type.Object({ username: Type.String({ maxLength: 100 }), revoke: Type.Optional(Type.Boolean()) }),
        response: { 200: Open, 400: ErrorBody },
      },
    },
    async (request) =>
      grantTrustedAssessor(db, request.actor!, request.body.username, { ...o(request), revoke: request.body.revoke }),
  );

  app.get(
    '/api/care/emergency-access',
    {
      config: { policy: ['admin'] },
      schema: {
        tags,
        summary: 'Emergency (break-glass) accesses for administrators to review, newest first (audited)',
        querystring: Type.Object({ unreviewed: Type.Optional(Type.Boolean()) }),
        response: { 200: Open },
      },
    },
    async (request) => emergencyAccesses(db, request.actor!, { unreviewedOnly: request.query.unreviewed }),
  );

  app.post(
    '/api/care/emergency-access/:id/review',
    {
      config: { policy: ['admin'] },
      schema: {
        tags,
        summary: 'Record what the review of one emergency access found (once; audited)',
        params: Type.Object({ id: Type.String({ maxLength: 40 }) }),
        body: Type.Object({ note: Type.String({ maxLength: 2000 }) }),
        response: { 200: Open, 400: ErrorBody, 404: ErrorBody, 409: ErrorBody },
      },
    },
    async (request) => reviewEmergencyAccess(db, request.actor!, request.params.id, request.body, o(request)),
  );

  // Pages ---------------------------------------------------------------------------------------------------
  const formError = (
    reply: FastifyReply,
    error: unknown,
    idOf: (f: string) => string = fieldId,
  ): ErrorItem[] | null => {
    if (error instanceof DomainError && (error.status === 400 || error.status === 409)) {
      reply.status(error.status);
      return error.fields.length ? errorItems(error, idOf) : [{ text: error.message, href: '#main-content' }];
    }
    return null;
  };

  app.get('/care', { config: { policy: STAFF } }, async (request, reply) => {
    const c = await caseload(db, request.actor!, o(request));
    const appts = await caseloadAppointments(db, request.actor!, o(request));
    return reply.render('care/home.njk', {
      title: 'Care coordination',
      c,
      appts,
      isCaseManager: request.actor!.role === 'case_manager',
    });
  });

  app.get(
    '/care/caseload/download',
    {
      config: { policy: STAFF },
      schema: {
        querystring: Type.Object({ format: Type.Optional(Type.Union([Type.Literal('csv'), Type.Literal('xlsx')])) }),
      },
    },
    async (request, reply) => {
      const rows = await caseloadExport(db, request.actor!, o(request));
      const day = o(request).now.toISOString().slice(0, 10);
      if (request.query.format === 'xlsx') {
        return sendXlsx(reply, `caseload-${day}.xlsx`, await writeXlsx([{ name: 'Caseload', rows }]));
      }
      return sendCsv(reply, `caseload-${day}.csv`, writeCsv(rows));
    },
  );

  app.get('/care/allocation', { config: { policy: MANAGERS } }, async (request, reply) => {
    const w = await allocationWorklist(db, request.actor!, o(request));
    return reply.render('care/allocation.njk', { title: 'Allocate case managers', w, username: '' });
  });

  app.post(
    '/care/people/:personId/allocate',
    { config: { policy: MANAGERS }, schema: { params: PersonParam, body: FormBody } },
    async (request, reply) => {
      const f = request.body as Form;
      try {
        await allocateCaseManager(
          db,
          request.actor!,
          request.params.personId,
          { caseManager: str(f.caseManager), reason: str(f.reason) },
          o(request),
        );
        return reply.redirect(`/care/people/${request.params.personId}?done=allocated`, 303);
      } catch (error) {
        const errors = formError(reply, error, (f) => f);
        if (!errors) throw error;
        return renderRecord(request, reply, request.params.personId, { errors, values: f });
      }
    },
  );

  const renderRecord = async (
    request: FastifyRequest,
    reply: FastifyReply,
    personId: string,
    extra: { errors?: ErrorItem[]; values?: Form; done?: string } = {},
  ) => {
    const r = await getCareRecord(db, request.actor!, personId, o(request));
    const errors = extra.errors ?? [];
    return reply.render('care/person.njk', {
      title: `${r.person.givenName} ${r.person.familyName}: care record`,
      r,
      complexityText: r.complexity ? `Yes: ${r.complexity.reasons.map((x) => x.text).join('; ')}` : 'Not flagged',
      errors,
      fieldErrors: fieldErrors(errors),
      values: extra.values ?? {},
      done: extra.done,
      channelText: CHANNEL_TEXT,
      isCaseManager: request.actor!.role === 'case_manager',
      canWrite: (WRITERS as string[]).includes(request.actor!.role),
      channels: CONTACT_CHANNELS.map((c) => ({ value: c, text: CHANNEL_TEXT[c] })),
    });
  };

  app.get(
    '/care/people/:personId',
    {
      config: { policy: STAFF },
      schema: {
        params: PersonParam,
        querystring: Type.Object({ done: Type.Optional(Type.String({ maxLength: 40 })) }),
      },
    },
    async (request, reply) => renderRecord(request, reply, request.params.personId, { done: request.query.done }),
  );

  app.post(
    '/care/people/:personId/team',
    { config: { policy: WRITERS }, schema: { params: PersonParam, body: FormBody } },
    async (request, reply) => {
      const f = request.body as Form;
      try {
        await addTeamMember(
          db,
          request.actor!,
          request.params.personId,
          {
            username: str(f.username),
            name: str(f.name),
            roleTitle: str(f.roleTitle),
            organisationCode: str(f.organisationCode),
            contact: str(f.contact),
          },
          o(request),
        );
        return reply.redirect(`/care/people/${request.params.personId}?done=team#team`, 303);
      } catch (error) {
        const errors = formError(reply, error, (x) => `team-${x}`);
        if (!errors) throw error;
        return renderRecord(request, reply, request.params.personId, { errors, values: f });
      }
    },
  );

  app.post(
    '/care/people/:personId/contacts',
    { config: { policy: STAFF }, schema: { params: PersonParam, body: FormBody } },
    async (request, reply) => {
      const f = request.body as Form;
      try {
        await recordContact(
          db,
          request.actor!,
          request.params.personId,
          { channel: str(f.channel), withWhom: str(f.withWhom), note: str(f.note) },
          o(request),
        );
        return reply.redirect(`/care/people/${request.params.personId}?done=contact#contacts`, 303);
      } catch (error) {
        const errors = formError(reply, error, (x) => `contact-${x}`);
        if (!errors) throw error;
        return renderRecord(request, reply, request.params.personId, { errors, values: f });
      }
    },
  );

  const renderTrusted = async (
    request: FastifyRequest,
    reply: FastifyReply,
    extra: { errors?: ErrorItem[]; values?: Form; done?: string } = {},
  ) => {
    const errors = extra.errors ?? [];
    return reply.render('care/trusted-assessors.njk', {
      title: 'Trusted assessors',
      assessors: await listTrustedAssessors(db, request.actor!),
      errors,
      fieldErrors: fieldErrors(errors),
      values: extra.values ?? {},
      done: extra.done,
    });
  };

  const renderEmergency = async (
    request: FastifyRequest,
    reply: FastifyReply,
    extra: { errors?: ErrorItem[]; values?: Form; done?: string } = {},
  ) =>
    reply.render('care/emergency-access.njk', {
      title: 'Emergency access review',
      list: await emergencyAccesses(db, request.actor!),
      errors: extra.errors,
      fieldErrors: fieldErrors(extra.errors ?? []),
      values: extra.values ?? {},
      done: extra.done,
    });

  app.get(
    '/care/emergency-access',
    {
      config: { policy: ['admin'] },
      schema: { querystring: Type.Object({ done: Type.Optional(Type.String({ maxLength: 40 })) }) },
    },
    async (request, reply) => renderEmergency(request, reply, { done: request.query.done }),
  );

  app.post(
    '/care/emergency-access/:id/review',
    {
      config: { policy: ['admin'] },
      schema: { params: Type.Object({ id: Type.String({ maxLength: 40 }) }), body: FormBody },
    },
    async (request, reply) => {
      const f = request.body as Form;
      try {
        await reviewEmergencyAccess(db, request.actor!, request.params.id, { note: str(f.note) }, o(request));
        return reply.redirect('/care/emergency-access?done=reviewed', 303);
      } catch (error) {
        const errors = formError(reply, error, () => `note-${request.params.id}`);
        if (!errors) throw error;
        return renderEmergency(request, reply, { errors, values: { ...f, id: request.params.id } });
      }
    },
  );

  app.get(
    '/care/trusted-assessors',
    {
      config: { policy: ['admin'] },
      schema: { querystring: Type.Object({ done: Type.Optional(Type.String({ maxLength: 40 })) }) },
    },
    async (request, reply) => renderTrusted(request, reply, { done: request.query.done }),
  );

  app.post(
    '/care/trusted-assessors',
    { config: { policy: ['admin'] }, schema: { body: FormBody } },
    async (request, reply) => {
      const f = request.body as Form;
      const revoke = str(f.action) === 'revoke';
      try {
        await grantTrustedAssessor(db, request.actor!, str(f.username), {
          ...o(request),
          revoke,
          reason: str(f.reason),
          requireReason: true,
        });
        return reply.redirect(`/care/trusted-assessors?done=${revoke ? 'revoked' : 'granted'}`, 303);
      } catch (error) {
        const errors = formError(reply, error, (x) => (revoke ? `revoke-${str(f.username)}-${x}` : `ta-${x}`));
        if (!errors) throw error;
        return renderTrusted(request, reply, { errors, values: revoke ? {} : f });
      }
    },
  );

  app.post(
    '/care/people/:personId/appointments',
    { config: { policy: WRITERS }, schema: { params: PersonParam, body: FormBody } },
    async (request, reply) => {
      const f = request.body as Form;
      try {
        await bookAppointment(
          db,
          request.actor!,
          request.params.personId,
          { service: str(f.service), date: str(f.date), time: str(f.time), place: str(f.place) },
          o(request),
        );
        return reply.redirect(`/care/people/${request.params.personId}?done=appointment#appointments`, 303);
      } catch (error) {
        const errors = formError(reply, error, (x) => `appt-${x}`);
        if (!errors) throw error;
        return renderRecord(request, reply, request.params.personId, { errors, values: f });
      }
    },
  );

  app.post(
    '/care/people/:personId/appointments/:appointmentId',
    {
      config: { policy: WRITERS },
      schema: {
        params: Type.Object({
          personId: Type.String({ format: 'uuid' }),
          appointmentId: Type.String({ format: 'uuid' }),
        }),
        body: FormBody,
      },
    },
    async (request, reply) => {
      const f = request.body as Form;
      const { personId, appointmentId } = request.params;
      try {
        await changeAppointment(
          db,
          request.actor!,
          personId,
          appointmentId,
          {
            cancel: str(f.action) === 'cancel',
            service: str(f.service),
            date: str(f.date),
            time: str(f.time),
            place: str(f.place),
            reason: str(f.reason),
          },
          o(request),
        );
        return reply.redirect(`/care/people/${personId}?done=appointment#appointments`, 303);
      } catch (error) {
        const prefix = str(f.action) === 'cancel' ? 'cancel' : 'appt';
        const errors = formError(reply, error, (x) => `${prefix}-${appointmentId}-${x}`);
        if (!errors) throw error;
        return renderRecord(request, reply, personId, { errors, values: f });
      }
    },
  );

  app.post(
    '/care/people/:personId/transition-plan',
    { config: { policy: WRITERS }, schema: { params: PersonParam, body: FormBody } },
    async (request, reply) => {
      const f = request.body as Form;
      try {
        await createTransitionPlan(
          db,
          request.actor!,
          request.params.personId,
          {
            adultServices: list(f.adultServices),
            components: list(f.components),
            transferDate: str(f.transferDate),
            adultLead: str(f.adultLead),
          },
          o(request),
        );
        return reply.redirect(`/care/people/${request.params.personId}?done=transition#transition`, 303);
      } catch (error) {
        const errors = formError(reply, error, (x) => `transition-${x}`);
        if (!errors) throw error;
        // Checkbox answers as lists, so the form shows what was ticked.
        const values = { ...f, adultServices: list(f.adultServices), components: list(f.components) };
        return renderRecord(request, reply, request.params.personId, { errors, values });
      }
    },
  );

  // Find a person; emergency access
  app.get('/care/find', { config: { policy: STAFF } }, async (_request, reply) =>
    reply.render('care/find.njk', { title: 'Find a care record', values: {}, errors: [] }),
  );

  app.post('/care/find', { config: { policy: STAFF }, schema: { body: FormBody } }, async (request, reply) => {
    const f = request.body as Form;
    const nhsNumber = str(f.nhsNumber);
    try {
      const personId = await findPersonId(db, request.actor!, nhsNumber, o(request));
      await getCareRecord(db, request.actor!, personId, o(request));
      return reply.redirect(`/care/people/${personId}`, 303);
    } catch (error) {
      if (!(error instanceof DomainError && error.status === 404)) throw error;
      // The same answer whether or not the person exists; clinical staff may state a reason to break the glass.
      reply.status(404);
      return reply.render('care/find.njk', {
        title: 'Find a care record',
        values: { nhsNumber },
        notFound: true,
        errors: [],
      });
    }
  });

  app.post('/care/break-glass', { config: { policy: STAFF }, schema: { body: FormBody } }, async (request, reply) => {
    const f = request.body as Form;
    const nhsNumber = str(f.nhsNumber);
    try {
      const personId = await findPersonId(db, request.actor!, nhsNumber, o(request));
      await careBreakGlass(db, request.actor!, personId, { reason: str(f.reason) }, o(request));
      return reply.redirect(`/care/people/${personId}?done=break-glass`, 303);
    } catch (error) {
      const errors = formError(reply, error, (x) => x);
      if (!errors) throw error;
      return reply.render('care/find.njk', {
        title: 'Find a care record',
        values: { nhsNumber, reason: str(f.reason) },
        notFound: true,
        errors,
        fieldErrors: fieldErrors(errors),
      });
    }
  });

  // Assessment
  app.post(
    '/care/people/:personId/assessments',
    { config: { policy: WRITERS }, schema: { params: PersonParam, body: FormBody } },
    async (request, reply) => {
      const f = request.body as Form;
      try {
        const a = await startAssessment(
          db,
          request.actor!,
          { referralId: str(f.referralId) || undefined, personId: request.params.personId, reason: str(f.reason) },
          o(request),
        );
        return reply.redirect(`/care/assessments/${a.id}`, 303);
      } catch (error) {
        const errors = formError(reply, error, (x) => `assessment-${x}`);
        if (!errors) throw error;
        return renderRecord(request, reply, request.params.personId, { errors, values: f });
      }
    },
  );

  const renderAssessment = async (
    request: FastifyRequest,
    reply: FastifyReply,
    id: string,
    extra: { errors?: ErrorItem[]; values?: Form; done?: string } = {},
  ) => {
    const a = await getAssessment(db, request.actor!, id, o(request));
    const errors = extra.errors ?? [];
    const values: Record<string, unknown> = { ...a.answerMap };
    if (extra.values) for (const [k, v] of Object.entries(extra.values)) if (k !== '_csrf') values[k] = str(v);
    const sourceOf = (linkId: string) => a.answers.find((x) => x.linkId === linkId)?.source?.label ?? null;
    const sections = SECTIONS.map((s) => ({
      ...s,
      items: s.items.map((i) => {
        const raw = values[i.linkId];
        const value = raw === true ? 'yes' : raw === false ? 'no' : raw === undefined ? '' : String(raw);
        return {
          ...i,
          id: fieldId(i.linkId),
          value,
          source: sourceOf(i.linkId),
          error: fieldErrors(errors)[fieldId(i.linkId)],
        };
      }),
    }));
    return reply.render('care/assessment.njk', {
      title: `Holistic assessment: ${a.personName}`,
      a,
      sections,
      barthel: barthelScore(a.answerMap),
      trusted: await isTrustedAssessor(db, request.actor!),
      canWrite: (WRITERS as string[]).includes(request.actor!.role),
      errors,
      done: extra.done,
      revision: extra.values?.revision ? str(extra.values.revision) : String(a.revision),
    });
  };

  app.get(
    '/care/assessments/:id',
    {
      config: { policy: STAFF },
      schema: { params: Id, querystring: Type.Object({ done: Type.Optional(Type.String({ maxLength: 40 })) }) },
    },
    async (request, reply) => renderAssessment(request, reply, request.params.id, { done: request.query.done }),
  );

  app.post(
    '/care/assessments/:id',
    { config: { policy: WRITERS }, schema: { params: Id, body: FormBody } },
    async (request, reply) => {
      const f = request.body as Form;
      const answers: Record<string, string> = {};
      for (const s of SECTIONS) for (const i of s.items) answers[i.linkId] = str(f[i.linkId]);
      try {
        await saveAssessment(db, request.actor!, request.params.id, { answers, revision: str(f.revision) }, o(request));
        if (str(f.intent) === 'sign') {
          await signAssessment(db, request.actor!, request.params.id, o(request));
          return reply.redirect(`/care/assessments/${request.params.id}?done=signed`, 303);
        }
        return reply.redirect(`/care/assessments/${request.params.id}?done=saved`, 303);
      } catch (error) {
        const errors = formError(reply, error);
        if (!errors) throw error;
        // What they typed stays on the page, so nothing is lost, with the latest revision: after a stale save
        // they have seen the conflict and choose to save again.
        const { revision: _edited, ...typed } = f;
        return renderAssessment(request, reply, request.params.id, { errors, values: typed });
      }
    },
  );

  // Care plan
  app.get(
    '/care/people/:personId/plan',
    {
      config: { policy: STAFF },
      schema: {
        params: PersonParam,
        querystring: Type.Object({
          done: Type.Optional(Type.String({ maxLength: 40 })),
          print: Type.Optional(Type.String({ enum: ['yes', 'large'] })),
        }),
      },
    },
    async (request, reply) =>
      renderPlan(request, reply, request.params.personId, { done: request.query.done, print: request.query.print }),
  );

  const renderPlan = async (
    request: FastifyRequest,
    reply: FastifyReply,
    personId: string,
    extra: { errors?: ErrorItem[]; values?: Form; done?: string; print?: string } = {},
  ) => {
    const r = await getCareRecord(db, request.actor!, personId, o(request));
    const errors = extra.errors ?? [];
    const today = o(request).now.toISOString().slice(0, 10);
    return reply.render(extra.print ? 'care/plan-print.njk' : 'care/plan.njk', {
      title: `Care plan: ${r.person.givenName} ${r.person.familyName}`,
      r,
      errors,
      fieldErrors: fieldErrors(errors),
      values: extra.values ?? {},
      done: extra.done,
      large: extra.print === 'large',
      today,
      canWrite: (WRITERS as string[]).includes(request.actor!.role),
      channels: CONTACT_CHANNELS.map((c) => ({ value: c, text: CHANNEL_TEXT[c] })),
      channelText: CHANNEL_TEXT,
      actorId: request.actor!.id,
    });
  };

  app.post(
    '/care/people/:personId/plan',
    { config: { policy: WRITERS }, schema: { params: PersonParam, body: FormBody } },
    async (request, reply) => {
      const f = request.body as Form;
      try {
        await createPlan(
          db,
          request.actor!,
          {
            personId: request.params.personId,
            goals: str(f.goals),
            reviewDue: str(f.reviewDue),
            agreedWithPerson: str(f.agreedWithPerson),
            copySentBy: str(f.copySentBy),
          },
          o(request),
        );
        return reply.redirect(`/care/people/${request.params.personId}/plan?done=created`, 303);
      } catch (error) {
        const errors = formError(reply, error, (x) => `plan-${x}`);
        if (!errors) throw error;
        return renderPlan(request, reply, request.params.personId, { errors, values: f });
      }
    },
  );

  const ownerFromForm = (f: Form) => {
    const v = str(f.owner);
    if (v.startsWith('member:')) return { kind: 'member', memberId: v.slice(7) };
    return { kind: v, label: str(f.ownerLabel) };
  };

  app.post(
    '/care/people/:personId/plan/actions',
    { config: { policy: WRITERS }, schema: { params: PersonParam, body: FormBody } },
    async (request, reply) => {
      const f = request.body as Form;
      try {
        await addAction(
          db,
          request.actor!,
          str(f.planId),
          { description: str(f.description), owner: ownerFromForm(f), due: str(f.due), goalId: str(f.goalId) },
          o(request),
        );
        return reply.redirect(`/care/people/${request.params.personId}/plan?done=action#actions`, 303);
      } catch (error) {
        const errors = formError(reply, error, (x) => `action-${x.replace(/\..*$/, '')}`);
        if (!errors) throw error;
        return renderPlan(request, reply, request.params.personId, { errors, values: f });
      }
    },
  );

  app.post(
    '/care/actions/:id/complete',
    { config: { policy: WRITERS }, schema: { params: Id, body: FormBody } },
    async (request, reply) => {
      const f = request.body as Form;
      const done = await completeAction(db, request.actor!, request.params.id, { note: str(f.note) }, o(request));
      const back = str(f.back);
      return reply.redirect(
        back === 'home' ? '/care?done=action' : `/care/people/${done.personId}/plan?done=completed#actions`,
        303,
      );
    },
  );

  // Meetings
  app.get('/care/meetings/:id', { config: { policy: STAFF }, schema: { params: Id } }, async (request, reply) =>
    renderMeeting(request, reply, request.params.id),
  );

  const renderMeeting = async (
    request: FastifyRequest,
    reply: FastifyReply,
    id: string,
    extra: { errors?: ErrorItem[]; values?: Form; done?: string } = {},
  ) => {
    const m = await getMeeting(db, request.actor!, id, o(request));
    const teams: Record<string, { id: string; name: string; roleTitle: string; organisationCode: string }[]> = {};
    for (const p of m.personIds) teams[p] = (await getCareRecord(db, request.actor!, p, o(request))).team;
    const errors = extra.errors ?? [];
    return reply.render('care/meeting.njk', {
      title: `${m.title}, ${new Intl.DateTimeFormat('en-GB', { dateStyle: 'long', timeZone: 'Europe/London' }).format(new Date(m.scheduledAt))}`,
      m,
      teams,
      errors,
      fieldErrors: fieldErrors(errors),
      values: extra.values ?? {},
      done: extra.done,
      canWrite: (WRITERS as string[]).includes(request.actor!.role),
      canManage: (MANAGERS as string[]).includes(request.actor!.role),
      moveDefaults: { date: londonDate(m.scheduledAt), time: londonTime(m.scheduledAt) },
    });
  };

  app.post(
    '/care/meetings/:id/change',
    { config: { policy: MANAGERS }, schema: { params: Id, body: FormBody } },
    async (request, reply) => {
      const f = request.body as Form;
      const cancel = str(f.action) === 'cancel';
      try {
        await changeMeeting(
          db,
          request.actor!,
          request.params.id,
          { cancel, date: str(f.date), time: str(f.time), place: str(f.place), reason: str(f.reason) },
          o(request),
        );
        return reply.redirect(`/care/meetings/${request.params.id}?done=${cancel ? 'cancelled' : 'moved'}`, 303);
      } catch (error) {
        const errors = formError(reply, error, (x) => `${cancel ? 'cancel' : 'move'}-${x}`);
        if (!errors) throw error;
        return renderMeeting(request, reply, request.params.id, { errors, values: f });
      }
    },
  );

  app.post(
    '/care/meetings/:id/decisions',
    { config: { policy: WRITERS }, schema: { params: Id, body: FormBody } },
    async (request, reply) => {
      const f = request.body as Form;
      try {
        await recordDecision(
          db,
          request.actor!,
          request.params.id,
          { personId: str(f.personId), decision: str(f.decision), owner: ownerFromForm(f), due: str(f.due) },
          o(request),
        );
        return reply.redirect(`/care/meetings/${request.params.id}?done=decision`, 303);
      } catch (error) {
        const errors = formError(reply, error, (x) => `decision-${x.replace(/\..*$/, '')}`);
        if (!errors) throw error;
        return renderMeeting(request, reply, request.params.id, { errors, values: f });
      }
    },
  );

  app.post(
    '/care/meetings/:id/minutes',
    { config: { policy: MANAGERS }, schema: { params: Id, body: FormBody } },
    async (request, reply) => {
      const f = request.body as Form;
      try {
        await saveMinutes(db, request.actor!, request.params.id, { minutes: str(f.minutes) }, o(request));
        return reply.redirect(`/care/meetings/${request.params.id}?done=minutes`, 303);
      } catch (error) {
        const errors = formError(reply, error, (x) => `minutes-${x}`);
        if (!errors) throw error;
        return renderMeeting(request, reply, request.params.id, { errors, values: f });
      }
    },
  );

  // Arrange an MDT meeting from the caseload
  const renderNewMeeting = async (
    request: FastifyRequest,
    reply: FastifyReply,
    values: Form,
    errors: ErrorItem[] = [],
  ) => {
    const c = await caseload(db, request.actor!, o(request));
    const chosen = list(values.personIds);
    return reply.render('care/meeting-new.njk', {
      title: 'Arrange an MDT meeting',
      people: c.items.map((i) => ({ value: i.personId, text: i.name, checked: chosen.includes(i.personId) })),
      values,
      errors,
      fieldErrors: fieldErrors(errors),
    });
  };

  app.get('/care/meetings/new', { config: { policy: MANAGERS } }, async (request, reply) =>
    renderNewMeeting(request, reply, {}),
  );

  app.post(
    '/care/meetings/new',
    { config: { policy: MANAGERS }, schema: { body: FormBody } },
    async (request, reply) => {
      const f = request.body as Form;
      // One attendee per line: "name, role, organisation".
      const attendees = str(f.attendees)
        .split(/\r?\n/)
        .map((line) => line.split(',').map((x) => x.trim()))
        .filter((parts) => parts[0])
        .map(([name, role = '', organisation = '']) => ({ name, role, organisation }));
      const date = str(f.date);
      const time = str(f.time) || '13:00';
      const scheduledAt =
        /^\d{4}-\d{2}-\d{2}$/.test(date) && /^\d{2}:\d{2}$/.test(time) ? londonInstant(date, time) : '';
      try {
        const m = await createMeeting(
          db,
          request.actor!,
          { title: str(f.title), scheduledAt, place: str(f.place), attendees, personIds: list(f.personIds) },
          o(request),
        );
        return reply.redirect(`/care/meetings/${m.id}`, 303);
      } catch (error) {
        const errors = formError(reply, error, (x) => (x === 'scheduledAt' ? 'meeting-date' : `meeting-${x}`));
        if (!errors) throw error;
        return renderNewMeeting(request, reply, f, errors);
      }
    },
  );

  app.get('/care/transitions', { config: { policy: STAFF } }, async (request, reply) => {
    const t = await transitions(db, request.actor!, o(request));
    return reply.render('care/transitions.njk', { title: 'Transition to adult services', t });
  });
}
