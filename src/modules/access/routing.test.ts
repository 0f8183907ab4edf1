import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import fc from 'fast-check';
import {
  type AccessRoute,
  type AgeGroupCode,
  type AgeGroupProvision,
  type Component,
  loadOfferFolder,
  type OfferDocument,
  type ResponseStandard,
} from '../offer/index.ts';
import { type RoutableService, type Routed, type RoutingRequest, type Unrouted, routeReferral } from './routing.ts';

const BARNET = 'E09000003';
const CAMDEN = 'E09000007';
const ENFIELD = 'E09000010';
const HARINGEY = 'E09000014';
const ISLINGTON = 'E09000019';
const NCL = [BARNET, CAMDEN, ENFIELD, HARINGEY, ISLINGTON];
const NAMES = {
  [BARNET]: 'Barnet',
  [CAMDEN]: 'Camden',
  [ENFIELD]: 'Enfield',
  [HARINGEY]: 'Haringey',
  [ISLINGTON]: 'Islington',
};

function provision(
  ageGroup: AgeGroupCode,
  accessRoutes: AccessRoute[],
  responseStandards: ResponseStandard[],
  eligibility: string[] = [],
): AgeGroupProvision {
  return {
    ageGroup,
    hours: { twentyFourSeven: true },
    outOfHours: 'Call NHS 111.',
    responseStandards,
    accessRoutes,
    eligibility,
    pointsOfDelivery: ['home'],
    bestPractice: [],
    integration: [],
    workforce: [],
    accessibility: { interpreting: true, bsl: true, dementiaFriendly: true, notDigitalOnly: true, other: [] },
  };
}

function component(code: string, name: string, provisions: AgeGroupProvision[]): Component {
  return {
    code,
    name,
    residentSummary: '',
    description: '',
    domain: 'community',
    category: 'nursing-at-home',
    kind: 'service',
    synonyms: [],
    conditions: [],
    provisions,
  };
}

const PROF: AccessRoute[] = ['professional-referral', 'central-point-of-access'];
const SELF_AND_PROF: AccessRoute[] = ['self-referral', ...PROF];
const urgent4h: ResponseStandard = { urgency: 'urgent', firstContact: 'PT4H', clock: 'calendar' };
const routine2d: ResponseStandard = { urgency: 'routine', firstContact: 'P2D', clock: 'calendar' };

const OFFER: Component[] = [
  component('district-nursing', 'District nursing', [
    provision('working-age-adults', PROF, [urgent4h, routine2d], ['Housebound']),
    provision('older-adults', PROF, [urgent4h, routine2d], ['Housebound']),
  ]),
  component('talking-therapies', 'Talking therapies', [
    provision('young-adults', SELF_AND_PROF, [
      { urgency: 'routine', firstContact: 'P4W', clock: 'calendar' },
      { urgency: 'routine', firstContact: 'P18W', clock: 'calendar' },
    ]),
    provision('working-age-adults', SELF_AND_PROF, [
      { urgency: 'routine', firstContact: 'P6W', clock: 'calendar' },
      { urgency: 'routine', firstContact: 'P18W', clock: 'calendar' },
    ]),
  ]),
  component('podiatry', 'Podiatry', [
    provision('children-young-people', PROF, [{ urgency: 'routine', firstContact: 'P12W', clock: 'calendar' }]),
    provision('older-adults', SELF_AND_PROF, [{ urgency: 'urgent', firstContact: 'P1D', clock: 'working-days' }]),
  ]),
  component('crisis-cafe', 'Crisis café', [provision('working-age-adults', ['self-referral', 'walk-in'], [urgent4h])]),
];

function service(
  id: string,
  componentCodes: string[],
  ageGroups: AgeGroupCode[],
  boroughs: string[],
  extra: Partial<RoutableService> = {},
): RoutableService {
  return { id, name: `Service ${id}`, organisationCode: 'RKE', componentCodes, ageGroups, boroughs, ...extra };
}

const SERVICES: RoutableService[] = [
  service('z-dn-barnet', ['district-nursing'], ['working-age-adults', 'older-adults'], [BARNET]),
  service('a-dn-ncl', ['district-nursing'], ['working-age-adults', 'older-adults'], NCL),
  service('dn-camden-routine', ['district-nursing'], ['working-age-adults', 'older-adults'], [CAMDEN], {
    acceptsUrgencies: ['routine'],
  }),
  service('tt-islington-adults', ['talking-therapies'], ['working-age-adults'], [ISLINGTON]),
  service('tt-islington-young', ['talking-therapies'], ['young-adults'], [ISLINGTON]),
  service('tt-enfield', ['talking-therapies'], ['young-adults', 'working-age-adults'], [ENFIELD], {
    accessRoutes: ['professional-referral'],
  }),
  service('pod-b', ['podiatry'], ['older-adults'], [HARINGEY]),
  service('pod-a', ['podiatry'], ['older-adults'], [HARINGEY]),
];

