// The core offer's promises, on every database engine: one published version per system, published
// versions never change, a draft starts as a copy, versions compare field by field, imports are all or
// nothing with errors by field, only commissioners change anything, and every change is audited.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import {
  loadOfferFolder,
  NCL_OFFER_FOLDER,
  type OfferDocument,
  putDraftComponent,
} from '../src/modules/offer/index.ts';
import { issueToken } from '../src/platform/auth/identity.ts';
import { ROLES, type Role, systemActor } from '../src/platform/auth/roles.ts';
import { DEMO_SYSTEM } from '../src/seed.ts';
import { Browser, startTestApp, type TestApp } from './support/app.ts';
import { testEngines } from './support/db.ts';

const SLT = 'speech-and-language-therapy-children';

/** Tokens that exist on every engine (the demo tokens exist only on PGlite). */
async function issueTestTokens(t: TestApp): Promise<(role: Role) => Record<string, string>> {
  for (const role of ROLES) {
    await issueToken(t.database.db, systemActor(DEMO_SYSTEM.id), {
      label: `Test ${role}`,
      role,
      value: `test-offer-${role}`,
    });
  }
  return (role) => ({ authorization: `Bearer test-offer-${role}` });
}

async function auditActions(
  t: TestApp,
  prefix = 'offer.',
): Promise<{ action: string; actor_role: string | null; record_id: string | null }[]> {
  return t.database.db
    .selectFrom('audit_log')
    .select(['action', 'actor_role', 'record_id'])
    .where('action', 'like', `${prefix}%`)
    .orderBy('id')
    .execute() as Promise<{ action: string; actor_role: string | null; record_id: string | null }[]>;
}

