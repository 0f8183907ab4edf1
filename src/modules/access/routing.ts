// Routing: which service should receive a referral, and why; or why none can, as evidence.
//
// Checks run in this order, and the first that fails names the gap:
//   1. unknown-component          the component code is not in the published offer            (offer)
//   2. age-not-covered            the component has no provision for any of the person's age groups (offer)
//   3. self-/professional-referral-not-allowed
//                                 no provision for those age groups takes this access route   (offer)
//   4. urgency-not-offered        no provision left has a response standard at this urgency   (offer)
//   5. no-service-in-borough      no service delivers the component, for those age groups, in the borough (service)
//   6. urgency-not-offered        services there exist but none takes this urgency            (service)
//   7. self-/professional-referral-not-allowed
//                                 services there exist but none takes this access route       (service)
// A gap at level "offer" means the core offer does not promise this: the triager redirects or signposts.
// A gap at level "service" means the offer promises it but nothing in the borough provides it: a gap in
// provision, to be recorded as evidence for commissioners (`isProvisionGap`) and sent to a triager.
//
// Access routes: a self-referral needs "self-referral" among the provision's routes; a professional
// referral needs "professional-referral" or "central-point-of-access" (the hub is the central point of
// access). Eligibility criteria in the offer are free text, so routing cannot check them: they come back
// for the triager to confirm.
//
// Age groups overlap (a 20-year-old is both a young adult and a working-age adult). When a service
// serves several of the person's groups, the narrowest group is used (young adults before working-age
// adults), since it was written for people of that age; its response standard applies.
//
// Several standards for one urgency (NHS Talking Therapies: 75% within 6 weeks, 95% within 18 weeks):
// the first listed is `standard`, the one the due time is computed from; the rest are `otherStandards`.
//
// Tie-break among services that pass every check, so the same input always gives the same service:
//   1. the most local service: fewest boroughs covered (a borough team before an NCL-wide one);
//   2. the narrowest age group it would see the person in;
//   3. service id, in plain character-code order (not locale order).
// The others come back in the same order as `alternatives`, for a triager who redirects.

import {
  AGE_GROUPS,
  type AccessRoute,
  type AgeGroup,
  type AgeGroupCode,
  type AgeGroupProvision,
  ageGroupsForAge,
  type Component,
  describeAgeBounds,
  humaniseDuration,
  type OfferDocument,
  type ResponseStandard,
} from '../offer/index.ts';

export const REFERRAL_SOURCES = ['professional', 'self'] as const;
export type ReferralSource = (typeof REFERRAL_SOURCES)[number];

/** What routing needs to know about a referral. */
export interface RoutingRequest {
  /** Core offer component code, e.g. "district-nursing". */
  component: string;
  /** Whole years, on the day the referral is routed. */
  age: number;
  /** ONS GSS code of the borough the person lives in. */
  borough: string;
  /** "urgent", "routine", "emergency", or a level the component defines. */
  urgency: string;
  source: ReferralSource;
}

/** A service in the directory, as routing sees it. The directory module's services conform to this. */
export interface RoutableService {
  id: string;
  name: string;
  /** ODS code of the organisation that runs the service. */
  organisationCode: string;
  /** Core offer components the service delivers. */
  componentCodes: readonly string[];
  /** Age group codes (AgeGroupCode); plain strings so rows read from storage conform as they are. */
  ageGroups: readonly string[];
  /** GSS codes of the boroughs whose residents it serves. */
  boroughs: readonly string[];
  /** When given, the routes (AccessRoute codes) the service takes referrals by; otherwise whatever the offer allows. */
  accessRoutes?: readonly string[];
  /** When given, the urgencies the service takes; otherwise every urgency the offer defines. */
  acceptsUrgencies?: readonly string[];
}

export type RoutingCheck = 'age-group' | 'borough' | 'eligibility' | 'urgency' | 'access-route';

export interface RoutingReason {
  check: RoutingCheck;
  message: string;
}

export const GAP_KINDS = [
  'unknown-component',
  'age-not-covered',
  'self-referral-not-allowed',
  'professional-referral-not-allowed',
  'no-service-in-borough',
  'urgency-not-offered',
] as const;
export type GapKind = (typeof GAP_KINDS)[number];

export interface RoutingGap {
  kind: GapKind;
  /** "offer": the core offer does not promise this. "service": it does, but no service in the borough provides it. */
  level: 'offer' | 'service';
  /** True when level is "service": record it as evidence of a gap in provision. */
  isProvisionGap: boolean;
  /** Plain words for the triager, e.g. "No service in Enfield provides Podiatry for people aged 70". */
  message: string;
}

export interface Routed {
  outcome: 'routed';
  request: RoutingRequest;
  component: { code: string; name: string };
  service: RoutableService;
  /** The age group the service sees the person in; its provision's standard applies. */
  ageGroup: AgeGroupCode;
  /** The response standard for that age group and urgency: the first listed when there are several. */
  standard: ResponseStandard;
  /** Further standards for the same urgency (NHS Talking Therapies: 75% in 6 weeks, then 95% in 18 weeks). */
  otherStandards: ResponseStandard[];
  /** Every check that passed, in the order: age group, borough, eligibility, urgency, access route. */
  reasons: RoutingReason[];
  /** The offer's eligibility criteria for the age group, for the triager to confirm (free text). */
  eligibilityToConfirm: string[];
  /** Other services that pass every check, in tie-break order. */
  alternatives: RoutableService[];
}

