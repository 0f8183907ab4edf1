// The central point of access on the web: the JSON API for other systems, the public self-referral form,
// and the staff pages (worklist, referral with timeline and actions, professional referral form,
// signposting) and the commissioners' list of offer gaps.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { AppDeps } from '../../app.ts';
import {
  ACCESS_STAFF,
  type ActionInput,
  actOnReferral,
  CLOSE_OUTCOMES,
  COMPLIANCE_READERS,
  claimReferral,
  complianceReport,
  CONFIRMATION_MINUTES,
  GAP_READERS,
  getReferral,
  listOfferGaps,
  listReferrals,
  PREFERRED_CONTACTS,
  REFERRAL_STATUSES,
  PERSON_DETAIL_FIELDS,
  residentActor,
  routingContext,
  selfReferralConfirmation,
  standardForService,
  submitReferral,
  referralsToTriage,
  submitterToken,
  TRIAGE_STATUSES,
  updatePersonFromReferral,
} from '../../modules/access/index.ts';
import { searchAssets } from '../../modules/directory/index.ts';
import { AGE_GROUPS, ageGroupsForAge, type Component, humaniseDuration } from '../../modules/offer/index.ts';
import type { Actor } from '../../platform/auth/roles.ts';
import { DomainError, NotFoundError, ValidationError } from '../../platform/errors.ts';
import { cookieName } from '../../platform/http/security.plugin.ts';
import { ErrorBody } from '../api-schemas.ts';
import { fromLondon } from '../../platform/london-time.ts';
import { type ErrorItem, errorItems, fieldErrors, pageLinks } from '../forms.ts';
import { outsideArea, voiced } from './form-voice.ts';
import type { Navigation } from '../nav.ts';

const STAFF = [...ACCESS_STAFF];
const Id = Type.Object({ id: Type.String({ format: 'uuid' }) });
const Nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()]);
const Str = (options?: Parameters<typeof Type.String>[0]) => Type.String(options);

const ReferralBody = Type.Object(
  {
    person: Type.Optional(
      Type.Object({
        nhsNumber: Type.Optional(Type.String({ description: '10 digits passing Modulus 11; spaces allowed' })),
        givenName: Type.Optional(Type.String()),
        familyName: Type.Optional(Type.String()),
        birthDate: Type.Optional(Type.String({ description: 'YYYY-MM-DD' })),
        postcode: Type.Optional(Type.String({ description: 'UK postcode; the borough comes from it' })),
        gpPractice: Type.Optional(Nullable(Type.String({ description: 'ODS code of the GP practice, e.g. F83004' }))),
        phone: Type.Optional(Nullable(Type.String({ description: 'For notifications by phone or text' }))),
        email: Type.Optional(Nullable(Type.String({ description: 'For notifications by email' }))),
      }),
    ),
    component: Type.Optional(Type.String({ description: 'A core offer component code, e.g. "podiatry"' })),
    urgency: Type.Optional(Type.String({ description: '"urgent", "routine", or a level the component defines' })),
    reason: Type.Optional(Type.String({ maxLength: 4000 })),
    source: Type.Optional(Type.String({ description: '"professional" or "self"' })),
    communication: Type.Optional(
      Type.Object({
        language: Type.Optional(Nullable(Type.String())),
        interpreter: Type.Optional(Type.Boolean()),
        bsl: Type.Optional(Type.Boolean()),
        needs: Type.Optional(Nullable(Type.String({ description: 'Sensory, dementia-friendly and other needs' }))),
        preferredContact: Type.Optional(Type.String({ description: PREFERRED_CONTACTS.join(', ') })),
        address: Type.Optional(
          Type.Object(
            {
              line1: Type.Optional(Type.String({ maxLength: 200 })),
              line2: Type.Optional(Nullable(Type.String({ maxLength: 200 }))),
              town: Type.Optional(Type.String({ maxLength: 100 })),
            },
            { description: 'Where letters go (with the home postcode)' },
          ),
        ),
      }),
    ),
    referredBy: Type.Optional(
      Type.String({ description: '"self" or "parent-or-carer": who filled in a self-referral' }),
    ),
    carer: Type.Optional(
      Type.Object(
        {
          name: Type.Optional(Type.String({ maxLength: 100 })),
          relationship: Type.Optional(Type.String({ maxLength: 60 })),
          phone: Type.Optional(Type.String({ maxLength: 30 })),
        },
        { description: "The parent or carer to contact about a child's referral" },
      ),
    ),
  },
  { description: 'A referral. Fields are checked all at once; each problem names its field.' },
);

