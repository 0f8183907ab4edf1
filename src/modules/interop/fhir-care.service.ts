// FHIR reads of care coordination (EpisodeOfCare, CarePlan, CareTeam, Task, Appointment, QuestionnaireResponse)
// and virtual ward observations (Observation). Every record comes through the owning module's index.ts:
// care's getCareRecord and assessmentsForFhir, virtual wards' observationsForFhir, which check the legitimate
// relationship and audit each read in their own transaction. A search that names someone the caller has no
// relationship with finds nothing, and the refusal is audited all the same.
import { audit } from '../../platform/audit/audit.ts';
import { isNoRelationshipError } from '../../platform/auth/relationships.ts';
import type { Actor } from '../../platform/auth/roles.ts';
import type { AnyDb } from '../../platform/db/database.ts';
import { NotFoundError, ValidationError } from '../../platform/errors.ts';
import { londonInstant } from '../../platform/london-time.ts';
import { referralForCare } from '../access/index.ts';
import {
  assessmentsForFhir,
  type CareRecord,
  careRecordOwner,
  carePeople,
  findPersonId,
  getCareRecord,
  questionnaire,
} from '../care/index.ts';
import { observationForFhir, observationsForFhir } from '../virtualwards/index.ts';
import {
  appointmentResources,
  carePlanResources,
  careTeamResources,
  episodeOfCareResources,
  NEWS2_PREFIX,
  OBSERVATION_SET_PREFIX,
  observationResources,
  QUESTIONNAIRE_ID,
  questionnaireResource,
  questionnaireResponseResource,
  taskResources,
} from './fhir-care.ts';
import { type DateFilter, dateMatches, type FhirResource, SYSTEMS } from './fhir.ts';
import type { FhirMatches, FhirPaging, Token } from './fhir.service.ts';

type ReadOptions = { now: Date; requestId?: string };

export type CareResourceType = 'EpisodeOfCare' | 'CarePlan' | 'CareTeam' | 'Task' | 'Appointment';

const toInstant = (date: string, time: string) => londonInstant(date, time);
const BUILD: Record<CareResourceType, (r: CareRecord) => FhirResource[]> = {
  EpisodeOfCare: episodeOfCareResources,
  CarePlan: carePlanResources,
  CareTeam: careTeamResources,
  Task: taskResources,
  Appointment: (r) => appointmentResources(r, toInstant),
};

/** The statuses each type can have here (the `status` search parameter refuses any other). */
export const CARE_STATUSES: Record<CareResourceType | 'QuestionnaireResponse', string[]> = {
  EpisodeOfCare: ['active'],
  CarePlan: ['active', 'completed'],
  CareTeam: ['active', 'inactive'],
  Task: ['requested', 'completed', 'cancelled'],
  Appointment: ['booked', 'cancelled'],
  QuestionnaireResponse: ['in-progress', 'completed'],
};

export type CareQuery = {
  patient?: string;
  patientIdentifier?: Token;
  identifier?: Token;
  status?: string[];
  lastUpdated?: DateFilter[];
};

const referenceId = (value: string) => (value.startsWith('Patient/') ? value.slice('Patient/'.length) : value);

function checkStatus(type: CareResourceType | 'QuestionnaireResponse', status?: string[]) {
  const allowed = CARE_STATUSES[type];
  const bad = status?.find((s) => !allowed.includes(s));
  if (bad !== undefined)
    throw new ValidationError([{ field: 'status', message: `status must be one of: ${allowed.join(', ')}` }]);
}