const base: RoutingRequest = {
  component: 'district-nursing',
  age: 70,
  borough: BARNET,
  urgency: 'urgent',
  source: 'professional',
};
const route = (change: Partial<RoutingRequest>, services = SERVICES) =>
  routeReferral({ ...base, ...change }, OFFER, services, { boroughNames: NAMES });
const routed = (change: Partial<RoutingRequest>, services = SERVICES): Routed => {
  const r = route(change, services);
  assert.equal(r.outcome, 'routed', r.outcome === 'unrouted' ? r.gap.message : '');
  return r as Routed;
};
const unrouted = (change: Partial<RoutingRequest>, services = SERVICES): Unrouted => {
  const r = route(change, services);
  assert.equal(r.outcome, 'unrouted', r.outcome === 'routed' ? r.service.id : '');
  return r as Unrouted;
};

describe('routeReferral: routed', () => {
  it('routes to a service with every passing check as a reason, and the standard for the age group and urgency', () => {
    const r = routed({});
    assert.equal(r.service.id, 'z-dn-barnet');
    assert.equal(r.ageGroup, 'older-adults');
    assert.deepEqual(r.standard, urgent4h);
    assert.deepEqual(r.component, { code: 'district-nursing', name: 'District nursing' });
    assert.deepEqual(
      r.reasons.map((x) => x.check),
      ['age-group', 'borough', 'eligibility', 'urgency', 'access-route'],
    );
    assert.deepEqual(
      r.reasons.map((x) => x.message),
      [
        'Aged 70: older adults (65 and over), which Service z-dn-barnet serves',
        'Lives in Barnet, which Service z-dn-barnet covers',
        'Age and borough meet the core offer; confirm at triage: Housebound',
        'Urgent: first contact within 4 hours',
        'District nursing takes professional referrals through the central point of access',
      ],
    );
    assert.deepEqual(r.eligibilityToConfirm, ['Housebound']);
    assert.deepEqual(
      r.alternatives.map((s) => s.id),
      ['a-dn-ncl'],
    );
  });

  it('routes a self-referral where the offer allows it, with a working-days standard', () => {
    const r = routed({ component: 'podiatry', age: 80, borough: HARINGEY, source: 'self' });
    assert.equal(r.standard.clock, 'working-days');
    assert.equal(r.reasons[3].message, 'Urgent: first contact within 1 working day');
    assert.equal(r.reasons[4].message, 'Podiatry takes self-referrals for older adults');
    assert.equal(r.reasons[2].message, 'The core offer sets no further eligibility criteria');
  });

  it('uses the first listed standard and returns the others for the same urgency', () => {
    const r = routed({
      component: 'talking-therapies',
      age: 40,
      borough: ISLINGTON,
      urgency: 'routine',
      source: 'self',
    });
    assert.equal(r.standard.firstContact, 'P6W');
    assert.deepEqual(
      r.otherStandards.map((s) => s.firstContact),
      ['P18W'],
    );
  });
});

describe('routeReferral: tie-break', () => {
  it('prefers the most local service (fewest boroughs) over a lower id', () => {
    assert.equal(routed({}).service.id, 'z-dn-barnet');
    // In Enfield only the NCL-wide service delivers district nursing.
    assert.equal(routed({ borough: ENFIELD }).service.id, 'a-dn-ncl');
  });

  it('prefers the narrowest age group: a 20-year-old goes to the young adults service', () => {
    const r = routed({ component: 'talking-therapies', age: 20, borough: ISLINGTON, urgency: 'routine' });
    assert.equal(r.service.id, 'tt-islington-young');
    assert.equal(r.ageGroup, 'young-adults');
    assert.equal(r.standard.firstContact, 'P4W');
    assert.deepEqual(
      r.alternatives.map((s) => s.id),
      ['tt-islington-adults'],
    );
    // A 26-year-old is a working-age adult only.
    assert.equal(
      routed({ component: 'talking-therapies', age: 26, borough: ISLINGTON, urgency: 'routine' }).service.id,
      'tt-islington-adults',
    );
  });

  it('then takes the lower id, in character-code order', () => {
    const r = routed({ component: 'podiatry', age: 80, borough: HARINGEY });
    assert.equal(r.service.id, 'pod-a');
    assert.deepEqual(
      r.alternatives.map((s) => s.id),
      ['pod-b'],
    );
  });

  it('gives the same answer whatever order the services come in (property)', () => {
    const requests: Partial<RoutingRequest>[] = [
      {},
      { borough: ENFIELD },
      { component: 'talking-therapies', age: 20, borough: ISLINGTON, urgency: 'routine' },
      { component: 'podiatry', age: 80, borough: HARINGEY },
    ];
    const expected = requests.map((q) => JSON.stringify(route(q)));
    fc.assert(
      fc.property(
        fc.shuffledSubarray(SERVICES, { minLength: SERVICES.length, maxLength: SERVICES.length }),
        (shuffled) => requests.every((q, i) => JSON.stringify(route(q, shuffled)) === expected[i]),
      ),
    );
  });
});

