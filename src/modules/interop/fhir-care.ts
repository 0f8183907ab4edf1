// FHIR R4 (UK Core 2.0.0) mappings of care coordination and virtual wards: EpisodeOfCare, CarePlan,
// CareTeam, Task, Appointment, Questionnaire, QuestionnaireResponse and Observation (the observation set and
// the NEWS2 total as UK Core's EarlyWarningTotalScore). Pure: no database, no clock.
import type { AssessmentView, CareRecord } from '../care/index.ts';
import type { AdmissionRow, ObservationRow } from '../virtualwards/index.ts';
import { type FhirResource, SYSTEMS } from './fhir.ts';

const P = 'https://fhir.hl7.org.uk/StructureDefinition/';
export const UKCORE_CARE = {
  EpisodeOfCare: `${P}UKCore-EpisodeOfCare`,
  CarePlan: `${P}UKCore-CarePlan`,
  CareTeam: `${P}UKCore-CareTeam`,
  Task: `${P}UKCore-Task`,
  Appointment: `${P}UKCore-Appointment`,
  Questionnaire: `${P}UKCore-Questionnaire`,
  QuestionnaireResponse: `${P}UKCore-QuestionnaireResponse`,
  Observation: `${P}UKCore-Observation`,
} as const;
export const EARLY_WARNING_TOTAL = `${P}UKCore-Observation-EarlyWarningTotalScore`;

/** Core Offer's record ids: no national identifier names a care plan, an action or an appointment. */
export const CARE_SYSTEMS = {
  episode: 'urn:core-offer:episode-of-care',
  plan: 'urn:core-offer:care-plan',
  team: 'urn:core-offer:care-team',
  action: 'urn:core-offer:care-action',
  appointment: 'urn:core-offer:care-appointment',
  assessment: 'urn:core-offer:holistic-assessment',
  observation: 'urn:core-offer:virtual-ward-observation',
} as const;

const SNOMED = 'http://snomed.info/sct';
const LOINC = 'http://loinc.org';
const UCUM = 'http://unitsofmeasure.org';
const OBS_CATEGORY = 'http://terminology.hl7.org/CodeSystem/observation-category';

type Person = CareRecord['person'];
const patientRef = (p: Pick<Person, 'id' | 'nhsNumber' | 'givenName' | 'familyName'>) => ({
  reference: `Patient/${p.id}`,
  identifier: { system: SYSTEMS.nhsNumber, value: p.nhsNumber },
  display: `${p.givenName} ${p.familyName}`,
});
const orgRef = (code: string | null | undefined) =>
  code ? { reference: `Organization/${code}`, identifier: { system: SYSTEMS.ods, value: code } } : undefined;
const meta = (profile: string, lastUpdated?: string | null) => ({
  profile: [profile],
  ...(lastUpdated ? { lastUpdated: new Date(lastUpdated).toISOString() } : {}),
});
const latest = (...times: (string | null | undefined)[]) =>
  times.filter((t): t is string => !!t).sort((a, b) => Date.parse(b) - Date.parse(a))[0];

/** Ids of resources with no row of their own: the care team and the episode are per person and per referral. */
export const careTeamId = (personId: string) => `team-${personId}`;
export const episodeId = (referralId: string) => `episode-${referralId}`;

/** An accepted referral is an episode of care with the receiving service (decision 0011). */
export function episodeOfCareResources(r: CareRecord): FhirResource[] {
  return r.episodes.map((e) => {
    const referral = r.referrals.find((x) => x.id === e.referralId);
    return {
      resourceType: 'EpisodeOfCare',
      id: episodeId(e.referralId),
      meta: meta(UKCORE_CARE.EpisodeOfCare, e.since),
      identifier: [{ system: CARE_SYSTEMS.episode, value: e.reference }],
      status: 'active',
      type: [{ text: e.serviceName }],
      patient: patientRef(r.person),
      ...(orgRef(e.organisationCode) ? { managingOrganization: orgRef(e.organisationCode) } : {}),
      period: { start: new Date(e.since).toISOString() },
      referralRequest: [{ reference: `ServiceRequest/${e.referralId}`, display: referral?.reference ?? e.reference }],
      ...(r.caseManager ? { careManager: { display: r.caseManager.caseManagerName } } : {}),
    };
  });
}

const PLAN_STATUS: Record<string, string> = { active: 'active', closed: 'completed' };
const TASK_STATUS: Record<string, string> = { open: 'requested', done: 'completed', cancelled: 'cancelled' };

