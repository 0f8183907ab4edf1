// Idempotent commands and the outbox, on every engine.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { systemActor } from '../src/platform/auth/roles.ts';
import type { Database } from '../src/platform/db/database.ts';
import { withIdempotency } from '../src/platform/idempotency.ts';
import { deliverPending, enqueue, LogDeliveryAdapter } from '../src/platform/outbox.ts';
import { openTestDatabase, testEngines } from './support/db.ts';

for (const engine of testEngines()) {
  describe(`idempotency and outbox on ${engine}`, () => {
    let database: Database;
    before(async () => {
      database = await openTestDatabase(engine);
      await sql`create table things (id serial primary key, name text not null)`.execute(database.db);
    });
    after(async () => database?.close());
    const actor = systemActor('QMJ');
    const count = async () =>
      (await sql<{ n: number }>`select count(*)::int as n from things`.execute(database.db)).rows[0]!.n;

    test('the same key twice runs the command once and returns the same answer', async () => {
      const run = () =>
        withIdempotency(database.db, actor, { key: 'k-1', route: 'things', request: { name: 'a' } }, async (tx) => {
          const row = await tx.insertInto('things').values({ name: 'a' }).returning('id').executeTakeFirstOrThrow();
          return { status: 201, body: { id: row.id } };
        });
      const first = await run();
      const second = await run();
      assert.equal(first.replayed, false);
      assert.equal(second.replayed, true);
      assert.deepEqual(second.body, first.body);
      assert.equal(second.status, 201);
      assert.equal(await count(), 1);
    });

    test('concurrent retries with one key create one record', async () => {
      const before = await count();
      const attempts = await Promise.all(
        Array.from({ length: 5 }, () =>
          withIdempotency(database.db, actor, { key: 'k-2', route: 'things', request: { name: 'b' } }, async (tx) => {
            const row = await tx.insertInto('things').values({ name: 'b' }).returning('id').executeTakeFirstOrThrow();
            return { status: 201, body: { id: row.id } };
          }),
        ),
      );
      assert.equal(await count(), before + 1);
      assert.equal(new Set(attempts.map((a) => JSON.stringify(a.body))).size, 1);
      assert.equal(attempts.filter((a) => !a.replayed).length, 1);
    });

    test('a retry does not write again, and gets the first answer even where the command would now refuse', async () => {
      const request = { key: 'k-5', route: 'things', request: { name: 'e' } };
      const first = await withIdempotency(database.db, actor, request, async (tx) => {
        const row = await tx.insertInto('things').values({ name: 'e' }).returning('id').executeTakeFirstOrThrow();
        return { status: 201, body: { id: row.id } };
      });
      const before = await count();
      let wroteAgain = false;
      const retried = await withIdempotency(database.db, actor, request, async (tx) => {
        await tx.insertInto('things').values({ name: 'e' }).execute();
        wroteAgain = true;
        return { status: 201, body: { id: -1 } };
      });
      assert.equal(wroteAgain, false, 'the stored key stops the command before it writes');
      assert.deepEqual(retried, { ...first, replayed: true });
      // A command that checks today's state and refuses before sending anything: the retry is still answered.
      const refusedNow = await withIdempotency(database.db, actor, request, async () => {
        throw new Error('already done');
      });
      assert.deepEqual(refusedNow, { ...first, replayed: true });
      assert.equal(await count(), before, 'nothing written by either retry');
    });

    test('inside a caller’s transaction the key is taken first and a retry is answered the same way', async () => {
      const request = { key: 'k-6', route: 'things', request: { name: 'f' } };
      const run = () =>
        database.db.transaction().execute((tx) =>
          withIdempotency(tx, actor, request, async (inner) => {
            const row = await inner
              .insertInto('things')
              .values({ name: 'f' })
              .returning('id')
              .executeTakeFirstOrThrow();
            return { status: 201, body: { id: row.id } };
          }),
        );
      const before = await count();
      const first = await run();
      const second = await run();
      assert.equal(first.replayed, false);
      assert.deepEqual(second, { ...first, replayed: true });
      assert.equal(await count(), before + 1);
    });

    test('a key reused for a different request is refused; a failed command leaves no key behind', async () => {
      await assert.rejects(
        withIdempotency(database.db, actor, { key: 'k-1', route: 'things', request: { name: 'other' } }, async () => ({
          status: 201,
          body: {},
        })),
        /already used for a different request/,
      );
      await assert.rejects(
        withIdempotency(database.db, actor, { key: 'k-3', route: 'things', request: {} }, async (tx) => {
          await tx.insertInto('things').values({ name: 'c' }).execute();
          throw new Error('boom');
        }),
        /boom/,
      );
      const keys = await database.db.selectFrom('idempotency_keys').select('key').where('key', '=', 'k-3').execute();
      assert.equal(keys.length, 0, 'nothing half-written');
      await assert.rejects(
        withIdempotency(database.db, actor, { key: 'bad key!', route: 'things', request: {} }, async () => ({
          status: 200,
          body: {},
        })),
        /Idempotency-Key must be/,
      );
    });

    test('outbox messages are delivered once, only after their transaction commits, and retried on failure', async () => {
      // Only the deliberate rollback may end this transaction: a failing enqueue must fail the test.
      await assert.rejects(
        database.db.transaction().execute(async (tx) => {
          await enqueue(tx, { systemId: 'QMJ', topic: 'rolled-back', channel: 'text', payload: {} });
          throw new Error('roll back');
        }),
        /^Error: roll back$/,
      );
      await enqueue(database.db, {
        systemId: 'QMJ',
        topic: 'referral.accepted',
        channel: 'email',
        payload: { referralId: 'r1' },
      });
      let failures = 0;
      const flaky = {
        async deliver() {
          failures++;
          throw new Error('gateway down');
        },
      };
      assert.deepEqual(await deliverPending(database.db, flaky), { delivered: 0, failed: 1 });
      assert.equal(failures, 1);
      const adapter = new LogDeliveryAdapter();
      assert.deepEqual(
        await deliverPending(database.db, adapter),
        { delivered: 0, failed: 0 },
        'waits before retrying',
      );
      const later = new Date(Date.now() + 3_600_000);
      assert.deepEqual(await deliverPending(database.db, adapter, { now: later }), { delivered: 1, failed: 0 });
      assert.deepEqual(
        adapter.sent.map((m) => m.topic),
        ['referral.accepted'],
      );
      assert.deepEqual(await deliverPending(database.db, adapter, { now: later }), { delivered: 0, failed: 0 });
    });
  });
}
