// Concurrent bed allocation on real PostgreSQL: in each round `contenders` bed managers allocate the same free
// bed at once (each for their own waiting request); exactly one must win and the rest get 409. Not part of
// npm test.
//
//   DATABASE_URL=postgres://postgres@127.0.0.1:5432/test ./node_modules/.bin/node bench/beds-allocation.ts \
//     [--rounds 30] [--contenders 20]
//
// It creates a fresh schema, migrates, loads the demo data, then runs the rounds through the beds module's
// service (beds/index.ts, the same code the API calls), freeing the bed after each round. It reports winners per
// round (must be 1 every round), the latency of each allocation call (winner and losers) and the time a whole
// round takes, and drops the schema.
import { randomBytes } from 'node:crypto';
import { cpus } from 'node:os';
import { sql } from 'kysely';
import { migrations } from '../src/migrations.ts';
import { nhsNumberCheckDigit } from '../src/modules/access/index.ts';
import * as beds from '../src/modules/beds/index.ts';
import { systemActor } from '../src/platform/auth/roles.ts';
import { openPostgres } from '../src/platform/db/database.ts';
import { migrateToLatest } from '../src/platform/db/migrate.ts';
import { ConflictError } from '../src/platform/errors.ts';
import { DEMO_SYSTEM, seedDemoData } from '../src/seed.ts';

function args() {
  const o = { rounds: 30, contenders: 20 };
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i += 2) {
    const key = argv[i]?.replace(/^--/, '');
    const n = Number(argv[i + 1]);
    if (key === 'rounds') o.rounds = n;
    else if (key === 'contenders') o.contenders = n;
    else {
      process.stderr.write(`error: unknown flag ${argv[i]} (flags: --rounds --contenders)\n`);
      process.exit(2);
    }
  }
  return o;
}

function nhsNumber(i: number): string {
  for (let n = i * 11; ; n++) {
    const base = `997${String(n).padStart(6, '0')}`;
    const check = nhsNumberCheckDigit(base);
    if (check !== null) return `${base}${check}`;
  }
}
const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;

async function main() {
  const { rounds, contenders } = args();
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('Set DATABASE_URL to a PostgreSQL database');
  const schema = `bench_beds_${randomBytes(4).toString('hex')}`;
  const admin = await openPostgres({ url, poolSize: 1 });
  await sql`create schema ${sql.id(schema)}`.execute(admin.db);
  const database = await openPostgres({ url, schema, poolSize: Math.max(20, contenders) });
  try {
    await migrateToLatest(database.db, migrations, schema);
    await seedDemoData(database.db, 'postgres');
    const manager = {
      ...systemActor(DEMO_SYSTEM.id),
      kind: 'user' as const,
      id: 'bench-bed-manager',
      name: 'Bench bed manager',
      role: 'bed_manager' as const,
      organisationCode: null,
    };
    const calls: number[] = [];
    const roundTimes: number[] = [];
    const winners: number[] = [];
    let other = 0;
    let person = 0;
    for (let round = 0; round < rounds; round++) {
      const now = new Date();
      const requests = [];
      for (let k = 0; k < contenders; k++) {
        requests.push(
          await beds.requestBed(
            database.db,
            manager,
            {
              nhsNumber: nhsNumber(person++),
              givenName: 'Bench',
              familyName: `Person ${person}`,
              birthDate: '1980-01-01',
              homePostcode: 'N19 5HX',
              wardType: 'adult-acute',
              sex: 'female',
              urgency: 'emergency',
              source: 'liaison',
            },
            { now },
          ),
        );
      }
      const detail = await beds.getRequest(database.db, manager, requests[0].id, { now });
      const bedId = detail.proposals[0]?.bed.id;
      if (!bedId) throw new Error('no free adult acute bed for a woman in the demo data');
      const started = performance.now();
      const results = await Promise.all(
        requests.map(async (r) => {
          const t0 = performance.now();
          try {
            await beds.allocateBed(database.db, manager, r.id, { bedId }, { now: new Date() });
            return { ok: true, ms: performance.now() - t0 };
          } catch (e) {
            if (!(e instanceof ConflictError)) other++;
            return { ok: false, ms: performance.now() - t0 };
          }
        }),
      );
      roundTimes.push(performance.now() - started);
      for (const r of results) calls.push(r.ms);
      winners.push(results.filter((r) => r.ok).length);
      // Free the bed and close every request of the round.
      for (const r of requests) await beds.cancelRequest(database.db, manager, r.id, { now: new Date() });
    }
    calls.sort((a, b) => a - b);
    roundTimes.sort((a, b) => a - b);
    const f = (n: number) => n.toFixed(1);
    console.log(
      JSON.stringify(
        {
          machine: `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}`,
          rounds,
          contenders,
          roundsWithExactlyOneWinner: winners.filter((w) => w === 1).length,
          winnersPerRound: [...new Set(winners)],
          errorsOtherThan409: other,
          allocationCallMs: { p50: f(pct(calls, 50)), p95: f(pct(calls, 95)), max: f(calls.at(-1) ?? 0) },
          roundMs: { p50: f(pct(roundTimes, 50)), p95: f(pct(roundTimes, 95)), max: f(roundTimes.at(-1) ?? 0) },
        },
        null,
        2,
      ),
    );
  } finally {
    await database.close();
    await sql`drop schema ${sql.id(schema)} cascade`.execute(admin.db);
    await admin.close();
  }
}

await main();