const Reason = Type.Object({ check: Str(), message: Str() });
const Ref = Type.Object({ id: Str(), name: Str() });
const SubmitResponse = Type.Object({
  id: Str(),
  reference: Str(),
  status: Str(),
  receivedAt: Str(),
  component: Type.Object({ code: Str(), name: Str() }),
  borough: Type.Object({ code: Str(), name: Str() }),
  ageGroup: Str(),
  urgency: Str(),
  receivingService: Type.Union([Ref, Type.Null()]),
  reasons: Type.Array(Reason),
  noService: Type.Union([
    Type.Object({ kind: Str(), level: Str(), message: Str(), recordedAsGap: Type.Boolean() }),
    Type.Null(),
  ]),
  firstContactDue: Nullable(Str()),
  eligibilityToConfirm: Type.Array(Str()),
  likelyDuplicateOf: Nullable(Str()),
});
const Open = Type.Object({}, { additionalProperties: true });
const WorklistResponse = Type.Object({
  items: Type.Array(
    Type.Object({
      id: Str(),
      reference: Str(),
      name: Str(),
      nhsNumber: Str(),
      component: Str(),
      componentName: Str(),
      borough: Str(),
      boroughName: Str(),
      urgency: Str(),
      source: Str(),
      status: Str(),
      service: Type.Union([Ref, Type.Null()]),
      receivedAt: Str(),
      dueAt: Nullable(Str()),
      timeLeft: Nullable(Str()),
      breach: Nullable(Str()),
      claimedBy: Nullable(Str()),
      claimedByName: Nullable(Str()),
      likelyDuplicateOf: Nullable(Str()),
      detailsDiffer: Type.Boolean(),
      routed: Type.Boolean(),
    }),
  ),
  total: Type.Integer({ description: 'Referrals matching, exact up to totalCap' }),
  totalCapped: Type.Boolean({ description: 'More than totalCap match (the count stops there)' }),
  totalCap: Type.Integer(),
  pageSize: Type.Integer(),
  next: Nullable(Str({ description: 'Pass as `after` for the next page; null on the last page' })),
  previous: Nullable(Str({ description: 'Pass as `before` for the previous page; null on the first page' })),
});

const ACTIONS = ['triage', 'accept', 'redirect', 'first-contact', 'close'] as const;
type ActionName = (typeof ACTIONS)[number];
const ActionBodies: Record<ActionName, ReturnType<typeof Type.Object>> = {
  triage: Type.Object({
    serviceId: Type.Optional(Nullable(Type.String({ maxLength: 200, description: 'Proposed service' }))),
    note: Type.Optional(Type.String({ maxLength: 2000 })),
  }),
  accept: Type.Object({
    serviceId: Type.Optional(Type.String({ maxLength: 200, description: 'Defaults to the proposed service' })),
    note: Type.Optional(Type.String({ maxLength: 2000 })),
  }),
  redirect: Type.Object({
    reason: Type.Optional(Type.String({ maxLength: 2000 })),
    toServiceId: Type.Optional(Nullable(Type.String({ maxLength: 200 }))),
  }),
  'first-contact': Type.Object({
    at: Type.Optional(Type.String({ format: 'date-time', description: 'When contact was made; now by default' })),
    note: Type.Optional(Type.String({ maxLength: 2000 })),
  }),
  close: Type.Object({
    outcome: Type.Optional(Type.String({ maxLength: 50, description: CLOSE_OUTCOMES.join(', ') })),
    note: Type.Optional(Type.String({ maxLength: 2000 })),
  }),
};
const ACTION_SUMMARY: Record<ActionName, string> = {
  triage: 'Triage a referral (optionally proposing a service)',
  accept: 'Accept a referral for a service; sets the first-contact due time from its standard',
  redirect: 'Redirect a referral with a reason, to another service or back to the triager',
  'first-contact': 'Record first contact with the person',
  close: 'Close a referral with an outcome',
};

// biome-ignore lint/suspicious/noExplicitAny: action bodies vary by action
function toAction(type: ActionName, b: any): ActionInput {
  switch (type) {
    case 'triage':
      return { type, serviceId: b.serviceId || null, note: b.note };
    case 'accept':
      return { type, serviceId: b.serviceId || undefined, note: b.note };
    case 'redirect':
      return { type, reason: b.reason ?? '', toServiceId: b.toServiceId || null };
    case 'first-contact':
      return { type, at: b.at || undefined, note: b.note };
    case 'close':
      return { type, outcome: b.outcome ?? '', note: b.note };
  }
}

// ---------------------------------------------------------------------------------------------
// Forms

/** The first-contact form's London date and time (day, month, year, hh:mm) as an instant; all empty is "now".
 * A part given without the rest, or a date that does not exist, is a 400 naming the field. */
function firstContactAt(f: FormValues): string | undefined {
  const parts = [f.atDay, f.atMonth, f.atYear, f.atTime].map((v) => (v ?? '').trim());
  if (parts.every((v) => v === '')) return undefined;
  const [day, month, year, time] = parts;
  const hm = /^(\d{1,2})[:.](\d{2})$/.exec(time);
  const bad = () =>
    new ValidationError([
      {
        field: 'at',
        message: 'Enter the date and time of first contact, like 2 12 2026 and 14:30, or leave them all empty for now',
      },
    ]);
  if (!/^\d{1,2}$/.test(day) || !/^\d{1,2}$/.test(month) || !/^\d{4}$/.test(year) || !hm) throw bad();
  const local = { year: +year, month: +month, day: +day, hour: +hm[1], minute: +hm[2], second: 0, millisecond: 0 };
  if (local.hour > 23 || local.minute > 59 || local.month < 1 || local.month > 12 || local.day < 1) throw bad();
  const probe = new Date(Date.UTC(local.year, local.month - 1, local.day));
  if (probe.getUTCDate() !== local.day) throw bad();
  return fromLondon(local).toISOString();
}

