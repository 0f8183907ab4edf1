// Commands and queries of the central point of access. Each takes (db, actor, …); each command is one
// transaction that changes the referral, records an event (the person's timeline), writes the audit row and,
// where the person should hear about it, an outbox message by their preferred contact. Every read of a
// referral is audited ('referral.read').
//
// Routing uses the published offer and the directory through their modules' services, cached per database
// for ROUTING_CACHE_MS (a newly published offer reaches routing within that time).
import { parseWorklistSearch } from './worklist-search.ts';
import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { audit } from '../../platform/audit/audit.ts';
import {
  endRelationships,
  NoRelationshipError,
  type RelationshipGrant,
  relate,
  relateAll,
  visibleSources,
} from '../../platform/auth/relationships.ts';
import { type Actor, systemActor } from '../../platform/auth/roles.ts';
import { type AnyDb, inTransaction } from '../../platform/db/database.ts';
import {
  ConflictError,
  type FieldError,
  ForbiddenError,
  NotFoundError,
  ValidationError,
} from '../../platform/errors.ts';
import { withIdempotency } from '../../platform/idempotency.ts';
import { enqueue } from '../../platform/outbox.ts';
import { listRoutableServices } from '../directory/index.ts';
import {
  AGE_GROUPS,
  type AgeGroupCode,
  ageGroupsForAge,
  type Component,
  getPublishedOffer,
  type OfferDocument,
  type ResponseStandard,
} from '../offer/index.ts';
import { listPlaces } from '../places/index.ts';
import { createVisitFromReferral, listTeamsFor, type VisitPriority } from '../scheduling/index.ts';
import * as repo from './access.repository.ts';
import { breachStatus, firstContactDue, timeLeft } from './clock.ts';
import { type ComplianceRow, computeCompliance, type ReferralFact } from './compliance.ts';
import { boroughLookupFromDistricts, type PostcodeDistrictsFile, validatePostcodeDistricts } from './postcode.ts';
import districts from '../../../data/ncl/postcode-districts.json' with { type: 'json' };
import {
  CLOSE_OUTCOMES,
  type CloseOutcome,
  type EventActor,
  findLikelyDuplicates,
  receiveReferral,
  type ReferralAction,
  type ReferralInput,
  transition,
  validateReferralInput,
} from './referral.ts';
import {
  detailsThatDiffer,
  PERSON_DETAIL_FIELDS,
  PERSON_DETAIL_LABELS,
  type PersonDetailField,
} from './person-details.ts';
import { type RoutableService, type RoutingResult, routeReferral } from './routing.ts';

export const ACCESS_STAFF = ['spa', 'clinician'] as const;
export const GAP_READERS = ['commissioner', 'analyst', 'spa'] as const;
export const COMPLIANCE_READERS = ['spa', 'clinician', 'commissioner', 'analyst'] as const;

// ---------------------------------------------------------------------------------------------
// Routing context: the published offer, the directory's services and the boroughs

export interface RoutingContext {
  offer: OfferDocument | null;
  components: Component[];
  services: RoutableService[];
  boroughNames: Record<string, string>;
  areaBoroughs: string[];
}

const ROUTING_CACHE_MS = 10_000;
const contextCache = new WeakMap<AnyDb, Map<string, { at: number; value: Promise<RoutingContext> }>>();

const districtFile: PostcodeDistrictsFile = (() => {
  const checked = validatePostcodeDistricts(districts);
  if (!checked.ok) throw new Error(`data/ncl/postcode-districts.json: ${checked.errors[0].message}`);
  return checked.value;
})();
const boroughLookup = boroughLookupFromDistricts(districtFile);

/** The offer, services and boroughs routing needs for a system (cached briefly per database). */
export function routingContext(db: AnyDb, systemId: string): Promise<RoutingContext> {
  const perDb = contextCache.get(db) ?? new Map<string, { at: number; value: Promise<RoutingContext> }>();
  contextCache.set(db, perDb);
  const hit = perDb.get(systemId);
  if (hit && Date.now() - hit.at < ROUTING_CACHE_MS) return hit.value;
  const value = (async () => {
    const [offer, services, places] = await Promise.all([
      getPublishedOffer(db, systemId),
      listRoutableServices(db, systemId),
      listPlaces(db, systemId),
    ]);
    const boroughNames: Record<string, string> = {};
    for (const b of districtFile.area.boroughs) boroughNames[b] = b;
    for (const p of places) boroughNames[p.code] = p.name;
    return {
      offer,
      components: offer?.components ?? [],
      services,
      boroughNames,
      areaBoroughs: places.length ? places.map((p) => p.code) : [...districtFile.area.boroughs],
    };
  })();
  value.catch(() => perDb.delete(systemId));
  perDb.set(systemId, { at: Date.now(), value });
  return value;
}

/** Forget cached routing data (after loading a new offer or directory in the same process). */
export function clearRoutingCache(db: AnyDb): void {
  contextCache.delete(db);
}

// ---------------------------------------------------------------------------------------------
// Helpers

function eventActor(actor: Actor): EventActor {
  return { id: actor.id, name: actor.name, role: actor.role, organisationCode: actor.organisationCode };
}

/** The actor for the public self-referral form: residents have no account. */
export function residentActor(systemId: string): Actor {
  return {
    kind: 'system',
    id: 'self-referral',
    name: 'Self-referral form',
    role: 'system',
    systemId,
    organisationCode: null,
  };
}

const REFERENCE_ALPHABET = '23456789ABCDEFGHJKLMNPQRSTUVWXYZ';
function newReference(): string {
  const bytes = randomBytes(8);
  let s = '';
  for (const b of bytes) s += REFERENCE_ALPHABET[b % REFERENCE_ALPHABET.length];
  return `CPA-${s}`;
}

function narrowestGroup(groups: readonly string[]): AgeGroupCode | undefined {
  const span = (code: string) => {
    const g = AGE_GROUPS.find((a) => a.code === code)!;
    return g.maxAge === null ? 999 : g.maxAge - g.minAge;
  };
  return [...groups].sort((a, b) => span(a) - span(b))[0] as AgeGroupCode | undefined;
}

/** The response standard a service applies to a person of this age at this urgency, if it provides one. */
export function standardForService(
  component: Component,
  service: RoutableService,
  age: number,
  urgency: string,
): { ageGroup: AgeGroupCode; standard: ResponseStandard } | null {
  if (!service.componentCodes.includes(component.code)) return null;
  const groups = ageGroupsForAge(age).filter((g) => service.ageGroups.includes(g));
  const candidates = component.provisions.filter(
    (p) => groups.includes(p.ageGroup) && p.responseStandards.some((s) => s.urgency === urgency),
  );
  const group = narrowestGroup(candidates.map((p) => p.ageGroup));
  if (!group) return null;
  const standard = candidates.find((p) => p.ageGroup === group)!.responseStandards.find((s) => s.urgency === urgency)!;
  return { ageGroup: group, standard };
}

