// Care coordination through HTTP, on every engine, at a fixed clock: an accepted referral → a prefilled
// assessment (nothing re-asked, each answer's source shown) → stale saves refused with nothing lost → signing
// only by a trusted assessor (403, audited) → flagged complex → allocated → plan, actions, MDT decision as an
// action → the owner completes it; validation naming fields; review-due logic as the clock moves; and the
// legitimate-relationship rule over every care route from the route table (404 and audited for staff with
// no relationship, in pages and API alike).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { actOnReferral, nhsNumberCheckDigit, submitReferral } from '../src/modules/access/index.ts';
import { transitionChoices } from '../src/modules/care/index.ts';
import { getPublishedOffer } from '../src/modules/offer/index.ts';
import { searchAudit } from '../src/platform/audit/audit.ts';
import { findUser, issueToken, userActor } from '../src/platform/auth/identity.ts';
import { relate } from '../src/platform/auth/relationships.ts';
import { systemActor } from '../src/platform/auth/roles.ts';
import { steppingClock } from '../src/platform/clock.ts';
import { Browser, startTestApp, type TestApp } from './support/app.ts';
import { testEngines } from './support/db.ts';

const T0 = '2030-01-07T10:00:00Z'; // a Monday, after every seeded record
const DAY = 86_400_000;

function nhs(n: number): string {
  for (let b = n; ; b++) {
    const nine = `95${String(b).padStart(7, '0')}`;
    const check = nhsNumberCheckDigit(nine);
    if (check !== null) return `${nine}${check}`;
  }
}

/** A complete set of answers that flags the person as complex (two conditions, moderate frailty, carer at risk). */
const COMPLETE = {
  'health.conditions': 'COPD\nHeart failure',
  'health.frailty': 'moderate',
  'functioning.feeding': 'independent',
  'functioning.bathing': 'dependent',
  'functioning.grooming': 'independent',
  'functioning.dressing': 'needs-help',
  'functioning.bowels': 'continent',
  'functioning.bladder': 'continent',
  'functioning.toilet': 'needs-help',
  'functioning.transfers': 'minor-help',
  'functioning.mobility': 'walks-with-help',
  'functioning.stairs': 'needs-help',
  'mental.memoryConcern': false,
  'living.situation': 'alone',
  'living.carerStrain': 'at-risk',
  'living.safeguarding': false,
  'whatMatters.story': 'I want to get back to my allotment.',
};

