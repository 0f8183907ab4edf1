// Virtual ward observation ingest over HTTP on real PostgreSQL: each request is scored with NEWS2 and, when
// the risk rises, escalated in the same transaction. Not part of npm test.
//
//   DATABASE_URL=postgres://postgres@127.0.0.1:5432/test ./node_modules/.bin/node bench/virtual-wards.ts \
//     [--sizes 1,10] [--duration 15] [--concurrency 16]
//
// Size 1 is the NCL volume at the national ambition: 45 beds per 100,000 of NCL's 1.49 million residents is
// 670 patients on wards, each observed every 4 hours (6 a day): about 4,000 observations a day. Size 10 is ten
// times as many patients on wards. For each size it creates a fresh schema, migrates, loads the demo data,
// admits the patients, then drives POST /api/virtual-wards/admissions/{id}/observations closed-loop with
// `concurrency` clients for `duration` seconds (each with an Idempotency-Key, as a device gateway sends) and
// reports the sustained rate, latency percentiles, and the rate as a multiple of the size's daily need.
import { randomBytes } from 'node:crypto';
import { cpus } from 'node:os';
import { sql } from 'kysely';
import { buildApp } from '../src/app.ts';
import { migrations } from '../src/migrations.ts';
import { nhsNumberCheckDigit } from '../src/modules/access/index.ts';
import { admitPatient, createWard } from '../src/modules/virtualwards/index.ts';
import { issueToken } from '../src/platform/auth/identity.ts';
import { systemActor } from '../src/platform/auth/roles.ts';
import { systemClock } from '../src/platform/clock.ts';
import { loadConfig } from '../src/platform/config.ts';
import { openPostgres } from '../src/platform/db/database.ts';
import { migrateToLatest } from '../src/platform/db/migrate.ts';
import { DEMO_SYSTEM, seedDemoData } from '../src/seed.ts';

const PATIENTS_AT_SIZE_1 = 670;
const OBSERVATIONS_A_DAY = 6;

function args() {
  const o = { sizes: [1, 10], duration: 15, concurrency: 16 };
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i += 2) {
    const key = argv[i]?.replace(/^--/, '');
    const raw = argv[i + 1] ?? '';
    if (key === 'sizes') o.sizes = raw.split(',').map(Number);
    else if (key === 'duration') o.duration = Number(raw);
    else if (key === 'concurrency') o.concurrency = Number(raw);
    else {
      process.stderr.write(`error: unknown flag ${argv[i]} (flags: --sizes --duration --concurrency)\n`);
      process.exit(2);
    }
  }
  return o;
}

function nhsNumber(i: number): string {
  for (let n = i * 11; ; n++) {
    const base = `998${String(n).padStart(6, '0')}`;
    const check = nhsNumberCheckDigit(base);
    if (check !== null) return `${base}${check}`;
  }
}

const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;