function safeDue(receivedAt: string, standard: ResponseStandard | undefined): string | null {
  if (!standard) return null;
  try {
    return firstContactDue(receivedAt, standard).toISOString();
  } catch {
    return null; // outside the bank-holiday calendar, or an unusable duration: the triager sets it
  }
}

/** The hub's own standard (the central point of access component) when routing finds no service. */
function hubStandard(ctx: RoutingContext, age: number, urgency: string): ResponseStandard | undefined {
  const hub = ctx.components.find((c) => c.code === 'central-point-of-access');
  const groups = ageGroupsForAge(age);
  const provisions = hub?.provisions.filter((p) => groups.includes(p.ageGroup)) ?? [];
  for (const u of [urgency, 'routine']) {
    for (const p of provisions) {
      const s = p.responseStandards.find((r) => r.urgency === u);
      if (s) return s;
    }
  }
  return undefined;
}

function componentName(ctx: RoutingContext, code: string): string {
  return ctx.components.find((c) => c.code === code)?.name ?? code;
}

function serviceRef(ctx: RoutingContext, id: string | null): { id: string; name: string } | null {
  if (!id) return null;
  return { id, name: ctx.services.find((s) => s.id === id)?.name ?? id };
}

// ---------------------------------------------------------------------------------------------
// Who may see and change a referral (issue 10 §3, docs/decisions/0008). The one rule, in one place:
//   - the central point of access (role spa) sees and acts on every referral of the system;
//   - the organisation whose service holds the referral (routed, proposed or accepting) sees and acts on it,
//     and accepts only into its own services;
//   - a member of staff who made a referral sees it (basis 'referrer') but changes it only as above;
//   - everyone else is told "not found", and the refusal is audited.
// The grants are person_relationships rows with the referral as their source; every query for referrals
// (repository functions take a ReferralScope) filters through visibleSources.

const SOURCE = 'referral';

/** The referrals the actor may see now: pass it to every repository read. */
function scopeFor(db: AnyDb, actor: Actor, now: Date): repo.ReferralScope {
  return { systemId: actor.systemId, ids: visibleSources(db, actor, now, SOURCE) };
}

/** One referral the actor may see, or "not found" (audited as a refusal when it exists). */
async function visibleReferral(
  tx: AnyDb,
  actor: Actor,
  id: string,
  o: { now: Date; requestId?: string; forUpdate?: boolean },
): Promise<repo.ReferralWithPerson> {
  const r = await repo.findReferral(tx, scopeFor(tx, actor, o.now), id, { forUpdate: o.forUpdate });
  if (r) return r;
  const exists = await repo.findReferral(tx, repo.wholeSystem(actor.systemId), id);
  if (!exists) throw new NotFoundError('Referral');
  throw new NoRelationshipError('Referral', {
    action: 'referral.refused',
    recordType: 'referral',
    recordId: id,
    outcome: 'refused',
    reason: 'no legitimate relationship',
    requestId: o.requestId,
  });
}

function serviceOrganisation(ctx: RoutingContext, serviceId: string | null | undefined): string | null {
  if (!serviceId) return null;
  return ctx.services.find((s) => s.id === serviceId)?.organisationCode ?? null;
}

function isHub(actor: Actor): boolean {
  return actor.role === 'spa' || actor.role === 'system';
}

/** Changing a referral: the central point of access, or the organisation of the service that holds it. */
function requireActOn(actor: Actor, r: repo.ReferralRow, ctx: RoutingContext): void {
  if (isHub(actor)) return;
  const org = serviceOrganisation(ctx, r.serviceId);
  if (org && org === actor.organisationCode) return;
  throw new ForbiddenError(
    'Only the central point of access or the organisation whose service holds this referral can change it',
  );
}

/** Grants at receipt: the hub, the routed service's organisation, and the member of staff who referred. */
async function grantAtReceipt(tx: AnyDb, actor: Actor, ctx: RoutingContext, r: repo.ReferralRow, at: Date) {
  const base = { systemId: r.systemId, personId: r.personId, sourceType: SOURCE, sourceId: r.id, at };
  // One statement for all of them: a round trip less per submission (issue 18).
  const grants: RelationshipGrant[] = [{ ...base, grantee: { role: 'spa' }, basis: 'referral' }];
  const org = serviceOrganisation(ctx, r.serviceId);
  if (org) grants.push({ ...base, grantee: { organisation: org }, basis: 'referral' });
  if (actor.kind === 'user' && actor.role !== 'spa') {
    grants.push({ ...base, grantee: { user: actor.id }, basis: 'referrer' });
  }
  await relateAll(tx, grants);
}

/** The referral moved from one service to another (or back to the hub): the organisations' grants follow. */
async function moveGrants(
  tx: AnyDb,
  ctx: RoutingContext,
  r: repo.ReferralRow,
  toServiceId: string | null,
  at: Date,
): Promise<void> {
  const from = serviceOrganisation(ctx, r.serviceId);
  const to = serviceOrganisation(ctx, toServiceId);
  if (from === to) return;
  if (from) {
    await endRelationships(tx, {
      systemId: r.systemId,
      sourceType: SOURCE,
      sourceId: r.id,
      at,
      grantee: { organisation: from },
    });
  }
  if (to) {
    await relate(tx, {
      systemId: r.systemId,
      personId: r.personId,
      grantee: { organisation: to },
      basis: 'referral',
      sourceType: SOURCE,
      sourceId: r.id,
      at,
    });
  }
}

function notificationTopic(status: string): string {
  return `referral.${status}`;
}

async function notify(tx: AnyDb, r: repo.ReferralRow, status: string, extra: Record<string, unknown> = {}) {
  // No personal details in the message: the delivery adapter looks up the contact for the person.
  await enqueue(tx, {
    systemId: r.systemId,
    topic: notificationTopic(status),
    channel: r.communication.preferredContact,
    payload: {
      referralId: r.id,
      reference: r.reference,
      personId: r.personId,
      status,
      component: r.component,
      communication: {
        language: r.communication.language,
        interpreter: r.communication.interpreter,
        bsl: r.communication.bsl,
      },
      ...extra,
    },
  });
}

// ---------------------------------------------------------------------------------------------
// Intake

export interface SubmitOptions {
  /** Business time (the app's clock). */
  now: Date;
  requestId?: string;
  idempotencyKey?: string;
  /** The public self-referral form: only self-referral for a component that allows it at this age,
   * and a phone number or email address for the preferred contact. */
  publicForm?: boolean;
  /** sha256 of the one-time token the public form gives the submitter's browser (for the confirmation page). */
  submitterHash?: string;
}