export function carePlanResources(r: CareRecord): FhirResource[] {
  const plan = r.plan;
  if (!plan) return [];
  return [
    {
      resourceType: 'CarePlan',
      id: plan.id,
      meta: meta(UKCORE_CARE.CarePlan, plan.updatedAt),
      identifier: [{ system: CARE_SYSTEMS.plan, value: plan.id }],
      status: PLAN_STATUS[plan.status] ?? 'unknown',
      intent: 'plan',
      category: [{ text: 'Personalised care and support plan' }],
      title: 'Care and support plan',
      subject: patientRef(r.person),
      period: { start: new Date(plan.createdAt).toISOString(), end: plan.reviewDue },
      created: new Date(plan.createdAt).toISOString(),
      author: { display: plan.createdByName },
      careTeam: [{ reference: `CareTeam/${careTeamId(r.person.id)}` }],
      ...(plan.goals.length ? { note: plan.goals.map((g) => ({ text: `Goal: ${g.text}` })) } : {}),
      ...(plan.actions.length
        ? { activity: plan.actions.map((a) => ({ reference: { reference: `Task/${a.id}`, display: a.description } })) }
        : {}),
    },
  ];
}

export function careTeamResources(r: CareRecord): FhirResource[] {
  if (r.team.length === 0) return [];
  const current = r.team.filter((m) => !m.endedAt);
  return [
    {
      resourceType: 'CareTeam',
      id: careTeamId(r.person.id),
      meta: meta(UKCORE_CARE.CareTeam, latest(...r.team.flatMap((m) => [m.addedAt, m.endedAt]))),
      identifier: [{ system: CARE_SYSTEMS.team, value: r.person.id }],
      status: current.length ? 'active' : 'inactive',
      name: `Care team of ${r.person.givenName} ${r.person.familyName}`,
      subject: patientRef(r.person),
      participant: r.team.map((m) => ({
        role: [{ text: m.roleTitle }],
        member: { display: m.name },
        ...(orgRef(m.organisationCode) ? { onBehalfOf: orgRef(m.organisationCode) } : {}),
        period: {
          start: new Date(m.addedAt).toISOString(),
          ...(m.endedAt ? { end: new Date(m.endedAt).toISOString() } : {}),
        },
      })),
    },
  ];
}

export function taskResources(r: CareRecord): FhirResource[] {
  const plan = r.plan;
  if (!plan) return [];
  return plan.actions.map((a) => ({
    resourceType: 'Task',
    id: a.id,
    meta: meta(UKCORE_CARE.Task, a.completedAt ?? a.createdAt),
    identifier: [{ system: CARE_SYSTEMS.action, value: a.id }],
    basedOn: [{ reference: `CarePlan/${plan.id}` }],
    status: TASK_STATUS[a.status] ?? 'requested',
    intent: 'plan',
    description: a.description,
    for: patientRef(r.person),
    authoredOn: new Date(a.createdAt).toISOString(),
    lastModified: new Date(a.completedAt ?? a.createdAt).toISOString(),
    owner: { display: a.ownerLabel },
    restriction: { period: { end: a.due } },
    ...(a.completionNote ? { note: [{ text: a.completionNote }] } : {}),
  }));
}

/** The appointment's London wall-clock date and time as an instant with its offset. */
export type LondonToInstant = (date: string, time: string) => Date;

export function appointmentResources(r: CareRecord, toInstant: LondonToInstant): FhirResource[] {
  return r.appointments.map((a) => {
    const start = toInstant(a.date, a.time).toISOString();
    const last = a.events.at(-1);
    return {
      resourceType: 'Appointment',
      id: a.id,
      meta: meta(UKCORE_CARE.Appointment, last?.at),
      identifier: [{ system: CARE_SYSTEMS.appointment, value: a.id }],
      status: a.status === 'cancelled' ? 'cancelled' : 'booked',
      ...(a.status === 'cancelled' && last?.reason ? { cancelationReason: { text: last.reason } } : {}),
      serviceType: [{ text: a.service }],
      description: `${a.service} at ${a.place}`,
      start,
      // Core Offer records when an appointment starts, not how long it lasts (FHIR's app-3 asks for an end).
      end: start,
      comment: 'The length of the appointment is not recorded: the end given is its start.',
      participant: [
        { actor: patientRef(r.person), status: 'accepted' },
        { actor: { display: a.place }, status: 'accepted', type: [{ text: 'Place' }] },
      ],
    };
  });
}

