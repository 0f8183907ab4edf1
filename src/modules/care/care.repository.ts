// The care module's SQL: the only code that touches care_* tables. Rows come back camelCase, instants as ISO
// strings, dates as 'YYYY-MM-DD'.
import { sql } from 'kysely';
import type { AnyDb } from '../../platform/db/database.ts';
import type { Answers, Source } from './assessment.ts';
import type { ComplexityReason } from './complexity.ts';

const iso = (v: unknown): string | null => (v === null || v === undefined ? null : new Date(v as string).toISOString());
const json = <T>(v: unknown): T => (typeof v === 'string' ? JSON.parse(v) : v) as T;
const j = (v: unknown) => sql`${JSON.stringify(v)}::jsonb`;

// ---------------------------------------------------------------------------------------------
// Trusted assessors

export async function isTrustedAssessor(db: AnyDb, systemId: string, userId: string): Promise<boolean> {
  const row = await db
    .selectFrom('care_trusted_assessors')
    .select('user_id')
    .where('system_id', '=', systemId)
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return !!row;
}

export async function grantTrustedAssessor(
  db: AnyDb,
  g: { systemId: string; userId: string; userName: string; grantedBy: string; at: Date },
): Promise<void> {
  await db
    .insertInto('care_trusted_assessors')
    .values({
      system_id: g.systemId,
      user_id: g.userId,
      user_name: g.userName,
      granted_by: g.grantedBy,
      granted_at: g.at,
      revoked_at: null,
    })
    .onConflict((oc) =>
      oc.columns(['system_id', 'user_id']).doUpdateSet({ revoked_at: null, granted_at: g.at, granted_by: g.grantedBy }),
    )
    .execute();
}

export async function revokeTrustedAssessor(db: AnyDb, systemId: string, userId: string, at: Date): Promise<boolean> {
  const r = await db
    .updateTable('care_trusted_assessors')
    .set({ revoked_at: at })
    .where('system_id', '=', systemId)
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows ?? 0) > 0;
}

/** Staff who hold the trusted assessor competency now, by name. */
export async function trustedAssessors(db: AnyDb, systemId: string) {
  const rows = await db
    .selectFrom('care_trusted_assessors as t')
    .innerJoin('users as u', (j) => j.on(sql<boolean>`u.id::text = t.user_id`))
    .select(['t.user_id', 't.user_name', 't.granted_by', 't.granted_at', 'u.username'])
    .where('t.system_id', '=', systemId)
    .where('t.revoked_at', 'is', null)
    .orderBy('t.user_name')
    .execute();
  return rows.map((r) => ({
    userId: r.user_id as string,
    name: r.user_name as string,
    username: r.username as string,
    grantedBy: r.granted_by as string,
    grantedAt: iso(r.granted_at)!,
  }));
}

// ---------------------------------------------------------------------------------------------
// Assessments

export interface AssessmentRow {
  id: string;
  systemId: string;
  personId: string;
  referralId: string | null;
  version: number;
  status: 'draft' | 'signed';
  answers: Answers;
  sources: Record<string, Source>;
  prefilled: Answers;
  reusedCount: number | null;
  revision: number;
  supersedes: string | null;
  changeReason: string | null;
  createdBy: string;
  createdByName: string;
  createdAt: string;
  updatedByName: string;
  updatedAt: string;
  signedBy: string | null;
  signedByName: string | null;
  signedAt: string | null;
}

// biome-ignore lint/suspicious/noExplicitAny: untyped rows from the module's own tables
function toAssessment(r: any): AssessmentRow {
  return {
    id: r.id,
    systemId: r.system_id,
    personId: r.person_id,
    referralId: r.referral_id,
    version: r.version,
    status: r.status,
    answers: json(r.answers),
    sources: json(r.sources),
    prefilled: json(r.prefilled),
    reusedCount: r.reused_count,
    revision: r.revision,
    supersedes: r.supersedes,
    changeReason: r.change_reason,
    createdBy: r.created_by,
    createdByName: r.created_by_name,
    createdAt: iso(r.created_at)!,
    updatedByName: r.updated_by_name,
    updatedAt: iso(r.updated_at)!,
    signedBy: r.signed_by,
    signedByName: r.signed_by_name,
    signedAt: iso(r.signed_at),
  };
}

export async function insertAssessment(db: AnyDb, a: AssessmentRow): Promise<void> {
  await db
    .insertInto('care_assessments')
    .values({
      id: a.id,
      system_id: a.systemId,
      person_id: a.personId,
      referral_id: a.referralId,
      version: a.version,
      status: a.status,
      answers: j(a.answers),
      sources: j(a.sources),
      prefilled: j(a.prefilled),
      reused_count: a.reusedCount,
      revision: a.revision,
      supersedes: a.supersedes,
      change_reason: a.changeReason,
      created_by: a.createdBy,
      created_by_name: a.createdByName,
      created_at: a.createdAt,
      updated_by_name: a.updatedByName,
      updated_at: a.updatedAt,
    })
    .execute();
}