for (const engine of testEngines()) {
  describe(`care coordination on ${engine}`, () => {
    let t: TestApp;
    const clock = steppingClock(T0);
    let cm: Browser;
    let nurse: Browser;
    let personId = '';
    let referralId = '';
    let assessmentId = '';
    let planId = '';
    let actionId = '';
    let pastMeetingId = '';
    let futureMeetingId = '';
    let nurseMemberId = '';
    let decisionActionId = '';
    const nhsNumber = nhs(11);

    const json = (b: Browser, method: 'GET' | 'POST' | 'PUT' | 'PATCH', url: string, payload?: unknown) =>
      b.app.inject({
        method,
        url,
        payload: payload === undefined ? undefined : (payload as object),
        headers: {
          cookie: b.cookieHeader,
          'x-csrf-token': b.csrf,
          accept: 'application/json',
          ...(payload === undefined ? {} : { 'content-type': 'application/json' }),
        },
      });
    const fields = (r: LightMyRequestResponse) => (r.json().error?.fields ?? []).map((f: { field: string }) => f.field);

    before(async () => {
      t = await startTestApp(engine, { clock });
      const { db } = t.database;
      cm = new Browser(t.app);
      nurse = new Browser(t.app);
      await cm.signIn('case_manager');
      await nurse.signIn('clinician');
      const system = systemActor('QMJ');
      // Staff with no relationship with the test person: a clinician and a case manager in other trusts.
      await issueToken(db, system, {
        label: 'RAL clinician',
        role: 'clinician',
        organisationCode: 'RAL',
        value: 'care-ral',
      });
      await issueToken(db, system, {
        label: 'RAP case manager',
        role: 'case_manager',
        organisationCode: 'RAP',
        value: 'care-rap',
      });
      await issueToken(db, system, { label: 'admin', role: 'admin', value: 'care-admin' });
      // An accepted referral (through the access module), as the central point of access and the service would.
      const spa = userActor((await findUser(db, 'QMJ', 'spa'))!);
      const { body } = await submitReferral(
        db,
        spa,
        {
          person: { nhsNumber, givenName: 'Olu', familyName: 'Adeyemi', birthDate: '1941-03-02', postcode: 'NW5 1TL' },
          component: 'district-nursing',
          urgency: 'routine',
          reason: 'Leg ulcer dressings twice a week',
          source: 'professional',
          communication: {
            preferredContact: 'phone',
            interpreter: true,
            language: 'Yoruba',
            bsl: false,
            needs: 'Large print letters',
          },
        },
        { now: new Date(Date.parse(T0) - 2 * DAY) },
      );
      referralId = body.id;
      await actOnReferral(
        db,
        spa,
        referralId,
        { type: 'triage' },
        { now: new Date(Date.parse(T0) - 2 * DAY + 3600_000) },
      );
      // Accepted by the central point of access: Camden's district nursing is RV3's, and a clinician accepts only
      // into their own organisation's services (issue 10 §3).
      await actOnReferral(db, spa, referralId, { type: 'accept' }, { now: new Date(Date.parse(T0) - DAY) });
      const row = await db
        .selectFrom('access_referrals')
        .select('person_id')
        .where('id', '=', referralId)
        .executeTakeFirstOrThrow();
      personId = row.person_id as string;
    });
    after(async () => t?.close());

    test('without a relationship the case manager cannot start an assessment: 404, audited', async () => {
      const r = await json(cm, 'POST', '/api/care/assessments', { referralId });
      assert.equal(r.statusCode, 404);
      const refused = await searchAudit(t.database.db, {
        systemId: 'QMJ',
        action: 'person.refused',
        recordType: 'care_assessment',
      });
      assert.ok(refused.rows.some((x) => x.actorName === 'Demo case manager'));
      // The relationship the access module grants for a referral with a service (issue 10 §3): the
      // receiving service's organisation (RKE, where the demo case manager and clinician work).
      await relate(t.database.db, {
        systemId: 'QMJ',
        personId,
        grantee: { organisation: 'RKE' },
        basis: 'referral',
        sourceType: 'referral',
        sourceId: referralId,
        at: new Date(Date.parse(T0) - DAY),
      });
    });

    test('an assessment opens prefilled from the referral, each answer with its source', async () => {
      const r = await json(cm, 'POST', '/api/care/assessments', { referralId });
      assert.equal(r.statusCode, 201, r.body);
      const a = r.json();
      assessmentId = a.id;
      assert.equal(a.status, 'draft');
      assert.equal(a.version, 1);
      const byId = Object.fromEntries(a.answers.map((x: { linkId: string }) => [x.linkId, x]));
      assert.equal(byId['communication.language'].value, 'Yoruba');
      assert.equal(byId['communication.interpreter'].value, true);
      assert.equal(byId['communication.needs'].value, 'Large print letters');
      assert.equal(byId['communication.language'].source.kind, 'referral');
      assert.match(byId['communication.language'].source.label, /^Referral CPA-/);
      assert.equal(a.prefilledCount, 5);
      assert.equal(a.questionnaireResponse.resourceType, 'QuestionnaireResponse');
      // One draft at a time.
      const again = await json(cm, 'POST', '/api/care/assessments', { referralId });
      assert.equal(again.statusCode, 409);
      assert.equal(again.json().error.code, 'draft_exists');
    });

    test('saving: bad answers name their fields; a stale revision is refused and nothing is lost', async () => {
      const bad = await json(cm, 'PUT', `/api/care/assessments/${assessmentId}`, {
        revision: 1,
        answers: { 'health.frailty': 'very', 'no.such': 'x' },
      });
      assert.equal(bad.statusCode, 400);
      assert.deepEqual(fields(bad).sort(), ['answers.health.frailty', 'answers.no.such']);
      const current = (await json(cm, 'GET', `/api/care/assessments/${assessmentId}`)).json();
      const first = await json(nurse, 'PUT', `/api/care/assessments/${assessmentId}`, {
        revision: current.revision,
        answers: { ...current.answerMap, 'health.conditions': 'COPD' },
      });
      assert.equal(first.statusCode, 200, first.body);
      assert.equal(first.json().revision, current.revision + 1);
      const stale = await json(cm, 'PUT', `/api/care/assessments/${assessmentId}`, {
        revision: current.revision,
        answers: { ...current.answerMap, 'health.conditions': 'Asthma' },
      });
      assert.equal(stale.statusCode, 409);
      assert.equal(stale.json().error.code, 'stale_revision');
      assert.match(stale.json().error.message, /Demo clinician saved this draft/);
      const kept = (await json(cm, 'GET', `/api/care/assessments/${assessmentId}`)).json();
      assert.equal(kept.answerMap['health.conditions'], 'COPD', 'the first save is kept');
    });

    test('signing: not a trusted assessor is 403 and audited; missing answers named; then signed and read-only', async () => {
      const noCompetency = await json(nurse, 'POST', `/api/care/assessments/${assessmentId}/sign`);
      assert.equal(noCompetency.statusCode, 403);
      const refused = await searchAudit(t.database.db, {
        systemId: 'QMJ',
        action: 'care.assessment.sign',
        recordId: assessmentId,
      });
      assert.equal(refused.rows[0]?.outcome, 'refused');
      assert.equal(refused.rows[0]?.actorName, 'Demo clinician');

      const missing = await json(cm, 'POST', `/api/care/assessments/${assessmentId}/sign`);
      assert.equal(missing.statusCode, 400);
      assert.ok(fields(missing).includes('answers.whatMatters.story'));
      assert.ok(fields(missing).includes('answers.functioning.feeding'));

      const current = (await json(cm, 'GET', `/api/care/assessments/${assessmentId}`)).json();
      const saved = await json(cm, 'PUT', `/api/care/assessments/${assessmentId}`, {
        revision: current.revision,
        answers: { ...current.answerMap, ...COMPLETE },
      });
      assert.equal(saved.statusCode, 200);
      const signed = await json(cm, 'POST', `/api/care/assessments/${assessmentId}/sign`);
      assert.equal(signed.statusCode, 200, signed.body);
      const s = signed.json();
      assert.equal(s.status, 'signed');
      assert.equal(s.reusedCount, 5, 'all five communication answers reused, none asked again');
      // Barthel: 10+0+5+5+10+10+5+10+10+5 = 70, computed from the items.
      assert.equal(s.barthel.score, 70);
      assert.deepEqual(
        s.complexity.map((c: { rule: string }) => c.rule),
        ['conditions-and-frailty', 'carer-at-risk'],
      );
      assert.equal((await json(cm, 'POST', `/api/care/assessments/${assessmentId}/sign`)).statusCode, 409);
      const edit = await json(cm, 'PUT', `/api/care/assessments/${assessmentId}`, {
        revision: s.revision,
        answers: {},
      });
      assert.equal(edit.statusCode, 409);
      assert.equal(edit.json().error.code, 'assessment_signed');
      // The nurse (same organisation, another member of staff) reads the same signed version.
      const read = await json(nurse, 'GET', `/api/care/assessments/${assessmentId}`);
      assert.equal(read.json().signedByName, 'Demo case manager');
    });

    test('a later change is a new version with why, prefilled from the signed one', async () => {
      const noReason = await json(cm, 'POST', '/api/care/assessments', { nhsNumber });
      assert.equal(noReason.statusCode, 400);
      assert.deepEqual(fields(noReason), ['reason']);
      const v2 = await json(cm, 'POST', '/api/care/assessments', { nhsNumber, reason: 'New fall at home' });
      assert.equal(v2.statusCode, 201);
      const a = v2.json();
      assert.equal(a.version, 2);
      const story = a.answers.find((x: { linkId: string }) => x.linkId === 'whatMatters.story');
      assert.equal(story.source.kind, 'assessment');
      assert.match(story.source.label, /^Assessment version 1, signed 2030-01-07/);
      const record = (await json(cm, 'GET', `/api/care/people/${nhsNumber}`)).json();
      assert.equal(record.assessment.version, 1, 'the signed version stays the one everyone reads');
      assert.equal(record.draft.version, 2);
    });

    test('flagged complex: on the allocation worklist, allocated, reallocation needs a reason', async () => {
      const w = (await json(cm, 'GET', '/api/care/allocations')).json();
      const mine = w.waiting.find((x: { personId: string }) => x.personId === personId);
      assert.ok(mine, 'the flagged person is waiting');
      assert.equal(mine.weight, 3);
      const badUser = await json(cm, 'POST', `/api/care/people/${nhsNumber}/allocation`, { caseManager: 'clinician' });
      assert.equal(badUser.statusCode, 400);
      assert.deepEqual(fields(badUser), ['caseManager']);
      const ok = await json(cm, 'POST', `/api/care/people/${nhsNumber}/allocation`, { caseManager: 'case_manager' });
      assert.equal(ok.statusCode, 201, ok.body);
      const after = (await json(cm, 'GET', '/api/care/allocations')).json();
      assert.ok(!after.waiting.some((x: { personId: string }) => x.personId === personId));
      assert.ok(
        after.caseManagers.some(
          (c: { caseManagerName: string; weight: number }) => c.caseManagerName === 'Demo case manager',
        ),
      );
      const same = await json(cm, 'POST', `/api/care/people/${nhsNumber}/allocation`, { caseManager: 'case_manager' });
      assert.equal(same.statusCode, 409);
    });

    test('care team across organisations, and a care plan with validation naming fields', async () => {
      const member = await json(cm, 'POST', `/api/care/people/${nhsNumber}/team`, {
        username: 'clinician',
        roleTitle: 'District nurse',
      });
      assert.equal(member.statusCode, 201, member.body);
      nurseMemberId = member.json().id;
      const other = await json(cm, 'POST', `/api/care/people/${nhsNumber}/team`, {
        name: 'Camden reablement (test)',
        roleTitle: 'Reablement worker',
        organisationCode: 'E09000007',
      });
      assert.equal(other.statusCode, 201);
      const noRole = await json(cm, 'POST', `/api/care/people/${nhsNumber}/team`, { name: 'Someone' });
      assert.deepEqual(fields(noRole).sort(), ['organisationCode', 'roleTitle']);

      const bad = await json(cm, 'POST', '/api/care/plans', { nhsNumber, goals: [], reviewDue: '2030-01-06' });
      assert.equal(bad.statusCode, 400);
      assert.deepEqual(fields(bad).sort(), ['goals', 'reviewDue']);
      const plan = await json(cm, 'POST', '/api/care/plans', {
        nhsNumber,
        goals: ['Get back to my allotment', 'Manage my breathing'],
        reviewDue: '2030-01-10',
        agreedWithPerson: true,
        copySentBy: 'letter',
      });
      assert.equal(plan.statusCode, 201, plan.body);
      planId = plan.json().id;
      // Their copy goes through the outbox by the channel chosen, with the interpreter need carried.
      const sent = await t.database.db
        .selectFrom('outbox')
        .select(['channel', 'payload'])
        .where('topic', '=', 'care.plan.copy')
        .execute();
      const copy = sent.find(
        (m) => (typeof m.payload === 'string' ? JSON.parse(m.payload) : m.payload).planId === planId,
      );
      assert.equal(copy?.channel, 'letter');
      const payload = typeof copy!.payload === 'string' ? JSON.parse(copy!.payload) : copy!.payload;
      assert.deepEqual(payload.communication, {
        language: 'Yoruba',
        interpreter: true,
        bsl: false,
        needs: 'Large print letters',
      });
      assert.equal(
        (await json(cm, 'POST', '/api/care/plans', { nhsNumber, goals: ['x'], reviewDue: '2030-02-01' })).statusCode,
        409,
      );

      const notInTeam = await json(cm, 'POST', `/api/care/plans/${planId}/actions`, {
        description: 'Check the inhaler',
        owner: { kind: 'member', memberId: '00000000-0000-4000-8000-000000000000' },
        due: '2030-01-01',
      });
      assert.equal(notInTeam.statusCode, 400);
      assert.deepEqual(fields(notInTeam).sort(), ['due', 'owner.memberId']);
      const action = await json(cm, 'POST', `/api/care/plans/${planId}/actions`, {
        description: 'Check inhaler technique',
        owner: { kind: 'member', memberId: nurseMemberId },
        due: '2030-01-08',
      });
      assert.equal(action.statusCode, 201, action.body);
      actionId = action.json().id;
    });

    test('MDT: agenda from the caseload; no decisions before the meeting; a decision becomes an owned action', async () => {
      const attendees = [{ name: 'Demo case manager', role: 'Case manager', organisation: 'RKE' }];
      const future = await json(cm, 'POST', '/api/care/meetings', {
        title: 'Neighbourhood MDT',
        // Before the seeded demo MDT of 2030-01-14 (the demo data is loaded relative to the test clock), so the
        // last meeting before this one is the seeded one of 2029-12-31 and the flag is "since the last meeting".
        scheduledAt: '2030-01-11T13:00:00Z',
        attendees,
        nhsNumbers: [nhsNumber],
      });
      assert.equal(future.statusCode, 201, future.body);
      futureMeetingId = future.json().id;
      assert.deepEqual(future.json().agenda[0].items, [
        'Care plan review due 10 January 2030',
        'Flagged as complex since the last meeting',
        'Overdue action: Check inhaler technique (due 8 January 2030)',
      ]);
      const early = await json(cm, 'POST', `/api/care/meetings/${futureMeetingId}/decisions`, {
        nhsNumber,
        decision: 'Refer to pulmonary rehab',
        owner: { kind: 'member', memberId: nurseMemberId },
        due: '2030-01-20',
      });
      assert.equal(early.statusCode, 409);
      assert.equal(early.json().error.code, 'meeting_not_held');

      const past = await json(cm, 'POST', '/api/care/meetings', {
        title: 'Neighbourhood MDT',
        scheduledAt: '2030-01-07T09:00:00Z',
        attendees,
        nhsNumbers: [nhsNumber],
      });
      pastMeetingId = past.json().id;
      const decision = await json(cm, 'POST', `/api/care/meetings/${pastMeetingId}/decisions`, {
        nhsNumber,
        decision: 'Refer to pulmonary rehab',
        owner: { kind: 'member', memberId: nurseMemberId },
        due: '2030-01-20',
      });
      assert.equal(decision.statusCode, 201, decision.body);
      decisionActionId = decision.json().action.id;
      const record = (await json(cm, 'GET', `/api/care/people/${nhsNumber}`)).json();
      const made = record.plan.actions.find((a: { id: string }) => a.id === decisionActionId);
      assert.equal(made.meetingId, pastMeetingId);
      assert.match(made.ownerLabel, /^Demo clinician \(District nurse, RKE\)$/);
      assert.equal(made.due, '2030-01-20');
    });

    test('the action owner completes it on the plan page; someone else may not', async () => {
      const rap = await t.app.inject({
        method: 'POST',
        url: `/api/care/actions/${decisionActionId}/complete`,
        headers: { authorization: 'Bearer care-rap', 'content-type': 'application/json' },
        payload: {},
      });
      assert.equal(rap.statusCode, 404);
      const page = await nurse.get(`/care/people/${personId}/plan`);
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /Refer to pulmonary rehab/);
      const done = await nurse.post(`/care/actions/${decisionActionId}/complete`, {});
      assert.equal(done.statusCode, 303);
      const record = (await json(nurse, 'GET', `/api/care/people/${nhsNumber}`)).json();
      assert.equal(record.plan.actions.find((a: { id: string }) => a.id === decisionActionId).status, 'done');
      const again = await json(nurse, 'POST', `/api/care/actions/${decisionActionId}/complete`, {});
      assert.equal(again.statusCode, 409);
    });

    test('caseload today at a fixed clock: review due, then overdue as the clock moves', async () => {
      let c = (await json(cm, 'GET', '/api/care/caseload')).json();
      assert.equal(c.today, '2030-01-07');
      let review = c.reviewsDue.find((r: { personId: string }) => r.personId === personId);
      assert.deepEqual([review.overdue, review.reviewDue], [false, '2030-01-10']);
      assert.ok(
        !c.overdueActions.some((a: { actionId: string }) => a.actionId === actionId),
        'due tomorrow: not overdue',
      );
      assert.ok(
        c.newAllocations.every((n: { personId: string }) => n.personId !== personId),
        'has a plan',
      );
      clock.set('2030-01-12T10:00:00Z');
      c = (await json(cm, 'GET', '/api/care/caseload')).json();
      review = c.reviewsDue.find((r: { personId: string }) => r.personId === personId);
      assert.deepEqual([review.overdue, review.daysLate], [true, 2]);
      const late = c.overdueActions.find((a: { actionId: string }) => a.actionId === actionId);
      assert.equal(late.daysLate, 4);
      const home = await cm.get('/care');
      assert.equal(home.statusCode, 200);
      assert.match(home.body, /overdue by 2 days/);
      assert.match(home.body, /Olu Adeyemi/);
      clock.set(T0);
    });

    test("caseload download: CSV and XLSX of the case manager's caseload, each person in it audited as exported", async () => {
      const exported = async () =>
        (await searchAudit(t.database.db, { systemId: 'QMJ', action: 'care.caseload.export' })).total;
      const before = await exported();
      const csv = await cm.get('/care/caseload/download?format=csv');
      assert.equal(csv.statusCode, 200, csv.body);
      assert.match(csv.headers['content-type'] as string, /^text\/csv/);
      assert.match(
        csv.headers['content-disposition'] as string,
        /attachment; filename="caseload-\d{4}-\d{2}-\d{2}\.csv"/,
      );
      const lines = csv.body.trim().split(/\r?\n/);
      assert.equal(
        lines[0],
        'NHS number,Name,Date of birth,Why case managed,Weight,Allocated on,Plan review due,Open actions,Overdue actions',
      );
      assert.ok(
        lines.some((line) => line.startsWith(`${nhsNumber},Olu Adeyemi,1941-03-02,`)),
        csv.body,
      );
      assert.equal(await exported(), before + lines.length - 1, 'one audit row per person in the file');

      const xlsx = await cm.get('/care/caseload/download?format=xlsx');
      assert.equal(xlsx.statusCode, 200);
      assert.match(xlsx.headers['content-type'] as string, /spreadsheetml/);
      assert.equal(xlsx.rawPayload.subarray(0, 2).toString('latin1'), 'PK', 'an XLSX file is a zip');
      assert.equal(await exported(), before + 2 * (lines.length - 1));

      // Someone with no caseload gets the header only, and nobody is audited as exported.
      const spa = new Browser(t.app);
      await spa.signIn('spa');
      const empty = await spa.get('/care/caseload/download?format=csv');
      assert.equal(empty.statusCode, 200);
      assert.equal(empty.body.trim().split(/\r?\n/).length, 1);
      assert.equal(await exported(), before + 2 * (lines.length - 1));
      // Another format is refused naming the field; a role without care work is refused.
      assert.equal((await cm.get('/care/caseload/download?format=pdf')).statusCode, 400);
      const admin = await t.app.inject({
        url: '/care/caseload/download?format=csv',
        headers: { authorization: 'Bearer care-admin' },
      });
      assert.equal(admin.statusCode, 403);
    });

    test('the assessment page: prefilled answers show their source; errors use the NHS.UK error summary', async () => {
      const record = (await json(cm, 'GET', `/api/care/people/${nhsNumber}`)).json();
      const draftId = record.draft.id;
      const page = await cm.get(`/care/assessments/${draftId}`);
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /Already known, from Assessment version 1/);
      const rev = /name="revision" value="(\d+)"/.exec(page.body)![1]!;
      const bad = await cm.post(`/care/assessments/${draftId}`, {
        revision: rev,
        'health.frailty': 'very',
        intent: 'save',
      });
      assert.equal(bad.statusCode, 400);
      assert.match(bad.body, /nhsuk-error-summary/);
      assert.match(bad.body, /href="#f-health-frailty"/);
      assert.match(bad.body, /<title>Error: /);
    });

    test('every page of the record renders for the case manager, with plain words and no raw codes', async () => {
      for (const url of [
        `/care/people/${personId}`,
        `/care/people/${personId}/plan`,
        `/care/people/${personId}/plan?print=yes`,
        `/care/people/${personId}/plan?print=large`,
        `/care/assessments/${assessmentId}`,
        `/care/meetings/${pastMeetingId}`,
        `/care/meetings/${futureMeetingId}`,
        '/care/transitions',
        '/care/find',
        '/care/allocation',
      ]) {
        const page = await cm.get(url);
        assert.equal(page.statusCode, 200, `${url}: ${page.statusCode}`);
        assert.doesNotMatch(page.body, /undefined|\[object Object\]/, url);
      }
      const record = await cm.get(`/care/people/${personId}`);
      assert.match(record.body, /What happens next/);
      assert.match(record.body, /Services caring for Olu/);
      const api = (await json(cm, 'GET', `/api/care/people/${nhsNumber}`)).json();
      assert.equal(api.episodes.length, 1, 'the accepted referral is an episode with the receiving service');
      assert.equal(api.episodes[0].referralId, referralId);
      assert.ok(api.episodes[0].serviceName.length > 0);
      assert.match(record.body, /Two or more long-term conditions with moderate or severe frailty/);
      const signed = await cm.get(`/care/assessments/${assessmentId}`);
      assert.match(signed.body, /70 out of 100, moderate dependency/);
      assert.match(signed.body, /Yoruba \(from Referral CPA-/);
      const large = await cm.get(`/care/people/${personId}/plan?print=large`);
      assert.match(large.body, /app-large-print/);
      assert.match(large.body, /Get back to my allotment/);
      // A form error on the plan page names the field in the error summary.
      const bad = await cm.post(`/care/people/${personId}/plan/actions`, {
        planId,
        description: '',
        owner: '',
        due: 'soon',
      });
      assert.equal(bad.statusCode, 400);
      assert.match(bad.body, /href="#action-description"/);
      assert.match(bad.body, /href="#action-owner"/);
      assert.match(bad.body, /href="#action-due"/);
    });

    test('arranging an MDT meeting from the caseload: errors name the fields, then the agenda is built', async () => {
      const form = await cm.get('/care/meetings/new');
      assert.equal(form.statusCode, 200);
      assert.match(form.body, /Olu Adeyemi/);
      const bad = await cm.post('/care/meetings/new', { title: '', date: 'next week', attendees: '' });
      assert.equal(bad.statusCode, 400);
      for (const id of ['meeting-title', 'meeting-date', 'meeting-attendees', 'meeting-personIds']) {
        assert.match(bad.body, new RegExp(`href="#${id}"`), id);
      }
      const ok = await cm.post('/care/meetings/new', {
        title: 'Camden MDT',
        date: '2030-01-21',
        time: '14:30',
        personIds: personId,
        attendees: 'Demo case manager, Case manager, RKE\nDemo clinician, District nurse, RKE',
      });
      assert.equal(ok.statusCode, 303);
      const page = await cm.get(ok.headers.location as string);
      assert.match(page.body, /Camden MDT/);
      assert.match(page.body, /Care plan review due 10 January 2030/);
      assert.match(page.body, /Demo clinician, District nurse \(RKE\)/);
      assert.match(page.body, /Decisions can be recorded once the meeting has happened/);
    });

    test('what happens next includes the home visit scheduling planned for an accepted referral', async () => {
      const { db } = t.database;
      const spa = userActor((await findUser(db, 'QMJ', 'spa'))!);
      const clinician = userActor((await findUser(db, 'QMJ', 'clinician'))!);
      const urgentNhs = nhs(22);
      const { body } = await submitReferral(
        db,
        spa,
        {
          person: {
            nhsNumber: urgentNhs,
            givenName: 'Ada',
            familyName: 'Okonkwo',
            birthDate: '1944-05-05',
            postcode: 'N19 5HX',
          },
          component: 'urgent-community-response',
          urgency: 'urgent',
          reason: 'Fall at home, not injured, cannot get up unaided',
          source: 'professional',
          communication: { preferredContact: 'phone', interpreter: false, bsl: false },
        },
        { now: new Date(Date.parse(T0) - 3600_000) },
      );
      await actOnReferral(db, spa, body.id, { type: 'triage' }, { now: new Date(Date.parse(T0) - 3000_000) });
      await actOnReferral(db, clinician, body.id, { type: 'accept' }, { now: new Date(Date.parse(T0) - 2400_000) });
      const visits = await db
        .selectFrom('scheduling_visits')
        .select('day')
        .where('referral_id', '=', body.id)
        .execute();
      assert.equal(visits.length, 1, 'access booked the visit on the scheduling board');
      const row = await db
        .selectFrom('access_referrals')
        .select('person_id')
        .where('id', '=', body.id)
        .executeTakeFirstOrThrow();
      await relate(db, {
        systemId: 'QMJ',
        personId: row.person_id as string,
        grantee: { organisation: 'RKE' },
        basis: 'referral',
        sourceType: 'referral',
        sourceId: body.id,
        at: new Date(Date.parse(T0) - 2400_000),
      });
      const record = (await json(cm, 'GET', `/api/care/people/${urgentNhs}`)).json();
      assert.equal(record.visits.length, 1);
      assert.equal(record.visits[0].day, visits[0]!.day);
      const page = await cm.get(`/care/people/${row.person_id}`);
      assert.match(page.body, /home visit by /);
    });

    let appointmentId = '';
    test('appointments: bad input names each field and writes nothing; booked, changed and cancelled with a reason, the person told each time', async () => {
      const { db } = t.database;
      const count = async (table: 'care_appointments' | 'care_appointment_events' | 'outbox') =>
        Number(
          (
            await db
              .selectFrom(table)
              .select((e) => e.fn.countAll().as('n'))
              .executeTakeFirstOrThrow()
          ).n,
        );
      const before = [await count('care_appointments'), await count('care_appointment_events'), await count('outbox')];
      // The demo seed books appointments of its own; this test's messages are the ones queued after this point.
      const lastOutboxId = Number(
        (
          await db
            .selectFrom('outbox')
            .select((e) => e.fn.max('id').as('id'))
            .executeTakeFirstOrThrow()
        ).id ?? 0,
      );
      const bad = await cm.post(`/care/people/${personId}/appointments`, {
        service: '',
        date: '2029-01-01',
        time: 'noon',
        place: '',
      });
      assert.equal(bad.statusCode, 400);
      for (const f of ['service', 'date', 'time', 'place']) assert.match(bad.body, new RegExp(`href="#appt-${f}"`));
      assert.deepEqual(
        [await count('care_appointments'), await count('care_appointment_events'), await count('outbox')],
        before,
      );
      // No relationship: the case manager in another trust gets the same 404 as for a record that does not exist.
      const rap = await t.app.inject({
        method: 'POST',
        url: `/care/people/${personId}/appointments`,
        headers: { authorization: 'Bearer care-rap', 'content-type': 'application/json', accept: 'application/json' },
        payload: JSON.stringify({ service: 'Memory clinic', date: '2030-01-20', time: '10:00', place: 'Royal Free' }),
      });
      assert.equal(rap.statusCode, 404);
      assert.equal(await count('care_appointments'), before[0]);

      const ok = await cm.post(`/care/people/${personId}/appointments`, {
        service: 'Leg ulcer clinic',
        date: '2030-01-20',
        time: '10:30',
        place: 'Kentish Town Health Centre',
      });
      assert.equal(ok.statusCode, 303, ok.body);
      const row = await db
        .selectFrom('care_appointments')
        .select('id')
        .where('person_id', '=', personId)
        .executeTakeFirstOrThrow();
      appointmentId = row.id as string;
      // A change needs a reason; nothing is written without one.
      const noReason = await cm.post(`/care/people/${personId}/appointments/${appointmentId}`, {
        action: 'change',
        service: 'Leg ulcer clinic',
        date: '2030-01-22',
        time: '14:00',
        place: 'Kentish Town Health Centre',
        reason: '',
      });
      assert.equal(noReason.statusCode, 400);
      assert.match(noReason.body, new RegExp(`href="#appt-${appointmentId}-reason"`));
      const moved = await cm.post(`/care/people/${personId}/appointments/${appointmentId}`, {
        action: 'change',
        service: 'Leg ulcer clinic',
        date: '2030-01-22',
        time: '14:00',
        place: 'Kentish Town Health Centre',
        reason: 'Clinic closed for training',
      });
      assert.equal(moved.statusCode, 303, moved.body);
      // The coordinator's "what happens next" lists the appointment at its new date, in date order.
      const next = (await json(cm, 'GET', `/api/care/people/${nhsNumber}`)).json().next as {
        date: string;
        time: string | null;
        kind: string;
      }[];
      const appt = next.findIndex((x) => x.kind === 'appointment' && x.date === '2030-01-22' && x.time === '14:00');
      assert.ok(appt >= 0, JSON.stringify(next));
      assert.deepEqual(
        next.map((x) => x.date),
        [...next.map((x) => x.date)].sort(),
      );
      const nextPage = await cm.get(`/care/people/${personId}`);
      assert.match(nextPage.body, /22 January 2030 at 14:00: <a href="#appointments">Leg ulcer clinic appointment/);
      const cancelNoReason = await cm.post(`/care/people/${personId}/appointments/${appointmentId}`, {
        action: 'cancel',
        reason: '',
      });
      assert.equal(cancelNoReason.statusCode, 400);
      const cancelled = await cm.post(`/care/people/${personId}/appointments/${appointmentId}`, {
        action: 'cancel',
        reason: 'Ulcer healed; dressings at home instead',
      });
      assert.equal(cancelled.statusCode, 303);
      const afterCancel = (await json(cm, 'GET', `/api/care/people/${nhsNumber}`)).json().next as {
        kind: string;
        date: string;
      }[];
      assert.ok(
        !afterCancel.some((x) => x.kind === 'appointment' && x.date === '2030-01-22'),
        'a cancelled appointment is not next',
      );
      const again = await cm.post(`/care/people/${personId}/appointments/${appointmentId}`, {
        action: 'cancel',
        reason: 'twice',
      });
      assert.equal(again.statusCode, 409);
      // Each step told the person by their recorded preference (phone), in large print, interpreter need carried.
      const sent = await db
        .selectFrom('outbox')
        .select(['topic', 'channel', 'payload'])
        .where('topic', 'like', 'care.appointment.%')
        .where('id', '>', lastOutboxId)
        .orderBy('id')
        .execute();
      assert.deepEqual(
        sent.map((m) => m.topic),
        ['care.appointment.booked', 'care.appointment.changed', 'care.appointment.cancelled'],
      );
      for (const m of sent) {
        const payload = typeof m.payload === 'string' ? JSON.parse(m.payload) : m.payload;
        assert.equal(m.channel, 'phone');
        assert.equal(payload.format, 'large-print');
        assert.deepEqual(payload.communication, { language: 'Yoruba', interpreter: true, bsl: false });
        assert.equal(payload.appointmentId, appointmentId);
      }
      const audited = await searchAudit(db, { systemId: 'QMJ', recordId: appointmentId });
      assert.deepEqual(audited.rows.map((r) => r.action).sort(), [
        'care.appointment.cancel',
        'care.appointment.create',
        'care.appointment.update',
      ]);
      // The record shows the timeline with the reasons.
      const page = await cm.get(`/care/people/${personId}`);
      assert.match(page.body, /Clinic closed for training/);
      assert.match(page.body, /Ulcer healed; dressings at home instead/);
      assert.match(page.body, /Cancelled/);
      // The timeline sentence shows plain London dates, never ISO ones.
      assert.match(page.body, /Leg ulcer clinic, 22 January 2030 at 14:00, Kentish Town Health Centre/);
      assert.doesNotMatch(page.body, /2030-01-2[02] at/);
    });

    test('appointments API: book, change (only what changes, with a reason), cancel, list; 400 names fields; the home page shows today and what changed', async () => {
      const { db } = t.database;
      const base = `/api/care/people/${nhsNumber}/appointments`;
      const outboxCount = async () =>
        Number(
          (
            await db
              .selectFrom('outbox')
              .select((e) => e.fn.countAll().as('n'))
              .executeTakeFirstOrThrow()
          ).n,
        );
      const sentBefore = await outboxCount();
      const bad = await json(cm, 'POST', base, { service: '', date: '2029-12-31', time: '9am' });
      assert.equal(bad.statusCode, 400);
      assert.deepEqual(fields(bad).sort(), ['date', 'place', 'service', 'time']);
      assert.equal(await outboxCount(), sentBefore);
      // Today (T0 is 7 January 2030) and later this week.
      const today = await json(cm, 'POST', base, {
        service: 'Heart failure nurse',
        date: '2030-01-07',
        time: '15:00',
        place: 'By phone',
      });
      assert.equal(today.statusCode, 201, today.body);
      assert.equal(today.json().notifiedBy, 'phone');
      assert.equal(today.json().format, 'large-print');
      const later = await json(cm, 'POST', base, {
        service: 'Memory clinic',
        date: '2030-01-09',
        time: '11:00',
        place: 'Royal Free Hospital',
      });
      assert.equal(later.statusCode, 201);
      const laterId = later.json().id as string;
      // A change needs a reason, and names it.
      const noReason = await json(cm, 'PATCH', `${base}/${laterId}`, { time: '14:30' });
      assert.equal(noReason.statusCode, 400);
      assert.deepEqual(fields(noReason), ['reason']);
      const badTime = await json(cm, 'PATCH', `${base}/${laterId}`, { time: '25:00', reason: 'Clinic running late' });
      assert.deepEqual(fields(badTime), ['time']);
      const moved = await json(cm, 'PATCH', `${base}/${laterId}`, {
        date: '2030-01-10',
        time: '14:30',
        reason: 'Consultant on leave',
      });
      assert.equal(moved.statusCode, 200, moved.body);
      // What was not sent stays as booked.
      assert.equal(moved.json().service, 'Memory clinic');
      assert.equal(moved.json().place, 'Royal Free Hospital');
      assert.equal(moved.json().date, '2030-01-10');
      const cancelNoReason = await json(cm, 'POST', `${base}/${today.json().id}/cancel`, {});
      assert.equal(cancelNoReason.statusCode, 400);
      assert.deepEqual(fields(cancelNoReason), ['reason']);
      const unknown = await json(cm, 'PATCH', `${base}/00000000-0000-4000-8000-000000000000`, { reason: 'x' });
      assert.equal(unknown.statusCode, 404);
      // Each change queued one message in the same transaction, holding no personal details.
      assert.equal(await outboxCount(), sentBefore + 3);
      const latest = await db
        .selectFrom('outbox')
        .select(['topic', 'payload'])
        .orderBy('id', 'desc')
        .executeTakeFirstOrThrow();
      assert.equal(latest.topic, 'care.appointment.changed');
      const raw = typeof latest.payload === 'string' ? latest.payload : JSON.stringify(latest.payload);
      for (const secret of [nhsNumber, 'Olu', 'Adeyemi', 'Memory clinic', 'Royal Free'])
        assert.ok(!raw.includes(secret));
      // The person's list: each appointment with its timeline and what changed.
      const listed = await json(cm, 'GET', base);
      assert.equal(listed.statusCode, 200);
      const memory = listed.json().appointments.find((a: { id: string }) => a.id === laterId);
      assert.equal(memory.events.length, 2);
      assert.equal(
        memory.whatChanged,
        'Moved from Memory clinic, 9 January 2030 at 11:00, Royal Free Hospital. Reason: Consultant on leave.',
      );
      assert.ok(
        (await searchAudit(db, { systemId: 'QMJ', action: 'care.appointment.list', recordId: personId })).total >= 1,
      );
      // The caller's caseload: today to 7 days ahead (the one cancelled on 22 January is later).
      const mine = await json(cm, 'GET', '/api/care/appointments');
      assert.equal(mine.statusCode, 200);
      const caseload: { id: string; personId: string; name: string }[] = mine.json().appointments;
      const ids = caseload.filter((a) => a.personId === personId).map((a) => a.id);
      assert.deepEqual(ids, [today.json().id, laterId]);
      // The demo's Alice Brennan has two seeded appointments in the week, one of them moved.
      assert.deepEqual(
        caseload.filter((a) => a.personId !== personId).map((a) => a.name),
        ['Alice Brennan', 'Alice Brennan'],
      );
      assert.equal(mine.json().todayCount, 1);
      assert.ok(!ids.includes(appointmentId));
      const wide = await json(cm, 'GET', '/api/care/appointments?days=30');
      assert.ok(wide.json().appointments.some((a: { id: string }) => a.id === appointmentId));
      const audited = await searchAudit(db, { systemId: 'QMJ', action: 'care.appointment.caseload' });
      assert.ok(audited.total >= 2);
      // A clinician in another trust: not in their caseload, and 404 (audited) for the person's list.
      const ral = await t.app.inject({
        method: 'GET',
        url: '/api/care/appointments',
        headers: { authorization: 'Bearer care-ral' },
      });
      assert.equal(ral.statusCode, 200);
      assert.equal(ral.json().appointments.length, 0);
      const refusedBefore = (await searchAudit(db, { systemId: 'QMJ', action: 'person.refused' })).total;
      const ralList = await t.app.inject({ method: 'GET', url: base, headers: { authorization: 'Bearer care-ral' } });
      assert.equal(ralList.statusCode, 404);
      assert.ok((await searchAudit(db, { systemId: 'QMJ', action: 'person.refused' })).total > refusedBefore);
      // The case manager's home page: today's appointment, and what changed for the moved one.
      const home = await cm.get('/care');
      assert.match(home.body, /Appointments today and in the next 7 days/);
      assert.match(home.body, /1 appointment today/);
      assert.match(home.body, /Heart failure nurse, <strong>today<\/strong> at 15:00/);
      assert.match(home.body, /Memory clinic, 10 January 2030 at 14:30, Royal Free Hospital/);
      assert.match(
        home.body,
        /What changed \(7 Jan 2030, 10:00\): Moved from Memory clinic, 9 January 2030 at 11:00, Royal Free Hospital\. Reason: Consultant on leave\./,
      );
      // OpenAPI describes them.
      const paths = (await t.app.inject('/api/openapi.json')).json().paths;
      assert.ok(paths['/api/care/appointments'].get);
      assert.ok(paths['/api/care/people/{nhsNumber}/appointments'].get);
      assert.ok(paths['/api/care/people/{nhsNumber}/appointments'].post);
      assert.ok(paths['/api/care/people/{nhsNumber}/appointments/{appointmentId}'].patch);
      assert.ok(paths['/api/care/people/{nhsNumber}/appointments/{appointmentId}/cancel'].post);
    });

    test('MDT meeting moved or cancelled: a reason is required, each person is told in the same transaction without personal details, and the meeting timeline shows it in plain dates', async () => {
      const { db } = t.database;
      const count = async (table: 'outbox' | 'care_meeting_events') =>
        Number(
          (
            await db
              .selectFrom(table)
              .select((e) => e.fn.countAll().as('n'))
              .executeTakeFirstOrThrow()
          ).n,
        );
      const made = await json(cm, 'POST', '/api/care/meetings', {
        title: 'Kentish Town MDT',
        scheduledAt: '2030-01-15T13:00:00Z',
        place: 'Room 1',
        attendees: [{ name: 'Demo case manager', role: 'Case manager', organisation: 'RKE' }],
        nhsNumbers: [nhsNumber],
      });
      assert.equal(made.statusCode, 201, made.body);
      const id = made.json().id as string;
      const before = [await count('outbox'), await count('care_meeting_events')];
      // The page form: every missing field named in the error summary, nothing written.
      const bad = await cm.post(`/care/meetings/${id}/change`, { action: 'move', date: '', time: '', reason: '' });
      assert.equal(bad.statusCode, 400);
      for (const f of ['date', 'time', 'reason']) assert.match(bad.body, new RegExp(`href="#move-${f}"`));
      assert.deepEqual([await count('outbox'), await count('care_meeting_events')], before);
      // The API: only what changes, and the reason.
      const noReason = await json(cm, 'PATCH', `/api/care/meetings/${id}`, { time: '15:30' });
      assert.equal(noReason.statusCode, 400);
      assert.deepEqual(fields(noReason), ['reason']);
      const past = await json(cm, 'PATCH', `/api/care/meetings/${id}`, { date: '2030-01-01', reason: 'x' });
      assert.deepEqual(fields(past), ['date']);
      const same = await json(cm, 'PATCH', `/api/care/meetings/${id}`, { reason: 'Nothing really' });
      assert.deepEqual(fields(same), ['date']);
      const moved = await json(cm, 'PATCH', `/api/care/meetings/${id}`, {
        time: '15:30',
        place: 'Kentish Town Health Centre, room 2',
        reason: 'Room double-booked',
      });
      assert.equal(moved.statusCode, 200, moved.body);
      assert.equal(moved.json().scheduledAt, '2030-01-15T15:30:00.000Z');
      assert.equal(
        moved.json().change.summary,
        'Moved from 15 January 2030 at 13:00, Room 1 to 15 January 2030 at 15:30, Kentish Town Health Centre, room 2',
      );
      assert.deepEqual(moved.json().told, [{ personId, channel: 'phone', format: 'large-print' }]);
      assert.equal(await count('outbox'), before[0]! + 1);
      const msg = await db
        .selectFrom('outbox')
        .select(['topic', 'channel', 'payload'])
        .where('topic', 'like', 'care.meeting.%')
        .executeTakeFirstOrThrow();
      assert.equal(msg.topic, 'care.meeting.moved');
      assert.equal(msg.channel, 'phone');
      const payload = typeof msg.payload === 'string' ? JSON.parse(msg.payload) : msg.payload;
      assert.deepEqual(payload, {
        personId,
        meetingId: id,
        kind: 'moved',
        format: 'large-print',
        communication: { language: 'Yoruba', interpreter: true, bsl: false },
      });
      // A held meeting cannot be moved.
      const held = await json(cm, 'PATCH', `/api/care/meetings/${pastMeetingId}`, { time: '09:00', reason: 'x' });
      assert.equal(held.statusCode, 409);
      // Cancelled from the page: the reason is named when missing.
      const cancelNoReason = await cm.post(`/care/meetings/${id}/change`, { action: 'cancel', reason: '' });
      assert.equal(cancelNoReason.statusCode, 400);
      assert.match(cancelNoReason.body, /href="#cancel-reason"/);
      const cancelled = await cm.post(`/care/meetings/${id}/change`, {
        action: 'cancel',
        reason: 'Chair off sick; items go to next week',
      });
      assert.equal(cancelled.statusCode, 303, cancelled.body);
      const topics = await db
        .selectFrom('outbox')
        .select('topic')
        .where('topic', 'like', 'care.meeting.%')
        .orderBy('id')
        .execute();
      assert.deepEqual(
        topics.map((r) => r.topic),
        ['care.meeting.moved', 'care.meeting.cancelled'],
      );
      const again = await json(cm, 'POST', `/api/care/meetings/${id}/cancel`, { reason: 'twice' });
      assert.equal(again.statusCode, 409);
      const decision = await json(cm, 'POST', `/api/care/meetings/${id}/decisions`, {
        nhsNumber,
        decision: 'x',
        owner: { kind: 'resident' },
        due: '2030-02-01',
      });
      assert.equal(decision.statusCode, 409);
      assert.equal(decision.json().error.code, 'meeting_cancelled');
      const audited = await searchAudit(db, { systemId: 'QMJ', recordId: id });
      const actions = audited.rows.map((r) => r.action);
      assert.ok(actions.includes('care.meeting.move'));
      assert.ok(actions.includes('care.meeting.cancel'));
      // The meeting's timeline, in plain London dates and times.
      const page = await cm.get(`/care/meetings/${id}`);
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /MDT meeting cancelled/);
      assert.match(page.body, /Changes to this meeting/);
      assert.match(
        page.body,
        /Moved from 15 January 2030 at 13:00, Room 1 to 15 January 2030 at 15:30, Kentish Town Health Centre, room 2, by Demo case manager\. Reason: Room double-booked\. 1 person told/,
      );
      assert.match(page.body, /Cancelled \(was 15 January 2030 at 15:30, Kentish Town Health Centre, room 2\)/);
      assert.match(page.body, /Reason: Chair off sick; items go to next week/);
      assert.doesNotMatch(page.body, /Move or cancel this meeting/);
      const record = await cm.get(`/care/people/${personId}`);
      assert.match(
        record.body,
        /Kentish Town MDT<\/a>, [^<]*, Kentish Town Health Centre, room 2\s*<strong[^>]*>\s*Cancelled/,
      );
      const paths = (await t.app.inject('/api/openapi.json')).json().paths;
      assert.ok(paths['/api/care/meetings/{id}'].patch);
      assert.ok(paths['/api/care/meetings/{id}/cancel'].post);
    });

    test('transition plans: adult services and 18 to 25 components from the published offer, a transfer date and an adult lead; flagged within six months of 18 without one; old free-text plans still read', async () => {
      const { db } = t.database;
      const spa = userActor((await findUser(db, 'QMJ', 'spa'))!);
      // Two 17-year-olds who turn 18 within six months of T0 (7 January 2030).
      const young = async (n: number, givenName: string, birthDate: string) => {
        const nhsNo = nhs(n);
        const { body } = await submitReferral(
          db,
          spa,
          {
            person: { nhsNumber: nhsNo, givenName, familyName: 'Okafor', birthDate, postcode: 'N19 5NF' },
            component: 'camhs-community',
            urgency: 'routine',
            reason: 'Anxiety; moving to adult services soon',
            source: 'professional',
            communication: { preferredContact: 'text', interpreter: false, bsl: false },
          },
          { now: new Date(Date.parse(T0) - 2 * DAY) },
        );
        const row = await db
          .selectFrom('access_referrals')
          .select('person_id')
          .where('id', '=', body.id)
          .executeTakeFirstOrThrow();
        const id = row.person_id as string;
        await relate(db, {
          systemId: 'QMJ',
          personId: id,
          grantee: { organisation: 'RKE' },
          basis: 'referral',
          sourceType: 'referral',
          sourceId: body.id,
          at: new Date(Date.parse(T0) - DAY),
        });
        const allocated = await json(cm, 'POST', `/api/care/people/${nhsNo}/allocation`, {
          caseManager: 'case_manager',
        });
        assert.equal(allocated.statusCode, 201, allocated.body);
        return { id, nhsNo };
      };
      const amara = await young(1701, 'Amara', '2012-04-01');
      const tobi = await young(1702, 'Tobi', '2012-05-20');
      const before = (await json(cm, 'GET', '/api/care/transitions')).json();
      const row = before.people.find((p: { personId: string }) => p.personId === amara.id);
      assert.equal(row.hasPlan, false);
      assert.equal(row.withinSixMonths, true);
      assert.equal(row.urgent, true);
      assert.deepEqual(row.concerns, ['Within six months of 18 and no transition plan']);
      // The form offers the published offer's components, not free text.
      const choices = transitionChoices((await getPublishedOffer(db, 'QMJ'))!.components);
      assert.ok(choices.adultServices.length > 0 && choices.youngAdult.length > 0);
      const adult = choices.adultServices[0]!;
      const bridge = choices.youngAdult[0]!;
      const form = await cm.get(`/care/people/${amara.id}`);
      assert.match(form.body, new RegExp(`name="adultServices" type="checkbox" value="${adult.code}"`));
      assert.match(form.body, new RegExp(`name="components" type="checkbox" value="${bridge.code}"`));
      assert.match(form.body, /Within six months of 18 and no transition plan/);
      // Bad input: every field named, on the page and in the API; nothing written.
      const emptyPage = await cm.post(`/care/people/${amara.id}/transition-plan`, {});
      assert.equal(emptyPage.statusCode, 400);
      for (const f of ['adultServices', 'transferDate', 'adultLead'])
        assert.match(emptyPage.body, new RegExp(`href="#transition-${f}"`));
      const base = `/api/care/people/${amara.nhsNo}/transition-plan`;
      const bad = await json(cm, 'POST', base, {
        adultServices: ['not-in-the-offer'],
        components: ['not-in-the-offer'],
        transferDate: '2029-12-31',
        adultLead: '',
      });
      assert.equal(bad.statusCode, 400);
      assert.deepEqual(fields(bad), ['adultServices', 'components', 'transferDate', 'adultLead']);
      const late = await json(cm, 'POST', base, {
        adultServices: [adult.code],
        transferDate: '2037-04-02',
        adultLead: 'Sam Okoye, transition worker',
      });
      assert.deepEqual(fields(late), ['transferDate']);
      const good = {
        adultServices: [adult.code],
        components: [bridge.code],
        transferDate: '2030-04-01',
        adultLead: 'Sam Okoye, transition worker',
      };
      const made = await json(cm, 'POST', base, good);
      assert.equal(made.statusCode, 201, made.body);
      assert.deepEqual(made.json().adultServices, [adult]);
      assert.deepEqual(made.json().components, [bridge]);
      assert.equal((await json(cm, 'POST', base, good)).statusCode, 409);
      const stored = await db
        .selectFrom('care_transition_plans')
        .selectAll()
        .where('person_id', '=', amara.id)
        .executeTakeFirstOrThrow();
      assert.equal(stored.adult_lead, 'Sam Okoye, transition worker');
      const page = await cm.get(`/care/people/${amara.id}`);
      assert.match(page.body, /Planned transfer date/);
      assert.match(page.body, /1 April 2030/);
      assert.match(page.body, /Sam Okoye, transition worker/);
      assert.ok(page.body.includes(adult.name));
      assert.doesNotMatch(page.body, /Transition planning needs attention/);
      // A plan written as free text before plans were structured still reads, and is flagged for its structure.
      await db
        .insertInto('care_transition_plans')
        .values({
          id: '00000000-0000-4000-8000-00000000a001',
          system_id: 'QMJ',
          person_id: tobi.id,
          adult_services: JSON.stringify(['Adult community mental health team']),
          components: JSON.stringify([]),
          created_by_name: 'Demo case manager',
          created_at: new Date(Date.parse(T0) - 30 * DAY),
        })
        .execute();
      const legacy = await cm.get(`/care/people/${tobi.id}`);
      assert.match(legacy.body, /Written as free text on 8 December 2029/);
      assert.match(legacy.body, /Adult services: Adult community mental health team/);
      assert.match(legacy.body, /The plan is free text: choose adult services from the offer/);
      const after = (await json(cm, 'GET', '/api/care/transitions')).json();
      const a = after.people.find((p: { personId: string }) => p.personId === amara.id);
      const b = after.people.find((p: { personId: string }) => p.personId === tobi.id);
      assert.deepEqual([a.hasPlan, a.structured, a.urgent, a.transferDate], [true, true, false, '2030-04-01']);
      assert.deepEqual([b.hasPlan, b.structured, b.urgent], [true, false, true]);
      const list = await cm.get('/care/transitions');
      assert.match(list.body, /Plan in place/);
      assert.match(list.body, /Free-text plan: needs structure/);
    });

    test('every care route: staff with no relationship get 404 (audited), in pages and API alike', async () => {
      const ids: Record<string, string> = {
        assessments: assessmentId,
        plans: planId,
        actions: actionId,
        meetings: pastMeetingId,
      };
      const concrete = (url: string) =>
        url
          .replace(':nhsNumber', nhsNumber)
          .replace(':personId', personId)
          .replace(':appointmentId', appointmentId)
          .replace(/\/(assessments|plans|actions|meetings)\/:id/, (_m, kind: string) => `/${kind}/${ids[kind]}`);
      const bodies: Record<string, unknown> = {
        'POST /api/care/people/:nhsNumber/break-glass': { reason: 'x' },
        'POST /api/care/people/:nhsNumber/allocation': { caseManager: 'case_manager' },
        'PUT /api/care/assessments/:id': { revision: 1, answers: {} },
        'POST /api/care/plans/:id/actions': { description: 'x', owner: { kind: 'resident' }, due: '2030-02-01' },
        'POST /api/care/meetings/:id/decisions': {
          nhsNumber,
          decision: 'x',
          owner: { kind: 'resident' },
          due: '2030-02-01',
        },
      };
      const routes = t.app.routePolicies.filter(
        (r) =>
          r.method !== 'HEAD' && (r.url.startsWith('/api/care/') || r.url.startsWith('/care/')) && r.url.includes(':'),
      );
      assert.ok(routes.length >= 20, `care routes with a record: ${routes.length}`);
      const failures: string[] = [];
      let checked = 0;
      for (const route of routes) {
        const policy = route.policy as readonly string[];
        const token = policy.includes('clinician') ? 'care-ral' : policy.includes('case_manager') ? 'care-rap' : null;
        // Break-glass is the way in for staff without a relationship (tested below), not a record read.
        if (!token || route.url.endsWith('/break-glass')) continue;
        const key = `${route.method} ${route.url}`;
        const before = (await searchAudit(t.database.db, { systemId: 'QMJ', action: 'person.refused' })).total;
        const res = await t.app.inject({
          method: route.method as 'GET',
          url: concrete(route.url),
          headers: { authorization: `Bearer ${token}`, accept: 'application/json', 'content-type': 'application/json' },
          payload: route.method === 'GET' ? undefined : JSON.stringify(bodies[key] ?? {}),
        });
        checked++;
        if (res.statusCode !== 404) failures.push(`${key}: ${res.statusCode} ${res.body.slice(0, 120)}`);
        const afterCount = (await searchAudit(t.database.db, { systemId: 'QMJ', action: 'person.refused' })).total;
        if (afterCount <= before) failures.push(`${key}: refusal not audited`);
      }
      assert.deepEqual(failures, []);
      assert.ok(checked >= 20);
      // Nor can they find the person in any list.
      for (const [token, url] of [
        ['care-ral', '/api/care/caseload'],
        ['care-ral', '/api/care/transitions'],
        ['care-rap', '/api/care/allocations'],
        ['care-rap', '/api/care/caseload'],
      ] as const) {
        const res = await t.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } });
        assert.equal(res.statusCode, 200);
        assert.ok(!res.body.includes(personId), `${url} does not list the person`);
      }
    });

    test('break-glass: a reason is required, then 60 minutes of access, audited', async () => {
      const headers = { authorization: 'Bearer care-ral', 'content-type': 'application/json' };
      // Break-glass is for a member of staff signed in as themselves: a token is refused.
      const token = await t.app.inject({
        method: 'POST',
        url: `/api/care/people/${nhsNumber}/break-glass`,
        headers,
        payload: { reason: 'Collapsed in clinic, no other record available' },
      });
      assert.equal(token.statusCode, 403);
      const ral = new Browser(t.app);
      await ral.signIn('clinician_ral');
      assert.equal((await json(ral, 'GET', `/api/care/people/${nhsNumber}`)).statusCode, 404);
      const short = await json(ral, 'POST', `/api/care/people/${nhsNumber}/break-glass`, { reason: 'need' });
      assert.equal(short.statusCode, 400);
      assert.deepEqual(fields(short), ['reason']);
      const glass = await json(ral, 'POST', `/api/care/people/${nhsNumber}/break-glass`, {
        reason: 'Admitted to the Royal Free acutely unwell, needs the care plan',
      });
      assert.equal(glass.statusCode, 200, glass.body);
      const record = await json(ral, 'GET', `/api/care/people/${nhsNumber}`);
      assert.equal(record.statusCode, 200);
      assert.equal(record.json().access.basis, 'break-glass');
      const audited = await searchAudit(t.database.db, { systemId: 'QMJ', action: 'care.record.read.break-glass' });
      assert.equal(audited.rows[0]?.recordId, personId);
      clock.set(new Date(Date.parse(T0) + 61 * 60_000));
      assert.equal((await json(ral, 'GET', `/api/care/people/${nhsNumber}`)).statusCode, 404);
      clock.set(T0);
      // Listed for administrators to review, with the reason and whose record (by NHS number); reviewed once.
      assert.equal((await json(ral, 'GET', '/api/care/emergency-access')).statusCode, 403);
      const admin = new Browser(t.app);
      await admin.signIn('admin');
      const listed = await json(admin, 'GET', '/api/care/emergency-access?unreviewed=true');
      assert.equal(listed.statusCode, 200, listed.body);
      const row = listed.json().rows.find((r: { id: string }) => r.id === glass.json().id);
      assert.equal(row?.nhsNumber, nhsNumber);
      assert.equal(row?.reason, 'Admitted to the Royal Free acutely unwell, needs the care plan');
      assert.equal(row?.reviewedAt, null);
      const page = await admin.get('/care/emergency-access');
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /Admitted to the Royal Free acutely unwell/);
      assert.match(page.body, /Not reviewed/);
      const empty = await admin.post(`/care/emergency-access/${row.id}/review`, { note: ' ' });
      assert.equal(empty.statusCode, 400);
      assert.match(empty.body, new RegExp(`href="#note-${row.id}"`));
      assert.match(empty.body, /Enter what the review found/);
      const reviewed = await admin.post(`/care/emergency-access/${row.id}/review`, {
        note: 'Confirmed with the ward: admitted that evening',
      });
      assert.equal(reviewed.statusCode, 303);
      const again = await json(admin, 'POST', `/api/care/emergency-access/${row.id}/review`, { note: 'Twice' });
      assert.equal(again.statusCode, 409);
      const after = await admin.get('/care/emergency-access');
      assert.match(after.body, /Confirmed with the ward: admitted that evening/);
      const audits = await searchAudit(t.database.db, { systemId: 'QMJ', action: 'break-glass.review' });
      assert.equal(audits.rows[0]?.reason, 'Confirmed with the ward: admitted that evening');
      assert.ok((await searchAudit(t.database.db, { systemId: 'QMJ', action: 'break-glass.list' })).total >= 2);
    });

    test('trusted assessor competency: granted by an administrator only, audited', async () => {
      const notAdmin = await json(cm, 'POST', '/api/care/trusted-assessors', { username: 'clinician' });
      assert.equal(notAdmin.statusCode, 403);
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/care/trusted-assessors',
        headers: { authorization: 'Bearer care-admin', 'content-type': 'application/json' },
        payload: { username: 'clinician' },
      });
      assert.equal(res.statusCode, 200, res.body);
      const audited = await searchAudit(t.database.db, { systemId: 'QMJ', action: 'care.trusted-assessor.grant' });
      assert.ok(audited.rows.some((r) => r.actorName === 'API token: admin'));
    });

    test('trusted assessors page: an administrator grants and revokes with a reason; errors name the fields', async () => {
      const admin = new Browser(t.app);
      await admin.signIn('admin');
      const page = await admin.get('/care/trusted-assessors');
      assert.equal(page.statusCode, 200);
      assert.equal((await cm.get('/care/trusted-assessors')).statusCode, 403);
      const bad = await admin.post('/care/trusted-assessors', { action: 'grant', username: 'nobody-here', reason: '' });
      assert.equal(bad.statusCode, 400);
      assert.match(bad.body, /href="#ta-username"/);
      assert.match(bad.body, /href="#ta-reason"/);
      const ok = await admin.post('/care/trusted-assessors', {
        action: 'grant',
        username: 'case_manager',
        reason: 'Completed trusted assessor training',
      });
      assert.equal(ok.statusCode, 303);
      assert.match((await admin.get('/care/trusted-assessors')).body, /case_manager/);
      const noReason = await admin.post('/care/trusted-assessors', { action: 'revoke', username: 'case_manager' });
      assert.equal(noReason.statusCode, 400);
      const revoked = await admin.post('/care/trusted-assessors', {
        action: 'revoke',
        username: 'case_manager',
        reason: 'Left the trusted assessor scheme',
      });
      assert.equal(revoked.statusCode, 303);
      const audited = await searchAudit(t.database.db, { systemId: 'QMJ', action: 'care.trusted-assessor.revoke' });
      assert.ok(audited.rows.some((r) => r.reason === 'Left the trusted assessor scheme'));
    });

    test('the demo case manager has a real caseload, a flagged person to allocate and a young person in transition', async () => {
      const home = await cm.get('/care');
      assert.match(home.body, /Alice Brennan/);
      const alloc = await cm.get('/care/allocation');
      assert.match(alloc.body, /Kwame Asante/);
      const tr = (await json(cm, 'GET', '/api/care/transitions')).json();
      // The seeded 17-year-old turns 18 about 120 days after loading; by 2030 she is an adult, so look at load time.
      assert.ok(Array.isArray(tr.people));
      const openapi = await t.app.inject({ method: 'GET', url: '/api/openapi.json' });
      const paths = Object.keys(openapi.json().paths);
      for (const p of [
        '/api/care/people/{nhsNumber}',
        '/api/care/assessments',
        '/api/care/assessments/{id}',
        '/api/care/assessments/{id}/sign',
        '/api/care/plans',
        '/api/care/plans/{id}/actions',
        '/api/care/meetings',
        '/api/care/meetings/{id}/decisions',
        '/api/care/caseload',
        '/api/care/transitions',
      ]) {
        assert.ok(paths.includes(p), `${p} is in the API description`);
      }
    });
  });
}
