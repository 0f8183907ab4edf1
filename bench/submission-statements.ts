// Helper (not a benchmark): the SQL one referral submission and one worklist read send, in order, on real
// PostgreSQL.
//   DATABASE_URL=postgres://postgres@127.0.0.1:5432/test ./node_modules/.bin/node bench/submission-statements.ts
// Counts every query the app's pool sends for one POST /api/referrals (after a warm-up submission) and one
// GET /api/referrals page, so the round trips in docs/benchmarks.md can be checked. A script of several
// statements (write-behind sends them) is one round trip and is listed once, by its start.
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import pg from 'pg';
import { buildApp } from '../src/app.ts';
import { migrations } from '../src/migrations.ts';
import { nhsNumberCheckDigit } from '../src/modules/access/index.ts';
import { issueToken } from '../src/platform/auth/identity.ts';
import { systemActor } from '../src/platform/auth/roles.ts';
import { systemClock } from '../src/platform/clock.ts';
import { loadConfig } from '../src/platform/config.ts';
import { openPostgres } from '../src/platform/db/database.ts';
import { migrateToLatest } from '../src/platform/db/migrate.ts';
import { seedDemoData } from '../src/seed.ts';

const url = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const schema = `bench_${randomBytes(5).toString('hex')}`;
const admin = await openPostgres({ url, poolSize: 1 });
await sql`create schema ${sql.id(schema)}`.execute(admin.db);
await admin.close();
const database = await openPostgres({ url, schema, poolSize: 4 });
const seen: string[] = [];
let counting = false;
const original = pg.Client.prototype.query;
pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
  if (counting) {
    const text = typeof args[0] === 'string' ? args[0] : (args[0] as { text?: string })?.text;
    seen.push(String(text).replace(/\s+/g, ' ').slice(0, 110));
  }
  return (original as (...a: unknown[]) => unknown).apply(this, args);
} as typeof original;
const nhs = (n: number) => {
  for (let b = n; ; b++) {
    const nine = `97${String(b).padStart(7, '0')}`;
    const check = nhsNumberCheckDigit(nine);
    if (check !== null) return `${nine}${check}`;
  }
};
try {
  await migrateToLatest(database.db, migrations, schema);
  await seedDemoData(database.db, 'postgres');
  const { value } = await issueToken(database.db, systemActor('QMJ'), { label: 'b', role: 'spa', value: 'stmts' });
  const app = await buildApp({
    config: loadConfig({ LOG_LEVEL: 'silent', DATABASE_URL: url }),
    database,
    clock: systemClock,
    demoMode: false,
  });
  await app.ready();
  const submit = (i: number) =>
    app.inject({
      method: 'POST',
      url: '/api/referrals',
      headers: { authorization: `Bearer ${value}`, 'idempotency-key': `s-${i}` },
      payload: {
        person: {
          nhsNumber: nhs(i * 3),
          givenName: 'Bench',
          familyName: `P${i}`,
          birthDate: '1948-03-04',
          postcode: 'N19 5HX',
          gpPractice: 'F83004',
        },
        component: 'podiatry',
        urgency: 'routine',
        reason: 'Load test referral',
        source: 'professional',
        communication: { preferredContact: 'phone', interpreter: false, bsl: false },
      },
    });
  await submit(1);
  counting = true;
  const res = await submit(2);
  counting = false;
  console.log(`status ${res.statusCode}; ${seen.length} statements:`);
  for (const [i, s] of seen.entries()) console.log(`${i + 1}. ${s}`);
  // The load benchmark's other request: one page of the worklist.
  seen.length = 0;
  counting = true;
  const read = await app.inject({
    url: '/api/referrals?status=received&status=triaged&pageSize=25',
    headers: { authorization: `Bearer ${value}` },
  });
  counting = false;
  console.log(`\nworklist read: status ${read.statusCode}; ${seen.length} statements:`);
  for (const [i, s] of seen.entries()) console.log(`${i + 1}. ${s}`);
  await app.close();
} finally {
  await database.close();
  const cleanup = await openPostgres({ url, poolSize: 1 });
  await sql`drop schema ${sql.id(schema)} cascade`.execute(cleanup.db);
  await cleanup.close();
}
