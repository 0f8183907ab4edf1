// Engagement: commands and queries. A commissioner records feedback; commissioners and analysts read it.
// Feedback names only the group it came from; text that looks like personal data is refused. Every call takes
// an actor and audits in the same transaction.
import { audit } from '../../platform/audit/audit.ts';
import { type Actor, type Role, systemActor } from '../../platform/auth/roles.ts';
import { type AnyDb, inTransaction } from '../../platform/db/database.ts';
import { DomainError, ValidationError } from '../../platform/errors.ts';
import { londonToday } from '../../platform/london-time.ts';
import { listPlaces } from '../places/index.ts';
import { THEMES, validateFeedback } from './engagement.ts';
import * as repo from './engagement.repository.ts';

export const ENGAGEMENT_WRITERS: readonly Role[] = ['commissioner'];
export const ENGAGEMENT_READERS: readonly Role[] = ['commissioner', 'analyst'];
export const FEEDBACK_PAGE_SIZE = 20;

function requireRole(actor: Actor, roles: readonly Role[]): void {
  if (actor.role === 'system') return;
  if (!roles.includes(actor.role))
    throw new DomainError(403, 'forbidden', 'Your role does not give you access to this');
}

/** Records one piece of feedback (refused whole, one message per field, when anything is wrong). */
export async function recordFeedback(
  db: AnyDb,
  actor: Actor,
  input: Record<string, unknown>,
  now: Date,
  { illustrative = false } = {},
): Promise<{ id: string }> {
  requireRole(actor, ENGAGEMENT_WRITERS);
  const places = await listPlaces(db, actor.systemId);
  const checked = validateFeedback(input, { boroughs: places.map((p) => p.code), today: londonToday(now) });
  if (!checked.ok) throw new ValidationError(checked.errors);
  return inTransaction(db, async (tx) => {
    const id = await repo.insertFeedback(tx, actor.systemId, {
      ...checked.value,
      illustrative,
      recordedBy: actor.name,
      recordedAt: now,
    });
    await audit(tx, actor, {
      action: 'engagement.feedback-recorded',
      recordType: 'eng-feedback',
      recordId: id,
      detail: { source: checked.value.source, borough: checked.value.borough, themes: checked.value.themes },
    });
    return { id };
  });
}

/** Feedback, newest first, filtered and paged; the read is audited. */
export async function listFeedback(
  db: AnyDb,
  actor: Actor,
  filters: repo.FeedbackFilters & { page?: number },
): Promise<{ rows: repo.FeedbackRow[]; total: number; page: number; pageSize: number }> {
  requireRole(actor, ENGAGEMENT_READERS);
  const page = Math.max(1, filters.page ?? 1);
  const f = {
    borough: filters.borough || undefined,
    theme: filters.theme || undefined,
    source: filters.source || undefined,
  };
  return inTransaction(db, async (tx) => {
    const r = await repo.listFeedback(tx, actor.systemId, f, page, FEEDBACK_PAGE_SIZE);
    await audit(tx, actor, { action: 'engagement.feedback-read', recordType: 'eng-feedback', detail: { ...f, page } });
    return { ...r, page, pageSize: FEEDBACK_PAGE_SIZE };
  });
}

/** The reviewed themes with how much feedback each holds. */
export async function listThemes(
  db: AnyDb,
  actor: Actor,
): Promise<{ code: string; name: string; feedbackCount: number }[]> {
  requireRole(actor, ENGAGEMENT_READERS);
  const counts = await repo.themeCounts(db, actor.systemId);
  return Object.entries(THEMES).map(([code, name]) => ({ code, name, feedbackCount: counts[code] ?? 0 }));
}

const DEMO_FEEDBACK: [string, string, string, string, string, string][] = [
  // [source, date, borough, themes, group, summary] — illustrative, in our own words, after seed document 002.
  [
    'survey',
    '2021-06-14',
    'E09000003',
    'access-and-waiting',
    'Parents of children waiting for therapy',
    'We waited months for a first appointment and nobody told us how long it would be.',
  ],
  [
    'borough-meeting',
    '2021-07-02',
    'E09000019',
    'interpreting-and-bsl',
    'Deaf residents at a borough meeting',
    'Book a BSL interpreter for every appointment without us having to ask each time.',
  ],
  [
    'focused-group',
    '2021-07-20',
    'E09000003',
    'dementia-friendly',
    'Carers of people living with dementia',
    'Clinics are confusing and loud; staff need to know how to help someone with dementia.',
  ],
  [
    'reference-group',
    '2021-08-05',
    'E09000007',
    'fewer-hand-offs',
    'Resident reference group members',
    'I told my story to five different teams. Share it so I only tell it once.',
  ],
  [
    'healthwatch',
    '2021-08-18',
    'E09000019',
    'appointment-communication',
    'Healthwatch Islington participants',
    'Appointments were cancelled by letter after the date had passed.',
  ],
  [
    'survey',
    '2021-09-01',
    'E09000010',
    'not-digital-only',
    'Older residents answering the survey',
    'Video calls are fine for some, but keep phone and face-to-face options.',
  ],
  [
    'borough-meeting',
    '2021-09-15',
    'E09000014',
    'personalised-care',
    'Residents at a Haringey community meeting',
    'Plan my care around my life, and ask me before decisions are made.',
  ],
  [
    'focused-group',
    '2021-10-04',
    'E09000007',
    'transition',
    'Parents of children with special educational needs',
    'Planning for adult services started far too late, just before our son turned 18.',
  ],
  [
    'borough-meeting',
    '2021-10-21',
    'E09000014',
    'cultural-competence',
    'Members of local community organisations',
    'Services should employ people from our communities who understand our cultures.',
  ],
  [
    'survey',
    '2021-11-08',
    'E09000010',
    'access-and-waiting;not-digital-only',
    'Working-age adults answering the survey',
    'Let me refer myself by phone instead of waiting for my GP to do it.',
  ],
];

/** Illustrative demo feedback, one or more per borough, for each starting theme. */
export async function seedEngagement(db: AnyDb, systemId: string, now: Date): Promise<{ feedback: number }> {
  const actor = systemActor(systemId);
  for (const [source, receivedOn, borough, themes, fromGroup, summary] of DEMO_FEEDBACK) {
    await recordFeedback(db, actor, { source, receivedOn, borough, themes, fromGroup, summary }, now, {
      illustrative: true,
    });
  }
  return { feedback: DEMO_FEEDBACK.length };
}
