// The outcomes module: the framework of indicators (domain → outcome → indicator), provider returns,
// and the published values with intervals, disclosure control, comparisons, funnel plots, inequality
// breakdowns and trends. The pure logic takes data in and gives data out (file loading aside);
// outcomes.service.ts stores the framework, returns and counts through outcomes.repository.ts, and is what
// the web layer calls (every function takes the acting person).
//
//   import { loadFramework, loadValues, findIndicator, computeIndicatorValues, funnelPlot,
//     inequalityBreakdown, validateReturnRows, returnStatus } from '../modules/outcomes/index.ts';
//
//   const framework = await loadFramework('data/ncl/outcomes/framework.json'); // OutcomesFileError names file and field
//   const counts = await loadValues('data/ncl/outcomes', framework);            // values-*.csv, checked as returns
//   const tt = findIndicator(framework, 'LW3.1')!;
//   const values = computeIndicatorValues(tt, counts);      // boroughs + NCL, 95%/99.8% intervals, suppression, comparison
//   funnelPlot(tt, values, '2023/24 Q4');                    // points and control limits around the NCL value
//   inequalityBreakdown(values, { period: '2023/24 Q4', area: 'E09000014' }); // quintiles + slope index
//   tableToCsv(comparisonTable(tt, values, '2023/24 Q4'));   // the data behind the chart
//
//   const checked = validateReturnRows(parsedCsvRows, { framework, providerCode: 'RRP', period: '2024/25 Q2' });
//   checked.errors;  // [{ row: 7, column: 'numerator', value: '12', message: 'The numerator (12) must not be more…' }]
//   returnStatus(expected, received, { '2024/25 Q2': dueDateFor('2024/25 Q2') }, new Date()); // late and missing

export {
  breakdownTable,
  breakdownValues,
  type ChartTable,
  type FunnelPlot,
  type FunnelPoint,
  type InequalityBreakdown,
  type TableCell,
  type TrendSelection,
  boroughComparison,
  comparisonTable,
  describeComparison,
  funnelPlot,
  funnelTable,
  inequalityBreakdown,
  inequalityTable,
  latestPeriod,
  medianWithInterval,
  PAGE_SII_REPETITIONS,
  PAGE_SII_SEED,
  periodsOf,
  tableToCsv,
  trendSeries,
  trendTable,
  valuesTable,
} from './charts.ts';
export {
  type AreaComparison,
  type ComputeOptions,
  compareValues,
  computeIndicatorValues,
  countsFromReturnRows,
  DEFAULT_DISCLOSURE,
  isSmallCount,
  suppressCountTable,
  type IndicatorCount,
  type IndicatorValue,
  statsPolarity,
  VALUE_SUPPRESSIONS,
  type ValueSuppression,
} from './compute.ts';
export * from './framework.ts';
export {
  FRAMEWORK_FILE,
  loadFramework,
  loadValues,
  OutcomesFileError,
  type OutcomesFileProblem,
  parseValuesCsv,
  SUBMITTED_BY,
  VALUES_COLUMNS,
} from './framework.files.ts';
export {
  type FrameworkError,
  type FrameworkResult,
  formatFrameworkErrors,
  INDICATOR_CODE_PATTERN,
  MAX_INDICATORS_PER_OUTCOME,
  MIN_INDICATORS_PER_OUTCOME,
  validateFramework,
} from './framework.validate.ts';
export {
  comparePeriods,
  dueDateFor,
  financialQuarterOf,
  financialYearOf,
  type Period,
  PERIOD_FORMATS,
  parsePeriod,
  periodContains,
  periodsOverlap,
  quartersOf,
} from './periods.ts';
export {
  type Breakdown,
  DEPRIVATION_QUINTILES,
  describeReturnProblem,
  ETHNIC_GROUPS,
  type ExpectedReturn,
  type ExpectedRow,
  expectedReturnRows,
  periodsDue,
  type ReceivedReturn,
  RETURN_COLUMNS,
  RETURN_STATES,
  RETURN_TEMPLATE,
  type ReturnColumn,
  type ReturnContext,
  type ReturnProblem,
  type ReturnRow,
  type ReturnState,
  type ReturnStatusItem,
  type ReturnStatusReport,
  type ReturnValidation,
  returnStatus,
  returnTemplateRows,
  SEXES,
  type TemplateColumn,
  validateReturnRows,
} from './returns.ts';
export {
  ageBandOf,
  CHILD_AGE_BANDS,
  DEPRIVATION_ILLUSTRATIVE,
  deprivationQuintileOf,
  OLDER_AGE_BANDS,
} from './deprivation.ts';
export { outcomesMigrations } from './outcomes.migrations.ts';
export {
  annualPeriodOf,
  type BreakdownAvailability,
  CHILDRENS_COMMUNITY_NURSING,
  COMPUTED_BREAKDOWNS,
  COMPUTED_INDICATORS,
  type ComputedIndicator,
  type ComputedRefresh,
  MENTAL_HEALTH_CATEGORY,
  refreshComputedIndicators,
} from './outcomes.computed.ts';
export {
  getAllIndicatorValues,
  getFramework,
  getIndicator,
  getIndicatorValues,
  getReturn,
  type IndicatorInFramework,
  listReturns,
  NCL_OUTCOMES_FOLDER,
  OUTCOMES_READERS,
  RETURN_SUBMITTERS,
  type ReturnChannel,
  type ReturnRecord,
  ReturnRejectedError,
  type ReturnsOverview,
  returnsMissing,
  returnsOverview,
  returnTemplate,
  type StoredCount,
  type SubmitResult,
  type SubmitReturn,
  seedOutcomes,
  submitReturn,
} from './outcomes.service.ts';
