// Inequality breakdowns of the indicators the system computes, on every engine: AW1.1 (share of referrals of
// people 65+ meeting the response standard) by deprivation quintile of the person's postcode district and by
// age band, stored beside the totals, published through the values API, and shown on the indicator page with
// the slope and relative index of inequality and a plain statement of the breakdowns it cannot have.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import districtsFile from '../data/ncl/deprivation/postcode-districts.json' with { type: 'json' };
import { nhsNumberCheckDigit, standardOutcome } from '../src/modules/access/index.ts';
import {
  ageBandOf,
  deprivationQuintileOf,
  financialQuarterOf,
  OLDER_AGE_BANDS,
  refreshComputedIndicators,
} from '../src/modules/outcomes/index.ts';
import { issueToken } from '../src/platform/auth/identity.ts';
import { systemActor } from '../src/platform/auth/roles.ts';
import { DEMO_SYSTEM } from '../src/seed.ts';
import { startTestApp, type TestApp } from './support/app.ts';
import { testEngines } from './support/db.ts';

const NCL = 'QMJ';

function nhs(n: number): string {
  for (let b = n; ; b++) {
    const nine = `94${String(b).padStart(7, '0')}`;
    const check = nhsNumberCheckDigit(nine);
    if (check !== null) return `${nine}${check}`;
  }
}

// One postcode district per quintile, and how many referrals in it meet and breach the standard:
// the share meeting it rises from the most deprived quintile (5 of 14) to the least (9 of 14).
const PLAN = [1, 2, 3, 4, 5].map((quintile, i) => ({
  quintile: String(quintile),
  district: districtsFile.districts.find((d) => deprivationQuintileOf(d.district) === String(quintile))!.district,
  met: 5 + i,
  breached: 9 - i,
}));
const AGES = [66, 71, 76, 81, 86, 91];

