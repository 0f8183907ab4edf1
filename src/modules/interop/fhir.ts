// FHIR R4 (UK Core 2.0.0): Core Offer's records as FHIR resources, a CapabilityStatement that says only what
// the server does, searchset Bundles and OperationOutcomes. Pure mapping, no database. Each resource names
// the UK Core profile it conforms to in meta.profile; the tests check the output with @medplum/core's R4
// validator and against the profiles' own constraints (data/standards/fhir-uk-core/).
import type { Organisation, Service, Site } from '../directory/index.ts';

export const FHIR_VERSION = '4.0.1';
export const FHIR_JSON = 'application/fhir+json';

export const UKCORE = {
  Organization: 'https://fhir.hl7.org.uk/StructureDefinition/UKCore-Organization',
  Location: 'https://fhir.hl7.org.uk/StructureDefinition/UKCore-Location',
  HealthcareService: 'https://fhir.hl7.org.uk/StructureDefinition/UKCore-HealthcareService',
  Patient: 'https://fhir.hl7.org.uk/StructureDefinition/UKCore-Patient',
  ServiceRequest: 'https://fhir.hl7.org.uk/StructureDefinition/UKCore-ServiceRequest',
  EpisodeOfCare: 'https://fhir.hl7.org.uk/StructureDefinition/UKCore-EpisodeOfCare',
  CarePlan: 'https://fhir.hl7.org.uk/StructureDefinition/UKCore-CarePlan',
  CareTeam: 'https://fhir.hl7.org.uk/StructureDefinition/UKCore-CareTeam',
  Task: 'https://fhir.hl7.org.uk/StructureDefinition/UKCore-Task',
  Appointment: 'https://fhir.hl7.org.uk/StructureDefinition/UKCore-Appointment',
  Questionnaire: 'https://fhir.hl7.org.uk/StructureDefinition/UKCore-Questionnaire',
  QuestionnaireResponse: 'https://fhir.hl7.org.uk/StructureDefinition/UKCore-QuestionnaireResponse',
  Observation: 'https://fhir.hl7.org.uk/StructureDefinition/UKCore-Observation',
} as const;
/** Profiles a type's resources may claim besides its own (the NEWS2 total is an EarlyWarningTotalScore). */
export const SUPPORTED_PROFILES: Partial<Record<FhirResourceType, string[]>> = {
  Observation: ['https://fhir.hl7.org.uk/StructureDefinition/UKCore-Observation-EarlyWarningTotalScore'],
};
export type FhirResourceType = keyof typeof UKCORE;

export const SYSTEMS = {
  ods: 'https://fhir.nhs.uk/Id/ods-organization-code',
  nhsNumber: 'https://fhir.nhs.uk/Id/nhs-number',
  /** ONS statistical geographies (a local authority's GSS code). */
  gss: 'http://statistics.data.gov.uk/id/statistical-geography',
  nhsNumberVerification: 'https://fhir.hl7.org.uk/CodeSystem/UKCore-NHSNumberVerificationStatusEngland',
  /** Core Offer's own codes: no national code system names core offer components or referral references. */
  component: 'urn:core-offer:component',
  referralReference: 'urn:core-offer:referral-reference',
  directoryService: 'urn:core-offer:directory-service',
  directorySite: 'urn:core-offer:directory-site',
  illustrativeOrganisation: 'urn:core-offer:illustrative-organisation',
} as const;

export const EXT_NHS_NUMBER_VERIFICATION =
  'https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-NHSNumberVerificationStatus';

// biome-ignore lint/suspicious/noExplicitAny: FHIR resources are open JSON documents
export type FhirResource = { resourceType: string; id?: string; [key: string]: any };

const ORG_KIND_TEXT: Record<string, string> = {
  'nhs-trust': 'NHS trust',
  'gp-practice': 'GP practice',
  'local-authority': 'Local authority',
  voluntary: 'Voluntary organisation',
  icb: 'Integrated care board',
};

/** An Organization's identifier: its ODS code, a council's GSS code, or an illustrative demo code. */
export function organisationIdentifier(o: Pick<Organisation, 'code' | 'kind' | 'illustrative'>) {
  if (o.illustrative || o.code.startsWith('ILL-')) return { system: SYSTEMS.illustrativeOrganisation, value: o.code };
  if (o.kind === 'local-authority') return { system: SYSTEMS.gss, value: o.code };
  return { system: SYSTEMS.ods, value: o.code };
}

