// VRPTW benchmark against best-known solutions (not part of npm test).
//   node bench/vrptw.ts --suite solomon --time-limit 30 --seed 1 [--filter '^r1'] [--workers 1]
// Writes bench/results/vrptw-<suite>.md and prints a summary. Every plan is verified by checkPlan.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkPlan, parseSolomon, solomonToProblem, solveInWorker } from '../src/modules/scheduling/solver/index.ts';

const SUITES: Record<string, string> = {
  solomon: fileURLToPath(new URL('../data/benchmarks/solomon', import.meta.url)),
  homberger: fileURLToPath(new URL('../data/benchmarks/homberger', import.meta.url)),
};

type Row = {
  name: string;
  vehicles: number;
  distance: number;
  bksVehicles: number;
  bksDistance: number;
  seconds: number;
  feasible: boolean;
  errors: string[];
};

function usage(msg: string): never {
  process.stderr.write(
    `error: ${msg}\nUsage: node bench/vrptw.ts [--suite solomon|homberger] [--time-limit SECONDS] [--seed N] [--filter REGEX] [--workers N] [--data DIR]\n`,
  );
  process.exit(2);
}

function parseArgs(argv: string[]) {
  const o = { suite: 'solomon', timeLimit: 30, seed: 1, filter: '', workers: 1, data: '' };
  for (let i = 0; i < argv.length; i++) {
    const f = argv[i];
    const v = argv[++i];
    if (v === undefined) usage(`${f} needs a value`);
    if (f === '--suite') o.suite = v;
    else if (f === '--time-limit') o.timeLimit = Number(v);
    else if (f === '--seed') o.seed = Number(v);
    else if (f === '--filter') o.filter = v;
    else if (f === '--workers') o.workers = Number(v);
    else if (f === '--data') o.data = v;
    else usage(`unknown flag ${f}`);
  }
  if (!o.data && !SUITES[o.suite]) usage(`--suite expects one of ${Object.keys(SUITES).join(', ')}, got "${o.suite}"`);
  if (!(o.timeLimit > 0)) usage('--time-limit expects a positive number of seconds');
  if (!Number.isInteger(o.seed) || o.seed < 0) usage('--seed expects a non-negative integer');
  if (!Number.isInteger(o.workers) || o.workers < 1) usage('--workers expects a positive integer');
  return { ...o, data: o.data || SUITES[o.suite] };
}

function readBks(dir: string): Map<string, { vehicles: number; distance: number }> {
  const out = new Map<string, { vehicles: number; distance: number }>();
  const lines = readFileSync(join(dir, 'bks.csv'), 'utf8').trim().split('\n').slice(1);
  for (const l of lines) {
    const [name, veh, dist] = l.split(',');
    out.set(name.toLowerCase(), { vehicles: Number(veh), distance: Number(dist) });
  }
  return out;
}

async function runOne(file: string, opts: ReturnType<typeof parseArgs>, bks: ReturnType<typeof readBks>): Promise<Row> {
  const name = basename(file, '.txt').toLowerCase();
  const problem = solomonToProblem(parseSolomon(readFileSync(file, 'utf8'), file));
  const t0 = performance.now();
  const plan = await solveInWorker(problem, { timeLimitMs: opts.timeLimit * 1000, seed: opts.seed });
  const seconds = (performance.now() - t0) / 1000;
  const check = checkPlan(problem, plan);
  if (plan.unassigned.length > 0) check.errors.push(`${plan.unassigned.length} customers unassigned`);
  const b = bks.get(name) ?? { vehicles: Number.NaN, distance: Number.NaN };
  return {
    name,
    vehicles: plan.cost.vehicles,
    distance: check.distance,
    bksVehicles: b.vehicles,
    bksDistance: b.distance,
    seconds,
    feasible: check.feasible && plan.unassigned.length === 0,
    errors: check.errors,
  };
}

const fmt = (x: number, d = 2) => (Number.isFinite(x) ? x.toFixed(d) : '–');
const gapOf = (r: Row) =>
  r.vehicles === r.bksVehicles ? (100 * (r.distance - r.bksDistance)) / r.bksDistance : Number.NaN;

