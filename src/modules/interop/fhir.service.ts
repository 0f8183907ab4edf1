// FHIR reads over the stored directory (public: Organization, Location, HealthcareService) and over the
// central point of access's people and referrals (Patient, ServiceRequest: staff with a legitimate
// relationship only, every read audited by the access module in the same transaction).
import type { Actor } from '../../platform/auth/roles.ts';
import type { AnyDb } from '../../platform/db/database.ts';
import { DomainError, NotFoundError, ValidationError } from '../../platform/errors.ts';
import {
  getVisiblePerson,
  getVisibleReferral,
  listVisiblePeople,
  listVisibleReferrals,
  type ReferralRecord,
  submitReferral,
} from '../access/index.ts';
import { type Directory, getDirectory, listRoutableServices } from '../directory/index.ts';
import { AGE_GROUPS, getPublishedOffer } from '../offer/index.ts';
import { listPlaces } from '../places/index.ts';
import { fhirPathOf, referralFromFhir } from './fhir-referral.ts';
import {
  commissionedServiceResource,
  type DateFilter,
  dateRange,
  type FhirResource,
  healthcareServiceResource,
  OFFER_SERVICE_PREFIX,
  locationResource,
  organisationIdentifier,
  organizationResource,
  patientResource,
  type ReferralFacts,
  STATUS_SEARCH,
  SYSTEMS,
  type ServiceContext,
  serviceRequestResource,
} from './fhir.ts';

export type FhirPaging = { offset: number; count: number };
export type FhirMatches = { resources: FhirResource[]; total: number };
export type Token = { system?: string; code: string };
type ReadOptions = { now: Date; requestId?: string };

export const FHIR_DEFAULT_COUNT = 20;
export const FHIR_MAX_COUNT = 100;

/** A token search value: `system|code`, `|code` (no system) or `code` (any system). */
export function parseToken(value: string): Token {
  const bar = value.indexOf('|');
  if (bar < 0) return { code: value };
  return { system: value.slice(0, bar), code: value.slice(bar + 1) };
}

const tokenMatches = (t: Token, identifier: { system: string; value: string }) =>
  (t.system === undefined || t.system === identifier.system) && t.code === identifier.value;

/** FHIR string search: case-insensitive "starts with", here of the name or of any word in it. */
function nameMatches(name: string, query: string): boolean {
  const q = query.trim().toLowerCase();
  const n = name.toLowerCase();
  return n.startsWith(q) || n.split(/[\s,()/-]+/).some((w) => w.startsWith(q));
}

/** `Organization/RKE` or `RKE` → `RKE`. */
function referenceId(value: string, type: string): string {
  return value.startsWith(`${type}/`) ? value.slice(type.length + 1) : value;
}

function page<T>(all: T[], p: FhirPaging, map: (t: T) => FhirResource): FhirMatches {
  return { resources: all.slice(p.offset, p.offset + p.count).map(map), total: all.length };
}

async function directoryOf(db: AnyDb, systemId: string): Promise<Directory> {
  return (
    (await getDirectory(db, systemId)) ?? {
      systemId,
      period: '',
      organisations: [],
      sites: [],
      services: [],
      assets: [],
    }
  );
}

async function serviceContext(db: AnyDb, systemId: string, d: Directory): Promise<ServiceContext> {
  const [offer, places] = await Promise.all([getPublishedOffer(db, systemId), listPlaces(db, systemId)]);
  return {
    organisations: new Map(d.organisations.map((o) => [o.code, o])),
    components: new Map((offer?.components ?? []).map((c) => [c.code, { name: c.name }])),
    boroughNames: new Map(places.map((p) => [p.code, p.name])),
    ageGroupNames: new Map(AGE_GROUPS.map((g) => [g.code, g.name])),
  };
}

// Directory resources ---------------------------------------------------------------------------------

export async function searchOrganizations(
  db: AnyDb,
  systemId: string,
  q: { identifier?: Token; name?: string },
  paging: FhirPaging,
): Promise<FhirMatches> {
  const d = await directoryOf(db, systemId);
  const matched = d.organisations.filter(
    (o) =>
      (!q.identifier || tokenMatches(q.identifier, organisationIdentifier(o))) &&
      (!q.name || nameMatches(o.name, q.name)),
  );
  return page(matched, paging, organizationResource);
}