describe('routeReferral: gaps', () => {
  it('unknown-component: not in the offer', () => {
    const r = unrouted({ component: 'acupuncture' });
    assert.deepEqual(r.gap, {
      kind: 'unknown-component',
      level: 'offer',
      isProvisionGap: false,
      message: '"acupuncture" is not a service in the core offer',
    });
    assert.equal(r.component, undefined);
  });

  it('age-not-covered: the component has no provision for the age', () => {
    const r = unrouted({ age: 12 });
    assert.equal(r.gap.kind, 'age-not-covered');
    assert.equal(r.gap.level, 'offer');
    assert.equal(
      r.gap.message,
      "The core offer's District nursing does not cover people aged 12: it is for working-age adults (18 to 64) and older adults (65 and over)",
    );
    assert.deepEqual(r.ageGroups, ['children-young-people']);
  });

  it('self-referral-not-allowed, by the offer', () => {
    const r = unrouted({ source: 'self' });
    assert.equal(r.gap.kind, 'self-referral-not-allowed');
    assert.equal(r.gap.level, 'offer');
    assert.equal(
      r.gap.message,
      'District nursing does not take self-referrals for people aged 70: a professional needs to refer',
    );
    assert.deepEqual(
      r.reasons.map((x) => x.check),
      ['age-group'],
    );
    // Podiatry takes self-referrals for older adults, but not for children.
    assert.equal(
      unrouted({ component: 'podiatry', age: 9, urgency: 'routine', source: 'self' }).gap.kind,
      'self-referral-not-allowed',
    );
  });

  it('professional-referral-not-allowed, by the offer', () => {
    const r = unrouted({ component: 'crisis-cafe', age: 30 });
    assert.equal(r.gap.kind, 'professional-referral-not-allowed');
    assert.equal(r.gap.level, 'offer');
  });

  it('urgency-not-offered, by the offer', () => {
    const r = unrouted({ component: 'talking-therapies', age: 30, borough: ISLINGTON, urgency: 'urgent' });
    assert.equal(r.gap.kind, 'urgency-not-offered');
    assert.equal(r.gap.level, 'offer');
    assert.equal(r.gap.isProvisionGap, false);
    assert.equal(r.gap.message, 'Talking therapies has no "urgent" response for people aged 30; it offers "routine"');
    assert.deepEqual(
      r.reasons.map((x) => x.check),
      ['age-group', 'access-route'],
    );
  });

  it('no-service-in-borough: the offer promises it, nothing in the borough provides it (evidence)', () => {
    const r = unrouted({ component: 'podiatry', age: 80, borough: CAMDEN });
    assert.deepEqual(r.gap, {
      kind: 'no-service-in-borough',
      level: 'service',
      isProvisionGap: true,
      message: 'No service in Camden provides Podiatry for people aged 80',
    });
    // Enough to record it: what, for whom, where, and which services elsewhere would fit.
    assert.deepEqual(r.request, {
      component: 'podiatry',
      age: 80,
      borough: CAMDEN,
      urgency: 'urgent',
      source: 'professional',
    });
    assert.deepEqual(r.component, { code: 'podiatry', name: 'Podiatry' });
    assert.deepEqual(r.offerAgeGroups, ['older-adults']);
    assert.deepEqual(
      r.elsewhere.map((s) => s.id),
      ['pod-a', 'pod-b'],
    );
    assert.deepEqual(
      r.reasons.map((x) => x.check),
      ['age-group', 'access-route', 'urgency'],
    );
    // With no directory at all, every borough is a gap.
    assert.equal(unrouted({}, []).gap.kind, 'no-service-in-borough');
  });

  it('no-service-in-borough when the only services there are for another age group', () => {
    // Islington has talking therapies for adults, but nothing for older adults; and the offer's
    // talking therapies here stop at 64, so a 70-year-old is an offer gap instead.
    assert.equal(
      unrouted({ component: 'talking-therapies', age: 70, borough: ISLINGTON, urgency: 'routine' }).gap.kind,
      'age-not-covered',
    );
    const only = [service('tt-young', ['talking-therapies'], ['young-adults'], [ISLINGTON])];
    const r = unrouted({ component: 'talking-therapies', age: 40, borough: ISLINGTON, urgency: 'routine' }, only);
    assert.equal(r.gap.kind, 'no-service-in-borough');
  });

  it('urgency-not-offered, by the services: the offer has it, the borough does not', () => {
    // Without the NCL-wide service, Camden's district nursing takes routine referrals only.
    const withoutNclWide = SERVICES.filter((s) => s.id !== 'a-dn-ncl');
    const r = unrouted({ borough: CAMDEN }, withoutNclWide);
    assert.deepEqual(r.gap, {
      kind: 'urgency-not-offered',
      level: 'service',
      isProvisionGap: true,
      message:
        'No service in Camden takes "urgent" referrals for District nursing for people aged 70, although the core offer includes them',
    });
    assert.deepEqual(
      r.reasons.map((x) => x.check),
      ['age-group', 'access-route', 'urgency', 'borough'],
    );
    // With it, the NCL-wide service takes the urgent one, and the more local Camden service the routine one.
    assert.equal(routed({ borough: CAMDEN }).service.id, 'a-dn-ncl');
    assert.equal(routed({ borough: CAMDEN, urgency: 'routine' }).service.id, 'dn-camden-routine');
  });

  it('self-referral-not-allowed, by the services', () => {
    const r = unrouted({
      component: 'talking-therapies',
      age: 30,
      borough: ENFIELD,
      urgency: 'routine',
      source: 'self',
    });
    assert.deepEqual(r.gap, {
      kind: 'self-referral-not-allowed',
      level: 'service',
      isProvisionGap: true,
      message:
        'No service in Enfield takes self-referrals for Talking therapies for people aged 30, although the core offer allows them',
    });
    // A professional can refer to the same service.
    assert.equal(
      routed({ component: 'talking-therapies', age: 30, borough: ENFIELD, urgency: 'routine' }).service.id,
      'tt-enfield',
    );
  });

  it('refuses an age that is not a whole number of years', () => {
    assert.throws(() => route({ age: -1 }), RangeError);
    assert.throws(() => route({ age: 20.5 }), RangeError);
    assert.throws(() => route({ age: Number.NaN }), RangeError);
  });
});

