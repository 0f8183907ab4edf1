// The central point of access: the pure rules under the referral hub. No database and no HTTP here;
// tables, services, the API and pages build on these. README.md beside this file states each rule.
//
//   import * as access from '../modules/access/index.ts';
//
//   const lookup = access.boroughLookupFromDistricts(access.NCL_POSTCODE_DISTRICTS);
//   const input = access.validateReferralInput(body, {
//     today: new Date(), offer, boroughLookup: lookup, areaBoroughs: access.NCL_POSTCODE_DISTRICTS.area.boroughs,
//   });                                                   // { ok, value } | { ok: false, errors: [{ path: 'person.nhsNumber', message }] }
//   const route = access.routeReferral(
//     { component: v.component, age: v.age, borough: v.borough!, urgency: v.urgency, source: v.source },
//     offer, directoryServices,                           // RoutableService[]
//   );                                                    // routed: service, reasons, standard; unrouted: gap (isProvisionGap → evidence)
//   const { referral, event } = access.receiveReferral(id, actor, now);
//   const triaged = access.transition(referral, { type: 'triage', serviceId: route.service.id }, actor, now);
//   const due = access.firstContactDue(referral.receivedAt, route.standard);      // calendar or working days, London time
//   const accepted = access.transition(triaged.referral, { type: 'accept', firstContactDue: due }, actor, now);
//   access.timeLeft(due, now).text;                       // "3 hours 10 minutes left"
//   access.findLikelyDuplicates(newOne, openOnes);        // flag for the triager
//   access.computeCompliance(facts, { asOf: now });       // per component, borough and London month

import districts from '../../../data/ncl/postcode-districts.json' with { type: 'json' };
import { validatePostcodeDistricts, type PostcodeDistrictsFile } from './postcode.ts';

export {
  type BankHoliday,
  calendarFromGovUk,
  createWorkingCalendar,
  ENGLAND_AND_WALES,
  easterSunday,
  OutsideCalendarError,
  ruleBasedBankHolidays,
  type WorkingCalendar,
} from './bank-holidays.ts';
export {
  addCalendarDuration,
  addWorkingDays,
  BREACH_STATUSES,
  type BreachOptions,
  type BreachStatus,
  breachStatus,
  ClockError,
  type ClockOptions,
  describeSpan,
  dueAt,
  firstContactDue,
  nextWorkingDay,
  type TimeLeft,
  timeLeft,
  WORKING_DAY_ENDS,
  workingDayZero,
} from './clock.ts';
export {
  type ComplianceRow,
  computeCompliance,
  median,
  percentile,
  type ReferralFact,
  type StandardCounts,
  type StandardOutcome,
  standardOutcome,
} from './compliance.ts';
export {
  addDays,
  fromLondon,
  isoWeekday,
  LONDON_TIME_ZONE,
  type LocalDateTime,
  londonDate,
  londonDateTime,
  londonInstant,
  londonMonth,
  londonOffsetMinutes,
  parseDate,
} from '../../platform/london-time.ts';
export {
  formatNhsNumber,
  isValidNhsNumber,
  NHS_NUMBER_CHECK_MESSAGE,
  NHS_NUMBER_FORMAT_MESSAGE,
  type NhsNumberProblem,
  type NhsNumberResult,
  nhsNumberCheckDigit,
  normaliseNhsNumber,
  validateNhsNumber,
} from './nhs-number.ts';
export {
  type BoroughLookup,
  type BoroughResult,
  type BoroughTable,
  boroughLookupFromDistricts,
  createBoroughLookup,
  isValidPostcode,
  normalisePostcode,
  POSTCODE_FORMAT_MESSAGE,
  POSTCODE_OUTSIDE_AREA_MESSAGE,
  type Postcode,
  type PostcodeDistrict,
  type PostcodeDistrictsFile,
  type PostcodeProblem,
  parsePostcode,
  resolveBorough,
  validatePostcodeDistricts,
} from './postcode.ts';
export {
  ALLOWED_FROM,
  ageOn,
  applyAll,
  CLOSE_OUTCOMES,
  type CloseOutcome,
  DUPLICATE_WINDOW_DAYS,
  type DuplicateCandidate,
  type EventActor,
  findLikelyDuplicates,
  illegalTransitionMessage,
  isLikelyDuplicate,
  isOpen,
  MAX_AGE,
  OPEN_STATUSES,
  PREFERRED_CONTACTS,
  type PreferredContact,
  REFERRAL_STATUSES,
  type ReferralAction,
  type ReferralActionType,
  type ReferralEvent,
  type ReferralInput,
  type ReferralInputOptions,
  type ReferralState,
  type ReferralStatus,
  receiveReferral,
  type TransitionError,
  type TransitionErrorCode,
  type TransitionResult,
  transition,
  validateReferralInput,
} from './referral.ts';
export {
  GAP_KINDS,
  type GapKind,
  REFERRAL_SOURCES,
  type ReferralSource,
  type RoutableService,
  type Routed,
  type RoutingCheck,
  type RoutingGap,
  type RoutingOptions,
  type RoutingReason,
  type RoutingRequest,
  type RoutingResult,
  routeReferral,
  type Unrouted,
} from './routing.ts';