/** FHIR ids allow letters, digits, '-' and '.', up to 64 characters. */
export function isFhirId(id: string): boolean {
  return /^[A-Za-z0-9\-.]{1,64}$/.test(id);
}

export function organizationResource(o: Organisation): FhirResource {
  return {
    resourceType: 'Organization',
    id: o.code,
    meta: { profile: [UKCORE.Organization] },
    identifier: [organisationIdentifier(o)],
    active: true,
    type: [{ text: ORG_KIND_TEXT[o.kind] ?? o.kind }],
    name: o.name,
  };
}

function address(text: string, postcode: string) {
  const parts = text
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
  const city = parts.length > 1 ? parts.pop() : undefined;
  return { use: 'work', type: 'physical', line: parts, ...(city ? { city } : {}), postalCode: postcode, country: 'GB' };
}

function orgReference(code: string, organisations: Map<string, Organisation>) {
  const o = organisations.get(code);
  return {
    reference: `Organization/${code}`,
    ...(o ? { identifier: organisationIdentifier(o), display: o.name } : {}),
  };
}

export function locationResource(s: Site, organisations: Map<string, Organisation>): FhirResource {
  return {
    resourceType: 'Location',
    id: s.id,
    meta: { profile: [UKCORE.Location] },
    identifier: [{ system: SYSTEMS.directorySite, value: s.id }],
    status: 'active',
    name: s.name,
    mode: 'instance',
    address: address(s.address, s.postcode),
    managingOrganization: orgReference(s.organisationCode, organisations),
  };
}

const ROUTE_TEXT: Record<string, string> = {
  'self-referral': 'Self-referral',
  'professional-referral': 'Referral from a GP or other professional',
  'central-point-of-access': 'Through the central point of access',
  'walk-in': 'Walk in',
};

export type ServiceContext = {
  organisations: Map<string, Organisation>;
  components: Map<string, { name: string }>;
  boroughNames: Map<string, string>;
  ageGroupNames: Map<string, string>;
};

export function healthcareServiceResource(s: Service, ctx: ServiceContext): FhirResource {
  const telecom = [
    ...(s.contact.phone ? [{ system: 'phone', value: s.contact.phone, use: 'work' }] : []),
    ...(s.contact.email ? [{ system: 'email', value: s.contact.email, use: 'work' }] : []),
    ...(s.contact.website ? [{ system: 'url', value: s.contact.website, use: 'work' }] : []),
  ];
  return {
    resourceType: 'HealthcareService',
    id: s.id,
    meta: { profile: [UKCORE.HealthcareService] },
    identifier: [{ system: SYSTEMS.directoryService, value: s.id }],
    active: true,
    providedBy: orgReference(s.organisationCode, ctx.organisations),
    type: s.componentCodes.map((code) => ({
      coding: [{ system: SYSTEMS.component, code, display: ctx.components.get(code)?.name ?? code }],
    })),
    ...(s.siteIds?.length ? { location: s.siteIds.map((id) => ({ reference: `Location/${id}` })) } : {}),
    name: s.name,
    ...(s.description ? { comment: s.description } : {}),
    ...(telecom.length ? { telecom } : {}),
    coverageArea: s.boroughs.map((b) => ({
      identifier: { system: SYSTEMS.gss, value: b },
      display: ctx.boroughNames.get(b) ?? b,
    })),
    eligibility: [
      {
        code: { text: 'Age groups' },
        comment: s.ageGroups.map((g) => ctx.ageGroupNames.get(g) ?? g).join(', '),
      },
    ],
    referralMethod: s.accessRoutes.map((r) => ({ text: ROUTE_TEXT[r] ?? r })),
    availabilityExceptions: s.hours,
  };
}

/** Prefix of the HealthcareService id of a core offer component as the ICS commissions it. */
export const OFFER_SERVICE_PREFIX = 'offer-';

export type CommissionedComponent = {
  code: string;
  name: string;
  residentSummary: string;
  description: string;
  provisions: { ageGroup: string; outOfHours: string; accessRoutes: string[]; eligibility: string[] }[];
};

/**
 * A core offer component as the integrated care system commissions it: provided by the ICB (the
 * commissioner), across every borough, with the eligibility of each age group it covers. The directory's
 * services that deliver it are separate HealthcareServices of the same type.
 */