export async function findAssessment(
  db: AnyDb,
  systemId: string,
  id: string,
  { forUpdate = false } = {},
): Promise<AssessmentRow | null> {
  let q = db.selectFrom('care_assessments').selectAll().where('system_id', '=', systemId).where('id', '=', id);
  if (forUpdate) q = q.forUpdate();
  const row = await q.executeTakeFirst();
  return row ? toAssessment(row) : null;
}

export async function assessmentsOf(db: AnyDb, systemId: string, personId: string): Promise<AssessmentRow[]> {
  const rows = await db
    .selectFrom('care_assessments')
    .selectAll()
    .where('system_id', '=', systemId)
    .where('person_id', '=', personId)
    .orderBy('version', 'desc')
    .execute();
  return rows.map(toAssessment);
}

/** Saves a draft's answers only if nobody saved since `revision`; false when stale (or no longer a draft). */
export async function saveDraft(
  db: AnyDb,
  a: { systemId: string; id: string; revision: number; answers: Answers; byName: string; at: Date },
): Promise<boolean> {
  const r = await db
    .updateTable('care_assessments')
    .set({
      answers: j(a.answers),
      revision: sql`revision + 1`,
      updated_by_name: a.byName,
      updated_at: a.at,
    })
    .where('system_id', '=', a.systemId)
    .where('id', '=', a.id)
    .where('status', '=', 'draft')
    .where('revision', '=', a.revision)
    .executeTakeFirst();
  return Number(r.numUpdatedRows ?? 0) === 1;
}

export async function signAssessment(
  db: AnyDb,
  a: { systemId: string; id: string; by: string; byName: string; at: Date; reusedCount: number },
): Promise<boolean> {
  const r = await db
    .updateTable('care_assessments')
    .set({
      status: 'signed',
      signed_by: a.by,
      signed_by_name: a.byName,
      signed_at: a.at,
      reused_count: a.reusedCount,
      revision: sql`revision + 1`,
      updated_by_name: a.byName,
      updated_at: a.at,
    })
    .where('system_id', '=', a.systemId)
    .where('id', '=', a.id)
    .where('status', '=', 'draft')
    .executeTakeFirst();
  return Number(r.numUpdatedRows ?? 0) === 1;
}

// ---------------------------------------------------------------------------------------------
// Complexity flags and allocations

export interface FlagRow {
  personId: string;
  reasons: ComplexityReason[];
  weight: number;
  assessmentId: string;
  flaggedAt: string;
}

// biome-ignore lint/suspicious/noExplicitAny: untyped rows from the module's own tables
const toFlag = (r: any): FlagRow => ({
  personId: r.person_id,
  reasons: json(r.reasons),
  weight: r.weight,
  assessmentId: r.assessment_id,
  flaggedAt: iso(r.flagged_at)!,
});

export async function setFlag(db: AnyDb, systemId: string, f: FlagRow): Promise<void> {
  await db
    .insertInto('care_flags')
    .values({
      system_id: systemId,
      person_id: f.personId,
      reasons: j(f.reasons),
      weight: f.weight,
      assessment_id: f.assessmentId,
      flagged_at: f.flaggedAt,
    })
    .onConflict((oc) =>
      oc.columns(['system_id', 'person_id']).doUpdateSet({
        reasons: j(f.reasons),
        weight: f.weight,
        assessment_id: f.assessmentId,
        flagged_at: f.flaggedAt,
      }),
    )
    .execute();
}

export async function clearFlag(db: AnyDb, systemId: string, personId: string): Promise<void> {
  await db.deleteFrom('care_flags').where('system_id', '=', systemId).where('person_id', '=', personId).execute();
}

export async function flagOf(db: AnyDb, systemId: string, personId: string): Promise<FlagRow | null> {
  const row = await db
    .selectFrom('care_flags')
    .selectAll()
    .where('system_id', '=', systemId)
    .where('person_id', '=', personId)
    .executeTakeFirst();
  return row ? toFlag(row) : null;
}

/** Flagged people with no current case manager, among `visible` (a visiblePeople subquery). */
// biome-ignore lint/suspicious/noExplicitAny: a visiblePeople subquery
export async function unallocatedFlags(db: AnyDb, systemId: string, visible: any): Promise<FlagRow[]> {
  const rows = await db
    .selectFrom('care_flags as f')
    .selectAll('f')
    .where('f.system_id', '=', systemId)
    .where(sql<boolean>`f.person_id::text in (${visible})`)
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('care_allocations as a')
            .select('a.id')
            .whereRef('a.person_id', '=', 'f.person_id')
            .where('a.system_id', '=', systemId)
            .where('a.ended_at', 'is', null),
        ),
      ),
    )
    .orderBy('f.weight', 'desc')
    .orderBy('f.flagged_at')
    .execute();
  return rows.map(toFlag);
}

export interface AllocationRow {
  id: string;
  personId: string;
  caseManagerId: string;
  caseManagerName: string;
  organisationCode: string | null;
  reason: string | null;
  allocatedBy: string;
  allocatedAt: string;
  endedAt: string | null;
  endReason: string | null;
}