export async function readOrganization(db: AnyDb, systemId: string, id: string): Promise<FhirResource> {
  const o = (await directoryOf(db, systemId)).organisations.find((x) => x.code === id);
  if (!o) throw new NotFoundError('Organization');
  return organizationResource(o);
}

export async function searchLocations(
  db: AnyDb,
  systemId: string,
  q: { organization?: string; name?: string },
  paging: FhirPaging,
): Promise<FhirMatches> {
  const d = await directoryOf(db, systemId);
  const orgs = new Map(d.organisations.map((o) => [o.code, o]));
  const org = q.organization ? referenceId(q.organization, 'Organization') : undefined;
  const matched = d.sites.filter(
    (s) => (!org || s.organisationCode === org) && (!q.name || nameMatches(s.name, q.name)),
  );
  return page(matched, paging, (s) => locationResource(s, orgs));
}

export async function readLocation(db: AnyDb, systemId: string, id: string): Promise<FhirResource> {
  const d = await directoryOf(db, systemId);
  const s = d.sites.find((x) => x.id === id);
  if (!s) throw new NotFoundError('Location');
  return locationResource(s, new Map(d.organisations.map((o) => [o.code, o])));
}

/** The directory's services, then each published offer component as commissioned (`offer-<code>`). */
async function allHealthcareServices(db: AnyDb, systemId: string) {
  const d = await directoryOf(db, systemId);
  const [ctx, offer] = await Promise.all([serviceContext(db, systemId, d), getPublishedOffer(db, systemId)]);
  const icb = d.organisations.find((o) => o.code === systemId);
  return [
    ...d.services.map((s) => ({
      id: s.id,
      organisation: s.organisationCode,
      components: s.componentCodes,
      name: s.name,
      build: () => healthcareServiceResource(s, ctx),
    })),
    ...(offer?.components ?? []).map((c) => ({
      id: `${OFFER_SERVICE_PREFIX}${c.code}`,
      organisation: icb?.code ?? systemId,
      components: [c.code],
      name: c.name,
      build: () => commissionedServiceResource(c, icb, systemId, ctx),
    })),
  ];
}

export async function searchHealthcareServices(
  db: AnyDb,
  systemId: string,
  q: { organization?: string; serviceType?: Token; name?: string },
  paging: FhirPaging,
): Promise<FhirMatches> {
  const all = await allHealthcareServices(db, systemId);
  const org = q.organization ? referenceId(q.organization, 'Organization') : undefined;
  const type = q.serviceType;
  const matched = all.filter(
    (s) =>
      (!org || s.organisation === org) &&
      (!type ||
        ((type.system === undefined || type.system === SYSTEMS.component) && s.components.includes(type.code))) &&
      (!q.name || nameMatches(s.name, q.name)),
  );
  return page(matched, paging, (s) => s.build());
}

export async function readHealthcareService(db: AnyDb, systemId: string, id: string): Promise<FhirResource> {
  const s = (await allHealthcareServices(db, systemId)).find((x) => x.id === id);
  if (!s) throw new NotFoundError('HealthcareService');
  return s.build();
}

// People and referrals (legitimate relationships only) ------------------------------------------------

function nhsNumberToken(t: Token, param: string): string {
  if (t.system !== undefined && t.system !== SYSTEMS.nhsNumber) {
    throw new ValidationError([
      { field: param, message: `${param}: only NHS numbers (system ${SYSTEMS.nhsNumber}) are searchable` },
    ]);
  }
  return t.code.replace(/\s+/g, '');
}

export async function searchPatients(
  db: AnyDb,
  actor: Actor,
  q: { identifier?: Token; lastUpdated?: DateFilter[] },
  paging: FhirPaging,
  o: ReadOptions,
): Promise<FhirMatches> {
  const nhsNumber = q.identifier ? nhsNumberToken(q.identifier, 'identifier') : undefined;
  const found = await listVisiblePeople(
    db,
    actor,
    { nhsNumber, updated: q.lastUpdated?.map(dateRange), offset: paging.offset, limit: paging.count },
    o,
  );
  return { resources: found.items.map(patientResource), total: found.total };
}

export async function readPatient(db: AnyDb, actor: Actor, id: string, o: ReadOptions): Promise<FhirResource> {
  return patientResource(await getVisiblePerson(db, actor, id, o));
}