export function commissionedServiceResource(
  c: CommissionedComponent,
  icb: Organisation | undefined,
  systemId: string,
  ctx: ServiceContext,
): FhirResource {
  return {
    resourceType: 'HealthcareService',
    id: `${OFFER_SERVICE_PREFIX}${c.code}`,
    meta: { profile: [UKCORE.HealthcareService] },
    identifier: [{ system: SYSTEMS.component, value: c.code }],
    active: true,
    providedBy: icb ? orgReference(icb.code, ctx.organisations) : { reference: `Organization/${systemId}` },
    category: [{ text: 'Core offer component, as commissioned' }],
    type: [{ coding: [{ system: SYSTEMS.component, code: c.code, display: c.name }] }],
    name: c.name,
    comment: c.residentSummary,
    extraDetails: c.description,
    coverageArea: [...ctx.boroughNames].map(([code, name]) => ({
      identifier: { system: SYSTEMS.gss, value: code },
      display: name,
    })),
    eligibility: c.provisions.map((p) => ({
      code: { text: ctx.ageGroupNames.get(p.ageGroup) ?? p.ageGroup },
      ...(p.eligibility.length ? { comment: p.eligibility.join(' ') } : {}),
    })),
    referralMethod: [...new Set(c.provisions.flatMap((p) => p.accessRoutes))].map((r) => ({
      text: ROUTE_TEXT[r] ?? r,
    })),
  };
}

export type PersonFacts = {
  id: string;
  nhsNumber: string;
  givenName: string;
  familyName: string;
  birthDate: string;
  postcode: string;
  gpPractice: string | null;
  phone: string | null;
  email: string | null;
  updatedAt?: string;
};

/**
 * A Patient. Core Offer checks an NHS number's format and check digit but does not trace it against PDS, so
 * the verification status is "02 Number present but not traced" (UK Core's England code system).
 */
export function patientResource(p: PersonFacts): FhirResource {
  const telecom = [
    ...(p.phone ? [{ system: 'phone', value: p.phone }] : []),
    ...(p.email ? [{ system: 'email', value: p.email }] : []),
  ];
  return {
    resourceType: 'Patient',
    id: p.id,
    meta: { profile: [UKCORE.Patient], ...(p.updatedAt ? { lastUpdated: p.updatedAt } : {}) },
    identifier: [
      {
        extension: [
          {
            url: EXT_NHS_NUMBER_VERIFICATION,
            valueCodeableConcept: {
              coding: [{ system: SYSTEMS.nhsNumberVerification, code: '02', display: 'Number present but not traced' }],
            },
          },
        ],
        system: SYSTEMS.nhsNumber,
        value: p.nhsNumber,
      },
    ],
    name: [{ use: 'official', family: p.familyName, given: [p.givenName] }],
    ...(telecom.length ? { telecom } : {}),
    birthDate: p.birthDate,
    address: [{ use: 'home', postalCode: p.postcode }],
    ...(p.gpPractice ? { generalPractitioner: [{ identifier: { system: SYSTEMS.ods, value: p.gpPractice } }] } : {}),
  };
}

/** Core Offer's referral status as a FHIR request status. */
export function requestStatus(status: string, outcome: string | null): string {
  if (status !== 'closed') return 'active';
  return outcome === 'withdrawn' ? 'revoked' : 'completed';
}

/** Each FHIR request status as the referral states it covers (for the `status` search parameter). */
export const STATUS_SEARCH: Record<string, { status: string[]; outcomeIn?: string[]; outcomeNotIn?: string[] }> = {
  active: { status: ['received', 'triaged', 'accepted', 'redirected', 'first-contact-made'] },
  completed: { status: ['closed'], outcomeNotIn: ['withdrawn'] },
  revoked: { status: ['closed'], outcomeIn: ['withdrawn'] },
};

export function requestPriority(urgency: string): string {
  if (urgency === 'emergency') return 'stat';
  if (urgency === 'urgent') return 'urgent';
  if (urgency === 'routine') return 'routine';
  return 'asap';
}

export type ReferralFacts = {
  id: string;
  reference: string;
  status: string;
  outcome: string | null;
  urgency: string;
  component: string;
  componentName: string;
  reason: string;
  receivedAt: string;
  updatedAt: string;
  serviceId: string | null;
  serviceName: string | null;
  /** The person's id is null when the caller has no relationship to read them by (just created). */
  person: { id: string | null; nhsNumber: string; givenName: string; familyName: string };
};

