// Staff sign-in through an OpenID Connect provider in chromium: the whole redirect dance against a real
// oidc-provider running in the test process (our sign-in page, the provider's login and consent forms, the
// callback), then the staff home page; someone the provider knows but Core Offer does not sees the clear
// refusal page. axe-core finds no serious or critical problems on Core Offer's pages.
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import Provider from 'oidc-provider';
import type { Browser } from 'playwright-core';
import { startTestApp, type TestApp } from '../support/app.ts';
import {
  chromiumAvailable,
  describeViolations,
  launchChromium,
  screenshot,
  seriousViolations,
} from '../support/browser.ts';

const PEOPLE: Record<string, Record<string, unknown>> = {
  'cis2-0001': { preferred_username: 'clinician', name: 'Clinician at the provider', roles: ['R8000'] },
  'cis2-0002': { preferred_username: 'nobody-here', name: 'No Account', roles: ['R8000'] },
};

async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const port = (s.address() as AddressInfo).port;
  await new Promise((resolve) => s.close(resolve));
  return port;
}

async function startProvider(callback: string) {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: 'core-offer',
        client_secret: 'test-client-secret',
        redirect_uris: [callback],
        token_endpoint_auth_method: 'client_secret_post',
      },
    ],
    async findAccount(_ctx, sub) {
      if (!PEOPLE[sub]) return undefined;
      return { accountId: sub, claims: async () => ({ sub, ...PEOPLE[sub] }) };
    },
    claims: { openid: ['sub'], profile: ['preferred_username', 'name', 'roles'] },
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
  return {
    issuer,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe('OpenID Connect sign-in in the browser', { skip: !chromiumAvailable() }, () => {
  let t: TestApp;
  let provider: Awaited<ReturnType<typeof startProvider>>;
  let browser: Browser;
  let baseUrl: string;
  before(async () => {
    const port = await freePort();
    baseUrl = `http://localhost:${port}`;
    const callback = `${baseUrl}/sign-in/oidc/callback`;
    provider = await startProvider(callback);
    t = await startTestApp('pglite', {
      env: {
        OIDC_ISSUER: provider.issuer,
        OIDC_CLIENT_ID: 'core-offer',
        OIDC_CLIENT_SECRET: 'test-client-secret',
        OIDC_REDIRECT_URI: callback,
        OIDC_ROLE_CLAIM: 'roles',
        OIDC_ROLE_MAP: 'R8000=clinician,R8003=spa',
        SECURE_COOKIES: 'false',
      },
    });
    await t.app.listen({ port, host: '127.0.0.1' });
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await t?.close();
    await provider?.close();
  });

  /** From Core Offer's sign-in page through the provider's login and consent forms, back to Core Offer. */
  async function dance(login: string) {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${baseUrl}/sign-in`);
    assert.deepEqual(await seriousViolations(page), [], describeViolations(await seriousViolations(page)));
    // The link looks and acts as a button (nhsuk-button with role="button").
    await page.getByRole('button', { name: 'Sign in with your NHS Care Identity' }).click();
    await page.waitForURL(`${provider.issuer}/**`);
    await page.locator('input[name="login"]').fill(login);
    await page.locator('input[name="password"]').fill('any');
    await page.locator('button[type="submit"]').first().click();
    // The provider asks for consent once per client; then it redirects to our callback.
    await page.waitForURL((u) => u.origin === baseUrl || /interaction/.test(u.pathname));
    if (new URL(page.url()).origin !== baseUrl) {
      await page.locator('button[type="submit"]').first().click();
      await page.waitForURL((u) => u.origin === baseUrl);
    }
    await page.waitForLoadState('load');
    return { context, page };
  }

  test('a clinician signs in with the provider and reaches the staff home page', async () => {
    const { context, page } = await dance('cis2-0001');
    await page.waitForURL(`${baseUrl}/staff`);
    assert.match((await page.locator('h1').textContent()) ?? '', /Welcome/);
    assert.deepEqual(await seriousViolations(page), [], describeViolations(await seriousViolations(page)));
    await screenshot(page, 'oidc-staff-home');
    await context.close();
  });

  test('someone without a Core Offer account sees the clear refusal page and is not signed in', async () => {
    const { context, page } = await dance('cis2-0002');
    assert.match((await page.locator('h1').textContent()) ?? '', /No Core Offer account for you/);
    assert.match((await page.locator('main').textContent()) ?? '', /Ask your administrator/);
    assert.deepEqual(await seriousViolations(page), [], describeViolations(await seriousViolations(page)));
    await screenshot(page, 'oidc-refused');
    await page.goto(`${baseUrl}/staff`);
    assert.match(page.url(), /\/sign-in/, 'not signed in');
    await context.close();
  });
});
