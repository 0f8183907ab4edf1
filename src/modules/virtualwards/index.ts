// Virtual wards (hospital at home, adults and children): wards and capacity, admission and discharge,
// observations scored with NEWS2 or a paediatric score, and escalations with their clocks. The web layer and
// other modules use only what this file exports.
//
//   const { admissionId } = await admitPatient(db, actor, 'camden-frailty', { nhsNumber, ... , route: 'step-up' }, now);
//   const scored = await recordObservation(db, actor, admissionId, { pulse: 118, ... }, { now, source: 'device' });
//   scored.result.risk;                                   // 'medium': an escalation due within the hour
//   await escalationWorklist(db, actor, now);             // soonest due first, missed observations included
//   await changePlan(db, actor, admissionId, { visitsPerDay: 2 }, now); // board visits rebooked, same transaction
//   scoreNews2({ respirationRate: 22, spo2: 95, ... });   // pure: no storage

export { ESCALATION_CLOCKS, OVERDUE_GRACE_MINUTES } from './escalation.ts';
export {
  CONSCIOUSNESS_LEVELS,
  NEWS2_PARAMETERS,
  NEWS2_RESPONSES,
  type News2Result,
  type Observation,
  RISK_BANDS,
  type Risk,
  scoreNews2,
} from './news2.ts';
export { OBSERVATION_LIMITS, parseObservation } from './observation.ts';
export { ILLUSTRATIVE_PEWS, type PewsResult, scorePews } from './pews.ts';
export { daySlots, VISIT_HORIZON_DAYS, VISITING_DAY, visitReference, wantedSlots } from './visits.ts';
export type {
  AdmissionRow,
  WardVisitRow,
  EscalationRow,
  ObservationRow,
  WardRow,
  WardWithOccupancy,
} from './virtualwards.repository.ts';
export { virtualWardMigrations } from './virtualwards.migrations.ts';
export { seedVirtualWards } from './virtualwards.seed.ts';
export { startMissedObservationSweep, sweepMissedObservations } from './sweep.ts';
export { PLAN_OBSERVATION_LABELS, PLAN_OBSERVATIONS, type PlanObservation } from './plan.ts';
export {
  ADMISSION_SOURCES,
  type AdmissionDetail,
  type AdmissionObservations,
  admissionDetail,
  admitPatient,
  allWards,
  type BoardPatient,
  type BoroughCapacity,
  bedDaysAtHome,
  bedDaysAtHomeByBorough,
  CAPACITY_READERS,
  changePlan,
  capacityByBorough,
  claimEscalation,
  createWard,
  DISCHARGE_OUTCOMES,
  dischargeOutcomes,
  occupancyOverTime,
  type OccupancyPoint,
  dischargePatient,
  type OutcomeFigures,
  type DisclosedOutcomeFigures,
  ESCALATION_OUTCOMES,
  escalationWorklist,
  NATIONAL_AMBITION_PER_100K,
  observationForFhir,
  observationsForFhir,
  PATHWAYS,
  raiseMissedObservations,
  recordObservation,
  respondToEscalation,
  rollVisitHorizon,
  type ScoredObservation,
  type VisitChange,
  WARD_MANAGERS,
  WARD_STAFF,
  type WardBoard,
  type WorklistEscalation,
  wardBoard,
  wardsFor,
} from './virtualwards.service.ts';
