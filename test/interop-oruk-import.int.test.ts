// Importing an Open Referral UK 3.0 feed into the directory, on every engine: the standard's own example feed
// (a page of services, and one fully nested service) imports; a broken feed is refused naming the service and
// the field, and nothing is stored; a paged feed is read from its address on the loopback; importing the same
// source again replaces what it brought; administrators and analysts only; audited.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { getDirectory } from '../src/modules/directory/index.ts';
import { checkOrukFeed } from '../src/modules/interop/index.ts';
import { issueToken } from '../src/platform/auth/identity.ts';
import { systemActor } from '../src/platform/auth/roles.ts';
import { fixedClock } from '../src/platform/clock.ts';
import { DEMO_SYSTEM } from '../src/seed.ts';
import { startTestApp, type TestApp } from './support/app.ts';
import { testEngines } from './support/db.ts';
import { orukExample } from './support/standards.ts';

// biome-ignore lint/suspicious/noExplicitAny: ORUK JSON
type Json = any;
const CAMDEN = 'E09000007';
const copy = (x: unknown): Json => JSON.parse(JSON.stringify(x));

test('the checker accepts the standard’s own examples and names the service and field of a broken one', () => {
  assert.deepEqual(checkOrukFeed(orukExample('service_list.json')), []);
  assert.deepEqual(checkOrukFeed(orukExample('service_full.json')), []);
  const broken = copy(orukExample('service_list.json'));
  broken.contents[0].status = 'sideways';
  broken.contents[0].organization.id = 'not-a-uuid';
  delete broken.contents[0].organization.description;
  const problems = checkOrukFeed(broken);
  const fields = problems.map((p) => p.field).sort();
  assert.deepEqual(fields, [
    'services[0].organization.description',
    'services[0].organization.id',
    'services[0].status',
  ]);
  for (const p of problems) assert.match(p.message, /^Service 1 “Community Counselling” \(ac148810-/);
  assert.match(problems.find((p) => p.field === 'services[0].status')!.message, /must be one of: active/);
  assert.match(
    problems.find((p) => p.field === 'services[0].organization.description')!.message,
    /organization\.description is missing/,
  );
  assert.match(checkOrukFeed({ hello: 1 })[0]!.message, /ORUK page of services/);
});

for (const engine of testEngines()) {
  describe(`ORUK import on ${engine}`, () => {
    let t: TestApp;
    let server: Server;
    let base: string;
    const post = (body: unknown, role = 'admin') =>
      t.app.inject({
        method: 'POST',
        url: '/api/directory/oruk-imports',
        payload: JSON.stringify(body),
        headers: { 'content-type': 'application/json', authorization: `Bearer orukimport-${role}` },
      });
    const assets = async () => (await getDirectory(t.database.db, DEMO_SYSTEM.id))!.assets;

    before(async () => {
      t = await startTestApp(engine, { clock: fixedClock('2026-03-10T10:00:00Z') });
      for (const role of ['admin', 'analyst', 'commissioner'] as const)
        await issueToken(t.database.db, systemActor(DEMO_SYSTEM.id), {
          label: role,
          role,
          value: `orukimport-${role}`,
        });
      // A council's feed on the loopback, in two pages of one service each.
      const one = orukExample('service_list.json') as Json;
      const pageOf = (n: number) => {
        const s = copy(one.contents[0]);
        s.id = n === 1 ? '2b1f0a52-6d1e-4c55-9d7e-0f1a2b3c4d51' : '2b1f0a52-6d1e-4c55-9d7e-0f1a2b3c4d52';
        s.name = `Council service ${n}`;
        return { ...one, total_items: 2, total_pages: 2, page_number: n, size: 1, contents: [s] };
      };
      server = createServer((req, res) => {
        const url = new URL(req.url ?? '/', 'http://x');
        if (url.pathname !== '/services') return res.writeHead(404).end();
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(pageOf(Number(url.searchParams.get('page') ?? '1'))));
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    after(async () => {
      server?.close();
      await t?.close();
    });

    test('the standard’s example feed imports as local assets, and again replaces itself', async () => {
      const before = (await assets()).length;
      const res = await post({
        feed: orukExample('service_list.json'),
        source: 'oruk-example',
        boroughs: [CAMDEN],
        illustrative: true,
      });
      assert.equal(res.statusCode, 201, res.body);
      assert.equal(res.json().imported, 1);
      const all = await assets();
      assert.equal(all.length, before + 1);
      const a = all.find((x) => x.id === 'oruk-ac148810-d857-441c-9679-408f346de14b')!;
      assert.equal(a.name, 'Community Counselling');
      assert.deepEqual(a.boroughs, [CAMDEN]);
      assert.equal(a.kind, 'voluntary');
      assert.deepEqual(a.ageGroups, ['children-young-people', 'young-adults', 'working-age-adults', 'older-adults']);
      assert.equal(a.contact.email, 'email@example.com');
      assert.equal(a.illustrative, true);
      const again = await post({ feed: orukExample('service_list.json'), source: 'oruk-example', boroughs: [CAMDEN] });
      assert.equal(again.statusCode, 201);
      assert.equal(again.json().replaced, 1);
      assert.equal((await assets()).length, before + 1, 'the same source replaces what it brought');
      // The standard's fully nested example is the same service (same id): another source may not overwrite it.
      const clash = await post({ feed: orukExample('service_full.json'), source: 'oruk-full', boroughs: [CAMDEN] });
      assert.equal(clash.statusCode, 400);
      assert.match(clash.json().error.fields[0].message, /already in the directory from elsewhere/);
      // As a service of its own (service.json), its taxonomy term becomes a need.
      const full = copy(orukExample('service_full.json'));
      full.id = '7d3c1e2a-1111-4222-8333-444455556666';
      const one = await post({ feed: full, source: 'oruk-full', boroughs: [CAMDEN] });
      assert.equal(one.statusCode, 201, one.body);
      assert.equal((await assets()).length, before + 2);
      const nested = (await assets()).find((x) => x.id === `oruk-${full.id}`)!;
      assert.deepEqual(nested.needs, [full.attributes[0].taxonomy_term.name.toLowerCase()]);
      const audited = (
        await sql<{ n: number }>`select count(*)::int as n from audit_log where action = 'directory.import'`.execute(
          t.database.db,
        )
      ).rows[0]!.n;
      assert.equal(audited, 3);
    });

    test('a broken feed is refused naming the service and field, and nothing is imported', async () => {
      const before = (await assets()).length;
      const broken = copy(orukExample('service_list.json'));
      broken.contents.push({ ...copy(broken.contents[0]), id: '5a0e3a1c-0000-4000-8000-000000000001', name: 'Second' });
      broken.contents[1].status = 'sideways';
      const res = await post({ feed: broken, source: 'broken', boroughs: [CAMDEN] });
      assert.equal(res.statusCode, 400);
      const fields = res.json().error.fields;
      assert.deepEqual(
        fields.map((f: Json) => f.field),
        ['services[1].status'],
      );
      assert.match(fields[0].message, /^Service 2 “Second”.*status must be one of/);
      assert.equal((await assets()).length, before, 'all or nothing: the valid first service is not imported either');
      const noBorough = await post({ feed: orukExample('service_list.json'), source: 'nowhere' });
      assert.equal(noBorough.statusCode, 400);
      assert.equal(noBorough.json().error.fields[0].field, 'services[0].service_areas');
      const badBorough = await post({ feed: orukExample('service_list.json'), boroughs: ['E09000999'] });
      assert.equal(badBorough.json().error.fields[0].field, 'boroughs');
      const refused = (
        await sql<{ n: number }>`select count(*)::int as n from audit_log where action = 'directory.import.refused'
          and outcome = 'refused'`.execute(t.database.db)
      ).rows[0]!.n;
      assert.equal(refused, 4, 'the clash of the first test and these three');
    });

    test('a paged feed is read from its address, every page; only administrators and analysts import', async () => {
      const before = (await assets()).length;
      const res = await post({ url: `${base}/services`, kind: 'council', boroughs: [CAMDEN] });
      assert.equal(res.statusCode, 201, res.body);
      assert.equal(res.json().imported, 2);
      assert.equal(res.json().source, `${base}/services`);
      const mine = (await assets()).filter((a) => a.name.startsWith('Council service'));
      assert.deepEqual(
        mine.map((a) => a.kind),
        ['council', 'council'],
      );
      assert.equal((await assets()).length, before + 2);
      const missing = await post({ url: `${base}/nothing-here`, boroughs: [CAMDEN] });
      assert.equal(missing.statusCode, 400);
      assert.match(missing.json().error.fields[0].message, /answered 404/);
      const both = await post({ url: `${base}/services`, feed: [] });
      assert.equal(both.statusCode, 400);
      // The issue's analyst imports too (a source of their own); a commissioner may not.
      const byAnalyst = await post(
        { feed: orukExample('service_list.json'), source: 'analyst-feed', boroughs: [CAMDEN] },
        'analyst',
      );
      assert.equal(byAnalyst.statusCode, 400, 'the example service already came from another source');
      assert.match(byAnalyst.json().error.fields[0].message, /already in the directory from elsewhere/);
      const analystFeed = copy(orukExample('service_list.json'));
      analystFeed.contents[0].id = '9e8d7c6b-5a49-4838-a726-150413121110';
      const analystOk = await post({ feed: analystFeed, source: 'analyst-feed', boroughs: [CAMDEN] }, 'analyst');
      assert.equal(analystOk.statusCode, 201, analystOk.body);
      assert.equal(analystOk.json().imported, 1);
      assert.ok((await assets()).some((a) => a.id === `oruk-${analystFeed.contents[0].id}`));
      assert.equal((await post({ feed: analystFeed, source: 'analyst-feed' }, 'commissioner')).statusCode, 403);
      const anonymous = await t.app.inject({
        method: 'POST',
        url: '/api/directory/oruk-imports',
        payload: '{}',
        headers: { 'content-type': 'application/json' },
      });
      assert.equal(anonymous.statusCode, 401);
    });
  });
}
