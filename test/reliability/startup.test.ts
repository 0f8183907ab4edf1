// The real process, as `npm start` runs it: a clear one-line message when the database cannot be reached,
// the embedded database created, migrated and seeded on first start and reused on the next, and a graceful
// stop on SIGTERM that lets a request in flight finish.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { spawnMain } from '../support/server.ts';

const start = (env: Record<string, string>) => spawnMain({ LOG_LEVEL: 'info', ...env });

/** A GET on its own connection (no keep-alive reuse), resolving with the status once the whole body arrived. */
function getOnFreshConnection(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
  });
}

async function waitFor(predicate: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (predicate()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('timed out');
}

test('an unreachable database stops start-up with one clear line, not a stack trace', async () => {
  const run = start({ DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' });
  const code = await run.exited;
  assert.equal(code, 1);
  const lines = run.output().trim().split('\n');
  assert.equal(lines.length, 1, run.output());
  assert.match(lines[0]!, /^Core Offer could not start: Cannot reach PostgreSQL at 127\.0\.0\.1:1\/none/);
});

test('a bad setting stops start-up with one line naming it', async () => {
  const run = start({ PORT: 'eighty' });
  assert.equal(await run.exited, 1);
  assert.equal(
    run.output().trim(),
    'Core Offer could not start: PORT must be a whole number from 0 to 65535; it is "eighty"',
  );
});

test('first start creates and seeds the embedded database, the next reuses it, SIGTERM stops gracefully', async () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'core-offer-start-'));
  const port = String(41000 + Math.floor(Math.random() * 2000));
  try {
    const first = start({ DATA_DIR: dataDir, PORT: port });
    await waitFor(() => first.output().includes('Core Offer is running'), 60_000);
    const health = await fetch(`http://127.0.0.1:${port}/healthz`);
    assert.equal(health.status, 200);
    const me = await fetch(`http://127.0.0.1:${port}/api/me`, { headers: { authorization: 'Bearer demo-analyst' } });
    assert.equal((await me.json()).role, 'analyst');
    // A request sent just before SIGTERM still gets its whole answer.
    const inFlight = getOnFreshConnection(`http://127.0.0.1:${port}/`);
    await new Promise((r) => setTimeout(r, 20));
    first.child.kill('SIGTERM');
    assert.equal(await inFlight, 200);
    assert.equal(await first.exited, 0);
    assert.match(first.output(), /shutting down/);
    assert.ok(fs.existsSync(path.join(dataDir, 'pglite')), 'the database is kept in DATA_DIR');

    const second = start({ DATA_DIR: dataDir, PORT: port });
    await waitFor(() => second.output().includes('Core Offer is running'), 60_000);
    const again = await fetch(`http://127.0.0.1:${port}/api/me`, { headers: { authorization: 'Bearer demo-analyst' } });
    assert.equal(again.status, 200, 'the demo data is still there and was not loaded twice');
    second.child.kill('SIGINT');
    assert.equal(await second.exited, 0);
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});
