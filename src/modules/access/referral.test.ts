import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { Component } from '../offer/index.ts';
import { NCL_POSTCODE_DISTRICTS } from './index.ts';
import { boroughLookupFromDistricts } from './postcode.ts';
import {
  ALLOWED_FROM,
  ageOn,
  applyAll,
  CLOSE_OUTCOMES,
  type EventActor,
  findLikelyDuplicates,
  illegalTransitionMessage,
  isLikelyDuplicate,
  REFERRAL_STATUSES,
  type ReferralAction,
  type ReferralState,
  type ReferralStatus,
  receiveReferral,
  transition,
  validateReferralInput,
} from './referral.ts';

const triager: EventActor = { id: 'u-1', name: 'Sam Triager', role: 'spa', organisationCode: 'QMJ' };
const clinician: EventActor = { id: 'u-2', name: 'Alex Nurse', role: 'clinician', organisationCode: 'RKE' };

function start(): ReferralState {
  return receiveReferral('ref-1', triager, '2025-01-06T09:00:00Z').referral;
}

function step(r: ReferralState, action: ReferralAction, at: string, by = triager): ReferralState {
  const result = transition(r, action, by, at);
  assert.ok(result.ok, result.ok ? '' : result.error.message);
  return result.referral;
}

/** A referral in the given status, built through legal steps. */
function inStatus(status: ReferralStatus): ReferralState {
  let r = start();
  if (status === 'received') return r;
  r = step(r, { type: 'triage', serviceId: 'svc-a' }, '2025-01-06T10:00:00Z');
  if (status === 'triaged') return r;
  if (status === 'redirected') return step(r, { type: 'redirect', reason: 'Wrong team' }, '2025-01-06T11:00:00Z');
  if (status === 'closed') return step(r, { type: 'close', outcome: 'signposted' }, '2025-01-06T11:00:00Z');
  r = step(r, { type: 'accept', firstContactDue: '2025-01-08T09:00:00Z' }, '2025-01-06T11:00:00Z', clinician);
  if (status === 'accepted') return r;
  return step(r, { type: 'first-contact' }, '2025-01-07T09:00:00Z', clinician);
}

