// The core offer module: the domain model, validation, comparison, search and file loading.
// The pure domain (types, validation, diff, search, files) has no database and no HTTP; offer.service.ts
// stores versions through offer.repository.ts, and is what the web layer calls.
//
//   import { loadOfferFolder, searchComponents, diffOffers, humaniseDuration } from '../modules/offer/index.ts';
//
//   const offer = await loadOfferFolder('data/ncl/offer');        // throws OfferFileError naming file and field
//   const hits = searchComponents(offer.components, 'stammer', { ageGroup: 'children-young-people' });
//   const rs = hits[0].component.provisions[0].responseStandards[0];
//   humaniseDuration(rs.firstContact, rs.clock);                   // "within 6 weeks"
//   const checked = validateOfferDocument(JSON.parse(body));      // { ok, value } | { ok: false, errors: [{ path, message }] }
//   const changes = diffOffers(previous, checked.value);          // added, removed, changed field by field
//   const csv = toCsv(toCsvRows(offer));                           // one row per component × age group × urgency

export { type CsvOptions, csvField, toCsv } from '../../platform/csv.ts';
export {
  type Duration,
  describeDuration,
  durationFromWords,
  durationToMilliseconds,
  formatDuration,
  hasCalendarParts,
  humaniseDuration,
  isZeroDuration,
  parseDuration,
  workingDays,
} from './duration.ts';
export * from './offer.ts';
export {
  type ComponentChange,
  type ComponentRef,
  deepEqual,
  diffComponent,
  diffOffers,
  type FieldChange,
  hasComponentChanges,
  type OfferDiff,
} from './offer.diff.ts';
export {
  COMPONENTS_DIR,
  CSV_HEADER,
  describeHours,
  loadOfferFolder,
  OFFER_FILE,
  OfferFileError,
  type OfferFileProblem,
  toCsvRows,
} from './offer.files.ts';
export {
  type SearchField,
  type SearchFilters,
  type SearchMatch,
  type SearchResult,
  scoreComponent,
  searchComponents,
  stem,
  terms,
  words,
  RESIDENT_WORDS,
} from './offer.search.ts';
export { readsAsCrisis, withoutCrisisWords } from './offer.safety.ts';
export {
  DURATION_HINT,
  isCode,
  parseTime,
  type ValidationError,
  type ValidationResult,
  validateComponent,
  validateOfferDocument,
  validateOfferVersion,
} from './offer.validate.ts';
export { offerMigrations } from './offer.migrations.ts';
export type { VersionListRow, VersionRow } from './offer.repository.ts';
export {
  addDraftComponent,
  createDraft,
  type DraftDetails,
  diffVersions,
  discardDraft,
  exportVersion,
  exportVersionCsv,
  getDraft,
  getPublishedComponent,
  getPublishedOffer,
  getVersion,
  getVersionComponent,
  importOffer,
  listVersions,
  NCL_OFFER_FOLDER,
  OFFER_EDITORS,
  publishDraft,
  putDraftComponent,
  removeDraftComponent,
  seedOffer,
  updateDraftDetails,
} from './offer.service.ts';