for (const engine of testEngines()) {
  describe(`breakdowns of computed indicators on ${engine}`, () => {
    let t: TestApp;
    const bearer = (role: string) => ({ authorization: `Bearer test-breakdowns-${role}` });
    const post = (url: string, role: string, payload: unknown = {}) =>
      t.app.inject({ method: 'POST', url, headers: bearer(role), payload: payload as object });
    let quarter = '';

    before(async () => {
      t = await startTestApp(engine);
      for (const role of ['analyst', 'spa'] as const) {
        await issueToken(t.database.db, systemActor(DEMO_SYSTEM.id), {
          label: `Test ${role}`,
          role,
          value: `test-breakdowns-${role}`,
        });
      }
      const year = new Date().getUTCFullYear();
      let n = 0;
      const breachedIds: string[] = [];
      for (const plan of PLAN) {
        for (let k = 0; k < plan.met + plan.breached; k++) {
          const age = AGES[n % AGES.length];
          n++;
          const created = await post('/api/referrals', 'spa', {
            person: {
              nhsNumber: nhs(n),
              givenName: 'Breakdown',
              familyName: `Person${n}`,
              birthDate: `${year - age}-01-01`,
              postcode: `${plan.district} 1AA`,
              gpPractice: 'F83004',
            },
            component: 'podiatry',
            urgency: 'urgent',
            reason: 'Diabetic foot check overdue',
            source: 'professional',
            communication: { preferredContact: 'email', interpreter: false, bsl: false },
          });
          assert.equal(created.statusCode, 201, created.body);
          const id = created.json().id;
          assert.equal((await post(`/api/referrals/${id}/triage`, 'spa')).statusCode, 200);
          const accepted = await post(`/api/referrals/${id}/accept`, 'spa');
          assert.equal(accepted.statusCode, 200, accepted.body);
          if (k < plan.met) assert.equal((await post(`/api/referrals/${id}/first-contact`, 'spa')).statusCode, 200);
          else breachedIds.push(id);
        }
      }
      // The breached ones: still waiting a minute after their due time (set here rather than waited for).
      const due = new Date(Date.now() - 60_000);
      for (const id of breachedIds) {
        await sql`update access_referrals set first_contact_due = ${due} where id = ${id}`.execute(t.database.db);
      }
      const now = new Date();
      quarter = financialQuarterOf(now);
      await refreshComputedIndicators(t.database.db, systemActor(DEMO_SYSTEM.id), { now });
    });
    after(async () => t?.close());

    // The rule, worked out here from the stored referrals and people (every referral in the database, the
    // seed's included): met or breached by access's standardOutcome, in the contact's or due time's quarter.
    const expected = async (now: Date) => {
      const rows = await sql<{
        age: number;
        borough: string;
        postcode: string;
        first_contact_at: Date | string | null;
        first_contact_due: Date | string | null;
        closed_at: Date | string | null;
      }>`select r.age, r.borough, p.postcode, r.first_contact_at, r.first_contact_due, r.closed_at
         from access_referrals r join access_people p on p.id = r.person_id`.execute(t.database.db);
      const cells = new Map<string, { met: number; judged: number }>();
      const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());
      for (const r of rows.rows) {
        if (Number(r.age) < 65) continue;
        const fact = {
          firstContactAt: iso(r.first_contact_at),
          firstContactDue: iso(r.first_contact_due),
          closedAt: iso(r.closed_at),
        };
        const outcome = standardOutcome(fact as Parameters<typeof standardOutcome>[0], now);
        if (outcome !== 'met' && outcome !== 'breached') continue;
        if (financialQuarterOf((fact.firstContactAt ?? fact.firstContactDue)!) !== quarter) continue;
        const district = r.postcode.split(' ')[0];
        for (const key of [
          `deprivation-quintile:${deprivationQuintileOf(district)}`,
          `age-band:${ageBandOf(Number(r.age), OLDER_AGE_BANDS)}`,
        ]) {
          const cell = cells.get(key) ?? { met: 0, judged: 0 };
          cell.judged++;
          if (outcome === 'met') cell.met++;
          cells.set(key, cell);
        }
      }
      return cells;
    };

    const stored = async (breakdown: string) =>
      (
        await sql<{ breakdown_value: string; numerator: number; denominator: number }>`
          select breakdown_value, numerator, denominator from outcomes_counts
          where indicator = 'AW1.1' and period = ${quarter} and borough = ${NCL} and breakdown = ${breakdown}
            and return_id is null and replaced_at is null
          order by breakdown_value`.execute(t.database.db)
      ).rows.map((r) => ({ group: r.breakdown_value, met: Number(r.numerator), judged: Number(r.denominator) }));

    test('AW1.1 is stored by deprivation quintile and age band for NCL, as worked out from the referrals', async () => {
      const want = await expected(new Date());
      const quintiles = await stored('deprivation-quintile');
      assert.deepEqual(
        quintiles.map((q) => q.group),
        ['1', '2', '3', '4', '5'],
      );
      for (const q of quintiles) {
        assert.deepEqual({ met: q.met, judged: q.judged }, want.get(`deprivation-quintile:${q.group}`), q.group);
      }
      // At least this test's referrals in each quintile.
      for (const [i, p] of PLAN.entries()) assert.ok(quintiles[i].judged >= p.met + p.breached);
      const ages = await stored('age-band');
      assert.ok(ages.length >= AGES.length);
      for (const a of ages) {
        assert.deepEqual({ met: a.met, judged: a.judged }, want.get(`age-band:${a.group}`), a.group);
      }
      // The groups of each breakdown add up to the NCL total.
      const total = (
        await sql<{ numerator: number; denominator: number }>`
          select numerator, denominator from outcomes_counts
          where indicator = 'AW1.1' and period = ${quarter} and borough = ${NCL} and breakdown = 'total'
            and return_id is null and replaced_at is null`.execute(t.database.db)
      ).rows[0]!;
      assert.equal(
        quintiles.reduce((s, q) => s + q.judged, 0) <= Number(total.denominator),
        true,
        'referrals outside the deprivation file count in the total only',
      );
      assert.equal(
        ages.reduce((s, a) => s + a.judged, 0),
        Number(total.denominator),
      );
    });

    test('the values API publishes the quintiles with intervals', async () => {
      const res = await t.app.inject({
        url: `/api/outcomes/indicators/AW1.1/values?period=${encodeURIComponent(quarter)}&borough=${NCL}&breakdown=deprivation-quintile`,
        headers: bearer('analyst'),
      });
      assert.equal(res.statusCode, 200, res.body);
      const values = res.json().values as { breakdownValue: string; value: number | null; lower95: number }[];
      const quintiles = await stored('deprivation-quintile');
      assert.equal(values.length, 5);
      for (const v of values) {
        const q = quintiles.find((s) => s.group === v.breakdownValue)!;
        assert.ok(v.value !== null, `quintile ${v.breakdownValue} published`);
        assert.ok(Math.abs(v.value - (100 * q.met) / q.judged) < 1e-9);
        assert.ok(v.lower95 < v.value);
      }
    });

    test('the indicator page shows both breakdowns, the SII and RII, and says which breakdowns it cannot have', async () => {
      const res = await t.app.inject({
        url: `/outcomes/indicators/AW1.1?period=${encodeURIComponent(quarter)}&area=${NCL}`,
        headers: bearer('analyst'),
      });
      assert.equal(res.statusCode, 200, res.body);
      const html = res.body;
      assert.match(html, /id="inequality-chart-title"/);
      assert.match(html, /id="age-chart-title"/);
      assert.match(html, /By age band, North Central London/);
      assert.match(html, /Slope index of inequality: <strong>[\d.]+ percentage points<\/strong>/);
      assert.match(html, /simulated 20,000 times on the logit scale/);
      assert.match(html, /higher in the least deprived areas/);
      assert.match(html, /Relative index of inequality: <strong>[\d.]+<\/strong>/);
      assert.match(html, /Which breakdowns this indicator has/);
      assert.match(html, /does not record ethnic group/);
      assert.match(html, /does not record sex/);
      assert.match(html, /illustrative/);

      // The age table as CSV, one row per band.
      const csv = await t.app.inject({
        url: `/outcomes/indicators/AW1.1?period=${encodeURIComponent(quarter)}&area=${NCL}&table=ages&format=csv`,
        headers: bearer('analyst'),
      });
      assert.equal(csv.statusCode, 200);
      const lines = csv.body.trim().split('\r\n');
      assert.ok(lines.length - 1 >= AGES.length);
      assert.ok(lines.slice(1).every((l) => l.includes('age-band')));
    });

    test('a baseline indicator says its breakdowns are not available and why', async () => {
      const res = await t.app.inject({ url: '/outcomes/indicators/LW3.3', headers: bearer('analyst') });
      assert.equal(res.statusCode, 200, res.body);
      assert.match(res.body, /records spend per borough, not per resident/);
      assert.doesNotMatch(res.body, /id="age-chart-title"/);
    });
  });
}
