// Outbox delivery by several workers (issue 18): workers claiming batches with FOR UPDATE SKIP LOCKED deliver
// every message exactly once on every engine; on PostgreSQL a worker process SIGKILLed mid-batch, holding
// claimed messages, loses none of them (they reappear after the lease) and none is delivered twice; the
// backlog gauge on /healthz counts what waits and how old the oldest is.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import type { Database } from '../src/platform/db/database.ts';
import {
  type DeliveryAdapter,
  deliverPending,
  enqueue,
  outboxBacklog,
  startOutboxWorkers,
} from '../src/platform/outbox.ts';
import { startTestApp } from './support/app.ts';
import { openTestDatabase, testEngines } from './support/db.ts';

/** A gateway that records each delivery as a row (no unique key, so a second delivery would show). */
const recording = (db: Database['db'], worker: string): DeliveryAdapter => ({
  async deliver(message) {
    await sql`insert into test_receipts (outbox_id, worker) values (${message.id}, ${worker})`.execute(db);
  },
});

async function enqueueMany(db: Database['db'], n: number, at: Date) {
  for (let i = 0; i < n; i++) {
    await enqueue(db, { systemId: 'QMJ', topic: 'test.message', channel: 'text', payload: { i } }, { now: at });
  }
}

async function receipts(db: Database['db']) {
  const rows = await sql<{ outbox_id: number; n: number }>`select outbox_id, count(*)::int as n from test_receipts
    group by outbox_id`.execute(db);
  return new Map(rows.rows.map((r) => [Number(r.outbox_id), r.n]));
}

async function waitUntil(check: () => Promise<boolean>, ms: number, what: string) {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

for (const engine of testEngines()) {
  describe(`outbox workers on ${engine}`, () => {
    let database: Database;
    before(async () => {
      database = await openTestDatabase(engine);
      await sql`create table test_receipts (outbox_id bigint not null, worker text not null)`.execute(database.db);
    });
    after(async () => database?.close());

    test('four workers in batches of 7 deliver 300 messages, each exactly once', async () => {
      const db = database.db;
      await enqueueMany(db, 300, new Date(Date.now() - 1000));
      const backlog = await outboxBacklog(db);
      assert.equal(backlog.waiting, 300);
      assert.ok(backlog.oldestWaitingSeconds >= 0);
      const workers = [0, 1, 2, 3].map((w) =>
        startOutboxWorkers(db, recording(db, `w${w}`), { workers: 1, batchSize: 7, idleMs: 50 }),
      );
      await waitUntil(async () => (await outboxBacklog(db)).waiting === 0, 120_000, 'the backlog to drain');
      await Promise.all(workers.map((w) => w.stop()));
      const got = await receipts(db);
      assert.equal(got.size, 300);
      assert.deepEqual([...new Set(got.values())], [1], 'no message delivered twice');
      if (engine === 'postgres') {
        const by = await sql<{ worker: string }>`select distinct worker from test_receipts`.execute(db);
        assert.ok(by.rows.length > 1, 'more than one worker delivered');
      }
      await sql`delete from test_receipts`.execute(db);
      await sql`delete from outbox`.execute(db);
    });

    if (engine === 'postgres') {
      test('a worker killed with SIGKILL mid-batch loses nothing and doubles nothing', async () => {
        const db = database.db;
        await enqueueMany(db, 120, new Date(Date.now() - 1000));
        const child = spawn(process.execPath, [path.join(import.meta.dirname, 'support', 'outbox-child.ts')], {
          env: {
            ...process.env,
            OUTBOX_TEST_URL: process.env.TEST_DATABASE_URL,
            OUTBOX_TEST_SCHEMA: database.schema,
            OUTBOX_TEST_BATCH: '40',
            OUTBOX_TEST_DELIVER: '5',
            OUTBOX_TEST_LEASE_MS: '4000',
          },
          stdio: ['ignore', 'pipe', 'inherit'],
        });
        const exited = new Promise<NodeJS.Signals | null>((resolve) =>
          child.on('exit', (_code, signal) => resolve(signal)),
        );
        await new Promise<void>((resolve, reject) => {
          child.stdout.on('data', (chunk: Buffer) => {
            if (chunk.toString().includes('holding')) resolve();
          });
          child.on('exit', () => reject(new Error('the child worker exited before holding its batch')));
        });
        // It claimed 40, delivered 5 (and marked them), and holds 35 when it dies.
        child.kill('SIGKILL');
        assert.equal(await exited, 'SIGKILL');
        assert.equal((await receipts(db)).size, 5);

        // Straight away another worker takes everything else but not the dead worker's leased messages.
        const right = await deliverPending(db, recording(db, 'next'), { limit: 1000 });
        assert.deepEqual(right, { delivered: 80, failed: 0 });
        const gauge = await outboxBacklog(db);
        assert.equal(gauge.waiting, 35, 'the held messages still wait');

        // When the lease runs out, workers deliver them; every message exactly once.
        const workers = startOutboxWorkers(db, recording(db, 'after'), { workers: 3, batchSize: 10, idleMs: 100 });
        await waitUntil(async () => (await outboxBacklog(db)).waiting === 0, 60_000, 'the held messages');
        await workers.stop();
        const got = await receipts(db);
        const ids = (await sql<{ id: number }>`select id from outbox`.execute(db)).rows.map((r) => Number(r.id));
        assert.equal(ids.length, 120);
        assert.deepEqual(
          ids.filter((id) => got.get(id) !== 1),
          [],
          'every message delivered exactly once',
        );
        assert.equal(got.size, 120);
      });
    }
  });
}

describe('the backlog gauge on /healthz', () => {
  test('says how many messages wait and how old the oldest is', async () => {
    const t = await startTestApp('pglite', { seed: false });
    try {
      await enqueue(
        t.database.db,
        { systemId: 'QMJ', topic: 'test.message', channel: 'text', payload: {} },
        { now: new Date(Date.now() - 90_000) },
      );
      await sql`update outbox set created_at = now() - interval '90 seconds'`.execute(t.database.db);
      const body = (await t.app.inject('/healthz')).json();
      assert.equal(body.status, 'ok');
      assert.equal(body.outbox.waiting, 1);
      assert.ok(body.outbox.oldestWaitingSeconds >= 89 && body.outbox.oldestWaitingSeconds < 200, body.outbox);
    } finally {
      await t.close();
    }
  });
});
