// Keyset paging of the central point of access worklist (issue 18), on every engine: walking the pages forward
// by `next` and back by `previous` returns every matching referral exactly once and in due-time order, also
// when many rows share a due time (and a received time), with filters kept; the count is capped rather than
// counting the table; a cursor that was not given out is a 400 naming the field; and the page's "Next page"
// and "Previous page" links (no JavaScript) carry the cursor and reach every referral.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { nhsNumberCheckDigit } from '../src/modules/access/index.ts';
import { issueToken } from '../src/platform/auth/identity.ts';
import { systemActor } from '../src/platform/auth/roles.ts';
import { fixedClock } from '../src/platform/clock.ts';
import { Browser, startTestApp, type TestApp } from './support/app.ts';
import { testEngines } from './support/db.ts';

function nhs(n: number): string {
  for (let b = n; ; b++) {
    const nine = `95${String(b).padStart(7, '0')}`;
    const check = nhsNumberCheckDigit(nine);
    if (check !== null) return `${nine}${check}`;
  }
}

const NOW = '2026-03-02T10:00:00.000Z';

for (const engine of testEngines()) {
  describe(`worklist keyset paging on ${engine}`, () => {
    let t: TestApp;
    const headers = { authorization: 'Bearer paging-spa' };
    const OPEN = ['received', 'triaged', 'redirected'];
    before(async () => {
      t = await startTestApp(engine, { clock: fixedClock(NOW) });
      await issueToken(t.database.db, systemActor('QMJ'), { label: 'spa', role: 'spa', value: 'paging-spa' });
      for (let i = 0; i < 23; i++) {
        const res = await t.app.inject({
          method: 'POST',
          url: '/api/referrals',
          headers,
          payload: {
            person: {
              nhsNumber: nhs(i * 3),
              givenName: 'Paging',
              familyName: `Person${i}`,
              birthDate: '1950-04-02',
              postcode: 'N19 5HX',
              gpPractice: 'F83004',
            },
            component: i % 2 ? 'podiatry' : 'falls-prevention',
            urgency: 'routine',
            reason: 'Paging test',
            source: 'professional',
            communication: { preferredContact: 'email', interpreter: false, bsl: false },
          },
        });
        assert.equal(res.statusCode, 201, res.body);
      }
      // Ties: fifteen referrals share one due time, and ten of them one received time as well (microseconds
      // included), so only the id orders them; four have no due time at all (they sort last).
      const ours = await sql<{ id: string }>`select id from access_referrals where reason = 'Paging test'
        order by id`.execute(t.database.db);
      const ids = ours.rows.map((r) => r.id);
      await sql`update access_referrals set first_contact_due = '2026-03-05 09:00:00.123456+00', target_due_at = null
        where id = any(${ids.slice(0, 15)}::uuid[])`.execute(t.database.db);
      await sql`update access_referrals set received_at = '2026-03-02 09:59:59.999999+00'
        where id = any(${ids.slice(0, 10)}::uuid[])`.execute(t.database.db);
      await sql`update access_referrals set first_contact_due = null, target_due_at = null
        where id = any(${ids.slice(19)}::uuid[])`.execute(t.database.db);
    });
    after(async () => t?.close());

    /** What the worklist must hold, in its order, straight from the table. */
    const expected = async (status: string[]) =>
      (
        await sql<{ id: string }>`select id from access_referrals where system_id = 'QMJ'
          and status = any(${status}::text[])
          order by coalesce(first_contact_due, target_due_at) asc nulls last, received_at, id`.execute(t.database.db)
      ).rows.map((r) => r.id);

    const page = async (query: string) => {
      const res = await t.app.inject({ url: `/api/referrals?${query}`, headers });
      assert.equal(res.statusCode, 200, res.body);
      return res.json() as { items: { id: string }[]; next: string | null; previous: string | null; total: number };
    };

    test('forward by next and back by previous, every referral exactly once in due-time order, ties included', async () => {
      const filter = OPEN.map((s) => `status=${s}`).join('&');
      const want = await expected(OPEN);
      assert.ok(want.length > 23, 'the demo data and the paging referrals');
      const forward: string[] = [];
      const pages: { items: { id: string }[] }[] = [];
      let cursor: string | null = null;
      let first = true;
      for (let n = 0; n < 100 && (first || cursor); n++) {
        const p = await page(`${filter}&pageSize=4${cursor ? `&after=${encodeURIComponent(cursor)}` : ''}`);
        if (first) assert.equal(p.previous, null, 'the first page has no previous page');
        else assert.ok(p.previous, 'a later page has a previous page');
        first = false;
        assert.ok(p.items.length <= 4);
        assert.equal(p.total, want.length, 'the count is exact below the cap');
        forward.push(...p.items.map((i) => i.id));
        pages.push(p);
        cursor = p.next;
      }
      assert.deepEqual(forward, want, 'every row once, in order');
      assert.equal(new Set(forward).size, forward.length);

      // Back from the last page by `previous`: the same pages in reverse.
      const last = await page(
        `${filter}&pageSize=4&after=${encodeURIComponent(
          (await page(`${filter}&pageSize=${want.length - 1}`)).next ?? '',
        )}`,
      );
      assert.equal(last.items.length, 1, 'after all but one row, one row is left');
      assert.equal(last.next, null, 'the last page has no next page');
      const backward: string[] = [...last.items.map((i) => i.id)];
      let prev = last.previous;
      while (prev) {
        const p = await page(`${filter}&pageSize=4&before=${encodeURIComponent(prev)}`);
        assert.ok(p.next, 'a page reached by previous has a next page');
        backward.unshift(...p.items.map((i) => i.id));
        prev = p.previous;
      }
      assert.deepEqual(backward, want, 'every row once walking back');
    });

    test('filters hold across pages', async () => {
      // The API filters by status and receiving service; both hold on every page.
      const serviceRow = await sql<{ service_id: string }>`select service_id from access_referrals
        where reason = 'Paging test' and service_id is not null limit 1`.execute(t.database.db);
      const serviceId = serviceRow.rows[0].service_id;
      const wantService = (
        await sql<{ id: string }>`select id from access_referrals where system_id = 'QMJ' and status = 'received'
          and service_id = ${serviceId}
          order by coalesce(first_contact_due, target_due_at) asc nulls last, received_at, id`.execute(t.database.db)
      ).rows.map((r) => r.id);
      assert.ok(wantService.length > 2);
      const got: string[] = [];
      let cursor: string | null = '';
      while (cursor !== null) {
        const p = await page(
          `status=received&service=${encodeURIComponent(serviceId)}&pageSize=2${cursor ? `&after=${encodeURIComponent(cursor)}` : ''}`,
        );
        got.push(...p.items.map((i) => i.id));
        cursor = p.next;
      }
      assert.deepEqual(got, wantService);
    });

    test('a cursor that was not given out is refused with a 400 naming the field', async () => {
      for (const bad of ['nonsense', Buffer.from('["x","y","z"]').toString('base64url')]) {
        const res = await t.app.inject({ url: `/api/referrals?after=${bad}`, headers });
        assert.equal(res.statusCode, 400, res.body);
        assert.equal(res.json().error.fields[0].field, 'after');
      }
      const res = await t.app.inject({ url: '/api/referrals?before=%27%3Bdrop', headers });
      assert.equal(res.statusCode, 400);
      assert.equal(res.json().error.fields[0].field, 'before');
    });

    test('the page links carry the cursor and reach every referral without JavaScript', async () => {
      const browser = new Browser(t.app);
      assert.equal((await browser.signIn('spa')).statusCode, 303);
      const want = await expected(OPEN);
      const seen: string[] = [];
      let url: string | null = '/access?view=triage';
      let pages = 0;
      while (url) {
        const res = await browser.get(url);
        assert.equal(res.statusCode, 200, res.body);
        if (pages === 0) assert.doesNotMatch(res.body, /Previous page/);
        seen.push(...[...res.body.matchAll(/href="\/access\/referrals\/([0-9a-f-]{36})"/g)].map((m) => m[1]));
        assert.match(res.body, new RegExp(`To triage: ${want.length} referrals`));
        if (pages > 0) assert.match(res.body, /href="\/access\?[^"]*before=[^"]*"/, 'a previous page link');
        const next = res.body.match(/href="(\/access\?[^"]*after=[^"]*)"/);
        url = next ? next[1].replace(/&amp;/g, '&') : null;
        pages++;
      }
      assert.ok(pages > 1, 'more than one page');
      assert.deepEqual(seen, want);
    });

    test('the count stops at the cap instead of counting every row', async () => {
      // 1,001 more received referrals, inserted straight into the table (the cap is 1,000).
      await sql`insert into access_referrals (id, system_id, reference, person_id, component, age, age_group, borough,
          urgency, source, reason, communication, routing, status, received_at, updated_at, version, redirect_count,
          created_by)
        select gen_random_uuid(), system_id, 'CPA-CAP' || lpad(g::text, 5, '0'), person_id, component, age, age_group, borough, urgency,
          source, 'Cap test', communication, routing, 'received', received_at, updated_at, 1, 0, created_by
        from access_referrals, generate_series(1, 1001) g
        where id = (select id from access_referrals where reason = 'Paging test' order by id limit 1)`.execute(
        t.database.db,
      );
      // The central point of access's relationship to each, as a referral gets at receipt.
      await sql`insert into person_relationships
          (system_id, person_id, grantee_kind, grantee, basis, source_type, source_id, starts_at, ends_at)
        select system_id, person_id::text, 'role', 'spa', 'referral', 'referral', id::text, received_at, null
        from access_referrals where reason = 'Cap test'`.execute(t.database.db);
      const res = await t.app.inject({ url: '/api/referrals?status=received&pageSize=5', headers });
      const body = res.json();
      assert.equal(body.total, 1000);
      assert.equal(body.totalCapped, true);
      assert.equal(body.items.length, 5);
      const browser = new Browser(t.app);
      await browser.signIn('spa');
      assert.match((await browser.get('/access?view=triage')).body, /To triage: more than 1,000 referrals/);
    });
  });
}
