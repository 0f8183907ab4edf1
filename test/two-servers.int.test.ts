// Two app processes on two ports share one PostgreSQL database (issue 18, goal 4), as `npm start` runs them:
// a session begun on one works on the other and ends on both, a submission retried on the other server with
// the same Idempotency-Key gets the same answer and one referral (also when both arrive at once), and the
// outbox workers of both processes deliver every notification exactly once between them. That is the proof
// that the servers keep no state of their own. PostgreSQL only (PGlite is one process's embedded database).
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { nhsNumberCheckDigit } from '../src/modules/access/index.ts';
import { issueToken } from '../src/platform/auth/identity.ts';
import { systemActor } from '../src/platform/auth/roles.ts';
import { type Database, openPostgres } from '../src/platform/db/database.ts';
import { type MainProcess, startMainProcess } from './support/server.ts';

const url = process.env.TEST_DATABASE_URL;

type Server = MainProcess;

const startServer = (databaseUrl: string, csrfKey: string): Promise<Server> =>
  startMainProcess({
    DATABASE_URL: databaseUrl,
    CSRF_KEY: csrfKey, // shared, as every server behind one name must share it
    SECURE_COOKIES: 'false', // plain http on the loopback
    LOG_LEVEL: 'info', // the outbox logs each delivery, which the exactly-once check reads
    OUTBOX_WORKERS: '2',
    OUTBOX_BATCH_SIZE: '2',
    SIGN_IN_RATE_LIMIT: '10', // the limit test counts to it
  });

/** A browser over real HTTP whose requests can go to either server (a load balancer without stickiness). */
class Browser {
  readonly cookies = new Map<string, string>();
  csrf = '';
  async #send(base: string, pathname: string, init: RequestInit): Promise<{ status: number; body: string }> {
    const cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const res = await fetch(`${base}${pathname}`, {
      ...init,
      redirect: 'manual',
      headers: { ...(init.headers as Record<string, string>), cookie, accept: 'text/html' },
    });
    for (const set of res.headers.getSetCookie()) {
      const [pair, ...attributes] = set.split(';');
      const [name, value] = [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)];
      const expired = value === '' || attributes.some((a) => /max-age=0\b/i.test(a.trim()));
      if (expired) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    const body = await res.text();
    const token = /name="_csrf" value="([^"]+)"/.exec(body)?.[1];
    if (token) this.csrf = token;
    return { status: res.status, body };
  }
  get(base: string, pathname: string) {
    return this.#send(base, pathname, { method: 'GET' });
  }
  post(base: string, pathname: string, form: Record<string, string>) {
    return this.#send(base, pathname, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ ...form, _csrf: this.csrf }).toString(),
    });
  }
}

function nhs(n: number): string {
  for (let b = n; ; b++) {
    const nine = `96${String(b).padStart(7, '0')}`;
    const check = nhsNumberCheckDigit(nine);
    if (check !== null) return `${nine}${check}`;
  }
}

const referral = (i: number) => ({
  person: {
    nhsNumber: nhs(i * 3),
    givenName: 'Two',
    familyName: `Servers ${i}`,
    birthDate: '1948-03-04',
    postcode: 'N19 5HX',
    gpPractice: 'F83004',
  },
  component: 'podiatry',
  urgency: 'routine',
  reason: 'Referral sent to either of two servers',
  source: 'professional',
  communication: { preferredContact: 'phone', interpreter: false, bsl: false },
});

/** Outbox ids each server's log says it delivered. */
function deliveredIds(server: Server): number[] {
  const ids: number[] = [];
  for (const line of server.output().split('\n')) {
    if (!line.includes('notification delivered (log adapter)')) continue;
    ids.push(Number((JSON.parse(line) as { outboxId: number }).outboxId));
  }
  return ids;
}

