// Delivery against the plan through HTTP on every engine (issue 16): the seeded 2023-24 plan (agreed in
// 2022-23, illustrative) with two quarters of returns; variance in words; returns all-or-nothing with the
// field named (quarter not open, another provider's return, unknown borough or component, negative spend);
// agreement and re-profiling versioned and audited; a borough with no agreed plan shows no zeros.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { issueToken } from '../src/platform/auth/identity.ts';
import { type Role, systemActor } from '../src/platform/auth/roles.ts';
import { fixedClock } from '../src/platform/clock.ts';
import { oapFigures } from '../src/modules/beds/index.ts';
import { getAllIndicatorValues } from '../src/modules/outcomes/index.ts';
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
      // Enfield's demo benefits are 45% of plan against 82% of spend: its components with planned bed days lag.
      // Which components those are depends on the seeded plan's phasing (a solver stopped at a time limit), so
      // the test asks only that some do.
      assert.ok(b.lagging.length > 0, 'some of Enfield’s components lag');
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

    test('actuals are read from the modules that record them, per borough and quarter, with their sources', async () => {
      const db = t.database.db;
      // The outcomes module's published values for Islington, 2023-24, by quarter.
      const api = (
        await t.app.inject({
          method: 'GET',
          url: '/api/monitoring/boroughs/E09000019?year=2023-24',
          headers: auth('analyst'),
        })
      ).json();
      assert.equal(api.actuals.quarters.length, 4);
      assert.match(api.actuals.sources.compliance, /Central point of access/);
      const { values } = await getAllIndicatorValues(db, systemActor(DEMO_SYSTEM.id));
      const published = (values.get('LW3.1') ?? []).find(
        (v) => v.area === 'E09000019' && v.period === '2023/24 Q2' && v.breakdown === 'total',
      );
      assert.ok(published?.value, 'the outcomes module publishes LW3.1 for Islington in Q2 2023-24');
      const lw = api.actuals.outcomes.find((i: { code: string }) => i.code === 'LW3.1');
      assert.equal(lw.values[1].value, published.value);
      assert.match(
        lw.movement,
        /^(up|down) from .+ in Q3 to .+ in Q4 \((improving|worsening|no judgement of better or worse)\)$|^no change/,
      );
      // This year (the clock is December 2026): the modules' own counts, summed over the boroughs and quarters.
      const year = '2026-27';
      const pack = (
        await t.app.inject({
          method: 'GET',
          url: `/api/monitoring/board-pack?year=${year}`,
          headers: auth('commissioner'),
        })
      ).json();
      type Q = {
        quarter: number;
        bedDaysAtHome: { bedDays: number; discharges: number };
        conveyance: { withOutcome: number; notConveyed: number };
        oap: { days: number };
        compliance: { met: number; breached: number };
      };
      const all: Q[] = pack.boroughs.flatMap((b: { actuals: { quarters: Q[] } }) => b.actuals.quarters);
      const sum = (f: (q: Q) => number) => all.reduce((s, q) => s + f(q), 0);
      const from = new Date('2026-03-31T23:00:00Z'); // 1 April 2026, London
      const to = new Date('2027-04-01T00:00:00Z');
      const discharged = await db
        .selectFrom('vw_admissions as a')
        .innerJoin('vw_wards as w', 'w.id', 'a.ward_id')
        .select((e) => [e.fn.countAll().as('n'), e.fn.sum('a.bed_days').as('days')])
        .where('a.status', '=', 'discharged')
        .where('a.discharged_at', '>=', from)
        .where('a.discharged_at', '<', to)
        .where('w.borough', 'in', ['E09000003', 'E09000007', 'E09000010', 'E09000014', 'E09000019'])
        .executeTakeFirstOrThrow();
      assert.equal(
        sum((q) => q.bedDaysAtHome.discharges),
        Number(discharged.n),
      );
      assert.equal(
        sum((q) => q.bedDaysAtHome.bedDays),
        Number(discharged.days ?? 0),
      );
      const calls = await db
        .selectFrom('st_calls')
        .select((e) => e.fn.countAll().as('n'))
        .where('called_at', '>=', from)
        .where('called_at', '<', to)
        .where('superseded_by', 'is', null)
        .where('answered_at', 'is not', null)
        .where('outcome', 'is not', null)
        .where('outcome', '!=', 'conveyed-ed')
        .executeTakeFirstOrThrow();
      assert.equal(
        sum((q) => q.conveyance.notConveyed),
        Number(calls.n),
      );
      assert.ok(Number(calls.n) > 0, 'silver triage recorded avoided conveyances this year');
      const oap = await oapFigures(
        db,
        systemActor(DEMO_SYSTEM.id),
        { fromMonth: '2026-04', toMonth: '2027-03' },
        { now: new Date(NOW) },
      );
      const ncl = ['Barnet', 'Camden', 'Enfield', 'Haringey', 'Islington'];
      const oapDays = oap.rows.filter((r) => ncl.includes(r.borough)).reduce((s, r) => s + r.days, 0);
      assert.equal(
        sum((q) => q.oap.days),
        oapDays,
      );
      assert.ok(oapDays > 0, 'bed management recorded out-of-area placement days this year');
      const figures = sum((q) => q.bedDaysAtHome.bedDays + q.conveyance.withOutcome + q.oap.days + q.compliance.met);
      assert.ok(figures > 0, 'the demo modules record something this year');
      // Nothing from Q4 yet (it is December): an empty quarter, not a made-up figure.
      assert.equal(
        all.filter((q) => q.quarter === 4).reduce((s, q) => s + q.conveyance.withOutcome + q.compliance.met, 0),
        0,
      );
      // The page names each source and no longer says "not yet reported" for them.
      const browser = new Browser(t.app);
      await browser.signIn('commissioner');
      const page = await browser.get(`/monitoring/boroughs/E09000019?year=${year}`);
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /What the services recorded, Islington, 2026-27/);
      assert.match(page.body, /Where these figures come from/);
      assert.match(page.body, /Virtual wards: bed days at home/);
      const html = await browser.get(`/monitoring/board-pack?year=2023-24`);
      assert.equal(html.statusCode, 200);
      assert.doesNotMatch(html.body, /Not yet reported in this pack/);
      assert.match(html.body, /Outcome indicators by quarter, Enfield/);
    });

    test('an issued pack is kept, and the next pack shows what moved and which statuses changed', async () => {
      const commissioner = new Browser(t.app);
      await commissioner.signIn('commissioner');
      const packJson = async () =>
        (
          await t.app.inject({
            method: 'GET',
            url: '/api/monitoring/board-pack?borough=E09000010&year=2023-24',
            headers: auth('analyst'),
          })
        ).json();
      const first = await packJson();
      const before = await commissioner.get('/monitoring/board-pack?borough=E09000010&year=2023-24');
      assert.match(before.body, /No pack has been issued for Enfield in 2023-24 yet/);
      const analyst = new Browser(t.app);
      await analyst.signIn('analyst');
      const refused = await analyst.post('/monitoring/board-pack/issue', { borough: 'E09000010', year: '2023-24' });
      assert.equal(refused.statusCode, 403);
      const issued = await commissioner.post('/monitoring/board-pack/issue', {
        borough: 'E09000010',
        year: '2023-24',
        tolerance: '5',
      });
      assert.equal(issued.statusCode, 303, issued.body);
      assert.match(String(issued.headers.location), /issued=1/);
      const same = await packJson();
      assert.equal(first.sinceLastPack, null);
      assert.equal(same.sinceLastPack.moved.length, 0);
      assert.equal(same.sinceLastPack.statusChanges.length, 0);
      assert.ok(same.sinceLastPack.unchanged > 10);
      // Re-profile one of Enfield's components: the plan version moves and the planned spend to date changes.
      const code = same.boroughs[0].components.find((c: { inPlan: boolean }) => c.inPlan).component;
      const rp = await commissioner.post('/monitoring/boroughs/E09000010/reprofile', {
        year: '2023-24',
        component: code,
        q1: '5',
        q2: '5',
        q3: '45',
        q4: '45',
        reason: 'Mobilisation slipped to the autumn',
      });
      assert.equal(rp.statusCode, 303, rp.body);
      const after = await packJson();
      const plan = after.sinceLastPack.moved.find((m: { key: string }) => m.key === 'E09000010.plan');
      assert.deepEqual([plan.from, plan.to], [same.boroughs[0].plan.version, same.boroughs[0].plan.version + 1]);
      assert.ok(
        after.sinceLastPack.statusChanges.some((c: { key: string }) => c.key === `E09000010.${code}.spend`),
        'the re-profiled component’s status against plan changed',
      );
      const page = await commissioner.get('/monitoring/board-pack?borough=E09000010&year=2023-24');
      assert.match(page.body, /Compared with the pack issued on/);
      assert.match(page.body, /Figures that moved since the last pack/);
      assert.match(page.body, /Enfield: plan version/);
      const audit = await t.database.db
        .selectFrom('audit_log')
        .select('action')
        .where('action', '=', 'monitoring.pack.issue')
        .execute();
      assert.equal(audit.length, 1);
      await assert.rejects(t.database.db.updateTable('mon_pack_snapshots').set({ scope: 'x' }).execute());
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