export interface SubmitResult {
  id: string;
  reference: string;
  status: string;
  receivedAt: string;
  component: { code: string; name: string };
  borough: { code: string; name: string };
  ageGroup: string;
  urgency: string;
  receivingService: { id: string; name: string } | null;
  /** Why this service (routed), or the checks passed before the gap. */
  reasons: { check: string; message: string }[];
  /** Present when no service fits: the gap, sent to a triager. */
  noService: { kind: string; level: string; message: string; recordedAsGap: boolean } | null;
  /** When first contact is expected: from the routed service's standard (or the hub's own when none);
   * fixed again at acceptance from the accepting service's standard. */
  firstContactDue: string | null;
  eligibilityToConfirm: string[];
  likelyDuplicateOf: string | null;
}

const PHONE = /^\+?[0-9 ()-]{7,20}$/;
const EMAIL = /^[^\s@]{1,64}@[^\s@]{1,255}\.[^\s@]{2,}$/;

function contactDetails(
  body: unknown,
  preferred: string | undefined,
  required: boolean,
): { phone: string | null; email: string | null; errors: FieldError[] } {
  const person =
    typeof body === 'object' && body !== null && typeof (body as { person?: unknown }).person === 'object'
      ? ((body as { person: Record<string, unknown> }).person ?? {})
      : {};
  const errors: FieldError[] = [];
  const read = (key: 'phone' | 'email') => {
    const v = person[key];
    return typeof v === 'string' && v.trim() !== '' ? v.trim() : null;
  };
  let phone = read('phone');
  let email = read('email');
  if (phone !== null && (!PHONE.test(phone) || phone.replace(/\D/g, '').length < 10)) {
    errors.push({ field: 'person.phone', message: 'Enter a UK phone number, like 020 7946 0000 or 07700 900000' });
    phone = null;
  }
  if (email !== null && !EMAIL.test(email)) {
    errors.push({
      field: 'person.email',
      message: 'Enter an email address in the right format, like name@example.com',
    });
    email = null;
  }
  if (required && (preferred === 'phone' || preferred === 'text') && !read('phone')) {
    errors.push({ field: 'person.phone', message: 'Enter a phone number so we can contact you the way you prefer' });
  }
  if (required && preferred === 'email' && !read('email')) {
    errors.push({ field: 'person.email', message: 'Enter an email address so we can contact you the way you prefer' });
  }
  return { phone, email, errors };
}

/** Checks a referral body against the published offer and the borough lookup: the value, or 400 naming fields. */
export function checkReferral(
  ctx: RoutingContext,
  body: unknown,
  now: Date,
  options: { publicForm?: boolean } = {},
): { input: ReferralInput & { borough: string }; route: RoutingResult; phone: string | null; email: string | null } {
  const checked = validateReferralInput(body, {
    today: now,
    offer: ctx.components,
    boroughLookup,
    areaBoroughs: ctx.areaBoroughs,
    resident: options.publicForm === true,
  });
  const preferred =
    typeof body === 'object' && body !== null
      ? ((body as { communication?: { preferredContact?: unknown } }).communication?.preferredContact as string)
      : undefined;
  const contact = contactDetails(body, preferred, options.publicForm === true);
  const fields: FieldError[] = checked.ok
    ? []
    : checked.errors.map((e) => ({ field: e.path || 'body', message: e.message }));
  fields.push(...contact.errors);
  if (options.publicForm && checked.ok && checked.value.source !== 'self') {
    fields.push({ field: 'source', message: 'The public form is for self-referrals' });
  }
  if (!checked.ok || fields.length) throw new ValidationError(fields, 'There is a problem with the referral');
  const input = checked.value as ReferralInput & { borough: string };
  const route = routeReferral(
    {
      component: input.component,
      age: input.age,
      borough: input.borough,
      urgency: input.urgency,
      source: input.source,
    },
    ctx.components,
    ctx.services,
    { boroughNames: ctx.boroughNames },
  );
  if (route.outcome === 'unrouted') {
    const kind = route.gap.kind;
    if (kind === 'age-not-covered') {
      throw new ValidationError([{ field: 'person.birthDate', message: route.gap.message }], route.gap.message);
    }
    if (kind === 'unknown-component') {
      throw new ValidationError([{ field: 'component', message: route.gap.message }], route.gap.message);
    }
    if (options.publicForm && route.gap.level === 'offer') {
      const field = kind === 'urgency-not-offered' ? 'urgency' : 'person.birthDate';
      throw new ValidationError([{ field, message: route.gap.message }], route.gap.message);
    }
  }
  return { input, route, phone: contact.phone, email: contact.email };
}

/**
 * Receives a referral: checks it (400 naming fields, nothing written), routes it, stores the person, the
 * referral, its first event, any gap, the audit row and an acknowledgement in one transaction. With an
 * Idempotency-Key, a retry gets the first answer and creates nothing.
 */
export async function submitReferral(
  db: AnyDb,
  actor: Actor,
  body: unknown,
  options: SubmitOptions,
): Promise<{ status: number; body: SubmitResult; replayed: boolean }> {
  const now = options.now;
  const ctx = await routingContext(db, actor.systemId);
  if (!ctx.offer) throw new ConflictError('There is no published core offer to route referrals with', 'no_offer');
  const run = async (tx: AnyDb) => {
    const { input, route, phone, email } = checkReferral(ctx, body, now, options);
    return {
      status: 201,
      body: await createReferral(tx, actor, ctx, input, route, {
        phone,
        email,
        now,
        requestId: options.requestId,
        submitterHash: options.submitterHash,
      }),
    };
  };
  if (options.idempotencyKey === undefined) {
    return { ...(await inTransaction(db, run)), replayed: false };
  }
  return withIdempotency(db, actor, { key: options.idempotencyKey, route: 'POST /api/referrals', request: body }, run);
}