const FIELD_IDS: Record<string, string> = {
  'person.nhsNumber': 'nhsNumber',
  'person.givenName': 'givenName',
  'person.familyName': 'familyName',
  'person.birthDate': 'birthDate-day',
  'person.postcode': 'postcode',
  'person.gpPractice': 'gpPractice',
  'person.phone': 'phone',
  'person.email': 'email',
  'communication.language': 'language',
  'communication.interpreter': 'interpreter',
  'communication.bsl': 'bsl',
  'communication.needs': 'needs',
  'communication.preferredContact': 'preferredContact',
  'communication.address.line1': 'addressLine1',
  'communication.address.line2': 'addressLine2',
  'communication.address.town': 'addressTown',
  referredBy: 'referredBy',
  'carer.name': 'carerName',
  'carer.relationship': 'carerRelationship',
  'carer.phone': 'carerPhone',
};
const fieldId = (field: string) => FIELD_IDS[field] ?? field.replace(/[^A-Za-z0-9-]/g, '-');

type FormValues = Record<string, string | undefined>;

/** The form's flat fields → the API's referral body, so both go through the same checks. */
function bodyFromForm(f: FormValues, source: 'self' | 'professional') {
  const day = (f.birthDay ?? '').trim();
  const month = (f.birthMonth ?? '').trim();
  const year = (f.birthYear ?? '').trim();
  const birthDate =
    day || month || year
      ? /^\d{4}$/.test(year) && /^\d{1,2}$/.test(day) && /^\d{1,2}$/.test(month)
        ? `${year}-${month.padStart(2, '0')}-${day.padStart(2, '0')}`
        : 'invalid'
      : '';
  return {
    person: {
      nhsNumber: f.nhsNumber ?? '',
      givenName: f.givenName ?? '',
      familyName: f.familyName ?? '',
      birthDate,
      postcode: f.postcode ?? '',
      gpPractice: f.gpPractice?.trim() || null,
      phone: f.phone?.trim() || null,
      email: f.email?.trim() || null,
    },
    component: f.component ?? '',
    urgency: f.urgency ?? '',
    reason: f.reason ?? '',
    source,
    communication: {
      interpreter: f.interpreter === 'yes',
      language: f.language?.trim() || null,
      bsl: f.bsl === 'yes',
      needs: f.needs?.trim() || null,
      preferredContact: f.preferredContact || undefined,
      address: { line1: f.addressLine1 ?? '', line2: f.addressLine2 ?? '', town: f.addressTown ?? '' },
    },
    referredBy: f.referredBy || undefined,
    carer: { name: f.carerName ?? '', relationship: f.carerRelationship ?? '', phone: f.carerPhone ?? '' },
  };
}

const FormBody = Type.Record(Type.String(), Type.String({ maxLength: 5000 }));

const URGENCY_WORDS: Record<string, { text: string; hint: string }> = {
  emergency: { text: 'Emergency', hint: 'Someone is at risk now. If life is at risk call 999.' },
  urgent: { text: 'Urgent', hint: 'It needs attention in the next day or two' },
  routine: { text: 'Routine', hint: 'It can wait for a routine appointment' },
};

function urgencyItems(component: Component, ageGroups: readonly string[] | null, source: 'self' | 'professional') {
  const route = source === 'self' ? ['self-referral'] : ['professional-referral', 'central-point-of-access'];
  const provisions = component.provisions.filter(
    (p) => (!ageGroups || ageGroups.includes(p.ageGroup)) && p.accessRoutes.some((r) => route.includes(r)),
  );
  const seen = new Map<string, string>();
  for (const p of provisions)
    for (const s of p.responseStandards) {
      if (!seen.has(s.urgency)) seen.set(s.urgency, humaniseDuration(s.firstContact, s.clock));
    }
  return [...seen].map(([code, within]) => {
    const level = component.urgencyLevels?.find((l) => l.code === code);
    const words = URGENCY_WORDS[code];
    return {
      value: code,
      text: words?.text ?? level?.name ?? code,
      hint: `${words?.hint ?? level?.description ?? ''}${words?.hint || level?.description ? '. ' : ''}First contact ${within}.`.replace(
        '..',
        '.',
      ),
    };
  });
}

function selfReferralGroups(component: Component): string[] {
  return component.provisions.filter((p) => p.accessRoutes.includes('self-referral')).map((p) => p.ageGroup);
}