async function runSize(url: string, size: number, duration: number, concurrency: number) {
  const schema = `bench_vw_${randomBytes(4).toString('hex')}`;
  const admin = await openPostgres({ url, poolSize: 1 });
  await sql`create schema ${sql.id(schema)}`.execute(admin.db);
  const database = await openPostgres({ url, schema, poolSize: 20 });
  try {
    await migrateToLatest(database.db, migrations, schema);
    await seedDemoData(database.db, 'postgres');
    const system = systemActor(DEMO_SYSTEM.id);
    const manager = {
      ...system,
      kind: 'user' as const,
      id: 'bench',
      name: 'Bench',
      role: 'provider' as const,
      organisationCode: 'RKE',
    };
    const clinician = { ...manager, role: 'clinician' as const };
    const patients = PATIENTS_AT_SIZE_1 * size;
    const PER_WARD = 500;
    for (let w = 0; w * PER_WARD < patients; w++) {
      await createWard(database.db, manager, {
        id: `bench-ward-${w}`,
        name: `Bench ward ${w}`,
        pathway: 'frailty',
        capacity: PER_WARD,
        minAge: 18,
        maxAge: 120,
        borough: 'Islington',
        providerCode: 'RKE',
      });
    }
    const admissions: string[] = [];
    const admittedAt = new Date(Date.now() - 3_600_000);
    for (let i = 0; i < patients; i++) {
      const r = await admitPatient(
        database.db,
        clinician,
        `bench-ward-${Math.floor(i / PER_WARD)}`,
        {
          nhsNumber: nhsNumber(i),
          givenName: 'Bench',
          familyName: `Patient ${i}`,
          birthDate: '1945-01-01',
          postcodeDistrict: 'N19',
          route: 'step-up',
          source: 'ucr',
          obsEveryHours: 4,
        },
        admittedAt,
      );
      admissions.push(r.admissionId);
    }
    await issueToken(database.db, system, {
      label: 'bench',
      role: 'clinician',
      value: 'bench-vw',
      organisationCode: 'RKE',
    });
    const config = loadConfig({ LOG_LEVEL: 'silent', DATABASE_URL: url });
    const app = await buildApp({ config, database, clock: systemClock, demoMode: false });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : 0;

    const latencies: number[] = [];
    let errors = 0;
    let seq = 0;
    const end = Date.now() + duration * 1000;
    const started = Date.now();
    async function client() {
      while (Date.now() < end) {
        const n = seq++;
        const admission = admissions[n % admissions.length];
        // Mostly normal readings, one in ten deteriorating (escalates in the same transaction).
        const worse = n % 10 === 0;
        const body = {
          respirationRate: worse ? 24 : 16,
          spo2: worse ? 93 : 97,
          onOxygen: false,
          systolicBP: 128,
          pulse: worse ? 112 : 76,
          consciousness: 'A',
          temperature: 37.1,
        };
        const t0 = performance.now();
        const res = await fetch(`http://127.0.0.1:${port}/api/virtual-wards/admissions/${admission}/observations`, {
          method: 'POST',
          headers: {
            authorization: 'Bearer bench-vw',
            'content-type': 'application/json',
            'idempotency-key': `bench-${n}`,
          },
          body: JSON.stringify(body),
        });
        await res.arrayBuffer();
        latencies.push(performance.now() - t0);
        if (res.status !== 201) errors++;
      }
    }
    await Promise.all(Array.from({ length: concurrency }, client));
    const seconds = (Date.now() - started) / 1000;
    await app.close();
    const stored = await database.db
      .selectFrom('vw_observations')
      .select(sql<number>`count(*)`.as('n'))
      .executeTakeFirstOrThrow();
    const sorted = latencies.toSorted((a, b) => a - b);
    const rate = latencies.length / seconds;
    const needPerSecond = (patients * OBSERVATIONS_A_DAY) / 86_400;
    return {
      size,
      patients,
      perDay: patients * OBSERVATIONS_A_DAY,
      requests: latencies.length,
      errors,
      stored: Number(stored.n),
      rate,
      p50: pct(sorted, 50),
      p99: pct(sorted, 99),
      headroom: rate / needPerSecond,
    };
  } finally {
    await database.close();
    await sql`drop schema ${sql.id(schema)} cascade`.execute(admin.db);
    await admin.close();
  }
}

const url = process.env.DATABASE_URL;
if (!url) {
  process.stderr.write(
    'error: set DATABASE_URL to a PostgreSQL database, e.g. postgres://postgres@127.0.0.1:5432/test\n',
  );
  process.exit(2);
}
const o = args();
process.stdout.write(
  `Virtual ward observation ingest over HTTP on PostgreSQL; ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), ` +
    `${o.concurrency} clients, ${o.duration} s per size\n\n` +
    '| size | patients on wards | observations a day | requests | errors | stored | sustained rate (/s) | p50 (ms) | p99 (ms) | rate ÷ need |\n' +
    '|---|---|---|---|---|---|---|---|---|---|\n',
);
for (const size of o.sizes) {
  const r = await runSize(url, size, o.duration, o.concurrency);
  process.stdout.write(
    `| ${r.size}× | ${r.patients} | ${r.perDay} | ${r.requests} | ${r.errors} | ${r.stored} | ${r.rate.toFixed(0)} | ${r.p50.toFixed(1)} | ${r.p99.toFixed(1)} | ${Math.round(r.headroom).toLocaleString('en-GB')} |\n`,
  );
}