async function createReferral(
  tx: AnyDb,
  actor: Actor,
  ctx: RoutingContext,
  input: ReferralInput & { borough: string },
  route: RoutingResult,
  o: { phone: string | null; email: string | null; now: Date; requestId?: string; submitterHash?: string },
): Promise<SubmitResult> {
  const systemId = actor.systemId;
  // The details given stay on the referral; an existing person's record is never changed by a referral.
  const given = { ...input.person, gpPractice: input.person.gpPractice ?? null, phone: o.phone, email: o.email };
  const { person, created } = await repo.findOrCreatePerson(tx, systemId, given, o.now);
  const personId = person.id;
  const differ = created ? [] : detailsThatDiffer(person, given);
  // A person created in this transaction has no referrals yet: nobody else can see them until it commits.
  const open = created ? [] : await repo.openReferralsFor(tx, systemId, personId, input.component);
  const id = randomUUID();
  const duplicates = findLikelyDuplicates(
    { id, nhsNumber: input.person.nhsNumber, component: input.component, receivedAt: o.now },
    open.map((r) => ({ ...r, nhsNumber: input.person.nhsNumber, component: input.component })),
  );
  const by: EventActor =
    input.source === 'self' && actor.id === 'self-referral'
      ? {
          id: 'self-referral',
          name: `${input.person.givenName} ${input.person.familyName} (self-referral)`,
          role: 'resident',
        }
      : eventActor(actor);
  const { referral, event } = receiveReferral(id, by, o.now);
  const routed = route.outcome === 'routed' ? route : null;
  const standard = routed ? routed.standard : hubStandard(ctx, input.age, input.urgency);
  const ageGroup: string =
    route.outcome === 'routed'
      ? route.ageGroup
      : (narrowestGroup(route.offerAgeGroups.length ? route.offerAgeGroups : route.ageGroups) ?? 'working-age-adults');
  const row: repo.ReferralRow = {
    ...referral,
    serviceId: routed?.service.id ?? null,
    systemId,
    reference: newReference(),
    personId,
    component: input.component,
    age: input.age,
    ageGroup,
    borough: input.borough,
    urgency: input.urgency,
    source: input.source,
    reason: input.reason,
    communication: input.communication,
    routing:
      route.outcome === 'routed'
        ? {
            outcome: 'routed',
            serviceId: route.service.id,
            reasons: route.reasons,
            eligibilityToConfirm: route.eligibilityToConfirm,
            alternatives: route.alternatives.map((s) => s.id),
            standard: route.standard,
          }
        : {
            outcome: 'unrouted',
            gap: route.gap,
            reasons: route.reasons,
            elsewhere: route.elsewhere.map((s) => s.id),
          },
    targetDueAt: safeDue(referral.receivedAt, standard),
    claimedBy: null,
    claimedByName: null,
    claimedAt: null,
    likelyDuplicateOf: duplicates[0]?.id ?? null,
    createdBy: actor.id,
    givenPerson: given,
    detailsDiffer: differ,
    submitterHash: o.submitterHash ?? null,
  };
  await repo.insertReferral(tx, row);
  await grantAtReceipt(tx, actor, ctx, row, o.now);
  await repo.insertEvent(tx, systemId, {
    referralId: id,
    type: event.type,
    fromStatus: null,
    toStatus: event.to,
    at: event.at,
    actorId: by.id,
    actorName: by.name ?? null,
    actorRole: by.role ?? null,
    reason: null,
    note:
      [
        duplicates.length
          ? `Likely duplicate of ${duplicates.length === 1 ? 'an open referral' : `${duplicates.length} open referrals`}`
          : '',
        differ.length
          ? `Details given differ from the person's record (${differ.map((f) => PERSON_DETAIL_LABELS[f].toLowerCase()).join(', ')}): check them before contacting the person`
          : '',
      ]
        .filter(Boolean)
        .join('. ') || null,
    serviceId: row.serviceId,
    fromServiceId: null,
    outcome: null,
    firstContactDue: null,
  });
  if (route.outcome === 'unrouted') {
    await repo.insertGap(tx, systemId, {
      referralId: id,
      component: input.component,
      ageGroup: row.ageGroup,
      borough: input.borough,
      kind: route.gap.kind,
      level: route.gap.level,
      message: route.gap.message,
      recordedAt: row.receivedAt,
    });
  }
  await audit(tx, actor, {
    action: 'referral.create',
    recordType: 'referral',
    recordId: id,
    requestId: o.requestId,
    detail: {
      reference: row.reference,
      component: row.component,
      source: row.source,
      routed: route.outcome === 'routed',
      likelyDuplicateOf: row.likelyDuplicateOf,
    },
  });
  await notify(tx, row, 'received', { firstContactDue: row.targetDueAt });
  return {
    id,
    reference: row.reference,
    status: row.status,
    receivedAt: row.receivedAt,
    component: { code: row.component, name: componentName(ctx, row.component) },
    borough: { code: row.borough, name: ctx.boroughNames[row.borough] ?? row.borough },
    ageGroup: row.ageGroup,
    urgency: row.urgency,
    receivingService: routed ? { id: routed.service.id, name: routed.service.name } : null,
    reasons: route.reasons,
    noService:
      route.outcome === 'unrouted'
        ? { kind: route.gap.kind, level: route.gap.level, message: route.gap.message, recordedAsGap: true }
        : null,
    firstContactDue: row.targetDueAt,
    eligibilityToConfirm: routed?.eligibilityToConfirm ?? [],
    likelyDuplicateOf: row.likelyDuplicateOf,
  };
}

// ---------------------------------------------------------------------------------------------
// Reads

export interface ReferralView extends Omit<repo.ReferralRow, 'submitterHash'> {
  person: repo.PersonRow;
  /** Given details that differ from the person's record now, with both values, for the triager to check. */
  differences: { field: PersonDetailField; label: string; record: string | null; given: string | null }[];
  componentName: string;
  boroughName: string;
  service: { id: string; name: string } | null;
  dueAt: string | null;
  timeLeft: string | null;
  breach: string | null;
  events: (repo.EventRow & { serviceName: string | null; fromServiceName: string | null })[];
  otherReferrals: {
    id: string;
    reference: string;
    component: string;
    componentName: string;
    status: string;
    receivedAt: string;
  }[];
}

function requireStaff(actor: Actor, roles: readonly string[]) {
  if (actor.role !== 'system' && !roles.includes(actor.role)) {
    throw new ForbiddenError('Your role does not give you access to referrals');
  }
}

function clockView(r: repo.ReferralRow, now: Date) {
  const due = r.firstContactDue ?? r.targetDueAt;
  if (!due) return { dueAt: null, timeLeft: null, breach: null };
  if (r.status === 'closed' && !r.firstContactAt) return { dueAt: due, timeLeft: null, breach: null };
  return {
    dueAt: due,
    timeLeft: r.firstContactAt ? null : timeLeft(due, now).text,
    breach: breachStatus(due, now, { firstContactAt: r.firstContactAt }),
  };
}

/** One referral with the person, its timeline and the person's other referrals; audited as a read. */
export async function getReferral(
  db: AnyDb,
  actor: Actor,
  id: string,
  options: { now: Date; requestId?: string },
): Promise<ReferralView> {
  requireStaff(actor, ACCESS_STAFF);
  const ctx = await routingContext(db, actor.systemId);
  return inTransaction(db, async (tx) => {
    const r = await visibleReferral(tx, actor, id, options);
    // Only the person's other referrals this actor may see, and only their events.
    const others = (await repo.referralsOfPerson(tx, scopeFor(tx, actor, options.now), r.personId)).filter(
      (o) => o.id !== r.id,
    );
    const events = await repo.listEvents(tx, actor.systemId, [r.id, ...others.map((o) => o.id)]);
    await audit(tx, actor, {
      action: 'referral.read',
      recordType: 'referral',
      recordId: r.id,
      requestId: options.requestId,
      detail: { reference: r.reference },
    });
    // The page also shows the person's other referrals and their events: each is a record read, audited by name.
    for (const o of others) {
      await audit(tx, actor, {
        action: 'referral.read',
        recordType: 'referral',
        recordId: o.id,
        requestId: options.requestId,
        detail: {
          reference: o.reference,
          shownWith: r.reference,
          events: events.filter((e) => e.referralId === o.id).length,
        },
      });
    }
    const refOf = new Map([[r.id, r.reference], ...others.map((o) => [o.id, o.reference] as const)]);
    const { submitterHash: _hidden, ...shown } = r;
    const differences = r.givenPerson
      ? detailsThatDiffer(r.person, r.givenPerson).map((field) => ({
          field,
          label: PERSON_DETAIL_LABELS[field],
          record: r.person[field],
          given: r.givenPerson![field],
        }))
      : [];
    return {
      ...shown,
      differences,
      componentName: componentName(ctx, r.component),
      boroughName: ctx.boroughNames[r.borough] ?? r.borough,
      service: serviceRef(ctx, r.serviceId),
      ...clockView(r, options.now),
      events: events.map((e) => ({
        ...e,
        reference: refOf.get(e.referralId),
        serviceName: serviceRef(ctx, e.serviceId)?.name ?? null,
        fromServiceName: serviceRef(ctx, e.fromServiceId)?.name ?? null,
      })),
      otherReferrals: others.map((o) => ({
        id: o.id,
        reference: o.reference,
        component: o.component,
        componentName: componentName(ctx, o.component),
        status: o.status,
        receivedAt: o.receivedAt,
      })),
    };
  });
}

