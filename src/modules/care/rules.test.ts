import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BARTHEL_ITEMS } from './assessment.ts';
import { caseWeight, complexityReasons, needsCaseManager } from './complexity.ts';
import { newAllocations, overdueActions, reviewsDue, whatHappensNext } from './today.ts';
import { birthdayAt, transitionStatus } from './transition.ts';

test('complexity: two long-term conditions with moderate frailty need a case manager; one does not', () => {
  const two = { 'health.conditions': 'COPD\nType 2 diabetes', 'health.frailty': 'moderate' };
  assert.deepEqual(
    complexityReasons({ answers: two, servicesInvolved: 1 }).map((r) => r.rule),
    ['conditions-and-frailty'],
  );
  assert.equal(needsCaseManager({ answers: { ...two, 'health.frailty': 'mild' }, servicesInvolved: 1 }), false);
  assert.equal(needsCaseManager({ answers: { ...two, 'health.conditions': 'COPD' }, servicesInvolved: 1 }), false);
});

test('complexity: three services, safeguarding, carer at risk and severe dependency each give a reason', () => {
  assert.equal(needsCaseManager({ answers: {}, servicesInvolved: 2 }), false);
  const bottom = Object.fromEntries(BARTHEL_ITEMS.map((i) => [i.linkId, i.options![0]!.code]));
  const reasons = complexityReasons({
    answers: { ...bottom, 'living.safeguarding': true, 'living.carerStrain': 'at-risk' },
    servicesInvolved: 3,
  });
  assert.deepEqual(
    reasons.map((r) => r.rule),
    ['many-services', 'safeguarding', 'carer-at-risk', 'high-dependency'],
  );
  assert.equal(caseWeight(reasons), 5);
  assert.ok(
    reasons.every((r) => r.text.length > 10),
    'each reason is in words',
  );
});

test('reviews due: within seven days or overdue, most overdue first (fixed "today")', () => {
  const today = '2024-06-10';
  const due = reviewsDue(
    [
      { personId: 'a', planId: 'p1', reviewDue: '2024-06-17' }, // today + 7: due soon
      { personId: 'b', planId: 'p2', reviewDue: '2024-06-18' }, // today + 8: not yet
      { personId: 'c', planId: 'p3', reviewDue: '2024-06-01' }, // overdue by 9 days
      { personId: 'd', planId: 'p4', reviewDue: '2024-06-10' }, // today: due, not overdue
    ],
    today,
  );
  assert.deepEqual(
    due.map((d) => [d.personId, d.overdue, d.daysLate]),
    [
      ['c', true, 9],
      ['d', false, 0],
      ['a', false, 0],
    ],
  );
});

test('overdue actions: open and due before today only', () => {
  const o = overdueActions(
    [
      { personId: 'a', actionId: '1', due: '2024-06-09', status: 'open' },
      { personId: 'a', actionId: '2', due: '2024-06-10', status: 'open' },
      { personId: 'a', actionId: '3', due: '2024-06-01', status: 'done' },
    ],
    '2024-06-10',
  );
  assert.deepEqual(
    o.map((x) => [x.actionId, x.daysLate]),
    [['1', 1]],
  );
});

test('new allocations: the last seven days, without a plan', () => {
  const n = newAllocations(
    [
      { personId: 'a', allocatedOn: '2024-06-03', hasPlan: false },
      { personId: 'b', allocatedOn: '2024-06-02', hasPlan: false },
      { personId: 'c', allocatedOn: '2024-06-09', hasPlan: true },
    ],
    '2024-06-10',
  );
  assert.deepEqual(
    n.map((x) => x.personId),
    ['a'],
  );
});

test('transition: flagged from 17, within six months of 18, and 29 February birthdays', () => {
  assert.deepEqual(transitionStatus('2007-03-15', '2024-03-14'), {
    age: 16,
    eighteenth: '2025-03-15',
    flagged: false,
    withinSixMonths: false,
  });
  const at17 = transitionStatus('2007-03-15', '2024-03-15');
  assert.equal(at17.flagged, true);
  assert.equal(at17.withinSixMonths, false);
  assert.equal(transitionStatus('2007-03-15', '2024-09-15').withinSixMonths, true, 'exactly six months before');
  assert.equal(transitionStatus('2007-03-15', '2024-09-14').withinSixMonths, false);
  assert.equal(transitionStatus('2007-03-15', '2025-03-15').flagged, false, 'an adult now');
  assert.equal(transitionStatus('2007-03-15', '2024-03-15', 16).flagged, true, 'configurable flag age');
  assert.equal(birthdayAt('2008-02-29', 18), '2026-03-01');
  assert.equal(
    transitionStatus('2007-02-28', '2024-08-31').withinSixMonths,
    true,
    '31 August plus six months is 28 February',
  );
});