describe('two servers sharing one PostgreSQL database', { skip: !url && 'TEST_DATABASE_URL is not set' }, () => {
  // The name follows test/support/db.ts, so a killed run's database is recognised and dropped by the next.
  const name = `co_test_${process.pid}_${randomBytes(6).toString('hex')}`;
  const csrfKey = randomBytes(24).toString('hex');
  let databaseUrl = '';
  let database: Database;
  let a: Server;
  let b: Server;
  let token = { id: '', value: '' };

  before(async () => {
    const admin = await openPostgres({ url: url!, poolSize: 1 });
    await sql`create database ${sql.id(name)}`.execute(admin.db);
    await admin.close();
    const parsed = new URL(url!);
    parsed.pathname = `/${name}`;
    databaseUrl = parsed.toString();
    // A migrates and seeds the empty database as on a first deployment; B starts on what A made.
    a = await startServer(databaseUrl, csrfKey);
    b = await startServer(databaseUrl, csrfKey);
    database = await openPostgres({ url: databaseUrl, poolSize: 2 });
    const issued = await issueToken(database.db, systemActor('QMJ'), {
      label: 'two servers',
      role: 'spa',
      value: `two-servers-${randomBytes(8).toString('hex')}`,
    });
    token = { id: issued.token.id, value: issued.value };
  });

  after(async () => {
    for (const server of [a, b]) {
      if (server && server.child.exitCode === null) {
        server.child.kill('SIGTERM');
        await server.exited;
      }
    }
    await database?.close();
    const admin = await openPostgres({ url: url!, poolSize: 1 });
    await sql`drop database if exists ${sql.id(name)} with (force)`.execute(admin.db);
    await admin.close();
  });

  test('a session begun on one server works on the other, and signing out on one ends it on both', async () => {
    const browser = new Browser();
    await browser.get(a.base, '/sign-in'); // the form and its CSRF token come from A
    const signIn = await browser.post(b.base, '/sign-in', { username: 'case_manager', password: 'demo-password' });
    assert.equal(signIn.status, 303, 'B accepts the form A gave');
    assert.equal((await browser.get(a.base, '/staff')).status, 200, "A knows B's session");
    const page = await browser.get(b.base, '/sign-out'); // a token for the session, from B
    assert.equal(page.status, 200);
    const out = await browser.post(a.base, '/sign-out', {});
    assert.equal(out.status, 200, 'A accepts the token B gave');
    assert.notEqual((await browser.get(b.base, '/staff')).status, 200, 'the session has ended on B too');
    assert.notEqual((await browser.get(a.base, '/staff')).status, 200);
  });

  const submit = (server: Server, key: string, i: number) =>
    fetch(`${server.base}/api/referrals`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token.value}`, 'content-type': 'application/json', 'idempotency-key': key },
      body: JSON.stringify(referral(i)),
    });
  const stored = async () =>
    (
      await sql<{ n: number }>`select count(*)::int as n from access_referrals where created_by = ${token.id}`.execute(
        database.db,
      )
    ).rows[0]!.n;

  test('a submission retried on the other server gets the same referral, and only one is stored', async () => {
    const before = await stored();
    const first = await submit(a, 'retry-1', 1);
    assert.equal(first.status, 201);
    const again = await submit(b, 'retry-1', 1);
    assert.equal(again.status, 201);
    assert.equal(again.headers.get('idempotency-replayed'), 'true');
    assert.equal(((await again.json()) as { id: string }).id, ((await first.json()) as { id: string }).id);
    // Both at once: one waits for the other's key, then replays its answer.
    const [x, y] = await Promise.all([submit(a, 'together-2', 2), submit(b, 'together-2', 2)]);
    assert.deepEqual([x.status, y.status], [201, 201]);
    assert.equal(((await x.json()) as { id: string }).id, ((await y.json()) as { id: string }).id);
    assert.equal(await stored(), before + 2);
  });

  test("both servers' outbox workers deliver every notification exactly once between them", async () => {
    const start = Number(
      (await sql<{ id: number | null }>`select max(id) as id from outbox`.execute(database.db)).rows[0]!.id ?? 0,
    );
    // 120 submissions paced over about four seconds, alternating servers: each process's workers poll every
    // second, so each wakes several times while messages wait and both take some (exactly once either way).
    const pending: Promise<void>[] = [];
    for (let i = 0; i < 120; i++) {
      pending.push(
        submit(i % 2 ? b : a, `spread-${i}`, 100 + i).then(async (res) => {
          assert.equal(res.status, 201);
          await res.arrayBuffer();
        }),
      );
      await new Promise((r) => setTimeout(r, 30));
    }
    await Promise.all(pending);
    const ids = (
      await sql<{ id: number }>`select id from outbox where id > ${start} order by id`.execute(database.db)
    ).rows.map((r) => Number(r.id));
    assert.ok(ids.length >= 120, `a notification per referral at least (${ids.length})`);
    const end = Date.now() + 60_000;
    while (
      (
        await sql<{
          n: number;
        }>`select count(*)::int as n from outbox where id > ${start} and delivered_at is null`.execute(database.db)
      ).rows[0]!.n > 0
    ) {
      assert.ok(Date.now() < end, 'the outbox drained within a minute');
      await new Promise((r) => setTimeout(r, 200));
    }
    await new Promise((r) => setTimeout(r, 300)); // the last log lines reach the pipe
    const fromA = deliveredIds(a).filter((id) => id > start);
    const fromB = deliveredIds(b).filter((id) => id > start);
    const times = new Map<number, number>();
    for (const id of [...fromA, ...fromB]) times.set(id, (times.get(id) ?? 0) + 1);
    assert.deepEqual(
      ids.filter((id) => times.get(id) !== 1),
      [],
      'every message delivered by exactly one server, once',
    );
    assert.equal(times.size, ids.length, 'nothing delivered that is not in the outbox');
    assert.ok(fromA.length > 0 && fromB.length > 0, `both servers delivered (A ${fromA.length}, B ${fromB.length})`);
  });

  test('the sign-in limit counts attempts on both servers together', async () => {
    // The limit is 10 attempts a minute from one address. Counted per process, alternating
    // between two servers would allow 20; counted in the database, the 11th attempt is refused wherever it lands.
    await sql`delete from rate_limit_counters`.execute(database.db);
    const browser = new Browser();
    await browser.get(a.base, '/sign-in');
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) {
      const server = i % 2 === 0 ? a : b;
      statuses.push((await browser.post(server.base, '/sign-in', { username: 'spa', password: 'wrong' })).status);
    }
    assert.deepEqual(statuses, [...Array(10).fill(401), 429, 429]);
  });

  test('both stop cleanly on SIGTERM', async () => {
    a.child.kill('SIGTERM');
    b.child.kill('SIGTERM');
    assert.deepEqual(await Promise.all([a.exited, b.exited]), [0, 0]);
  });
});
