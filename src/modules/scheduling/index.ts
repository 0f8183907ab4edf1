// Visit scheduling for urgent community response and virtual wards: storage, commands and queries over the
// pure solver (./solver). The web layer and other modules use only what this file exports.
//
//   const board = await getDayPlan(db, actor, { day: '2026-11-23' });       // routes, unassigned, figures
//   const added = await addVisit(db, actor, { day, patientRef: 'UCR-1', postcodeDistrict: 'N19',
//     priority: 'urgent-2h', windowStart: '10:30', durationMinutes: 60, skills: ['nurse'] });
//   added.placement;                                                         // clinician, sequence, planned start
//   await lockVisit(db, actor, visitId, clinicianId);                        // honoured by every later plan
//   await replanDay(db, actor, { day });                                     // worker thread, ~3 s
//   await createVisitFromReferral(db, actor, { referralId, patientRef, postcode, priority: 'urgent-2h' });
//   await bookWardVisits(tx, clinician, { reference: 'VW-1A2B3C4D', organisationCode, postcodeDistrict, visits });
//   await cancelWardVisits(tx, clinician, visitIds, 'discharged');     // off the board, in the same transaction

export { type District, findDistrict, NCL_DISTRICTS } from './districts.ts';
export { schedulingMigrations } from './scheduling.migrations.ts';
export type {
  ClinicianRow,
  PlanFigures,
  PlanKind,
  PlanRow,
  ShiftRow,
  TeamRow,
  VisitPriority,
  VisitRow,
} from './scheduling.repository.ts';
export { VISIT_PRIORITIES } from './scheduling.repository.ts';
export { DEMO_TEAM_ID, seedScheduling } from './scheduling.seed.ts';
export {
  type AddVisitResult,
  addVisit,
  type BookedWardVisit,
  bookWardVisits,
  cancelWardVisits,
  type BoardItem,
  type BoardRoute,
  clinicianDay,
  createVisitFromReferral,
  DAY_READERS,
  DEFAULT_REPLAN_MS,
  type DayView,
  dayProblem,
  defaultDay,
  getDayPlan,
  LATE_RISK_MINUTES,
  lastChange,
  listTeamsFor,
  lockVisit,
  londonToday,
  minutesToClock,
  myClinicians,
  visitsToday,
  type Placement,
  PRIORITY_LABELS,
  parseClock,
  planFigures,
  type ReplanResult,
  replanDay,
  SCHEDULERS,
  SKILL_LABELS,
  SKILLS,
  solveDay,
  type VisitInput,
  WARD_VISIT_REFERENCE,
  type WardVisitRequest,
} from './scheduling.service.ts';
export { checkPlan, type Plan, type Problem } from './solver/index.ts';
// What the care module reads (it authorises through relationships and audits the read itself).
export { type CareVisit, visitsForCare } from './scheduling.care.ts';
