// Virtual wards through HTTP on every engine: admitting, observations scored with NEWS2 and escalated in the
// same transaction, device retries, escalations claimed and answered, discharge, capacity, and who may see what.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { issueToken } from '../src/platform/auth/identity.ts';
import { type Role, systemActor } from '../src/platform/auth/roles.ts';
import { nhsNumberCheckDigit } from '../src/modules/access/index.ts';
import { startMissedObservationSweep, sweepMissedObservations } from '../src/modules/virtualwards/index.ts';
import { fixedClock, steppingClock } from '../src/platform/clock.ts';
import { DEMO_SYSTEM } from '../src/seed.ts';
import { Browser, startTestApp, type TestApp } from './support/app.ts';
import { testEngines } from './support/db.ts';

const AT = '2026-12-02T09:00:00Z';

/** A valid NHS number in the 999 test range. */
function testNhs(n: number): string {
  for (let i = n; ; i++) {
    const base = `999${String(i).padStart(6, '0')}`;
    const check = nhsNumberCheckDigit(base);
    if (check !== null) return `${base}${check}`;
  }
}

for (const engine of testEngines()) {
  describe(`virtual wards on ${engine}`, () => {
    let t: TestApp;
    const clock = steppingClock(AT);
    before(async () => {
      t = await startTestApp(engine, { clock });
      // The demo tokens exist only on PGlite; these exist on every engine, in the demo users' organisations.
      const orgs: Record<string, [Role, string]> = {
        clinician: ['clinician', 'RKE'],
        'clinician-ryx': ['clinician', 'RYX'],
        coordinator: ['coordinator', 'RYX'],
        commissioner: ['commissioner', 'QMJ'],
        analyst: ['analyst', 'QMJ'],
        spa: ['spa', 'RKE'],
      };
      for (const [name, [role, organisationCode]] of Object.entries(orgs)) {
        await issueToken(t.database.db, systemActor(DEMO_SYSTEM.id), {
          label: `Test ${name}`,
          role,
          value: `test-vw-${name}`,
          organisationCode,
        });
      }
    });
    after(() => t.close());

    const api = (role: string) => ({ authorization: `Bearer test-vw-${role}` });

    test('NEWS2 API scores without storing and refuses impossible values naming the field', async () => {
      const ok = await t.app.inject({
        method: 'POST',
        url: '/api/virtual-wards/news2',
        headers: api('clinician'),
        payload: {
          respirationRate: 25,
          spo2: 95,
          spo2Scale: 1,
          onOxygen: true,
          systolicBP: 95,
          pulse: 80,
          consciousness: 'A',
          temperature: 37,
        },
      });
      assert.equal(ok.statusCode, 200, ok.body);
      assert.deepEqual(ok.json().score, 8);
      assert.equal(ok.json().risk, 'high');
      assert.deepEqual(ok.json().parameterScores, {
        respirationRate: 3,
        spo2: 1,
        airOrOxygen: 2,
        systolicBP: 2,
        pulse: 0,
        consciousness: 0,
        temperature: 0,
      });
      const bad = await t.app.inject({
        method: 'POST',
        url: '/api/virtual-wards/news2',
        headers: api('clinician'),
        payload: { spo2: 101, pulse: 0, temperature: 60 },
      });
      assert.equal(bad.statusCode, 400);
      assert.deepEqual(
        bad.json().error.fields.map((f: { field: string }) => f.field),
        ['spo2', 'pulse', 'temperature'],
      );
    });

    test('admit, observe, escalate, claim, answer, discharge; a device retry stores one observation', async () => {
      clock.set(AT);
      const admit = await t.app.inject({
        method: 'POST',
        url: '/api/virtual-wards/islington-ari/admissions',
        headers: api('clinician'),
        payload: {
          nhsNumber: '9434765919',
          givenName: 'Test',
          familyName: 'Patient',
          birthDate: '1950-05-01',
          postcodeDistrict: 'N19',
          route: 'step-up',
          source: 'ucr',
          obsEveryHours: 4,
        },
      });
      assert.equal(admit.statusCode, 201, admit.body);
      const { admissionId } = admit.json();
      clock.advance(30 * 60_000);
      const obs = {
        respirationRate: 23,
        spo2: 95,
        onOxygen: false,
        systolicBP: 120,
        pulse: 112,
        consciousness: 'A',
        temperature: 38.5,
      };
      const headers = { ...api('clinician'), 'idempotency-key': 'device-1-obs-1' };
      const first = await t.app.inject({
        method: 'POST',
        url: `/api/virtual-wards/admissions/${admissionId}/observations`,
        headers,
        payload: obs,
      });
      assert.equal(first.statusCode, 201, first.body);
      // 2 (RR 23) + 1 (SpO2 95) + 2 (pulse 112) + 1 (38.5) = 6: medium, urgent review within the hour
      assert.equal(first.json().result.score, 6);
      assert.equal(first.json().result.risk, 'medium');
      assert.equal(first.json().escalationDueAt, '2026-12-02T10:30:00.000Z');
      const retry = await t.app.inject({
        method: 'POST',
        url: `/api/virtual-wards/admissions/${admissionId}/observations`,
        headers,
        payload: obs,
      });
      assert.equal(retry.statusCode, 200);
      assert.equal(retry.json().observationId, first.json().observationId);
      const detail = await t.app.inject({
        url: `/api/virtual-wards/admissions/${admissionId}`,
        headers: api('clinician'),
      });
      assert.equal(detail.json().observations.length, 1, 'one observation stored');

      const list = await t.app.inject({ url: '/api/virtual-wards/escalations', headers: api('clinician') });
      const mine = list.json().filter((e: { admissionId: string }) => e.admissionId === admissionId);
      assert.equal(mine.length, 1);
      assert.equal(mine[0].risk, 'medium');
      const claim = await t.app.inject({
        method: 'POST',
        url: `/api/virtual-wards/escalations/${mine[0].id}/claim`,
        headers: api('clinician'),
      });
      assert.equal(claim.statusCode, 204);
      const again = await t.app.inject({
        method: 'POST',
        url: `/api/virtual-wards/escalations/${mine[0].id}/claim`,
        headers: api('clinician'),
      });
      assert.equal(again.statusCode, 409);
      const answer = await t.app.inject({
        method: 'POST',
        url: `/api/virtual-wards/escalations/${mine[0].id}/response`,
        headers: api('clinician'),
        payload: { response: 'Visited, started antibiotics', outcome: 'plan-changed' },
      });
      assert.equal(answer.statusCode, 204, answer.body);

      // No observation for 4 hours + 30 minutes' grace: a missed-observation escalation.
      clock.advance(5 * 3_600_000);
      const later = await t.app.inject({ url: '/api/virtual-wards/escalations', headers: api('clinician') });
      const missed = later.json().filter((e: { admissionId: string }) => e.admissionId === admissionId);
      assert.deepEqual(
        missed.map((e: { kind: string }) => e.kind),
        ['overdue-observation'],
      );

      clock.set('2026-12-05T11:00:00Z');
      const out = await t.app.inject({
        method: 'POST',
        url: `/api/virtual-wards/admissions/${admissionId}/discharge`,
        headers: api('clinician'),
        payload: { outcome: 'home' },
      });
      assert.equal(out.statusCode, 200, out.body);
      assert.equal(out.json().bedDays, 3);
      const afterwards = await t.app.inject({
        method: 'POST',
        url: `/api/virtual-wards/admissions/${admissionId}/observations`,
        headers: api('clinician'),
        payload: obs,
      });
      assert.equal(afterwards.statusCode, 409);
    });

    test('daily visits go onto the provider board, follow plan changes, roll forward and end at discharge', async () => {
      clock.set(AT); // 09:00 London
      const admit = await t.app.inject({
        method: 'POST',
        url: '/api/virtual-wards/barnet-frailty/admissions',
        headers: api('clinician-ryx'),
        payload: {
          nhsNumber: testNhs(424242),
          givenName: 'Visit',
          familyName: 'Planned',
          birthDate: '1939-07-14',
          postcodeDistrict: 'N12',
          route: 'step-up',
          source: 'ucr',
          obsEveryHours: 4,
          visitsPerDay: 1,
        },
      });
      assert.equal(admit.statusCode, 201, admit.body);
      const { admissionId, visitsBooked } = admit.json();
      // Today (its one slot, 08:00 to 19:30, is still ahead) and the next 6 days.
      assert.equal(visitsBooked, 7);
      const ref = `VW-${admissionId.slice(0, 8).toUpperCase()}`;
      const onBoard = (status = 'open') =>
        t.database.db
          .selectFrom('scheduling_visits')
          .select(['day', 'window_start', 'window_end', 'priority', 'source', 'team_id', 'created_by'])
          .where('patient_ref', '=', ref)
          .where('status', '=', status)
          .orderBy('day')
          .orderBy('window_start')
          .execute();
      const first = await onBoard();
      assert.deepEqual(
        first.map((v) => String(v.day)),
        ['2026-12-02', '2026-12-03', '2026-12-04', '2026-12-05', '2026-12-06', '2026-12-07', '2026-12-08'],
      );
      assert.ok(first.every((v) => v.priority === 'virtual-ward' && v.source === 'virtual-ward'));
      assert.ok(first.every((v) => v.window_start === 8 * 60 && v.window_end === 19 * 60 + 30));
      assert.ok(
        first.every((v) => v.created_by === 'system:virtual-wards'),
        'booked as the system',
      );
      const booked = await t.database.db
        .selectFrom('audit_log')
        .select(['actor_role', 'detail'])
        .where('action', '=', 'scheduling.ward-visits.booked')
        .where(sql`detail::text`, 'like', `%${ref}%`)
        .execute();
      assert.equal(booked.length, 1, 'the booking is audited, in the name of the admitting clinician');
      assert.equal(booked[0]?.actor_role, 'clinician');
      // The coordinator's board shows the reference, never the name.
      const coordinator = new Browser(t.app);
      await coordinator.signIn('coordinator');
      const board = await coordinator.get('/scheduling?day=2026-12-03');
      assert.equal(board.statusCode, 200);
      assert.match(board.body, new RegExp(ref));
      assert.doesNotMatch(board.body, /Visit Planned|Planned, Visit/);

      // At 15:00 the plan goes to two visits a day: today's 08:00 slot has gone, the 14:00 one is ahead.
      clock.set('2026-12-02T15:00:00Z');
      const bad = await t.app.inject({
        method: 'POST',
        url: `/api/virtual-wards/admissions/${admissionId}/plan`,
        headers: api('clinician-ryx'),
        payload: { visitsPerDay: 9 },
      });
      assert.equal(bad.statusCode, 400);
      assert.deepEqual(
        bad.json().error.fields.map((f: { field: string }) => f.field),
        ['visitsPerDay'],
      );
      const changed = await t.app.inject({
        method: 'POST',
        url: `/api/virtual-wards/admissions/${admissionId}/plan`,
        headers: api('clinician-ryx'),
        payload: { visitsPerDay: 2 },
      });
      assert.equal(changed.statusCode, 200, changed.body);
      assert.deepEqual(changed.json(), {
        obsEveryHours: 4,
        visitsPerDay: 2,
        observations: ['respirationRate', 'spo2', 'airOrOxygen', 'systolicBP', 'pulse', 'consciousness', 'temperature'],
        booked: 13,
        cancelled: 7,
      });
      const second = await onBoard();
      assert.equal(second.length, 13);
      assert.deepEqual(
        second.filter((v) => String(v.day) === '2026-12-03').map((v) => [v.window_start, v.window_end]),
        [
          [8 * 60, 13 * 60 + 30],
          [14 * 60, 19 * 60 + 30],
        ],
      );
      const detail = await t.app.inject({
        url: `/api/virtual-wards/admissions/${admissionId}`,
        headers: api('clinician-ryx'),
      });
      assert.equal(detail.json().visits.reference, ref);
      assert.equal(detail.json().visits.booked.length, 13);
      assert.equal(detail.json().admission.visitsPerDay, 2);

      // Two days on, the sweep rolls the 7-day horizon forward: 9 and 10 December, twice a day.
      const later = new Date('2026-12-04T10:00:00Z');
      await sweepMissedObservations(t.database.db, later);
      await sweepMissedObservations(t.database.db, later);
      const rolled = await onBoard();
      assert.equal(rolled.length, 17, 'once, however often the sweep runs');
      assert.equal(String(rolled.at(-1)?.day), '2026-12-10');

      // Discharge cancels the visits from today on; the past days' stay as they were.
      clock.set(later);
      const out = await t.app.inject({
        method: 'POST',
        url: `/api/virtual-wards/admissions/${admissionId}/discharge`,
        headers: api('clinician-ryx'),
        payload: { outcome: 'community-team' },
      });
      assert.equal(out.statusCode, 200, out.body);
      assert.deepEqual(
        (await onBoard()).map((v) => String(v.day)),
        ['2026-12-02', '2026-12-03', '2026-12-03'],
      );
      assert.equal((await onBoard('cancelled')).length, 7 + 14);
      const boardAfter = await coordinator.get('/scheduling?day=2026-12-05');
      assert.doesNotMatch(boardAfter.body, new RegExp(ref));
    });

    test('step-up from a referral: checked against the central point of access, linked, first contact recorded', async () => {
      clock.set(AT);
      const nhsNumber = testNhs(515151);
      const made = await t.app.inject({
        method: 'POST',
        url: '/api/referrals',
        headers: api('spa'),
        payload: {
          person: {
            nhsNumber,
            givenName: 'Step',
            familyName: 'Upton',
            birthDate: '1944-02-11',
            postcode: 'N19 5HX',
            gpPractice: 'F83004',
          },
          component: 'virtual-wards',
          urgency: 'routine',
          reason: 'Chest infection, stable enough for hospital at home',
          source: 'professional',
          communication: { preferredContact: 'phone', interpreter: false, bsl: false },
        },
      });
      assert.equal(made.statusCode, 201, made.body);
      const { id: referralId, reference } = made.json();
      const triage = await t.app.inject({
        method: 'POST',
        url: `/api/referrals/${referralId}/triage`,
        headers: api('spa'),
        payload: {},
      });
      assert.equal(triage.statusCode, 200, triage.body);
      const admission = (extra: Record<string, unknown>) => ({
        nhsNumber,
        givenName: 'Step',
        familyName: 'Upton',
        birthDate: '1944-02-11',
        postcodeDistrict: 'N19',
        route: 'step-up',
        source: 'referral',
        ...extra,
      });
      const admit = (payload: Record<string, unknown>, who = 'clinician', ward = 'islington-ari') =>
        t.app.inject({ method: 'POST', url: `/api/virtual-wards/${ward}/admissions`, headers: api(who), payload });
      const refused = async (payload: Record<string, unknown>, pattern: RegExp, who?: string, ward?: string) => {
        const r = await admit(payload, who, ward);
        assert.equal(r.statusCode, 400, r.body);
        const fields = r.json().error.fields;
        assert.deepEqual(
          fields.map((f: { field: string }) => f.field),
          ['referralReference'],
        );
        assert.match(fields[0].message, pattern);
      };
      await refused(admission({}), /Enter the reference/);
      await refused(admission({ referralReference: 'CPA-NOSUCH00' }), /No referral CPA-NOSUCH00/);
      // Triaged but not yet accepted.
      await refused(admission({ referralReference: reference }), /has not been accepted/);
      const accept = await t.app.inject({
        method: 'POST',
        url: `/api/referrals/${referralId}/accept`,
        headers: api('clinician'),
        payload: { serviceId: 'islington-virtual-wards' },
      });
      assert.equal(accept.statusCode, 200, accept.body);
      // Another person's NHS number, or another organisation's ward: the same answer, revealing nothing.
      await refused(admission({ referralReference: reference, nhsNumber: testNhs(525252) }), /No referral/);
      await refused(admission({ referralReference: reference }), /No referral/, 'clinician-ryx', 'barnet-frailty');
      const ok = await admit(admission({ referralReference: reference.toLowerCase() }));
      assert.equal(ok.statusCode, 201, ok.body);
      assert.equal(ok.json().firstContactRecorded, true);
      const { admissionId, patientId } = ok.json();
      const referral = await t.app.inject({ url: `/api/referrals/${referralId}`, headers: api('spa') });
      assert.equal(referral.json().status, 'first-contact-made');
      const linked = await t.database.db
        .selectFrom('vw_patients')
        .select('access_person_id')
        .where('id', '=', patientId)
        .executeTakeFirstOrThrow();
      const person = await t.database.db
        .selectFrom('access_referrals')
        .select('person_id')
        .where('id', '=', referralId)
        .executeTakeFirstOrThrow();
      assert.equal(linked.access_person_id, person.person_id);
      const stored = await t.database.db
        .selectFrom('vw_admissions')
        .select(['referral_id', 'source_reference'])
        .where('id', '=', admissionId)
        .executeTakeFirstOrThrow();
      assert.deepEqual(stored, { referral_id: referralId, source_reference: reference });
      const trail = await t.database.db
        .selectFrom('audit_log')
        .select('action')
        .where('record_id', 'in', [admissionId, referralId])
        .where('action', 'in', ['virtual-ward.admitted', 'referral.first-contact'])
        .execute();
      assert.deepEqual(trail.map((a) => a.action).sort(), ['referral.first-contact', 'virtual-ward.admitted']);
      clock.set('2026-12-03T09:00:00Z');
      const out = await t.app.inject({
        method: 'POST',
        url: `/api/virtual-wards/admissions/${admissionId}/discharge`,
        headers: api('clinician'),
        payload: { outcome: 'home' },
      });
      assert.equal(out.statusCode, 200, out.body);
    });

    test('outcomes: bed days at home and discharge outcomes by ward, for commissioners and analysts, documented', async () => {
      const url = '/api/virtual-wards/outcomes?from=2026-12-10&to=2026-12-10';
      type Counts = { discharges: number; bedDays: number };
      type Ward = Counts & { wardId: string; outcomes: Record<string, Counts> };
      const ward = (body: { wards: Ward[] }) => body.wards.find((w) => w.wardId === 'islington-ari');
      const before = await t.app.inject({ url, headers: api('commissioner') });
      assert.equal(before.statusCode, 200, before.body);
      assert.equal(ward(before.json())?.discharges, 0);
      clock.set('2026-12-07T09:00:00Z');
      const admit = await t.app.inject({
        method: 'POST',
        url: '/api/virtual-wards/islington-ari/admissions',
        headers: api('clinician'),
        payload: {
          nhsNumber: testNhs(616161),
          givenName: 'Outcome',
          familyName: 'Counted',
          birthDate: '1947-09-09',
          postcodeDistrict: 'N7',
          route: 'step-down',
          source: 'acute',
        },
      });
      assert.equal(admit.statusCode, 201, admit.body);
      clock.set('2026-12-10T10:00:00Z');
      const out = await t.app.inject({
        method: 'POST',
        url: `/api/virtual-wards/admissions/${admit.json().admissionId}/discharge`,
        headers: api('clinician'),
        payload: { outcome: 'hospital' },
      });
      assert.equal(out.statusCode, 200, out.body);
      assert.equal(out.json().bedDays, 3);
      // One discharge is fewer than 5 people: hidden, with the cell that would give it away by subtraction.
      const one = (await t.app.inject({ url, headers: api('commissioner') })).json();
      assert.equal(one.minimumCount, 5);
      assert.deepEqual(ward(one)?.outcomes.hospital, { discharges: null, bedDays: null });
      assert.equal(ward(one)?.discharges, null);
      assert.equal(one.total.outcomes.hospital, null);
      // Four more stays of 3 days ending in hospital: 5 people, so shown.
      for (const n of [1, 2, 3, 4]) {
        clock.set('2026-12-07T09:00:00Z');
        const more = await t.app.inject({
          method: 'POST',
          url: '/api/virtual-wards/islington-ari/admissions',
          headers: api('clinician'),
          payload: {
            nhsNumber: testNhs(616161 + n),
            givenName: 'Outcome',
            familyName: `Counted${n}`,
            birthDate: '1947-09-09',
            postcodeDistrict: 'N7',
            route: 'step-down',
            source: 'acute',
            overCapacityReason: 'Test of the outcome figures, over capacity on purpose',
          },
        });
        assert.equal(more.statusCode, 201, more.body);
        clock.set('2026-12-10T10:00:00Z');
        const gone = await t.app.inject({
          method: 'POST',
          url: `/api/virtual-wards/admissions/${more.json().admissionId}/discharge`,
          headers: api('clinician'),
          payload: { outcome: 'hospital' },
        });
        assert.equal(gone.statusCode, 200, gone.body);
      }
      for (const who of ['commissioner', 'analyst']) {
        const res = await t.app.inject({ url, headers: api(who) });
        assert.equal(res.statusCode, 200, res.body);
        const body = res.json();
        assert.deepEqual(
          { discharges: ward(body)?.discharges, bedDays: ward(body)?.bedDays },
          { discharges: 5, bedDays: 15 },
        );
        assert.deepEqual(ward(body)?.outcomes.hospital, { discharges: 5, bedDays: 15 });
        assert.deepEqual(ward(body)?.outcomes.home, { discharges: 0, bedDays: 0 });
        assert.equal(body.total.bedDays, 15);
        assert.equal(body.total.outcomes.hospital, 5);
        assert.doesNotMatch(res.body, /nhsNumber|Outcome Counted|Counted|patientId|admissionId/);
      }
      // The page shows the same figures, with "fewer than 5" where the API has null.
      const page = new Browser(t.app);
      await page.signIn('commissioner');
      const cap = await page.get('/virtual-wards/capacity?from=2026-12-10&to=2026-12-10');
      assert.equal(cap.statusCode, 200);
      assert.match(cap.body, /Islington respiratory virtual ward<\/th>\s*<td[^>]*>5<\/td>\s*<td[^>]*>15<\/td>/);
      assert.doesNotMatch(cap.body, /Counted/);
      const badPage = await page.get('/virtual-wards/capacity?from=2026-12-10&to=2026-12-01');
      assert.equal(badPage.statusCode, 400);
      assert.match(badPage.body, /There is a problem/);
      assert.match(badPage.body, /href="#to"/);
      // Occupancy over time: a week on, the column for 9 December still counts the five stays (7 to 10 December).
      clock.set('2026-12-16T15:00:00Z');
      const weekOn = await page.get('/virtual-wards/capacity');
      assert.match(weekOn.body, /Occupancy over time/);
      const head = /<th scope="col">Borough<\/th><th[^>]*>Beds today<\/th>(.*?)<\/tr>/s.exec(weekOn.body)?.[1] ?? '';
      const columns = [...head.matchAll(/<th[^>]*>([^<]+)<\/th>/g)].map((m) => m[1]);
      assert.equal(columns.length, 8);
      assert.equal(columns.at(-1), 'Now');
      const row = /<th scope="row">Islington<\/th>((?:<td[^>]*>\d+<\/td>)+)<\/tr>/.exec(weekOn.body)?.[1] ?? '';
      const cells = [...row.matchAll(/>(\d+)</g)].map((m) => Number(m[1]));
      const at9 = cells[1 + columns.indexOf('2026-12-09')] ?? -1;
      assert.ok(at9 >= 5, `Islington on 9 December: ${at9}`);
      // Outside the period: not counted.
      const earlier = await t.app.inject({
        url: '/api/virtual-wards/outcomes?from=2026-12-08&to=2026-12-09',
        headers: api('analyst'),
      });
      assert.equal(ward(earlier.json())?.discharges, 0);
      const bad = await t.app.inject({
        url: '/api/virtual-wards/outcomes?from=December&to=2026-12-01',
        headers: api('analyst'),
      });
      assert.equal(bad.statusCode, 400);
      assert.deepEqual(
        bad.json().error.fields.map((f: { field: string }) => f.field),
        ['from'],
      );
      const backwards = await t.app.inject({
        url: '/api/virtual-wards/outcomes?from=2026-12-10&to=2026-12-01',
        headers: api('analyst'),
      });
      assert.deepEqual(
        backwards.json().error.fields.map((f: { field: string }) => f.field),
        ['to'],
      );
      const openapi = (await t.app.inject({ url: '/api/openapi.json' })).json();
      assert.ok(openapi.paths['/api/virtual-wards/outcomes']?.get, 'documented in OpenAPI');
      assert.ok(openapi.paths['/api/virtual-wards/admissions/{id}/plan']?.post, 'plan change documented');
      clock.set(AT);
    });

    test('the background sweep escalates a missed observation without anyone opening the worklist', async () => {
      clock.set(AT);
      const admit = await t.app.inject({
        method: 'POST',
        url: '/api/virtual-wards/islington-ari/admissions',
        headers: api('clinician'),
        payload: {
          nhsNumber: '9434765927',
          givenName: 'Sweep',
          familyName: 'Patient',
          birthDate: '1948-03-02',
          postcodeDistrict: 'N7',
          route: 'step-up',
          source: 'ucr',
          obsEveryHours: 4,
        },
      });
      assert.equal(admit.statusCode, 201, admit.body);
      const { admissionId } = admit.json();
      const missed = () =>
        t.database.db
          .selectFrom('vw_escalations')
          .select(['kind', 'expected_at'])
          .where('admission_id', '=', admissionId)
          .execute();
      // Four hours and the 30 minutes' grace have not passed: the sweep raises nothing.
      assert.equal(await sweepMissedObservations(t.database.db, new Date(Date.parse(AT) + 4 * 3_600_000)), 0);
      assert.deepEqual(await missed(), []);
      // Five hours on, the running sweep raises it once, however often it runs.
      const sweep = startMissedObservationSweep(
        t.database.db,
        fixedClock(new Date(Date.parse(AT) + 5 * 3_600_000)),
        {
          warn: (entry) => assert.fail(`the sweep failed: ${JSON.stringify(entry)}`),
        },
        { intervalMs: 20 },
      );
      try {
        for (let i = 0; i < 100 && (await missed()).length === 0; i++) await new Promise((r) => setTimeout(r, 30));
        await new Promise((r) => setTimeout(r, 100));
      } finally {
        await sweep.stop();
      }
      const raised = await missed();
      assert.deepEqual(
        raised.map((e) => e.kind),
        ['overdue-observation'],
      );
      assert.equal(
        new Date(raised[0]!.expected_at).toISOString(),
        new Date(Date.parse(AT) + 4 * 3_600_000).toISOString(),
      );
      clock.set(new Date(Date.parse(AT) + 5 * 3_600_000));
      const out = await t.app.inject({
        method: 'POST',
        url: `/api/virtual-wards/admissions/${admissionId}/discharge`,
        headers: api('clinician'),
        payload: { outcome: 'home' },
      });
      assert.equal(out.statusCode, 200, out.body);
    });

    test('a full ward refuses an admission unless a clinician gives a reason', async () => {
      clock.set(AT);
      const payload = (n: string) => ({
        nhsNumber: n,
        givenName: 'Child',
        familyName: 'Test',
        birthDate: '2020-01-01',
        postcodeDistrict: 'N1',
        route: 'step-down',
        source: 'acute',
      });
      const wards = await t.app.inject({ url: '/api/virtual-wards', headers: api('commissioner') });
      const ward = wards.json().find((w: { id: string }) => w.id === 'islington-children');
      // Fill it: valid test NHS numbers 999000000x with a correct check digit.
      const numbers = [
        '9990000018',
        '9990000026',
        '9990000034',
        '9990000042',
        '9990000050',
        '9990000069',
        '9990000077',
        '9990000085',
        '9990000093',
        '9990000107',
      ];
      let admitted = ward.occupied;
      let i = 0;
      while (admitted < ward.capacity) {
        const r = await t.app.inject({
          method: 'POST',
          url: '/api/virtual-wards/islington-children/admissions',
          headers: api('clinician'),
          payload: payload(numbers[i++] as string),
        });
        assert.equal(r.statusCode, 201, r.body);
        admitted++;
      }
      const full = await t.app.inject({
        method: 'POST',
        url: '/api/virtual-wards/islington-children/admissions',
        headers: api('clinician'),
        payload: payload(numbers[i] as string),
      });
      assert.equal(full.statusCode, 400);
      assert.equal(full.json().error.fields[0].field, 'overCapacityReason');
      const override = await t.app.inject({
        method: 'POST',
        url: '/api/virtual-wards/islington-children/admissions',
        headers: api('clinician'),
        payload: { ...payload(numbers[i] as string), overCapacityReason: 'Sibling already on ward; team agreed' },
      });
      assert.equal(override.statusCode, 201, override.body);
      assert.equal(override.json().overCapacity, true);
    });

    test('who sees what: another organisation gets 404, the commissioner sees capacity only', async () => {
      const board = await t.app.inject({ url: '/api/virtual-wards/escalations', headers: api('coordinator') });
      assert.equal(board.statusCode, 200);
      assert.ok(
        board.json().every((e: { wardId: string }) => !e.wardId.startsWith('islington')),
        'a coordinator at another trust sees none of Whittington Health patients',
      );
      const anyAdmission = (
        await t.app.inject({ url: '/api/virtual-wards/escalations', headers: api('clinician') })
      ).json()[0];
      if (anyAdmission) {
        const other = await t.app.inject({
          url: `/api/virtual-wards/admissions/${anyAdmission.admissionId}`,
          headers: api('coordinator'),
        });
        assert.equal(other.statusCode, 404);
      }
      const capacity = await t.app.inject({ url: '/api/virtual-wards/capacity', headers: api('commissioner') });
      assert.equal(capacity.statusCode, 200);
      assert.equal(capacity.json().boroughs.length, 5);
      assert.ok(!capacity.body.includes('nhsNumber'));
      const refused = await t.app.inject({ url: '/api/virtual-wards/escalations', headers: api('commissioner') });
      assert.equal(refused.statusCode, 403);
    });

    test('pages: board, patient chart, escalations, capacity and the admit form with an error summary', async () => {
      clock.set(AT);
      const b = new Browser(t.app);
      await b.signIn('clinician');
      for (const url of ['/virtual-wards', '/virtual-wards/wards/haringey-frailty', '/virtual-wards/escalations']) {
        const page = await b.get(url);
        assert.equal(page.statusCode, 200, `${url}: ${page.body.slice(0, 300)}`);
      }
      const boardPage = await b.get('/virtual-wards/wards/haringey-frailty');
      assert.match(boardPage.body, /Doris Amankwah/);
      const bad = await b.post('/virtual-wards/wards/haringey-frailty/admit', { nhsNumber: '123', route: 'step-up' });
      assert.equal(bad.statusCode, 400);
      assert.match(bad.body, /There is a problem/);
      assert.match(bad.body, /href="#nhsNumber"/);
      // The monitoring plan form: a blank field is named in the error summary (not read as 0), then it changes.
      const admissionHref = /href="(\/virtual-wards\/admissions\/[0-9a-f-]+)"[^>]*>[^<]*Doris Amankwah/.exec(
        boardPage.body,
      )?.[1];
      assert.ok(admissionHref, 'the board links to the patient page');
      const patient = await b.get(admissionHref);
      assert.match(patient.body, /Change the monitoring plan/);
      const blank = await b.post(`${admissionHref}/plan`, { obsEveryHours: '4', visitsPerDay: '' });
      assert.equal(blank.statusCode, 400);
      assert.match(blank.body, /There is a problem/);
      assert.match(blank.body, /href="#visitsPerDay"/);
      assert.match(blank.body, /Enter the number of home visits a day/);
      assert.doesNotMatch(blank.body, /href="#obsEveryHours"/);
      const planned = await b.post(`${admissionHref}/plan`, { obsEveryHours: '2', visitsPerDay: '3' });
      assert.equal(planned.statusCode, 303, planned.body.slice(0, 300));
      const after = await b.get(String(planned.headers.location));
      assert.match(after.body, /Monitoring plan changed/);
      assert.match(after.body, /Observations every 2 hours; 3 home visits a day/);
      const c = new Browser(t.app);
      await c.signIn('commissioner');
      const cap = await c.get('/virtual-wards/capacity');
      assert.equal(cap.statusCode, 200);
      assert.match(cap.body, /National ambition 40 to 50/);
    });

    test('the plan says which observations are expected: chosen at admission, changed, shown, and only those reported missing', async () => {
      clock.set(AT);
      const ALL = ['respirationRate', 'spo2', 'airOrOxygen', 'systolicBP', 'pulse', 'consciousness', 'temperature'];
      const person = (n: number) => ({
        nhsNumber: testNhs(n),
        givenName: 'Plan',
        familyName: `Chosen${n}`,
        birthDate: '1948-02-11',
        postcodeDistrict: 'N7',
        route: 'step-up',
        source: 'ucr',
      });
      const admit = (payload: Record<string, unknown>) =>
        t.app.inject({
          method: 'POST',
          url: '/api/virtual-wards/islington-ari/admissions',
          headers: api('clinician'),
          payload,
        });
      const fieldsOf = (r: { json: () => { error: { fields: { field: string; message: string }[] } } }) =>
        r.json().error.fields.map((f) => f.field);
      for (const observations of [[], ['pulse', 'bloodSugar'], 'nonsense']) {
        const bad = await admit({ ...person(515151), observations });
        assert.equal(bad.statusCode, 400, `${JSON.stringify(observations)}: ${bad.body}`);
        assert.deepEqual(fieldsOf(bad), ['observations']);
      }
      const unknown = await admit({ ...person(515151), observations: ['pulse', 'bloodSugar'] });
      assert.match(unknown.json().error.fields[0].message, /bloodSugar/);

      // Default: all seven, in chart order.
      const all = await admit(person(515152));
      assert.equal(all.statusCode, 201, all.body);
      const allDetail = await t.app.inject({
        url: `/api/virtual-wards/admissions/${all.json().admissionId}`,
        headers: api('clinician'),
      });
      assert.deepEqual(allDetail.json().admission.planObservations, ALL);

      // Three chosen (given out of order, with a repeat): stored in chart order.
      const some = await admit({ ...person(515153), observations: ['pulse', 'respirationRate', 'spo2', 'pulse'] });
      assert.equal(some.statusCode, 201, some.body);
      const id = some.json().admissionId;
      const detail = await t.app.inject({ url: `/api/virtual-wards/admissions/${id}`, headers: api('clinician') });
      assert.deepEqual(detail.json().admission.planObservations, ['respirationRate', 'spo2', 'pulse']);

      const record = (payload: Record<string, unknown>) =>
        t.app.inject({
          method: 'POST',
          url: `/api/virtual-wards/admissions/${id}/observations`,
          headers: api('clinician'),
          payload,
        });
      // Everything the plan expects: nothing missing, but NEWS2 still not scored without all seven (RCP).
      clock.advance(60 * 60_000);
      const planned = await record({ respirationRate: 16, spo2: 97, pulse: 72 });
      assert.equal(planned.statusCode, 201, planned.body);
      assert.deepEqual(planned.json().result.missing, []);
      assert.equal(planned.json().result.score, null);
      assert.equal(planned.json().result.complete, false);
      // Leaving out an expected one names only that one.
      clock.advance(60 * 60_000);
      const short = await record({ respirationRate: 16, pulse: 72 });
      assert.deepEqual(short.json().result.missing, ['spo2']);
      const stored = await t.database.db
        .selectFrom('vw_observations')
        .select(['missing'])
        .where('admission_id', '=', id)
        .orderBy('observed_at')
        .execute();
      assert.deepEqual(
        stored.map((r) => (typeof r.missing === 'string' ? JSON.parse(r.missing) : r.missing)),
        [[], ['spo2']],
      );
      // On the all-seven plan the same readings name every parameter left out.
      const allShort = await t.app.inject({
        method: 'POST',
        url: `/api/virtual-wards/admissions/${all.json().admissionId}/observations`,
        headers: api('clinician'),
        payload: { respirationRate: 16, pulse: 72 },
      });
      assert.deepEqual(allShort.json().result.missing, [
        'spo2',
        'airOrOxygen',
        'systolicBP',
        'consciousness',
        'temperature',
      ]);

      // Changing the plan: refused naming the field, then changed and audited.
      const plan = (payload: Record<string, unknown>) =>
        t.app.inject({
          method: 'POST',
          url: `/api/virtual-wards/admissions/${id}/plan`,
          headers: api('clinician'),
          payload,
        });
      for (const observations of [[], ['heartRate']]) {
        const bad = await plan({ observations });
        assert.equal(bad.statusCode, 400, bad.body);
        assert.deepEqual(fieldsOf(bad), ['observations']);
      }
      const changed = await plan({ observations: ['temperature', 'pulse'] });
      assert.equal(changed.statusCode, 200, changed.body);
      assert.deepEqual(changed.json().observations, ['pulse', 'temperature']);
      const kept = await plan({ obsEveryHours: 6 });
      assert.deepEqual(kept.json().observations, ['pulse', 'temperature'], 'left out, the observations stay');
      const audited = await t.database.db
        .selectFrom('audit_log')
        .select(['detail'])
        .where('action', '=', 'virtual-ward.plan-changed')
        .where('record_id', '=', id)
        .orderBy('id')
        .execute();
      const first = typeof audited[0]?.detail === 'string' ? JSON.parse(audited[0].detail) : audited[0]?.detail;
      assert.deepEqual(first.from.observations, ['respirationRate', 'spo2', 'pulse']);
      assert.deepEqual(first.to.observations, ['pulse', 'temperature']);

      // The patient page shows the plan's observations, says why it is not scored, and marks the rest.
      const b = new Browser(t.app);
      await b.signIn('clinician');
      const href = `/virtual-wards/admissions/${id}`;
      const page = await b.get(href);
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /Observations expected/);
      assert.match(page.body, /Pulse, Temperature\. NEWS2 is only scored when all seven are recorded/);
      assert.match(page.body, /Not scored because these were not recorded: spo2/, 'spo2 was expected then');
      assert.match(page.body, /\(not in the plan\)/);
      assert.match(page.body, /name="observations" type="checkbox" value="pulse" checked/);
      // The form: no box ticked is an error in the summary; one box ticked changes the plan.
      const none = await b.post(`${href}/plan`, { obsEveryHours: '6', visitsPerDay: '1', observationsShown: '1' });
      assert.equal(none.statusCode, 400);
      assert.match(none.body, /href="#observations"/);
      assert.match(none.body, /Choose at least one observation for the plan/);
      const one = await b.post(`${href}/plan`, {
        obsEveryHours: '6',
        visitsPerDay: '1',
        observationsShown: '1',
        observations: 'spo2',
      });
      assert.equal(one.statusCode, 303, one.body.slice(0, 300));
      const after = await b.get(String(one.headers.location));
      assert.match(after.body, /expected: Oxygen saturation \(SpO2\)/);
      // The admit form offers all seven, ticked.
      const admitPage = await b.get('/virtual-wards/wards/islington-ari/admit');
      assert.equal((admitPage.body.match(/name="observations" type="checkbox"[^>]*checked/g) ?? []).length, 7);
    });
  });
}