describe('referral lifecycle', () => {
  it('goes received → triaged → accepted → first contact → closed, one event per change', () => {
    const received = receiveReferral('ref-1', triager, '2025-01-06T09:00:00Z');
    assert.deepEqual(received.event, {
      referralId: 'ref-1',
      sequence: 1,
      type: 'receive',
      from: null,
      to: 'received',
      at: '2025-01-06T09:00:00.000Z',
      by: triager,
    });
    const result = applyAll(received.referral, [
      {
        action: { type: 'triage', serviceId: 'svc-a', note: ' Housebound, leg ulcer ' },
        by: triager,
        at: '2025-01-06T10:00:00Z',
      },
      {
        action: { type: 'accept', firstContactDue: new Date('2025-01-08T09:00:00Z') },
        by: clinician,
        at: '2025-01-06T11:00:00Z',
      },
      { action: { type: 'first-contact' }, by: clinician, at: '2025-01-07T09:30:00Z' },
      { action: { type: 'close', outcome: 'completed' }, by: clinician, at: '2025-02-01T12:00:00Z' },
    ]);
    assert.ok(result.ok);
    assert.deepEqual(result.referral, {
      id: 'ref-1',
      status: 'closed',
      serviceId: 'svc-a',
      receivedAt: '2025-01-06T09:00:00.000Z',
      updatedAt: '2025-02-01T12:00:00.000Z',
      acceptedAt: '2025-01-06T11:00:00.000Z',
      firstContactDue: '2025-01-08T09:00:00.000Z',
      firstContactAt: '2025-01-07T09:30:00.000Z',
      closedAt: '2025-02-01T12:00:00.000Z',
      outcome: 'completed',
      redirectCount: 0,
      version: 5,
    });
    assert.deepEqual(
      result.events.map((e) => [e.sequence, e.type, e.from, e.to, e.by.id]),
      [
        [2, 'triage', 'received', 'triaged', 'u-1'],
        [3, 'accept', 'triaged', 'accepted', 'u-2'],
        [4, 'first-contact', 'accepted', 'first-contact-made', 'u-2'],
        [5, 'close', 'first-contact-made', 'closed', 'u-2'],
      ],
    );
    assert.equal(result.events[0].note, 'Housebound, leg ulcer');
    assert.equal(result.events[1].firstContactDue, '2025-01-08T09:00:00.000Z');
    assert.equal(result.events[3].outcome, 'completed');
  });

  it('redirects with a reason to another service, which accepts; the redirect is counted', () => {
    let r = inStatus('accepted');
    const out = transition(
      r,
      { type: 'redirect', reason: 'Needs the tissue viability team', toServiceId: 'svc-b' },
      clinician,
      '2025-01-06T12:00:00Z',
    );
    assert.ok(out.ok);
    assert.equal(out.referral.status, 'redirected');
    assert.equal(out.referral.serviceId, 'svc-b');
    assert.equal(out.referral.firstContactDue, null, 'the new service sets its own due time on acceptance');
    assert.equal(out.referral.redirectCount, 1);
    assert.equal(out.event.reason, 'Needs the tissue viability team');
    assert.equal(out.event.fromServiceId, 'svc-a');
    r = step(
      out.referral,
      { type: 'accept', firstContactDue: '2025-01-09T09:00:00Z' },
      '2025-01-06T13:00:00Z',
      clinician,
    );
    assert.equal(r.status, 'accepted');
    assert.equal(r.serviceId, 'svc-b');
  });

  it('redirects back to the triager, who triages again', () => {
    const back = step(inStatus('triaged'), { type: 'redirect', reason: 'Not ours' }, '2025-01-06T12:00:00Z');
    assert.equal(back.serviceId, null);
    assert.equal(
      transition(back, { type: 'accept', firstContactDue: '2025-01-09T09:00:00Z' }, clinician, '2025-01-06T12:30:00Z')
        .ok,
      false,
      'no service to accept it',
    );
    const again = step(back, { type: 'triage', serviceId: 'svc-c' }, '2025-01-06T13:00:00Z');
    assert.equal(again.status, 'triaged');
    assert.equal(again.serviceId, 'svc-c');
    assert.equal(again.redirectCount, 1);
  });

  it('closes an open referral with an outcome such as signposted', () => {
    const r = step(
      start(),
      { type: 'close', outcome: 'signposted', note: 'Befriending service' },
      '2025-01-06T09:30:00Z',
    );
    assert.equal(r.status, 'closed');
    assert.equal(r.outcome, 'signposted');
    assert.equal(r.firstContactAt, null);
  });

  it('names the illegal transition', () => {
    const closed = inStatus('closed');
    const r = transition(
      closed,
      { type: 'accept', firstContactDue: '2025-01-09T09:00:00Z' },
      clinician,
      '2025-01-07T09:00:00Z',
    );
    assert.deepEqual(r, {
      ok: false,
      error: {
        code: 'illegal-transition',
        kind: 'conflict',
        message: 'A referral that is closed cannot be accepted',
        from: 'closed',
        action: 'accept',
      },
    });
    const early = transition(
      start(),
      { type: 'accept', firstContactDue: '2025-01-09T09:00:00Z' },
      clinician,
      '2025-01-07T09:00:00Z',
    );
    assert.equal(!early.ok && early.error.message, 'A referral that has not been triaged cannot be accepted');
    const contact = transition(inStatus('triaged'), { type: 'first-contact' }, clinician, '2025-01-07T09:00:00Z');
    assert.equal(
      !contact.ok && contact.error.message,
      'A referral that is triaged cannot have a first contact recorded',
    );
  });

  it('allows exactly the transitions in the table, for every status and action', () => {
    const actions: ReferralAction[] = [
      { type: 'triage', serviceId: 'svc-z' },
      { type: 'accept', serviceId: 'svc-z', firstContactDue: '2025-02-01T09:00:00Z' },
      { type: 'redirect', reason: 'Wrong borough', toServiceId: 'svc-y' },
      { type: 'first-contact' },
      { type: 'close', outcome: 'withdrawn' },
    ];
    for (const status of REFERRAL_STATUSES) {
      const r = inStatus(status);
      assert.equal(r.status, status);
      for (const action of actions) {
        const out = transition(r, action, triager, '2025-01-20T09:00:00Z');
        const allowed = ALLOWED_FROM[action.type].includes(status);
        assert.equal(out.ok, allowed, `${status} + ${action.type}`);
        if (!out.ok) {
          assert.equal(out.error.code, 'illegal-transition');
          assert.equal(out.error.message, illegalTransitionMessage(status, action.type));
        }
      }
    }
    assert.deepEqual(ALLOWED_FROM.close, ['received', 'triaged', 'accepted', 'redirected', 'first-contact-made']);
    const unknown = transition(inStatus('triaged'), { type: 'approve' } as never, triager, '2025-01-20T09:00:00Z');
    assert.equal(!unknown.ok && unknown.error.message, 'There is no action called "approve"');
  });

  it('asks for what is missing, naming the field', () => {
    const triaged = inStatus('triaged');
    const noReason = transition(triaged, { type: 'redirect', reason: '  ' }, triager, '2025-01-07T09:00:00Z');
    assert.deepEqual(
      !noReason.ok && [noReason.error.code, noReason.error.kind, noReason.error.field, noReason.error.message],
      ['reason-required', 'invalid', 'reason', 'Say why the referral is being redirected'],
    );
    const noService = transition(
      step(start(), { type: 'triage' }, '2025-01-06T10:00:00Z'),
      { type: 'accept', firstContactDue: '2025-01-09T09:00:00Z' },
      clinician,
      '2025-01-07T09:00:00Z',
    );
    assert.equal(!noService.ok && noService.error.code, 'service-required');
    const badDue = transition(
      triaged,
      { type: 'accept', firstContactDue: 'tomorrow' },
      clinician,
      '2025-01-07T09:00:00Z',
    );
    assert.equal(!badDue.ok && badDue.error.field, 'firstContactDue');
    const badOutcome = transition(
      triaged,
      { type: 'close', outcome: 'lost' as never },
      triager,
      '2025-01-07T09:00:00Z',
    );
    assert.equal(!badOutcome.ok && badOutcome.error.field, 'outcome');
  });

  it('closes as completed only after first contact', () => {
    const r = transition(
      inStatus('accepted'),
      { type: 'close', outcome: 'completed' },
      clinician,
      '2025-01-07T09:00:00Z',
    );
    assert.equal(!r.ok && r.error.code, 'completed-before-contact');
    assert.equal(
      transition(inStatus('accepted'), { type: 'close', outcome: 'declined' }, clinician, '2025-01-07T09:00:00Z').ok,
      true,
    );
  });

  it('refuses a change dated before the last one, so the history reads in order', () => {
    const r = transition(inStatus('triaged'), { type: 'close', outcome: 'withdrawn' }, triager, '2025-01-06T09:59:59Z');
    assert.equal(!r.ok && r.error.code, 'out-of-order');
  });

  it('keeps its invariants under any sequence of actions (property)', () => {
    const action: fc.Arbitrary<ReferralAction> = fc.oneof(
      fc.record({ type: fc.constant('triage' as const), serviceId: fc.constantFrom('svc-a', 'svc-b', null) }),
      fc.record({
        type: fc.constant('accept' as const),
        serviceId: fc.constantFrom('svc-a', 'svc-b'),
        firstContactDue: fc.constant('2025-03-01T09:00:00Z'),
      }),
      fc.record({
        type: fc.constant('redirect' as const),
        reason: fc.constantFrom('Wrong team', ''),
        toServiceId: fc.constantFrom('svc-c', null),
      }),
      fc.record({ type: fc.constant('first-contact' as const) }),
      fc.record({ type: fc.constant('close' as const), outcome: fc.constantFrom(...CLOSE_OUTCOMES) }),
    );
    fc.assert(
      fc.property(fc.array(action, { maxLength: 12 }), (actions) => {
        let r = start();
        let redirects = 0;
        let sequence = 1;
        for (const [i, a] of actions.entries()) {
          const at = new Date(Date.parse('2025-01-06T10:00:00Z') + i * 60_000).toISOString();
          const out = transition(r, a, triager, at);
          if (r.status === 'closed' && out.ok) return false; // closed is final
          if (!out.ok) continue;
          if (out.event.sequence !== ++sequence || out.referral.version !== sequence) return false;
          if (out.event.from !== r.status || out.event.to !== out.referral.status) return false;
          if (a.type === 'redirect') redirects++;
          r = out.referral;
          if (r.redirectCount !== redirects) return false;
          if (r.status === 'accepted' && (!r.serviceId || !r.firstContactDue)) return false;
          if (r.status === 'first-contact-made' && !r.firstContactAt) return false;
          if (r.status === 'closed' && (!r.outcome || !r.closedAt)) return false;
          if (r.outcome === 'completed' && !r.firstContactAt) return false;
        }
        return true;
      }),
    );
  });
});