export function serviceRequestResource(r: ReferralFacts): FhirResource {
  return {
    resourceType: 'ServiceRequest',
    id: r.id,
    meta: { profile: [UKCORE.ServiceRequest], lastUpdated: r.updatedAt },
    identifier: [{ system: SYSTEMS.referralReference, value: r.reference }],
    status: requestStatus(r.status, r.outcome),
    intent: 'order',
    priority: requestPriority(r.urgency),
    code: { coding: [{ system: SYSTEMS.component, code: r.component, display: r.componentName }] },
    subject: {
      ...(r.person.id ? { reference: `Patient/${r.person.id}` } : {}),
      identifier: { system: SYSTEMS.nhsNumber, value: r.person.nhsNumber },
      display: `${r.person.givenName} ${r.person.familyName}`,
    },
    authoredOn: r.receivedAt,
    ...(r.serviceId
      ? {
          performer: [
            { reference: `HealthcareService/${r.serviceId}`, ...(r.serviceName ? { display: r.serviceName } : {}) },
          ],
        }
      : {}),
    ...(r.reason ? { reasonCode: [{ text: r.reason }] } : {}),
  };
}

export type SearchLinks = { self: string; first: string; previous?: string; next?: string; last: string };

export function searchsetBundle(
  base: string,
  resources: FhirResource[],
  total: number,
  links: SearchLinks,
  now: Date,
): FhirResource {
  return {
    resourceType: 'Bundle',
    meta: { lastUpdated: now.toISOString() },
    type: 'searchset',
    timestamp: now.toISOString(),
    total,
    link: (['self', 'first', 'previous', 'next', 'last'] as const)
      .filter((rel) => links[rel])
      .map((rel) => ({ relation: rel, url: links[rel]! })),
    entry: resources.map((resource) => ({
      fullUrl: `${base}/${resource.resourceType}/${resource.id}`,
      resource,
      search: { mode: 'match' },
    })),
  };
}

/** Paging links for a search: `_count` per page and `_offset` from the first match. */
export function pageLinks(
  base: string,
  type: string,
  params: URLSearchParams,
  offset: number,
  count: number,
  total: number,
): SearchLinks {
  const at = (o: number) => {
    const p = new URLSearchParams(params);
    p.set('_count', String(count));
    p.set('_offset', String(o));
    return `${base}/${type}?${p}`;
  };
  const lastOffset = total === 0 ? 0 : Math.floor((total - 1) / count) * count;
  return {
    self: at(offset),
    first: at(0),
    ...(offset > 0 ? { previous: at(Math.max(0, offset - count)) } : {}),
    ...(offset + count < total ? { next: at(offset + count) } : {}),
    last: at(lastOffset),
  };
}

export type IssueCode =
  | 'invalid'
  | 'required'
  | 'value'
  | 'not-found'
  | 'not-supported'
  | 'security'
  | 'login'
  | 'forbidden'
  | 'processing'
  | 'conflict'
  | 'too-costly'
  | 'throttled'
  | 'exception';

export function operationOutcome(
  issues: {
    severity?: 'fatal' | 'error' | 'warning' | 'information';
    code: IssueCode;
    text: string;
    expression?: string;
  }[],
): FhirResource {
  return {
    resourceType: 'OperationOutcome',
    issue: issues.map((i) => ({
      severity: i.severity ?? 'error',
      code: i.code,
      details: { text: i.text },
      diagnostics: i.text,
      ...(i.expression ? { expression: [i.expression] } : {}),
    })),
  };
}

/** The FHIR issue code for an HTTP status. */
export function issueCodeFor(status: number): IssueCode {
  if (status === 401) return 'login';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'not-found';
  if (status === 409) return 'conflict';
  if (status === 429) return 'throttled';
  if (status === 405 || status === 501) return 'not-supported';
  if (status >= 500) return 'exception';
  return 'invalid';
}

export type SearchParamDoc = { name: string; type: 'token' | 'string' | 'reference' | 'date' | 'number'; doc: string };