/** The people a search covers: the one named, or everyone with a care record the caller may see. */
async function peopleOf(db: AnyDb, actor: Actor, q: CareQuery, o: ReadOptions): Promise<string[]> {
  if (q.patient) return [referenceId(q.patient)];
  if (q.patientIdentifier) {
    if (q.patientIdentifier.system !== undefined && q.patientIdentifier.system !== SYSTEMS.nhsNumber) {
      throw new ValidationError([
        { field: 'patient:identifier', message: `patient:identifier: only NHS numbers (system ${SYSTEMS.nhsNumber})` },
      ]);
    }
    try {
      return [await findPersonId(db, actor, q.patientIdentifier.code, o)];
    } catch (e) {
      if (!isNoRelationshipError(e)) throw e;
      await audit(db, actor, e.refusal);
      return [];
    }
  }
  return carePeople(db, actor, o);
}

/** Runs a read of one person's records; a refusal (no relationship) is audited and gives nothing. */
async function orNothing<T>(db: AnyDb, actor: Actor, read: () => Promise<T>): Promise<T | null> {
  try {
    return await read();
  } catch (e) {
    if (!isNoRelationshipError(e)) throw e;
    await audit(db, actor, e.refusal);
    return null;
  }
}

function filtered(all: FhirResource[], q: CareQuery, statusOf: (r: FhirResource) => string, paging: FhirPaging) {
  const matched = all.filter(
    (r) =>
      (!q.identifier ||
        r.identifier?.some?.(
          (i: { system: string; value: string }) =>
            (q.identifier!.system === undefined || q.identifier!.system === i.system) && q.identifier!.code === i.value,
        ) ||
        (!Array.isArray(r.identifier) &&
          (q.identifier.system === undefined || q.identifier.system === r.identifier?.system) &&
          q.identifier.code === r.identifier?.value)) &&
      (!q.status?.length || q.status.includes(statusOf(r))) &&
      dateMatches(r.meta?.lastUpdated, q.lastUpdated ?? []),
  );
  return { resources: matched.slice(paging.offset, paging.offset + paging.count), total: matched.length };
}

export async function searchCare(
  db: AnyDb,
  actor: Actor,
  type: CareResourceType,
  q: CareQuery,
  paging: FhirPaging,
  o: ReadOptions,
): Promise<FhirMatches> {
  checkStatus(type, q.status);
  const all: FhirResource[] = [];
  for (const personId of await peopleOf(db, actor, q, o)) {
    const record = await orNothing(db, actor, () => getCareRecord(db, actor, personId, o));
    if (record) all.push(...BUILD[type](record));
  }
  return filtered(all, q, (r) => r.status, paging);
}

/** Whose record the resource's id belongs to (an unknown id is an audited "not found" in the care module). */
async function ownerOf(db: AnyDb, actor: Actor, type: CareResourceType, id: string, o: ReadOptions) {
  if (type === 'CareTeam') return id.startsWith('team-') ? id.slice('team-'.length) : null;
  if (type === 'EpisodeOfCare') {
    const referralId = id.startsWith('episode-') ? id.slice('episode-'.length) : '';
    if (!/^[0-9a-f-]{36}$/i.test(referralId)) return null;
    return (await referralForCare(db, actor.systemId, referralId))?.personId ?? null;
  }
  const kind = ({ CarePlan: 'plan', Task: 'action', Appointment: 'appointment' } as const)[type];
  return careRecordOwner(db, actor, kind, id, o);
}

export async function readCare(
  db: AnyDb,
  actor: Actor,
  type: CareResourceType,
  id: string,
  o: ReadOptions,
): Promise<FhirResource> {
  const personId = await ownerOf(db, actor, type, id, o);
  if (!personId) throw new NotFoundError(type);
  const record = await getCareRecord(db, actor, personId, o);
  const found = BUILD[type](record).find((r) => r.id === id);
  if (!found) throw new NotFoundError(type);
  return found;
}

// The holistic assessment ----------------------------------------------------------------------------

/** The holistic assessment's form: public, it holds no one's answers. */
export function readQuestionnaire(id: string): FhirResource {
  if (id !== QUESTIONNAIRE_ID) throw new NotFoundError('Questionnaire');
  return questionnaireResource(questionnaire());
}

