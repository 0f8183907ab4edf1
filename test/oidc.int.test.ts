// Sign-in with OpenID Connect against a real provider (oidc-provider) running in the test process: the
// whole redirect dance (our redirect, the provider's login and consent forms, the callback with the code),
// on every engine. A known person is signed in to their account; an unknown one, a role that does not match,
// a tampered issuer, a wrong nonce and a callback from another browser are refused with a clear page.
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import Provider from 'oidc-provider';
import { Browser, startTestApp, type TestApp } from './support/app.ts';
import { testEngines } from './support/db.ts';

const CALLBACK = 'http://localhost/sign-in/oidc/callback';

/** People the provider knows: subject → claims. */
const PEOPLE: Record<string, Record<string, unknown>> = {
  'cis2-0001': { preferred_username: 'clinician', name: 'Clinician at the provider', roles: ['R8000'] },
  'cis2-0002': { preferred_username: 'nobody-here', name: 'No Account', roles: ['R8000'] },
  'cis2-0003': { preferred_username: 'spa', name: 'Role mismatch', roles: ['R8000'] },
  'cis2-0004': { preferred_username: 'spa', name: 'Central point of access', roles: ['S0:G0:R8003'] },
};

async function startProvider(): Promise<{ issuer: string; close(): Promise<void> }> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: 'core-offer',
        client_secret: 'test-client-secret',
        redirect_uris: [CALLBACK],
        token_endpoint_auth_method: 'client_secret_post',
      },
    ],
    async findAccount(_ctx, sub) {
      if (!PEOPLE[sub]) return undefined;
      return { accountId: sub, claims: async () => ({ sub, ...PEOPLE[sub] }) };
    },
    claims: { openid: ['sub'], profile: ['preferred_username', 'name', 'roles'] },
    // Put the profile claims in the ID token itself (Core Offer reads the verified ID token, not userinfo).
    conformIdTokenClaims: false,
    pkce: { required: () => true },
    cookies: { keys: ['test-cookie-key'] },
    jwks: {
      keys: [
        {
          ...generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' }),
          kid: 'test',
          alg: 'RS256',
          use: 'sig',
        },
      ],
    },
    ttl: { Interaction: 600, Session: 3600, Grant: 3600, AccessToken: 600, IdToken: 600, AuthorizationCode: 60 },
    features: { devInteractions: { enabled: true } },
  });
  server.on('request', provider.callback());
  return { issuer, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** A browser at the provider: follows redirects and submits its login and consent forms. */
async function atProvider(start: string, login: string): Promise<string> {
  const jar = new Map<string, string>();
  let url = start;
  let method = 'GET';
  let body: string | undefined;
  for (let step = 0; step < 20; step++) {
    const res = await fetch(url, {
      method,
      redirect: 'manual',
      body,
      headers: {
        cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; '),
        ...(body ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
      },
    });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const i = pair!.indexOf('=');
      jar.set(pair!.slice(0, i), pair!.slice(i + 1));
    }
    method = 'GET';
    body = undefined;
    const location = res.headers.get('location');
    if (location) {
      const next = new URL(location, url).toString();
      if (next.startsWith(CALLBACK)) return next;
      url = next;
      continue;
    }
    const html = await res.text();
    const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
    const prompt = /name="prompt" value="([^"]+)"/.exec(html)?.[1];
    assert.ok(action && prompt, `the provider showed a page without its form (${res.status}): ${html.slice(0, 300)}`);
    url = new URL(action, url).toString();
    method = 'POST';
    body = new URLSearchParams(prompt === 'login' ? { prompt, login, password: 'any' } : { prompt }).toString();
  }
  throw new Error('the provider never redirected back');
}

const callbackPath = (url: string) => url.replace('http://localhost', '');

