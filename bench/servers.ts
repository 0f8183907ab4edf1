// Referral intake across several app processes sharing one PostgreSQL database (issue 18, goal 4). Not part
// of npm test; the correctness of the same set-up is test/two-servers.int.test.ts.
//
//   DATABASE_URL=postgres://postgres@127.0.0.1:5432/test ./node_modules/.bin/node bench/servers.ts \
//     [--servers 1,2] [--rate 300] [--duration 15] [--read-share 0.3] [--concurrency 64] [--out FILE.md]
//
// For each server count: a fresh database; the first `node src/main.ts` migrates and seeds it as `npm start`
// does, the statistics are gathered (autovacuum is off on this machine), the others start on it; then this
// process drives the same open-loop mix as bench/referrals.ts (submissions with Idempotency-Keys and worklist
// reads), sending request n to server n mod N, and checks every accepted submission is stored exactly once.
// The app processes log at warn (the in-process benchmark's app logs nothing), share one CSRF key, and each
// runs its own outbox workers. The load generator shares the 2-core machine with the servers and PostgreSQL.
import { randomBytes } from 'node:crypto';
import { appendFileSync, existsSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { sql } from 'kysely';
import { issueToken } from '../src/platform/auth/identity.ts';
import { systemActor } from '../src/platform/auth/roles.ts';
import { openPostgres } from '../src/platform/db/database.ts';
import { outboxBacklog } from '../src/platform/outbox.ts';
import { type MainProcess, startMainProcess } from '../test/support/server.ts';
import { analyzeSchema, body, openLoop, quantile } from './load.ts';

type Opts = { servers: number[]; rate: number; duration: number; readShare: number; concurrency: number; out: string };

function parseArgs(argv: string[]): Opts {
  const o: Opts = { servers: [1, 2], rate: 300, duration: 15, readShare: 0.3, concurrency: 64, out: '' };
  for (let i = 0; i < argv.length; i += 2) {
    const flag = argv[i];
    const raw = argv[i + 1] ?? '';
    if (flag === '--out') o.out = raw;
    else if (flag === '--servers') o.servers = raw.split(',').map(Number);
    else if (flag === '--rate') o.rate = Number(raw);
    else if (flag === '--duration') o.duration = Number(raw);
    else if (flag === '--read-share') o.readShare = Number(raw);
    else if (flag === '--concurrency') o.concurrency = Number(raw);
    else {
      process.stderr.write(
        `error: unknown flag ${flag} (flags: --servers --rate --duration --read-share --concurrency --out)\n`,
      );
      process.exit(2);
    }
  }
  const bad = [o.rate, o.duration, o.readShare, o.concurrency, ...o.servers].some((v) => !Number.isFinite(v) || v < 0);
  if (bad || o.servers.some((n) => !Number.isInteger(n) || n < 1)) {
    process.stderr.write('error: --servers expects whole numbers from 1 (e.g. 1,2); the others expect numbers\n');
    process.exit(2);
  }
  return o;
}

type Server = MainProcess;

// Ready when /healthz answers; at warn the server logs nothing per request.
const startServer = (databaseUrl: string, csrfKey: string): Promise<Server> =>
  startMainProcess({ DATABASE_URL: databaseUrl, CSRF_KEY: csrfKey, SECURE_COOKIES: 'false', LOG_LEVEL: 'warn' });

type Result = {
  servers: number;
  ok: number;
  elapsed: number;
  shed: number;
  errors: number;
  submit: number[];
  read: number[];
  exactlyOnce: boolean;
  accepted: number;
  stored: number;
  waiting: number;
};

async function runWith(n: number, o: Opts, url: string): Promise<Result> {
  const name = `co_bench_${randomBytes(5).toString('hex')}`;
  const admin = await openPostgres({ url, poolSize: 1 });
  await sql`create database ${sql.id(name)}`.execute(admin.db);
  await admin.close();
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  const databaseUrl = parsed.toString();
  const csrfKey = randomBytes(24).toString('hex');
  const servers: Server[] = [];
  const database = await openPostgres({ url: databaseUrl, poolSize: 2 });
  try {
    servers.push(await startServer(databaseUrl, csrfKey)); // migrates and seeds
    await analyzeSchema(database.db);
    while (servers.length < n) servers.push(await startServer(databaseUrl, csrfKey));
    const { token, value } = await issueToken(database.db, systemActor('QMJ'), {
      label: 'benchmark',
      role: 'spa',
      value: `bench-${randomBytes(8).toString('hex')}`,
    });
    const headers = { authorization: `Bearer ${value}`, 'content-type': 'application/json' };
    for (const s of servers) for (let i = 0; i < 5; i++) await fetch(`${s.base}/api/referrals`, { headers });

    const submit: number[] = [];
    const read: number[] = [];
    const accepted = new Set<string>();
    let ok = 0;
    let seq = 0;
    const start = performance.now();
    const { shed, errors } = await openLoop(o, async (k) => {
      const base = servers[k % servers.length].base;
      const isRead = Math.random() < o.readShare;
      const i = isRead ? -1 : seq++;
      const t0 = performance.now();
      const res = await (isRead
        ? fetch(`${base}/api/referrals?status=received&status=triaged&pageSize=25`, { headers })
        : fetch(`${base}/api/referrals`, {
            method: 'POST',
            headers: { ...headers, 'idempotency-key': `bench-${i}` },
            body: JSON.stringify(body(i)),
          }));
      const json = (await res.json()) as { id?: string };
      (isRead ? read : submit).push(performance.now() - t0);
      if (res.status < 400) ok++;
      if (!isRead && res.status === 201 && json.id) accepted.add(json.id);
    });
    const elapsed = (performance.now() - start) / 1000;
    const rows = await database.db
      .selectFrom('access_referrals')
      .select('id')
      .where('created_by', '=', token.id)
      .execute();
    const stored = new Set(rows.map((r) => r.id as string));
    // As many referrals as accepted answers, and each answer's id among them: none lost, none doubled.
    const exactlyOnce = rows.length === accepted.size && [...accepted].every((id) => stored.has(id));
    // The outbox a few seconds after the load stops: what the servers' workers have not yet delivered.
    await new Promise((r) => setTimeout(r, 3000));
    const { waiting } = await outboxBacklog(database.db);
    return {
      servers: n,
      ok,
      elapsed,
      shed,
      errors,
      submit: submit.sort((x, y) => x - y),
      read: read.sort((x, y) => x - y),
      exactlyOnce,
      accepted: accepted.size,
      stored: rows.length,
      waiting,
    };
  } finally {
    for (const s of servers) s.child.kill('SIGTERM');
    await Promise.all(servers.map((s) => s.exited));
    await database.close();
    const cleanup = await openPostgres({ url, poolSize: 1 });
    await sql`drop database if exists ${sql.id(name)} with (force)`.execute(cleanup.db);
    await cleanup.close();
  }
}

async function main() {
  const o = parseArgs(process.argv.slice(2));
  const url = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const load = loadavg()[0].toFixed(1);
  const results: Result[] = [];
  for (const n of o.servers) results.push(await runWith(n, o, url));
  const ms = (list: number[], p: number) => quantile(list, p).toFixed(1);
  const report = [
    `### ${o.servers.join(' and ')} app processes, offered ${o.rate} requests/s for ${o.duration} s (${new Date().toISOString().slice(0, 16)}Z)`,
    '',
    `Machine: ${cpus().length} logical CPUs, ${cpus()[0]?.model ?? 'unknown CPU'}; Node ${process.version}; one PostgreSQL; the load generator on the same machine; load average at the start ${load}.`,
    `Command: \`DATABASE_URL=${url} ./node_modules/.bin/node bench/servers.ts --servers ${o.servers.join(',')} --rate ${o.rate} --duration ${o.duration} --read-share ${o.readShare} --concurrency ${o.concurrency}\``,
    '',
    '| app processes | successful requests/s | submit p50 ms | submit p99 ms | read p50 ms | read p99 ms | shed | exactly once | outbox waiting 3 s after |',
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: |',
    ...results.map(
      (r) =>
        `| ${r.servers} | ${(r.ok / r.elapsed).toFixed(1)} | ${ms(r.submit, 0.5)} | ${ms(r.submit, 0.99)} | ${ms(r.read, 0.5)} | ${ms(r.read, 0.99)} | ${r.shed} | ${r.exactlyOnce ? 'yes' : 'NO'} (${r.accepted} accepted, ${r.stored} stored) | ${r.waiting} |`,
    ),
    '',
  ].join('\n');
  process.stdout.write(`${report}\n`);
  if (o.out) {
    if (!existsSync(o.out)) writeFileSync(o.out, '# Intake across app processes\n\n');
    appendFileSync(o.out, `${report}\n`);
  }
  if (results.some((r) => !r.exactlyOnce || r.errors > 0)) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