export interface WorklistItem {
  id: string;
  reference: string;
  name: string;
  nhsNumber: string;
  component: string;
  componentName: string;
  borough: string;
  boroughName: string;
  urgency: string;
  source: string;
  status: string;
  service: { id: string; name: string } | null;
  receivedAt: string;
  dueAt: string | null;
  timeLeft: string | null;
  breach: string | null;
  claimedBy: string | null;
  claimedByName: string | null;
  likelyDuplicateOf: string | null;
  /** The details given differ from the person's record: the triager checks them. */
  detailsDiffer: boolean;
  routed: boolean;
}

export interface WorklistQuery {
  status?: string[];
  serviceId?: string;
  dueBefore?: Date;
  mine?: boolean;
  component?: string;
  /** A reference, an NHS number or words of a name (see worklist-search.ts). */
  search?: string;
  /** The page after this cursor (a `next` from an earlier page). */
  after?: string;
  /** The page before this cursor (a `previous` from an earlier page). */
  before?: string;
  pageSize?: number;
}

export interface WorklistPage {
  items: WorklistItem[];
  /** How many referrals match, exact up to `totalCap`; when `totalCapped`, more than `totalCap`. */
  total: number;
  totalCapped: boolean;
  totalCap: number;
  pageSize: number;
  /** Cursors for the neighbouring pages, or null at either end. */
  next: string | null;
  previous: string | null;
}

const TIMESTAMP_TEXT = /^(infinity|\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d{1,6})?[+-]\d{2}(:\d{2}){0,2})$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A worklist cursor as the client sees it: the row's position, base64url so it travels in a query string. */
export function encodeWorklistCursor(p: repo.WorklistPosition): string {
  return Buffer.from(JSON.stringify([p.due, p.received, p.id])).toString('base64url');
}

/** The position a cursor names, or a 400 naming the field when it is not one this service gave out. */
export function decodeWorklistCursor(cursor: string, field: string): repo.WorklistPosition {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    parsed = null;
  }
  if (
    Array.isArray(parsed) &&
    parsed.length === 3 &&
    parsed.every((v) => typeof v === 'string') &&
    TIMESTAMP_TEXT.test(parsed[0]) &&
    TIMESTAMP_TEXT.test(parsed[1]) &&
    parsed[1] !== 'infinity' &&
    UUID.test(parsed[2])
  ) {
    return { due: parsed[0], received: parsed[1], id: parsed[2] };
  }
  throw new ValidationError([
    { field, message: 'Use the next or previous page link as given: this page position is not one we gave out' },
  ]);
}

/** The referrals the "To triage" worklist holds: not yet accepted, declined or passed on. */
export const TRIAGE_STATUSES = ['received', 'triaged', 'redirected'] as const;

/**
 * How many referrals the actor may see are to triage, for the staff home. Counted as the worklist counts,
 * stopping past its cap. Only a number leaves, so nothing is audited.
 */
export async function referralsToTriage(
  db: AnyDb,
  actor: Actor,
  now: Date,
): Promise<{ count: number; capped: boolean }> {
  requireStaff(actor, ACCESS_STAFF);
  return inTransaction(db, async (tx) => {
    const filter = { status: [...TRIAGE_STATUSES] };
    const { total } = await repo.listReferrals(tx, scopeFor(tx, actor, now), filter, { pageSize: 1 });
    return { count: Math.min(total, repo.WORKLIST_COUNT_CAP), capped: total > repo.WORKLIST_COUNT_CAP };
  });
}

/**
 * A worklist ordered by due time, with time left and breaches; audited as one read of the list. Pages by
 * keyset (`after`/`before` cursors), never by offset, and counts at most repo.WORKLIST_COUNT_CAP rows, so a
 * page costs the same with 10,000 referrals as with 1,000,000.
 */
export async function listReferrals(
  db: AnyDb,
  actor: Actor,
  q: WorklistQuery,
  options: { now: Date; requestId?: string },
): Promise<WorklistPage> {
  requireStaff(actor, ACCESS_STAFF);
  const after = q.after ? decodeWorklistCursor(q.after, 'after') : undefined;
  const before = !after && q.before ? decodeWorklistCursor(q.before, 'before') : undefined;
  const search = parseWorklistSearch(q.search);
  const ctx = await routingContext(db, actor.systemId);
  const now = options.now;
  const pageSize = Math.min(100, Math.max(1, q.pageSize ?? 25));
  return inTransaction(db, async (tx) => {
    const found = await repo.listReferrals(
      tx,
      scopeFor(tx, actor, now),
      {
        status: q.status,
        serviceId: q.serviceId,
        dueBefore: q.dueBefore,
        component: q.component,
        claimedBy: q.mine ? actor.id : undefined,
        search,
      },
      { pageSize, after, before },
    );
    // One row more than a page was read in the direction asked: it says whether that direction goes on.
    const more = found.rows.length > pageSize;
    const rows = before ? found.rows.slice(more ? 1 : 0) : found.rows.slice(0, pageSize);
    const hasNext = before ? true : more;
    const hasPrevious = before ? more : !!after;
    await audit(tx, actor, {
      action: 'referral.list',
      recordType: 'referral',
      requestId: options.requestId,
      detail: {
        status: q.status ?? null,
        service: q.serviceId ?? null,
        dueBefore: q.dueBefore?.toISOString() ?? null,
        search: q.search?.trim() || null,
        after: q.after ?? null,
        before: before ? q.before : null,
        shown: rows.map((r) => r.reference),
      },
    });
    return {
      items: rows.map((r) => ({
        id: r.id,
        reference: r.reference,
        name: `${r.givenName} ${r.familyName}`,
        nhsNumber: r.nhsNumber,
        component: r.component,
        componentName: componentName(ctx, r.component),
        borough: r.borough,
        boroughName: ctx.boroughNames[r.borough] ?? r.borough,
        urgency: r.urgency,
        source: r.source,
        status: r.status,
        service: serviceRef(ctx, r.serviceId),
        receivedAt: r.receivedAt,
        ...clockView(r, now),
        claimedBy: r.claimedBy,
        claimedByName: r.claimedByName,
        likelyDuplicateOf: r.likelyDuplicateOf,
        detailsDiffer: r.detailsDiffer.length > 0,
        routed: (r.routing as { outcome?: string }).outcome === 'routed',
      })),
      total: Math.min(found.total, repo.WORKLIST_COUNT_CAP),
      totalCapped: found.total > repo.WORKLIST_COUNT_CAP,
      totalCap: repo.WORKLIST_COUNT_CAP,
      pageSize,
      next: hasNext && rows.length ? encodeWorklistCursor(rows[rows.length - 1].position) : null,
      previous: hasPrevious && rows.length ? encodeWorklistCursor(rows[0].position) : null,
    };
  });
}