for (const engine of testEngines()) {
  describe(`OpenID Connect sign-in on ${engine}`, () => {
    let provider: Awaited<ReturnType<typeof startProvider>>;
    let t: TestApp;
    before(async () => {
      provider = await startProvider();
      t = await startTestApp(engine, {
        env: {
          OIDC_ISSUER: provider.issuer,
          OIDC_CLIENT_ID: 'core-offer',
          OIDC_CLIENT_SECRET: 'test-client-secret',
          OIDC_REDIRECT_URI: CALLBACK,
          OIDC_ROLE_CLAIM: 'roles',
          OIDC_ROLE_MAP: 'R8000=clinician,R8003=spa',
          SECURE_COOKIES: 'false',
        },
      });
    });
    after(async () => {
      await t?.close();
      await provider?.close();
    });

    async function signIn(login: string, tamper: (url: URL) => void = () => {}) {
      const browser = new Browser(t.app);
      const page = await browser.get('/sign-in');
      assert.match(page.body, /href="\/sign-in\/oidc"/, 'the sign-in page offers the provider');
      const start = await browser.get('/sign-in/oidc?next=/staff');
      assert.equal(start.statusCode, 303);
      const authorize = new URL(start.headers.location as string);
      assert.equal(authorize.origin, provider.issuer);
      assert.equal(authorize.searchParams.get('code_challenge_method'), 'S256');
      assert.ok(authorize.searchParams.get('state') && authorize.searchParams.get('nonce'));
      const back = new URL(await atProvider(authorize.toString(), login));
      tamper(back);
      const done = await browser.get(callbackPath(back.toString()));
      return { browser, done };
    }

    test('a person with an account is signed in to it, linked, and audited', async () => {
      const { browser, done } = await signIn('cis2-0001');
      assert.equal(done.statusCode, 303, done.body);
      assert.equal(done.headers.location, '/staff');
      const staff = await browser.get('/staff');
      assert.equal(staff.statusCode, 200);
      const link = (
        await sql<{ username: string }>`
          select u.username from user_identities i join users u on u.id = i.user_id
          where i.issuer = ${provider.issuer} and i.subject = 'cis2-0001'`.execute(t.database.db)
      ).rows;
      assert.deepEqual(link, [{ username: 'clinician' }]);
      const audited = (
        await sql<{ n: number }>`
          select count(*)::int as n from audit_log a join users u on u.id::text = a.actor_id
          where a.action = 'sign-in' and u.username = 'clinician'`.execute(t.database.db)
      ).rows[0]!.n;
      assert.equal(audited, 1);
      // National RBAC codes with a prefix map too.
      const spa = await signIn('cis2-0004');
      assert.equal(spa.done.statusCode, 303, spa.done.body);
    });

    test('someone the provider knows but Core Offer does not is refused with a clear page', async () => {
      const { browser, done } = await signIn('cis2-0002');
      assert.equal(done.statusCode, 403);
      assert.match(done.body, /No Core Offer account for you/);
      assert.match(done.body, /Ask your administrator/);
      assert.equal((await browser.get('/staff')).statusCode, 303, 'not signed in');
      const refused = (
        await sql<{ reason: string }>`select reason from audit_log where action = 'sign-in.refused'`.execute(
          t.database.db,
        )
      ).rows;
      assert.ok(refused.some((r) => r.reason === 'unknown-account'));
    });

    test('an account whose role the provider’s roles do not include is refused', async () => {
      const { done } = await signIn('cis2-0003');
      assert.equal(done.statusCode, 403);
      assert.match(done.body, /do not include the role of your Core Offer account/);
    });

    test('a tampered issuer, a wrong nonce and a callback in another browser are refused', async () => {
      const wrongIssuer = await signIn('cis2-0001', (u) => u.searchParams.set('iss', 'http://127.0.0.1:1'));
      assert.equal(wrongIssuer.done.statusCode, 400);
      assert.match(wrongIssuer.done.body, /could not be verified/);

      const wrongNonce = await signIn('cis2-0001', () => {});
      assert.equal(wrongNonce.done.statusCode, 303, 'control: the same dance succeeds untouched');
      const browser = new Browser(t.app);
      const start = await browser.get('/sign-in/oidc');
      await sql`update oidc_sign_ins set nonce = 'not-the-nonce-sent'`.execute(t.database.db);
      const back = await atProvider(start.headers.location as string, 'cis2-0001');
      const done = await browser.get(callbackPath(back));
      assert.equal(done.statusCode, 400);
      assert.match(done.body, /could not be verified/);

      const other = new Browser(t.app);
      const started = await other.get('/sign-in/oidc');
      const code = await atProvider(started.headers.location as string, 'cis2-0001');
      const elsewhere = await new Browser(t.app).get(callbackPath(code));
      assert.equal(elsewhere.statusCode, 400);
      assert.match(elsewhere.body, /did not start in this browser/);
      // And the code cannot be used twice.
      const once = await other.get(callbackPath(code));
      assert.equal(once.statusCode, 303);
      const twice = await other.get(callbackPath(code));
      assert.equal(twice.statusCode, 400);
    });
  });
}