// biome-ignore lint/suspicious/noExplicitAny: untyped rows from the module's own tables
const toAllocation = (r: any): AllocationRow => ({
  id: r.id,
  personId: r.person_id,
  caseManagerId: r.case_manager_id,
  caseManagerName: r.case_manager_name,
  organisationCode: r.organisation_code,
  reason: r.reason,
  allocatedBy: r.allocated_by,
  allocatedAt: iso(r.allocated_at)!,
  endedAt: iso(r.ended_at),
  endReason: r.end_reason,
});

export async function currentAllocation(
  db: AnyDb,
  systemId: string,
  personId: string,
  { forUpdate = false } = {},
): Promise<AllocationRow | null> {
  let q = db
    .selectFrom('care_allocations')
    .selectAll()
    .where('system_id', '=', systemId)
    .where('person_id', '=', personId)
    .where('ended_at', 'is', null);
  if (forUpdate) q = q.forUpdate();
  const row = await q.executeTakeFirst();
  return row ? toAllocation(row) : null;
}

export async function allocationsOf(db: AnyDb, systemId: string, personId: string): Promise<AllocationRow[]> {
  const rows = await db
    .selectFrom('care_allocations')
    .selectAll()
    .where('system_id', '=', systemId)
    .where('person_id', '=', personId)
    .orderBy('allocated_at', 'desc')
    .execute();
  return rows.map(toAllocation);
}

export async function endAllocation(db: AnyDb, systemId: string, id: string, at: Date, reason: string): Promise<void> {
  await db
    .updateTable('care_allocations')
    .set({ ended_at: at, end_reason: reason })
    .where('system_id', '=', systemId)
    .where('id', '=', id)
    .execute();
}

export async function insertAllocation(db: AnyDb, systemId: string, a: AllocationRow): Promise<void> {
  await db
    .insertInto('care_allocations')
    .values({
      id: a.id,
      system_id: systemId,
      person_id: a.personId,
      case_manager_id: a.caseManagerId,
      case_manager_name: a.caseManagerName,
      organisation_code: a.organisationCode,
      reason: a.reason,
      allocated_by: a.allocatedBy,
      allocated_at: a.allocatedAt,
    })
    .execute();
}

/** A case manager's current allocations, among the people they may see. */
// biome-ignore lint/suspicious/noExplicitAny: a visiblePeople subquery
export async function caseloadOf(db: AnyDb, systemId: string, caseManagerId: string, visible: any) {
  const rows = await db
    .selectFrom('care_allocations as a')
    .leftJoin('care_flags as f', (jn) =>
      jn.onRef('f.person_id', '=', 'a.person_id').onRef('f.system_id', '=', 'a.system_id'),
    )
    .selectAll('a')
    .select(['f.weight', 'f.reasons'])
    .where('a.system_id', '=', systemId)
    .where('a.case_manager_id', '=', caseManagerId)
    .where('a.ended_at', 'is', null)
    .where(sql<boolean>`a.person_id::text in (${visible})`)
    .orderBy('a.allocated_at', 'desc')
    .execute();
  return rows.map((r) => ({
    ...toAllocation(r),
    weight: (r.weight as number | null) ?? 1,
    reasons: r.reasons ? json<ComplexityReason[]>(r.reasons) : [],
  }));
}

/** Every case manager's current caseload size and weight (no personal data). */
export async function caseloadWeights(db: AnyDb, systemId: string) {
  const rows = await db
    .selectFrom('care_allocations as a')
    .leftJoin('care_flags as f', (jn) =>
      jn.onRef('f.person_id', '=', 'a.person_id').onRef('f.system_id', '=', 'a.system_id'),
    )
    .select(['a.case_manager_id', 'a.case_manager_name'])
    .select((eb) => [
      eb.fn.countAll<number>().as('people'),
      sql<number>`coalesce(sum(coalesce(f.weight, 1)), 0)::int`.as('weight'),
    ])
    .where('a.system_id', '=', systemId)
    .where('a.ended_at', 'is', null)
    .groupBy(['a.case_manager_id', 'a.case_manager_name'])
    .orderBy('a.case_manager_name')
    .execute();
  return rows.map((r) => ({
    caseManagerId: r.case_manager_id as string,
    caseManagerName: r.case_manager_name as string,
    people: Number(r.people),
    weight: Number(r.weight),
  }));
}

// ---------------------------------------------------------------------------------------------
// Care team

export interface MemberRow {
  id: string;
  personId: string;
  userId: string | null;
  name: string;
  roleTitle: string;
  organisationCode: string;
  contact: string | null;
  addedAt: string;
  endedAt: string | null;
}

// biome-ignore lint/suspicious/noExplicitAny: untyped rows from the module's own tables
const toMember = (r: any): MemberRow => ({
  id: r.id,
  personId: r.person_id,
  userId: r.user_id,
  name: r.name,
  roleTitle: r.role_title,
  organisationCode: r.organisation_code,
  contact: r.contact,
  addedAt: iso(r.added_at)!,
  endedAt: iso(r.ended_at),
});

