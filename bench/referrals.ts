// Referral intake under load, on real PostgreSQL. Not part of npm test.
//
//   DATABASE_URL=postgres://postgres@127.0.0.1:5432/test ./node_modules/.bin/node bench/referrals.ts \
//     [--rate 40] [--duration 20] [--read-share 0.3] [--retry-share 0.05] [--concurrency 64] [--baseline 1] [--bare-rate RATE] [--keep 0] [--profile FILE.cpuprofile] [--out bench/results/referrals.md]
//
// Creates a fresh schema, migrates it, loads the NCL demo data and analyzes it (as autovacuum would), starts the app in this process on a
// free port, and drives the HTTP API open-loop: requests are started at a fixed rate whatever the
// latency (a request that cannot start because `concurrency` are in flight is counted as shed, not
// queued), for a bounded time. A share are worklist reads (GET /api/referrals); the rest are submissions
// (POST /api/referrals) with a unique Idempotency-Key, some of which are sent a second time with the same
// key, as a client retrying after a timeout would. Afterwards it checks in the database that every
// accepted submission is stored exactly once: one referral per key, the id the client was given, and no
// referral the clients were not told about. Then, in the same run and process, it drives a bare Fastify route
// that inserts one row into PostgreSQL (the same pool, the same body) open-loop at the same rate, and reports
// Core Offer's submission rate and latency as a ratio of that baseline (issue 18; `--baseline 0` skips it;
// `--bare-rate` offers the baseline a different rate, to find where it saturates).
// Then it drops the schema (`--keep 1` leaves it, and prints its name, to EXPLAIN the statements against).
import { randomBytes } from 'node:crypto';
import { appendFileSync, existsSync, writeFileSync } from 'node:fs';
import inspector from 'node:inspector/promises';
import { cpus, loadavg } from 'node:os';
import Fastify from 'fastify';
import { sql } from 'kysely';
import { buildApp } from '../src/app.ts';
import { migrations } from '../src/migrations.ts';
import { issueToken } from '../src/platform/auth/identity.ts';
import { systemActor } from '../src/platform/auth/roles.ts';
import { systemClock } from '../src/platform/clock.ts';
import { loadConfig } from '../src/platform/config.ts';
import { openPostgres } from '../src/platform/db/database.ts';
import { migrateToLatest } from '../src/platform/db/migrate.ts';
import { seedDemoData } from '../src/seed.ts';
import { analyzeSchema, body, openLoop, quantile } from './load.ts';

type Opts = {
  rate: number;
  duration: number;
  readShare: number;
  retryShare: number;
  concurrency: number;
  baseline: number;
  bareRate: number;
  keep: number;
  profile: string | null;
  out: string | null;
};

function parseArgs(argv: string[]): Opts {
  const o: Opts = {
    rate: 40,
    duration: 20,
    readShare: 0.3,
    retryShare: 0.05,
    concurrency: 64,
    baseline: 1,
    bareRate: 0,
    keep: 0,
    profile: null,
    out: null,
  };
  for (let i = 0; i < argv.length; i += 2) {
    const key = argv[i].replace(/^--/, '').replace(/-(\w)/g, (_, c: string) => c.toUpperCase());
    const raw = argv[i + 1];
    if (key === 'out' || key === 'profile') {
      o[key] = raw;
      continue;
    }
    const v = Number(raw);
    if (!(key in o) || !Number.isFinite(v) || v < 0) {
      process.stderr.write(
        `error: ${argv[i]} expects a number (flags: --rate --duration --read-share --retry-share --concurrency --baseline --bare-rate --keep --profile --out)\n`,
      );
      process.exit(2);
    }
    (o as Record<string, unknown>)[key] = v;
  }
  return o;
}

type Sample = { kind: 'submit' | 'retry' | 'read'; ms: number; status: number };

/**
 * The baseline: a bare Fastify route that inserts one row, driven open-loop at `rate` for `duration` s with the
 * same body and the same concurrency cap. Returns its successful rate and latency quantiles.
 */
