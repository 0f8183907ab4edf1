// Virtual wards through HTTP on every engine: admitting, observations scored with NEWS2 and escalated in the
// same transaction, device retries, escalations claimed and answered, discharge, capacity, and who may see what.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { issueToken } from '../src/platform/auth/identity.ts';
import { type Role, systemActor } from '../src/platform/auth/roles.ts';
import { startMissedObservationSweep, sweepMissedObservations } from '../src/modules/virtualwards/index.ts';
import { fixedClock, steppingClock } from '../src/platform/clock.ts';
import { DEMO_SYSTEM } from '../src/seed.ts';
import { Browser, startTestApp, type TestApp } from './support/app.ts';
import { testEngines } from './support/db.ts';

const AT = '2026-12-02T09:00:00Z';

for (const engine of testEngines()) {
  describe(`virtual wards on ${engine}`, () => {
    let t: TestApp;
    const clock = steppingClock(AT);
    before(async () => {
      t = await startTestApp(engine, { clock });
      // The demo tokens exist only on PGlite; these exist on every engine, in the demo users' organisations.
      const orgs: Partial<Record<Role, string>> = { clinician: 'RKE', coordinator: 'RYX', commissioner: 'QMJ' };
      for (const [role, organisationCode] of Object.entries(orgs)) {
        await issueToken(t.database.db, systemActor(DEMO_SYSTEM.id), {
          label: `Test ${role}`,
          role: role as Role,
          value: `test-vw-${role}`,
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
      const c = new Browser(t.app);
      await c.signIn('commissioner');
      const cap = await c.get('/virtual-wards/capacity');
      assert.equal(cap.statusCode, 200);
      assert.match(cap.body, /National ambition 40 to 50/);
    });
  });
}