function groupsText(codes: readonly string[]): string {
  const names = AGE_GROUPS.filter((g) => codes.includes(g.code)).map(
    (g) => `${g.name.toLowerCase()} (${g.maxAge === null ? `${g.minAge} and over` : `${g.minAge} to ${g.maxAge}`})`,
  );
  return names.length <= 1 ? names.join('') : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

const STATUS_TEXT: Record<string, { text: string; classes: string }> = {
  received: { text: 'Received', classes: 'nhsuk-tag--blue' },
  triaged: { text: 'Triaged', classes: 'nhsuk-tag--aqua-green' },
  accepted: { text: 'Accepted', classes: 'nhsuk-tag--green' },
  redirected: { text: 'Redirected', classes: 'nhsuk-tag--orange' },
  'first-contact-made': { text: 'First contact made', classes: 'nhsuk-tag--purple' },
  closed: { text: 'Closed', classes: 'nhsuk-tag--grey' },
};
const BREACH_TEXT: Record<string, { text: string; classes: string }> = {
  breached: { text: 'Breached', classes: 'nhsuk-tag--red' },
  'due-soon': { text: 'Due soon', classes: 'nhsuk-tag--yellow' },
  'on-track': { text: 'On track', classes: 'nhsuk-tag--white' },
  met: { text: 'Met', classes: 'nhsuk-tag--green' },
};
const OUTCOME_TEXT: Record<string, string> = {
  signposted: 'Signposted to a local service or group',
  completed: 'Completed',
  'not-eligible': 'Not eligible',
  declined: 'The person declined',
  withdrawn: 'Withdrawn by the referrer',
  duplicate: 'Duplicate of another referral',
  'unable-to-contact': 'Unable to contact',
};
const EVENT_TEXT: Record<string, string> = {
  receive: 'Referral received',
  claim: 'Claimed for triage',
  visit: 'Visit for the scheduling board',
  triage: 'Triaged',
  accept: 'Accepted by a service',
  redirect: 'Redirected',
  'first-contact': 'First contact made',
  close: 'Closed',
  'person-update': "Person's record updated",
};
const CONTACT_TEXT: Record<string, string> = {
  phone: 'Phone call',
  text: 'Text message',
  email: 'Email',
  letter: 'Letter',
};

export default async function accessRoutes(
  appBase: FastifyInstance,
  { deps, navigation }: { deps: AppDeps; navigation: Navigation },
) {
  const app = appBase.withTypeProvider<TypeBoxTypeProvider>();
  const { db } = deps.database;
  const { config } = deps;
  const systemOf = (actor: Actor | null) => actor?.systemId ?? config.defaultSystem;
  const confirmationCookie = cookieName('self-referral', config.secureCookies);

  navigation.add({ href: '/access', text: 'Referrals', roles: STAFF });
  navigation.addTasks(['spa'], async (actor) => {
    const waiting = await referralsToTriage(db, actor, deps.clock.now());
    return [
      {
        count: waiting.count,
        more: waiting.capped,
        one: 'referral to triage',
        many: 'referrals to triage',
        href: '/access',
      },
    ];
  });
  navigation.add({ href: '/access/gaps', text: 'Offer gaps', roles: ['commissioner', 'analyst'] });

  // JSON API ------------------------------------------------------------------------------------------
  app.post(
    '/api/referrals',
    {
      config: { policy: STAFF },
      schema: {
        tags: ['access'],
        summary: 'Send a referral to the central point of access',
        description:
          'Checks the referral (400 naming each field), routes it to a service or records why none fits, and ' +
          'flags a likely duplicate (same person and component, open, within 30 days) for the triager. ' +
          'Send an Idempotency-Key header to make retries safe: the same key returns the same answer.',
        headers: Type.Object({ 'idempotency-key': Type.Optional(Type.String({ maxLength: 200 })) }),
        body: ReferralBody,
        response: { 201: SubmitResponse, 400: ErrorBody, 409: ErrorBody, 422: ErrorBody },
      },
    },
    async (request, reply) => {
      const result = await submitReferral(db, request.actor!, request.body, {
        idempotencyKey: request.headers['idempotency-key'],
        now: deps.clock.now(),
        requestId: request.id,
      });
      if (result.replayed) reply.header('idempotency-replayed', 'true');
      return reply.status(result.status as 201).send(result.body);
    },
  );

  app.get(
    '/api/referrals',
    {
      config: { policy: STAFF },
      schema: {
        tags: ['access'],
        summary: 'Worklist: referrals ordered by due time, with time left and breaches',
        querystring: Type.Object({
          status: Type.Optional(Type.Array(Type.String({ enum: [...REFERRAL_STATUSES] }))),
          service: Type.Optional(Type.String({ maxLength: 200 })),
          due_before: Type.Optional(Type.String({ format: 'date-time' })),
          mine: Type.Optional(Type.Boolean()),
          search: Type.Optional(
            Type.String({
              maxLength: 200,
              description: "A referral reference, an NHS number (spaces allowed) or words of the person's name",
            }),
          ),
          after: Type.Optional(
            Type.String({ maxLength: 300, description: 'The `next` cursor of the page before (keyset paging)' }),
          ),
          before: Type.Optional(
            Type.String({ maxLength: 300, description: 'The `previous` cursor of the page after (keyset paging)' }),
          ),
          pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
        }),
        response: { 200: WorklistResponse, 400: ErrorBody },
      },
    },
    async (request) => {
      const q = request.query;
      return listReferrals(
        db,
        request.actor!,
        {
          status: q.status,
          serviceId: q.service,
          dueBefore: q.due_before ? new Date(q.due_before) : undefined,
          mine: q.mine,
          search: q.search,
          after: q.after,
          before: q.before,
          pageSize: q.pageSize,
        },
        { now: deps.clock.now(), requestId: request.id },
      );
    },
  );

  app.get(
    '/api/referrals/:id',
    {
      config: { policy: STAFF },
      schema: {
        tags: ['access'],
        summary: "A referral with the person, communication needs and the person's timeline (audited)",
        params: Id,
        response: { 200: Open, 404: ErrorBody },
      },
    },
    async (request) =>
      getReferral(db, request.actor!, request.params.id, { now: deps.clock.now(), requestId: request.id }),
  );

  app.post(
    '/api/referrals/:id/claim',
    {
      config: { policy: STAFF },
      schema: {
        tags: ['access'],
        summary: 'Claim a referral for triage; 409 when someone else claimed it first',
        params: Id,
        response: {
          200: Type.Object({ id: Str(), claimedBy: Str(), claimedByName: Str(), claimedAt: Str() }),
          404: ErrorBody,
          409: ErrorBody,
        },
      },
    },
    async (request) =>
      claimReferral(db, request.actor!, request.params.id, { now: deps.clock.now(), requestId: request.id }),
  );

  for (const action of ACTIONS) {
    app.post(
      `/api/referrals/:id/${action}`,
      {
        config: { policy: STAFF },
        schema: {
          tags: ['access'],
          summary: ACTION_SUMMARY[action],
          description: 'An action the referral status does not allow is 409 naming the transition.',
          params: Id,
          body: ActionBodies[action],
          response: { 200: Open, 400: ErrorBody, 404: ErrorBody, 409: ErrorBody },
        },
      },
      async (request) =>
        actOnReferral(db, request.actor!, request.params.id, toAction(action, request.body ?? {}), {
          now: deps.clock.now(),
          requestId: request.id,
        }),
    );
  }

  app.post(
    '/api/referrals/:id/person',
    {
      config: { policy: STAFF },
      schema: {
        tags: ['access'],
        summary: "Copy details this referral gave to the person's record (a deliberate, audited change)",
        description:
          "A referral never changes the person's record. When its details differ, the triager may copy the " +
          'fields they have checked; only fields that differ can be chosen.',
        params: Id,
        body: Type.Object({
          fields: Type.Optional(Type.Array(Type.String({ enum: [...PERSON_DETAIL_FIELDS] }), { maxItems: 7 })),
        }),
        response: { 200: Open, 400: ErrorBody, 403: ErrorBody, 404: ErrorBody },
      },
    },
    async (request) =>
      updatePersonFromReferral(db, request.actor!, request.params.id, request.body.fields ?? [], {
        now: deps.clock.now(),
        requestId: request.id,
      }),
  );

  app.get(
    '/api/access/compliance',
    {
      config: { policy: [...COMPLIANCE_READERS] },
      schema: {
        tags: ['access'],
        summary:
          'Per component, borough and month: referrals, routed first time, median and 90th percentile hours to first contact, share meeting the standard',
        querystring: Type.Object({
          from: Type.Optional(Type.String({ format: 'date', description: 'Received on or after (UTC date)' })),
          to: Type.Optional(Type.String({ format: 'date', description: 'Received before (UTC date)' })),
          component: Type.Optional(Type.String({ maxLength: 100 })),
          borough: Type.Optional(Type.String({ maxLength: 20 })),
        }),
        response: { 200: Open, 400: ErrorBody },
      },
    },
    async (request) => complianceReport(db, request.actor!, request.query, { now: deps.clock.now() }),
  );

  app.get(
    '/api/access/gaps',
    {
      config: { policy: [...GAP_READERS] },
      schema: {
        tags: ['access'],
        summary: 'Offer gaps found while routing referrals: evidence for commissioners',
        querystring: Type.Object({
          page: Type.Optional(Type.Integer({ minimum: 1, maximum: 100000 })),
          pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })),
        }),
        response: { 200: Open },
      },
    },
    async (request) => listOfferGaps(db, request.actor!, request.query, { requestId: request.id }),
  );

  // Public self-referral -----------------------------------------------------------------------------
  const findComponent = async (systemId: string, code: string) => {
    const ctx = await routingContext(db, systemId);
    const component = ctx.components.find((c) => c.code === code);
    if (!component) throw new NotFoundError('Service');
    return component;
  };

  const renderSelfForm = (
    reply: FastifyReply,
    component: Component,
    values: FormValues,
    errors: { text: string; href: string }[] = [],
  ) => {
    const groups = selfReferralGroups(component);
    const outside = outsideArea(errors);
    errors = voiced(errors, 'self');
    return reply.render('access/self-referral.njk', {
      title: `Refer yourself: ${component.name}`,
      component,
      groupsText: groupsText(groups),
      urgencies: urgencyItems(component, groups, 'self'),
      values,
      errors,
      fieldErrors: fieldErrors(errors),
      outsideArea: outside,
      forChildren: groups.includes('children-young-people'),
      action: `/refer/${component.code}`,
    });
  };

  app.get(
    '/refer/:componentCode',
    {
      config: { policy: 'public' },
      schema: { params: Type.Object({ componentCode: Type.String({ pattern: '^[a-z0-9-]{1,100}$' }) }) },
    },
    async (request, reply) => {
      const component = await findComponent(systemOf(request.actor), request.params.componentCode);
      if (selfReferralGroups(component).length === 0) {
        return reply
          .status(404)
          .render('access/no-self-referral.njk', { title: `Getting ${component.name}`, component });
      }
      return renderSelfForm(reply, component, {});
    },
  );

  app.post(
    '/refer/:componentCode',
    {
      config: { policy: 'public', rateLimit: { max: config.publicPostRateLimit, timeWindow: '1 minute' } },
      schema: {
        params: Type.Object({ componentCode: Type.String({ pattern: '^[a-z0-9-]{1,100}$' }) }),
        body: FormBody,
      },
    },
    async (request, reply) => {
      const systemId = systemOf(request.actor);
      const component = await findComponent(systemId, request.params.componentCode);
      if (selfReferralGroups(component).length === 0) {
        return reply
          .status(404)
          .render('access/no-self-referral.njk', { title: `Getting ${component.name}`, component });
      }
      const values = request.body as FormValues;
      const body = bodyFromForm({ ...values, component: component.code }, 'self');
      try {
        // Only this browser may see the confirmation: a one-time token in a cookie, its hash on the referral.
        const submitter = submitterToken();
        const result = await submitReferral(db, residentActor(systemId), body, {
          publicForm: true,
          now: deps.clock.now(),
          requestId: request.id,
          submitterHash: submitter.hash,
        });
        reply.setCookie(confirmationCookie, submitter.token, {
          path: '/',
          httpOnly: true,
          sameSite: 'lax',
          secure: config.secureCookies,
          maxAge: CONFIRMATION_MINUTES * 60,
        });
        return reply.redirect(`/refer/confirmation/${result.body.reference}`, 303);
      } catch (error) {
        if (error instanceof DomainError && error.status === 400 && error.fields.length) {
          reply.status(400);
          return renderSelfForm(reply, component, values, errorItems(error, fieldId));
        }
        throw error;
      }
    },
  );

  app.get(
    '/refer/confirmation/:reference',
    {
      config: { policy: 'public', rateLimit: { max: config.publicPostRateLimit, timeWindow: '1 minute' } },
      schema: { params: Type.Object({ reference: Type.String({ pattern: '^CPA-[A-Z0-9]{8}$' }) }) },
    },
    async (request, reply) => {
      const found = await selfReferralConfirmation(
        db,
        systemOf(request.actor),
        request.params.reference,
        request.cookies[confirmationCookie],
        { now: deps.clock.now(), requestId: request.id },
      );
      if (!found) throw new NotFoundError('Referral');
      reply.header('cache-control', 'no-store');
      return reply.render('access/confirmation.njk', { title: 'Referral sent', found });
    },
  );

  // Staff: worklist ------------------------------------------------------------------------------------
  const VIEWS = {
    triage: { label: 'To triage', status: TRIAGE_STATUSES },
    accepted: { label: 'Waiting for first contact', status: ['accepted'] },
    mine: { label: 'Claimed by me', status: ['received', 'triaged', 'redirected', 'accepted'] },
    closed: { label: 'Contacted and closed', status: ['first-contact-made', 'closed'] },
  } as const;
  type View = keyof typeof VIEWS;

  app.get(
    '/access',
    {
      config: { policy: STAFF },
      schema: {
        querystring: Type.Object({
          view: Type.Optional(Type.String({ enum: Object.keys(VIEWS) })),
          after: Type.Optional(Type.String({ maxLength: 300 })),
          before: Type.Optional(Type.String({ maxLength: 300 })),
          service: Type.Optional(Type.String({ maxLength: 200 })),
          search: Type.Optional(Type.String({ maxLength: 200 })),
        }),
      },
    },
    async (request, reply) => {
      const view: View = (request.query.view as View) ?? 'triage';
      const service = request.query.service || undefined;
      // A search looks across every worklist: someone quoting a reference does not know which one it is on.
      let search = request.query.search?.trim() || undefined;
      const list = (text: string | undefined) =>
        listReferrals(
          db,
          request.actor!,
          {
            status: text ? undefined : [...VIEWS[view].status],
            mine: !text && view === 'mine',
            serviceId: service,
            search: text,
            after: request.query.after,
            before: request.query.before,
            pageSize: 25,
          },
          { now: deps.clock.now(), requestId: request.id },
        );
      // A search that cannot be one is said beside the box, over the worklist without it.
      let errors: ErrorItem[] = [];
      let result: Awaited<ReturnType<typeof listReferrals>>;
      try {
        result = await list(search);
      } catch (error) {
        if (!(error instanceof ValidationError) || !error.fields.some((f) => f.field === 'search')) throw error;
        errors = errorItems(error);
        result = await list(undefined);
        search = undefined;
      }
      const ctx = await routingContext(db, request.actor!.systemId);
      // Page links carry the cursor (keyset paging), so they work without JavaScript like any other link.
      const href = (cursor: Record<string, string>) =>
        `/access?${new URLSearchParams({ view, ...(service ? { service } : {}), ...(search ? { search } : {}), ...cursor })}`;
      return reply.render('access/worklist.njk', {
        title: 'Referrals',
        view,
        views: Object.entries(VIEWS).map(([k, v]) => ({
          key: k,
          label: v.label,
          current: k === view,
          href: `/access?${new URLSearchParams({ view: k, ...(service ? { service } : {}) })}`,
        })),
        service,
        search: search ?? (errors.length ? request.query.search : undefined),
        searchShown: search,
        errors,
        fieldErrors: fieldErrors(errors),
        serviceItems: [
          { value: '', text: 'All services' },
          ...[...ctx.services]
            .sort((a, b) => a.name.localeCompare(b.name))
            .map((x) => ({ value: x.id, text: x.name, selected: x.id === service })),
        ],
        result,
        previous: result.previous ? href({ before: result.previous }) : null,
        next: result.next ? href({ after: result.next }) : null,
        statusText: STATUS_TEXT,
        breachText: BREACH_TEXT,
        actorId: request.actor!.id,
        canSeeGaps: (GAP_READERS as readonly string[]).includes(request.actor!.role),
      });
    },
  );

  // Staff: one referral ------------------------------------------------------------------------------------
  const renderReferral = async (
    request: FastifyRequest,
    reply: FastifyReply,
    id: string,
    extra: { errors?: { text: string; href: string }[]; values?: FormValues; need?: string; done?: string } = {},
  ) => {
    const actor = request.actor!;
    const r = await getReferral(db, actor, id, { now: deps.clock.now(), requestId: request.id });
    const ctx = await routingContext(db, actor.systemId);
    const component = ctx.components.find((c) => c.code === r.component);
    const fitting = component
      ? ctx.services
          .filter((s) => standardForService(component, s, r.age, r.urgency))
          .map((s) => ({
            id: s.id,
            name: s.name,
            local: s.boroughs.includes(r.borough),
          }))
          .sort((a, b) => Number(b.local) - Number(a.local) || a.name.localeCompare(b.name))
      : [];
    const need = extra.need?.trim() ?? '';
    const assets = need
      ? await searchAssets(db, actor.systemId, { need, borough: r.borough, age: r.age }, { pageSize: 10 })
      : null;
    const assetsText =
      need && assets && assets.total === 0
        ? await searchAssets(db, actor.systemId, { text: need, borough: r.borough, age: r.age }, { pageSize: 10 })
        : null;
    const serviceItems = (selected?: string | null) => [
      { value: '', text: 'Choose a service' },
      ...fitting.map((s) => ({
        value: s.id,
        text: `${s.name}${s.local ? '' : ' (outside the borough)'}`,
        selected: s.id === selected,
      })),
    ];
    const errors = extra.errors ?? [];
    return reply.render('access/referral.njk', {
      title: `Referral ${r.reference}`,
      r,
      claimedByMe: r.claimedBy === actor.id,
      personItems: r.differences.map((d) => ({ value: d.field, text: `${d.label}: ${d.given ?? ''}` })),
      // The hub, or the organisation whose service holds the referral (the service checks again).
      canChangePerson:
        actor.role === 'spa' ||
        (!!r.service && ctx.services.find((s) => s.id === r.service!.id)?.organisationCode === actor.organisationCode),
      canAct: !r.claimedBy || r.claimedBy === actor.id || !['received', 'triaged', 'redirected'].includes(r.status),
      statusText: STATUS_TEXT,
      breachText: BREACH_TEXT,
      eventText: EVENT_TEXT,
      outcomeText: OUTCOME_TEXT,
      contactText: CONTACT_TEXT,
      routing: r.routing,
      fittingServices: serviceItems(r.serviceId),
      redirectServices: [{ value: '', text: 'Back to the central point of access' }, ...serviceItems().slice(1)],
      outcomes: CLOSE_OUTCOMES.map((o) => ({ value: o, text: OUTCOME_TEXT[o] ?? o })),
      need,
      assets: (assetsText ?? assets)?.items ?? null,
      errors,
      fieldErrors: fieldErrors(errors),
      values: extra.values ?? {},
      done: extra.done,
    });
  };

  app.get(
    '/access/referrals/:id',
    {
      config: { policy: STAFF },
      schema: {
        params: Id,
        querystring: Type.Object({
          need: Type.Optional(Type.String({ maxLength: 200 })),
          done: Type.Optional(Type.String({ maxLength: 40 })),
        }),
      },
    },
    async (request, reply) =>
      renderReferral(request, reply, request.params.id, { need: request.query.need, done: request.query.done }),
  );

  app.post(
    '/access/referrals/:id/:action',
    {
      config: { policy: STAFF },
      schema: {
        params: Type.Object({
          id: Type.String({ format: 'uuid' }),
          action: Type.String({ enum: ['claim', ...ACTIONS] }),
        }),
        body: FormBody,
      },
    },
    async (request, reply) => {
      const { id, action } = request.params;
      const form = (request.body ?? {}) as FormValues;
      try {
        if (action === 'first-contact') form.at = firstContactAt(form);
        if (action === 'claim')
          await claimReferral(db, request.actor!, id, { now: deps.clock.now(), requestId: request.id });
        else {
          const result = await actOnReferral(db, request.actor!, id, toAction(action as ActionName, form), {
            now: deps.clock.now(),
            requestId: request.id,
          });
          // Sent to another organisation's service: it leaves this organisation's worklist.
          if ('handedOver' in result) return reply.redirect('/access', 303);
        }
        return reply.redirect(`/access/referrals/${id}?done=${action}`, 303);
      } catch (error) {
        if (error instanceof DomainError && (error.status === 400 || error.status === 409)) {
          reply.status(error.status);
          const errors = error.fields.length
            ? errorItems(error, (field) => `${action}-${field}`)
            : [{ text: error.message, href: '#status' }];
          return renderReferral(request, reply, id, { errors, values: form });
        }
        throw error;
      }
    },
  );

  app.post(
    '/access/referrals/:id/person',
    {
      config: { policy: STAFF },
      schema: {
        params: Id,
        body: Type.Object({
          _csrf: Type.Optional(Type.String()),
          fields: Type.Optional(Type.Array(Type.String({ maxLength: 50 }), { maxItems: 10 })),
        }),
      },
    },
    async (request, reply) => {
      const id = request.params.id;
      try {
        await updatePersonFromReferral(db, request.actor!, id, request.body.fields ?? [], {
          now: deps.clock.now(),
          requestId: request.id,
        });
        return reply.redirect(`/access/referrals/${id}?done=person`, 303);
      } catch (error) {
        if (error instanceof DomainError && error.status === 400) {
          reply.status(400);
          return renderReferral(request, reply, id, { errors: errorItems(error, () => 'person-fields') });
        }
        throw error;
      }
    },
  );

  // Staff: professional referral ---------------------------------------------------------------------------
  const renderProfessionalForm = async (
    request: FastifyRequest,
    reply: FastifyReply,
    values: FormValues,
    errors: { text: string; href: string }[] = [],
  ) => {
    const ctx = await routingContext(db, request.actor!.systemId);
    const components = [...ctx.components].sort((a, b) => a.name.localeCompare(b.name));
    const chosen = components.find((c) => c.code === values.component);
    return reply.render('access/professional-referral.njk', {
      title: 'Make a referral',
      componentItems: [
        { value: '', text: 'Choose a service' },
        ...components.map((c) => ({ value: c.code, text: c.name, selected: c.code === values.component })),
      ],
      urgencies: chosen
        ? urgencyItems(chosen, null, 'professional')
        : [
            { value: 'urgent', text: 'Urgent', hint: URGENCY_WORDS.urgent.hint },
            { value: 'routine', text: 'Routine', hint: URGENCY_WORDS.routine.hint },
          ],
      values,
      errors,
      fieldErrors: fieldErrors(errors),
    });
  };

  app.get(
    '/access/new',
    {
      config: { policy: STAFF },
      schema: { querystring: Type.Object({ component: Type.Optional(Type.String({ maxLength: 100 })) }) },
    },
    async (request, reply) => renderProfessionalForm(request, reply, { component: request.query.component }),
  );

  app.post('/access/new', { config: { policy: STAFF }, schema: { body: FormBody } }, async (request, reply) => {
    const values = request.body as FormValues;
    try {
      const result = await submitReferral(db, request.actor!, bodyFromForm(values, 'professional'), {
        now: deps.clock.now(),
        requestId: request.id,
      });
      return reply.redirect(`/access/referrals/${result.body.id}?done=created`, 303);
    } catch (error) {
      if (error instanceof DomainError && error.status === 400 && error.fields.length) {
        reply.status(400);
        return renderProfessionalForm(request, reply, values, voiced(errorItems(error, fieldId), 'professional'));
      }
      throw error;
    }
  });

  // Commissioners: offer gaps, and compliance --------------------------------------------------------------
  app.get(
    '/access/gaps',
    {
      config: { policy: [...GAP_READERS] },
      schema: { querystring: Type.Object({ page: Type.Optional(Type.Integer({ minimum: 1, maximum: 100000 })) }) },
    },
    async (request, reply) => {
      const gaps = await listOfferGaps(
        db,
        request.actor!,
        { page: request.query.page, pageSize: 50 },
        { requestId: request.id },
      );
      const report = await complianceReport(db, request.actor!, {}, { now: deps.clock.now() });
      return reply.render('access/gaps.njk', {
        title: 'Offer gaps found by referrals',
        gaps,
        compliance: report.rows,
        ...pageLinks(gaps, (p) => `/access/gaps?page=${p}`),
        ageGroupsForAge,
      });
    },
  );
}
