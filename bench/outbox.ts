// Outbox delivery rate by worker count, on real PostgreSQL. Not part of npm test.
//
//   DATABASE_URL=postgres://postgres@127.0.0.1:5432/test ./node_modules/.bin/node bench/outbox.ts \
//     [--messages 5000] [--workers 1,4] [--batch 50] [--gateway-ms 2]
//
// For each worker count: a fresh schema, `messages` waiting outbox rows, then startOutboxWorkers with an
// adapter that takes `gateway-ms` per message (a stand-in for an email/SMS gateway's answer time) drains them;
// reports messages delivered per second and checks each was delivered exactly once. The old poller (one
// worker, 50 every 5 s) delivered at most 10 a second whatever the gateway's speed.
import { randomBytes } from 'node:crypto';
import { cpus, loadavg } from 'node:os';
import { sql } from 'kysely';
import { migrations } from '../src/migrations.ts';
import { openPostgres } from '../src/platform/db/database.ts';
import { migrateToLatest } from '../src/platform/db/migrate.ts';
import { outboxBacklog, startOutboxWorkers } from '../src/platform/outbox.ts';

const args = process.argv.slice(2);
const opt = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const messages = Number(opt('messages', '5000'));
const workerCounts = opt('workers', '1,4').split(',').map(Number);
const batch = Number(opt('batch', '50'));
const gatewayMs = Number(opt('gateway-ms', '2'));
const url = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

console.log(
  `Machine: ${cpus().length} logical CPUs, ${cpus()[0]?.model}; Node ${process.version}; load average ${loadavg()[0].toFixed(1)} (shared).`,
);
console.log(
  `Command: DATABASE_URL=${url} ./node_modules/.bin/node bench/outbox.ts --messages ${messages} --workers ${workerCounts.join(',')} --batch ${batch} --gateway-ms ${gatewayMs}\n`,
);
console.log('| workers | messages | seconds | delivered/s | exactly once |\n| ---: | ---: | ---: | ---: | --- |');
for (const workers of workerCounts) {
  const schema = `bench_${randomBytes(5).toString('hex')}`;
  const admin = await openPostgres({ url, poolSize: 1 });
  await sql`create schema ${sql.id(schema)}`.execute(admin.db);
  await admin.close();
  const database = await openPostgres({ url, schema, poolSize: workers + 2 });
  try {
    await migrateToLatest(database.db, migrations, schema);
    await sql`insert into outbox (system_id, topic, channel, payload, next_attempt_at)
      select 'QMJ', 'bench', 'text', jsonb_build_object('i', g), now() - interval '1 second'
      from generate_series(1, ${messages}) g`.execute(database.db);
    const delivered = new Map<number, number>();
    const start = performance.now();
    const running = startOutboxWorkers(
      database.db,
      {
        async deliver(m) {
          if (gatewayMs) await new Promise((r) => setTimeout(r, gatewayMs));
          delivered.set(m.id, (delivered.get(m.id) ?? 0) + 1);
        },
      },
      { workers, batchSize: batch, idleMs: 50 },
    );
    while ((await outboxBacklog(database.db)).waiting > 0) await new Promise((r) => setTimeout(r, 50));
    const seconds = (performance.now() - start) / 1000;
    await running.stop();
    const once = delivered.size === messages && [...delivered.values()].every((n) => n === 1);
    console.log(
      `| ${workers} | ${messages} | ${seconds.toFixed(1)} | ${(messages / seconds).toFixed(0)} | ${once ? 'yes' : 'NO'} |`,
    );
  } finally {
    await database.close();
    const cleanup = await openPostgres({ url, poolSize: 1 });
    await sql`drop schema ${sql.id(schema)} cascade`.execute(cleanup.db);
    await cleanup.close();
  }
}