const LAST_UPDATED: SearchParamDoc = {
  name: '_lastUpdated',
  type: 'date',
  doc: 'When the record last changed: a date or dateTime with eq, gt, ge, lt or le (may be given twice for a range)',
};
function careParams(statuses: string, identifier: string): SearchParamDoc[] {
  return [
    {
      name: 'patient',
      type: 'reference',
      doc: 'Patient/<id>, or with :identifier the NHS number: patient:identifier=https://fhir.nhs.uk/Id/nhs-number|<10 digits>',
    },
    { name: 'identifier', type: 'token', doc: identifier },
    { name: 'status', type: 'token', doc: statuses },
    LAST_UPDATED,
  ];
}

/** What each resource type supports: read and search-type, with these parameters. */
export const SUPPORTED: Record<FhirResourceType, SearchParamDoc[]> = {
  Organization: [
    { name: 'identifier', type: 'token', doc: 'ODS code, e.g. https://fhir.nhs.uk/Id/ods-organization-code|RKE' },
    { name: 'name', type: 'string', doc: 'Start of any word of the name' },
  ],
  Location: [
    { name: 'organization', type: 'reference', doc: 'Managing organisation, Organization/<ODS code>' },
    { name: 'name', type: 'string', doc: 'Start of any word of the name' },
  ],
  HealthcareService: [
    { name: 'organization', type: 'reference', doc: 'Providing organisation, Organization/<ODS code>' },
    { name: 'service-type', type: 'token', doc: 'Core offer component, urn:core-offer:component|<code>' },
    { name: 'name', type: 'string', doc: 'Start of any word of the name' },
  ],
  Patient: [
    { name: 'identifier', type: 'token', doc: 'NHS number, https://fhir.nhs.uk/Id/nhs-number|<10 digits>' },
    LAST_UPDATED,
  ],
  ServiceRequest: [
    {
      name: 'patient',
      type: 'reference',
      doc: 'Patient/<id>, or with :identifier the NHS number: patient:identifier=https://fhir.nhs.uk/Id/nhs-number|<10 digits>',
    },
    { name: 'identifier', type: 'token', doc: 'The referral reference, urn:core-offer:referral-reference|CPA-…' },
    { name: 'status', type: 'token', doc: 'active, completed or revoked' },
    LAST_UPDATED,
  ],
  EpisodeOfCare: careParams('active', 'the referral reference, urn:core-offer:episode-of-care|CPA-…'),
  CarePlan: careParams('active or completed', 'urn:core-offer:care-plan|<id>'),
  CareTeam: careParams('active or inactive', 'urn:core-offer:care-team|<person id>'),
  Task: careParams('requested, completed or cancelled', 'urn:core-offer:care-action|<id>'),
  Appointment: careParams('booked or cancelled', 'urn:core-offer:care-appointment|<id>'),
  Questionnaire: [
    { name: 'url', type: 'string', doc: 'The canonical URL (optionally |version)' },
    { name: 'status', type: 'token', doc: 'active' },
  ],
  QuestionnaireResponse: careParams('in-progress or completed', 'urn:core-offer:holistic-assessment|<id>'),
  Observation: [
    {
      name: 'patient:identifier',
      type: 'token',
      doc: 'NHS number, https://fhir.nhs.uk/Id/nhs-number|<10 digits> (a virtual ward patient is the ward’s own record, referenced by NHS number)',
    },
    {
      name: 'code',
      type: 'token',
      doc: `http://loinc.org|85353-1 (the observation set) or http://snomed.info/sct|1104051000000101 (NEWS2 total)`,
    },
    { name: 'identifier', type: 'token', doc: 'urn:core-offer:virtual-ward-observation|<id>' },
    { name: 'status', type: 'token', doc: 'final' },
    LAST_UPDATED,
  ],
};

const CREATE_DOC =
  'A referral to the central point of access, with the Patient contained (subject "#id"): routed, clocked and audited like POST /api/referrals. Send Idempotency-Key (or If-None-Exist) to make retries safe.';

