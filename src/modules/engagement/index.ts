// Engagement ("you said, we did"): feedback from residents, recorded only by group and coded with the reviewed
// themes. The web layer and other modules use only what this file exports.
export type { FeedbackFilters, FeedbackRow } from './engagement.repository.ts';
export { engagementMigrations } from './engagement.migrations.ts';
export {
  approvedThemes,
  ENGAGEMENT_READERS,
  ENGAGEMENT_WRITERS,
  FEEDBACK_PAGE_SIZE,
  FeedbackImportError,
  IMPORT_COLUMNS,
  type ImportProblem,
  importFeedbackFile,
  listFeedback,
  listThemeProposals,
  listThemes,
  proposeTheme,
  recordChange,
  reviewTheme,
  THEME_PROPOSERS,
  THEME_REVIEWERS,
  type ThemeProposalView,
  recordFeedback,
  type ThemeChange,
  type ThemeTrace,
  youSaidWeDid,
  seedEngagement,
} from './engagement.service.ts';
export {
  CHANGE_STATUSES,
  type ChangeInput,
  type ChangeStatus,
  type FeedbackInput,
  personalDataIn,
  SOURCES,
  type Source,
  THEME_DECISIONS,
  THEMES,
  type ThemeCode,
  themeCode,
  validateChange,
  validateFeedback,
} from './engagement.ts';
