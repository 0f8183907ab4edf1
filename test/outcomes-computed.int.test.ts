// Indicators the system computes from its own data, on every engine: LW3.3 and SW2.3 from the stored baseline
// and populations, AW1.1 from the central point of access's referrals; a refresh replaces the earlier counts
// (kept as history) instead of adding to them; only analysts and commissioners may ask for one.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { nhsNumberCheckDigit } from '../src/modules/access/index.ts';
import { analysisData } from '../src/modules/baseline/index.ts';
import { financialQuarterOf, refreshComputedIndicators } from '../src/modules/outcomes/index.ts';
import { populationOf } from '../src/modules/places/index.ts';
import { issueToken } from '../src/platform/auth/identity.ts';
import { type Role, systemActor } from '../src/platform/auth/roles.ts';
import { DEMO_SYSTEM } from '../src/seed.ts';
import { startTestApp, type TestApp } from './support/app.ts';
import { steppingClock } from '../src/platform/clock.ts';
import { testEngines } from './support/db.ts';

const HARINGEY = 'E09000014';
const ISLINGTON = 'E09000019';

function nhs(n: number): string {
  for (let b = n; ; b++) {
    const nine = `95${String(b).padStart(7, '0')}`;
    const check = nhsNumberCheckDigit(nine);
    if (check !== null) return `${nine}${check}`;
  }
}

function referral(n: number) {
  return {
    person: {
      nhsNumber: nhs(n),
      givenName: 'Computed',
      familyName: `Person${n}`,
      birthDate: '1950-04-02', // 65+: AW1.1's age range
      postcode: 'N19 5HX', // Islington
      gpPractice: 'F83004',
    },
    component: 'podiatry',
    urgency: 'routine',
    reason: 'Painful corns, hard to walk',
    source: 'professional',
    communication: { preferredContact: 'email', interpreter: false, bsl: false },
  };
}

type CountRow = { period: string; borough: string; numerator: number; denominator: number };

test('quarters are London financial quarters: 00:30 BST on 1 July is Q2, 23:30 UTC on 31 March is Q1', () => {
  assert.equal(financialQuarterOf('2024-06-30T23:30:00Z'), '2024/25 Q2');
  assert.equal(financialQuarterOf('2025-03-31T23:30:00Z'), '2025/26 Q1');
  assert.equal(financialQuarterOf('2025-01-15T12:00:00Z'), '2024/25 Q4');
  assert.equal(financialQuarterOf('2024-12-31T23:59:00Z'), '2024/25 Q3');
});