export function capabilityStatement(base: string, date: string, software: { name: string; version: string }) {
  const COMMON: SearchParamDoc[] = [
    { name: '_count', type: 'number', doc: 'Matches per page (1 to 100, default 20)' },
    { name: '_offset', type: 'number', doc: 'Skip this many matches (the next and previous links carry it)' },
  ];
  return {
    resourceType: 'CapabilityStatement',
    status: 'active',
    date,
    publisher: software.name,
    kind: 'instance',
    software,
    implementation: { description: `${software.name} FHIR R4 API (UK Core 2.0.0 profiles)`, url: base },
    fhirVersion: FHIR_VERSION,
    format: ['json'],
    rest: [
      {
        mode: 'server',
        documentation:
          'Read and search; ServiceRequest also create. Organization, Location, HealthcareService and Questionnaire are public. Patient and ServiceRequest need an API token or staff session of the central point of access or a clinician; EpisodeOfCare, CarePlan, CareTeam, Task, Appointment and QuestionnaireResponse of a case manager, clinician or the central point of access; Observation (virtual wards) of a clinician or coordinator. All of these show only people the caller has a legitimate relationship with, and every read of a person is audited.',
        security: {
          description:
            'Send Authorization: Bearer <token> (an administrator issues tokens, each scoped to one role), or sign in.',
        },
        resource: (Object.keys(UKCORE) as FhirResourceType[]).map((type) => ({
          type,
          profile: UKCORE[type],
          ...(SUPPORTED_PROFILES[type] ? { supportedProfile: SUPPORTED_PROFILES[type] } : {}),
          interaction: [
            { code: 'read' },
            { code: 'search-type' },
            ...(type === 'ServiceRequest' ? [{ code: 'create', documentation: CREATE_DOC }] : []),
          ],
          searchParam: [...SUPPORTED[type], ...COMMON].map((p) => ({
            name: p.name,
            type: p.type,
            documentation: p.doc,
          })),
        })),
      },
    ],
  };
}

/** A FHIR date search value (`_lastUpdated=ge2026-03-01`) as the instants it allows: [from, before). */
export type DateFilter = { prefix: 'eq' | 'gt' | 'ge' | 'lt' | 'le'; from: number; before: number };

const DATE_VALUE = /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?)?)?$/;

/** Parses one `_lastUpdated` value; null when it is not a FHIR date with a supported prefix. */
export function parseDateFilter(text: string): DateFilter | null {
  const m = /^(eq|gt|ge|lt|le)?(.+)$/.exec(text.trim());
  if (!m) return null;
  const prefix = (m[1] ?? 'eq') as DateFilter['prefix'];
  const d = DATE_VALUE.exec(m[2]!);
  if (!d) return null;
  const [, y, mo, day, hh, mi, ss, frac, zone] = d;
  if (hh !== undefined && zone === undefined) return null;
  const year = Number(y);
  const month = mo ? Number(mo) : 1;
  const date = day ? Number(day) : 1;
  if (month < 1 || month > 12 || date < 1 || date > 31) return null;
  if (hh !== undefined) {
    const from = Date.parse(`${y}-${mo}-${day}T${hh}:${mi}:${ss ?? '00'}${frac ?? ''}${zone === 'Z' ? 'Z' : zone}`);
    if (Number.isNaN(from)) return null;
    const step = ss === undefined ? 60_000 : frac === undefined ? 1000 : 1;
    return { prefix, from, before: from + step };
  }
  // A date without a time is a whole year, month or day (UTC, as FHIR leaves the zone to the server).
  const from = Date.UTC(year, month - 1, date);
  const before = day ? Date.UTC(year, month - 1, date + 1) : mo ? Date.UTC(year, month, 1) : Date.UTC(year + 1, 0, 1);
  return { prefix, from, before };
}

/** Whether an instant meets every filter (a resource without a lastUpdated meets none). */
export function dateMatches(instant: string | undefined, filters: DateFilter[]): boolean {
  if (filters.length === 0) return true;
  if (!instant) return false;
  const t = Date.parse(instant);
  return filters.every((f) => {
    if (f.prefix === 'eq') return t >= f.from && t < f.before;
    if (f.prefix === 'gt') return t >= f.before;
    if (f.prefix === 'ge') return t >= f.from;
    if (f.prefix === 'lt') return t < f.from;
    return t < f.before;
  });
}

/** A date filter as a range of instants for a database query: from (inclusive), before (exclusive). */
export function dateRange(f: DateFilter): { from?: Date; before?: Date } {
  if (f.prefix === 'eq') return { from: new Date(f.from), before: new Date(f.before) };
  if (f.prefix === 'gt') return { from: new Date(f.before) };
  if (f.prefix === 'ge') return { from: new Date(f.from) };
  if (f.prefix === 'lt') return { before: new Date(f.from) };
  return { before: new Date(f.before) };
}