// The holistic assessment ---------------------------------------------------------------------------------

export const QUESTIONNAIRE_ID = 'holistic-assessment';

/** R4 item types: an item answered from a list of options is `choice` (`coding` is R5's word for it). */
function r4Items(items: FhirResource[] | undefined): FhirResource[] | undefined {
  return items?.map((i) => ({
    ...i,
    type: i.type === 'coding' ? 'choice' : i.type,
    ...(i.item ? { item: r4Items(i.item) } : {}),
  }));
}

export function questionnaireResource(q: FhirResource): FhirResource {
  return {
    ...q,
    item: r4Items(q.item),
    id: QUESTIONNAIRE_ID,
    meta: meta(UKCORE_CARE.Questionnaire),
    subjectType: ['Patient'],
  };
}

export function questionnaireResponseResource(a: AssessmentView, personId: string): FhirResource {
  const qr = a.questionnaireResponse;
  return {
    ...qr,
    meta: meta(UKCORE_CARE.QuestionnaireResponse, a.updatedAt),
    identifier: { system: CARE_SYSTEMS.assessment, value: `${a.id}` },
    subject: { reference: `Patient/${personId}`, ...qr.subject, display: a.personName },
  };
}

// Virtual ward observations -------------------------------------------------------------------------------

export const OBSERVATION_SET_PREFIX = 'vw-';
export const NEWS2_PREFIX = 'news2-';

const VITALS: Record<string, { system: string; code: string; display: string; unit?: string; ucum?: string }> = {
  respirationRate: { system: LOINC, code: '9279-1', display: 'Respiratory rate', unit: 'breaths/minute', ucum: '/min' },
  spo2: { system: LOINC, code: '2708-6', display: 'Oxygen saturation in Arterial blood', unit: '%', ucum: '%' },
  systolicBP: { system: LOINC, code: '8480-6', display: 'Systolic blood pressure', unit: 'mmHg', ucum: 'mm[Hg]' },
  pulse: { system: LOINC, code: '8867-4', display: 'Heart rate', unit: 'beats/minute', ucum: '/min' },
  temperature: { system: LOINC, code: '8310-5', display: 'Body temperature', unit: 'C', ucum: 'Cel' },
};
const CONSCIOUSNESS_TEXT: Record<string, string> = {
  A: 'Alert',
  C: 'New confusion',
  V: 'Responds to voice',
  P: 'Responds to pain',
  U: 'Unresponsive',
};

/** NEWS2 sub-score codes (UK Core's EarlyWarningSubScore value set, SNOMED CT UK). */
const NEWS2_SUBSCORES: Record<string, { code: string; display: string }> = {
  respirationRate: {
    code: '1104301000000104',
    display: 'Royal College of Physicians NEWS2 (National Early Warning Score 2) - respiration rate score',
  },
  spo2Scale1: {
    code: '1104311000000102',
    display: 'Royal College of Physicians NEWS2 (National Early Warning Score 2) - oxygen saturation scale 1 score',
  },
  spo2Scale2: {
    code: '1104321000000108',
    display: 'Royal College of Physicians NEWS2 (National Early Warning Score 2) - oxygen saturation scale 2 score',
  },
  airOrOxygen: {
    code: '1104331000000105',
    display: 'Royal College of Physicians NEWS2 (National Early Warning Score 2) - air or oxygen score',
  },
  systolicBP: {
    code: '1104341000000101',
    display: 'Royal College of Physicians NEWS2 (National Early Warning Score 2) - systolic blood pressure score',
  },
  pulse: {
    code: '1104351000000103',
    display: 'Royal College of Physicians NEWS2 (National Early Warning Score 2) - pulse score',
  },
  consciousness: {
    code: '1104361000000100',
    display: 'Royal College of Physicians NEWS2 (National Early Warning Score 2) - consciousness score',
  },
  temperature: {
    code: '1104371000000107',
    display: 'Royal College of Physicians NEWS2 (National Early Warning Score 2) - temperature score',
  },
};
export const NEWS2_TOTAL = {
  system: SNOMED,
  code: '1104051000000101',
  display: 'Royal College of Physicians NEWS2 (National Early Warning Score 2) total score',
};

const score = (value: number) => ({ value, unit: 'ScoreOf', system: UCUM, code: '{ScoreOf}' });

