// Commands and queries of care coordination. Each takes (db, actor, …, { now }) and runs in one transaction
// that checks the legitimate relationship (platform/auth/relationships.ts), makes the change, grants or ends
// the relationships the change gives, and writes the audit row. Every read of a person's care record is
// audited too. A person is the access module's person (one care record per NHS number).
//
// Relationships this module grants:
//   - 'assessment'    the assessor (user) who starts an assessment, for as long as the record lasts
//   - 'allocation'    the case manager role, while a person flagged complex waits for a case manager
//   - 'case-manager'  the allocated case manager (user), until reallocated
//   - 'care-team'     each care team member (their user, or their organisation when they have no account)
import { randomUUID } from 'node:crypto';
import { audit } from '../../platform/audit/audit.ts';
import { enqueue } from '../../platform/outbox.ts';
import { findUser } from '../../platform/auth/identity.ts';
import {
  breakGlass,
  endRelationships,
  listBreakGlass,
  reviewBreakGlass,
  unreviewedBreakGlassCount,
  NoRelationshipError,
  relate,
  requirePersonAccess,
  visiblePeople,
} from '../../platform/auth/relationships.ts';
import type { Actor } from '../../platform/auth/roles.ts';
import { type AnyDb, inTransaction } from '../../platform/db/database.ts';
import {
  ConflictError,
  DomainError,
  type FieldError,
  ForbiddenError,
  NotFoundError,
  ValidationError,
} from '../../platform/errors.ts';
import { addDays, londonDate, londonDateTime, londonInstant, pad, parseDate } from '../../platform/london-time.ts';
import {
  type CareReferral,
  normaliseNhsNumber,
  peopleForCare,
  personByNhsNumberForCare,
  type PersonRow,
  referralForCare,
  referralsForCare,
  routingContext,
} from '../access/index.ts';
import {
  type Answers,
  barthelScore,
  missingToSign,
  parseAnswers,
  prefill,
  reusedCount,
  SECTIONS,
  type Source,
  toQuestionnaireResponse,
} from './assessment.ts';
import { getPublishedOffer } from '../offer/index.ts';
import { visitsForCare } from '../scheduling/index.ts';
import * as repo from './care.repository.ts';
import {
  type AppointmentEvent,
  type AppointmentInput,
  checkAppointment,
  describeAppointment,
  notificationFor,
  plainDate,
  plainDateTime,
  plainSummary,
} from './appointments.ts';
import { caseWeight, complexityReasons } from './complexity.ts';
import { newAllocations, overdueActions, reviewsDue, whatHappensNext } from './today.ts';
import {
  checkTransitionPlan,
  TRANSITION_FLAG_AGE,
  type TransitionPlanInput,
  transitionChoices,
  transitionConcerns,
  transitionStatus,
} from './transition.ts';

/** Roles that work with care records (each still needs a relationship with the person). */
export const CARE_STAFF = ['case_manager', 'clinician', 'spa'] as const;
export const CASE_MANAGERS = ['case_manager'] as const;
/** Who may write plans, actions and meetings. */
export const CARE_WRITERS = ['case_manager', 'clinician'] as const;

export type Opts = { now: Date; requestId?: string };

function requireRole(actor: Actor, roles: readonly string[], what = 'care records') {
  if (actor.role !== 'system' && !roles.includes(actor.role)) {
    throw new ForbiddenError(`Your role does not give you access to ${what}`);
  }
}

const PERSON_LABEL = 'Care record';

/** Throws an audited "not found" unless the actor may see this person now. */
async function access(tx: AnyDb, actor: Actor, personId: string, o: Opts, recordType: string, recordId?: string) {
  return requirePersonAccess(tx, actor, personId, {
    now: o.now,
    recordType,
    recordId: recordId ?? personId,
    label: PERSON_LABEL,
    requestId: o.requestId,
  });
}

function notFound(recordType: string, recordId: string, o: Opts): NoRelationshipError {
  // The same answer as "no relationship", so nobody learns whether a record exists.
  return new NoRelationshipError(PERSON_LABEL, {
    action: 'person.refused',
    recordType,
    recordId,
    outcome: 'refused',
    reason: 'no such record',
    requestId: o.requestId,
  });
}

const today = (o: Opts) => londonDate(o.now);

function checkDate(value: unknown, field: string, label: string, o: Opts, { future = true } = {}): string {
  if (typeof value !== 'string' || !parseDate(value)) {
    throw new ValidationError([{ field, message: `Enter ${label} as a real date, like ${addDays(today(o), 14)}` }]);
  }
  if (future && value < today(o)) {
    throw new ValidationError([
      { field, message: `${label[0]!.toUpperCase()}${label.slice(1)} must be today or in the future` },
    ]);
  }
  return value;
}

function text(value: unknown, field: string, label: string, max = 2000): string {
  const t = typeof value === 'string' ? value.trim() : '';
  if (!t) throw new ValidationError([{ field, message: `Enter ${label}` }]);
  if (t.length > max) throw new ValidationError([{ field, message: `${label} must be ${max} characters or fewer` }]);
  return t;
}

// ---------------------------------------------------------------------------------------------
// The trusted assessor competency (a capability on the staff account, granted by an administrator)

export async function grantTrustedAssessor(
  db: AnyDb,
  actor: Actor,
  username: string,
  o: Opts & { revoke?: boolean; reason?: string; requireReason?: boolean },
) {
  if (actor.role !== 'admin' && actor.role !== 'system') {
    throw new ForbiddenError('Only an administrator can grant the trusted assessor competency');
  }
  return inTransaction(db, async (tx) => {
    const errors: FieldError[] = [];
    const user = username.trim() ? await findUser(tx, actor.systemId, username.trim()) : undefined;
    if (!username.trim()) errors.push({ field: 'username', message: 'Enter the username of the staff account' });
    else if (!user) errors.push({ field: 'username', message: 'There is no staff account with that username' });
    const reason = (o.reason ?? '').trim().slice(0, 500);
    if (o.requireReason && !reason)
      errors.push({
        field: 'reason',
        message: o.revoke
          ? 'Enter why the competency is revoked'
          : 'Enter the evidence of competency, for example the training completed',
      });
    if (errors.length || !user) throw new ValidationError(errors);
    if (o.revoke) await repo.revokeTrustedAssessor(tx, actor.systemId, user.id, o.now);
    else
      await repo.grantTrustedAssessor(tx, {
        systemId: actor.systemId,
        userId: user.id,
        userName: user.displayName,
        grantedBy: actor.name,
        at: o.now,
      });
    await audit(tx, actor, {
      action: o.revoke ? 'care.trusted-assessor.revoke' : 'care.trusted-assessor.grant',
      recordType: 'user',
      recordId: user.id,
      reason: reason || null,
      requestId: o.requestId,
      detail: { username: user.username },
    });
    return { userId: user.id, username: user.username, trustedAssessor: !o.revoke };
  });
}

/** The trusted assessors now, for the administrator's page. */
export async function listTrustedAssessors(db: AnyDb, actor: Actor) {
  if (actor.role !== 'admin' && actor.role !== 'system') {
    throw new ForbiddenError('Only an administrator can manage the trusted assessor competency');
  }
  return repo.trustedAssessors(db, actor.systemId);
}

export async function isTrustedAssessor(db: AnyDb, actor: Actor): Promise<boolean> {
  return actor.kind === 'user' && repo.isTrustedAssessor(db, actor.systemId, actor.id);
}

// ---------------------------------------------------------------------------------------------
// Assessments

export interface AssessmentView {
  id: string;
  personId: string;
  nhsNumber: string;
  personName: string;
  referralId: string | null;
  version: number;
  status: 'draft' | 'signed';
  revision: number;
  answers: { linkId: string; text: string; value: string | boolean | number; source: Source | null }[];
  answerMap: Answers;
  sources: Record<string, Source>;
  prefilledCount: number;
  reusedCount: number | null;
  barthel: ReturnType<typeof barthelScore>;
  complexity: { rule: string; text: string }[];
  supersedes: string | null;
  changeReason: string | null;
  createdByName: string;
  createdAt: string;
  updatedByName: string;
  updatedAt: string;
  signedByName: string | null;
  signedAt: string | null;
  questionnaireResponse: ReturnType<typeof toQuestionnaireResponse>;
}

async function servicesInvolved(tx: AnyDb, systemId: string, personId: string): Promise<number> {
  const referrals = await referralsForCare(tx, systemId, personId);
  const team = await repo.teamOf(tx, systemId, personId);
  const keys = new Set<string>();
  for (const r of referrals) if (r.serviceId && r.status !== 'closed') keys.add(`service:${r.serviceId}`);
  for (const m of team) keys.add(`org:${m.organisationCode}`);
  return keys.size;
}

async function assessmentView(tx: AnyDb, a: repo.AssessmentRow, person: PersonRow): Promise<AssessmentView> {
  const items = SECTIONS.flatMap((s) => s.items);
  return {
    id: a.id,
    personId: a.personId,
    nhsNumber: person.nhsNumber,
    personName: `${person.givenName} ${person.familyName}`,
    referralId: a.referralId,
    version: a.version,
    status: a.status,
    revision: a.revision,
    answers: items
      .filter((i) => a.answers[i.linkId] !== undefined)
      .map((i) => ({
        linkId: i.linkId,
        text: i.text,
        value: a.answers[i.linkId]!,
        // A source holds only while the answer is still the one that was prefilled.
        source: a.sources[i.linkId] && a.prefilled[i.linkId] === a.answers[i.linkId] ? a.sources[i.linkId]! : null,
      })),
    answerMap: a.answers,
    sources: a.sources,
    prefilledCount: Object.keys(a.prefilled).length,
    reusedCount: a.reusedCount,
    barthel: barthelScore(a.answers),
    complexity: complexityReasons({
      answers: a.answers,
      servicesInvolved: await servicesInvolved(tx, a.systemId, a.personId),
    }),
    supersedes: a.supersedes,
    changeReason: a.changeReason,
    createdByName: a.createdByName,
    createdAt: a.createdAt,
    updatedByName: a.updatedByName,
    updatedAt: a.updatedAt,
    signedByName: a.signedByName,
    signedAt: a.signedAt,
    questionnaireResponse: toQuestionnaireResponse(a.answers, {
      id: a.id,
      status: a.status === 'signed' ? 'completed' : 'in-progress',
      subjectNhsNumber: person.nhsNumber,
      authored: a.signedAt ?? a.updatedAt,
      author: a.signedByName,
    }),
  };
}

async function personOf(tx: AnyDb, systemId: string, personId: string): Promise<PersonRow> {
  const [p] = await peopleForCare(tx, systemId, [personId]);
  if (!p) throw new NotFoundError(PERSON_LABEL);
  return p;
}

