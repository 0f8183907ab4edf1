// Who may see and change a referral (issue 10 §3), proved over the app's own route table: every route and page
// that reads or changes a referral is walked as the central point of access, a clinician of the organisation
// whose service holds the referral, a clinician of another organisation and a commissioner. The outsider gets
// "not found" (and nothing changes, and the refusal is audited) on every record route, and never sees the
// referral in a list; the insider and the hub reach it. A new referral route that this test does not know
// fails it, so the matrix cannot fall behind the routes.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { nhsNumberCheckDigit } from '../src/modules/access/index.ts';
import { createUser, issueToken } from '../src/platform/auth/identity.ts';
import { systemActor } from '../src/platform/auth/roles.ts';
import { fixedClock } from '../src/platform/clock.ts';
import { DEMO_SYSTEM } from '../src/seed.ts';
import { Browser, startTestApp, type TestApp } from './support/app.ts';
import { testEngines } from './support/db.ts';

function nhs(n: number): string {
  for (let b = n; ; b++) {
    const nine = `96${String(b).padStart(7, '0')}`;
    const check = nhsNumberCheckDigit(nine);
    if (check !== null) return `${nine}${check}`;
  }
}

/** An Islington resident (N19): podiatry goes to Islington's podiatry service, run by RKE. */
function referral(n: number, overrides: Record<string, unknown> = {}) {
  return {
    person: {
      nhsNumber: nhs(n),
      givenName: 'Matrix',
      familyName: `Person${n}`,
      birthDate: '1950-04-02',
      postcode: 'N19 5HX',
      gpPractice: 'F83004',
    },
    component: 'podiatry',
    urgency: 'routine',
    reason: 'Painful corns, hard to walk',
    source: 'professional',
    communication: { preferredContact: 'email', interpreter: false, bsl: false },
    ...overrides,
  };
}

const ACTIONS = ['claim', 'triage', 'accept', 'redirect', 'first-contact', 'close'];

/** How the matrix treats each referral route; a referral route missing here fails the test. */
type Kind = 'list' | 'record' | 'create' | 'form' | 'aggregate' | 'public';
function kindOf(method: string, url: string): Kind | null {
  if (url === '/api/referrals' && method === 'GET') return 'list';
  if (url === '/access' && method === 'GET') return 'list';
  if (url === '/api/referrals' && method === 'POST') return 'create';
  if (url === '/access/new') return 'form';
  if (url.startsWith('/api/referrals/:id') || url.startsWith('/access/referrals/:id')) return 'record';
  if (url.startsWith('/refer/')) return 'public';
  // Counts and gaps for commissioners: no person's details (their audit is issue 10 §4).
  if (url === '/access/gaps' || url.startsWith('/api/access/')) return 'aggregate';
  if (url.includes('referral') || url === '/access' || url.startsWith('/access/')) return null;
  return 'public'; // not a referral route
}

