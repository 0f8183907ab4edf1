// CSRF tokens are bound to the session they were made for (issue 10 §3): a valid token and CSRF cookie from
// another browser, or the token a page gave before signing in, are refused for a signed-in session.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { Browser, startTestApp, type TestApp } from './support/app.ts';
import { testEngines } from './support/db.ts';

for (const engine of testEngines()) {
  describe(`CSRF tokens bound to the session on ${engine}`, () => {
    let t: TestApp;
    before(async () => {
      t = await startTestApp(engine);
    });
    after(async () => t?.close());

    const tokens = async () =>
      (await sql<{ n: number }>`select count(*)::int as n from api_tokens`.execute(t.database.db)).rows[0]!.n;
    const csrfCookie = (b: Browser) => [...b.cookies].find(([k]) => k.endsWith('csrf'))!;

    test("another browser's token and CSRF cookie do not work with the victim's session", async () => {
      const victim = new Browser(t.app);
      await victim.signIn('admin');
      const attacker = new Browser(t.app);
      await attacker.signIn('spa'); // a valid pair (cookie + token) of the attacker's own
      const before = await tokens();
      const [name, value] = csrfCookie(attacker);
      victim.cookies.set(name, value); // planted, as a cookie-tossing attacker could
      const forged = await victim.post(
        '/admin/tokens',
        { label: 'Forged', role: 'spa', _csrf: attacker.csrf },
        {
          csrf: false,
        },
      );
      assert.equal(forged.statusCode, 403, forged.body);
      assert.equal(await tokens(), before);
    });

    test('the token a page gave before signing in is refused after signing in', async () => {
      const browser = new Browser(t.app);
      await browser.get('/sign-in');
      const anonymous = browser.csrf;
      await browser.post('/sign-in', { username: 'admin', password: 'demo-password' });
      const before = await tokens();
      const res = await browser.post(
        '/admin/tokens',
        { label: 'Stale', role: 'spa', _csrf: anonymous },
        { csrf: false },
      );
      assert.equal(res.statusCode, 403, res.body);
      assert.equal(await tokens(), before);
    });

    test("the session's own token still works, and the public forms work without a session", async () => {
      const browser = new Browser(t.app);
      await browser.signIn('admin');
      await browser.get('/admin/tokens');
      const res = await browser.post('/admin/tokens', { label: 'Mine', role: 'spa' });
      assert.ok(res.statusCode < 400, `${res.statusCode} ${res.body.slice(0, 200)}`);
      const resident = new Browser(t.app);
      await resident.get('/refer/falls-prevention');
      assert.equal((await resident.post('/refer/falls-prevention', {})).statusCode, 400, 'checked, not refused');
    });
  });
}