/**
 * Starts a draft assessment prefilled from what is already known: the referral (its communication needs) and
 * the person's last signed assessment. With `reviseOf`, a new version of a signed assessment, with why.
 */
export async function startAssessment(
  db: AnyDb,
  actor: Actor,
  input: { referralId?: unknown; personId?: unknown; reason?: unknown },
  o: Opts,
): Promise<AssessmentView> {
  requireRole(actor, CARE_WRITERS, 'assessments');
  return inTransaction(db, async (tx) => {
    let referral: CareReferral | null = null;
    let personId: string;
    if (typeof input.referralId === 'string' && input.referralId) {
      referral = /^[0-9a-f-]{36}$/i.test(input.referralId)
        ? await referralForCare(tx, actor.systemId, input.referralId)
        : null;
      if (!referral) throw notFound('referral', input.referralId, o);
      personId = referral.personId;
    } else if (typeof input.personId === 'string' && /^[0-9a-f-]{36}$/i.test(input.personId)) {
      personId = input.personId;
    } else {
      throw new ValidationError([{ field: 'referralId', message: 'Say which referral the assessment is for' }]);
    }
    await access(tx, actor, personId, o, 'care_assessment');
    const person = await personOf(tx, actor.systemId, personId);
    const all = await repo.assessmentsOf(tx, actor.systemId, personId);
    const draft = all.find((a) => a.status === 'draft');
    if (draft) {
      throw new DomainError(
        409,
        'draft_exists',
        `There is already a draft assessment (version ${draft.version}): carry on with that one`,
        [{ field: 'referralId', message: `Carry on with the draft assessment, version ${draft.version}` }],
      );
    }
    const previous = all.find((a) => a.status === 'signed') ?? null;
    const reason = typeof input.reason === 'string' ? input.reason.trim() : '';
    if (previous && !reason) {
      throw new ValidationError([{ field: 'reason', message: 'Say why the signed assessment is being changed' }]);
    }
    if (!referral) {
      // The person's most recent referral still tells us their communication needs.
      const latest = (await referralsForCare(tx, actor.systemId, personId))[0];
      if (latest) referral = { ...latest, person };
    }
    const filled = prefill({
      referral: referral
        ? { id: referral.id, reference: referral.reference, communication: referral.communication }
        : null,
      previous: previous
        ? { id: previous.id, version: previous.version, signedAt: previous.signedAt, answers: previous.answers }
        : null,
    });
    const at = o.now.toISOString();
    const row: repo.AssessmentRow = {
      id: randomUUID(),
      systemId: actor.systemId,
      personId,
      referralId: referral?.id ?? null,
      version: (all[0]?.version ?? 0) + 1,
      status: 'draft',
      answers: filled.answers,
      sources: filled.sources,
      prefilled: filled.answers,
      reusedCount: null,
      revision: 1,
      supersedes: previous?.id ?? null,
      changeReason: previous ? reason : null,
      createdBy: actor.id,
      createdByName: actor.name,
      createdAt: at,
      updatedByName: actor.name,
      updatedAt: at,
      signedBy: null,
      signedByName: null,
      signedAt: null,
    };
    await repo.insertAssessment(tx, row);
    if (actor.kind === 'user') {
      await relate(tx, {
        systemId: actor.systemId,
        personId,
        grantee: { user: actor.id },
        basis: 'assessment',
        sourceType: 'care_assessment',
        sourceId: row.id,
        at: o.now,
      });
    }
    await audit(tx, actor, {
      action: 'care.assessment.create',
      recordType: 'care_assessment',
      recordId: row.id,
      reason: row.changeReason,
      requestId: o.requestId,
      detail: {
        personId,
        version: row.version,
        referralId: row.referralId,
        prefilled: Object.keys(filled.answers).length,
      },
    });
    return assessmentView(tx, row, person);
  });
}

export async function getAssessment(db: AnyDb, actor: Actor, id: string, o: Opts): Promise<AssessmentView> {
  requireRole(actor, CARE_STAFF);
  return inTransaction(db, async (tx) => {
    const a = /^[0-9a-f-]{36}$/i.test(id) ? await repo.findAssessment(tx, actor.systemId, id) : null;
    if (!a) throw notFound('care_assessment', id, o);
    await access(tx, actor, a.personId, o, 'care_assessment', id);
    await audit(tx, actor, {
      action: 'care.assessment.read',
      recordType: 'care_assessment',
      recordId: id,
      requestId: o.requestId,
      detail: { personId: a.personId, version: a.version },
    });
    return assessmentView(tx, a, await personOf(tx, actor.systemId, a.personId));
  });
}

/** Saves a draft's answers. `revision` is the one the editor loaded: a stale one is refused (409), nothing lost. */
export async function saveAssessment(
  db: AnyDb,
  actor: Actor,
  id: string,
  input: { answers?: unknown; revision?: unknown },
  o: Opts,
): Promise<AssessmentView> {
  requireRole(actor, CARE_WRITERS, 'assessments');
  return inTransaction(db, async (tx) => {
    const a = /^[0-9a-f-]{36}$/i.test(id)
      ? await repo.findAssessment(tx, actor.systemId, id, { forUpdate: true })
      : null;
    if (!a) throw notFound('care_assessment', id, o);
    await access(tx, actor, a.personId, o, 'care_assessment', id);
    if (a.status === 'signed') {
      throw new DomainError(
        409,
        'assessment_signed',
        'This assessment is signed and cannot be changed: start a new version',
        [{ field: 'answers', message: 'A signed assessment cannot be changed: start a new version' }],
      );
    }
    const revision = Number(input.revision);
    if (!Number.isInteger(revision)) {
      throw new ValidationError([{ field: 'revision', message: 'Send the revision of the draft you edited' }]);
    }
    const { answers, problems } = parseAnswers(input.answers ?? {});
    if (problems.length) throw new ValidationError(problems, 'There is a problem with the answers');
    if (revision !== a.revision) {
      throw new DomainError(
        409,
        'stale_revision',
        `${a.updatedByName} saved this draft after you opened it, so your changes were not saved. Check the latest answers, then save again.`,
        [{ field: 'revision', message: 'Someone else saved this draft after you opened it' }],
      );
    }
    const ok = await repo.saveDraft(tx, {
      systemId: actor.systemId,
      id,
      revision,
      answers,
      byName: actor.name,
      at: o.now,
    });
    if (!ok) throw new ConflictError('Someone else saved this draft at the same time: open it again', 'stale_revision');
    await audit(tx, actor, {
      action: 'care.assessment.save',
      recordType: 'care_assessment',
      recordId: id,
      requestId: o.requestId,
      detail: { personId: a.personId, version: a.version, answered: Object.keys(answers).length },
    });
    const saved = (await repo.findAssessment(tx, actor.systemId, id))!;
    return assessmentView(tx, saved, await personOf(tx, actor.systemId, a.personId));
  });
}

/**
 * Signs a draft: only a trusted assessor (403, audited, otherwise); every question needed must be answered
 * (400 naming each); once signed it is read-only. Signing works out complexity: a person who needs a case
 * manager joins the allocation worklist (the case manager role may see them until one is allocated).
 */
export async function signAssessment(db: AnyDb, actor: Actor, id: string, o: Opts): Promise<AssessmentView> {
  requireRole(actor, CARE_WRITERS, 'assessments');
  // Who may see the person comes first (404 for anyone else), then the competency (403), both audited.
  const found = /^[0-9a-f-]{36}$/i.test(id) ? await repo.findAssessment(db, actor.systemId, id) : null;
  if (!found) throw notFound('care_assessment', id, o);
  await access(db, actor, found.personId, o, 'care_assessment', id);
  if (!(await isTrustedAssessor(db, actor))) {
    // Audited on the root database: the refusal must outlive the request's transaction.
    await audit(db, actor, {
      action: 'care.assessment.sign',
      recordType: 'care_assessment',
      recordId: id,
      outcome: 'refused',
      reason: 'not a trusted assessor',
      requestId: o.requestId,
    });
    throw new ForbiddenError('Only a trusted assessor can sign an assessment');
  }
  return inTransaction(db, async (tx) => {
    const a = /^[0-9a-f-]{36}$/i.test(id)
      ? await repo.findAssessment(tx, actor.systemId, id, { forUpdate: true })
      : null;
    if (!a) throw notFound('care_assessment', id, o);
    await access(tx, actor, a.personId, o, 'care_assessment', id);
    if (a.status === 'signed') {
      throw new DomainError(409, 'already_signed', `This assessment was already signed by ${a.signedByName}`);
    }
    const missing = missingToSign(a.answers);
    if (missing.length) throw new ValidationError(missing, 'Answer these questions before signing');
    const reused = reusedCount(a.answers, a.prefilled);
    if (
      !(await repo.signAssessment(tx, {
        systemId: actor.systemId,
        id,
        by: actor.id,
        byName: actor.name,
        at: o.now,
        reusedCount: reused,
      }))
    ) {
      throw new DomainError(409, 'already_signed', 'This assessment was signed at the same time by someone else');
    }
    const reasons = complexityReasons({
      answers: a.answers,
      servicesInvolved: await servicesInvolved(tx, actor.systemId, a.personId),
    });
    const flagSource = { systemId: actor.systemId, sourceType: 'care_flag', sourceId: a.personId };
    if (reasons.length) {
      await repo.setFlag(tx, actor.systemId, {
        personId: a.personId,
        reasons,
        weight: caseWeight(reasons),
        assessmentId: id,
        flaggedAt: o.now.toISOString(),
      });
      if (!(await repo.currentAllocation(tx, actor.systemId, a.personId))) {
        await relate(tx, {
          ...flagSource,
          personId: a.personId,
          grantee: { role: 'case_manager' },
          basis: 'allocation',
          at: o.now,
        });
      }
    } else {
      await repo.clearFlag(tx, actor.systemId, a.personId);
      await endRelationships(tx, { ...flagSource, at: o.now });
    }
    await audit(tx, actor, {
      action: 'care.assessment.sign',
      recordType: 'care_assessment',
      recordId: id,
      requestId: o.requestId,
      detail: {
        personId: a.personId,
        version: a.version,
        reused,
        prefilled: Object.keys(a.prefilled).length,
        complexity: reasons.map((r) => r.rule),
      },
    });
    const signed = (await repo.findAssessment(tx, actor.systemId, id))!;
    return assessmentView(tx, signed, await personOf(tx, actor.systemId, a.personId));
  });
}

// ---------------------------------------------------------------------------------------------
// Allocation and caseloads