for (const engine of testEngines()) {
  describe(`who may see and change a referral, on ${engine}`, () => {
    let t: TestApp;
    const clock = fixedClock('2026-05-13T10:00:00Z'); // a Wednesday, 11:00 BST
    const token = (v: string) => ({ authorization: `Bearer ${v}` });
    const hub = token('matrix-spa');
    const insider = token('matrix-rke'); // clinician at RKE, which runs Islington's podiatry
    const outsider = token('matrix-rrp'); // clinician at RRP (Enfield and Haringey mental health)
    const commissioner = token('matrix-comm');
    before(async () => {
      t = await startTestApp(engine, { clock });
      const system = systemActor(DEMO_SYSTEM.id);
      const db = t.database.db;
      await issueToken(db, system, { label: 'spa', role: 'spa', value: 'matrix-spa', organisationCode: 'RKE' });
      await issueToken(db, system, { label: 'rke', role: 'clinician', value: 'matrix-rke', organisationCode: 'RKE' });
      await issueToken(db, system, { label: 'rrp', role: 'clinician', value: 'matrix-rrp', organisationCode: 'RRP' });
      await issueToken(db, system, { label: 'comm', role: 'commissioner', value: 'matrix-comm' });
      await createUser(db, {
        systemId: DEMO_SYSTEM.id,
        username: 'matrix-outsider',
        displayName: 'Clinician at another trust',
        role: 'clinician',
        organisationCode: 'RRP',
        password: 'demo-password',
      });
    });
    after(async () => t?.close());

    const create = async (n: number, overrides: Record<string, unknown> = {}) => {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/referrals',
        headers: hub,
        payload: referral(n, overrides),
      });
      assert.equal(res.statusCode, 201, res.body);
      return res.json() as { id: string; reference: string; receivingService: { id: string } | null };
    };
    const state = async (id: string) =>
      (
        await sql<{ version: number; status: string; events: number }>`
          select r.version, r.status, (select count(*)::int from access_referral_events e where e.referral_id = r.id) as events
          from access_referrals r where r.id = ${id}`.execute(t.database.db)
      ).rows[0]!;
    const fill = (url: string, id: string, action: string) =>
      url
        .replace(':id', id)
        .replace(':action', action)
        .replace(/\/:[a-zA-Z]+$/, `/${action}`);

    test('every referral route in the route table is in the matrix', () => {
      const unknown = t.app.routePolicies
        .filter((r) => r.method !== 'HEAD')
        .filter((r) => kindOf(r.method, r.url) === null)
        .map((r) => `${r.method} ${r.url}`);
      assert.deepEqual(unknown, []);
      const records = t.app.routePolicies.filter((r) => r.method !== 'HEAD' && kindOf(r.method, r.url) === 'record');
      assert.ok(records.length >= 9, `record routes found: ${records.length}`);
    });

    test('API: another organisation gets 404 on every record route, changes nothing, and never sees it listed', async () => {
      const r = await create(1);
      assert.equal(r.receivingService?.id, 'islington-podiatry');
      const routes = t.app.routePolicies.filter(
        (x) => x.method !== 'HEAD' && x.url.startsWith('/api/') && kindOf(x.method, x.url) === 'record',
      );
      const before = await state(r.id);
      for (const route of routes) {
        const actions = route.url.includes(':action') ? ACTIONS : [route.url.split('/').pop()!];
        for (const action of actions) {
          const url = fill(route.url, r.id, action);
          for (const [who, headers, allowed] of [
            ['outsider', outsider, [404]],
            ['commissioner', commissioner, [403, 404]],
          ] as const) {
            const res = await t.app.inject({
              method: route.method as 'GET',
              url,
              headers,
              payload: route.method === 'POST' ? {} : undefined,
            });
            assert.ok(
              (allowed as readonly number[]).includes(res.statusCode),
              `${who} ${route.method} ${url}: ${res.statusCode} ${res.body}`,
            );
            if (res.statusCode === 404) assert.doesNotMatch(res.body, new RegExp(r.reference), 'a 404 says nothing');
          }
        }
      }
      assert.deepEqual(await state(r.id), before, 'nothing changed');
      const refused = await sql<{ n: number }>`
        select count(*)::int as n from audit_log where action = 'referral.refused' and record_id = ${r.id}`.execute(
        t.database.db,
      );
      assert.ok(refused.rows[0]!.n >= routes.length, 'each refusal is audited');

      const listed = async (headers: Record<string, string>) => {
        const res = await t.app.inject({ url: '/api/referrals?pageSize=100', headers });
        assert.equal(res.statusCode, 200, res.body);
        return (res.json().items as { reference: string }[]).map((i) => i.reference);
      };
      assert.ok((await listed(hub)).includes(r.reference), 'the hub sees it');
      assert.ok((await listed(insider)).includes(r.reference), 'the receiving organisation sees it');
      assert.ok(!(await listed(outsider)).includes(r.reference), 'another organisation does not');

      // The receiving organisation reaches every record route (an action the status forbids is 409 or 400,
      // never "not found").
      for (const route of routes) {
        const actions = route.url.includes(':action') ? ACTIONS : [route.url.split('/').pop()!];
        for (const action of actions) {
          const url = fill(route.url, r.id, action);
          const res = await t.app.inject({
            method: route.method as 'GET',
            url,
            headers: insider,
            payload: route.method === 'POST' ? {} : undefined,
          });
          assert.ok(
            [200, 400, 409].includes(res.statusCode),
            `insider ${route.method} ${url}: ${res.statusCode} ${res.body}`,
          );
        }
      }
    });

    test('pages: the worklist, the referral page and its forms answer "not found" to another organisation', async () => {
      const r = await create(2);
      const outsiderPage = new Browser(t.app);
      await outsiderPage.signIn('matrix-outsider');
      const insiderPage = new Browser(t.app);
      await insiderPage.signIn('clinician'); // the demo clinician works for RKE
      const routes = t.app.routePolicies.filter(
        (x) => x.method !== 'HEAD' && !x.url.startsWith('/api/') && kindOf(x.method, x.url) === 'record',
      );
      assert.ok(routes.length >= 2);
      const before = await state(r.id);
      for (const route of routes) {
        const actions = route.url.includes(':action') ? ACTIONS : [''];
        for (const action of actions) {
          const url = fill(route.url, r.id, action);
          const res = route.method === 'GET' ? await outsiderPage.get(url) : await outsiderPage.post(url, {});
          assert.equal(res.statusCode, 404, `outsider ${route.method} ${url}`);
          assert.doesNotMatch(res.body, new RegExp(`${r.reference}|Person2`));
        }
      }
      assert.deepEqual(await state(r.id), before);
      for (const view of ['triage', 'accepted', 'mine', 'closed']) {
        const page = await outsiderPage.get(`/access?view=${view}`);
        assert.equal(page.statusCode, 200);
        assert.doesNotMatch(page.body, new RegExp(r.reference), `outsider worklist ${view}`);
      }
      const worklist = await insiderPage.get('/access?view=triage');
      assert.match(worklist.body, new RegExp(r.reference));
      const page = await insiderPage.get(`/access/referrals/${r.id}`);
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /Person2/);
      const claimed = await insiderPage.post(`/access/referrals/${r.id}/claim`, {});
      assert.equal(claimed.statusCode, 303, claimed.body);
    });

    const triage = async (id: string) =>
      assert.equal(
        (await t.app.inject({ method: 'POST', url: `/api/referrals/${id}/triage`, headers: hub, payload: {} }))
          .statusCode,
        200,
      );

    test("a clinician accepts only into their own organisation's services", async () => {
      const r = await create(3);
      await triage(r.id);
      const before = await state(r.id);
      const elsewhere = await t.app.inject({
        method: 'POST',
        url: `/api/referrals/${r.id}/accept`,
        headers: insider,
        payload: { serviceId: 'camden-podiatry' }, // RV3's
      });
      assert.equal(elsewhere.statusCode, 400, elsewhere.body);
      assert.equal(elsewhere.json().error.fields[0].field, 'serviceId');
      assert.deepEqual(await state(r.id), before);
      const own = await t.app.inject({
        method: 'POST',
        url: `/api/referrals/${r.id}/accept`,
        headers: insider,
        payload: {},
      });
      assert.equal(own.statusCode, 200, own.body);
    });

    test('a redirect to another organisation moves who may see it; the hub always can', async () => {
      const r = await create(4);
      await triage(r.id);
      const redirected = await t.app.inject({
        method: 'POST',
        url: `/api/referrals/${r.id}/redirect`,
        headers: insider,
        payload: { reason: 'Lives on the Haringey side: their team', toServiceId: 'enfield-podiatry' }, // RRP's
      });
      assert.equal(redirected.statusCode, 200, redirected.body);
      assert.equal(redirected.json().handedOver, true, 'told where it went, not shown it');
      const get = (headers: Record<string, string>) => t.app.inject({ url: `/api/referrals/${r.id}`, headers });
      assert.equal((await get(insider)).statusCode, 404, 'RKE no longer holds it');
      assert.equal((await get(outsider)).statusCode, 200, 'RRP now does');
      assert.equal((await get(hub)).statusCode, 200);
    });

    test("a referral page shows only the person's other referrals the reader may see", async () => {
      const podiatry = await create(5);
      const adhd = await create(5, { component: 'adhd-assessment' }); // Islington's: TAF
      assert.equal(adhd.receivingService?.id, 'islington-adhd-assessment');
      const view = (await t.app.inject({ url: `/api/referrals/${podiatry.id}`, headers: insider })).json();
      assert.deepEqual(view.otherReferrals, []);
      assert.ok(view.events.every((e: { referralId: string }) => e.referralId === podiatry.id));
      const hubView = (await t.app.inject({ url: `/api/referrals/${podiatry.id}`, headers: hub })).json();
      assert.deepEqual(
        hubView.otherReferrals.map((o: { id: string }) => o.id),
        [adhd.id],
      );
      assert.equal((await t.app.inject({ url: `/api/referrals/${adhd.id}`, headers: insider })).statusCode, 404);
    });

    const selfReferral = (n: number, person: Record<string, string>) => ({
      nhsNumber: nhs(n),
      givenName: 'Mallory',
      familyName: 'Attacker',
      birthDay: '1',
      birthMonth: '2',
      birthYear: '1940',
      postcode: 'N7 6PA',
      preferredContact: 'email',
      email: 'mallory@example.com',
      phone: '07700 900999',
      interpreter: 'no',
      urgency: 'routine',
      reason: 'I keep falling',
      ...person,
    });
    const personRow = async (n: number) =>
      (
        await sql<Record<string, unknown>>`
          select given_name, family_name, birth_date::text as birth_date, postcode, gp_practice, phone, email
          from access_people where nhs_number = ${nhs(n)}`.execute(t.database.db)
      ).rows;

    test("a self-referral never changes an existing person's record; the triager sees what differs", async () => {
      const first = await create(20, {
        component: 'falls-prevention',
        person: { ...referral(20).person, phone: '020 7946 0001', email: 'maureen@example.com' },
      });
      const record = await personRow(20);
      assert.equal(record.length, 1);
      const resident = new Browser(t.app);
      await resident.get('/refer/falls-prevention');
      const sent = await resident.post('/refer/falls-prevention', selfReferral(20, {}));
      assert.equal(sent.statusCode, 303, sent.body);
      assert.deepEqual(await personRow(20), record, 'name, date of birth, postcode and contact unchanged');

      const reference = (sent.headers.location as string).split('/').pop()!;
      const id = (
        await sql<{ id: string }>`select id from access_referrals where reference = ${reference}`.execute(t.database.db)
      ).rows[0]!.id;
      const view = (await t.app.inject({ url: `/api/referrals/${id}`, headers: hub })).json();
      assert.equal(
        view.person.id,
        (await t.app.inject({ url: `/api/referrals/${first.id}`, headers: hub })).json().person.id,
      );
      assert.deepEqual(
        view.differences.map((d: { field: string }) => d.field),
        ['givenName', 'familyName', 'birthDate', 'postcode', 'phone', 'email'],
      );
      assert.deepEqual(view.detailsDiffer, ['givenName', 'familyName', 'birthDate', 'postcode', 'phone', 'email']);
      assert.equal(view.givenPerson.email, 'mallory@example.com', 'what was given is kept on the referral');
      assert.equal(view.person.email, 'maureen@example.com');
      const received = view.events.find(
        (e: { referralId: string; type: string }) => e.referralId === id && e.type === 'receive',
      );
      assert.match(received.note, /Details given differ from the person's record/);
      assert.equal('submitterHash' in view, false);

      const worklist = (await t.app.inject({ url: '/api/referrals?pageSize=100', headers: hub })).json();
      assert.equal(
        worklist.items.find((i: { id: string }) => i.id === id).detailsDiffer,
        true,
        'flagged in the worklist',
      );
      // The triage page shows it, with both values.
      const spa = new Browser(t.app);
      await spa.signIn('spa');
      const page = await spa.get(`/access/referrals/${id}`);
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /Details differ from the person&#39;s record|Details differ from the person's record/);
      assert.match(page.body, /mallory@example.com/);
      assert.match(page.body, /maureen@example.com/);

      // Only a deliberate, audited act of staff changes the record, and only the chosen fields.
      const none = await spa.post(`/access/referrals/${id}/person`, {});
      assert.equal(none.statusCode, 400);
      assert.deepEqual(await personRow(20), record);
      const copied = await t.app.inject({
        method: 'POST',
        url: `/api/referrals/${id}/person`,
        headers: hub,
        payload: { fields: ['postcode'] },
      });
      assert.equal(copied.statusCode, 200, copied.body);
      assert.equal((await personRow(20))[0]!.postcode, 'N7 6PA');
      assert.equal((await personRow(20))[0]!.email, 'maureen@example.com');
      assert.ok(!copied.json().differences.some((d: { field: string }) => d.field === 'postcode'));
      const audited = await sql<{ n: number }>`
        select count(*)::int as n from audit_log where action = 'person.update' and record_id = ${view.person.id}`.execute(
        t.database.db,
      );
      assert.equal(audited.rows[0]!.n, 1);
    });

    test('the confirmation page answers only the browser that just sent the self-referral, and audits each answer', async () => {
      const resident = new Browser(t.app);
      await resident.get('/refer/falls-prevention');
      const sent = await resident.post(
        '/refer/falls-prevention',
        selfReferral(21, { givenName: 'Rosa', familyName: 'Quinn' }),
      );
      assert.equal(sent.statusCode, 303, sent.body);
      const location = sent.headers.location as string;
      const mine = await resident.get(location);
      assert.equal(mine.statusCode, 200);
      assert.match(mine.body, /CPA-[A-Z0-9]{8}/);
      assert.doesNotMatch(mine.body, /Rosa|Quinn|Falls|falls prevention|email/i, 'only the reference and next steps');

      const stranger = new Browser(t.app);
      assert.equal((await stranger.get(location)).statusCode, 404, 'another browser is told nothing');
      const professional = await create(22);
      assert.equal((await resident.get(`/refer/confirmation/${professional.reference}`)).statusCode, 404);
      assert.equal((await stranger.get('/refer/confirmation/CPA-AAAAAAAA')).statusCode, 404);
      const audits = await sql<{ outcome: string }>`
        select outcome from audit_log where action = 'referral.confirmation' order by id`.execute(t.database.db);
      assert.deepEqual(
        audits.rows.slice(-4).map((a) => a.outcome),
        ['success', 'refused', 'refused', 'refused'],
      );
    });
  });
}
