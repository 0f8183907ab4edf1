// Silver triage through HTTP on every engine: a call referred to urgent community response creates the
// central point of access referral in the same transaction with its clock from the call; corrections keep
// both versions; the rota shows its gaps; figures carry no personal data.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { issueToken } from '../src/platform/auth/identity.ts';
import { type Role, systemActor } from '../src/platform/auth/roles.ts';
import { fixedClock } from '../src/platform/clock.ts';
import { DEMO_SYSTEM } from '../src/seed.ts';
import { Browser, startTestApp, type TestApp } from './support/app.ts';
import { testEngines } from './support/db.ts';

const NOW = '2026-12-02T11:00:00Z';

for (const engine of testEngines()) {
  describe(`silver triage on ${engine}`, () => {
    let t: TestApp;
    before(async () => {
      t = await startTestApp(engine, { clock: fixedClock(NOW) });
      const orgs: Partial<Record<Role, string>> = { clinician: 'RKE', spa: 'QMJ', commissioner: 'QMJ' };
      for (const [role, organisationCode] of Object.entries(orgs)) {
        await issueToken(t.database.db, systemActor(DEMO_SYSTEM.id), {
          label: `Test ${role}`,
          role: role as Role,
          value: `test-st-${role}`,
          organisationCode,
        });
      }
    });
    after(() => t.close());
    const api = (role: string) => ({ authorization: `Bearer test-st-${role}` });

    test('a referral outcome creates an urgent CPA referral in the same transaction, clock from the call', async () => {
      const call = {
        crew: 'LAS crew 12',
        callSign: 'K21',
        incidentNumber: 'LAS-778899',
        nhsNumber: '943 476 5919',
        givenName: 'Ivy',
        familyName: 'Silver',
        birthDate: '1938-02-02',
        age: 88,
        postcode: 'N19 5HX',
        calledAt: '2026-12-02T10:10:00Z',
        answeredAt: '2026-12-02T10:11:30Z',
        advice: 'Fall without injury; safe at home with urgent community response today',
        outcome: 'referred-ucr',
      };
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/silver-triage/calls',
        headers: api('clinician'),
        payload: call,
      });
      assert.equal(res.statusCode, 201, res.body);
      const { referral, callId } = res.json();
      assert.ok(referral.reference);
      const stored = await t.database.db
        .selectFrom('access_referrals')
        .selectAll()
        .where('id', '=', referral.id)
        .executeTakeFirstOrThrow();
      assert.equal(
        new Date(stored.received_at).toISOString(),
        '2026-12-02T10:10:00.000Z',
        'the clock runs from the call',
      );
      assert.equal(stored.urgency, 'urgent');
      // 2-hour standard: first contact due 2 hours after the call.
      assert.equal(referral.firstContactDue, '2026-12-02T12:10:00.000Z');

      // A bad referral writes nothing: no call, no referral.
      const before = await t.database.db
        .selectFrom('access_referrals')
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow();
      const bad = await t.app.inject({
        method: 'POST',
        url: '/api/silver-triage/calls',
        headers: api('clinician'),
        payload: { ...call, givenName: '', postcode: 'N19', age: 200 },
      });
      assert.equal(bad.statusCode, 400);
      assert.deepEqual(
        bad
          .json()
          .error.fields.map((f: { field: string }) => f.field)
          .sort(),
        ['age', 'givenName', 'postcode'],
      );
      const afterBad = await t.database.db
        .selectFrom('access_referrals')
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow();
      assert.equal(Number(afterBad.n), Number(before.n));

      // The outcome cannot be silently changed: a correction keeps both and the referral stays linked.
      const b = new Browser(t.app);
      await b.signIn('clinician');
      const page = await b.get(`/silver-triage/calls/${callId}`);
      assert.equal(page.statusCode, 200, page.body.slice(0, 200));
      const corrected = await b.post(`/silver-triage/calls/${callId}/correct`, {
        outcome: 'conveyed-ed',
        advice: 'Crew called back: conveyed after all',
        correctionReason: 'Patient deteriorated before UCR arrived',
      });
      assert.equal(corrected.statusCode, 303, corrected.body.slice(0, 300));
      const rows = await t.database.db
        .selectFrom('st_calls')
        .selectAll()
        .where('incident_number', '=', 'LAS-778899')
        .execute();
      assert.equal(rows.length, 2, 'both versions kept');
      const newest = rows.find((r) => r.corrects === callId);
      assert.equal(newest?.outcome, 'conveyed-ed');
      assert.equal(newest?.referral_id, referral.id);
      const again = await b.post(`/silver-triage/calls/${callId}/correct`, {
        outcome: 'other',
        advice: 'x',
        correctionReason: 'trying to change an old version',
      });
      assert.equal(again.statusCode, 409);
    });

    test('rota gaps, figures without personal data, and who may read calls', async () => {
      const rota = await t.app.inject({ url: '/api/silver-triage/rota', headers: api('commissioner') });
      assert.equal(rota.statusCode, 200);
      assert.ok(rota.json().gaps.length > 0, 'a 09:00 to 17:00 weekday rota leaves gaps');
      assert.ok(rota.json().coveredHours <= 40);
      const figures = await t.app.inject({ url: '/api/silver-triage/figures', headers: api('commissioner') });
      assert.equal(figures.statusCode, 200);
      const all = figures.json().filter((r: { borough: string }) => r.borough === 'All');
      assert.ok(all.length >= 1);
      assert.ok(!figures.body.includes('nhsNumber'));
      const refused = await t.app.inject({ url: '/api/silver-triage/calls', headers: api('commissioner') });
      assert.equal(refused.statusCode, 403);
      // The central point of access at the ICB is not related to calls logged by Whittington's consultant.
      const spa = await t.app.inject({ url: '/api/silver-triage/calls', headers: api('spa') });
      assert.equal(spa.statusCode, 200);
      assert.equal(spa.json().total, 0);
      const mine = await t.app.inject({ url: '/api/silver-triage/calls', headers: api('clinician') });
      assert.ok(mine.json().total > 0);
      const b = new Browser(t.app);
      await b.signIn('clinician');
      for (const url of ['/silver-triage', '/silver-triage/rota', '/silver-triage/figures']) {
        const r = await b.get(url);
        assert.equal(r.statusCode, 200, `${url} ${r.body.slice(0, 200)}`);
      }
    });
  });
}