export async function allocationWorklist(db: AnyDb, actor: Actor, o: Opts) {
  requireRole(actor, CASE_MANAGERS, 'allocation');
  return inTransaction(db, async (tx) => {
    const flags = await repo.unallocatedFlags(tx, actor.systemId, visiblePeople(tx, actor, o.now));
    const people = new Map(
      (
        await peopleForCare(
          tx,
          actor.systemId,
          flags.map((f) => f.personId),
        )
      ).map((p) => [p.id, p]),
    );
    const weights = await repo.caseloadWeights(tx, actor.systemId);
    await audit(tx, actor, {
      action: 'care.allocation.list',
      recordType: 'care_flag',
      requestId: o.requestId,
      detail: { shown: flags.map((f) => f.personId) },
    });
    return {
      waiting: flags.map((f) => {
        const p = people.get(f.personId);
        return {
          personId: f.personId,
          nhsNumber: p?.nhsNumber ?? '',
          name: p ? `${p.givenName} ${p.familyName}` : '',
          reasons: f.reasons,
          weight: f.weight,
          flaggedAt: f.flaggedAt,
        };
      }),
      caseManagers: weights,
    };
  });
}

/** Allocates (or reallocates, with a reason) a case manager by username. */
export async function allocateCaseManager(
  db: AnyDb,
  actor: Actor,
  personId: string,
  input: { caseManager?: unknown; reason?: unknown },
  o: Opts,
) {
  requireRole(actor, CASE_MANAGERS, 'allocation');
  return inTransaction(db, async (tx) => {
    if (!/^[0-9a-f-]{36}$/i.test(personId)) throw notFound('person', personId, o);
    await access(tx, actor, personId, o, 'care_allocation');
    const username = typeof input.caseManager === 'string' ? input.caseManager.trim() : '';
    const user = username ? await findUser(tx, actor.systemId, username) : null;
    if (user?.role !== 'case_manager') {
      throw new ValidationError([{ field: 'caseManager', message: 'Enter the username of a case manager' }]);
    }
    const current = await repo.currentAllocation(tx, actor.systemId, personId, { forUpdate: true });
    const reason = typeof input.reason === 'string' ? input.reason.trim() : '';
    if (current) {
      if (current.caseManagerId === user.id) {
        throw new DomainError(409, 'already_allocated', `${user.displayName} is already this person’s case manager`, [
          { field: 'caseManager', message: 'Choose a different case manager' },
        ]);
      }
      if (!reason) throw new ValidationError([{ field: 'reason', message: 'Say why the case manager is changing' }]);
      await repo.endAllocation(tx, actor.systemId, current.id, o.now, reason);
      await endRelationships(tx, {
        systemId: actor.systemId,
        sourceType: 'care_allocation',
        sourceId: current.id,
        at: o.now,
      });
    }
    const row: repo.AllocationRow = {
      id: randomUUID(),
      personId,
      caseManagerId: user.id,
      caseManagerName: user.displayName,
      organisationCode: user.organisationCode,
      reason: reason || null,
      allocatedBy: actor.name,
      allocatedAt: o.now.toISOString(),
      endedAt: null,
      endReason: null,
    };
    await repo.insertAllocation(tx, actor.systemId, row);
    await relate(tx, {
      systemId: actor.systemId,
      personId,
      grantee: { user: user.id },
      basis: 'case-manager',
      sourceType: 'care_allocation',
      sourceId: row.id,
      at: o.now,
    });
    // Off the allocation worklist: the case manager role no longer sees the person as a pool.
    await endRelationships(tx, { systemId: actor.systemId, sourceType: 'care_flag', sourceId: personId, at: o.now });
    await audit(tx, actor, {
      action: current ? 'care.allocation.reallocate' : 'care.allocation.allocate',
      recordType: 'care_allocation',
      recordId: row.id,
      reason: reason || null,
      requestId: o.requestId,
      detail: { personId, caseManager: user.username, from: current?.caseManagerName ?? null },
    });
    return row;
  });
}

export type CaseloadItem = {
  personId: string;
  nhsNumber: string;
  name: string;
  birthDate: string;
  weight: number;
  reasons: { rule: string; text: string }[];
  allocatedAt: string;
  reviewDue: string | null;
  openActions: number;
  overdueActions: number;
};

/** The columns of a caseload download, in order. */
export const CASELOAD_EXPORT_HEADER = [
  'NHS number',
  'Name',
  'Date of birth',
  'Why case managed',
  'Weight',
  'Allocated on',
  'Plan review due',
  'Open actions',
  'Overdue actions',
] as const;

/**
 * The caller's caseload as rows for a spreadsheet (the first row the header). A download leaves the system, so
 * each person in it is audited as exported, in the same transaction as the read.
 */
export async function caseloadExport(db: AnyDb, actor: Actor, o: Opts): Promise<(string | number | null)[][]> {
  return inTransaction(db, async (tx) => {
    const c = await caseload(tx, actor, o);
    for (const item of c.items) {
      await audit(tx, actor, {
        action: 'care.caseload.export',
        recordType: 'care_record',
        recordId: item.personId,
        requestId: o.requestId,
      });
    }
    return [
      [...CASELOAD_EXPORT_HEADER],
      ...c.items.map((i) => [
        i.nhsNumber,
        i.name,
        i.birthDate,
        i.reasons.length ? i.reasons.map((r) => r.text).join('; ') : 'Allocated without a complexity flag',
        i.weight,
        londonDate(i.allocatedAt),
        i.reviewDue ?? 'No plan yet',
        i.openActions,
        i.overdueActions,
      ]),
    ];
  });
}

/** The case manager's caseload and what needs doing today (reviews due, overdue actions, new allocations). */
// The caseload page and the staff home's counts judge what is due in the same way.
const plansDue = (plans: readonly { personId: string; id: string; reviewDue: string }[], day: string) =>
  reviewsDue(
    plans.map((p) => ({ personId: p.personId, planId: p.id, reviewDue: p.reviewDue })),
    day,
  );
const actionsOverdue = (
  actions: readonly { personId: string; id: string; due: string; status: string }[],
  day: string,
) =>
  overdueActions(
    actions.map((a) => ({ personId: a.personId, actionId: a.id, due: a.due, status: a.status })),
    day,
  );

/**
 * The actor's caseload in numbers, for the staff home: people allocated to them, plan reviews due and actions
 * overdue, counted as the caseload page counts them. Only numbers leave, so nothing is audited.
 */
export async function caseloadCounts(
  db: AnyDb,
  actor: Actor,
  o: Opts,
): Promise<{ people: number; reviewsDue: number; overdueActions: number }> {
  requireRole(actor, CARE_STAFF);
  return inTransaction(db, async (tx) => {
    const allocations = await repo.caseloadOf(tx, actor.systemId, actor.id, visiblePeople(tx, actor, o.now));
    const { plans, actions } = await repo.openWorkOf(
      tx,
      actor.systemId,
      allocations.map((a) => a.personId),
    );
    const day = today(o);
    return {
      people: allocations.length,
      reviewsDue: plansDue(plans, day).length,
      overdueActions: actionsOverdue(actions, day).length,
    };
  });
}

export async function caseload(db: AnyDb, actor: Actor, o: Opts) {
  requireRole(actor, CARE_STAFF);
  return inTransaction(db, async (tx) => {
    const visible = visiblePeople(tx, actor, o.now);
    const allocations = await repo.caseloadOf(tx, actor.systemId, actor.id, visible);
    const ids = allocations.map((a) => a.personId);
    const people = new Map((await peopleForCare(tx, actor.systemId, ids)).map((p) => [p.id, p]));
    const { plans, actions } = await repo.openWorkOf(tx, actor.systemId, ids);
    const owned = await repo.actionsOwnedBy(tx, actor.systemId, actor.id, visiblePeople(tx, actor, o.now));
    const day = today(o);
    const planOf = new Map(plans.map((p) => [p.personId, p]));
    const name = (id: string) => {
      const p = people.get(id);
      return p ? `${p.givenName} ${p.familyName}` : '';
    };
    const overdue = actionsOverdue(actions, day);
    const byId = new Map([...actions, ...owned].map((a) => [a.id, a]));
    const items: CaseloadItem[] = allocations.map((a) => {
      const p = people.get(a.personId);
      return {
        personId: a.personId,
        nhsNumber: p?.nhsNumber ?? '',
        name: name(a.personId),
        birthDate: p?.birthDate ?? '',
        weight: a.weight,
        reasons: a.reasons,
        allocatedAt: a.allocatedAt,
        reviewDue: planOf.get(a.personId)?.reviewDue ?? null,
        openActions: actions.filter((x) => x.personId === a.personId).length,
        overdueActions: overdue.filter((x) => x.personId === a.personId).length,
      };
    });
    await audit(tx, actor, {
      action: 'care.caseload.read',
      recordType: 'care_allocation',
      requestId: o.requestId,
      detail: { shown: ids },
    });
    const ownedPeople = new Map(
      (
        await peopleForCare(
          tx,
          actor.systemId,
          owned.map((a) => a.personId),
        )
      ).map((p) => [p.id, p]),
    );
    return {
      today: day,
      items,
      weight: items.reduce((s, i) => s + i.weight, 0),
      reviewsDue: plansDue(plans, day).map((r) => ({ ...r, name: name(r.personId) })),
      overdueActions: overdue.map((x) => ({
        ...x,
        name: name(x.personId),
        description: byId.get(x.actionId)?.description ?? '',
        owner: byId.get(x.actionId)?.ownerLabel ?? '',
      })),
      newAllocations: newAllocations(
        allocations.map((a) => ({
          personId: a.personId,
          allocatedOn: londonDate(a.allocatedAt),
          hasPlan: planOf.has(a.personId),
        })),
        day,
      ).map((n) => ({ ...n, name: name(n.personId) })),
      myActions: owned.map((a) => {
        const p = ownedPeople.get(a.personId);
        return {
          id: a.id,
          personId: a.personId,
          name: p ? `${p.givenName} ${p.familyName}` : '',
          description: a.description,
          due: a.due,
          overdue: a.due < day,
        };
      }),
    };
  });
}

// ---------------------------------------------------------------------------------------------
// The care record

export async function findPersonId(db: AnyDb, actor: Actor, nhsNumber: string, o: Opts): Promise<string> {
  const nhs = normaliseNhsNumber(nhsNumber);
  const person = nhs ? await personByNhsNumberForCare(db, actor.systemId, nhs) : null;
  if (!person) throw notFound('person', nhsNumber, o);
  return person.id;
}