export async function insertMember(db: AnyDb, systemId: string, m: MemberRow & { addedBy: string }): Promise<void> {
  await db
    .insertInto('care_team_members')
    .values({
      id: m.id,
      system_id: systemId,
      person_id: m.personId,
      user_id: m.userId,
      name: m.name,
      role_title: m.roleTitle,
      organisation_code: m.organisationCode,
      contact: m.contact,
      added_by: m.addedBy,
      added_at: m.addedAt,
    })
    .execute();
}

export async function teamOf(db: AnyDb, systemId: string, personId: string): Promise<MemberRow[]> {
  const rows = await db
    .selectFrom('care_team_members')
    .selectAll()
    .where('system_id', '=', systemId)
    .where('person_id', '=', personId)
    .where('ended_at', 'is', null)
    .orderBy('added_at')
    .execute();
  return rows.map(toMember);
}

// ---------------------------------------------------------------------------------------------
// Plans, goals, actions

export interface PlanRow {
  id: string;
  personId: string;
  status: string;
  reviewDue: string;
  agreedWithPerson: boolean;
  agreedOn: string | null;
  copySentBy: string | null;
  copySentAt: string | null;
  createdByName: string;
  createdAt: string;
  updatedAt: string;
}

// biome-ignore lint/suspicious/noExplicitAny: untyped rows from the module's own tables
const toPlan = (r: any): PlanRow => ({
  id: r.id,
  personId: r.person_id,
  status: r.status,
  reviewDue: r.review_due,
  agreedWithPerson: r.agreed_with_person,
  agreedOn: r.agreed_on,
  copySentBy: r.copy_sent_by,
  copySentAt: iso(r.copy_sent_at),
  createdByName: r.created_by_name,
  createdAt: iso(r.created_at)!,
  updatedAt: iso(r.updated_at)!,
});

export async function insertPlan(
  db: AnyDb,
  systemId: string,
  p: PlanRow & { createdBy: string },
  goals: { id: string; text: string }[],
): Promise<void> {
  await db
    .insertInto('care_plans')
    .values({
      id: p.id,
      system_id: systemId,
      person_id: p.personId,
      status: p.status,
      review_due: p.reviewDue,
      agreed_with_person: p.agreedWithPerson,
      agreed_on: p.agreedOn,
      copy_sent_by: p.copySentBy,
      copy_sent_at: p.copySentAt,
      created_by: p.createdBy,
      created_by_name: p.createdByName,
      created_at: p.createdAt,
      updated_at: p.updatedAt,
    })
    .execute();
  if (goals.length) {
    await db
      .insertInto('care_goals')
      .values(goals.map((g, i) => ({ id: g.id, system_id: systemId, plan_id: p.id, text: g.text, position: i + 1 })))
      .execute();
  }
}

export async function findPlan(db: AnyDb, systemId: string, id: string): Promise<PlanRow | null> {
  const row = await db
    .selectFrom('care_plans')
    .selectAll()
    .where('system_id', '=', systemId)
    .where('id', '=', id)
    .executeTakeFirst();
  return row ? toPlan(row) : null;
}

export async function activePlanOf(db: AnyDb, systemId: string, personId: string): Promise<PlanRow | null> {
  const row = await db
    .selectFrom('care_plans')
    .selectAll()
    .where('system_id', '=', systemId)
    .where('person_id', '=', personId)
    .where('status', '=', 'active')
    .executeTakeFirst();
  return row ? toPlan(row) : null;
}

export async function goalsOf(db: AnyDb, planId: string): Promise<{ id: string; text: string; position: number }[]> {
  const rows = await db
    .selectFrom('care_goals')
    .select(['id', 'text', 'position'])
    .where('plan_id', '=', planId)
    .orderBy('position')
    .execute();
  return rows as { id: string; text: string; position: number }[];
}

export interface ActionRow {
  id: string;
  planId: string;
  personId: string;
  goalId: string | null;
  description: string;
  ownerKind: 'member' | 'resident' | 'carer' | 'service';
  ownerMemberId: string | null;
  ownerLabel: string;
  due: string;
  status: 'open' | 'done' | 'cancelled';
  meetingId: string | null;
  createdAt: string;
  completedAt: string | null;
  completedByName: string | null;
  completionNote: string | null;
}

// biome-ignore lint/suspicious/noExplicitAny: untyped rows from the module's own tables
const toAction = (r: any): ActionRow => ({
  id: r.id,
  planId: r.plan_id,
  personId: r.person_id,
  goalId: r.goal_id,
  description: r.description,
  ownerKind: r.owner_kind,
  ownerMemberId: r.owner_member_id,
  ownerLabel: r.owner_label,
  due: r.due,
  status: r.status,
  meetingId: r.meeting_id,
  createdAt: iso(r.created_at)!,
  completedAt: iso(r.completed_at),
  completedByName: r.completed_by_name,
  completionNote: r.completion_note,
});