// ---------------------------------------------------------------------------------------------
// Commands on a referral

/** Claims a referral for the actor. Exactly one of several concurrent claims wins; the others get 409. */
export async function claimReferral(
  db: AnyDb,
  actor: Actor,
  id: string,
  options: { now: Date; requestId?: string },
): Promise<{ id: string; claimedBy: string; claimedByName: string; claimedAt: string }> {
  requireStaff(actor, ACCESS_STAFF);
  const now = options.now;
  const ctx = await routingContext(db, actor.systemId);
  return inTransaction(db, async (tx) => {
    const seen = await visibleReferral(tx, actor, id, options);
    requireActOn(actor, seen, ctx);
    const won = await repo.claim(tx, actor.systemId, id, { id: actor.id, name: actor.name }, now);
    const r = (await repo.findReferral(tx, repo.wholeSystem(actor.systemId), id))!;
    if (!won) {
      if (r.status === 'closed')
        throw new ConflictError('A referral that is closed cannot be claimed', 'illegal_transition');
      if (r.claimedBy === actor.id)
        throw new ConflictError('You have already claimed this referral', 'already_claimed');
      throw new ConflictError(
        `${r.claimedByName ?? 'Someone else'} claimed this referral first, at ${r.claimedAt}. Choose another referral from the worklist.`,
        'already_claimed',
      );
    }
    await repo.insertEvent(tx, actor.systemId, {
      referralId: id,
      type: 'claim',
      fromStatus: r.status,
      toStatus: r.status,
      at: now.toISOString(),
      actorId: actor.id,
      actorName: actor.name,
      actorRole: actor.role,
      reason: null,
      note: null,
      serviceId: null,
      fromServiceId: null,
      outcome: null,
      firstContactDue: null,
    });
    await audit(tx, actor, {
      action: 'referral.claim',
      recordType: 'referral',
      recordId: id,
      requestId: options.requestId,
      detail: { reference: r.reference },
    });
    return { id, claimedBy: actor.id, claimedByName: actor.name, claimedAt: now.toISOString() };
  });
}

export type ActionInput =
  | { type: 'triage'; serviceId?: string | null; note?: string }
  | { type: 'accept'; serviceId?: string; note?: string }
  | { type: 'redirect'; reason: string; toServiceId?: string | null }
  | { type: 'first-contact'; at?: string; note?: string }
  | { type: 'close'; outcome: string; note?: string };

const NOTIFY_ON = new Set(['accepted', 'redirected', 'first-contact-made', 'closed']);

/**
 * Moves a referral through its lifecycle. Illegal transitions are 409 naming the transition; a missing
 * reason, service or outcome is 400 naming the field; a referral claimed by someone else cannot be
 * changed before acceptance; a change that lost a race is 409. Nothing is written unless all succeeds.
 */
