// Care coordination: the holistic assessment (told once, versioned, signed by a trusted assessor), complexity
// and case management, the care plan, care teams and MDT meetings, and transition to adult services. Pure
// rules in assessment.ts, complexity.ts, today.ts and transition.ts; storage and commands in the service.
// The web layer and other modules use only what this file exports.
export {
  type Answers,
  BARTHEL_ITEMS,
  barthelScore,
  ITEMS,
  type Item,
  listLines,
  missingToSign,
  parseAnswers,
  prefill,
  QUESTIONNAIRE_URL,
  questionnaire,
  reusedCount,
  SECTIONS,
  type Section,
  type Source,
  toQuestionnaireResponse,
} from './assessment.ts';
export { careMigrations } from './care.migrations.ts';
export { seedCare } from './care.seed.ts';
export {
  type AssessmentView,
  addAction,
  addTeamMember,
  allocateCaseManager,
  bookAppointment,
  changeAppointment,
  allocationWorklist,
  buildAgenda,
  CARE_STAFF,
  CARE_WRITERS,
  CASE_MANAGERS,
  CONTACT_CHANNELS,
  type CaseloadItem,
  careBreakGlass,
  CASELOAD_EXPORT_HEADER,
  caseload,
  changeMeeting,
  meetingChangeSummary,
  caseloadAppointments,
  CASELOAD_APPOINTMENT_DAYS,
  listAppointments,
  whatChanged,
  caseloadExport,
  completeAction,
  createMeeting,
  createPlan,
  createTransitionPlan,
  findPersonId,
  getAssessment,
  getCareRecord,
  getMeeting,
  grantTrustedAssessor,
  listTrustedAssessors,
  isTrustedAssessor,
  recordContact,
  recordDecision,
  saveAssessment,
  saveMinutes,
  signAssessment,
  startAssessment,
  transitions,
} from './care.service.ts';
export { COMPLEXITY_RULES, caseWeight, complexityReasons, needsCaseManager } from './complexity.ts';
export { NEW_ALLOCATION_DAYS, newAllocations, overdueActions, REVIEW_SOON_DAYS, reviewsDue } from './today.ts';
export { ADULT_AGE, birthdayAt, TRANSITION_FLAG_AGE, transitionStatus } from './transition.ts';
export {
  APPOINTMENT_EVENTS,
  checkAppointment,
  describeAppointment,
  notificationFor,
  plainDate,
  plainDateTime,
  plainSummary,
} from './appointments.ts';