async function referralNames(db: AnyDb, systemId: string) {
  const [offer, services] = await Promise.all([getPublishedOffer(db, systemId), listRoutableServices(db, systemId)]);
  const components = new Map((offer?.components ?? []).map((c) => [c.code, c.name]));
  const serviceNames = new Map(services.map((s) => [s.id, s.name]));
  return (r: ReferralRecord): ReferralFacts => ({
    id: r.id,
    reference: r.reference,
    status: r.status,
    outcome: r.outcome,
    urgency: r.urgency,
    component: r.component,
    componentName: components.get(r.component) ?? r.component,
    reason: r.reason,
    receivedAt: r.receivedAt,
    updatedAt: r.updatedAt,
    serviceId: r.serviceId,
    serviceName: r.serviceId ? (serviceNames.get(r.serviceId) ?? null) : null,
    person: r.person,
  });
}

export async function searchServiceRequests(
  db: AnyDb,
  actor: Actor,
  q: { patient?: string; patientIdentifier?: Token; identifier?: Token; status?: string[]; lastUpdated?: DateFilter[] },
  paging: FhirPaging,
  o: ReadOptions,
): Promise<FhirMatches> {
  const anyOf = q.status?.map((s) => {
    const covered = STATUS_SEARCH[s];
    if (!covered)
      throw new ValidationError([
        { field: 'status', message: `status must be one of: ${Object.keys(STATUS_SEARCH).join(', ')}` },
      ]);
    return covered;
  });
  if (q.identifier?.system !== undefined && q.identifier.system !== SYSTEMS.referralReference) {
    return { resources: [], total: 0 };
  }
  const facts = await referralNames(db, actor.systemId);
  const found = await listVisibleReferrals(
    db,
    actor,
    {
      personId: q.patient ? referenceId(q.patient, 'Patient') : undefined,
      nhsNumber: q.patientIdentifier ? nhsNumberToken(q.patientIdentifier, 'patient:identifier') : undefined,
      reference: q.identifier?.code,
      anyOf,
      updated: q.lastUpdated?.map(dateRange),
      offset: paging.offset,
      limit: paging.count,
    },
    o,
  );
  return { resources: found.items.map((r) => serviceRequestResource(facts(r))), total: found.total };
}

export async function readServiceRequest(db: AnyDb, actor: Actor, id: string, o: ReadOptions): Promise<FhirResource> {
  const r = await getVisibleReferral(db, actor, id, o);
  return serviceRequestResource((await referralNames(db, actor.systemId))(r));
}

/**
 * Creates a referral from a FHIR ServiceRequest (Patient contained) through the central point of access's
 * own submitReferral: the same checks, routing, clock, idempotency and audit as POST /api/referrals. Errors
 * name the FHIRPath of the field. Answers the created ServiceRequest.
 */
export async function createServiceRequest(
  db: AnyDb,
  actor: Actor,
  resource: unknown,
  o: { now: Date; requestId?: string; idempotencyKey?: string },
): Promise<{ resource: FhirResource; replayed: boolean }> {
  const mapped = referralFromFhir(resource);
  if (!mapped.ok) throw new ValidationError(mapped.errors, 'The ServiceRequest cannot be accepted');
  let result: Awaited<ReturnType<typeof submitReferral>>;
  try {
    result = await submitReferral(db, actor, mapped.body, {
      now: o.now,
      requestId: o.requestId,
      idempotencyKey: o.idempotencyKey,
    });
  } catch (e) {
    if (e instanceof DomainError && e.fields.length) {
      throw new DomainError(
        e.status,
        e.code,
        e.message,
        e.fields.map((f) => ({ field: fhirPathOf(f.field), message: f.message })),
      );
    }
    throw e;
  }
  const r = result.body;
  const person = mapped.body.person as { nhsNumber: string; givenName: string; familyName: string };
  return {
    replayed: result.replayed,
    resource: serviceRequestResource({
      id: r.id,
      reference: r.reference,
      status: r.status,
      outcome: null,
      urgency: r.urgency,
      component: r.component.code,
      componentName: r.component.name,
      reason: String(mapped.body.reason ?? ''),
      receivedAt: r.receivedAt,
      updatedAt: r.receivedAt,
      serviceId: r.receivingService?.id ?? null,
      serviceName: r.receivingService?.name ?? null,
      person: { id: null, nhsNumber: person.nhsNumber, givenName: person.givenName, familyName: person.familyName },
    }),
  };
}
