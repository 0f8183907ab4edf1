// Builds the real application on a test database, and signs in like a browser would (CSRF token and all).
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { buildApp } from '../../src/app.ts';
import { type Clock, systemClock } from '../../src/platform/clock.ts';
import { loadConfig } from '../../src/platform/config.ts';
import type { Database, DatabaseEngine } from '../../src/platform/db/database.ts';
import { DEMO_PASSWORD } from '../../src/seed.ts';
import { openTestDatabase } from './db.ts';

export type TestApp = { app: FastifyInstance; database: Database; close(): Promise<void> };

export async function startTestApp(
  engine: DatabaseEngine = 'pglite',
  { seed = true, env = {}, clock = systemClock }: { seed?: boolean; env?: Record<string, string>; clock?: Clock } = {},
): Promise<TestApp> {
  // With a test's own clock the demo data is loaded relative to it too, so seeded and new records agree.
  const database = await openTestDatabase(engine, { seed, seedAt: clock === systemClock ? undefined : clock.now() });
  // Every injected request comes from one address, so tests lift the sign-in limit unless they test it.
  const config = loadConfig({ LOG_LEVEL: 'silent', SIGN_IN_RATE_LIMIT: '10000', ...env });
  const app = await buildApp({ config, database, clock, demoMode: seed && engine === 'pglite' });
  await app.ready();
  return {
    app,
    database,
    async close() {
      await app.close();
      await database.close();
    },
  };
}

/** A cookie jar for app.inject: keeps what the server sets, sends it back. */
export class Browser {
  readonly app: FastifyInstance;
  readonly cookies = new Map<string, string>();
  csrf = '';
  constructor(app: FastifyInstance) {
    this.app = app;
  }
  get cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
  #keep(response: LightMyRequestResponse) {
    for (const c of response.cookies as { name: string; value: string; maxAge?: number; expires?: Date }[]) {
      if (c.value === '' || c.maxAge === 0 || (c.expires && c.expires.getTime() < Date.now()))
        this.cookies.delete(c.name);
      else this.cookies.set(c.name, c.value);
    }
    const token = /name="_csrf" value="([^"]+)"/.exec(response.body)?.[1];
    if (token) this.csrf = token;
  }
  async get(url: string): Promise<LightMyRequestResponse> {
    const response = await this.app.inject({
      method: 'GET',
      url,
      headers: { cookie: this.cookieHeader, accept: 'text/html' },
    });
    this.#keep(response);
    return response;
  }
  /** Posts a form, adding the CSRF token unless told not to. */
  async post(url: string, form: Record<string, string>, { csrf = true } = {}): Promise<LightMyRequestResponse> {
    const body = new URLSearchParams(csrf ? { ...form, _csrf: this.csrf } : form).toString();
    const response = await this.app.inject({
      method: 'POST',
      url,
      payload: body,
      headers: { cookie: this.cookieHeader, accept: 'text/html', 'content-type': 'application/x-www-form-urlencoded' },
    });
    this.#keep(response);
    return response;
  }
  /** Signs in, then takes a CSRF token for the new session (tokens are bound to the session they were made for). */
  async signIn(username: string, password = DEMO_PASSWORD): Promise<LightMyRequestResponse> {
    await this.get('/sign-in');
    const response = await this.post('/sign-in', { username, password });
    // The sign-out page always has a form, so it gives a token for the new session (and changes nothing).
    if (response.statusCode === 303) await this.get('/sign-out');
    return response;
  }
}

export function bearer(role: string): Record<string, string> {
  return { authorization: `Bearer demo-${role}` };
}