describe('likely duplicates', () => {
  const existing = [
    {
      id: 'a',
      nhsNumber: '9434765919',
      component: 'podiatry',
      status: 'triaged' as const,
      receivedAt: '2025-01-20T09:00:00Z',
    },
    {
      id: 'b',
      nhsNumber: '9434765919',
      component: 'podiatry',
      status: 'closed' as const,
      receivedAt: '2025-01-25T09:00:00Z',
    },
    {
      id: 'c',
      nhsNumber: '9434765919',
      component: 'district-nursing',
      status: 'received' as const,
      receivedAt: '2025-01-25T09:00:00Z',
    },
    {
      id: 'd',
      nhsNumber: '4010232137',
      component: 'podiatry',
      status: 'received' as const,
      receivedAt: '2025-01-25T09:00:00Z',
    },
    {
      id: 'e',
      nhsNumber: '9434765919',
      component: 'podiatry',
      status: 'accepted' as const,
      receivedAt: '2025-01-01T09:00:00Z',
    },
    {
      id: 'f',
      nhsNumber: '9434765919',
      component: 'podiatry',
      status: 'accepted' as const,
      receivedAt: '2024-12-31T08:59:59Z',
    },
  ];

  it('matches an open referral for the same person and component within 30 days, most recent first', () => {
    const incoming = { nhsNumber: '943 476 5919', component: 'podiatry', receivedAt: '2025-01-31T09:00:00Z' };
    assert.deepEqual(
      findLikelyDuplicates(incoming, existing).map((e) => e.id),
      ['a', 'e'], // b is closed, c another component, d another person, f 30 days and 1 second before
    );
    assert.equal(isLikelyDuplicate(incoming, existing), true);
  });

  it('does not match itself, a closed referral, or one more than 30 days away', () => {
    assert.equal(
      isLikelyDuplicate(
        { id: 'a', nhsNumber: '9434765919', component: 'podiatry', receivedAt: '2025-01-20T09:00:00Z' },
        existing.slice(0, 1),
      ),
      false,
    );
    assert.equal(
      isLikelyDuplicate(
        { nhsNumber: '9434765919', component: 'podiatry', receivedAt: '2025-03-01T09:00:00Z' },
        existing,
      ),
      false,
    );
    assert.equal(
      isLikelyDuplicate(
        { nhsNumber: '4857773457', component: 'podiatry', receivedAt: '2025-01-25T09:00:00Z' },
        existing,
      ),
      false,
    );
  });
});