export async function actOnReferral(
  db: AnyDb,
  actor: Actor,
  id: string,
  input: ActionInput,
  options: { now: Date; requestId?: string },
): Promise<ReferralView | HandedOver> {
  requireStaff(actor, ACCESS_STAFF);
  const now = options.now;
  const ctx = await routingContext(db, actor.systemId);
  const checkService = (sid: string | null | undefined, field: string) => {
    if (sid && !ctx.services.some((s) => s.id === sid)) {
      throw new ValidationError([{ field, message: `Choose a service in the directory: "${sid}" is not one` }]);
    }
  };
  await inTransaction(db, async (tx) => {
    const r = await visibleReferral(tx, actor, id, { ...options, forUpdate: true });
    requireActOn(actor, r, ctx);
    if (
      r.claimedBy &&
      r.claimedBy !== actor.id &&
      ['received', 'triaged', 'redirected'].includes(r.status) &&
      input.type !== 'accept'
    ) {
      throw new ConflictError(
        `${r.claimedByName ?? 'Someone else'} has claimed this referral: only they can change it until a service accepts it`,
        'claimed_by_someone_else',
      );
    }
    let at = now;
    let action: ReferralAction;
    let due: string | null = null;
    switch (input.type) {
      case 'triage':
        checkService(input.serviceId, 'serviceId');
        action = { type: 'triage', ...(input.serviceId ? { serviceId: input.serviceId } : {}), note: input.note };
        break;
      case 'accept': {
        checkService(input.serviceId, 'serviceId');
        const sid = input.serviceId || r.serviceId;
        if (sid && !isHub(actor) && serviceOrganisation(ctx, sid) !== actor.organisationCode) {
          throw new ValidationError([
            { field: 'serviceId', message: "Choose one of your organisation's services: you can accept only for them" },
          ]);
        }
        if (sid) {
          const component = ctx.components.find((c) => c.code === r.component);
          const service = ctx.services.find((s) => s.id === sid);
          const found = component && service ? standardForService(component, service, r.age, r.urgency) : null;
          if (!found) {
            throw new ValidationError([
              {
                field: 'serviceId',
                message: `${service?.name ?? sid} does not provide ${componentName(ctx, r.component)} for people aged ${r.age} at "${r.urgency}" urgency`,
              },
            ]);
          }
          due = safeDue(r.receivedAt, found.standard);
          if (!due)
            throw new ConflictError('The first-contact due time cannot be worked out for this referral', 'no_due_time');
        }
        action = { type: 'accept', ...(sid ? { serviceId: sid } : {}), firstContactDue: due ?? now, note: input.note };
        break;
      }
      case 'redirect':
        checkService(input.toServiceId, 'toServiceId');
        action = { type: 'redirect', reason: input.reason, toServiceId: input.toServiceId || null };
        break;
      case 'first-contact':
        if (input.at) {
          const t = new Date(input.at);
          if (Number.isNaN(t.getTime()))
            throw new ValidationError([
              { field: 'at', message: 'Give the time of first contact as an ISO 8601 instant' },
            ]);
          if (t.getTime() > now.getTime())
            throw new ValidationError([
              { field: 'at', message: 'The time of first contact must not be in the future' },
            ]);
          if (t.getTime() < Date.parse(r.receivedAt))
            throw new ValidationError([
              { field: 'at', message: 'The time of first contact must be after the referral was received' },
            ]);
          at = t;
        }
        action = { type: 'first-contact', note: input.note };
        break;
      case 'close':
        action = { type: 'close', outcome: input.outcome as CloseOutcome, note: input.note };
        break;
    }
    const result = transition(r, action, eventActor(actor), at);
    if (!result.ok) {
      const e = result.error;
      if (e.kind === 'conflict') {
        throw new ConflictError(
          e.code === 'illegal-transition' ? `${e.message} (${e.from} → ${input.type})` : e.message,
          e.code.replace(/-/g, '_'),
        );
      }
      throw new ValidationError([{ field: e.field ?? input.type, message: e.message }], e.message);
    }
    const next = result.referral;
    const saved = await repo.saveState(tx, actor.systemId, next, r.version, {
      clearClaim: input.type === 'redirect',
      ...(input.type === 'accept' ? { targetDueAt: next.firstContactDue } : {}),
    });
    if (!saved)
      throw new ConflictError(
        'Someone else changed this referral at the same time. Reload it and try again.',
        'changed',
      );
    await moveGrants(tx, ctx, r, next.serviceId, now);
    const ev = result.event;
    await repo.insertEvent(tx, actor.systemId, {
      referralId: id,
      type: ev.type,
      fromStatus: ev.from,
      toStatus: ev.to,
      at: ev.at,
      actorId: actor.id,
      actorName: actor.name,
      actorRole: actor.role,
      reason: ev.reason ?? null,
      note: ev.note ?? null,
      serviceId: ev.serviceId ?? null,
      fromServiceId: ev.fromServiceId ?? null,
      outcome: ev.outcome ?? null,
      firstContactDue: ev.firstContactDue ?? null,
    });
    await audit(tx, actor, {
      action: `referral.${input.type}`,
      recordType: 'referral',
      recordId: id,
      requestId: options.requestId,
      reason: ev.reason ?? null,
      detail: {
        reference: r.reference,
        from: ev.from,
        to: ev.to,
        service: next.serviceId,
        outcome: ev.outcome ?? null,
      },
    });
    if (NOTIFY_ON.has(next.status) && ev.from !== next.status) {
      await notify(tx, { ...r, ...next }, next.status, {
        service: serviceRef(ctx, next.serviceId)?.name ?? null,
        firstContactDue: next.firstContactDue,
        outcome: next.outcome,
      });
    }
  });
  // After the acceptance has committed, outside its transaction: a failure here never undoes it.
  if (input.type === 'accept' && !db.isTransaction) await bookVisit(db, actor, id, ctx, now, options.requestId);
  // A clinician who sent the referral to another organisation's service no longer sees it.
  if (!(await repo.findReferral(db, scopeFor(db, actor, now), id))) {
    const moved = (await repo.findReferral(db, repo.wholeSystem(actor.systemId), id))!;
    return {
      id,
      reference: moved.reference,
      status: moved.status,
      service: serviceRef(ctx, moved.serviceId),
      handedOver: true,
    };
  }
  return getReferral(db, actor, id, options);
}

/** What the actor is told after handing a referral to another organisation: no more than where it went. */
export interface HandedOver {
  id: string;
  reference: string;
  status: string;
  service: { id: string; name: string } | null;
  handedOver: true;
}

/**
 * Copies details a referral gave to the person's record: the deliberate act of staff who may change the
 * referral (the hub or the organisation holding it), for the fields they choose among those that differ.
 * Audited as a change of the person's record, and shown on the referral's timeline.
 */
export async function updatePersonFromReferral(
  db: AnyDb,
  actor: Actor,
  id: string,
  fields: readonly string[],
  options: { now: Date; requestId?: string },
): Promise<ReferralView> {
  requireStaff(actor, ACCESS_STAFF);
  const ctx = await routingContext(db, actor.systemId);
  await inTransaction(db, async (tx) => {
    const r = await visibleReferral(tx, actor, id, { ...options, forUpdate: true });
    requireActOn(actor, r, ctx);
    const differ = r.givenPerson ? detailsThatDiffer(r.person, r.givenPerson) : [];
    const chosen = PERSON_DETAIL_FIELDS.filter((f) => fields.includes(f));
    if (chosen.length === 0 || chosen.some((f) => !differ.includes(f)) || fields.length !== chosen.length) {
      throw new ValidationError([
        {
          field: 'fields',
          message: differ.length
            ? "Choose which of the details that differ to copy to the person's record"
            : "This referral's details already match the person's record",
        },
      ]);
    }
    const given = r.givenPerson!;
    await repo.updatePerson(
      tx,
      actor.systemId,
      r.personId,
      Object.fromEntries(chosen.map((f) => [f, given[f]])),
      options.now,
    );
    await repo.setDetailsDiffer(
      tx,
      actor.systemId,
      id,
      differ.filter((f) => !chosen.includes(f)),
    );
    const names = chosen.map((f) => PERSON_DETAIL_LABELS[f].toLowerCase()).join(', ');
    await repo.insertEvent(tx, actor.systemId, {
      referralId: id,
      type: 'person-update',
      fromStatus: r.status,
      toStatus: r.status,
      at: new Date(Math.max(options.now.getTime(), Date.parse(r.updatedAt))).toISOString(),
      actorId: actor.id,
      actorName: actor.name,
      actorRole: actor.role,
      reason: null,
      note: `The person's record was updated from this referral: ${names}`,
      serviceId: null,
      fromServiceId: null,
      outcome: null,
      firstContactDue: null,
    });
    await audit(tx, actor, {
      action: 'person.update',
      recordType: 'person',
      recordId: r.personId,
      requestId: options.requestId,
      detail: { referral: r.reference, fields: chosen },
    });
  });
  return getReferral(db, actor, id, options);
}

/** Components whose accepted referrals become visits on a scheduling board, and at what priority. */
const VISIT_PRIORITY: Record<string, Record<string, VisitPriority>> = {
  'urgent-community-response': { urgent: 'urgent-2h', routine: 'routine' },
  'virtual-wards': { urgent: 'virtual-ward', routine: 'virtual-ward' },
};

/**
 * Puts an accepted urgent community response or virtual-ward referral on the scheduling board of the team
 * run by the accepting service's organisation (or the system's only team), and records the result on the
 * referral's timeline. Nothing happens without a matching team; a refusal is recorded, not thrown.
 */
