// The platform's promises, on every database engine: sign-in and sessions, roles, CSRF, tokens, audit,
// error handling and the health check.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { ROLES } from '../src/platform/auth/roles.ts';
import { Browser, bearer, startTestApp, type TestApp } from './support/app.ts';
import { testEngines } from './support/db.ts';

for (const engine of testEngines()) {
  describe(`platform on ${engine}`, () => {
    let t: TestApp;
    before(async () => {
      t = await startTestApp(engine);
    });
    after(async () => t?.close());

    test('the health check reports the database as reachable', async () => {
      const res = await t.app.inject('/healthz');
      assert.equal(res.statusCode, 200);
      const { outbox, ...rest } = res.json();
      assert.deepEqual(rest, { status: 'ok', database: 'reachable', engine });
      assert.ok(Number.isInteger(outbox.waiting) && Number.isInteger(outbox.oldestWaitingSeconds), 'the backlog gauge');
    });

    test('the public home page explains the service without signing in', async () => {
      const browser = new Browser(t.app);
      const res = await browser.get('/');
      assert.equal(res.statusCode, 200);
      assert.match(res.body, /Community and mental health services you can expect/);
      assert.match(res.body, /Skip to main content/);
      assert.match(res.headers['content-security-policy'] as string, /default-src 'self'/);
      assert.equal(res.headers['x-content-type-options'], 'nosniff');
      assert.match(res.headers['strict-transport-security'] as string, /max-age=/);
      assert.match(res.headers['content-security-policy'] as string, /font-src 'self'/);
    });

    test('the stylesheet works on a network with no internet: it asks no other site for fonts', async () => {
      const res = await t.app.inject('/assets/nhsuk/nhsuk-frontend.min.css');
      assert.equal(res.statusCode, 200);
      assert.match(res.headers['content-type'] as string, /^text\/css/);
      assert.match(res.body, /\.nhsuk-header/);
      assert.doesNotMatch(res.body, /assets\.nhs\.uk|url\(\s*['"]?https?:/);
      // The rest of the package's files are still served from the static folder.
      assert.equal((await t.app.inject('/assets/nhsuk/nhsuk-frontend.min.js')).statusCode, 200);
    });

    test('a staff page sends a signed-out person to sign in, and brings them back after', async () => {
      const browser = new Browser(t.app);
      const res = await browser.get('/admin/audit');
      assert.equal(res.statusCode, 303);
      assert.equal(res.headers.location, '/sign-in?next=%2Fadmin%2Faudit');
      await browser.get('/sign-in?next=%2Fadmin%2Faudit');
      const signedIn = await browser.post('/sign-in', {
        username: 'admin',
        password: 'demo-password',
        next: '/admin/audit',
      });
      assert.equal(signedIn.statusCode, 303);
      assert.equal(signedIn.headers.location, '/admin/audit');
      assert.equal((await browser.get('/admin/audit')).statusCode, 200);
    });

    test('a wrong password is refused with an error summary, and says nothing about which part was wrong', async () => {
      const browser = new Browser(t.app);
      await browser.get('/sign-in');
      const res = await browser.post('/sign-in', { username: 'spa', password: 'wrong' });
      assert.equal(res.statusCode, 401);
      assert.match(res.body, /There is a problem/);
      assert.match(res.body, /Enter a correct username and password/);
      const empty = await browser.post('/sign-in', { username: '', password: '' });
      assert.match(empty.body, /Enter your username/);
      assert.match(empty.body, /Enter your password/);
    });

    test('sign-in rotates the session id, and sign-out ends the session', async () => {
      const browser = new Browser(t.app);
      await browser.signIn('analyst');
      const first = browser.cookies.get('__Host-session');
      assert.ok(first);
      await browser.signIn('analyst');
      const second = browser.cookies.get('__Host-session');
      assert.notEqual(first, second);
      // The old id no longer works.
      const stale = await t.app.inject({
        url: '/staff',
        headers: { cookie: `__Host-session=${first}`, accept: 'text/html' },
      });
      assert.equal(stale.statusCode, 303);
      assert.equal((await browser.get('/staff')).statusCode, 200);
      await browser.get('/sign-out');
      const out = await browser.post('/sign-out', {});
      assert.equal(out.statusCode, 200);
      assert.equal((await browser.get('/staff')).statusCode, 303);
      const reuse = await t.app.inject({
        url: '/staff',
        headers: { cookie: `__Host-session=${second}`, accept: 'text/html' },
      });
      assert.equal(reuse.statusCode, 303, 'a signed-out session id cannot be reused');
    });

    test('a session expires after the idle time', async () => {
      const browser = new Browser(t.app);
      await browser.signIn('analyst');
      const id = browser.cookies.get('__Host-session')!;
      await t.database.db
        .updateTable('sessions')
        .set({ expires_at: new Date(Date.now() - 1000) })
        .where('id_hash', '=', (await import('../src/platform/auth/secrets.ts')).sha256(id))
        .execute();
      assert.equal((await browser.get('/staff')).statusCode, 303);
    });

    test('the session cookie is __Host-, Secure, HttpOnly and SameSite', async () => {
      const browser = new Browser(t.app);
      await browser.get('/sign-in');
      const res = await browser.post('/sign-in', { username: 'spa', password: 'demo-password' });
      const cookie = String(res.headers['set-cookie']);
      assert.match(cookie, /__Host-session=/);
      assert.match(cookie, /Secure/);
      assert.match(cookie, /HttpOnly/);
      assert.match(cookie, /SameSite=Lax/);
      assert.match(cookie, /Path=\//);
    });

    test('a form without its CSRF token is refused and changes nothing', async () => {
      const browser = new Browser(t.app);
      await browser.signIn('admin');
      const before = await t.database.db
        .selectFrom('api_tokens')
        .select(sql<number>`count(*)::int`.as('n'))
        .executeTakeFirstOrThrow();
      const res = await browser.post('/admin/tokens', { label: 'Forged', role: 'spa' }, { csrf: false });
      assert.equal(res.statusCode, 403);
      assert.match(res.body, /form has expired/);
      const wrong = await browser.post(
        '/admin/tokens',
        { label: 'Forged', role: 'spa', _csrf: 'not-the-token' },
        { csrf: false },
      );
      assert.equal(wrong.statusCode, 403);
      const afterCount = await t.database.db
        .selectFrom('api_tokens')
        .select(sql<number>`count(*)::int`.as('n'))
        .executeTakeFirstOrThrow();
      assert.equal(afterCount.n, before.n);
    });

    test('each role reaches its own pages and not another role’s', async () => {
      for (const role of ROLES) {
        const browser = new Browser(t.app);
        await browser.signIn(role);
        assert.equal((await browser.get('/staff')).statusCode, 200, `${role} reaches the staff home`);
        const admin = await browser.get('/admin/audit');
        assert.equal(admin.statusCode, role === 'admin' ? 200 : 403, `${role} on the audit log`);
        if (role !== 'admin') assert.match(admin.body, /You cannot use this page/);
      }
    });

    test('each demo token acts as its role on the API, and a refused call is audited', async () => {
      for (const role of ROLES) {
        const res = await t.app.inject({ url: '/api/me', headers: bearer(role) });
        if (engine === 'pglite') {
          assert.equal(res.statusCode, 200);
          assert.equal(res.json().role, role);
        } else {
          assert.equal(res.statusCode, 401, 'demo tokens never exist on PostgreSQL');
        }
      }
      const anon = await t.app.inject({ url: '/api/me' });
      assert.equal(anon.statusCode, 401);
      assert.equal(anon.json().error.code, 'unauthenticated');

      // The name promises a refused call is audited: make one (a demo token where they exist, a session
      // elsewhere) and find exactly one new access.refused row for it.
      const refusedRows = () =>
        t.database.db
          .selectFrom('audit_log')
          .select(['actor_role', 'outcome', 'record_id'])
          .where('action', '=', 'access.refused')
          .where('record_id', '=', 'GET /api/analysis/gaps')
          .orderBy('id')
          .execute();
      const beforeRefused = (await refusedRows()).length;
      let refused: { statusCode: number; json: () => { error?: { code?: string } } };
      if (engine === 'pglite') {
        refused = await t.app.inject({ url: '/api/analysis/gaps', headers: bearer('spa') });
      } else {
        const spa = new Browser(t.app);
        await spa.signIn('spa');
        refused = await spa.get('/api/analysis/gaps');
      }
      assert.equal(refused.statusCode, 403);
      assert.equal(refused.json().error?.code, 'forbidden');
      const afterRefused = await refusedRows();
      assert.equal(afterRefused.length, beforeRefused + 1, 'the refused call is audited once');
      assert.deepEqual(afterRefused.at(-1), {
        actor_role: 'spa',
        outcome: 'refused',
        record_id: 'GET /api/analysis/gaps',
      });
    });

    test('an admin issues a token, it works, it is revoked, it stops working; all audited', async () => {
      const browser = new Browser(t.app);
      await browser.signIn('admin');
      await browser.get('/admin/tokens');
      const bad = await browser.post('/admin/tokens', { label: '', role: 'nobody' });
      assert.equal(bad.statusCode, 400);
      assert.match(bad.body, /Enter a label/);
      assert.match(bad.body, /Select the role/);
      const res = await browser.post('/admin/tokens', { label: 'Test EPR', role: 'provider', organisationCode: 'rke' });
      assert.equal(res.statusCode, 200);
      const value = /<code>(co_[^<]+)<\/code>/.exec(res.body)?.[1];
      assert.ok(value, 'the token is shown once');
      const stored = await t.database.db
        .selectFrom('api_tokens')
        .selectAll()
        .where('label', '=', 'Test EPR')
        .executeTakeFirstOrThrow();
      assert.notEqual(stored.token_hash, value, 'only a hash is stored');
      const me = await t.app.inject({ url: '/api/me', headers: { authorization: `Bearer ${value}` } });
      assert.equal(me.json().role, 'provider');
      assert.equal(me.json().organisationCode, 'RKE');
      await browser.post(`/admin/tokens/${stored.id}/revoke`, {});
      const after = await t.app.inject({ url: '/api/me', headers: { authorization: `Bearer ${value}` } });
      assert.equal(after.statusCode, 401);
      const actions = await t.database.db
        .selectFrom('audit_log')
        .select('action')
        .where('record_id', '=', stored.id)
        .orderBy('id')
        .execute();
      assert.deepEqual(
        actions.map((a) => a.action),
        ['api-token.issue', 'api-token.revoke'],
      );
    });

    test('the audit log is append-only: the database refuses updates and deletes', async () => {
      await t.database.db
        .insertInto('audit_log')
        .values({ action: 'test', record_type: 'test', outcome: 'success' })
        .execute();
      await assert.rejects(t.database.db.updateTable('audit_log').set({ action: 'changed' }).execute(), /append-only/);
      await assert.rejects(t.database.db.deleteFrom('audit_log').execute(), /append-only/);
    });

    test('the admin searches the audit log by action and downloads it as CSV', async () => {
      const browser = new Browser(t.app);
      await browser.signIn('spa');
      await browser.get('/admin/audit'); // refused: audited
      const admin = new Browser(t.app);
      await admin.signIn('admin');
      const page = await admin.get('/admin/audit?action=access.refused');
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /access.refused/);
      assert.match(page.body, /GET \/admin\/audit/);
      const csv = await admin.get('/admin/audit?action=access.refused&format=csv');
      assert.match(csv.headers['content-type'] as string, /text\/csv/);
      assert.match(csv.body, /^id,at,actor,role/);
      assert.match(csv.body, /access.refused/);
      const invalid = await admin.get('/admin/audit?from=yesterday');
      assert.equal(invalid.statusCode, 400);
    });

    test('bad requests get the right status and a message naming the problem', async () => {
      const unknown = await t.app.inject({ url: '/no-such-page', headers: { accept: 'text/html' } });
      assert.equal(unknown.statusCode, 404);
      assert.match(unknown.body, /Page not found/);
      const unknownApi = await t.app.inject({ url: '/api/no-such-thing' });
      assert.equal(unknownApi.statusCode, 404);
      assert.equal(unknownApi.json().error.code, 'not_found');
      const malformed = await t.app.inject({
        method: 'POST',
        url: '/sign-in',
        headers: { 'content-type': 'application/json' },
        payload: '{not json',
      });
      assert.equal(malformed.statusCode, 400);
      assert.equal(malformed.json().error.message, 'The request body is not valid JSON');
      const huge = await t.app.inject({
        method: 'POST',
        url: '/sign-in',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: `username=${'x'.repeat(2 * 1024 * 1024)}`,
      });
      assert.equal(huge.statusCode, 413);
    });

    test('sign-in attempts are rate limited', async () => {
      const limited = await startTestApp(engine, { env: { SIGN_IN_RATE_LIMIT: '3' } });
      try {
        const browser = new Browser(limited.app);
        await browser.get('/sign-in');
        const statuses: number[] = [];
        for (let i = 0; i < 5; i++)
          statuses.push((await browser.post('/sign-in', { username: 'spa', password: 'wrong' })).statusCode);
        assert.deepEqual(statuses, [401, 401, 401, 429, 429]);
      } finally {
        await limited.close();
      }
    });

    test('the OpenAPI document lists the JSON routes and no pages', async () => {
      const res = await t.app.inject('/api/openapi.json');
      assert.equal(res.statusCode, 200);
      const doc = res.json();
      assert.equal(doc.openapi, '3.1.0');
      assert.ok(doc.paths['/api/me']);
      assert.equal(doc.paths['/sign-in'], undefined);
      const page = await t.app.inject({ url: '/api', headers: { accept: 'text/html' } });
      assert.match(page.body, /GET \/api\/me/);
    });

    test('open redirects after sign-in are refused', async () => {
      const { safeNext } = await import('../src/web/platform/routes.ts');
      assert.equal(safeNext('//evil.example'), '/staff');
      assert.equal(safeNext('https://evil.example'), '/staff');
      assert.equal(safeNext('/offer'), '/offer');
    });
  });
}
