// Finance: impact and affordability of closing the gaps — cost, savings, funding levers, phasing (HiGHS
// MILP beside a greedy heuristic), Monte Carlo uncertainty and the affordability options.
//
//   import { runScenario, defaultAssumptions } from '../finance/index.ts';
//   const out = await runScenario(input, defaultAssumptions(), { firstYear: '2023-24' });
export * from './finance.assumptions.ts';
export * from './finance.model.ts';
export * from './finance.montecarlo.ts';
export * from './finance.phasing.ts';
export * from './finance.productivity.ts';
export * from './finance.run.ts';
export { financeMigrations } from './finance.migrations.ts';
export type { RunStatus, ScenarioStatus } from './finance.repository.ts';
export * from './finance.service.ts';
export { type AgreedPlan, type AgreedPlanItem, agreedPlan } from './finance.plan.ts';