describe('routeReferral on the NCL core offer', () => {
  let offer: OfferDocument;
  before(async () => {
    offer = await loadOfferFolder(new URL('../../../data/ncl/offer/', import.meta.url).pathname);
  });
  const directory = [
    service(
      'ncl-talking-therapies',
      ['nhs-talking-therapies'],
      ['young-adults', 'working-age-adults', 'older-adults'],
      NCL,
    ),
    service('camden-dn', ['district-nursing'], ['working-age-adults', 'older-adults'], [CAMDEN]),
    service('ncl-ucr', ['urgent-community-response'], ['working-age-adults', 'older-adults'], NCL),
  ];

  it('routes a self-referral to NHS Talking Therapies with the 6-week standard first', () => {
    const r = routeReferral(
      { component: 'nhs-talking-therapies', age: 30, borough: CAMDEN, urgency: 'routine', source: 'self' },
      offer,
      directory,
    );
    assert.equal(r.outcome, 'routed');
    const ok = r as Routed;
    assert.equal(ok.standard.firstContact, 'P6W');
    assert.equal(ok.standard.target, 0.75);
    assert.equal(ok.otherStandards[0].firstContact, 'P18W');
  });

  it('routes an urgent community response within 2 hours', () => {
    const r = routeReferral(
      { component: 'urgent-community-response', age: 82, borough: ENFIELD, urgency: 'urgent', source: 'professional' },
      offer,
      directory,
    );
    assert.equal(r.outcome === 'routed' && r.standard.firstContact, 'PT2H');
  });

  it('finds the offer gaps and the provision gaps', () => {
    const dn = { component: 'district-nursing', age: 75, urgency: 'routine', source: 'professional' as const };
    assert.equal(routeReferral({ ...dn, borough: CAMDEN }, offer, directory).outcome, 'routed');
    const gap = routeReferral({ ...dn, borough: BARNET }, offer, directory);
    assert.equal(gap.outcome === 'unrouted' && gap.gap.kind, 'no-service-in-borough');
    const self = routeReferral({ ...dn, borough: CAMDEN, source: 'self' }, offer, directory);
    assert.equal(self.outcome === 'unrouted' && self.gap.kind, 'self-referral-not-allowed');
    const child = routeReferral({ ...dn, borough: CAMDEN, age: 8 }, offer, directory);
    assert.equal(child.outcome === 'unrouted' && child.gap.kind, 'age-not-covered');
    const urgent = routeReferral(
      { component: 'nhs-talking-therapies', age: 30, borough: CAMDEN, urgency: 'urgent', source: 'self' },
      offer,
      directory,
    );
    assert.equal(urgent.outcome === 'unrouted' && urgent.gap.kind, 'urgency-not-offered');
  });
});