/** A virtual ward patient is the ward's own record (not the central point of access's Patient): by NHS number. */
const wardPatient = (a: AdmissionRow) => ({
  identifier: { system: SYSTEMS.nhsNumber, value: a.nhsNumber },
  display: `${a.givenName} ${a.familyName}`,
});

/** Whether an observation was scored with NEWS2 (the paediatric wards use an illustrative score instead). */
export const isNews2 = (o: ObservationRow) => 'airOrOxygen' in o.parameterScores;

/** The readings taken together, as one vital signs Observation with a component per reading. */
export function observationSetResource(a: AdmissionRow, o: ObservationRow): FhirResource {
  const readings = o.readings as Record<string, unknown>;
  const components: Record<string, unknown>[] = [];
  for (const [key, v] of Object.entries(VITALS)) {
    const value = key === 'pulse' ? (readings.pulse ?? readings.heartRate) : readings[key];
    if (typeof value !== 'number') continue;
    components.push({
      code: { coding: [{ system: v.system, code: v.code, display: v.display }] },
      valueQuantity: { value, unit: v.unit, system: UCUM, code: v.ucum },
    });
  }
  if (typeof readings.onOxygen === 'boolean')
    components.push({ code: { text: 'On supplemental oxygen' }, valueBoolean: readings.onOxygen });
  if (typeof readings.consciousness === 'string')
    components.push({
      code: { text: 'Level of consciousness (ACVPU)' },
      valueCodeableConcept: { text: CONSCIOUSNESS_TEXT[readings.consciousness] ?? readings.consciousness },
    });
  return {
    resourceType: 'Observation',
    id: `${OBSERVATION_SET_PREFIX}${o.id}`,
    meta: meta(UKCORE_CARE.Observation, o.observedAt.toISOString()),
    identifier: [{ system: CARE_SYSTEMS.observation, value: o.id }],
    status: 'final',
    category: [{ coding: [{ system: OBS_CATEGORY, code: 'vital-signs', display: 'Vital Signs' }] }],
    code: {
      coding: [{ system: LOINC, code: '85353-1', display: 'Vital signs panel' }],
      text: 'Virtual ward observations',
    },
    subject: wardPatient(a),
    effectiveDateTime: o.observedAt.toISOString(),
    performer: [{ display: o.recordedBy }],
    ...(o.source === 'device' ? { method: { text: 'Sent by a monitoring device' } } : {}),
    component: components,
  };
}

/**
 * The NEWS2 aggregate, per UK Core's EarlyWarningTotalScore: final, survey, the SNOMED CT total score code,
 * a {ScoreOf} quantity, and a component per parameter score. Only when every parameter was present: a
 * partial NEWS2 has no total (the ward shows the risk the present parameters prove).
 */
export function news2Resource(a: AdmissionRow, o: ObservationRow): FhirResource | null {
  if (!isNews2(o) || o.score === null) return null;
  const scale = (o.readings as { spo2Scale?: number }).spo2Scale === 2 || a.spo2Scale === 2 ? 2 : 1;
  const components: Record<string, unknown>[] = [];
  for (const [param, value] of Object.entries(o.parameterScores)) {
    if (value === null) continue;
    const sub = NEWS2_SUBSCORES[param === 'spo2' ? `spo2Scale${scale}` : param];
    if (!sub) continue;
    components.push({ code: { coding: [{ system: SNOMED, ...sub }] }, valueQuantity: score(value) });
  }
  return {
    resourceType: 'Observation',
    id: `${NEWS2_PREFIX}${o.id}`,
    meta: meta(EARLY_WARNING_TOTAL, o.observedAt.toISOString()),
    identifier: [{ system: CARE_SYSTEMS.observation, value: `news2-${o.id}` }],
    status: 'final',
    category: [{ coding: [{ system: OBS_CATEGORY, code: 'survey', display: 'Survey' }] }],
    code: { coding: [NEWS2_TOTAL] },
    subject: wardPatient(a),
    effectiveDateTime: o.observedAt.toISOString(),
    performer: [{ display: o.recordedBy }],
    valueQuantity: score(o.score),
    interpretation: [{ text: `Clinical risk: ${o.risk}` }],
    derivedFrom: [{ reference: `Observation/${OBSERVATION_SET_PREFIX}${o.id}` }],
    component: components,
  };
}

export function observationResources(a: AdmissionRow, o: ObservationRow): FhirResource[] {
  const total = news2Resource(a, o);
  return [observationSetResource(a, o), ...(total ? [total] : [])];
}
