// The central point of access worklist at growing table sizes, on real PostgreSQL. Not part of npm test.
//
//   DATABASE_URL=postgres://postgres@127.0.0.1:5432/test ./node_modules/.bin/node bench/worklist.ts \
//     [--sizes 10000,100000] [--requests 60] [--out bench/results/worklist.md]
//
// For each size: a fresh schema, migrated, with the NCL demo data and `size` synthetic referrals (80% closed,
// the rest open, due times spread over a week, each with the central point of access's relationship as at
// receipt). Then EXPLAIN ANALYZE of the worklist as it was before issue 18 (count every matching row, ORDER BY
// … OFFSET) beside the keyset page and capped count it is now, for the first page and a page 2,000 rows in,
// and the p50/p99 of the whole API read (GET /api/referrals, audited) over `requests` sequential requests.
// Side by side in one run, so the ratio holds even when the machine is shared; then it drops the schema.
import { randomBytes } from 'node:crypto';
import { appendFileSync, existsSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
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

const args = process.argv.slice(2);
const opt = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const sizes = opt('sizes', '10000,100000').split(',').map(Number);
const requests = Number(opt('requests', '60'));
const out = opt('out', '');
const url = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

const quantile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];

async function one(size: number): Promise<string[]> {
  const schema = `bench_${randomBytes(5).toString('hex')}`;
  const admin = await openPostgres({ url, poolSize: 1 });
  await sql`create schema ${sql.id(schema)}`.execute(admin.db);
  await admin.close();
  const database = await openPostgres({ url, schema, poolSize: 4 });
  const db = database.db;
  const lines: string[] = [];
  let app: Awaited<ReturnType<typeof buildApp>> | null = null;
  try {
    await migrateToLatest(db, migrations, schema);
    await seedDemoData(db, 'postgres');
    const { value } = await issueToken(db, systemActor('QMJ'), { label: 'bench', role: 'spa', value: `b-${size}` });
    const t0 = performance.now();
    await sql`insert into access_referrals (id, system_id, reference, person_id, component, age, age_group, borough,
        urgency, source, reason, communication, routing, status, service_id, received_at, updated_at,
        first_contact_due, version, redirect_count, created_by)
      select gen_random_uuid(), t.system_id, 'BENCH' || lpad(g::text, 8, '0'), t.person_id, t.component, t.age,
        t.age_group, t.borough, t.urgency, t.source, 'Benchmark', t.communication, t.routing,
        (array['closed','closed','closed','closed','closed','closed','closed','closed','received','triaged'])[1 + g % 10],
        t.service_id, now() - (g % 10080) * interval '1 minute', now(),
        now() + ((g::bigint * 7919) % 10080) * interval '1 minute', 1, 0, t.created_by
      from generate_series(1, ${size}) g,
        (select * from access_referrals order by received_at limit 1) t`.execute(db);
    await sql`insert into person_relationships
        (system_id, person_id, grantee_kind, grantee, basis, source_type, source_id, starts_at, ends_at)
      select system_id, person_id::text, 'role', 'spa', 'referral', 'referral', id::text, received_at, null
      from access_referrals where reason = 'Benchmark'`.execute(db);
    await sql`analyze`.execute(db);
    lines.push(
      `#### ${size.toLocaleString('en-GB')} synthetic referrals (+ demo data), loaded in ${((performance.now() - t0) / 1000).toFixed(1)} s; load average ${loadavg()[0].toFixed(1)}`,
      '',
    );

    const scope = sql`r.id::text in (select source_id from person_relationships where system_id = 'QMJ'
      and source_type = 'referral' and starts_at <= now() and (ends_at is null or ends_at > now())
      and grantee_kind = 'role' and grantee = 'spa')`;
    const filter = sql`r.system_id = 'QMJ' and ${scope} and r.status in ('received', 'triaged', 'redirected')`;
    // As the app checks the grant now (access.repository.ts listReferrals): a probe per referral walked.
    const probe = sql`exists (select source_id from person_relationships where system_id = 'QMJ'
      and source_type = 'referral' and starts_at <= now() and (ends_at is null or ends_at > now())
      and grantee_kind = 'role' and grantee = 'spa' and source_id = r.id::text offset 0)`;
    const probed = sql`r.system_id = 'QMJ' and ${probe} and r.status in ('received', 'triaged', 'redirected')`;
    const from = sql`access_referrals r join access_people p on p.id = r.person_id`;
    const key = sql`coalesce(r.first_contact_due, r.target_due_at, 'infinity'::timestamptz)`;
    // A cursor 2,000 rows in, for the deep page.
    const deep = await sql<{ due: string; received: string; id: string }>`select ${key}::text as due,
      r.received_at::text as received, r.id from ${from} where ${filter}
      order by ${key}, r.received_at, r.id offset 2000 limit 1`.execute(db);
    const c = deep.rows[0];
    const queries: [string, ReturnType<typeof sql>][] = [
      ['before: count every matching row', sql`select count(*) from ${from} where ${filter}`],
      [
        'before: first page (ORDER BY … LIMIT 26)',
        sql`select r.*, p.given_name from ${from} where ${filter}
          order by coalesce(r.first_contact_due, r.target_due_at) asc nulls last, r.received_at, r.id limit 25 offset 0`,
      ],
      [
        'before: page 81 (OFFSET 2000)',
        sql`select r.*, p.given_name from ${from} where ${filter}
          order by coalesce(r.first_contact_due, r.target_due_at) asc nulls last, r.received_at, r.id limit 25 offset 2000`,
      ],
      [
        'until 2026-12-06: capped count, ordered',
        sql`select count(*) from (select 1 from access_referrals r where ${probed}
          order by ${key}, r.received_at, r.id limit 1001) c`,
      ],
      [
        'after: capped count (at most 1,001 rows, no order)',
        sql`select count(*) from (select 1 from access_referrals r where ${probed} limit 1001) c`,
      ],
      [
        'after: first page (keyset, LIMIT 26)',
        sql`select r.*, p.given_name from ${from} where ${probed} order by ${key}, r.received_at, r.id limit 26`,
      ],
      [
        'after: page from a cursor 2,000 rows in',
        sql`select r.*, p.given_name from ${from} where ${probed}
          and (${key}, r.received_at, r.id) > (${c.due}::timestamptz, ${c.received}::timestamptz, ${c.id}::uuid)
          order by ${key}, r.received_at, r.id limit 26`,
      ],
    ];
    lines.push('| query | execution (ms), median of 3 | plan (top node) |', '| --- | ---: | --- |');
    for (const [label, query] of queries) {
      const times: number[] = [];
      let top = '';
      for (let i = 0; i < 3; i++) {
        const plan = await sql<{ 'QUERY PLAN': string }>`explain (analyze, format text) ${query}`.execute(db);
        const text = plan.rows.map((r) => r['QUERY PLAN']);
        times.push(Number(/Execution Time: ([\d.]+)/.exec(text.join('\n'))?.[1]));
        top = text
          .filter((l) => /Index|Seq Scan|Sort|Hash/.test(l))
          .slice(0, 2)
          .map((l) =>
            l
              .trim()
              .replace(/\s+\(cost.*$/, '')
              .replace(/^->\s*/, ''),
          )
          .join(' / ');
      }
      times.sort((a, b) => a - b);
      lines.push(`| ${label} | ${times[1].toFixed(2)} | ${top.replace(/\|/g, '\\|')} |`);
    }
    lines.push('');

    // The whole read through HTTP: authentication, policy, the page, its audit row, JSON.
    const config = loadConfig({ LOG_LEVEL: 'silent', DATABASE_URL: url });
    app = await buildApp({ config, database, clock: systemClock, demoMode: false });
    await app.ready();
    const headers = { authorization: `Bearer ${value}` };
    const read = async (query: string) => {
      const ms: number[] = [];
      for (let i = 0; i < requests + 5; i++) {
        const s = performance.now();
        const res = await app!.inject({ url: `/api/referrals?${query}`, headers });
        if (res.statusCode !== 200) throw new Error(res.body);
        if (i >= 5) ms.push(performance.now() - s);
      }
      ms.sort((a, b) => a - b);
      return { p50: quantile(ms, 0.5), p99: quantile(ms, 0.99) };
    };
    const first = await read('status=received&status=triaged&pageSize=25');
    const cursor = Buffer.from(JSON.stringify([c.due, c.received, c.id])).toString('base64url');
    const later = await read(`status=received&status=triaged&pageSize=25&after=${cursor}`);
    lines.push(
      `API read, ${requests} sequential requests: first page p50 ${first.p50.toFixed(1)} ms, p99 ${first.p99.toFixed(1)} ms; page 2,000 rows in p50 ${later.p50.toFixed(1)} ms, p99 ${later.p99.toFixed(1)} ms.`,
      '',
    );
  } finally {
    await app?.close();
    await database.close();
    const cleanup = await openPostgres({ url, poolSize: 1 });
    await sql`drop schema ${sql.id(schema)} cascade`.execute(cleanup.db);
    await cleanup.close();
  }
  return lines;
}

const report = [
  `### Worklist at ${sizes.map((s) => s.toLocaleString('en-GB')).join(', ')} referrals (${new Date().toISOString().slice(0, 16)}Z)`,
  '',
  `Machine: ${cpus().length} logical CPUs, ${cpus()[0]?.model ?? 'unknown CPU'}; Node ${process.version}; PostgreSQL at ${url.replace(/\/\/[^@]*@/, '//')}.`,
  `Command: \`DATABASE_URL=${url} ./node_modules/.bin/node bench/worklist.ts --sizes ${sizes.join(',')} --requests ${requests}\``,
  '',
];
for (const size of sizes) {
  const lines = await one(size);
  process.stdout.write(`${lines.join('\n')}\n`);
  report.push(...lines);
}
if (out) {
  if (!existsSync(out)) writeFileSync(out, '# Worklist benchmark\n\n');
  appendFileSync(out, `${report.join('\n')}\n`);
}