export interface Unrouted {
  outcome: 'unrouted';
  request: RoutingRequest;
  /** Absent when the component is unknown. */
  component?: { code: string; name: string };
  gap: RoutingGap;
  /** The person's age groups (by age alone). */
  ageGroups: AgeGroupCode[];
  /** The age groups the offer covers for this request, once route and urgency are checked. */
  offerAgeGroups: AgeGroupCode[];
  /** The checks that passed before the one that failed. */
  reasons: RoutingReason[];
  /** For no-service-in-borough: services that would fit in other boroughs, in tie-break order. */
  elsewhere: RoutableService[];
}

export type RoutingResult = Routed | Unrouted;

export interface RoutingOptions {
  /** GSS code → borough name, for messages; codes are shown when a name is missing. */
  boroughNames?: Readonly<Record<string, string>>;
}

type OfferInput = Pick<OfferDocument, 'components'> | readonly Component[];

const ROUTE_FOR_SOURCE: Record<ReferralSource, readonly AccessRoute[]> = {
  self: ['self-referral'],
  professional: ['professional-referral', 'central-point-of-access'],
};

function span(group: AgeGroup): number {
  return group.maxAge === null ? Number.POSITIVE_INFINITY : group.maxAge - group.minAge;
}

function groupOf(code: AgeGroupCode): AgeGroup {
  return AGE_GROUPS.find((g) => g.code === code)!;
}

/** Narrowest first, then in AGE_GROUPS order. */
function compareGroups(a: AgeGroupCode, b: AgeGroupCode): number {
  const d = span(groupOf(a)) - span(groupOf(b));
  if (d !== 0) return d;
  return AGE_GROUPS.findIndex((g) => g.code === a) - AGE_GROUPS.findIndex((g) => g.code === b);
}

function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function describeGroups(groups: readonly AgeGroupCode[]): string {
  const words = groups.map((c) => `${groupOf(c).name.toLowerCase()} (${describeAgeBounds(groupOf(c))})`);
  return words.length <= 1 ? words.join('') : `${words.slice(0, -1).join(', ')} and ${words[words.length - 1]}`;
}

function allowsRoute(routes: readonly string[], source: ReferralSource): boolean {
  return ROUTE_FOR_SOURCE[source].some((r) => routes.includes(r));
}

function standardFor(p: AgeGroupProvision, urgency: string): ResponseStandard | undefined {
  return p.responseStandards.find((s) => s.urgency === urgency);
}

/**
 * Route a referral to a service, using the published offer and the directory's services.
 * Pure and deterministic: the same arguments give the same answer, whatever order `services` is in.
 */