/** One person's whole care record, whichever organisation holds each part; audited as a read. */
export async function getCareRecord(db: AnyDb, actor: Actor, personId: string, o: Opts) {
  requireRole(actor, CARE_STAFF);
  return inTransaction(db, async (tx) => {
    if (!/^[0-9a-f-]{36}$/i.test(personId)) throw notFound('person', personId, o);
    const how = await access(tx, actor, personId, o, 'care_record');
    const person = await personOf(tx, actor.systemId, personId);
    const [referrals, assessments, flag, allocations, team, plan, meetings, contacts, transitionPlan] =
      await Promise.all([
        referralsForCare(tx, actor.systemId, personId),
        repo.assessmentsOf(tx, actor.systemId, personId),
        repo.flagOf(tx, actor.systemId, personId),
        repo.allocationsOf(tx, actor.systemId, personId),
        repo.teamOf(tx, actor.systemId, personId),
        repo.activePlanOf(tx, actor.systemId, personId),
        repo.meetingsOf(tx, actor.systemId, personId),
        repo.contactsOf(tx, actor.systemId, personId),
        repo.transitionPlanOf(tx, actor.systemId, personId),
      ]);
    const appointments = await repo.appointmentsOf(tx, actor.systemId, personId);
    const ctx = await routingContext(tx, actor.systemId);
    const visits = await visitsForCare(
      tx,
      actor.systemId,
      referrals.map((r) => r.id),
      today(o),
    );
    const goals = plan ? await repo.goalsOf(tx, plan.id) : [];
    const actions = plan ? await repo.actionsOfPlan(tx, plan.id) : [];
    const signed = assessments.find((a) => a.status === 'signed') ?? null;
    const draft = assessments.find((a) => a.status === 'draft') ?? null;
    await audit(tx, actor, {
      action: how.basis === 'break-glass' ? 'care.record.read.break-glass' : 'care.record.read',
      recordType: 'care_record',
      recordId: personId,
      reason: how.basis === 'break-glass' ? how.reason : null,
      requestId: o.requestId,
      detail: { bases: how.basis === 'relationship' ? how.bases : ['break-glass'] },
    });
    const day = today(o);
    const hhmm = (minutes: number) =>
      `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
    const visitViews = visits.map((v) => ({ ...v, window: `${hhmm(v.windowStart)} to ${hhmm(v.windowEnd)}` }));
    return {
      person,
      access: how,
      referrals: referrals.map((r) => ({
        id: r.id,
        reference: r.reference,
        component: r.component,
        componentName: ctx.components.find((c) => c.code === r.component)?.name ?? r.component,
        status: r.status,
        serviceId: r.serviceId,
        serviceName: ctx.services.find((x) => x.id === r.serviceId)?.name ?? null,
        receivedAt: r.receivedAt,
        acceptedAt: r.acceptedAt,
        communication: r.communication,
      })),
      // An accepted referral is an episode of care with the receiving service, whichever organisation runs it.
      episodes: referrals
        .filter((r) => r.acceptedAt && r.serviceId && ['accepted', 'first-contact-made'].includes(r.status))
        .map((r) => {
          const service = ctx.services.find((x) => x.id === r.serviceId);
          return {
            referralId: r.id,
            reference: r.reference,
            serviceId: r.serviceId!,
            serviceName: service?.name ?? r.serviceId!,
            organisationCode: service?.organisationCode ?? null,
            since: r.acceptedAt!,
          };
        }),
      assessment: signed ? await assessmentView(tx, signed, person) : null,
      draft: draft
        ? { id: draft.id, version: draft.version, updatedAt: draft.updatedAt, updatedByName: draft.updatedByName }
        : null,
      versions: assessments.map((a) => ({
        id: a.id,
        version: a.version,
        status: a.status,
        signedByName: a.signedByName,
        signedAt: a.signedAt,
        changeReason: a.changeReason,
        reusedCount: a.reusedCount,
      })),
      complexity: flag ? { reasons: flag.reasons, weight: flag.weight, flaggedAt: flag.flaggedAt } : null,
      caseManager: allocations.find((a) => !a.endedAt) ?? null,
      allocations,
      team,
      plan: plan
        ? {
            ...plan,
            reviewOverdue: plan.reviewDue < day,
            goals,
            actions: actions.map((a) => ({ ...a, overdue: a.status === 'open' && a.due < day })),
          }
        : null,
      meetings: meetings.map((m) => ({
        id: m.id,
        title: m.title,
        scheduledAt: m.scheduledAt,
        held: m.status !== 'cancelled' && m.scheduledAt <= o.now.toISOString(),
        cancelled: m.status === 'cancelled',
        place: m.place ?? null,
        organiserName: m.organiserName,
      })),
      contacts,
      appointments: appointments.map((a) => ({
        ...a,
        events: a.events.map((e) => ({ ...e, summary: plainSummary(e.summary) })),
      })),
      visits: visitViews,
      next: whatHappensNext(
        {
          appointments,
          visits: visitViews,
          actions,
          meetings: meetings.map((m) => {
            const t = londonDateTime(m.scheduledAt);
            return {
              id: m.id,
              title: m.title,
              date: `${t.year}-${pad(t.month)}-${pad(t.day)}`,
              time: `${pad(t.hour)}:${pad(t.minute)}`,
              // A meeting earlier today has happened: it is not "next".
              cancelled: m.status === 'cancelled' || m.scheduledAt <= o.now.toISOString(),
            };
          }),
          reviewDue: plan?.reviewDue ?? null,
        },
        day,
      ),
      transition: await (async () => {
        const status = transitionStatus(person.birthDate, day);
        return {
          ...status,
          plan: transitionPlan,
          concerns: transitionConcerns(status, transitionPlan, day),
          // What a new plan may name, only when one could be made.
          choices: status.flagged && !transitionPlan ? await offerChoices(tx, actor.systemId) : null,
        };
      })(),
    };
  });
}

export type CareRecord = Awaited<ReturnType<typeof getCareRecord>>;

export async function careBreakGlass(db: AnyDb, actor: Actor, personId: string, input: { reason?: unknown }, o: Opts) {
  requireRole(actor, CARE_STAFF);
  if (!/^[0-9a-f-]{36}$/i.test(personId)) throw notFound('person', personId, o);
  const [p] = await peopleForCare(db, actor.systemId, [personId]);
  if (!p) throw notFound('person', personId, o);
  return breakGlass(db, actor, personId, {
    reason: typeof input.reason === 'string' ? input.reason : '',
    now: o.now,
    requestId: o.requestId,
  });
}

/**
 * Emergency (break-glass) accesses for administrators to review, newest first, each with the NHS number of
 * whose record was opened (not their name or record: the review is of the access, not of the person).
 */
/** How many emergency accesses wait for review, for the administrator's staff home; not audited. */
export async function emergencyAccessesToReview(db: AnyDb, actor: Actor): Promise<number> {
  requireRole(actor, ['admin'], 'the review of emergency access');
  return unreviewedBreakGlassCount(db, actor);
}

export async function emergencyAccesses(db: AnyDb, actor: Actor, q: { unreviewedOnly?: boolean } = {}) {
  requireRole(actor, ['admin'], 'the review of emergency access');
  const list = await listBreakGlass(db, actor, { unreviewedOnly: q.unreviewedOnly, pageSize: 200 });
  const people = new Map(
    (await peopleForCare(db, actor.systemId, [...new Set(list.rows.map((r) => r.personId))])).map((p) => [p.id, p]),
  );
  return {
    ...list,
    unreviewed: list.rows.filter((r) => !r.reviewedAt).length,
    rows: list.rows.map((r) => ({ ...r, nhsNumber: people.get(r.personId)?.nhsNumber ?? '' })),
  };
}

/** An administrator records what the review of one emergency access found (audited; once only). */
export async function reviewEmergencyAccess(db: AnyDb, actor: Actor, id: string, input: { note?: unknown }, o: Opts) {
  requireRole(actor, ['admin'], 'the review of emergency access');
  if (!/^[0-9a-f-]{36}$/i.test(id)) throw notFound('break_glass', id, o);
  return reviewBreakGlass(db, actor, id, {
    note: typeof input.note === 'string' ? input.note.slice(0, 2000) : '',
    now: o.now,
    requestId: o.requestId,
  });
}

// ---------------------------------------------------------------------------------------------
// Care team

export async function addTeamMember(
  db: AnyDb,
  actor: Actor,
  personId: string,
  input: { username?: unknown; name?: unknown; roleTitle?: unknown; organisationCode?: unknown; contact?: unknown },
  o: Opts,
): Promise<repo.MemberRow> {
  requireRole(actor, CARE_WRITERS, 'care teams');
  return inTransaction(db, async (tx) => {
    if (!/^[0-9a-f-]{36}$/i.test(personId)) throw notFound('person', personId, o);
    await access(tx, actor, personId, o, 'care_team');
    const username = typeof input.username === 'string' ? input.username.trim() : '';
    const user = username ? await findUser(tx, actor.systemId, username) : null;
    if (username && !user)
      throw new ValidationError([{ field: 'username', message: 'There is no staff account with that username' }]);
    const errors: FieldError[] = [];
    const name = user?.displayName ?? (typeof input.name === 'string' ? input.name.trim() : '');
    const roleTitle = typeof input.roleTitle === 'string' ? input.roleTitle.trim() : '';
    const org =
      user?.organisationCode ??
      (typeof input.organisationCode === 'string' ? input.organisationCode.trim().toUpperCase() : '');
    if (!name) errors.push({ field: 'name', message: 'Enter the member’s name, or the username of their account' });
    if (!roleTitle)
      errors.push({ field: 'roleTitle', message: 'Enter their role in the care team, like "District nurse"' });
    if (!/^[A-Z0-9-]{3,12}$/.test(org))
      errors.push({ field: 'organisationCode', message: 'Enter the ODS code of their organisation, like RKE' });
    if (errors.length) throw new ValidationError(errors);
    const team = await repo.teamOf(tx, actor.systemId, personId);
    if (user && team.some((m) => m.userId === user.id)) {
      throw new DomainError(409, 'already_member', `${user.displayName} is already in the care team`, [
        { field: 'username', message: 'Already in the care team' },
      ]);
    }
    const member: repo.MemberRow = {
      id: randomUUID(),
      personId,
      userId: user?.id ?? null,
      name,
      roleTitle,
      organisationCode: org,
      contact: typeof input.contact === 'string' && input.contact.trim() ? input.contact.trim() : null,
      addedAt: o.now.toISOString(),
      endedAt: null,
    };
    await repo.insertMember(tx, actor.systemId, { ...member, addedBy: actor.name });
    await relate(tx, {
      systemId: actor.systemId,
      personId,
      grantee: user ? { user: user.id } : { organisation: org },
      basis: 'care-team',
      sourceType: 'care_team',
      sourceId: member.id,
      at: o.now,
    });
    await audit(tx, actor, {
      action: 'care.team.add',
      recordType: 'care_team',
      recordId: member.id,
      requestId: o.requestId,
      detail: { personId, roleTitle, organisation: org, account: user?.username ?? null },
    });
    return member;
  });
}

// ---------------------------------------------------------------------------------------------
// Care plans and actions

export const CONTACT_CHANNELS = ['phone', 'text', 'email', 'letter', 'in-person'] as const;

export async function createPlan(
  db: AnyDb,
  actor: Actor,
  input: { personId?: unknown; reviewDue?: unknown; goals?: unknown; agreedWithPerson?: unknown; copySentBy?: unknown },
  o: Opts,
) {
  requireRole(actor, CARE_WRITERS, 'care plans');
  return inTransaction(db, async (tx) => {
    const personId = typeof input.personId === 'string' ? input.personId : '';
    if (!/^[0-9a-f-]{36}$/i.test(personId))
      throw new ValidationError([{ field: 'personId', message: 'Say whose care plan this is' }]);
    await access(tx, actor, personId, o, 'care_plan');
    const errors: FieldError[] = [];
    const goals = (
      Array.isArray(input.goals) ? input.goals : typeof input.goals === 'string' ? input.goals.split(/\r?\n/) : []
    )
      .map((g) => (typeof g === 'string' ? g.trim() : ''))
      .filter(Boolean);
    if (goals.length === 0)
      errors.push({ field: 'goals', message: 'Enter at least one goal, in the person’s own words' });
    if (goals.some((g) => g.length > 500))
      errors.push({ field: 'goals', message: 'Each goal must be 500 characters or fewer' });
    let reviewDue = '';
    try {
      reviewDue = checkDate(input.reviewDue, 'reviewDue', 'the review date', o);
    } catch (e) {
      if (e instanceof ValidationError) errors.push(...e.fields);
      else throw e;
    }
    const copySentBy = typeof input.copySentBy === 'string' && input.copySentBy ? input.copySentBy : null;
    if (copySentBy && !(CONTACT_CHANNELS as readonly string[]).includes(copySentBy)) {
      errors.push({ field: 'copySentBy', message: 'Choose how the person’s copy was sent' });
    }
    if (errors.length) throw new ValidationError(errors, 'There is a problem with the care plan');
    if (await repo.activePlanOf(tx, actor.systemId, personId)) {
      throw new DomainError(409, 'plan_exists', 'This person already has a care plan: add to it instead');
    }
    const agreed = input.agreedWithPerson === true || input.agreedWithPerson === 'yes';
    const at = o.now.toISOString();
    const plan: repo.PlanRow = {
      id: randomUUID(),
      personId,
      status: 'active',
      reviewDue,
      agreedWithPerson: agreed,
      agreedOn: agreed ? today(o) : null,
      copySentBy,
      copySentAt: copySentBy ? at : null,
      createdByName: actor.name,
      createdAt: at,
      updatedAt: at,
    };
    const goalRows = goals.map((t) => ({ id: randomUUID(), text: t }));
    await repo.insertPlan(tx, actor.systemId, { ...plan, createdBy: actor.id }, goalRows);
    if (copySentBy && copySentBy !== 'in-person') {
      // The person's copy goes by the channel chosen, with the communication needs from their referral; no
      // personal details in the message (the delivery adapter looks up the contact for the person).
      const latest = (await referralsForCare(tx, actor.systemId, personId))[0];
      await enqueue(
        tx,
        {
          systemId: actor.systemId,
          topic: 'care.plan.copy',
          channel: copySentBy,
          payload: {
            personId,
            planId: plan.id,
            reviewDue,
            communication: latest
              ? {
                  language: latest.communication.language,
                  interpreter: latest.communication.interpreter,
                  bsl: latest.communication.bsl,
                  needs: latest.communication.needs,
                }
              : null,
          },
        },
        { now: o.now },
      );
    }
    await audit(tx, actor, {
      action: 'care.plan.create',
      recordType: 'care_plan',
      recordId: plan.id,
      requestId: o.requestId,
      detail: { personId, goals: goals.length, reviewDue, agreed, copySentBy },
    });
    return { ...plan, goals: goalRows };
  });
}

type OwnerInput = { kind?: unknown; memberId?: unknown; label?: unknown };

async function checkOwner(tx: AnyDb, systemId: string, personId: string, owner: OwnerInput | undefined, field: string) {
  const kind = owner?.kind;
  if (kind === 'member') {
    const team = await repo.teamOf(tx, systemId, personId);
    const member = team.find((m) => m.id === owner?.memberId);
    if (!member)
      throw new ValidationError([
        { field: `${field}.memberId`, message: 'Choose an owner who is in the person’s care team' },
      ]);
    return {
      ownerKind: 'member' as const,
      ownerMemberId: member.id,
      ownerLabel: `${member.name} (${member.roleTitle}, ${member.organisationCode})`,
    };
  }
  if (kind === 'resident')
    return { ownerKind: 'resident' as const, ownerMemberId: null, ownerLabel: 'The person themselves' };
  if (kind === 'carer' || kind === 'service') {
    const label = typeof owner?.label === 'string' ? owner.label.trim() : '';
    if (!label)
      throw new ValidationError([
        { field: `${field}.label`, message: kind === 'carer' ? 'Enter the carer’s name' : 'Enter the service’s name' },
      ]);
    return { ownerKind: kind as 'carer' | 'service', ownerMemberId: null, ownerLabel: label.slice(0, 200) };
  }
  throw new ValidationError([{ field: `${field}.kind`, message: 'Choose who owns the action' }]);
}

async function insertPlanAction(
  tx: AnyDb,
  actor: Actor,
  plan: repo.PlanRow,
  input: { description?: unknown; owner?: OwnerInput; due?: unknown; goalId?: unknown },
  o: Opts,
  meetingId: string | null,
): Promise<repo.ActionRow> {
  const errors: FieldError[] = [];
  const collect = async <T>(f: () => Promise<T> | T): Promise<T | null> => {
    try {
      return await f();
    } catch (e) {
      if (e instanceof ValidationError) {
        errors.push(...e.fields);
        return null;
      }
      throw e;
    }
  };
  const description = await collect(() => text(input.description, 'description', 'what needs doing', 1000));
  const due = await collect(() => checkDate(input.due, 'due', 'the due date', o));
  const owner = await collect(() => checkOwner(tx, actor.systemId, plan.personId, input.owner, 'owner'));
  let goalId: string | null = null;
  if (typeof input.goalId === 'string' && input.goalId) {
    const goals = await repo.goalsOf(tx, plan.id);
    if (goals.some((g) => g.id === input.goalId)) goalId = input.goalId;
    else errors.push({ field: 'goalId', message: 'Choose one of the plan’s goals' });
  }
  if (errors.length) throw new ValidationError(errors, 'There is a problem with the action');
  const row: repo.ActionRow = {
    id: randomUUID(),
    planId: plan.id,
    personId: plan.personId,
    goalId,
    description: description!,
    ...owner!,
    due: due!,
    status: 'open',
    meetingId,
    createdAt: o.now.toISOString(),
    completedAt: null,
    completedByName: null,
    completionNote: null,
  };
  await repo.insertAction(tx, actor.systemId, { ...row, createdBy: actor.id });
  return row;
}

export async function addAction(
  db: AnyDb,
  actor: Actor,
  planId: string,
  input: { description?: unknown; owner?: OwnerInput; due?: unknown; goalId?: unknown },
  o: Opts,
) {
  requireRole(actor, CARE_WRITERS, 'care plans');
  return inTransaction(db, async (tx) => {
    const plan = /^[0-9a-f-]{36}$/i.test(planId) ? await repo.findPlan(tx, actor.systemId, planId) : null;
    if (!plan) throw notFound('care_plan', planId, o);
    await access(tx, actor, plan.personId, o, 'care_plan', planId);
    if (plan.status !== 'active') throw new ConflictError('This care plan is closed', 'plan_closed');
    const row = await insertPlanAction(tx, actor, plan, input, o, null);
    await audit(tx, actor, {
      action: 'care.action.create',
      recordType: 'care_action',
      recordId: row.id,
      requestId: o.requestId,
      detail: { personId: plan.personId, planId, owner: row.ownerLabel, due: row.due },
    });
    return row;
  });
}

/** Completes an action: its owner (the care team member's own account) or the allocated case manager. */
export async function completeAction(db: AnyDb, actor: Actor, actionId: string, input: { note?: unknown }, o: Opts) {
  requireRole(actor, CARE_WRITERS, 'care plans');
  return inTransaction(db, async (tx) => {
    const a = /^[0-9a-f-]{36}$/i.test(actionId) ? await repo.findAction(tx, actor.systemId, actionId) : null;
    if (!a) throw notFound('care_action', actionId, o);
    await access(tx, actor, a.personId, o, 'care_action', actionId);
    const team = await repo.teamOf(tx, actor.systemId, a.personId);
    const owner = team.find((m) => m.id === a.ownerMemberId);
    const cm = await repo.currentAllocation(tx, actor.systemId, a.personId);
    const mayComplete = (owner?.userId && owner.userId === actor.id) || cm?.caseManagerId === actor.id;
    if (!mayComplete) throw new ForbiddenError('Only the action’s owner or the case manager can complete it');
    if (a.status !== 'open')
      throw new DomainError(409, 'action_not_open', 'This action is already completed or cancelled');
    const note = typeof input.note === 'string' && input.note.trim() ? input.note.trim().slice(0, 2000) : null;
    if (
      !(await repo.completeAction(tx, { systemId: actor.systemId, id: actionId, at: o.now, byName: actor.name, note }))
    ) {
      throw new DomainError(409, 'action_not_open', 'This action was completed at the same time by someone else');
    }
    await audit(tx, actor, {
      action: 'care.action.complete',
      recordType: 'care_action',
      recordId: actionId,
      requestId: o.requestId,
      detail: { personId: a.personId, onTime: londonDate(o.now) <= a.due },
    });
    return {
      ...a,
      status: 'done' as const,
      completedAt: o.now.toISOString(),
      completedByName: actor.name,
      completionNote: note,
    };
  });
}

export async function recordContact(
  db: AnyDb,
  actor: Actor,
  personId: string,
  input: { channel?: unknown; withWhom?: unknown; note?: unknown },
  o: Opts,
) {
  requireRole(actor, CARE_STAFF);
  return inTransaction(db, async (tx) => {
    if (!/^[0-9a-f-]{36}$/i.test(personId)) throw notFound('person', personId, o);
    await access(tx, actor, personId, o, 'care_contact');
    const errors: FieldError[] = [];
    const channel = typeof input.channel === 'string' ? input.channel : '';
    if (!(CONTACT_CHANNELS as readonly string[]).includes(channel))
      errors.push({ field: 'channel', message: 'Choose how the contact happened' });
    const withWhom = typeof input.withWhom === 'string' ? input.withWhom.trim() : '';
    if (!withWhom) errors.push({ field: 'withWhom', message: 'Enter who you spoke to' });
    const note = typeof input.note === 'string' ? input.note.trim() : '';
    if (!note) errors.push({ field: 'note', message: 'Enter what was said or agreed' });
    if (errors.length) throw new ValidationError(errors);
    const id = randomUUID();
    await repo.insertContact(tx, actor.systemId, {
      id,
      personId,
      at: o.now,
      channel,
      withWhom: withWhom.slice(0, 200),
      note: note.slice(0, 2000),
      byName: actor.name,
    });
    await audit(tx, actor, {
      action: 'care.contact.create',
      recordType: 'care_contact',
      recordId: id,
      requestId: o.requestId,
      detail: { personId, channel },
    });
    return { id };
  });
}

// ---------------------------------------------------------------------------------------------
// MDT meetings

/** The agenda for each person: plan review due by the meeting, overdue actions, flagged since the last meeting. */
export function buildAgenda(
  personIds: readonly string[],
  facts: {
    meetingDay: string;
    plans: { personId: string; reviewDue: string }[];
    actions: { personId: string; description: string; due: string; status: string }[];
    flaggedSinceLast: readonly string[];
  },
): { personId: string; items: string[] }[] {
  return personIds.map((personId) => {
    const items: string[] = [];
    const plan = facts.plans.find((p) => p.personId === personId);
    if (!plan) items.push('No care plan yet');
    else if (plan.reviewDue <= facts.meetingDay) items.push(`Care plan review due ${plainDate(plan.reviewDue)}`);
    if (facts.flaggedSinceLast.includes(personId)) items.push('Flagged as complex since the last meeting');
    for (const a of facts.actions) {
      if (a.personId === personId && a.status === 'open' && a.due < facts.meetingDay)
        items.push(`Overdue action: ${a.description} (due ${plainDate(a.due)})`);
    }
    if (items.length === 0) items.push('Progress update');
    return { personId, items };
  });
}

export async function createMeeting(
  db: AnyDb,
  actor: Actor,
  input: { title?: unknown; scheduledAt?: unknown; place?: unknown; attendees?: unknown; personIds?: unknown },
  o: Opts,
) {
  requireRole(actor, CASE_MANAGERS, 'MDT meetings');
  return inTransaction(db, async (tx) => {
    const errors: FieldError[] = [];
    const title = typeof input.title === 'string' && input.title.trim() ? input.title.trim().slice(0, 200) : '';
    if (!title) errors.push({ field: 'title', message: 'Enter a title for the meeting' });
    const at = typeof input.scheduledAt === 'string' ? new Date(input.scheduledAt) : new Date(Number.NaN);
    if (Number.isNaN(at.getTime()))
      errors.push({ field: 'scheduledAt', message: 'Enter when the meeting is, as a date and time' });
    const attendees = Array.isArray(input.attendees)
      ? input.attendees
          .filter((x): x is Record<string, unknown> => typeof x === 'object' && x !== null)
          .map((x) => ({
            name: String(x.name ?? '').trim(),
            role: String(x.role ?? '').trim(),
            organisation: String(x.organisation ?? '').trim(),
          }))
          .filter((x) => x.name)
      : [];
    if (attendees.length === 0) errors.push({ field: 'attendees', message: 'Add at least one attendee' });
    const place = typeof input.place === 'string' && input.place.trim() ? input.place.trim() : null;
    if (place && place.length > 200) errors.push({ field: 'place', message: 'Where must be 200 characters or fewer' });
    const personIds = Array.isArray(input.personIds)
      ? [...new Set(input.personIds.filter((p): p is string => typeof p === 'string' && /^[0-9a-f-]{36}$/i.test(p)))]
      : [];
    if (personIds.length === 0) errors.push({ field: 'personIds', message: 'Choose the people to discuss' });
    if (errors.length) throw new ValidationError(errors, 'There is a problem with the meeting');
    for (const p of personIds) await access(tx, actor, p, o, 'care_meeting');
    const { plans, actions } = await repo.openWorkOf(tx, actor.systemId, personIds);
    const last = await repo.lastMeetingBefore(tx, actor.systemId, actor.id, at);
    const agenda = buildAgenda(personIds, {
      meetingDay: londonDate(at),
      plans,
      actions,
      flaggedSinceLast: await repo.flaggedSince(tx, actor.systemId, personIds, last),
    });
    const meeting: repo.MeetingRow = {
      id: randomUUID(),
      title,
      scheduledAt: at.toISOString(),
      organiserId: actor.id,
      organiserName: actor.name,
      attendees,
      agenda,
      minutes: null,
      personIds,
      place,
      status: 'scheduled',
    };
    await repo.insertMeeting(tx, actor.systemId, { ...meeting, createdAt: o.now });
    await audit(tx, actor, {
      action: 'care.meeting.create',
      recordType: 'care_meeting',
      recordId: meeting.id,
      requestId: o.requestId,
      detail: { people: personIds, scheduledAt: meeting.scheduledAt },
    });
    return meeting;
  });
}

/** A meeting with the people the actor may see (others are left out, never named). */
export async function getMeeting(db: AnyDb, actor: Actor, id: string, o: Opts) {
  requireRole(actor, CARE_STAFF);
  return inTransaction(db, async (tx) => {
    const m = /^[0-9a-f-]{36}$/i.test(id) ? await repo.findMeeting(tx, actor.systemId, id) : null;
    if (!m) throw notFound('care_meeting', id, o);
    const visibleIds: string[] = [];
    for (const p of m.personIds) {
      try {
        await requirePersonAccess(tx, actor, p, { now: o.now, recordType: 'care_meeting' });
        visibleIds.push(p);
      } catch (e) {
        if (!(e instanceof NoRelationshipError)) throw e;
      }
    }
    if (visibleIds.length === 0) await access(tx, actor, m.personIds[0] ?? id, o, 'care_meeting', id);
    const people = new Map((await peopleForCare(tx, actor.systemId, visibleIds)).map((p) => [p.id, p]));
    const decisions = (await repo.decisionsOf(tx, actor.systemId, id)).filter((d) => visibleIds.includes(d.personId));
    const events = await repo.meetingEventsOf(tx, id);
    await audit(tx, actor, {
      action: 'care.meeting.read',
      recordType: 'care_meeting',
      recordId: id,
      requestId: o.requestId,
      detail: { shown: visibleIds },
    });
    return {
      ...m,
      personIds: visibleIds,
      held: m.status !== 'cancelled' && m.scheduledAt <= o.now.toISOString(),
      cancelled: m.status === 'cancelled',
      events: events.map((e) => ({ ...e, summary: meetingChangeSummary(e) })),
      people: visibleIds.map((p) => {
        const x = people.get(p);
        return { personId: p, name: x ? `${x.givenName} ${x.familyName}` : '', nhsNumber: x?.nhsNumber ?? '' };
      }),
      // Agendas written before their dates were plain held ISO dates; they read the same as new ones.
      agenda: m.agenda
        .filter((a) => visibleIds.includes(a.personId))
        .map((a) => ({ ...a, items: a.items.map(plainSummary) })),
      decisions,
    };
  });
}

/** A decision in a meeting that has happened becomes an action in the person's care plan, owned and dated. */
export async function recordDecision(
  db: AnyDb,
  actor: Actor,
  meetingId: string,
  input: { personId?: unknown; decision?: unknown; owner?: OwnerInput; due?: unknown },
  o: Opts,
) {
  requireRole(actor, CARE_WRITERS, 'MDT meetings');
  return inTransaction(db, async (tx) => {
    const m = /^[0-9a-f-]{36}$/i.test(meetingId) ? await repo.findMeeting(tx, actor.systemId, meetingId) : null;
    if (!m) throw notFound('care_meeting', meetingId, o);
    const personId = typeof input.personId === 'string' ? input.personId : '';
    if (!m.personIds.includes(personId)) {
      throw new ValidationError([{ field: 'personId', message: 'Choose a person discussed at this meeting' }]);
    }
    await access(tx, actor, personId, o, 'care_meeting', meetingId);
    if (m.status === 'cancelled') {
      throw new DomainError(409, 'meeting_cancelled', 'This meeting was cancelled: it has no decisions', [
        { field: 'meetingId', message: 'The meeting was cancelled' },
      ]);
    }
    if (m.scheduledAt > o.now.toISOString()) {
      throw new DomainError(409, 'meeting_not_held', 'This meeting has not happened yet: record decisions after it', [
        { field: 'meetingId', message: 'The meeting has not happened yet' },
      ]);
    }
    const decision = text(input.decision, 'decision', 'the decision', 1000);
    const plan = await repo.activePlanOf(tx, actor.systemId, personId);
    if (!plan)
      throw new DomainError(409, 'no_plan', 'This person has no care plan to add the decision to: make one first');
    const action = await insertPlanAction(
      tx,
      actor,
      plan,
      { description: decision, owner: input.owner, due: input.due },
      o,
      meetingId,
    );
    const id = randomUUID();
    await repo.insertDecision(tx, actor.systemId, {
      id,
      meetingId,
      personId,
      text: decision,
      actionId: action.id,
      byName: actor.name,
      at: o.now,
    });
    await audit(tx, actor, {
      action: 'care.meeting.decision',
      recordType: 'care_meeting',
      recordId: meetingId,
      requestId: o.requestId,
      detail: { personId, actionId: action.id, owner: action.ownerLabel, due: action.due },
    });
    return { id, meetingId, personId, decision, action };
  });
}

export async function saveMinutes(db: AnyDb, actor: Actor, meetingId: string, input: { minutes?: unknown }, o: Opts) {
  requireRole(actor, CASE_MANAGERS, 'MDT meetings');
  return inTransaction(db, async (tx) => {
    const m = /^[0-9a-f-]{36}$/i.test(meetingId) ? await repo.findMeeting(tx, actor.systemId, meetingId) : null;
    if (!m) throw notFound('care_meeting', meetingId, o);
    for (const p of m.personIds) await access(tx, actor, p, o, 'care_meeting', meetingId);
    const minutes = text(input.minutes, 'minutes', 'the minutes', 20_000);
    await repo.setMinutes(tx, actor.systemId, meetingId, minutes);
    await audit(tx, actor, {
      action: 'care.meeting.minutes',
      recordType: 'care_meeting',
      recordId: meetingId,
      requestId: o.requestId,
    });
    return { id: meetingId, minutes };
  });
}

/** A move or cancellation of a meeting in words, with plain London dates and times. */
export function meetingChangeSummary(e: {
  kind: 'moved' | 'cancelled';
  beforeAt: string;
  beforePlace: string | null;
  afterAt: string | null;
  afterPlace: string | null;
}): string {
  const when = (at: string, place: string | null) => `${plainDateTime(at)}${place ? `, ${place}` : ''}`;
  if (e.kind === 'cancelled') return `Cancelled (was ${when(e.beforeAt, e.beforePlace)})`;
  return `Moved from ${when(e.beforeAt, e.beforePlace)} to ${when(e.afterAt ?? e.beforeAt, e.afterPlace)}`;
}

/**
 * Moves (a new London date and time, and or a new place) or cancels an MDT meeting that has not happened yet,
 * with a reason. Each person discussed is told through the outbox in the same transaction, by their contact
 * preference and in an accessible format; the change goes on the meeting's timeline and into the audit log.
 * With `partial`, what is not given stays as it was.
 */
export async function changeMeeting(
  db: AnyDb,
  actor: Actor,
  meetingId: string,
  input: { date?: unknown; time?: unknown; place?: unknown; reason?: unknown; cancel?: boolean; partial?: boolean },
  o: Opts,
) {
  requireRole(actor, CASE_MANAGERS, 'MDT meetings');
  return inTransaction(db, async (tx) => {
    const m = /^[0-9a-f-]{36}$/i.test(meetingId) ? await repo.findMeeting(tx, actor.systemId, meetingId) : null;
    if (!m) throw notFound('care_meeting', meetingId, o);
    for (const p of m.personIds) await access(tx, actor, p, o, 'care_meeting', meetingId);
    if (m.status === 'cancelled')
      throw new ConflictError('This meeting has already been cancelled', 'meeting_cancelled');
    if (m.scheduledAt <= o.now.toISOString()) {
      throw new DomainError(409, 'meeting_held', 'This meeting has already happened: it cannot be moved or cancelled');
    }
    const s = (v: unknown) => (typeof v === 'string' ? v.trim() : '');
    const reason = s(input.reason).slice(0, 500);
    const errors: FieldError[] = [];
    let after: { at: string; place: string | null } | null = null;
    if (!input.cancel) {
      const was = londonDateTime(m.scheduledAt);
      const wasDate = `${was.year}-${pad(was.month)}-${pad(was.day)}`;
      const wasTime = `${pad(was.hour)}:${pad(was.minute)}`;
      const date = input.partial && input.date === undefined ? wasDate : s(input.date);
      const time = input.partial && input.time === undefined ? wasTime : s(input.time);
      const place = input.partial && input.place === undefined ? (m.place ?? '') : s(input.place);
      const validDate = /^\d{4}-\d{2}-\d{2}$/.test(date) && parseDate(date);
      const validTime = /^([01]\d|2[0-3]):[0-5]\d$/.test(time);
      if (!validDate)
        errors.push({ field: 'date', message: 'Enter the new date of the meeting, for example 2030-01-15' });
      if (!validTime) errors.push({ field: 'time', message: 'Enter the new time of the meeting, for example 14:30' });
      if (place.length > 200) errors.push({ field: 'place', message: 'Where must be 200 characters or fewer' });
      if (validDate && validTime) {
        const at = londonInstant(date, time);
        if (at.getTime() <= o.now.getTime()) {
          errors.push({ field: 'date', message: 'The new date and time of the meeting must be in the future' });
        } else if (at.toISOString() === m.scheduledAt && (place || null) === (m.place ?? null)) {
          errors.push({ field: 'date', message: 'Change the date, time or place of the meeting' });
        } else {
          after = { at: at.toISOString(), place: place || null };
        }
      }
    }
    if (!reason) {
      errors.push({
        field: 'reason',
        message: input.cancel ? 'Enter why the meeting is cancelled' : 'Enter why the meeting is moving',
      });
    }
    if (errors.length) throw new ValidationError(errors, 'There is a problem with the change to the meeting');
    const kind = input.cancel ? 'cancelled' : 'moved';
    if (after) await repo.updateMeeting(tx, actor.systemId, meetingId, { scheduledAt: after.at, place: after.place });
    else await repo.updateMeeting(tx, actor.systemId, meetingId, { status: 'cancelled' });
    const told: { personId: string; channel: string; format: string }[] = [];
    for (const personId of m.personIds) {
      const how = await notifyPerson(tx, actor, personId, `care.meeting.${kind}`, { meetingId, kind }, o);
      told.push({ personId, channel: how.channel, format: how.format });
    }
    const event: repo.MeetingEventRow = {
      id: randomUUID(),
      meetingId,
      kind,
      beforeAt: m.scheduledAt,
      beforePlace: m.place ?? null,
      afterAt: after?.at ?? null,
      afterPlace: after?.place ?? null,
      reason,
      told: told.length,
      byName: actor.name,
      at: o.now.toISOString(),
    };
    await repo.insertMeetingEvent(tx, event);
    await audit(tx, actor, {
      action: kind === 'moved' ? 'care.meeting.move' : 'care.meeting.cancel',
      recordType: 'care_meeting',
      recordId: meetingId,
      reason,
      requestId: o.requestId,
      detail: { people: m.personIds, before: m.scheduledAt, after: after?.at ?? null, told },
    });
    return {
      id: meetingId,
      status: kind === 'cancelled' ? 'cancelled' : 'scheduled',
      scheduledAt: after?.at ?? m.scheduledAt,
      place: after ? after.place : (m.place ?? null),
      change: { ...event, summary: meetingChangeSummary(event) },
      told,
    };
  });
}

// ---------------------------------------------------------------------------------------------
// Transition to adult services

/** Young people the actor may see, aged from the flag age to 18, with whether they have a transition plan. */
export async function transitions(db: AnyDb, actor: Actor, o: Opts & { flagAge?: number }) {
  requireRole(actor, CARE_STAFF);
  return inTransaction(db, async (tx) => {
    const ids = await repo.carePeople(tx, actor.systemId, visiblePeople(tx, actor, o.now));
    const people = await peopleForCare(tx, actor.systemId, ids);
    const day = today(o);
    const rows = [];
    for (const p of people) {
      const t = transitionStatus(p.birthDate, day, o.flagAge ?? TRANSITION_FLAG_AGE);
      if (!t.flagged) continue;
      const plan = await repo.transitionPlanOf(tx, actor.systemId, p.id);
      const concerns = transitionConcerns(t, plan, day);
      rows.push({
        personId: p.id,
        nhsNumber: p.nhsNumber,
        name: `${p.givenName} ${p.familyName}`,
        birthDate: p.birthDate,
        ...t,
        hasPlan: !!plan,
        structured: plan?.structured ?? false,
        transferDate: plan?.transferDate ?? null,
        adultLead: plan?.adultLead ?? null,
        concerns,
        urgent: t.withinSixMonths && concerns.length > 0,
      });
    }
    rows.sort((a, b) => a.eighteenth.localeCompare(b.eighteenth));
    await audit(tx, actor, {
      action: 'care.transition.list',
      recordType: 'care_record',
      requestId: o.requestId,
      detail: { shown: rows.map((r) => r.personId) },
    });
    return { today: day, flagAge: o.flagAge ?? TRANSITION_FLAG_AGE, people: rows };
  });
}

/** Adult services and 18 to 25 components a plan may name, from the published offer (empty when none). */
async function offerChoices(tx: AnyDb, systemId: string) {
  const offer = await getPublishedOffer(tx, systemId);
  return transitionChoices(offer?.components ?? []);
}

/**
 * A structured transition plan: adult services and 18 to 25 components chosen from the published offer (by
 * code), the planned transfer date and the named lead in adult services. One plan per person.
 */
export async function createTransitionPlan(
  db: AnyDb,
  actor: Actor,
  personId: string,
  input: TransitionPlanInput,
  o: Opts,
) {
  requireRole(actor, CARE_WRITERS, 'transition plans');
  return inTransaction(db, async (tx) => {
    if (!/^[0-9a-f-]{36}$/i.test(personId)) throw notFound('person', personId, o);
    await access(tx, actor, personId, o, 'care_transition');
    const person = await personOf(tx, actor.systemId, personId);
    const checked = checkTransitionPlan(input, await offerChoices(tx, actor.systemId), {
      today: today(o),
      birthDate: person.birthDate,
    });
    if (checked.errors.length) throw new ValidationError(checked.errors, 'There is a problem with the transition plan');
    if (await repo.transitionPlanOf(tx, actor.systemId, personId))
      throw new ConflictError('There is already a transition plan', 'plan_exists');
    const id = randomUUID();
    await repo.insertTransitionPlan(tx, actor.systemId, {
      id,
      personId,
      adultServices: checked.adultServices.map((x) => x.name),
      components: checked.components.map((x) => x.name),
      adultServiceCodes: checked.adultServices.map((x) => x.code),
      componentCodes: checked.components.map((x) => x.code),
      transferDate: checked.transferDate,
      adultLead: checked.adultLead,
      byName: actor.name,
      at: o.now,
    });
    await audit(tx, actor, {
      action: 'care.transition.create',
      recordType: 'care_transition',
      recordId: id,
      requestId: o.requestId,
      detail: { personId, transferDate: checked.transferDate },
    });
    return {
      id,
      personId,
      adultServices: checked.adultServices,
      components: checked.components,
      transferDate: checked.transferDate,
      adultLead: checked.adultLead,
    };
  });
}

// ---------------------------------------------------------------------------------------------
// Appointments

/** Who the change is told to, how, and in what format: from the person's latest referral's recorded needs. */
async function tellPerson(
  tx: AnyDb,
  actor: Actor,
  personId: string,
  appointmentId: string,
  kind: AppointmentEvent,
  o: Opts,
) {
  return notifyPerson(tx, actor, personId, `care.appointment.${kind}`, { appointmentId, kind }, o);
}

/**
 * Queues one message to the person, in the caller's transaction, by their recorded contact preference and in
 * an accessible format, with interpreter and BSL needs carried. No personal details in the message: the
 * delivery adapter looks up the contact for the person.
 */
async function notifyPerson(
  tx: AnyDb,
  actor: Actor,
  personId: string,
  topic: string,
  about: Record<string, string>,
  o: Opts,
) {
  const latest = (await referralsForCare(tx, actor.systemId, personId))[0];
  const how = notificationFor({
    preferredContact: latest?.communication.preferredContact ?? null,
    language: latest?.communication.language ?? null,
    interpreter: latest?.communication.interpreter ?? false,
    bsl: latest?.communication.bsl ?? false,
    needs: latest?.communication.needs ?? null,
  });
  await enqueue(
    tx,
    {
      systemId: actor.systemId,
      topic,
      channel: how.channel,
      payload: {
        personId,
        ...about,
        format: how.format,
        communication: { language: how.language, interpreter: how.interpreter, bsl: how.bsl },
      },
    },
    { now: o.now },
  );
  return how;
}

async function appointmentEvent(
  tx: AnyDb,
  actor: Actor,
  personId: string,
  appointmentId: string,
  kind: AppointmentEvent,
  summary: string,
  reason: string | null,
  o: Opts,
) {
  const how = await tellPerson(tx, actor, personId, appointmentId, kind, o);
  await repo.insertAppointmentEvent(tx, {
    id: randomUUID(),
    appointmentId,
    kind,
    summary,
    reason,
    notifiedBy: how.channel,
    format: how.format,
    byName: actor.name,
    at: o.now,
  });
  await audit(tx, actor, {
    action: `care.appointment.${kind === 'booked' ? 'create' : kind === 'changed' ? 'update' : 'cancel'}`,
    recordType: 'care_appointment',
    recordId: appointmentId,
    reason,
    requestId: o.requestId,
    detail: { personId, notifiedBy: how.channel, format: how.format },
  });
  return { notifiedBy: how.channel, format: how.format };
}

const describe = describeAppointment;

/** Books an appointment for the person and queues a message to them by their contact preference. */
export async function bookAppointment(db: AnyDb, actor: Actor, personId: string, input: AppointmentInput, o: Opts) {
  requireRole(actor, CARE_WRITERS);
  return inTransaction(db, async (tx) => {
    if (!/^[0-9a-f-]{36}$/i.test(personId)) throw notFound('person', personId, o);
    await access(tx, actor, personId, o, 'care_appointment');
    const a = checkAppointment(input, today(o), { needReason: false });
    if (a.errors.length) throw new ValidationError(a.errors);
    const id = randomUUID();
    await repo.insertAppointment(tx, actor.systemId, {
      id,
      personId,
      service: a.service,
      date: a.date,
      time: a.time,
      place: a.place,
      byName: actor.name,
      at: o.now,
    });
    const how = await appointmentEvent(tx, actor, personId, id, 'booked', describe(a), null, o);
    return { id, personId, status: 'booked', service: a.service, date: a.date, time: a.time, place: a.place, ...how };
  });
}

/** Moves or cancels a booked appointment with a reason; the person is told either way. */
export async function changeAppointment(
  db: AnyDb,
  actor: Actor,
  personId: string,
  appointmentId: string,
  input: AppointmentInput & { cancel?: boolean; partial?: boolean },
  o: Opts,
) {
  requireRole(actor, CARE_WRITERS);
  return inTransaction(db, async (tx) => {
    if (!/^[0-9a-f-]{36}$/i.test(personId)) throw notFound('person', personId, o);
    await access(tx, actor, personId, o, 'care_appointment', appointmentId);
    const current = /^[0-9a-f-]{36}$/i.test(appointmentId)
      ? await repo.appointmentById(tx, actor.systemId, appointmentId)
      : null;
    if (!current || current.personId !== personId) throw notFound('care_appointment', appointmentId, o);
    if (current.status !== 'booked') throw new ConflictError('This appointment has already been cancelled');
    if (input.cancel) {
      const reason = typeof input.reason === 'string' ? input.reason.trim() : '';
      if (!reason) throw new ValidationError([{ field: 'reason', message: 'Enter why the appointment is cancelled' }]);
      await repo.updateAppointment(tx, appointmentId, { status: 'cancelled', at: o.now });
      const how = await appointmentEvent(
        tx,
        actor,
        personId,
        appointmentId,
        'cancelled',
        describe(current),
        reason.slice(0, 500),
        o,
      );
      return { ...current, status: 'cancelled', reason: reason.slice(0, 500), ...how };
    }
    // A PATCH names only what changes; the rest stays as booked.
    const merged = input.partial
      ? {
          service: input.service ?? current.service,
          date: input.date ?? current.date,
          time: input.time ?? current.time,
          place: input.place ?? current.place,
          reason: input.reason,
        }
      : input;
    const a = checkAppointment(merged, today(o), { needReason: true });
    if (a.errors.length) throw new ValidationError(a.errors);
    await repo.updateAppointment(tx, appointmentId, {
      service: a.service,
      date: a.date,
      time: a.time,
      place: a.place,
      at: o.now,
    });
    const how = await appointmentEvent(tx, actor, personId, appointmentId, 'changed', describe(a), a.reason, o);
    return {
      id: appointmentId,
      personId,
      status: 'booked',
      service: a.service,
      date: a.date,
      time: a.time,
      place: a.place,
      reason: a.reason,
      ...how,
    };
  });
}

type AppointmentWithEvents = Awaited<ReturnType<typeof repo.appointmentsOf>>[number];

/**
 * What changed, in words, from an appointment's timeline: the latest change or cancellation with its reason and
 * what it was before, or null when it is as first booked.
 */
export function whatChanged(a: AppointmentWithEvents): string | null {
  const events = a.events;
  const last = events[events.length - 1];
  if (!last || last.kind === 'booked') return null;
  const before = events[events.length - 2];
  const reason = last.reason ? ` Reason: ${last.reason}.` : '';
  if (last.kind === 'cancelled') return `Cancelled.${reason}`;
  return `${before ? `Moved from ${plainSummary(before.summary)}` : 'Changed'}.${reason}`;
}

const appointmentView = (a: AppointmentWithEvents) => ({
  ...a,
  whatChanged: whatChanged(a),
  changedAt: a.events.length > 1 ? a.events[a.events.length - 1]!.at : null,
  events: a.events.map((e) => ({ ...e, summary: plainSummary(e.summary) })),
});

/** One person's appointments with their timelines, and the home visits the scheduling module plans; audited. */
export async function listAppointments(db: AnyDb, actor: Actor, personId: string, o: Opts) {
  requireRole(actor, CARE_STAFF);
  return inTransaction(db, async (tx) => {
    if (!/^[0-9a-f-]{36}$/i.test(personId)) throw notFound('person', personId, o);
    await access(tx, actor, personId, o, 'care_appointment');
    const appointments = await repo.appointmentsOf(tx, actor.systemId, personId);
    const referrals = await referralsForCare(tx, actor.systemId, personId);
    const visits = await visitsForCare(
      tx,
      actor.systemId,
      referrals.map((r) => r.id),
      today(o),
    );
    await audit(tx, actor, {
      action: 'care.appointment.list',
      recordType: 'care_record',
      recordId: personId,
      requestId: o.requestId,
    });
    return { personId, today: today(o), appointments: appointments.map(appointmentView), visits };
  });
}

export const CASELOAD_APPOINTMENT_DAYS = 7;

/**
 * Appointments for the people in the caller's caseload from today to `days` ahead (booked and cancelled, so a
 * cancellation is seen), each with what changed; audited with the people shown.
 */
export async function caseloadAppointments(db: AnyDb, actor: Actor, o: Opts & { days?: number }) {
  requireRole(actor, CARE_STAFF);
  return inTransaction(db, async (tx) => {
    const days = Math.min(Math.max(o.days ?? CASELOAD_APPOINTMENT_DAYS, 0), 60);
    const day = today(o);
    const until = addDays(day, days);
    const allocations = await repo.caseloadOf(tx, actor.systemId, actor.id, visiblePeople(tx, actor, o.now));
    const ids = allocations.map((a) => a.personId);
    const people = new Map((await peopleForCare(tx, actor.systemId, ids)).map((p) => [p.id, p]));
    const rows = (await repo.appointmentsOfPeople(tx, actor.systemId, ids, day, until)).map((a) => {
      const p = people.get(a.personId);
      return {
        ...appointmentView(a),
        name: p ? `${p.givenName} ${p.familyName}` : '',
        nhsNumber: p?.nhsNumber ?? '',
        isToday: a.date === day,
      };
    });
    await audit(tx, actor, {
      action: 'care.appointment.caseload',
      recordType: 'care_appointment',
      requestId: o.requestId,
      detail: { shown: [...new Set(rows.map((r) => r.personId))], from: day, to: until },
    });
    return {
      today: day,
      until,
      appointments: rows,
      todayCount: rows.filter((r) => r.isToday && r.status === 'booked').length,
    };
  });
}

// ---------------------------------------------------------------------------------------------
// For the FHIR API (the interop module reads each record with getCareRecord, which checks and audits)

/** The people with a care record whom the actor may see now: ids only (nothing personal, so not audited). */
export async function carePeople(db: AnyDb, actor: Actor, o: Opts): Promise<string[]> {
  requireRole(actor, CARE_STAFF);
  return repo.peopleWithRecords(db, actor.systemId, visiblePeople(db, actor, o.now));
}

/**
 * Whose care record a plan, action, appointment or assessment belongs to; an unknown id is refused with the
 * same audited "not found" as a person without a relationship, so nobody learns whether a record exists.
 */
export async function careRecordOwner(
  db: AnyDb,
  actor: Actor,
  kind: repo.CareRecordKind,
  id: string,
  o: Opts,
): Promise<string> {
  requireRole(actor, CARE_STAFF);
  const personId = /^[0-9a-f-]{36}$/i.test(id) ? await repo.personOfRecord(db, actor.systemId, kind, id) : null;
  if (!personId) throw notFound(`care_${kind}`, id, o);
  return personId;
}

/** One signed or draft assessment of a person (the FHIR QuestionnaireResponse), after getCareRecord's check. */
export async function assessmentsForFhir(db: AnyDb, actor: Actor, personId: string, o: Opts) {
  requireRole(actor, CARE_STAFF);
  if (!/^[0-9a-f-]{36}$/i.test(personId)) throw notFound('person', personId, o);
  return inTransaction(db, async (tx) => {
    await access(tx, actor, personId, o, 'care_assessment');
    const person = await personOf(tx, actor.systemId, personId);
    const rows = await repo.assessmentsOf(tx, actor.systemId, personId);
    const views = [];
    for (const a of rows) views.push(await assessmentView(tx, a, person));
    await audit(tx, actor, {
      action: 'care.assessment.read',
      recordType: 'care_record',
      recordId: personId,
      requestId: o.requestId,
      detail: { assessments: rows.map((a) => a.id) },
    });
    return views;
  });
}