describe('age from date of birth', () => {
  it('counts whole years, the birthday itself included', () => {
    assert.equal(ageOn('1960-05-10', '2025-05-09'), 64);
    assert.equal(ageOn('1960-05-10', '2025-05-10'), 65);
    assert.equal(ageOn('2025-05-10', '2025-05-10'), 0);
    assert.equal(ageOn('2007-12-31', '2025-12-30'), 17);
    assert.equal(ageOn('2007-12-31', '2025-12-31'), 18);
  });

  it('gives a 29 February birthday on 1 March in other years', () => {
    assert.equal(ageOn('2008-02-29', '2026-02-28'), 17);
    assert.equal(ageOn('2008-02-29', '2026-03-01'), 18);
    assert.equal(ageOn('2008-02-29', '2028-02-29'), 20);
  });
});

describe('referral input', () => {
  const today = '2025-06-15';
  const body = () => ({
    person: {
      nhsNumber: '943 476 5919',
      givenName: ' Ada ',
      familyName: 'Lovelace',
      birthDate: '1950-06-16',
      postcode: 'n19 5hx',
      gpPractice: 'f83004',
    },
    component: 'podiatry',
    urgency: 'routine',
    reason: 'Painful feet.\nDiabetic.',
    source: 'professional',
    communication: {
      language: 'Turkish',
      interpreter: true,
      bsl: false,
      needs: 'Large print',
      preferredContact: 'phone',
    },
    extra: 'dropped',
  });
  const lookup = boroughLookupFromDistricts(NCL_POSTCODE_DISTRICTS);
  const paths = (input: unknown, options = {}) => {
    const r = validateReferralInput(input, { today, ...options });
    return r.ok ? [] : r.errors.map((e) => `${e.path}: ${e.message}`);
  };

  it('normalises a good body and works out age and borough', () => {
    const r = validateReferralInput(body(), {
      today,
      boroughLookup: lookup,
      areaBoroughs: NCL_POSTCODE_DISTRICTS.area.boroughs,
    });
    assert.ok(r.ok);
    assert.deepEqual(r.value, {
      person: {
        nhsNumber: '9434765919',
        givenName: 'Ada',
        familyName: 'Lovelace',
        birthDate: '1950-06-16',
        postcode: 'N19 5HX',
        gpPractice: 'F83004',
      },
      component: 'podiatry',
      urgency: 'routine',
      reason: 'Painful feet.\nDiabetic.',
      source: 'professional',
      communication: {
        language: 'Turkish',
        interpreter: true,
        bsl: false,
        needs: 'Large print',
        preferredContact: 'phone',
      },
      age: 74, // 75 tomorrow
      borough: 'E09000019',
    });
    // A Date for "today" is read as the London date: 23:30 UTC on 15 June is 16 June in London.
    const atMidnight = validateReferralInput(body(), { today: new Date('2025-06-15T23:30:00Z') });
    assert.equal(atMidnight.ok && atMidnight.value.age, 75);
  });

  it('lets GP practice and communication details be left out', () => {
    const b = body();
    const r = validateReferralInput(
      { ...b, person: { ...b.person, gpPractice: null }, communication: { preferredContact: 'letter' } },
      { today },
    );
    assert.ok(r.ok);
    assert.equal(r.value.person.gpPractice, null);
    assert.deepEqual(r.value.communication, {
      language: null,
      interpreter: false,
      bsl: false,
      needs: null,
      preferredContact: 'letter',
    });
  });

  it('lists every missing field with its path', () => {
    assert.deepEqual(paths({}), [
      'person: Enter the details of the person being referred',
      'component: Choose the service the referral is for',
      'urgency: Choose how urgent the referral is',
      'reason: Enter the reason for the referral',
      'source: Say whether this is a professional referral ("professional") or a self-referral ("self")',
      'communication.preferredContact: Choose how the person prefers to be contacted: phone, email, letter or text',
    ]);
    assert.deepEqual(paths({ ...body(), person: {} }), [
      'person.nhsNumber: Enter the NHS number',
      'person.givenName: Enter the given name',
      'person.familyName: Enter the family name',
      'person.birthDate: Enter the date of birth',
      'person.postcode: Enter the postcode',
    ]);
    assert.deepEqual(paths('[]'), [': Send the referral as a JSON object']);
  });

  it('explains each bad value in plain words', () => {
    const b = body();
    const person = (change: object) => paths({ ...b, person: { ...b.person, ...change } });
    assert.deepEqual(person({ nhsNumber: '943 476 5918' }), [
      'person.nhsNumber: This NHS number is not valid: check the digits',
    ]);
    assert.deepEqual(person({ nhsNumber: '943 476' }), ['person.nhsNumber: Enter a 10-digit NHS number']);
    assert.deepEqual(person({ birthDate: '16/06/1950' }), [
      'person.birthDate: Enter the date of birth as YYYY-MM-DD, like 1984-03-27',
    ]);
    assert.deepEqual(person({ birthDate: '1950-02-30' }), ['person.birthDate: Date of birth must be a real date']);
    assert.deepEqual(person({ birthDate: '2025-06-16' }), [
      'person.birthDate: Date of birth must be today or in the past',
    ]);
    assert.deepEqual(person({ birthDate: '1890-01-01' }), [
      'person.birthDate: Check the date of birth: it makes the person older than 130',
    ]);
    assert.deepEqual(person({ postcode: 'N19' }), ['person.postcode: Enter a full UK postcode, like N19 5HX']);
    assert.deepEqual(person({ gpPractice: 'F8300' }), [
      'person.gpPractice: Enter the GP practice code: a letter and 5 numbers, like F83004',
    ]);
    assert.deepEqual(person({ givenName: 'x'.repeat(101) }), ['person.givenName: Must be 100 characters or fewer']);
    assert.deepEqual(person({ familyName: 42 }), ['person.familyName: Enter the family name as text']);
    assert.deepEqual(paths({ ...b, source: 'gp' }), [
      'source: Say whether this is a professional referral ("professional") or a self-referral ("self")',
    ]);
    assert.deepEqual(paths({ ...b, urgency: 'URGENT!' }), ['urgency: Choose an urgency such as "urgent" or "routine"']);
    assert.deepEqual(paths({ ...b, reason: 'x'.repeat(4001) }), ['reason: Must be 4000 characters or fewer']);
    const comm = (change: object) => paths({ ...b, communication: { ...b.communication, ...change } });
    assert.deepEqual(comm({ language: '' }), [
      'communication.language: Enter the language the person needs an interpreter for',
    ]);
    assert.deepEqual(comm({ bsl: 'yes' }), [
      'communication.bsl: Say whether the person needs a British Sign Language interpreter with true or false',
    ]);
    assert.deepEqual(comm({ preferredContact: 'pigeon' }), [
      'communication.preferredContact: Choose how the person prefers to be contacted: phone, email, letter or text',
    ]);
    assert.deepEqual(paths({ ...b, communication: 'phone' }), [
      'communication: Send communication needs as an object',
      'communication.preferredContact: Choose how the person prefers to be contacted: phone, email, letter or text',
    ]);
  });

  it('tells a postcode outside the area apart from a badly typed one', () => {
    const b = body();
    const options = { boroughLookup: lookup, areaBoroughs: NCL_POSTCODE_DISTRICTS.area.boroughs };
    assert.deepEqual(paths({ ...b, person: { ...b.person, postcode: 'LS1 4AP' } }, options), [
      'person.postcode: We cannot find a borough for this postcode in this area',
    ]);
    assert.deepEqual(paths({ ...b, person: { ...b.person, postcode: 'LS1' } }, options), [
      'person.postcode: Enter a full UK postcode, like N19 5HX',
    ]);
  });

  it('checks component and urgency against the offer when given one', () => {
    const offer = [
      {
        code: 'podiatry',
        name: 'Podiatry',
        provisions: [{ ageGroup: 'older-adults', responseStandards: [{ urgency: 'urgent' }, { urgency: 'routine' }] }],
      },
    ] as unknown as Component[];
    assert.deepEqual(paths(body(), { offer }), []);
    assert.deepEqual(paths({ ...body(), component: 'reiki' }, { offer }), [
      'component: Choose a service in the core offer: "reiki" is not one',
    ]);
    assert.deepEqual(paths({ ...body(), urgency: 'emergency' }, { offer }), [
      'urgency: Choose an urgency that Podiatry offers: "urgent" or "routine"',
    ]);
  });
});
