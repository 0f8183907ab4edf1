// A link walker over the app's own pages: signed in as one role (or none), it follows every link a page
// offers, breadth first, and reports each link that fails — any 5xx, any 401/403/404 for a link the page
// showed to that role, and any request whose handler tried to send a second reply after the first.
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.ts';
import { type Clock, systemClock } from '../../src/platform/clock.ts';
import { loadConfig } from '../../src/platform/config.ts';
import { Browser, type TestApp } from './app.ts';
import { openTestDatabase } from './db.ts';

export type WatchedApp = TestApp & { doubleSends: string[] };

/** The real app on a seeded PGlite, watching for replies sent twice (Fastify only logs those). */
export async function startWatchedApp({ clock = systemClock }: { clock?: Clock } = {}): Promise<WatchedApp> {
  const database = await openTestDatabase('pglite', { seed: true });
  const config = loadConfig({ LOG_LEVEL: 'silent', SIGN_IN_RATE_LIMIT: '10000' });
  const app: FastifyInstance = await buildApp({ config, database, clock, demoMode: true });
  const doubleSends: string[] = [];
  app.addHook('onRequest', async (request, reply) => {
    const send = reply.send.bind(reply);
    reply.send = (payload?: unknown) => {
      if (reply.sent) doubleSends.push(`${request.method} ${request.url}`);
      return send(payload);
    };
  });
  await app.ready();
  return {
    app,
    database,
    doubleSends,
    async close() {
      await app.close();
      await database.close();
    },
  };
}

export type WalkResult = { visited: number; links: number; failures: string[] };

const SKIP = [/^\/sign-out/, /^\/assets\//, /^\/static\//, /^\/healthz/];

/** Hrefs of a page that point into the app (no fragments, no external addresses). */
export function pageLinks(html: string): string[] {
  const found = new Set<string>();
  for (const m of html.matchAll(/<a\b[^>]*\bhref="([^"]+)"/g)) {
    const href = m[1].replaceAll('&amp;', '&').split('#')[0];
    if (!href.startsWith('/') || href.startsWith('//')) continue;
    if (SKIP.some((s) => s.test(href))) continue;
    found.add(href);
  }
  return [...found];
}

/** Walks from `start` as `role` (undefined: signed out), visiting at most `limit` distinct URLs. */
export async function walk(
  app: FastifyInstance,
  role: string | undefined,
  { start = ['/'], limit = 400 }: { start?: string[]; limit?: number } = {},
): Promise<WalkResult> {
  const browser = new Browser(app);
  if (role) {
    const signed = await browser.signIn(role);
    if (signed.statusCode !== 303) throw new Error(`${role} could not sign in (${signed.statusCode})`);
  }
  const from = new Map<string, string>(start.map((s) => [s, '(start)']));
  const queue = [...start];
  const seen = new Set(queue);
  const failures: string[] = [];
  let visited = 0;
  // Query variants of one path (filters, sorting, paging) are many; a few of each show whether they work.
  const perPath = new Map<string, number>();
  while (queue.length && visited < limit) {
    const url = queue.shift()!;
    visited++;
    const res = await browser.get(url);
    const status = res.statusCode;
    const who = role ?? 'signed out';
    if (status >= 500 || status === 401 || status === 403 || status === 404) {
      failures.push(`${who}: ${status} on ${url} (linked from ${from.get(url)})`);
      continue;
    }
    if (status >= 300 && status < 400) {
      const location = String(res.headers.location ?? '');
      if (location.startsWith('/sign-in') && role) failures.push(`${who}: sent to sign in from ${url}`);
      continue;
    }
    if (!String(res.headers['content-type'] ?? '').startsWith('text/html')) continue;
    for (const link of pageLinks(res.body)) {
      if (seen.has(link)) continue;
      const path = link.split('?')[0];
      const n = perPath.get(path) ?? 0;
      if (link.includes('?') && n >= 6) continue;
      perPath.set(path, n + 1);
      seen.add(link);
      from.set(link, url);
      queue.push(link);
    }
  }
  return { visited, links: seen.size, failures };
}
