// When PostgreSQL ends an idle connection (a restart, a failover, `drop database … with (force)`), the process
// carries on: the pool is told, drops the connection and opens another for the next query. Without a listener
// on the pool the error is thrown and ends the process; a CI run once failed that way in a test's teardown.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { sql } from 'kysely';
import { openPostgres } from '../src/platform/db/database.ts';

const url = process.env.TEST_DATABASE_URL;

describe('PostgreSQL connections', { skip: url ? false : 'TEST_DATABASE_URL is not set' }, () => {
  test('an idle connection the server ends is reported, and the next query reconnects', async () => {
    const reported: string[] = [];
    const database = await openPostgres({ url: url!, poolSize: 3, onIdleError: (e) => reported.push(e.message) });
    const admin = await openPostgres({ url: url!, poolSize: 1 });
    try {
      // Three queries at once hold three connections; then all three sit idle in the pool.
      const pids = await Promise.all(
        [1, 2, 3].map(async () => {
          const { rows } = await sql<{ pid: number }>`select pg_backend_pid() as pid, pg_sleep(0.1)`.execute(
            database.db,
          );
          return rows[0]!.pid;
        }),
      );
      assert.equal(new Set(pids).size, 3);

      await sql`select pg_terminate_backend(pid) from unnest(${pids}::int[]) as pid`.execute(admin.db);
      for (let waited = 0; reported.length < 3 && waited < 5000; waited += 20) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      assert.equal(reported.length, 3);
      assert.match(reported[0]!, /terminating connection due to administrator command/);

      const { rows } = await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(database.db);
      assert.ok(!pids.includes(rows[0]!.pid), 'a new connection answers');
    } finally {
      await database.close();
      await admin.close();
    }
  });
});