for (const engine of testEngines()) {
  describe(`computed outcome indicators on ${engine}`, () => {
    let t: TestApp;
    // Thursday 2 April 2026, 18:00 in London (BST), just before the Easter bank holidays: the app and its demo
    // data run on this clock, moved forward by the tests, so each assertion has one outcome.
    const clock = steppingClock('2026-04-02T17:00:00Z');
    const bearer = (role: string) => ({ authorization: `Bearer test-computed-${role}` });
    before(async () => {
      t = await startTestApp(engine, { clock });
      for (const role of ['analyst', 'commissioner', 'provider', 'spa'] as Role[]) {
        await issueToken(t.database.db, systemActor(DEMO_SYSTEM.id), {
          label: `Test ${role}`,
          role,
          value: `test-computed-${role}`,
          organisationCode: role === 'provider' ? 'RKE' : null,
        });
      }
    });
    after(async () => t?.close());

    const post = (url: string, role: string, payload: unknown = {}) =>
      t.app.inject({ method: 'POST', url, headers: bearer(role), payload: payload as object });
    const current = async (indicator: string): Promise<CountRow[]> => {
      const r = await sql<CountRow>`
        select period, borough, numerator, denominator from outcomes_counts
        where indicator = ${indicator} and return_id is null and replaced_at is null and breakdown = 'total'
        order by period, borough`.execute(t.database.db);
      return r.rows.map((c) => ({ ...c, numerator: Number(c.numerator), denominator: Number(c.denominator) }));
    };
    const one = async (indicator: string, period: string, borough: string) => {
      const rows = (await current(indicator)).filter((c) => c.period === period && c.borough === borough);
      assert.equal(rows.length, 1, `one current ${indicator} count for ${borough} ${period}`);
      return rows[0]!;
    };

    test('after seeding, LW3.3 for Haringey 2021/22 is the baseline mental health spend per resident', async () => {
      const data = await analysisData(t.database.db, DEMO_SYSTEM.id, '2021-22');
      const mh = new Set(data.components.filter((c) => c.category === 'mental-health-support').map((c) => c.code));
      const pence = data.rows
        .filter((r) => r.borough === HARINGEY && mh.has(r.component))
        .reduce((s, r) => s + (r.spendPence ?? 0), 0);
      const population = populationOf(data.places.find((p) => p.code === HARINGEY)!, 'total');
      assert.ok(pence > 0 && population > 0);
      const c = await one('LW3.3', '2021/22', HARINGEY);
      assert.equal(c.numerator, pence / 100);
      assert.equal(c.denominator, population);

      const res = await t.app.inject({
        url: '/api/outcomes/indicators/LW3.3/values?period=2021/22&breakdown=total',
        headers: bearer('analyst'),
      });
      assert.equal(res.statusCode, 200, res.body);
      const haringey = res.json().values.find((v: { area: string }) => v.area === HARINGEY);
      assert.ok(Math.abs(haringey.value - pence / 100 / population) < 1e-9);
    });

    test('SW2.3 for Islington 2021/22 is 25 WTE per 100,000 children aged 0–17', async () => {
      const data = await analysisData(t.database.db, DEMO_SYSTEM.id, '2021-22');
      const children = populationOf(data.places.find((p) => p.code === ISLINGTON)!, 'children-young-people');
      const c = await one('SW2.3', '2021/22', ISLINGTON);
      assert.ok(Math.abs(c.numerator - 25) < 1e-9, `25 WTE, got ${c.numerator}`);
      assert.equal(c.denominator, children);
      const res = await t.app.inject({
        url: '/api/outcomes/indicators/SW2.3/values?period=2021/22&breakdown=total',
        headers: bearer('commissioner'),
      });
      const islington = res.json().values.find((v: { area: string }) => v.area === ISLINGTON);
      assert.ok(Math.abs(islington.value - (25 * 100_000) / children) < 1e-6);
    });

    test('AW1.1 counts the referrals that met and breached the standard; a refresh replaces, not adds', async () => {
      const spa = 'spa';
      const urgent = (n: number) => ({ ...referral(n), urgency: 'urgent' }); // 1 working day
      const met = (await post('/api/referrals', spa, urgent(1))).json();
      const waiting = (await post('/api/referrals', spa, urgent(2))).json();
      let waitingDue = '';
      for (const r of [met, waiting]) {
        assert.equal((await post(`/api/referrals/${r.id}/triage`, spa)).statusCode, 200);
        const accepted = await post(`/api/referrals/${r.id}/accept`, spa);
        assert.equal(accepted.statusCode, 200, accepted.body);
        waitingDue = accepted.json().firstContactDue;
      }
      // Received after 17:00 on Thursday; Good Friday and Easter Monday are not working days: day 0 is
      // Tuesday 7 April, due at 17:00 BST on Wednesday 8 April.
      assert.equal(waitingDue, '2026-04-08T16:00:00.000Z');
      // First contact on Tuesday morning, in the first quarter of 2026/27.
      clock.set('2026-04-07T09:00:00Z');
      assert.equal((await post(`/api/referrals/${met.id}/first-contact`, spa)).statusCode, 200);

      // The rule, worked out here from the stored referrals: met = first contact by the due time; breached =
      // after it, or none and past due at `asOf`; the quarter is the contact's, or the due time's.
      const expected = async (asOf: Date) => {
        const r = await sql<{
          age: number;
          borough: string;
          first_contact_at: Date | string | null;
          first_contact_due: Date | string | null;
          closed_at: Date | string | null;
        }>`select age, borough, first_contact_at, first_contact_due, closed_at from access_referrals`.execute(
          t.database.db,
        );
        let numerator = 0;
        let denominator = 0;
        const quarter = financialQuarterOf(asOf);
        for (const f of r.rows) {
          if (Number(f.age) < 65 || f.borough !== ISLINGTON || !f.first_contact_due) continue;
          const due = new Date(f.first_contact_due).getTime();
          const contact = f.first_contact_at ? new Date(f.first_contact_at).getTime() : null;
          const closed = f.closed_at ? new Date(f.closed_at).getTime() : null;
          let outcome: 'met' | 'breached' | null;
          if (contact !== null) outcome = contact <= due ? 'met' : 'breached';
          else if (closed !== null) outcome = closed <= due ? null : 'breached';
          else outcome = asOf.getTime() > due ? 'breached' : null;
          if (!outcome || financialQuarterOf(new Date(contact ?? due)) !== quarter) continue;
          denominator++;
          if (outcome === 'met') numerator++;
        }
        return { numerator, denominator };
      };

      const refreshAudits = async () =>
        (
          await sql<{ actor_role: string | null }>`
            select actor_role from audit_log where action = 'outcomes.computed.refresh' order by id`.execute(
            t.database.db,
          )
        ).rows.map((r) => r.actor_role);
      const auditedBefore = await refreshAudits();
      const res = await post('/api/outcomes/computed/refresh', 'analyst');
      assert.equal(res.statusCode, 200, res.body);
      const body = res.json();
      assert.ok(body.written['AW1.1'] >= 2, 'Islington and NCL at least');
      assert.ok(body.written['LW3.3'] > 0 && body.written['SW2.3'] > 0);
      const now = clock.now();
      const quarter = financialQuarterOf(now);
      assert.equal(quarter, '2026/27 Q1');
      const first = await one('AW1.1', quarter, ISLINGTON);
      const want = await expected(now);
      assert.deepEqual({ numerator: first.numerator, denominator: first.denominator }, want);
      assert.ok(want.numerator >= 1, 'the referral contacted in time is counted as met');

      // A second refresh replaces: the same current counts, once each; the earlier ones stay as history.
      const before = await current('AW1.1');
      const all = async () =>
        Number(
          (await sql<{ n: number }>`select count(*)::int as n from outcomes_counts`.execute(t.database.db)).rows[0]!.n,
        );
      const total = await all();
      const again = await post('/api/outcomes/computed/refresh', 'commissioner');
      assert.equal(again.statusCode, 200, again.body);
      assert.deepEqual(await current('AW1.1'), before);
      const written = Object.values(again.json().written as Record<string, number>).reduce((a, b) => a + b, 0);
      assert.equal(again.json().replaced, written, 'every count written before is replaced');
      assert.equal(await all(), total + written);

      // Once the waiting referral is past its due time without a contact, it counts as breached.
      const pastDue = new Date(Date.parse(waitingDue) + 60_000);
      await refreshComputedIndicators(t.database.db, systemActor(DEMO_SYSTEM.id), { now: pastDue });
      assert.equal(financialQuarterOf(pastDue), quarter);
      const breached = await one('AW1.1', quarter, ISLINGTON);
      const wantLater = await expected(pastDue);
      assert.deepEqual({ numerator: breached.numerator, denominator: breached.denominator }, wantLater);
      assert.equal(breached.numerator, first.numerator, 'no new contact');
      assert.equal(breached.denominator, first.denominator + 1, 'the waiting referral is now breached');
      const audited = await sql<{ n: number }>`
        select count(*)::int as n from audit_log where action = 'outcomes.computed.refresh'`.execute(t.database.db);
      assert.ok(Number(audited.rows[0]!.n) >= 4, 'the seed and three refreshes are audited');
      // Each of this test's three refreshes is audited once, in order, as who ran it (not just "at least 4",
      // which earlier tests' refreshes could satisfy on their own).
      const auditedAfter = await refreshAudits();
      assert.equal(auditedAfter.length, auditedBefore.length + 3, 'three refreshes, three audit rows');
      assert.deepEqual(auditedAfter.slice(-3), ['analyst', 'commissioner', 'system']);
    });

    test('SW2.2 is the median days to first contact of children, with how many were contacted', async () => {
      clock.set('2026-04-09T10:00:00Z');
      const child = {
        ...referral(3),
        person: { ...referral(3).person, birthDate: '2015-06-01' },
        component: 'camhs-community',
        reason: 'Low mood and not sleeping',
      };
      const r = await post('/api/referrals', 'spa', child);
      assert.equal(r.statusCode, 201, r.body);
      const id = r.json().id;
      assert.equal((await post(`/api/referrals/${id}/triage`, 'spa')).statusCode, 200);
      const accepted = await post(`/api/referrals/${id}/accept`, 'spa');
      assert.equal(accepted.statusCode, 200, accepted.body);
      assert.equal((await post(`/api/referrals/${id}/first-contact`, 'spa')).statusCode, 200);
      assert.equal((await post('/api/outcomes/computed/refresh', 'analyst')).statusCode, 200);
      const rows = await sql<{ received_at: Date | string; first_contact_at: Date | string }>`
        select received_at, first_contact_at from access_referrals
        where age <= 17 and borough = ${ISLINGTON} and first_contact_at is not null`.execute(t.database.db);
      const quarter = financialQuarterOf(clock.now());
      const days = rows.rows
        .filter((f) => financialQuarterOf(new Date(f.first_contact_at)) === quarter)
        .map((f) => (new Date(f.first_contact_at).getTime() - new Date(f.received_at).getTime()) / 86_400_000)
        .sort((a, b) => a - b);
      assert.ok(days.length >= 1);
      const mid = Math.floor(days.length / 2);
      const median = days.length % 2 ? days[mid]! : (days[mid - 1]! + days[mid]!) / 2;
      const c = await one('SW2.2', quarter, ISLINGTON);
      assert.equal(c.denominator, days.length);
      assert.ok(Math.abs(c.numerator - median) < 1e-9);
    });

    test('analysts and commissioners may refresh; providers and the central point of access may not', async () => {
      for (const role of ['provider', 'spa']) {
        const res = await post('/api/outcomes/computed/refresh', role);
        assert.equal(res.statusCode, 403, `${role}: ${res.body}`);
      }
      assert.equal((await post('/api/outcomes/computed/refresh', 'analyst')).statusCode, 200);
    });
  });
}
