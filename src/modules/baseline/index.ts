// Baseline and gap analysis: import rows, compare them with the offer, measure variation against need
// and generate the case for change. Pure: data in, data out.
//
//   import { parseBaselineCsv, gapMatrix, variation, caseForChange } from '../baseline/index.ts';
//
//   const r = parseBaselineCsv(text, { boroughs: places.map((p) => p.code), components: offer.components });
//   if (!r.ok) return r.errors;                      // [{ row, column, message, expected, actual }]
//   const cells = gapMatrix({ period: '2021-22', boroughs, components: offer.components, rows: r.rows });
//   const v = variation({ period: '2021-22', places, components: offer.components, rows: r.rows });
//   const findings = caseForChange({ period: '2021-22', places, components: offer.components, rows: r.rows });

export * from './baseline.findings.ts';
export * from './baseline.gaps.ts';
export * from './baseline.import.ts';
export * from './baseline.template.ts';
export * from './baseline.ts';
export * from './baseline.variation.ts';
export { baselineMigrations } from './baseline.migrations.ts';
export {
  type AnalysisData,
  type AnalysisFilters,
  analysisData,
  BASELINE_ROLES,
  BaselineImportError,
  baselineContext,
  type CheckedImport,
  cancelBaselineImport,
  checkBaselineFile,
  confirmBaselineImport,
  type GapCounts,
  type ImportListItem,
  type ImportPreview,
  pendingPreview,
  previewReplacement,
  restoreBaselineImport,
  countBaselineRows,
  findingsOf,
  gapsOf,
  type ImportRecord,
  type ImportSheet,
  importBaseline,
  importBaselineFile,
  importBaselineRecords,
  listImports,
  listPeriods,
  NCL_BASELINE_FILE,
  seedBaseline,
  variationOf,
} from './baseline.service.ts';