export function routeReferral(
  request: RoutingRequest,
  offer: OfferInput,
  services: readonly RoutableService[],
  options: RoutingOptions = {},
): RoutingResult {
  if (!Number.isInteger(request.age) || request.age < 0) {
    throw new RangeError(`Age must be a whole number of years, 0 or more; got ${request.age}`);
  }
  const boroughName = options.boroughNames?.[request.borough] ?? request.borough;
  const ageGroups = ageGroupsForAge(request.age);
  const reasons: RoutingReason[] = [];
  const unrouted = (
    kind: GapKind,
    level: 'offer' | 'service',
    message: string,
    extra: Partial<Pick<Unrouted, 'component' | 'offerAgeGroups' | 'elsewhere'>> = {},
  ): Unrouted => ({
    outcome: 'unrouted',
    request: { ...request },
    ...(extra.component ? { component: extra.component } : {}),
    gap: { kind, level, isProvisionGap: level === 'service', message },
    ageGroups,
    offerAgeGroups: extra.offerAgeGroups ?? [],
    reasons: [...reasons],
    elsewhere: extra.elsewhere ?? [],
  });

  // 1. Component
  const components = Array.isArray(offer)
    ? (offer as readonly Component[])
    : (offer as Pick<OfferDocument, 'components'>).components;
  const component = components.find((c) => c.code === request.component);
  if (!component) {
    return unrouted('unknown-component', 'offer', `"${request.component}" is not a service in the core offer`);
  }
  const ref = { code: component.code, name: component.name };
  const who = `people aged ${request.age}`;
  const routeWords = request.source === 'self' ? 'self-referrals' : 'professional referrals';

  // 2. Age group
  let provisions = component.provisions.filter((p) => ageGroups.includes(p.ageGroup));
  if (provisions.length === 0) {
    const covered = component.provisions.map((p) => p.ageGroup);
    return unrouted(
      'age-not-covered',
      'offer',
      `The core offer's ${component.name} does not cover ${who}: it is for ${describeGroups(covered)}`,
      { component: ref },
    );
  }
  reasons.push({
    check: 'age-group',
    message: `Aged ${request.age}: the core offer's ${component.name} covers ${describeGroups(provisions.map((p) => p.ageGroup))}`,
  });

  // 3. Access route, as the offer sets it
  provisions = provisions.filter((p) => allowsRoute(p.accessRoutes, request.source));
  if (provisions.length === 0) {
    return request.source === 'self'
      ? unrouted(
          'self-referral-not-allowed',
          'offer',
          `${component.name} does not take self-referrals for ${who}: a professional needs to refer`,
          { component: ref },
        )
      : unrouted(
          'professional-referral-not-allowed',
          'offer',
          `${component.name} does not take professional referrals for ${who}: the person refers themselves`,
          { component: ref },
        );
  }

  reasons.push({ check: 'access-route', message: `The core offer's ${component.name} takes ${routeWords} for ${who}` });

  // 4. Urgency, as the offer sets it
  const offered = [...new Set(provisions.flatMap((p) => p.responseStandards.map((s) => s.urgency)))];
  provisions = provisions.filter((p) => standardFor(p, request.urgency));
  if (provisions.length === 0) {
    return unrouted(
      'urgency-not-offered',
      'offer',
      `${component.name} has no "${request.urgency}" response for ${who}; it offers ${offered.map((u) => `"${u}"`).join(', ')}`,
      { component: ref },
    );
  }
  const offerAgeGroups = provisions.map((p) => p.ageGroup).sort(compareGroups);
  reasons.push({
    check: 'urgency',
    message: `The core offer's ${component.name} has a "${request.urgency}" response for ${who}`,
  });

  // 5. A service for the component and age, in the borough
  const bestGroup = (s: RoutableService) => offerAgeGroups.find((g) => s.ageGroups.includes(g));
  const order = (a: RoutableService, b: RoutableService) =>
    a.boroughs.length - b.boroughs.length || compareGroups(bestGroup(a)!, bestGroup(b)!) || compareIds(a.id, b.id);
  const forAge = services
    .filter((s) => s.componentCodes.includes(component.code) && bestGroup(s) !== undefined)
    .sort(order);
  let fitting = forAge.filter((s) => s.boroughs.includes(request.borough));
  if (fitting.length === 0) {
    return unrouted(
      'no-service-in-borough',
      'service',
      `No service in ${boroughName} provides ${component.name} for ${who}`,
      {
        component: ref,
        offerAgeGroups,
        elsewhere: forAge,
      },
    );
  }

  reasons.push({
    check: 'borough',
    message: `${fitting.length === 1 ? '1 service' : `${fitting.length} services`} in ${boroughName} ${fitting.length === 1 ? 'provides' : 'provide'} ${component.name} for ${who}`,
  });

  // 6. A service there that takes this urgency
  fitting = fitting.filter((s) => !s.acceptsUrgencies || s.acceptsUrgencies.includes(request.urgency));
  if (fitting.length === 0) {
    return unrouted(
      'urgency-not-offered',
      'service',
      `No service in ${boroughName} takes "${request.urgency}" referrals for ${component.name} for ${who}, although the core offer includes them`,
      { component: ref, offerAgeGroups },
    );
  }

  // 7. A service there that takes this access route
  fitting = fitting.filter((s) => !s.accessRoutes || allowsRoute(s.accessRoutes, request.source));
  if (fitting.length === 0) {
    return unrouted(
      request.source === 'self' ? 'self-referral-not-allowed' : 'professional-referral-not-allowed',
      'service',
      `No service in ${boroughName} takes ${routeWords} for ${component.name} for ${who}, although the core offer allows them`,
      { component: ref, offerAgeGroups },
    );
  }

  const [service, ...alternatives] = fitting;
  const ageGroup = bestGroup(service)!;
  const provision = provisions.find((p) => p.ageGroup === ageGroup)!;
  const [standard, ...otherStandards] = provision.responseStandards.filter((s) => s.urgency === request.urgency);
  const group = groupOf(ageGroup);
  const eligibilityToConfirm = [...provision.eligibility];
  const routed: RoutingReason[] = [
    {
      check: 'age-group',
      message: `Aged ${request.age}: ${group.name.toLowerCase()} (${describeAgeBounds(group)}), which ${service.name} serves`,
    },
    { check: 'borough', message: `Lives in ${boroughName}, which ${service.name} covers` },
    {
      check: 'eligibility',
      message:
        eligibilityToConfirm.length === 0
          ? 'The core offer sets no further eligibility criteria'
          : `Age and borough meet the core offer; confirm at triage: ${eligibilityToConfirm.join('; ')}`,
    },
    {
      check: 'urgency',
      message: `${request.urgency[0].toUpperCase()}${request.urgency.slice(1)}: first contact ${humaniseDuration(standard.firstContact, standard.clock)}`,
    },
    {
      check: 'access-route',
      message:
        request.source === 'self'
          ? `${component.name} takes self-referrals for ${group.name.toLowerCase()}`
          : `${component.name} takes professional referrals through the central point of access`,
    },
  ];
  return {
    outcome: 'routed',
    request: { ...request },
    component: ref,
    service,
    ageGroup,
    standard,
    otherStandards,
    reasons: routed,
    eligibilityToConfirm,
    alternatives,
  };
}