function summarise(rows: Row[]) {
  const s = {
    n: rows.length,
    cnv: 0,
    ctt: 0,
    bcnv: 0,
    bctt: 0,
    same: 0,
    fewer: 0,
    more: 0,
    gapSum: 0,
    secs: 0,
    bad: 0,
  };
  for (const r of rows) {
    s.cnv += r.vehicles;
    s.ctt += r.distance;
    s.bcnv += r.bksVehicles;
    s.bctt += r.bksDistance;
    s.secs += r.seconds;
    if (!r.feasible) s.bad++;
    if (r.vehicles === r.bksVehicles) {
      s.same++;
      s.gapSum += gapOf(r);
    } else if (r.vehicles < r.bksVehicles) s.fewer++;
    else s.more++;
  }
  return s;
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const bks = readBks(opts.data);
  const re = new RegExp(opts.filter || '.', 'i');
  const files = readdirSync(opts.data)
    .filter((f) => f.endsWith('.txt') && re.test(basename(f, '.txt')))
    .sort()
    .map((f) => join(opts.data, f));
  if (files.length === 0) usage(`no instance matches --filter "${opts.filter}" in ${opts.data}`);
  const rows: Row[] = new Array(files.length);
  let next = 0;
  const t0 = performance.now();
  const workers = Array.from({ length: Math.min(opts.workers, files.length) }, async () => {
    while (next < files.length) {
      const i = next++;
      const r = await runOne(files[i], opts, bks);
      rows[i] = r;
      process.stdout.write(
        `${r.name.padEnd(10)} ${String(r.vehicles).padStart(3)} ${fmt(r.distance).padStart(10)}  bks ${String(r.bksVehicles).padStart(3)} ${fmt(r.bksDistance).padStart(10)}  gap ${fmt(gapOf(r)).padStart(6)}%  ${fmt(r.seconds, 1)} s${r.feasible ? '' : `  INFEASIBLE: ${r.errors.slice(0, 3).join('; ')}`}\n`,
      );
    }
  });
  await Promise.all(workers);
  const wall = (performance.now() - t0) / 1000;
  const s = summarise(rows);
  const classes = new Map<string, Row[]>();
  for (const r of rows) {
    const c = r.name.match(/^[a-z]+\d/)?.[0] ?? r.name;
    classes.set(c, [...(classes.get(c) ?? []), r]);
  }
  const cpu = readFileSync('/proc/cpuinfo', 'utf8').match(/model name\s*:\s*(.*)/)?.[1] ?? 'unknown';
  const cmd = `node bench/vrptw.ts --suite ${opts.suite} --time-limit ${opts.timeLimit} --seed ${opts.seed}${opts.filter ? ` --filter '${opts.filter}'` : ''} --workers ${opts.workers}`;
  const md: string[] = [];
  md.push(`# VRPTW benchmark: ${opts.suite} (${s.n} instances)`, '');
  md.push(`- Command: \`${cmd}\``);
  md.push(
    `- Machine: ${cpus().length} logical CPUs (nproc), ${cpu}; Node ${process.version}; ${opts.workers} worker(s)`,
  );
  md.push(`- Date: ${new Date().toISOString()}; wall time ${fmt(wall, 0)} s`);
  md.push(
    `- Convention: vehicles first, then distance; Euclidean distances in double precision; every plan verified by checkPlan.`,
  );
  md.push('');
  md.push(
    '| | CNV | CTT | best-known CNV | best-known CTT | instances at best-known vehicles | mean gap on those | infeasible |',
  );
  md.push('|---|---|---|---|---|---|---|---|');
  const line = (label: string, x: ReturnType<typeof summarise>) =>
    `| ${label} | ${x.cnv} | ${fmt(x.ctt, 1)} | ${x.bcnv} | ${fmt(x.bctt, 1)} | ${x.same}/${x.n} (fewer ${x.fewer}, more ${x.more}) | ${fmt(x.same ? x.gapSum / x.same : Number.NaN)}% | ${x.bad} |`;
  for (const [c, rs] of classes) md.push(line(c.toUpperCase(), summarise(rs)));
  md.push(line('**total**', s));
  md.push('');
  md.push(
    '| instance | vehicles | distance | best-known vehicles | best-known distance | gap % (same vehicles) | time s | feasible |',
  );
  md.push('|---|---|---|---|---|---|---|---|');
  for (const r of rows) {
    md.push(
      `| ${r.name} | ${r.vehicles} | ${fmt(r.distance)} | ${r.bksVehicles} | ${fmt(r.bksDistance)} | ${fmt(gapOf(r))} | ${fmt(r.seconds, 1)} | ${r.feasible ? 'yes' : `NO: ${r.errors[0]}`} |`,
    );
  }
  const out = `bench/results/vrptw-${opts.suite}${opts.filter ? '-filtered' : ''}.md`;
  writeFileSync(out, `${md.join('\n')}\n`);
  process.stdout.write(
    `\nCNV ${s.cnv} (best-known ${s.bcnv})  CTT ${fmt(s.ctt, 1)} (best-known ${fmt(s.bctt, 1)})  same-vehicle instances ${s.same}/${s.n}, mean gap ${fmt(s.same ? s.gapSum / s.same : Number.NaN)}%  infeasible ${s.bad}  total ${fmt(s.secs, 0)} s\nwritten ${out}\n`,
  );
  if (s.bad > 0) process.exitCode = 1;
}

await main();
