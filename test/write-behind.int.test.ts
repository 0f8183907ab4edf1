// Write-behind (src/platform/db/write-behind.ts) on every engine: a held write is seen by whatever the
// transaction reads next, commits with it or not at all, and stores exactly what a parameterised write would.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import pg from 'pg';
import { type AnyDb, type Database, writeLater } from '../src/platform/db/database.ts';
import { openTestDatabase, testEngines } from './support/db.ts';

type Row = {
  id: number;
  label: string;
  at: Date | null;
  details: unknown;
  flag: boolean | null;
  amount: string | null;
  tags: string[] | null;
};

const tricky: Omit<Row, 'id'> = {
  label: 'O\'Brien \\ "quoted" — ünïcödé; drop table wb_rows; --',
  at: new Date('2026-12-06T10:15:30.123Z'),
  details: { nested: { list: [1, 'two', null] }, quote: "it's", slash: 'a\\b' },
  flag: false,
  amount: '12345.678',
  tags: ['a', 'b c', 'd"e', 'f\\g', "h'i"],
};

for (const engine of testEngines()) {
  describe(`write-behind on ${engine}`, () => {
    let database: Database;
    let db: AnyDb;
    before(async () => {
      database = await openTestDatabase(engine);
      db = database.db;
      await sql`create table wb_rows (
        id int primary key,
        label text not null check (label <> 'refused'),
        at timestamptz,
        details jsonb,
        flag boolean,
        amount numeric,
        tags text[]
      )`.execute(db);
    });
    after(async () => database?.close());

    const insert = (tx: AnyDb, id: number, row: Partial<Omit<Row, 'id'>> = {}) =>
      tx.insertInto('wb_rows').values({
        id,
        label: row.label ?? `row ${id}`,
        at: row.at ?? null,
        details: row.details === undefined ? null : JSON.stringify(row.details),
        flag: row.flag ?? null,
        amount: row.amount ?? null,
        tags: row.tags ?? null,
      });
    const ids = async () =>
      (await db.selectFrom('wb_rows').select('id').orderBy('id').execute()).map((r) => r.id as number);
    const clear = () => db.deleteFrom('wb_rows').execute();

    test('a held write is seen by the next read in its transaction, and is committed with it', async () => {
      await clear();
      const seen = await db.transaction().execute(async (tx) => {
        await writeLater(tx, insert(tx, 1));
        await writeLater(tx, insert(tx, 2));
        return (await tx.selectFrom('wb_rows').select('id').orderBy('id').execute()).map((r) => r.id);
      });
      assert.deepEqual(seen, [1, 2]);
      assert.deepEqual(await ids(), [1, 2]);
    });

    test('a transaction of held writes only commits them all', async () => {
      await clear();
      await db.transaction().execute(async (tx) => {
        for (const id of [3, 4, 5]) await writeLater(tx, insert(tx, id));
      });
      assert.deepEqual(await ids(), [3, 4, 5]);
    });

    test('a held write stores exactly what the same write with parameters stores', async () => {
      await clear();
      await db.transaction().execute(async (tx) => {
        await insert(tx, 10, tricky).execute();
        await writeLater(tx, insert(tx, 11, tricky));
      });
      const rows = await db.selectFrom('wb_rows').selectAll().orderBy('id').execute();
      assert.equal(rows.length, 2);
      const [direct, held] = rows.map(({ id: _id, ...rest }) => rest);
      assert.ok(held && direct);
      assert.deepEqual(held, direct);
      assert.equal(held.label, tricky.label);
      assert.deepEqual(held.details, tricky.details);
      assert.deepEqual(held.tags, tricky.tags);
      assert.equal((held.at as Date).toISOString(), tricky.at?.toISOString());
    });

    test('a held write that fails fails its transaction: nothing in it is committed', async () => {
      await clear();
      await assert.rejects(
        db.transaction().execute(async (tx) => {
          await insert(tx, 20).execute();
          await writeLater(tx, insert(tx, 21));
          await writeLater(tx, insert(tx, 22, { label: 'refused' }));
          await tx.selectFrom('wb_rows').select('id').execute();
        }),
        /check constraint/,
      );
      assert.deepEqual(await ids(), []);
    });

    test('a held write that fails at the commit fails the commit', async () => {
      await clear();
      await insert(db, 30).execute();
      await assert.rejects(
        db.transaction().execute(async (tx) => {
          await writeLater(tx, insert(tx, 31));
          await writeLater(tx, insert(tx, 30)); // the same key again
        }),
        /duplicate key/,
      );
      assert.deepEqual(await ids(), [30]);
    });

    test('a transaction that throws takes its held writes with it', async () => {
      await clear();
      await assert.rejects(
        db.transaction().execute(async (tx) => {
          await writeLater(tx, insert(tx, 40));
          throw new Error('changed my mind');
        }),
        /changed my mind/,
      );
      assert.deepEqual(await ids(), []);
      // The connection goes back to the pool clean: the next transaction holds nothing of the last one's.
      await db.transaction().execute(async (tx) => {
        await writeLater(tx, insert(tx, 41));
      });
      assert.deepEqual(await ids(), [41]);
    });

    test('outside a transaction a held write runs at once', async () => {
      await clear();
      await writeLater(db, insert(db, 50));
      assert.deepEqual(await ids(), [50]);
      await assert.rejects(writeLater(db, insert(db, 50)), /duplicate key/);
    });

    test('a transaction with an isolation level still holds and commits', async () => {
      await clear();
      await db
        .transaction()
        .setIsolationLevel('serializable')
        .execute(async (tx) => {
          await writeLater(tx, insert(tx, 60));
          assert.equal((await tx.selectFrom('wb_rows').select('id').execute()).length, 1);
        });
      assert.deepEqual(await ids(), [60]);
    });

    test('on PostgreSQL, BEGIN rides with the first statement and the held writes with COMMIT', {
      skip: engine !== 'postgres' && 'the embedded database has no round trips to save',
    }, async () => {
      await clear();
      const sent: string[] = [];
      const original = pg.Client.prototype.query;
      pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
        sent.push(String(typeof args[0] === 'string' ? args[0] : (args[0] as { text?: string }).text));
        return (original as (...a: unknown[]) => unknown).apply(this, args);
      } as typeof original;
      try {
        await db.transaction().execute(async (tx) => {
          await tx.selectFrom('wb_rows').select('id').execute();
          await writeLater(tx, insert(tx, 70, tricky));
          await writeLater(tx, insert(tx, 71));
        });
      } finally {
        pg.Client.prototype.query = original;
      }
      assert.equal(sent.length, 2, `two round trips, not ${sent.length}: ${sent.join(' | ')}`);
      assert.match(sent[0] ?? '', /^begin;\nselect "id" from "wb_rows"$/);
      assert.match(sent[1] ?? '', /^insert into "wb_rows" .*;\ninsert into "wb_rows" .*;\ncommit$/s);
      assert.deepEqual(await ids(), [70, 71]);
    });

    test('transactions on many connections at once keep their own held writes', async () => {
      await clear();
      await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          db
            .transaction()
            .execute(async (tx) => {
              await writeLater(tx, insert(tx, 100 + i));
              const mine = await tx
                .selectFrom('wb_rows')
                .select('id')
                .where('id', '=', 100 + i)
                .execute();
              assert.equal(mine.length, 1);
              if (i % 5 === 0) throw new Error('rolled back on purpose');
            })
            .catch((error: Error) => assert.match(error.message, /on purpose/)),
        ),
      );
      const expected = Array.from({ length: 20 }, (_, i) => i)
        .filter((i) => i % 5 !== 0)
        .map((i) => 100 + i);
      assert.deepEqual(await ids(), expected);
    });
  });
}