export async function insertAction(db: AnyDb, systemId: string, a: ActionRow & { createdBy: string }): Promise<void> {
  await db
    .insertInto('care_actions')
    .values({
      id: a.id,
      system_id: systemId,
      plan_id: a.planId,
      person_id: a.personId,
      goal_id: a.goalId,
      description: a.description,
      owner_kind: a.ownerKind,
      owner_member_id: a.ownerMemberId,
      owner_label: a.ownerLabel,
      due: a.due,
      status: a.status,
      meeting_id: a.meetingId,
      created_by: a.createdBy,
      created_at: a.createdAt,
    })
    .execute();
}

export async function findAction(db: AnyDb, systemId: string, id: string): Promise<ActionRow | null> {
  const row = await db
    .selectFrom('care_actions')
    .selectAll()
    .where('system_id', '=', systemId)
    .where('id', '=', id)
    .executeTakeFirst();
  return row ? toAction(row) : null;
}

export async function completeAction(
  db: AnyDb,
  a: { systemId: string; id: string; at: Date; byName: string; note: string | null },
): Promise<boolean> {
  const r = await db
    .updateTable('care_actions')
    .set({ status: 'done', completed_at: a.at, completed_by_name: a.byName, completion_note: a.note })
    .where('system_id', '=', a.systemId)
    .where('id', '=', a.id)
    .where('status', '=', 'open')
    .executeTakeFirst();
  return Number(r.numUpdatedRows ?? 0) === 1;
}

export async function actionsOfPlan(db: AnyDb, planId: string): Promise<ActionRow[]> {
  const rows = await db.selectFrom('care_actions').selectAll().where('plan_id', '=', planId).orderBy('due').execute();
  return rows.map(toAction);
}

/** Open actions and active plans of these people (for the caseload and MDT agenda). */
export async function openWorkOf(db: AnyDb, systemId: string, personIds: readonly string[]) {
  if (personIds.length === 0) return { plans: [] as PlanRow[], actions: [] as ActionRow[] };
  const plans = await db
    .selectFrom('care_plans')
    .selectAll()
    .where('system_id', '=', systemId)
    .where('person_id', 'in', [...personIds])
    .where('status', '=', 'active')
    .execute();
  const actions = await db
    .selectFrom('care_actions')
    .selectAll()
    .where('system_id', '=', systemId)
    .where('person_id', 'in', [...personIds])
    .where('status', '=', 'open')
    .orderBy('due')
    .execute();
  return { plans: plans.map(toPlan), actions: actions.map(toAction) };
}

/** Open actions owned by care team members who are this user (a clinician's own actions). */
// biome-ignore lint/suspicious/noExplicitAny: a visiblePeople subquery
export async function actionsOwnedBy(db: AnyDb, systemId: string, userId: string, visible: any): Promise<ActionRow[]> {
  const rows = await db
    .selectFrom('care_actions as a')
    .innerJoin('care_team_members as m', 'm.id', 'a.owner_member_id')
    .selectAll('a')
    .where('a.system_id', '=', systemId)
    .where('m.user_id', '=', userId)
    .where('a.status', '=', 'open')
    .where(sql<boolean>`a.person_id::text in (${visible})`)
    .orderBy('a.due')
    .execute();
  return rows.map(toAction);
}

// ---------------------------------------------------------------------------------------------
// Meetings and decisions

export interface MeetingRow {
  id: string;
  title: string;
  scheduledAt: string;
  organiserId: string;
  organiserName: string;
  attendees: { name: string; role: string; organisation: string }[];
  agenda: { personId: string; items: string[] }[];
  minutes: string | null;
  personIds: string[];
  /** Where (a room, an address, or "video call"); null for meetings made before places were recorded. */
  place?: string | null;
  status?: 'scheduled' | 'cancelled';
}

// biome-ignore lint/suspicious/noExplicitAny: untyped rows from the module's own tables
const toMeeting = (r: any, personIds: string[]): MeetingRow => ({
  id: r.id,
  title: r.title,
  scheduledAt: iso(r.scheduled_at)!,
  organiserId: r.organiser_id,
  organiserName: r.organiser_name,
  attendees: json(r.attendees),
  agenda: json(r.agenda),
  minutes: r.minutes,
  personIds,
  place: r.place ?? null,
  status: r.status === 'cancelled' ? 'cancelled' : 'scheduled',
});

export async function insertMeeting(db: AnyDb, systemId: string, m: MeetingRow & { createdAt: Date }): Promise<void> {
  await db
    .insertInto('care_meetings')
    .values({
      id: m.id,
      system_id: systemId,
      title: m.title,
      scheduled_at: m.scheduledAt,
      organiser_id: m.organiserId,
      organiser_name: m.organiserName,
      attendees: j(m.attendees),
      agenda: j(m.agenda),
      minutes: m.minutes,
      place: m.place ?? null,
      created_at: m.createdAt,
    })
    .execute();
  if (m.personIds.length) {
    await db
      .insertInto('care_meeting_people')
      .values(m.personIds.map((p) => ({ meeting_id: m.id, person_id: p })))
      .execute();
  }
}