async function bareBaseline(
  database: Awaited<ReturnType<typeof openPostgres>>,
  o: Opts,
): Promise<{ rate: number; p50: number; p99: number; count: number; shed: number; stored: number }> {
  await sql`create table bench_bare (id bigserial primary key, key text not null, body jsonb not null)`.execute(
    database.db,
  );
  const bare = Fastify({ logger: false });
  bare.post('/bare', async (request, reply) => {
    const key = String(request.headers['idempotency-key'] ?? '');
    const row = await sql<{ id: number }>`insert into bench_bare (key, body)
      values (${key}, ${JSON.stringify(request.body)}::jsonb) returning id`.execute(database.db);
    return reply.status(201).send({ id: row.rows[0].id });
  });
  await bare.listen({ port: 0, host: '127.0.0.1' });
  const address = bare.server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/bare`;
  const ms: number[] = [];
  let ok = 0;
  const rate = o.bareRate || o.rate;
  const start = performance.now();
  const { shed } = await openLoop({ rate, duration: o.duration, concurrency: o.concurrency }, async (n) => {
    const t0 = performance.now();
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': `bare-${n}` },
      body: JSON.stringify(body(n)),
    });
    await res.arrayBuffer();
    ms.push(performance.now() - t0);
    if (res.status === 201) ok++;
  });
  const elapsed = (performance.now() - start) / 1000;
  await bare.close();
  const stored = await sql<{ n: number }>`select count(*)::int as n from bench_bare`.execute(database.db);
  ms.sort((a, b) => a - b);
  return {
    rate: ok / elapsed,
    p50: quantile(ms, 0.5),
    p99: quantile(ms, 0.99),
    count: ms.length,
    shed,
    stored: stored.rows[0].n,
  };
}

async function main() {
  const o = parseArgs(process.argv.slice(2));
  const url = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const schema = `bench_${randomBytes(5).toString('hex')}`;
  const admin = await openPostgres({ url, poolSize: 1 });
  await sql`create schema ${sql.id(schema)}`.execute(admin.db);
  await admin.close();
  const database = await openPostgres({ url, schema, poolSize: 10 });
  let server: Awaited<ReturnType<typeof buildApp>> | null = null;
  try {
    await migrateToLatest(database.db, migrations, schema);
    await seedDemoData(database.db, 'postgres');
    // Production PostgreSQL's autovacuum gathers statistics as tables fill; this machine's has autovacuum off,
    // so without this the planner picks indexes blind (the worklist's grant probe took 100 ms, not 2 ms).
    await analyzeSchema(database.db, schema);
    const { token, value } = await issueToken(database.db, systemActor('QMJ'), {
      label: 'benchmark',
      role: 'spa',
      value: `bench-${randomBytes(8).toString('hex')}`,
    });
    const config = loadConfig({ LOG_LEVEL: 'silent', DATABASE_URL: url });
    server = await buildApp({ config, database, clock: systemClock, demoMode: false });
    await server.listen({ port: 0, host: '127.0.0.1' });
    const address = server.server.address();
    const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    const headers = { authorization: `Bearer ${value}`, 'content-type': 'application/json' };

    // Warm up: routing caches, prepared plans, connections.
    for (let i = 0; i < 5; i++) {
      await fetch(`${base}/api/referrals?status=received`, { headers });
    }

    // A CPU profile of the load phase only (not the seeding before it), for Chrome DevTools or speedscope.
    const profiler = o.profile ? new inspector.Session() : null;
    if (profiler) {
      profiler.connect();
      await profiler.post('Profiler.enable');
      await profiler.post('Profiler.start');
    }

    const samples: Sample[] = [];
    const accepted = new Map<string, string>(); // idempotency key → referral id from the first 201
    const mismatches: string[] = [];
    let seq = 0;
    const retryQueue: { key: string; i: number }[] = [];

    const timed = async (
      kind: Sample['kind'],
      run: () => Promise<Response>,
      after?: (r: Response) => Promise<void>,
    ) => {
      const t0 = performance.now();
      const res = await run();
      samples.push({ kind, ms: performance.now() - t0, status: res.status });
      if (after) await after(res);
      else await res.arrayBuffer();
    };

    const submit = (i: number, key: string, kind: 'submit' | 'retry') =>
      timed(
        kind,
        () =>
          fetch(`${base}/api/referrals`, {
            method: 'POST',
            headers: { ...headers, 'idempotency-key': key },
            body: JSON.stringify(body(i)),
          }),
        async (res) => {
          const json = (await res.json()) as { id?: string };
          if (res.status !== 201 || !json.id) return;
          const seen = accepted.get(key);
          if (seen === undefined) accepted.set(key, json.id);
          else if (seen !== json.id) mismatches.push(`${key}: ${seen} then ${json.id}`);
          if (kind === 'submit' && Math.random() < o.retryShare) retryQueue.push({ key, i });
        },
      );

    const start = performance.now();
    const { shed, errors, sendingEnded } = await openLoop(o, () => {
      const retry = retryQueue.shift();
      if (retry) return submit(retry.i, retry.key, 'retry');
      if (Math.random() < o.readShare) {
        return timed('read', () =>
          fetch(`${base}/api/referrals?status=received&status=triaged&pageSize=25`, { headers }),
        );
      }
      const i = seq++;
      return submit(i, `bench-${i}`, 'submit');
    });
    const elapsed = (performance.now() - start) / 1000;
    if (profiler && o.profile) {
      const { profile } = await profiler.post('Profiler.stop');
      writeFileSync(o.profile, JSON.stringify(profile));
      profiler.disconnect();
    }

    // Every accepted submission is in the database exactly once, with the id its client was given.
    const rows = await database.db
      .selectFrom('access_referrals')
      .select(['id'])
      .where('created_by', '=', token.id)
      .execute();
    const stored = new Set(rows.map((r) => r.id as string));
    const given = new Set(accepted.values());
    const missing = [...given].filter((id) => !stored.has(id));
    const unexpected = [...stored].filter((id) => !given.has(id));
    const keyRows = await sql<{ n: number }>`select count(*)::int as n from idempotency_keys
      where actor_id = ${token.id} and response_status = 201`.execute(database.db);
    const exactlyOnce =
      missing.length === 0 &&
      unexpected.length === 0 &&
      mismatches.length === 0 &&
      rows.length === accepted.size &&
      keyRows.rows[0].n === accepted.size;

    const by = (kind: Sample['kind']) => samples.filter((s) => s.kind === kind);
    const ok = samples.filter((s) => s.status < 400);
    const line = (label: string, list: Sample[]) => {
      const ms = list.map((s) => s.ms).sort((a, b) => a - b);
      const bad = list.filter((s) => s.status >= 400).length;
      return `| ${label} | ${list.length} | ${bad} | ${quantile(ms, 0.5).toFixed(1)} | ${quantile(ms, 0.99).toFixed(1)} | ${ms.length ? ms[ms.length - 1].toFixed(1) : '–'} |`;
    };
    // The bare baseline, after the app's run, in the same process and against the same database.
    const submits = by('submit').filter((x) => x.status === 201);
    const submitMs = submits.map((x) => x.ms).sort((a, b) => a - b);
    const appSubmitRate = submits.length / elapsed;
    const baseline = o.baseline ? await bareBaseline(database, o) : null;
    const cpu = cpus()[0]?.model ?? 'unknown CPU';
    const report = [
      `### Offered ${o.rate} requests/s for ${o.duration} s (${new Date().toISOString().slice(0, 16)}Z)`,
      '',
      `Machine: ${cpus().length} logical CPUs (nproc), ${cpu}; Node ${process.version}; PostgreSQL at ${database.location}, pool 10; app and load generator in one process.`,
      `Command: \`DATABASE_URL=${url} ./node_modules/.bin/node bench/referrals.ts --rate ${o.rate} --duration ${o.duration} --read-share ${o.readShare} --retry-share ${o.retryShare} --concurrency ${o.concurrency} --baseline ${o.baseline}${o.bareRate ? ` --bare-rate ${o.bareRate}` : ''}\`; load average at the start ${loadavg()[0].toFixed(1)} (the machine is shared).`,
      '',
      `Sustained throughput: **${(ok.length / elapsed).toFixed(1)} successful requests/s** (${ok.length} in ${elapsed.toFixed(1)} s, of which ${(sendingEnded - start) / 1000 < elapsed ? `${(elapsed - (sendingEnded - start) / 1000).toFixed(1)} s draining` : 'no drain'}); shed at the concurrency cap: ${shed}; transport errors: ${errors}.`,
      '',
      '| requests | count | 4xx/5xx | p50 ms | p99 ms | max ms |',
      '| --- | ---: | ---: | ---: | ---: | ---: |',
      line('submit (POST /api/referrals)', by('submit')),
      line('retry with the same key', by('retry')),
      line('worklist read (GET /api/referrals)', by('read')),
      line('all', samples),
      '',
      ...(baseline
        ? [
            `Bare Fastify + one INSERT, same run, offered ${o.bareRate || o.rate} submissions/s for ${o.duration} s: ${baseline.rate.toFixed(1)} stored/s (${baseline.count} answered, ${baseline.shed} shed, ${baseline.stored} rows), p50 ${baseline.p50.toFixed(1)} ms, p99 ${baseline.p99.toFixed(1)} ms.`,
            `Core Offer submissions against it: **${(appSubmitRate / baseline.rate).toFixed(2)}× the bare rate** (${appSubmitRate.toFixed(1)}/s of submissions inside a ${Math.round((1 - o.readShare) * 100)}% submission mix, so compare at saturation), p50 ${(quantile(submitMs, 0.5) / baseline.p50).toFixed(1)}× and p99 ${(quantile(submitMs, 0.99) / baseline.p99).toFixed(1)}× the bare latency.`,
            '',
          ]
        : []),
      `Exactly once: **${exactlyOnce ? 'yes' : 'NO'}**: ${accepted.size} accepted keys, ${rows.length} referrals stored for the benchmark token, ${keyRows.rows[0].n} idempotency keys with a 201; missing ${missing.length}, unexpected ${unexpected.length}, retries given a different id ${mismatches.length}.`,
      '',
    ].join('\n');
    process.stdout.write(`${report}\n`);
    if (o.out) {
      if (!existsSync(o.out)) writeFileSync(o.out, '# Referral intake benchmark\n\n');
      appendFileSync(o.out, `${report}\n`);
    }
    if (!exactlyOnce) process.exitCode = 1;
  } finally {
    await server?.close();
    await database.close();
    if (o.keep) process.stdout.write(`Kept schema ${schema}: drop it with \`drop schema ${schema} cascade\`.\n`);
    else {
      const cleanup = await openPostgres({ url, poolSize: 1 });
      await sql`drop schema ${sql.id(schema)} cascade`.execute(cleanup.db);
      await cleanup.close();
    }
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