test('transition plans: choices come from the offer by age group; bad choices, dates and a missing lead are named', async () => {
  const { checkTransitionPlan, transitionChoices, transitionConcerns } = await import('./transition.ts');
  const choices = transitionChoices([
    { code: 'cmht', name: 'Community mental health team', provisions: [{ ageGroup: 'working-age-adults' }] },
    { code: 'eip', name: 'Early intervention in psychosis', provisions: [{ ageGroup: 'young-adults' }] },
    { code: 'camhs', name: 'CAMHS', provisions: [{ ageGroup: 'children-young-people' }] },
  ]);
  assert.deepEqual(
    choices.adultServices.map((c) => c.code),
    ['cmht'],
  );
  assert.deepEqual(
    choices.youngAdult.map((c) => c.code),
    ['eip'],
  );
  const at = { today: '2030-01-07', birthDate: '2012-04-01' };
  const bad = checkTransitionPlan(
    { adultServices: ['camhs'], components: ['cmht'], transferDate: '2030-01-06' },
    choices,
    at,
  );
  assert.deepEqual(
    bad.errors.map((e) => e.field),
    ['adultServices', 'components', 'transferDate', 'adultLead'],
  );
  // 18 to 25 services end at 25: a transfer planned after the 25th birthday is refused.
  const late = checkTransitionPlan(
    { adultServices: 'cmht', transferDate: '2037-04-02', adultLead: 'Sam' },
    choices,
    at,
  );
  assert.deepEqual(
    late.errors.map((e) => e.field),
    ['transferDate'],
  );
  const ok = checkTransitionPlan(
    { adultServices: ['cmht', 'cmht'], components: ['eip'], transferDate: '2030-04-01', adultLead: ' Sam Okoye ' },
    choices,
    at,
  );
  assert.deepEqual(ok.errors, []);
  assert.deepEqual(ok.adultServices, [{ code: 'cmht', name: 'Community mental health team' }]);
  assert.equal(ok.adultLead, 'Sam Okoye');
  // Planning has to have started by six months before 18; a free-text plan still needs its structure.
  const soon = transitionStatus('2012-04-01', '2030-01-07');
  assert.deepEqual(transitionConcerns(soon, null, '2030-01-07'), ['Within six months of 18 and no transition plan']);
  assert.equal(
    transitionConcerns(soon, { structured: false, transferDate: null, adultLead: null }, '2030-01-07').length,
    1,
  );
  assert.deepEqual(
    transitionConcerns(soon, { structured: true, transferDate: '2030-04-01', adultLead: 'Sam' }, '2030-01-07'),
    [],
  );
  const early = transitionStatus('2012-12-01', '2030-01-07');
  assert.equal(early.flagged, true);
  assert.deepEqual(transitionConcerns(early, null, '2030-01-07'), []);
});

test('what happens next: one list in date and time order; cancelled and past left out, overdue marked', () => {
  const today = '2030-01-10';
  const steps = whatHappensNext(
    {
      appointments: [
        {
          id: 'a1',
          date: '2030-01-12',
          time: '14:00',
          service: 'Leg ulcer clinic',
          place: 'Kentish Town',
          status: 'booked',
        },
        { id: 'a2', date: '2030-01-11', time: '09:00', service: 'Podiatry', place: 'Archway', status: 'cancelled' },
        { id: 'a3', date: '2030-01-09', time: '09:00', service: 'Memory clinic', place: 'Archway', status: 'booked' },
        { id: 'a4', date: '2030-01-12', time: '09:30', service: 'Falls clinic', place: 'Highgate', status: 'booked' },
      ],
      visits: [{ day: '2030-01-11', window: '08:00 to 10:00', teamName: 'Camden UCR' }],
      actions: [
        { due: '2030-01-08', description: 'Check inhaler technique', ownerLabel: 'District nurse', status: 'open' },
        { due: '2030-01-20', description: 'Grab rails', ownerLabel: 'OT', status: 'done' },
      ],
      meetings: [
        { id: 'm1', date: '2030-01-14', time: '13:00', title: 'Neighbourhood MDT', cancelled: false },
        { id: 'm2', date: '2030-01-13', time: '13:00', title: 'Moved MDT', cancelled: true },
      ],
      reviewDue: '2030-01-15',
    },
    today,
  );
  assert.deepEqual(
    steps.map((s) => [s.date, s.time, s.kind, s.overdue]),
    [
      ['2030-01-08', null, 'action', true],
      ['2030-01-11', null, 'visit', false],
      ['2030-01-12', '09:30', 'appointment', false],
      ['2030-01-12', '14:00', 'appointment', false],
      ['2030-01-14', '13:00', 'meeting', false],
      ['2030-01-15', null, 'review', false],
    ],
  );
  assert.equal(steps[1]!.text, '08:00 to 10:00: home visit by Camden UCR');
  assert.equal(steps[4]!.href, '/care/meetings/m1');
  assert.equal(
    whatHappensNext({ appointments: [], visits: [], actions: [], meetings: [], reviewDue: '2030-01-01' }, today)[0]!
      .overdue,
    true,
  );
});