export async function findMeeting(db: AnyDb, systemId: string, id: string): Promise<MeetingRow | null> {
  const row = await db
    .selectFrom('care_meetings')
    .selectAll()
    .where('system_id', '=', systemId)
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) return null;
  const people = await db.selectFrom('care_meeting_people').select('person_id').where('meeting_id', '=', id).execute();
  return toMeeting(
    row,
    people.map((p) => p.person_id as string),
  );
}

export async function setMinutes(db: AnyDb, systemId: string, id: string, minutes: string): Promise<void> {
  await db
    .updateTable('care_meetings')
    .set({ minutes })
    .where('system_id', '=', systemId)
    .where('id', '=', id)
    .execute();
}

export async function updateMeeting(
  db: AnyDb,
  systemId: string,
  id: string,
  change: { scheduledAt: string; place: string | null } | { status: 'cancelled' },
): Promise<void> {
  await db
    .updateTable('care_meetings')
    .set('status' in change ? { status: change.status } : { scheduled_at: change.scheduledAt, place: change.place })
    .where('system_id', '=', systemId)
    .where('id', '=', id)
    .execute();
}

export interface MeetingEventRow {
  id: string;
  meetingId: string;
  kind: 'moved' | 'cancelled';
  beforeAt: string;
  beforePlace: string | null;
  afterAt: string | null;
  afterPlace: string | null;
  reason: string;
  told: number;
  byName: string;
  at: string;
}

export async function insertMeetingEvent(db: AnyDb, e: MeetingEventRow): Promise<void> {
  await db
    .insertInto('care_meeting_events')
    .values({
      id: e.id,
      meeting_id: e.meetingId,
      kind: e.kind,
      before_at: e.beforeAt,
      before_place: e.beforePlace,
      after_at: e.afterAt,
      after_place: e.afterPlace,
      reason: e.reason,
      told: e.told,
      by_name: e.byName,
      at: e.at,
    })
    .execute();
}

/** A meeting's moves and cancellation, oldest first. */
export async function meetingEventsOf(db: AnyDb, meetingId: string): Promise<MeetingEventRow[]> {
  const rows = await db
    .selectFrom('care_meeting_events')
    .selectAll()
    .where('meeting_id', '=', meetingId)
    .orderBy('at')
    .execute();
  return rows.map((r) => ({
    id: r.id as string,
    meetingId: r.meeting_id as string,
    kind: r.kind as 'moved' | 'cancelled',
    beforeAt: iso(r.before_at)!,
    beforePlace: (r.before_place as string | null) ?? null,
    afterAt: iso(r.after_at),
    afterPlace: (r.after_place as string | null) ?? null,
    reason: r.reason as string,
    told: Number(r.told),
    byName: r.by_name as string,
    at: iso(r.at)!,
  }));
}

/** Meetings that discussed this person, newest first. */
export async function meetingsOf(db: AnyDb, systemId: string, personId: string): Promise<MeetingRow[]> {
  const rows = await db
    .selectFrom('care_meetings as m')
    .innerJoin('care_meeting_people as p', 'p.meeting_id', 'm.id')
    .selectAll('m')
    .where('m.system_id', '=', systemId)
    .where('p.person_id', '=', personId)
    .orderBy('m.scheduled_at', 'desc')
    .execute();
  return rows.map((r) => toMeeting(r, [personId]));
}

/** The last meeting before `before` organised by this user (to find people flagged since). */
export async function lastMeetingBefore(db: AnyDb, systemId: string, organiserId: string, before: Date) {
  const row = await db
    .selectFrom('care_meetings')
    .select('scheduled_at')
    .where('system_id', '=', systemId)
    .where('organiser_id', '=', organiserId)
    .where('scheduled_at', '<', before)
    .orderBy('scheduled_at', 'desc')
    .executeTakeFirst();
  return row ? iso(row.scheduled_at) : null;
}

export async function insertDecision(
  db: AnyDb,
  systemId: string,
  d: { id: string; meetingId: string; personId: string; text: string; actionId: string; byName: string; at: Date },
): Promise<void> {
  await db
    .insertInto('care_decisions')
    .values({
      id: d.id,
      system_id: systemId,
      meeting_id: d.meetingId,
      person_id: d.personId,
      text: d.text,
      action_id: d.actionId,
      recorded_by_name: d.byName,
      recorded_at: d.at,
    })
    .execute();
}

export async function decisionsOf(db: AnyDb, systemId: string, meetingId: string) {
  const rows = await db
    .selectFrom('care_decisions')
    .selectAll()
    .where('system_id', '=', systemId)
    .where('meeting_id', '=', meetingId)
    .orderBy('recorded_at')
    .execute();
  return rows.map((r) => ({
    id: r.id as string,
    personId: r.person_id as string,
    text: r.text as string,
    actionId: r.action_id as string,
    recordedByName: r.recorded_by_name as string,
    recordedAt: iso(r.recorded_at)!,
  }));
}

