// The seeded NCL scenario's headline figures, as the demo seeds them (SEED_RUN: 1,000 draws, the solver
// stopped by work): total investment, funding by lever, year-2 bed days and beds. The figures the finance
// README quotes come from this. Run: node bench/finance-seeded.ts
// GAP=0.02 (and NODES=20000) solve the same problem to another proven gap (node limit) instead of the seed's.
import { defaultAssumptions, runScenario, SEED_RUN } from '../src/modules/finance/index.ts';
import { nclInput } from './finance-input.ts';

const input = await nclInput();
const began = performance.now();
const limits = {
  mipRelGap: process.env.GAP ? Number(process.env.GAP) : SEED_RUN.mipRelGap,
  maxNodes: process.env.NODES ? Number(process.env.NODES) : SEED_RUN.maxNodes,
};
const { results: r, phasing } = await runScenario(input, defaultAssumptions(), {
  firstYear: '2023-24',
  ...SEED_RUN,
  ...limits,
});
const seconds = (performance.now() - began) / 1000;
const m = (v: number) => `£${(v / 1e6).toFixed(1)}m`;
const sum = (xs: number[]) => xs.reduce((s, x) => s + x, 0);
console.log(`years ${r.years.join(', ')}`);
console.log(`total investment ${m(r.totalInvestment)}`);
for (const [lever, values] of Object.entries(r.funding)) console.log(`funding ${lever} ${m(sum(values))}`);
const y2 = 1;
console.log(
  `bed days year 2 (${r.years[y2]}): P10 ${Math.round(r.bedDaysSaved.p10[y2])}, P50 ${Math.round(r.bedDaysSaved.p50[y2])}, P90 ${Math.round(r.bedDaysSaved.p90[y2])}; beds at most likely ${Math.round(r.bedsEquivalent[y2])}`,
);
console.log(`bed days last year (${r.years.at(-1)}): P50 ${Math.round(r.bedDaysSaved.p50.at(-1)!)}`);
console.log(
  `affordability gap total ${m(sum(r.affordabilityGap))}; ${phasing.method} optimality gap ${phasing.optimalityGap ?? 'n/a'}; run ${seconds.toFixed(1)} s`,
);
