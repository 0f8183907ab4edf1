// The staff home says what is waiting for the person signed in, each linking to where the work is: for the
// central point of access, referrals to triage; a case manager, their caseload, reviews due and overdue
// actions; a clinician, today's visits; a provider, overdue outcome returns; a bed manager, open bed requests;
// an administrator, emergency accesses to review. Counts change as the work does. Only numbers are shown, so
// loading the page reads no one's record and audits nothing.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { breakGlass } from '../src/platform/auth/relationships.ts';
import { fixedClock } from '../src/platform/clock.ts';
import { dueDateFor, quartersOf } from '../src/modules/outcomes/index.ts';
import type { Actor } from '../src/platform/auth/roles.ts';
import { DEMO_SYSTEM } from '../src/seed.ts';
import { Browser, startTestApp, type TestApp } from './support/app.ts';
import { testEngines } from './support/db.ts';

const waiting = (body: string) => {
  const list = /<h2[^>]*>Waiting for you<\/h2>([\s\S]*?)<h2/.exec(body)?.[1] ?? null;
  return (
    list
      ?.replace(/<[^>]+>/g, ' ')
      .replace(/\s+/g, ' ')
      .trim() ?? null
  );
};

const clock = fixedClock('2026-03-10T10:00:00Z');

for (const engine of testEngines()) {
  describe(`the staff home on ${engine}`, () => {
    let t: TestApp;
    before(async () => {
      // A fixed clock: the demo's day of visits and the counts' "today" are the same day at any hour.
      t = await startTestApp(engine, { clock });
    });
    after(async () => t?.close());

    const home = async (role: string) => {
      const browser = new Browser(t.app);
      await browser.signIn(role);
      const page = await browser.get('/staff');
      assert.equal(page.statusCode, 200);
      return page.body;
    };
    const count = async (query: ReturnType<typeof sql<{ n: number }>>) =>
      (await query.execute(t.database.db)).rows[0]!.n;
    const audits = () => count(sql<{ n: number }>`select count(*)::int as n from audit_log`);

    test('the central point of access sees the referrals to triage, and one more when one more is', async () => {
      const toTriage = () =>
        count(sql<{ n: number }>`select count(*)::int as n from access_referrals
          where status in ('received', 'triaged', 'redirected')`);
      const before = await toTriage();
      assert.ok(before > 0, 'the demo has referrals to triage');
      assert.match(waiting(await home('spa'))!, new RegExp(`^${before} referrals? to triage$`));
      const browser = new Browser(t.app);
      await browser.signIn('spa');
      assert.match((await browser.get('/staff')).body, /href="\/access"/);

      // One more referral is to triage (one that had moved on is put back in the database).
      await sql`update access_referrals set status = 'received' where id = (
        select id from access_referrals where status not in ('received', 'triaged', 'redirected') limit 1)`.execute(
        t.database.db,
      );
      assert.equal(await toTriage(), before + 1);
      assert.match(waiting(await home('spa'))!, new RegExp(`^${before + 1} referrals to triage$`));
    });

    test('a case manager sees the caseload the care page lists, with reviews and actions due, each linked', async () => {
      const body = await home('case_manager');
      const browser = new Browser(t.app);
      await browser.signIn('case_manager');
      const care = (await browser.get('/care')).body;
      const people = Number(/Your caseload: (\d+) (?:person|people)/.exec(care)?.[1]);
      assert.ok(people > 0);
      assert.match(waiting(body)!, new RegExp(`^${people} (?:person|people) on your caseload`));
      // Reviews due and overdue actions: as many as the care page lists under the headings the links go to.
      const listed = (anchor: string) => {
        const section = new RegExp(`id="${anchor}"[^>]*>[^<]*</h2>([\\s\\S]*?)<h2`).exec(care)?.[1] ?? '';
        return (section.match(/<li>/g) ?? []).length;
      };
      const reviews = listed('reviews-due');
      const overdue = listed('overdue-actions');
      assert.ok(reviews > 0 && overdue > 0, 'the demo caseload has a review due and an overdue action');
      assert.match(waiting(body)!, new RegExp(`${reviews} care plan reviews? due`));
      assert.match(waiting(body)!, new RegExp(`${overdue} actions? overdue`));
      assert.match(body, /href="\/care#reviews-due"/);
      assert.match(body, /href="\/care#overdue-actions"/);
    });

    test('a bed manager sees the open bed requests', async () => {
      const open = await count(sql<{ n: number }>`select count(*)::int as n from beds_requests
        where status in ('waiting', 'allocated')`);
      assert.ok(open > 0);
      assert.match(waiting(await home('bed_manager'))!, new RegExp(`^${open} open bed requests?$`));
    });

    test('an administrator sees emergency accesses to review once a clinician has broken the glass', async () => {
      const unreviewed = await count(
        sql<{ n: number }>`select count(*)::int as n from break_glass where reviewed_at is null`,
      );
      if (unreviewed === 0) assert.equal(waiting(await home('admin')), 'Nothing is waiting for you.');
      const clinician: Actor = {
        kind: 'user',
        id: 'u-staff-home-clinician',
        name: 'Staff home clinician',
        role: 'clinician',
        systemId: DEMO_SYSTEM.id,
        organisationCode: 'RKE',
      } as Actor;
      const person = await sql<{ id: string }>`select id from access_people order by id limit 1`.execute(t.database.db);
      await breakGlass(t.database.db, clinician, person.rows[0]!.id, {
        reason: 'Urgent review in A&E tonight',
        now: new Date(),
      });
      const shown = waiting(await home('admin'))!;
      assert.match(shown, new RegExp(`^${unreviewed + 1} emergency access(?:es)? to review$`));
    });

    test("a clinician sees today's planned visits, as many as their day's page lists", async () => {
      const body = await home('clinician');
      const browser = new Browser(t.app);
      await browser.signIn('clinician');
      const mine = await browser.get('/scheduling/my-day');
      assert.equal(mine.statusCode, 303);
      const day = (await browser.get(mine.headers.location as string)).body;
      const listed = /(\d+) visits? and \d+ minutes of travel/.exec(day);
      assert.ok(listed, 'the demo plans a day for the clinician');
      // The day page shows today when today has a plan, as the seeded demo does.
      assert.match(waiting(body)!, new RegExp(`^${listed[1]} visits? planned for you today$`));
      assert.match(body, /href="\/scheduling\/my-day"/);
    });

    test("a provider sees this financial year's outcome returns that are overdue from their organisation", async () => {
      // 10 March 2026 is in 2025/26: the quarters due before it, less those RKE (the demo provider) sent.
      const due = quartersOf('2025/26').filter((q) => dueDateFor(q) < '2026-03-10');
      const sent = await count(sql<{ n: number }>`select count(distinct period)::int as n from outcomes_returns
        where provider_code = 'RKE' and period in (${sql.join(due)})`);
      const overdue = due.length - sent;
      assert.ok(overdue > 0, 'the demo provider has overdue returns');
      const body = await home('provider');
      assert.match(waiting(body)!, new RegExp(`^${overdue} outcome returns? overdue this financial year$`));
      assert.match(body, /href="\/outcomes\/returns"/);
    });

    test('roles with no counted work see no such section; loading the page audits nothing', async () => {
      assert.equal(waiting(await home('coordinator')), null);
      const browser = new Browser(t.app);
      await browser.signIn('spa');
      const n = await audits();
      await browser.get('/staff');
      assert.equal(await audits(), n);
    });
  });
}
