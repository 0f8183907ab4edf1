// A burst of device observation retries over HTTP on real PostgreSQL: every device posts its observation at
// the same moment, and each post is sent several times at once with the same Idempotency-Key (a gateway that
// times out and retries, or sends twice). Checks that each observation is stored exactly once and every copy
// gets the same answer. Not part of npm test.
//
//   DATABASE_URL=postgres://postgres@127.0.0.1:5432/test ./node_modules/.bin/node bench/virtual-wards-retries.ts \
//     [--sizes 0.1,1] [--copies 3] [--concurrency 48]
//
// Size 1 is every patient on NCL's wards at the national ambition (670: 45 beds per 100,000 of 1.49 million)
// uploading in the same burst; size 0.1 is 67 of them. For each size it creates a fresh schema, migrates,
// loads the demo data, admits the patients, then fires devices × copies posts (the copies of one device
// adjacent in the queue, so they are in flight together) through `concurrency` open connections, and reports
// the burst's duration, rate and latency, the answers (201 first, 200 replays), the observations stored and
// any key whose copies got different answers.
import { randomBytes } from 'node:crypto';
import { cpus, loadavg } from 'node:os';
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

function args() {
  const o = { sizes: [0.1, 1], copies: 3, concurrency: 48 };
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i += 2) {
    const key = argv[i]?.replace(/^--/, '');
    const raw = argv[i + 1] ?? '';
    if (key === 'sizes') o.sizes = raw.split(',').map(Number);
    else if (key === 'copies') o.copies = Number(raw);
    else if (key === 'concurrency') o.concurrency = Number(raw);
    else {
      process.stderr.write(`error: unknown flag ${argv[i]} (flags: --sizes --copies --concurrency)\n`);
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

async function runSize(url: string, size: number, copies: number, concurrency: number) {
  const schema = `bench_vwr_${randomBytes(4).toString('hex')}`;
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
    const devices = Math.round(PATIENTS_AT_SIZE_1 * size);
    await createWard(database.db, manager, {
      id: 'bench-ward',
      name: 'Bench ward',
      pathway: 'frailty',
      capacity: devices,
      minAge: 18,
      maxAge: 120,
      borough: 'Islington',
      providerCode: 'RKE',
    });
    const admissions: string[] = [];
    const admittedAt = new Date(Date.now() - 3_600_000);
    for (let i = 0; i < devices; i++) {
      const r = await admitPatient(
        database.db,
        clinician,
        'bench-ward',
        {
          nhsNumber: nhsNumber(i),
          givenName: 'Bench',
          familyName: `Patient ${i}`,
          birthDate: '1945-01-01',
          postcodeDistrict: 'N19',
          route: 'step-up',
          source: 'ucr',
          obsEveryHours: 4,
          visitsPerDay: 0,
        },
        admittedAt,
      );
      admissions.push(r.admissionId);
    }
    await issueToken(database.db, system, {
      label: 'bench',
      role: 'clinician',
      value: 'bench-vwr',
      organisationCode: 'RKE',
    });
    const config = loadConfig({ LOG_LEVEL: 'silent', DATABASE_URL: url });
    const app = await buildApp({ config, database, clock: systemClock, demoMode: false });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : 0;

    // The queue: each device's copies side by side, so they reach the server together.
    const queue = admissions.flatMap((admission, d) => Array.from({ length: copies }, () => ({ admission, d })));
    const answers = new Map<number, Set<string>>();
    const statuses: Record<string, number> = {};
    const latencies: number[] = [];
    let next = 0;
    const started = performance.now();
    async function connection() {
      while (next < queue.length) {
        const { admission, d } = queue[next++] as { admission: string; d: number };
        const worse = d % 10 === 0;
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
            authorization: 'Bearer bench-vwr',
            'content-type': 'application/json',
            'idempotency-key': `device-${d}-obs-1`,
          },
          body: JSON.stringify(body),
        });
        const json = (await res.json()) as { observationId?: string };
        latencies.push(performance.now() - t0);
        statuses[res.status] = (statuses[res.status] ?? 0) + 1;
        if (json.observationId) answers.set(d, (answers.get(d) ?? new Set()).add(json.observationId));
      }
    }
    await Promise.all(Array.from({ length: concurrency }, connection));
    const seconds = (performance.now() - started) / 1000;
    await app.close();
    const perAdmission = await database.db
      .selectFrom('vw_observations')
      .select(['admission_id', sql<number>`count(*)`.as('n')])
      .where('admission_id', 'in', admissions)
      .groupBy('admission_id')
      .execute();
    const sorted = latencies.toSorted((a, b) => a - b);
    return {
      size,
      devices,
      requests: queue.length,
      seconds,
      rate: queue.length / seconds,
      p50: pct(sorted, 50),
      p99: pct(sorted, 99),
      statuses,
      stored: perAdmission.reduce((s, r) => s + Number(r.n), 0),
      storedTwice: perAdmission.filter((r) => Number(r.n) !== 1).length + (devices - perAdmission.length),
      differingAnswers: [...answers.values()].filter((s) => s.size !== 1).length + (devices - answers.size),
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
  `Burst of device observation retries over HTTP on PostgreSQL; ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), ` +
    `load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')} at start; ${o.copies} copies of each post, ${o.concurrency} connections\n\n` +
    '| size | devices | posts | burst (s) | rate (/s) | p50 (ms) | p99 (ms) | 201 | 200 (replay) | other | stored | devices not stored exactly once | keys with differing answers |\n' +
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|\n',
);
for (const size of o.sizes) {
  const r = await runSize(url, size, o.copies, o.concurrency);
  const other = Object.entries(r.statuses)
    .filter(([s]) => s !== '201' && s !== '200')
    .map(([s, n]) => `${n}×${s}`)
    .join(', ');
  process.stdout.write(
    `| ${r.size}× | ${r.devices} | ${r.requests} | ${r.seconds.toFixed(1)} | ${r.rate.toFixed(0)} | ${r.p50.toFixed(0)} | ${r.p99.toFixed(0)} | ${r.statuses['201'] ?? 0} | ${r.statuses['200'] ?? 0} | ${other || 0} | ${r.stored} | ${r.storedTwice} | ${r.differingAnswers} |\n`,
  );
}
