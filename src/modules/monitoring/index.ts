// Monitoring: delivery against the agreed plan, borough by borough — borough implementation plans read from
// the finance module's agreed scenario, quarterly finance returns per provider, variance in words and colour,
// the forecast to year end and the board pack.
//
//   import { variance } from '../monitoring/index.ts';
//   variance(100, 88).words; // 'behind by 12%'
export * from './monitoring.ts';
export * from './monitoring.returns.ts';
export * from './monitoring.service.ts';
export { monitoringMigrations } from './monitoring.migrations.ts';
export { DEMO_PROVIDERS, seedMonitoring } from './monitoring.seed.ts';
export * from './monitoring.actuals.ts';
export { moduleActuals } from './monitoring.sources.ts';
export {
  type BoardPack,
  boardPack,
  boardPackSheets,
  comparePacks,
  issueBoardPack,
  type PackComparison,
  type PackFigure,
  packFigures,
  risksOf,
} from './monitoring.pack.ts';
