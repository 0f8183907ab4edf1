// The directory through HTTP, on every engine: the stored NCL directory, search by need, text, age and
// borough for residents (page) and systems (JSON, paged), local assets for wider support, and the list of
// routable services the referral hub reads.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { listRoutableServices } from '../src/modules/directory/index.ts';
import { DEMO_SYSTEM } from '../src/seed.ts';
import { Browser, startTestApp, type TestApp } from './support/app.ts';
import { testEngines } from './support/db.ts';

const ENFIELD = 'E09000010';

for (const engine of testEngines()) {
  describe(`directory on ${engine}`, () => {
    let t: TestApp;
    before(async () => {
      t = await startTestApp(engine);
    });
    after(async () => t?.close());

    test('the NCL directory is stored: 306 services the referral hub can route to', async () => {
      const routable = await listRoutableServices(t.database.db, DEMO_SYSTEM.id);
      assert.equal(routable.length, 306);
      const s = routable[0];
      assert.deepEqual(Object.keys(s).sort(), [
        'accessRoutes',
        'ageGroups',
        'boroughs',
        'componentCodes',
        'id',
        'name',
        'organisationCode',
      ]);
      assert.ok(routable.every((r) => r.componentCodes.length > 0 && r.boroughs.length > 0));
      assert.deepEqual(await listRoutableServices(t.database.db, 'NO-SUCH-SYSTEM'), []);
    });

    test('the services API filters by need, borough, age and component, and pages', async () => {
      const res = await t.app.inject({ url: `/api/directory/services?need=diabetes&borough=${ENFIELD}&age=70` });
      assert.equal(res.statusCode, 200);
      const body = res.json();
      assert.ok(body.total >= 1);
      assert.ok(body.items.every((s: { boroughs: string[] }) => s.boroughs.includes(ENFIELD)));
      assert.ok(body.items.some((s: { name: string }) => /Diabetes/.test(s.name)));
      const stammer = await t.app.inject({ url: '/api/directory/services?q=stammer&borough=E09000003' });
      assert.ok(
        stammer
          .json()
          .items.some((s: { componentCodes: string[] }) => s.componentCodes.some((c) => c.startsWith('speech'))),
        'offer words reach services',
      );
      const comp = await t.app.inject({ url: '/api/directory/services?component=district-nursing' });
      assert.equal(comp.json().total, 5);
      const page1 = (await t.app.inject({ url: '/api/directory/services?pageSize=10' })).json();
      const page2 = (await t.app.inject({ url: '/api/directory/services?pageSize=10&page=2' })).json();
      assert.equal(page1.total, 306);
      assert.equal(page1.items.length, 10);
      assert.notEqual(page1.items[0].id, page2.items[0].id);
      const bad = await t.app.inject({ url: '/api/directory/services?borough=Enfield' });
      assert.equal(bad.statusCode, 400);
    });

    test('the assets API finds local support by need and borough', async () => {
      const res = await t.app.inject({ url: `/api/directory/assets?need=loneliness` });
      assert.equal(res.statusCode, 200);
      assert.ok(res.json().total >= 1);
      assert.ok(res.json().items.length >= 1, 'the page holds the assets found, or the kind check is vacuous');
      assert.ok(res.json().items.every((a: { kind: string }) => ['voluntary', 'council'].includes(a.kind)));
      const enfield = await t.app.inject({ url: `/api/directory/assets?q=diabetes&borough=${ENFIELD}` });
      assert.ok(enfield.json().items.some((a: { name: string }) => /Enfield diabetes/.test(a.name)));
    });

    test('residents search the directory page without signing in; a wrong age is explained', async () => {
      const browser = new Browser(t.app);
      const start = await browser.get('/directory');
      assert.equal(start.statusCode, 200);
      assert.match(start.body, /Find a service near you/);
      const res = await browser.get(`/directory?q=diabetes&borough=${ENFIELD}`);
      assert.equal(res.statusCode, 200);
      assert.match(res.body, /Diabetes specialist nursing and education, Enfield/);
      assert.match(res.body, /Other local support/);
      const bad = await browser.get('/directory?q=memory&age=old');
      assert.equal(bad.statusCode, 400);
      assert.match(bad.body, /Enter an age in whole years/);
    });
  });
}