/** People flagged (or re-flagged) since an instant, among these. */
export async function flaggedSince(db: AnyDb, systemId: string, personIds: readonly string[], since: string | null) {
  if (personIds.length === 0) return [] as string[];
  let q = db
    .selectFrom('care_flags')
    .select('person_id')
    .where('system_id', '=', systemId)
    .where('person_id', 'in', [...personIds]);
  if (since) q = q.where('flagged_at', '>', since);
  return (await q.execute()).map((r) => r.person_id as string);
}

// ---------------------------------------------------------------------------------------------
// Contacts and transition plans

export async function insertContact(
  db: AnyDb,
  systemId: string,
  c: { id: string; personId: string; at: Date; channel: string; withWhom: string; note: string; byName: string },
): Promise<void> {
  await db
    .insertInto('care_contacts')
    .values({
      id: c.id,
      system_id: systemId,
      person_id: c.personId,
      at: c.at,
      channel: c.channel,
      with_whom: c.withWhom,
      note: c.note,
      by_name: c.byName,
    })
    .execute();
}

export async function contactsOf(db: AnyDb, systemId: string, personId: string) {
  const rows = await db
    .selectFrom('care_contacts')
    .selectAll()
    .where('system_id', '=', systemId)
    .where('person_id', '=', personId)
    .orderBy('at', 'desc')
    .limit(50)
    .execute();
  return rows.map((r) => ({
    id: r.id as string,
    at: iso(r.at)!,
    channel: r.channel as string,
    withWhom: r.with_whom as string,
    note: r.note as string,
    byName: r.by_name as string,
  }));
}

export async function transitionPlanOf(db: AnyDb, systemId: string, personId: string) {
  const r = await db
    .selectFrom('care_transition_plans')
    .selectAll()
    .where('system_id', '=', systemId)
    .where('person_id', '=', personId)
    .executeTakeFirst();
  return r
    ? {
        id: r.id as string,
        adultServices: json<string[]>(r.adult_services),
        components: json<string[]>(r.components),
        adultServiceCodes: r.adult_service_codes == null ? null : json<string[]>(r.adult_service_codes),
        componentCodes: r.component_codes == null ? null : json<string[]>(r.component_codes),
        transferDate: (r.transfer_date as string | null) ?? null,
        adultLead: (r.adult_lead as string | null) ?? null,
        /** False for plans written as free text before plans were structured. */
        structured: r.adult_service_codes != null,
        createdByName: r.created_by_name as string,
        createdAt: iso(r.created_at)!,
      }
    : null;
}

export async function insertTransitionPlan(
  db: AnyDb,
  systemId: string,
  t: {
    id: string;
    personId: string;
    adultServices: string[];
    components: string[];
    adultServiceCodes?: string[];
    componentCodes?: string[];
    transferDate?: string;
    adultLead?: string;
    byName: string;
    at: Date;
  },
): Promise<void> {
  await db
    .insertInto('care_transition_plans')
    .values({
      id: t.id,
      system_id: systemId,
      person_id: t.personId,
      adult_services: j(t.adultServices),
      components: j(t.components),
      adult_service_codes: t.adultServiceCodes ? j(t.adultServiceCodes) : null,
      component_codes: t.componentCodes ? j(t.componentCodes) : null,
      transfer_date: t.transferDate ?? null,
      adult_lead: t.adultLead ?? null,
      created_by_name: t.byName,
      created_at: t.at,
    })
    .execute();
}

/** Every person with any care record row (assessment, team, allocation), among the visible ones. */
// biome-ignore lint/suspicious/noExplicitAny: a visiblePeople subquery
export async function carePeople(db: AnyDb, systemId: string, visible: any): Promise<string[]> {
  const rows = await sql<{ person_id: string }>`
    select distinct person_id::text as person_id from (
      select person_id from care_assessments where system_id = ${systemId}
      union select person_id from care_team_members where system_id = ${systemId} and ended_at is null
      union select person_id from care_allocations where system_id = ${systemId} and ended_at is null
    ) p where person_id::text in (${visible})`.execute(db);
  return rows.rows.map((r) => r.person_id);
}

export async function insertAppointment(
  db: AnyDb,
  systemId: string,
  a: {
    id: string;
    personId: string;
    service: string;
    date: string;
    time: string;
    place: string;
    byName: string;
    at: Date;
  },
): Promise<void> {
  await db
    .insertInto('care_appointments')
    .values({
      id: a.id,
      system_id: systemId,
      person_id: a.personId,
      service: a.service,
      on_date: a.date,
      at_time: a.time,
      place: a.place,
      status: 'booked',
      created_by_name: a.byName,
      updated_at: a.at,
    })
    .execute();
}

export async function updateAppointment(
  db: AnyDb,
  id: string,
  c: { service?: string; date?: string; time?: string; place?: string; status?: string; at: Date },
): Promise<void> {
  await db
    .updateTable('care_appointments')
    .set({
      ...(c.service !== undefined ? { service: c.service } : {}),
      ...(c.date !== undefined ? { on_date: c.date } : {}),
      ...(c.time !== undefined ? { at_time: c.time } : {}),
      ...(c.place !== undefined ? { place: c.place } : {}),
      ...(c.status !== undefined ? { status: c.status } : {}),
      updated_at: c.at,
    })
    .where('id', '=', id)
    .execute();
}