export function searchQuestionnaires(q: { url?: string; status?: string[] }, paging: FhirPaging): FhirMatches {
  const one = questionnaireResource(questionnaire());
  const all = [one].filter(
    (r) =>
      (!q.url || q.url === r.url || q.url === `${r.url}|${r.version}`) &&
      (!q.status?.length || q.status.includes(r.status)),
  );
  return { resources: all.slice(paging.offset, paging.offset + paging.count), total: all.length };
}

async function responsesOf(db: AnyDb, actor: Actor, personId: string, o: ReadOptions) {
  const views = await assessmentsForFhir(db, actor, personId, o);
  return views.map((v) => questionnaireResponseResource(v, personId));
}

export async function searchQuestionnaireResponses(
  db: AnyDb,
  actor: Actor,
  q: CareQuery,
  paging: FhirPaging,
  o: ReadOptions,
): Promise<FhirMatches> {
  checkStatus('QuestionnaireResponse', q.status);
  const all: FhirResource[] = [];
  for (const personId of await peopleOf(db, actor, q, o)) {
    const found = await orNothing(db, actor, () => responsesOf(db, actor, personId, o));
    if (found) all.push(...found);
  }
  return filtered(all, q, (r) => r.status, paging);
}

export async function readQuestionnaireResponse(
  db: AnyDb,
  actor: Actor,
  id: string,
  o: ReadOptions,
): Promise<FhirResource> {
  const personId = await careRecordOwner(db, actor, 'assessment', id, o);
  const found = (await responsesOf(db, actor, personId, o)).find((r) => r.id === id);
  if (!found) throw new NotFoundError('QuestionnaireResponse');
  return found;
}

// Virtual ward observations ----------------------------------------------------------------------------

export type ObservationQuery = {
  patientIdentifier?: Token;
  identifier?: Token;
  code?: Token;
  status?: string[];
  lastUpdated?: DateFilter[];
};

export async function searchObservations(
  db: AnyDb,
  actor: Actor,
  q: ObservationQuery,
  paging: FhirPaging,
  o: ReadOptions,
): Promise<FhirMatches> {
  if (q.status?.some((s) => s !== 'final'))
    throw new ValidationError([{ field: 'status', message: 'status must be final (every observation here is)' }]);
  if (q.patientIdentifier?.system !== undefined && q.patientIdentifier.system !== SYSTEMS.nhsNumber) {
    throw new ValidationError([
      { field: 'patient:identifier', message: `patient:identifier: only NHS numbers (system ${SYSTEMS.nhsNumber})` },
    ]);
  }
  const admissions = await observationsForFhir(db, actor, {}, o.now);
  const all = admissions
    .filter((a) => !q.patientIdentifier || a.admission.nhsNumber === q.patientIdentifier.code.replace(/\s+/g, ''))
    .flatMap((a) => a.observations.flatMap((ob) => observationResources(a.admission, ob)));
  const withCode = q.code
    ? all.filter((r) =>
        r.code.coding.some(
          (c: { system: string; code: string }) =>
            (q.code!.system === undefined || q.code!.system === c.system) && q.code!.code === c.code,
        ),
      )
    : all;
  return filtered(withCode, q, (r) => r.status, paging);
}

export async function readObservation(db: AnyDb, actor: Actor, id: string, o: ReadOptions): Promise<FhirResource> {
  const rowId = id.startsWith(OBSERVATION_SET_PREFIX)
    ? id.slice(OBSERVATION_SET_PREFIX.length)
    : id.startsWith(NEWS2_PREFIX)
      ? id.slice(NEWS2_PREFIX.length)
      : '';
  if (!rowId) throw new NotFoundError('Observation');
  const { admission, observation } = await observationForFhir(db, actor, rowId, o.now);
  const found = observationResources(admission, observation).find((r) => r.id === id);
  if (!found) throw new NotFoundError('Observation');
  return found;
}