function loadDistricts(): PostcodeDistrictsFile {
  const checked = validatePostcodeDistricts(districts);
  if (!checked.ok) {
    const first = checked.errors[0];
    throw new Error(`data/ncl/postcode-districts.json: ${first.path}: ${first.message}`);
  }
  return checked.value;
}

/** The demo NCL district table (illustrative: see its `method`). Replace the lookup in a deployment. */
export const NCL_POSTCODE_DISTRICTS: PostcodeDistrictsFile = loadDistricts();

// Storage, commands and queries (the web layer calls these).
export { accessMigrations } from './access.migrations.ts';
export type { Communication, EventRow, GapRow, PersonRow, ReferralRow } from './access.repository.ts';
export {
  ACCESS_STAFF,
  type ActionInput,
  actOnReferral,
  checkReferral,
  claimReferral,
  clearRoutingCache,
  COMPLIANCE_READERS,
  type ComplianceQuery,
  complianceReport,
  CONFIRMATION_MINUTES,
  GAP_READERS,
  getReferral,
  listOfferGaps,
  listReferrals,
  referralsToTriage,
  TRIAGE_STATUSES,
  type ReferralView,
  referralFacts,
  type RoutingContext,
  residentActor,
  routingContext,
  selfReferralConfirmation,
  type SubmitOptions,
  type SubmitResult,
  standardForService,
  submitReferral,
  submitterToken,
  updatePersonFromReferral,
  type HandedOver,
  type WorklistItem,
  type WorklistPage,
  type WorklistQuery,
} from './access.service.ts';
export { seedAccess } from './access.seed.ts';
// What the virtual wards module uses for a step-up admission from an accepted referral.
export {
  recordStepUpFirstContact,
  type StepUpReferral,
  VIRTUAL_WARD_COMPONENTS,
  verifyStepUpReferral,
} from './access.virtualwards.ts';
export { PERSON_DETAIL_FIELDS, PERSON_DETAIL_LABELS } from './person-details.ts';
export { startNotificationDelivery } from './notifications.ts';
// What the care module reads (it authorises through relationships and audits the read itself).
export {
  type CareReferral,
  peopleForCare,
  personByNhsNumberForCare,
  referralForCare,
  referralsForCare,
} from './access.care.ts';
export {
  getVisiblePerson,
  getVisibleReferral,
  listVisiblePeople,
  listVisibleReferrals,
  type PersonRecord,
  type RecordPage,
  type ReferralRecord,
  type StateFilter,
  type UpdatedFilter,
} from './access.records.ts';
