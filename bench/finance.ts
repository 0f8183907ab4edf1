// Impact and affordability at 1×, 5× and 42× the NCL size (issue 12). Builds the model's input from the seeded
// NCL demonstration (baseline gap matrix and variation), then copies every borough n times (renamed) with
// recruitment limits scaled by n, and times: costing the gaps, the greedy heuristic, the HiGHS MILP (the core
// phasing problem of the API, and the scenario's problem with reinvested savings), and the Monte Carlo run.
// Not part of npm test.
//
//   ./node_modules/.bin/node bench/finance.ts [--scales 1,5,42] [--draws 10000] [--time-limit 10] [--out bench/results/finance.md]
import { writeFile } from 'node:fs/promises';
import { cpus, loadavg, totalmem } from 'node:os';
import {
  costItems,
  defaultAssumptions,
  evaluatePlanFast,
  fixedBudget,
  fixedLevers,
  gapFacts,
  monteCarlo,
  phasingProblem,
  planYears,
  solveGreedy,
  solveMilp,
  valuesOf,
} from '../src/modules/finance/index.ts';
import { nclInput, scaled } from './finance-input.ts';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
};
const scales = arg('scales', '1,5,42').split(',').map(Number);
const draws = Number(arg('draws', '10000'));
const timeLimit = Number(arg('time-limit', '10'));
const out = arg('out', 'bench/results/finance.md');

const base = await nclInput();
const lines: string[] = [];
const log = (s: string) => {
  console.log(s);
  lines.push(s);
};
log(`# Finance benchmark (${new Date().toISOString().slice(0, 10)})`);
log('');
log(
  `${cpus().length} logical CPUs (${cpus()[0]?.model ?? 'unknown'}), ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}.`,
);
log(
  `Command: \`./node_modules/.bin/node bench/finance.ts --scales ${scales.join(',')} --draws ${draws} --time-limit ${timeLimit}\``,
);
log('');
log(
  '| scale | boroughs | gap items | binaries | costing s | greedy s | greedy objective | MILP (core) s | MILP objective | proven gap | greedy ÷ MILP | MILP with reinvestment s | its gap | Monte Carlo draws | Monte Carlo wall s | Monte Carlo CPU s | load average |',
);
log('|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|');
for (const n of scales) {
  const input = scaled(base, n);
  const a = valuesOf(defaultAssumptions());
  for (const g of ['nursing', 'allied-health', 'medical', 'psychology', 'support', 'other']) a[`recruit.${g}`] *= n;
  const T = a['plan.horizonYears'];
  const years = planYears('2023-24', T);
  let t0 = performance.now();
  const facts = gapFacts(input);
  const items = costItems(facts, a);
  const levers = fixedLevers(input, a, T);
  const budget = fixedBudget(levers);
  const costing = (performance.now() - t0) / 1000;
  const problem = phasingProblem(items, a, years, budget);
  const core = { ...problem, reinvestment: undefined };
  t0 = performance.now();
  const greedy = solveGreedy(core);
  const greedyS = (performance.now() - t0) / 1000;
  t0 = performance.now();
  const milp = await solveMilp({ ...core, mipRelGap: 0.005, timeLimitSeconds: timeLimit });
  const milpS = (performance.now() - t0) / 1000;
  t0 = performance.now();
  const full = await solveMilp({ ...problem, mipRelGap: 0.005, timeLimitSeconds: timeLimit });
  const fullS = (performance.now() - t0) / 1000;
  const start = full.items.map((i) => (i.startYear ? years.indexOf(i.startYear) : -1));
  const mcDraws = draws;
  const uncertain = defaultAssumptions()
    .filter((x) => x.high > x.low)
    .map((x) => ({ key: x.key, low: x.low, value: x.value, high: x.high }));
  t0 = performance.now();
  const cpu0 = process.cpuUsage();
  monteCarlo({
    uncertain,
    base: a,
    draws: mcDraws,
    seed: 1,
    metrics: ['investment', 'netCost', 'bedDays', 'beds'] as const,
    years: T,
    evaluate: (v) => evaluatePlanFast(facts, start, v, T),
  });
  const mcS = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const mcCpu = (cpu.user + cpu.system) / 1e6;
  const pct = (x: number | null) => (x === null ? 'n/a' : `${(x * 100).toFixed(2)}%`);
  log(
    `| ${n}× | ${input.boroughs.length} | ${items.length} | ${items.length * T} | ${costing.toFixed(3)} | ${greedyS.toFixed(3)} | ${greedy.objective.toFixed(0)} | ${milpS.toFixed(2)} | ${milp.objective.toFixed(0)} | ${pct(milp.optimalityGap)} | ${pct(greedy.objective / milp.objective)} | ${fullS.toFixed(2)} | ${pct(full.optimalityGap)} | ${mcDraws} | ${mcS.toFixed(2)} | ${mcCpu.toFixed(2)} | ${loadavg()[0].toFixed(1)} |`,
  );
}
await writeFile(out, `${lines.join('\n')}\n`);