export async function insertAppointmentEvent(
  db: AnyDb,
  e: {
    id: string;
    appointmentId: string;
    kind: string;
    summary: string;
    reason: string | null;
    notifiedBy: string;
    format: string;
    byName: string;
    at: Date;
  },
): Promise<void> {
  await db
    .insertInto('care_appointment_events')
    .values({
      id: e.id,
      appointment_id: e.appointmentId,
      kind: e.kind,
      summary: e.summary,
      reason: e.reason,
      notified_by: e.notifiedBy,
      format: e.format,
      by_name: e.byName,
      at: e.at,
    })
    .execute();
}

function appointmentRow(r: Record<string, unknown>) {
  return {
    id: r.id as string,
    personId: r.person_id as string,
    service: r.service as string,
    date: r.on_date as string,
    time: r.at_time as string,
    place: r.place as string,
    status: r.status as string,
  };
}

export async function appointmentById(db: AnyDb, systemId: string, id: string) {
  const r = await db
    .selectFrom('care_appointments')
    .selectAll()
    .where('system_id', '=', systemId)
    .where('id', '=', id)
    .executeTakeFirst();
  return r ? appointmentRow(r) : null;
}

/** The person's appointments, soonest first, each with its timeline of bookings, changes and cancellations. */
export async function appointmentsOf(db: AnyDb, systemId: string, personId: string) {
  const rows = await db
    .selectFrom('care_appointments')
    .selectAll()
    .where('system_id', '=', systemId)
    .where('person_id', '=', personId)
    .orderBy('on_date')
    .orderBy('at_time')
    .limit(50)
    .execute();
  return withEvents(db, rows);
}

/** Appointments of these people on a date from `from` to `to` (inclusive), soonest first, with their timelines. */
export async function appointmentsOfPeople(
  db: AnyDb,
  systemId: string,
  personIds: readonly string[],
  from: string,
  to: string,
) {
  if (personIds.length === 0) return [];
  const rows = await db
    .selectFrom('care_appointments')
    .selectAll()
    .where('system_id', '=', systemId)
    .where('person_id', 'in', [...personIds])
    .where('on_date', '>=', from)
    .where('on_date', '<=', to)
    .orderBy('on_date')
    .orderBy('at_time')
    .limit(500)
    .execute();
  return withEvents(db, rows);
}

async function withEvents(db: AnyDb, rows: Record<string, unknown>[]) {
  const ids = rows.map((r) => r.id as string);
  const events = ids.length
    ? await db
        .selectFrom('care_appointment_events')
        .selectAll()
        .where('appointment_id', 'in', ids)
        .orderBy('at')
        .execute()
    : [];
  return rows.map((r) => ({
    ...appointmentRow(r),
    events: events
      .filter((e) => e.appointment_id === r.id)
      .map((e) => ({
        kind: e.kind as string,
        summary: e.summary as string,
        reason: (e.reason as string | null) ?? null,
        notifiedBy: e.notified_by as string,
        format: e.format as string,
        byName: e.by_name as string,
        at: iso(e.at)!,
      })),
  }));
}

// ---------------------------------------------------------------------------------------------
// For the FHIR API (interop reads through care/index.ts): ids only, nothing personal.

const RECORD_TABLES = [
  'care_assessments',
  'care_plans',
  'care_team_members',
  'care_appointments',
  'care_allocations',
] as const;

/** The people with any care record, limited to those in `visible` (a visiblePeople subquery of person ids). */
// biome-ignore lint/suspicious/noExplicitAny: a Kysely subquery of person ids
export async function peopleWithRecords(db: AnyDb, systemId: string, visible: any): Promise<string[]> {
  const ids = new Set<string>();
  for (const table of RECORD_TABLES) {
    const rows = await db
      .selectFrom(table)
      .select('person_id')
      .distinct()
      .where('system_id', '=', systemId)
      .where(sql`person_id::text`, 'in', visible)
      .execute();
    for (const r of rows) ids.add(String(r.person_id));
  }
  return [...ids].sort();
}

export type CareRecordKind = 'plan' | 'action' | 'appointment' | 'assessment';
const KIND_TABLE = {
  plan: 'care_plans',
  action: 'care_actions',
  appointment: 'care_appointments',
  assessment: 'care_assessments',
} as const;

/** Whose record a plan, action, appointment or assessment is (null when there is no such record). */
export async function personOfRecord(
  db: AnyDb,
  systemId: string,
  kind: CareRecordKind,
  id: string,
): Promise<string | null> {
  const row = await db
    .selectFrom(KIND_TABLE[kind])
    .select('person_id')
    .where('system_id', '=', systemId)
    .where(sql`id::text`, '=', id)
    .executeTakeFirst();
  return row ? String(row.person_id) : null;
}