for (const engine of testEngines()) {
  describe(`offer API and model on ${engine}`, () => {
    let t: TestApp;
    let as: (role: Role) => Record<string, string>;
    let ncl: OfferDocument;
    before(async () => {
      t = await startTestApp(engine);
      as = await issueTestTokens(t);
      ncl = await loadOfferFolder(NCL_OFFER_FOLDER);
    });
    after(async () => t?.close());

    test('the NCL offer is seeded as published version 1, and the public API returns it whole', async () => {
      const res = await t.app.inject('/api/offer');
      assert.equal(res.statusCode, 200);
      const body = res.json() as OfferDocument;
      assert.equal(body.version.number, 1);
      assert.equal(body.version.status, 'published');
      assert.equal(body.version.effectiveFrom, '2022-04-01');
      assert.equal(body.components.length, 64);
      // Nothing is lost between the data files, the database and the JSON schema of the response.
      assert.deepEqual(body.components, ncl.components);
      const one = await t.app.inject('/api/offer/components/urgent-community-response');
      assert.equal(one.statusCode, 200);
      assert.equal(one.json().component.provisions[0].responseStandards[0].firstContact, 'PT2H');
      const missing = await t.app.inject('/api/offer/components/no-such-service');
      assert.equal(missing.statusCode, 404);
      assert.equal(missing.json().error.code, 'not_found');
    });

    test('the database allows one published version per system and refuses changes to a published one', async () => {
      const db = t.database.db;
      const v1 = await db.selectFrom('offer_versions').selectAll().where('number', '=', 1).executeTakeFirstOrThrow();
      await assert.rejects(
        db
          .insertInto('offer_versions')
          .values({
            system_id: DEMO_SYSTEM.id,
            number: 99,
            status: 'published',
            effective_from: '2030-01-01',
            published_at: new Date(),
          })
          .execute(),
        /offer_versions_one_published|duplicate key/,
      );
      await assert.rejects(
        db.updateTable('offer_versions').set({ change_notes: 'rewritten history' }).where('id', '=', v1.id).execute(),
        /cannot be changed/,
      );
      await assert.rejects(
        db.updateTable('offer_components').set({ name: 'Renamed' }).where('version_id', '=', v1.id).execute(),
        /cannot be changed: start a draft/,
      );
      await assert.rejects(
        db.deleteFrom('offer_components').where('version_id', '=', v1.id).execute(),
        /cannot be changed/,
      );
      await assert.rejects(
        db.deleteFrom('offer_versions').where('id', '=', v1.id).execute(),
        /only a draft can be deleted/,
      );
    });

    test('the service refuses to change a published version (409)', async () => {
      const res = await t.app.inject({
        method: 'PUT',
        url: `/api/offer/drafts/1/components/${SLT}`,
        headers: as('commissioner'),
        payload: ncl.components.find((c) => c.code === SLT),
      });
      assert.equal(res.statusCode, 409);
      assert.equal(res.json().error.code, 'version_not_draft');
      const published = await t.app.inject({
        method: 'POST',
        url: '/api/offer/drafts/1/publish',
        headers: as('commissioner'),
      });
      assert.equal(published.statusCode, 409);
    });

    let draftId = '';
    test('a draft starts as a copy of the published version; only one draft at a time', async () => {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/offer/drafts',
        headers: as('commissioner'),
        payload: { changeNotes: 'Faster speech and language therapy for children' },
      });
      assert.equal(res.statusCode, 201, res.body);
      const draft = res.json();
      assert.equal(draft.number, 2);
      assert.equal(draft.status, 'draft');
      assert.equal(draft.publishedAt, null);
      assert.equal(draft.createdBy, 'API token: Test commissioner');
      draftId = draft.id;
      const copy = await t.app.inject({ url: `/api/offer/versions/${draftId}`, headers: as('analyst') });
      assert.equal(copy.statusCode, 200);
      assert.deepEqual(copy.json().components, ncl.components);
      const second = await t.app.inject({ method: 'POST', url: '/api/offer/drafts', headers: as('commissioner') });
      assert.equal(second.statusCode, 409);
      assert.equal(second.json().error.code, 'draft_exists');
      const list = await t.app.inject({ url: '/api/offer/versions', headers: as('spa') });
      assert.deepEqual(
        list
          .json()
          .versions.map((v: { number: number; status: string; componentCount: number }) => [
            v.number,
            v.status,
            v.componentCount,
          ]),
        [
          [2, 'draft', 64],
          [1, 'published', 64],
        ],
      );
    });

    test('a draft component is validated whole, and errors name the field', async () => {
      const slt = structuredClone(ncl.components.find((c) => c.code === SLT)!);
      slt.provisions[0]!.responseStandards[1]!.firstContact = 'soon';
      slt.provisions[0]!.accessRoutes = [];
      const bad = await t.app.inject({
        method: 'PUT',
        url: `/api/offer/drafts/2/components/${SLT}`,
        headers: as('commissioner'),
        payload: slt,
      });
      assert.equal(bad.statusCode, 400);
      const fields = bad.json().error.fields.map((f: { field: string }) => f.field);
      assert.ok(fields.includes('provisions[0].responseStandards[1].firstContact'), fields.join(', '));
      assert.ok(fields.includes('provisions[0].accessRoutes'), fields.join(', '));

      const renamed = { ...ncl.components.find((c) => c.code === SLT)!, code: 'something-else' };
      const mismatch = await t.app.inject({
        method: 'PUT',
        url: `/api/offer/drafts/2/components/${SLT}`,
        headers: as('commissioner'),
        payload: renamed,
      });
      assert.equal(mismatch.statusCode, 400);
      assert.equal(mismatch.json().error.fields[0].field, 'code');

      const good = structuredClone(ncl.components.find((c) => c.code === SLT)!);
      good.provisions[0]!.responseStandards[1]!.firstContact = 'P6W';
      good.synonyms.push('talking help');
      const ok = await t.app.inject({
        method: 'PUT',
        url: `/api/offer/drafts/${draftId}/components/${SLT}`,
        headers: as('commissioner'),
        payload: good,
      });
      assert.equal(ok.statusCode, 200, ok.body);
      assert.equal(ok.json().provisions[0].responseStandards[1].firstContact, 'P6W');

      const removed = await t.app.inject({
        method: 'DELETE',
        url: '/api/offer/drafts/2/components/podiatry',
        headers: as('commissioner'),
      });
      assert.equal(removed.statusCode, 204);
      const coordinating = await t.app.inject({
        method: 'DELETE',
        url: '/api/offer/drafts/2/components/central-point-of-access',
        headers: as('commissioner'),
      });
      assert.equal(coordinating.statusCode, 409);
    });

    test('two versions compare: added, removed and changed field by field', async () => {
      const res = await t.app.inject({ url: '/api/offer/versions/1/diff/2', headers: as('analyst') });
      assert.equal(res.statusCode, 200);
      const { diff } = res.json();
      assert.deepEqual(diff.added, []);
      assert.deepEqual(diff.removed, [
        { code: 'podiatry', name: ncl.components.find((c) => c.code === 'podiatry')!.name },
      ]);
      assert.equal(diff.changed.length, 1);
      assert.equal(diff.changed[0].code, SLT);
      const paths = diff.changed[0].changes.map((c: { path: string }) => c.path);
      assert.deepEqual(paths, [
        'provisions[children-young-people].responseStandards[routine].firstContact',
        'synonyms',
      ]);
      assert.equal(diff.changed[0].changes[0].before, 'P8W');
      assert.equal(diff.changed[0].changes[0].after, 'P6W');
      assert.equal(diff.unchangedCount, 62);
      const unknown = await t.app.inject({ url: '/api/offer/versions/1/diff/42', headers: as('analyst') });
      assert.equal(unknown.statusCode, 404);
    });

    test('publishing retires the previous version in the same step; publishing twice is a conflict', async () => {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/offer/drafts/2/publish',
        headers: as('commissioner'),
      });
      assert.equal(res.statusCode, 200, res.body);
      assert.equal(res.json().published.status, 'published');
      assert.equal(res.json().retired.number, 1);
      const again = await t.app.inject({
        method: 'POST',
        url: '/api/offer/drafts/2/publish',
        headers: as('commissioner'),
      });
      assert.equal(again.statusCode, 409);
      assert.equal(again.json().error.code, 'version_not_draft');
      const offer = (await t.app.inject('/api/offer')).json();
      assert.equal(offer.version.number, 2);
      assert.equal(offer.components.length, 63);
      const statuses = await t.database.db
        .selectFrom('offer_versions')
        .select(['number', 'status'])
        .orderBy('number')
        .execute();
      assert.deepEqual(statuses, [
        { number: 1, status: 'retired' },
        { number: 2, status: 'published' },
      ]);
      // The retired version cannot come back to life by hand either.
      await assert.rejects(
        t.database.db.updateTable('offer_versions').set({ status: 'published' }).where('number', '=', 1).execute(),
        /cannot be changed/,
      );
    });

    test('an import is all or nothing, with every problem named by field', async () => {
      const before = await t.database.db
        .selectFrom('offer_versions')
        .select(sql<number>`count(*)::int`.as('n'))
        .executeTakeFirstOrThrow();
      const doc = structuredClone(ncl) as OfferDocument;
      doc.components = doc.components.filter((c) => c.code !== 'care-coordination-and-case-management');
      doc.components[3]!.name = '';
      (doc.components[10]!.provisions[0]!.responseStandards[0] as { clock: string }).clock = 'lunar';
      const bad = await t.app.inject({
        method: 'POST',
        url: '/api/offer/import',
        headers: as('commissioner'),
        payload: doc,
      });
      assert.equal(bad.statusCode, 400);
      const fields = bad.json().error.fields.map((f: { field: string }) => f.field);
      assert.ok(fields.includes('components[3].name'), fields.join(', '));
      assert.ok(fields.includes('components[10].provisions[0].responseStandards[0].clock'), fields.join(', '));
      assert.ok(fields.includes('components'), 'the missing coordinating function is named');
      const afterBad = await t.database.db
        .selectFrom('offer_versions')
        .select(sql<number>`count(*)::int`.as('n'))
        .executeTakeFirstOrThrow();
      assert.equal(afterBad.n, before.n, 'nothing was stored');

      const notJson = await t.app.inject({
        method: 'POST',
        url: '/api/offer/import',
        headers: { ...as('commissioner'), 'content-type': 'application/json' },
        payload: '{"components": [',
      });
      assert.equal(notJson.statusCode, 400);

      const exported = (await t.app.inject({ url: '/api/offer/versions/1', headers: as('commissioner') })).json();
      const good = await t.app.inject({
        method: 'POST',
        url: '/api/offer/import',
        headers: as('commissioner'),
        payload: exported,
      });
      assert.equal(good.statusCode, 201, good.body);
      assert.equal(good.json().number, 3);
      assert.equal(good.json().status, 'draft');
      const imported = (await t.app.inject({ url: '/api/offer/versions/3', headers: as('commissioner') })).json();
      assert.deepEqual(imported.components, ncl.components);
      const blocked = await t.app.inject({
        method: 'POST',
        url: '/api/offer/import',
        headers: as('commissioner'),
        payload: exported,
      });
      assert.equal(blocked.statusCode, 409, 'one draft at a time');
    });

    test('publishing is all or nothing: a draft that is not a whole offer is refused and nothing is retired', async () => {
      // Draft 3 loses a coordinating function behind the service's back (the database allows it in a draft).
      const draft = await t.database.db
        .selectFrom('offer_versions')
        .select('id')
        .where('number', '=', 3)
        .executeTakeFirstOrThrow();
      await t.database.db
        .deleteFrom('offer_components')
        .where('version_id', '=', draft.id)
        .where('code', '=', 'trusted-holistic-assessment')
        .execute();
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/offer/drafts/3/publish',
        headers: as('commissioner'),
      });
      assert.equal(res.statusCode, 400);
      assert.match(JSON.stringify(res.json().error.fields), /trusted-holistic-assessment/);
      const statuses = await t.database.db
        .selectFrom('offer_versions')
        .select(['number', 'status'])
        .orderBy('number')
        .execute();
      assert.deepEqual(
        statuses.map((r) => r.status),
        ['retired', 'published', 'draft'],
      );
      const trusted = ncl.components.find((c) => c.code === 'trusted-holistic-assessment');
      const back = await t.app.inject({
        method: 'PUT',
        url: '/api/offer/drafts/3/components/trusted-holistic-assessment',
        headers: as('commissioner'),
        payload: trusted,
      });
      assert.equal(back.statusCode, 201, 'PUT adds a component the draft does not hold');
    });

    test('seeding again leaves an existing offer alone', async () => {
      const { seedOffer } = await import('../src/modules/offer/index.ts');
      assert.deepEqual(await seedOffer(t.database.db, DEMO_SYSTEM.id), { components: 0 });
    });

    test('every write is for commissioners only: other roles get 403, no token 401', async () => {
      const writes: { method: 'POST' | 'PUT' | 'DELETE'; url: string; payload?: unknown }[] = [
        { method: 'POST', url: '/api/offer/drafts', payload: {} },
        {
          method: 'PUT',
          url: `/api/offer/drafts/3/components/${SLT}`,
          payload: ncl.components.find((c) => c.code === SLT),
        },
        { method: 'DELETE', url: '/api/offer/drafts/3/components/podiatry' },
        { method: 'POST', url: '/api/offer/drafts/3/publish' },
        { method: 'POST', url: '/api/offer/import', payload: ncl },
      ];
      for (const w of writes) {
        for (const role of ROLES.filter((r) => r !== 'commissioner')) {
          const res = await t.app.inject({
            method: w.method,
            url: w.url,
            headers: as(role),
            payload: w.payload as object,
          });
          assert.equal(res.statusCode, 403, `${role} on ${w.method} ${w.url}`);
        }
        const anonymous = await t.app.inject({ method: w.method, url: w.url, payload: w.payload as object });
        assert.equal(anonymous.statusCode, 401, `anonymous on ${w.method} ${w.url}`);
      }
      const versions = await t.app.inject({ url: '/api/offer/versions' });
      assert.equal(versions.statusCode, 401, 'version history is for staff');
      // The service checks the role too, whatever the route says.
      const analyst = {
        kind: 'user',
        id: 'x',
        name: 'Analyst',
        role: 'analyst',
        systemId: DEMO_SYSTEM.id,
        organisationCode: null,
      } as const;
      await assert.rejects(
        putDraftComponent(t.database.db, analyst, '3', SLT, ncl.components[0]),
        /Only commissioners/,
      );
      // Nothing changed in draft 3.
      const draft = (await t.app.inject({ url: '/api/offer/versions/3', headers: as('analyst') })).json();
      assert.equal(draft.components.length, 64);
    });

    test('every change is audited in the same transaction, with who made it', async () => {
      const rows = await auditActions(t);
      const actions = rows.map((r) => r.action);
      assert.deepEqual(actions, [
        'offer.seed',
        'offer.draft.create',
        'offer.component.update',
        'offer.component.remove',
        'offer.publish',
        'offer.import',
        'offer.component.add',
      ]);
      assert.ok(rows.slice(1).every((r) => r.actor_role === 'commissioner'));
      assert.equal(rows[1]!.record_id, draftId);
      const refused = await t.database.db
        .selectFrom('audit_log')
        .select(sql<number>`count(*)::int`.as('n'))
        .where('action', '=', 'access.refused')
        .where('record_id', 'like', '%/api/offer%')
        .executeTakeFirstOrThrow();
      assert.ok(refused.n >= 35, `refused attempts are audited too (${refused.n})`);
    });

    test('the OpenAPI document describes the offer API', async () => {
      const doc = (await t.app.inject('/api/openapi.json')).json();
      for (const p of [
        '/api/offer',
        '/api/offer/components/{code}',
        '/api/offer/versions',
        '/api/offer/versions/{id}',
        '/api/offer/versions/{a}/diff/{b}',
        '/api/offer/drafts',
        '/api/offer/drafts/{id}/components/{code}',
        '/api/offer/drafts/{id}/publish',
        '/api/offer/import',
      ]) {
        assert.ok(doc.paths[p], `${p} is documented`);
        for (const op of Object.values(doc.paths[p]) as { tags: string[]; summary: string }[]) {
          assert.deepEqual(op.tags, ['offer']);
          assert.ok(op.summary);
        }
      }
      assert.equal(doc.paths['/offer'], undefined, 'pages are not in the API description');
    });
  });

  describe(`offer pages on ${engine}`, () => {
    let t: TestApp;
    before(async () => {
      t = await startTestApp(engine);
    });
    after(async () => t?.close());

    test('a resident searches for "stammer" and reads what speech and language therapy promises', async () => {
      const browser = new Browser(t.app);
      const home = await browser.get('/offer');
      assert.equal(home.statusCode, 200);
      assert.match(home.body, /Find community and mental health services/);
      assert.match(home.body, /Therapies/);
      const search = await browser.get('/offer?q=stammer');
      assert.equal(search.statusCode, 200);
      assert.match(search.body, new RegExp(`href="/offer/components/${SLT}"`));
      const page = await browser.get(`/offer/components/${SLT}`);
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /within 8 weeks/);
      assert.match(page.body, /within 5 working days/);
      assert.match(page.body, /Illustrative/);
      assert.match(page.body, /Refer yourself/);
      assert.match(page.body, /Ask your GP or another professional/);
      assert.match(page.body, /British Sign Language/);
      const ucr = await browser.get('/offer/components/urgent-community-response');
      assert.match(ucr.body, /within 2 hours/);
      assert.match(ucr.body, /National standard/);
      const byAge = await browser.get('/offer?ageGroup=older-adults&category=therapies');
      assert.equal(byAge.statusCode, 200);
      assert.doesNotMatch(
        byAge.body,
        new RegExp(`/offer/components/${SLT}"`),
        'a children’s service is not listed for older adults',
      );
      assert.equal((await browser.get('/offer/components/no-such-service')).statusCode, 404);
    });

    test('manage pages are for commissioners: others are refused, signed-out people sent to sign in', async () => {
      const anonymous = new Browser(t.app);
      const res = await anonymous.get('/offer/manage');
      assert.equal(res.statusCode, 303);
      assert.equal(res.headers.location, '/sign-in?next=%2Foffer%2Fmanage');
      await anonymous.get('/offer');
      assert.equal((await anonymous.post('/offer/manage/drafts', {})).statusCode, 401);
      for (const role of ['analyst', 'spa', 'provider'] as const) {
        const browser = new Browser(t.app);
        await browser.signIn(role);
        assert.equal((await browser.get('/offer/manage')).statusCode, 403, role);
        assert.equal((await browser.post('/offer/manage/drafts', {})).statusCode, 403, role);
        assert.equal((await browser.post('/offer/manage/import', { offerJson: '{}' })).statusCode, 403, role);
        assert.equal((await browser.post('/offer/manage/versions/1/publish', {})).statusCode, 403, role);
      }
      const count = await t.database.db
        .selectFrom('offer_versions')
        .select(sql<number>`count(*)::int`.as('n'))
        .executeTakeFirstOrThrow();
      assert.equal(count.n, 1);
    });

    test('a commissioner drafts, edits with an error summary, compares and publishes', async () => {
      const browser = new Browser(t.app);
      await browser.signIn('commissioner');
      const manage = await browser.get('/offer/manage');
      assert.equal(manage.statusCode, 200);
      assert.match(manage.body, /Start a draft/);
      assert.match(manage.body, /href="\/offer\/manage"/, 'the Core offer link is in the navigation');
      const start = await browser.post('/offer/manage/drafts', {});
      assert.equal(start.statusCode, 303);
      assert.equal(start.headers.location, '/offer/manage/versions/2?started=1');
      const form = await browser.get(`/offer/manage/versions/2/components/${SLT}`);
      assert.equal(form.statusCode, 200);
      // The editor shows durations in words, not ISO 8601 (issue 19).
      assert.match(
        form.body,
        /name="p0-rs1-firstContact"[^>]*value="8 weeks"|value="8 weeks"[^>]*name="p0-rs1-firstContact"/,
      );

      const fields = {
        name: '',
        residentSummary: 'Help for children who find talking hard.',
        synonyms: 'SLT\nspeech therapy',
        conditions: 'stammer\nstutter',
        'p0-rs0-firstContact': 'P5D',
        'p0-rs0-clock': 'working-days',
        'p0-rs1-firstContact': 'in a bit',
        'p0-rs1-clock': 'calendar',
        'p0-accessRoutes': 'self-referral',
        'p0-pointsOfDelivery': 'clinic',
      };
      const bad = await browser.post(`/offer/manage/versions/2/components/${SLT}`, fields);
      assert.equal(bad.statusCode, 400);
      assert.match(bad.body, /There is a problem/);
      assert.match(bad.body, /href="#name"/);
      assert.match(bad.body, /href="#p0-rs1-firstContact"/);
      assert.match(
        bad.body,
        /Children and young people, if it is not urgent: Enter the time to first contact as a number and a unit/,
      );

      const good = await browser.post(`/offer/manage/versions/2/components/${SLT}`, {
        ...fields,
        name: 'Speech and language therapy for children',
        'p0-rs1-firstContact': '6 weeks',
      });
      assert.equal(good.statusCode, 303, good.body.slice(0, 500));
      const version = await browser.get(good.headers.location as string);
      assert.match(version.body, /Changes to Speech and language therapy for children saved/);

      const compare = await browser.get('/offer/manage/compare?a=1&b=2');
      assert.equal(compare.statusCode, 200);
      assert.match(compare.body, /Children and young people: routine first contact/);
      assert.doesNotMatch(compare.body, /responseStandards\[/);
      assert.match(compare.body, /within 8 weeks/);
      assert.match(compare.body, /within 6 weeks/);

      const confirm = await browser.get('/offer/manage/versions/2/publish');
      assert.equal(confirm.statusCode, 200);
      assert.match(confirm.body, /Publish version 2\?/);
      assert.match(confirm.body, /will be retired/);
      const published = await browser.post('/offer/manage/versions/2/publish', {});
      assert.equal(published.statusCode, 303);
      assert.equal(published.headers.location, '/offer/manage?published=2');
      const page = await browser.get(`/offer/components/${SLT}`);
      assert.match(page.body, /within 6 weeks/);

      const csv = await browser.get('/offer/manage/versions/2/offer.csv');
      assert.match(csv.headers['content-type'] as string, /text\/csv/);
      assert.match(csv.body, /^component_code,component_name/);
      const json = await browser.get('/offer/manage/versions/2/offer.json');
      assert.equal(JSON.parse(json.body).version.number, 2);
    });

    test('a commissioner imports a pasted offer: all or nothing, errors by field', async () => {
      const browser = new Browser(t.app);
      await browser.signIn('commissioner');
      await browser.get('/offer/manage/import');
      const notJson = await browser.post('/offer/manage/import', { offerJson: '{ not json' });
      assert.equal(notJson.statusCode, 400);
      assert.match(notJson.body, /The offer is not valid JSON/);
      const doc = await loadOfferFolder(NCL_OFFER_FOLDER);
      doc.components[0]!.provisions[0]!.pointsOfDelivery = ['moon' as never];
      const bad = await browser.post('/offer/manage/import', { offerJson: JSON.stringify(doc) });
      assert.equal(bad.statusCode, 400);
      assert.match(bad.body, /components\[0\]\.provisions\[0\]\.pointsOfDelivery\[0\]/);
      assert.match(bad.body, /href="#offerJson"/);
      doc.components[0]!.provisions[0]!.pointsOfDelivery = ['clinic'];
      const good = await browser.post('/offer/manage/import', { offerJson: JSON.stringify(doc) });
      assert.equal(good.statusCode, 303);
      assert.match(good.headers.location as string, /^\/offer\/manage\/versions\/3\?imported=1$/);
      const discard = await browser.post('/offer/manage/versions/3/discard', {});
      assert.equal(discard.statusCode, 303);
      const actions = (await auditActions(t)).map((r) => r.action);
      assert.deepEqual(actions.slice(-2), ['offer.import', 'offer.draft.discard']);
    });
  });
}
