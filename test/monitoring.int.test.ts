// Delivery against the plan through HTTP on every engine (issue 16): the seeded 2023-24 plan (agreed in
// 2022-23, illustrative) with two quarters of returns; variance in words; returns all-or-nothing with the
// field named (quarter not open, another provider's return, unknown borough or component, negative spend);
// agreement and re-profiling versioned and audited; a borough with no agreed plan shows no zeros.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { issueToken } from '../src/platform/auth/identity.ts';
import { type Role, systemActor } from '../src/platform/auth/roles.ts';
import { fixedClock } from '../src/platform/clock.ts';
import { DEMO_SYSTEM } from '../src/seed.ts';
import { Browser, startTestApp, type TestApp } from './support/app.ts';
import { testEngines } from './support/db.ts';

const NOW = '2026-12-02T11:00:00Z';
const HEADER = 'provider,financial_year,quarter,borough,component,spend,staff_in_post,activity,bed_days_saved';

for (const engine of testEngines()) {
  describe(`monitoring on ${engine}`, () => {
    let t: TestApp;
    const orgs: Partial<Record<Role, string>> = { commissioner: 'QMJ', analyst: 'QMJ', provider: 'RKE', spa: 'RKE' };
    before(async () => {
      t = await startTestApp(engine, { clock: fixedClock(NOW) });
      for (const [role, organisationCode] of Object.entries(orgs)) {
        await issueToken(t.database.db, systemActor(DEMO_SYSTEM.id), {
          label: `Test ${role}`,
          role: role as Role,
          value: `test-mon-${role}`,
          organisationCode,
        });
      }
    });
    after(() => t.close());
    const auth = (role: string) => ({ authorization: `Bearer test-mon-${role}` });
    const csv = (role: string, text: string) =>
      t.app.inject({
        method: 'POST',
        url: '/api/monitoring/returns?fileName=q3.csv',
        headers: { ...auth(role), 'content-type': 'text/csv' },
        payload: text,
      });
    const count = async () =>
      Number(
        (
          await t.database.db
            .selectFrom('mon_returns')
            .select((e) => e.fn.countAll().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );

    test('the seeded borough: plan from the agreed finance scenario, two quarters, variance in words', async () => {
      const r = await t.app.inject({
        method: 'GET',
        url: '/api/monitoring/boroughs/E09000010',
        headers: auth('analyst'),
      });
      assert.equal(r.statusCode, 200, r.body);
      const b = r.json();
      assert.equal(b.year, '2023-24');
      assert.equal(b.plan.status, 'agreed');
      assert.equal(b.plan.agreedOn, '2023-03-15');
      assert.equal(b.quartersReported, 2);
      assert.equal(b.illustrative, true);
      // Enfield's demo spend is 82% of plan (±3% per component): behind, said in words with the colour.
      assert.match(b.envelope.toDate.words, /^underspent by 1[5-9]%$/);
      assert.equal(b.envelope.toDate.colour, 'blue');
      assert.ok(b.envelope.forecastYearEnd < b.envelope.envelope);
      assert.ok(b.lagging.some((l: { component: string }) => /Virtual wards/.test(l.component)));
      // A wider tolerance puts it on track.
      const wide = (
        await t.app.inject({
          method: 'GET',
          url: '/api/monitoring/boroughs/E09000010?tolerance=25',
          headers: auth('analyst'),
        })
      ).json();
      assert.equal(wide.envelope.toDate.words, 'on track');
      const bad = await t.app.inject({
        method: 'GET',
        url: '/api/monitoring/boroughs/E09000010?tolerance=80',
        headers: auth('analyst'),
      });
      assert.equal(bad.statusCode, 400);
      assert.equal(bad.json().error.fields[0].field, 'tolerance');
      assert.equal(
        (await t.app.inject({ method: 'GET', url: '/api/monitoring/boroughs/E09000010', headers: auth('provider') }))
          .statusCode,
        403,
      );
      assert.equal(
        (await t.app.inject({ method: 'GET', url: '/api/monitoring/boroughs/E09999999', headers: auth('analyst') }))
          .statusCode,
        404,
      );
    });

    test('returns: quarter not open, another provider, unknown borough/component, negative spend — named, nothing stored', async () => {
      const before = await count();
      const q4 = await csv('analyst', `${HEADER}\nRKE,2023-24,4,E09000019,urgent-community-response,100,,,\n`);
      assert.equal(q4.statusCode, 400, q4.body);
      assert.equal(q4.json().error.fields[0].field, 'quarter');
      const other = await csv('provider', `${HEADER}\nRYX,2023-24,3,E09000003,urgent-community-response,100,,,\n`);
      assert.equal(other.statusCode, 403, other.body);
      assert.equal(other.json().error.fields[0].field, 'provider');
      const bad = await csv(
        'provider',
        `${HEADER}\nRKE,2023-24,3,E09999999,urgent-community-response,100,,,\nRKE,2023-24,3,E09000019,no-such-thing,100,,,\nRKE,2023-24,3,E09000019,urgent-community-response,-5,,,\n`,
      );
      assert.equal(bad.statusCode, 400);
      assert.deepEqual(
        bad.json().error.fields.map((f: { field: string }) => f.field),
        ['row 2, borough', 'row 3, component', 'row 4, spend'],
      );
      assert.equal((await csv('spa', `${HEADER}\n`)).statusCode, 403);
      assert.equal(await count(), before);
      // A good return for the open quarter is stored, and the borough now has three quarters.
      const ok = await csv(
        'provider',
        `${HEADER}\nRKE,2023-24,3,E09000019,urgent-community-response,12000.50,1.2,80,15\n`,
      );
      assert.equal(ok.statusCode, 201, ok.body);
      assert.equal(ok.json().rowCount, 1);
      assert.equal(await count(), before + 1);
      const isl = (
        await t.app.inject({ method: 'GET', url: '/api/monitoring/boroughs/E09000019', headers: auth('commissioner') })
      ).json();
      assert.equal(isl.quartersReported, 3);
      const ucr = isl.components.find((c: { component: string }) => c.component === 'urgent-community-response');
      assert.equal(ucr.quarters[2].spend.actual, 12000.5);
      const refused = await t.database.db
        .selectFrom('audit_log')
        .select('detail')
        .where('action', '=', 'monitoring.return.submit')
        .where('outcome', '=', 'refused')
        .execute();
      assert.ok(refused.length >= 3);
    });

    test('agreement and re-profiling are versioned with a reason and audited; no plan shows how to agree, not zeros', async () => {
      await t.database.db.deleteFrom('mon_return_rows').where('borough', '=', 'E09000007').execute();
      const browser = new Browser(t.app);
      await browser.signIn('commissioner');
      // A borough with no agreed plan in another year of the plan.
      const page = await browser.get('/monitoring/boroughs/E09000007?year=2024-25');
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /No plan agreed yet/);
      assert.match(page.body, /To agree one/);
      assert.doesNotMatch(page.body, /£0\b/);
      const api = (
        await t.app.inject({
          method: 'GET',
          url: '/api/monitoring/boroughs/E09000007?year=2024-25',
          headers: auth('analyst'),
        })
      ).json();
      assert.equal(api.plan.status, 'not-agreed');
      assert.equal(api.envelope, null);
      assert.match(api.plan.howToAgree, /records the borough partnership/);

      const missing = await browser.post('/monitoring/boroughs/E09000007/agreement', {
        year: '2024-25',
        partnership: '',
        agreedOn: '2030-01-01',
      });
      assert.equal(missing.statusCode, 400);
      assert.match(missing.body, /Enter who agreed the plan/);
      assert.match(missing.body, /today or in the past/);
      const agreed = await browser.post('/monitoring/boroughs/E09000007/agreement', {
        year: '2024-25',
        partnership: 'Camden borough partnership board',
        agreedOn: '2024-03-20',
      });
      assert.equal(agreed.statusCode, 303, agreed.body);
      const rp = await browser.post('/monitoring/boroughs/E09000007/reprofile', {
        year: '2024-25',
        component: 'virtual-wards',
        q1: '10',
        q2: '20',
        q3: '30',
        q4: '30',
        reason: 'Recruitment later',
      });
      assert.equal(rp.statusCode, 400);
      assert.match(rp.body, /add up to 100%/);
      const code = (
        await t.app.inject({
          method: 'GET',
          url: '/api/monitoring/boroughs/E09000007?year=2024-25',
          headers: auth('analyst'),
        })
      ).json().components[0].component;
      const noReason = await browser.post('/monitoring/boroughs/E09000007/reprofile', {
        year: '2024-25',
        component: code,
        q1: '10',
        q2: '20',
        q3: '30',
        q4: '40',
        reason: '',
      });
      assert.equal(noReason.statusCode, 400);
      assert.match(noReason.body, /Enter the reason for re-profiling/);
      const ok = await browser.post('/monitoring/boroughs/E09000007/reprofile', {
        year: '2024-25',
        component: code,
        q1: '10',
        q2: '20',
        q3: '30',
        q4: '40',
        reason: 'Recruitment starts later',
      });
      assert.equal(ok.statusCode, 303, ok.body);
      const after = (
        await t.app.inject({
          method: 'GET',
          url: '/api/monitoring/boroughs/E09000007?year=2024-25',
          headers: auth('analyst'),
        })
      ).json();
      assert.equal(after.plan.version, 2);
      const c = after.components.find((x: { component: string }) => x.component === code);
      assert.deepEqual(c.profile, [10, 20, 30, 40]);
      assert.ok(Math.abs(c.quarters[0].spend.planned - c.annualInvestment * 0.1) < 0.01);
      const audits = await t.database.db
        .selectFrom('audit_log')
        .select(['action', 'reason'])
        .where('action', 'like', 'monitoring.plan.%')
        .where('record_type', '=', 'mon_plan')
        .orderBy('id', 'desc')
        .limit(2)
        .execute();
      assert.deepEqual(
        audits.map((a) => a.action),
        ['monitoring.plan.reprofile', 'monitoring.plan.agree'],
      );
      assert.equal(audits[0].reason, 'Recruitment starts later');
      // Versions are never edited.
      await assert.rejects(t.database.db.updateTable('mon_plans').set({ reason: 'x' }).execute());
      // An analyst cannot record an agreement.
      const analyst = new Browser(t.app);
      await analyst.signIn('analyst');
      const refused = await analyst.post('/monitoring/boroughs/E09000007/agreement', {
        year: '2024-25',
        partnership: 'x',
        agreedOn: '2024-03-20',
      });
      assert.equal(refused.statusCode, 403);
    });

    test('pages, the board pack (HTML, XLSX, JSON) and the template', async () => {
      const browser = new Browser(t.app);
      await browser.signIn('analyst');
      const home = await browser.get('/monitoring?year=2023-24');
      assert.equal(home.statusCode, 200);
      assert.match(home.body, /Illustrative figures/);
      assert.match(home.body, /Enfield/);
      assert.match(home.body, /underspent by \d+%/);
      const borough = await browser.get('/monitoring/boroughs/E09000010?quarter=2&year=2023-24');
      assert.equal(borough.statusCode, 200);
      assert.match(borough.body, /Variance by component: Q2 2023-24/);
      assert.match(borough.body, /<svg/);
      assert.match(borough.body, /Benefits lagging spend/);
      const pack = await browser.get('/monitoring/board-pack?borough=E09000010&year=2023-24');
      assert.equal(pack.statusCode, 200);
      assert.match(pack.body, /Risks/);
      assert.match(pack.body, /What changed since the last pack/);
      const xlsx = await browser.get('/monitoring/board-pack?format=xlsx');
      assert.equal(xlsx.statusCode, 200);
      assert.match(String(xlsx.headers['content-type']), /spreadsheetml/);
      const json = await t.app.inject({
        method: 'GET',
        url: '/api/monitoring/board-pack?year=2023-24',
        headers: auth('commissioner'),
      });
      assert.equal(json.statusCode, 200, json.body);
      assert.equal(json.json().scope, 'ICS');
      assert.equal(json.json().boroughs.length, 5);
      assert.ok(json.json().risks.some((r: string) => /Enfield/.test(r)));
      const template = await browser.get('/monitoring/returns/template?format=csv');
      assert.equal(template.statusCode, 200);
      assert.match(template.body, /^provider,financial_year,quarter,borough,component,spend/);
    });
  });
}