async function bookVisit(db: AnyDb, actor: Actor, id: string, ctx: RoutingContext, now: Date, requestId?: string) {
  const r = await repo.findReferral(db, repo.wholeSystem(actor.systemId), id);
  const priority = r ? VISIT_PRIORITY[r.component]?.[r.urgency] : undefined;
  if (!r || !priority || r.status !== 'accepted') return;
  const system = systemActor(actor.systemId);
  const teams = await listTeamsFor(db, system);
  const service = ctx.services.find((s) => s.id === r.serviceId);
  const team =
    teams.find((t) => t.organisationCode === service?.organisationCode) ?? (teams.length === 1 ? teams[0] : undefined);
  if (!team) return;
  let note: string;
  try {
    const booked = await createVisitFromReferral(
      db,
      system,
      {
        referralId: id,
        patientRef: r.reference,
        postcode: r.person.postcode.split(' ')[0],
        priority,
        acceptedAt: now,
        teamId: team.id,
      },
      { requestId },
    );
    note = booked.placement
      ? `Visit booked on the ${team.name} board`
      : `Visit added to the ${team.name} board, not yet placed with a clinician`;
  } catch (error) {
    note = `No visit could be booked on the ${team.name} board: ${(error as Error).message}`;
  }
  await repo.insertEvent(db, actor.systemId, {
    referralId: id,
    type: 'visit',
    fromStatus: r.status,
    toStatus: r.status,
    at: new Date(Math.max(now.getTime(), Date.parse(r.updatedAt))).toISOString(),
    actorId: system.id,
    actorName: system.name,
    actorRole: system.role,
    reason: null,
    note,
    serviceId: r.serviceId,
    fromServiceId: null,
    outcome: null,
    firstContactDue: null,
  });
}

export { CLOSE_OUTCOMES };

// ---------------------------------------------------------------------------------------------
// Measures and gaps

export interface ComplianceQuery {
  from?: string;
  to?: string;
  component?: string;
  borough?: string;
}

export async function complianceReport(
  db: AnyDb,
  actor: Actor,
  q: ComplianceQuery,
  options: { now: Date },
): Promise<{ asOf: string; rows: (ComplianceRow & { componentName: string; boroughName: string })[] }> {
  requireStaff(actor, COMPLIANCE_READERS);
  const ctx = await routingContext(db, actor.systemId);
  const asOf = options.now;
  const facts = await repo.complianceFacts(db, actor.systemId, {
    from: q.from ? new Date(`${q.from}T00:00:00Z`) : undefined,
    to: q.to ? new Date(`${q.to}T00:00:00Z`) : undefined,
  });
  const rows = computeCompliance(
    facts.filter((f) => (!q.component || f.component === q.component) && (!q.borough || f.borough === q.borough)),
    { asOf },
  );
  return {
    asOf: asOf.toISOString(),
    rows: rows.map((r) => ({
      ...r,
      componentName: componentName(ctx, r.component),
      boroughName: ctx.boroughNames[r.borough] ?? r.borough,
    })),
  };
}

/**
 * Every referral as plain facts (with the age when referred and the outward code of the person's postcode,
 * never the full postcode), for measures computed elsewhere (outcomes).
 */
export async function referralFacts(
  db: AnyDb,
  actor: Actor,
): Promise<(ReferralFact & { age: number; closedAt: string | null; postcodeDistrict: string })[]> {
  requireStaff(actor, COMPLIANCE_READERS);
  return repo.complianceFacts(db, actor.systemId, {});
}

export async function listOfferGaps(
  db: AnyDb,
  actor: Actor,
  paging: { page?: number; pageSize?: number } = {},
  options: { requestId?: string } = {},
) {
  requireStaff(actor, GAP_READERS);
  const ctx = await routingContext(db, actor.systemId);
  const page = Math.max(1, paging.page ?? 1);
  const pageSize = Math.min(200, Math.max(1, paging.pageSize ?? 50));
  const [list, summary] = await Promise.all([
    repo.listGaps(db, actor.systemId, { page, pageSize }),
    repo.gapSummary(db, actor.systemId),
  ]);
  // Gap rows name the referral each came from: the list read is audited with every referral it shows.
  await audit(db, actor, {
    action: 'access.gaps.list',
    recordType: 'offer_gap',
    requestId: options.requestId,
    detail: {
      page,
      shown: list.rows.map((g) => g.id),
      referrals: [...new Set(list.rows.map((g) => g.referralId).filter((id): id is string => !!id))],
    },
  });
  const name = <T extends { component: string; borough: string; ageGroup: string }>(g: T) => ({
    ...g,
    componentName: componentName(ctx, g.component),
    boroughName: ctx.boroughNames[g.borough] ?? g.borough,
    ageGroupName: AGE_GROUPS.find((a) => a.code === g.ageGroup)?.name ?? g.ageGroup,
  });
  return { rows: list.rows.map(name), total: list.total, page, pageSize, summary: summary.map(name) };
}

/** How long after sending a self-referral its confirmation page can be seen again (by the same browser). */
export const CONFIRMATION_MINUTES = 60;

/** A one-time token for the browser that sends a self-referral, and the hash the referral keeps of it. */
export function submitterToken(): { token: string; hash: string } {
  const token = randomBytes(24).toString('base64url');
  return { token, hash: hashToken(token) };
}

function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/**
 * The public confirmation page: only for the self-referral this browser has just sent (its one-time token
 * matches, within CONFIRMATION_MINUTES), and only the reference and when to expect contact. Every answer,
 * shown or refused, is audited. Anything else is "not found": the page never says whether a reference exists.
 */
export async function selfReferralConfirmation(
  db: AnyDb,
  systemId: string,
  reference: string,
  token: string | undefined,
  options: { now: Date; requestId?: string },
): Promise<{
  reference: string;
  firstContactDue: string | null;
  preferredContact: string;
  /** Whether letters have an address to go to, and whether a parent or carer filled in the form (never the
   * details themselves: the confirmation may be seen on a shared device). */
  hasAddress: boolean;
  byCarer: boolean;
} | null> {
  const actor = residentActor(systemId);
  const id = await repo.findReferralIdByReference(db, repo.wholeSystem(systemId), reference);
  const r = id ? await repo.findReferral(db, repo.wholeSystem(systemId), id) : null;
  const fresh = r ? options.now.getTime() - Date.parse(r.receivedAt) <= CONFIRMATION_MINUTES * 60_000 : false;
  const ok =
    !!r &&
    r.source === 'self' &&
    !!r.submitterHash &&
    !!token &&
    timingSafeEqual(Buffer.from(hashToken(token)), Buffer.from(r.submitterHash)) &&
    fresh;
  await audit(db, actor, {
    action: 'referral.confirmation',
    recordType: 'referral',
    recordId: ok ? r!.id : null,
    outcome: ok ? 'success' : 'refused',
    reason: ok ? null : 'not the self-referral this browser has just sent',
    requestId: options.requestId,
    detail: { reference },
  });
  return ok
    ? {
        reference: r!.reference,
        firstContactDue: r!.targetDueAt,
        preferredContact: r!.communication.preferredContact,
        hasAddress: !!r!.communication.address,
        byCarer: !!r!.communication.carer,
      }
    : null;
}
