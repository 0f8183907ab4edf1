// Engagement: commands and queries. A commissioner records feedback; commissioners and analysts read it.
// Feedback names only the group it came from; text that looks like personal data is refused. Every call takes
// an actor and audits in the same transaction.
import { audit } from '../../platform/audit/audit.ts';
import { type Actor, type Role, systemActor } from '../../platform/auth/roles.ts';
import { type AnyDb, inTransaction } from '../../platform/db/database.ts';
import { ConflictError, DomainError, NotFoundError, ValidationError } from '../../platform/errors.ts';
import { londonToday } from '../../platform/london-time.ts';
import { checkHeaders, detectFormat, readTabular, TabularFileError } from '../../platform/tabular.ts';
import { getPublishedOffer, getVersionComponent } from '../offer/index.ts';
import { listPlaces } from '../places/index.ts';
import {
  CHANGE_STATUSES,
  type FeedbackInput,
  SOURCES,
  validateChange,
  validateFeedback,
  validateThemeProposal,
  validateThemeReview,
} from './engagement.ts';
import * as repo from './engagement.repository.ts';

export const ENGAGEMENT_WRITERS: readonly Role[] = ['commissioner'];
export const ENGAGEMENT_READERS: readonly Role[] = ['commissioner', 'analyst'];
export const FEEDBACK_PAGE_SIZE = 20;
/** Who may propose a new theme; only a commissioner (not the proposer) may approve or reject it. */
export const THEME_PROPOSERS: readonly Role[] = ['commissioner', 'analyst'];
export const THEME_REVIEWERS: readonly Role[] = ['commissioner'];

/** The approved themes, code to name, in the order they were added: the only ones feedback and changes cite. */
export async function approvedThemes(db: AnyDb, systemId: string): Promise<Record<string, string>> {
  const rows = await repo.listThemeRows(db, systemId);
  return Object.fromEntries(rows.filter((r) => r.status === 'approved').map((r) => [r.code, r.name]));
}

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
  const checked = validateFeedback(input, {
    boroughs: places.map((p) => p.code),
    today: londonToday(now),
    themes: await approvedThemes(db, actor.systemId),
  });
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

/** The columns of a survey export, in order (the template's header). */
export const IMPORT_COLUMNS = ['source', 'date', 'borough', 'themes', 'group', 'summary'] as const;
const COLUMN_OF: Record<string, string> = {
  source: 'source',
  receivedOn: 'date',
  borough: 'borough',
  themes: 'themes',
  fromGroup: 'group',
  summary: 'summary',
};
export type ImportProblem = { row: number; column: string; message: string };
export class FeedbackImportError extends DomainError {
  readonly problems: ImportProblem[];
  constructor(problems: ImportProblem[]) {
    super(
      400,
      'import_refused',
      `The file was not imported: ${problems.length} problem${problems.length === 1 ? '' : 's'}. Nothing was saved.`,
    );
    this.problems = problems;
  }
}

/**
 * Imports a survey's CSV or XLSX export all-or-nothing: every problem is reported with its sheet row and
 * column, and nothing is saved unless every row is right.
 */
export async function importFeedbackFile(
  db: AnyDb,
  actor: Actor,
  file: { fileName: string; bytes: Buffer },
  now: Date,
): Promise<{ imported: number }> {
  requireRole(actor, ENGAGEMENT_WRITERS);
  let table: Awaited<ReturnType<typeof readTabular>>;
  try {
    table = await readTabular(file.bytes, detectFormat(file.fileName, file.bytes));
  } catch (e) {
    if (e instanceof TabularFileError) throw new FeedbackImportError([{ row: 1, column: '', message: e.message }]);
    throw e;
  }
  const header = checkHeaders(table.headers, IMPORT_COLUMNS);
  if (header.length) throw new FeedbackImportError(header.map((message) => ({ row: 1, column: '', message })));
  if (!table.rows.length)
    throw new FeedbackImportError([{ row: 2, column: '', message: 'The file has a header but no rows' }]);
  const places = await listPlaces(db, actor.systemId);
  const ctx = {
    boroughs: places.map((p) => p.code),
    today: londonToday(now),
    themes: await approvedThemes(db, actor.systemId),
  };
  const problems: ImportProblem[] = [];
  const values: FeedbackInput[] = [];
  for (const r of table.rows) {
    const c = r.cells;
    const checked = validateFeedback(
      {
        source: c.source,
        receivedOn: c.date,
        borough: c.borough,
        themes: c.themes,
        fromGroup: c.group,
        summary: c.summary,
      },
      ctx,
    );
    if (checked.ok) values.push(checked.value);
    else
      for (const e of checked.errors)
        problems.push({ row: r.rowNumber, column: COLUMN_OF[e.field] ?? e.field, message: e.message });
  }
  if (problems.length) throw new FeedbackImportError(problems);
  return inTransaction(db, async (tx) => {
    for (const v of values)
      await repo.insertFeedback(tx, actor.systemId, {
        ...v,
        illustrative: false,
        recordedBy: actor.name,
        recordedAt: now,
      });
    await audit(tx, actor, {
      action: 'engagement.feedback-imported',
      recordType: 'eng-feedback',
      detail: { fileName: file.fileName, rows: values.length },
    });
    return { imported: values.length };
  });
}

/**
 * Records an offer change that answers feedback themes. A change made cites a component of an offer version,
 * checked through the offer module; work still in progress may name no component.
 */
export async function recordChange(
  db: AnyDb,
  actor: Actor,
  input: Record<string, unknown>,
  now: Date,
  { illustrative = false } = {},
): Promise<{ id: string }> {
  requireRole(actor, ENGAGEMENT_WRITERS);
  const checked = validateChange(input, { themes: await approvedThemes(db, actor.systemId) });
  if (!checked.ok) throw new ValidationError(checked.errors);
  const c = checked.value;
  if (c.componentCode) {
    try {
      await getVersionComponent(db, actor, String(c.versionNumber ?? ''), c.componentCode);
    } catch (e) {
      if (!(e instanceof NotFoundError)) throw e;
      throw new ValidationError([
        {
          field: 'componentCode',
          message: `Offer version ${c.versionNumber ?? '(none)'} has no component ${c.componentCode}`,
        },
      ]);
    }
  }
  return inTransaction(db, async (tx) => {
    const id = await repo.insertChange(tx, actor.systemId, {
      ...c,
      illustrative,
      recordedBy: actor.name,
      recordedAt: now,
    });
    await audit(tx, actor, {
      action: 'engagement.change-recorded',
      recordType: 'eng-change',
      recordId: id,
      detail: { ...c },
    });
    return { id };
  });
}

export type ThemeChange = {
  id: string;
  status: string;
  statusText: string;
  versionNumber: number | null;
  componentCode: string | null;
  componentName: string | null;
  /** The component's public page, when it is in the published offer. */
  href: string | null;
  summary: string;
  illustrative: boolean;
};
export type ThemeTrace = {
  code: string;
  name: string;
  feedbackCount: number;
  changes: ThemeChange[];
  open: ThemeChange[];
};

async function traces(db: AnyDb, systemId: string): Promise<ThemeTrace[]> {
  const counts = await repo.themeCounts(db, systemId);
  const changes = await repo.listChanges(db, systemId);
  const offer = await getPublishedOffer(db, systemId);
  const names = new Map((offer?.components ?? []).map((c) => [c.code, c.name]));
  const view = (c: repo.ChangeRow): ThemeChange => ({
    id: c.id,
    status: c.status,
    statusText: CHANGE_STATUSES[c.status],
    versionNumber: c.versionNumber,
    componentCode: c.componentCode,
    componentName: c.componentCode ? (names.get(c.componentCode) ?? c.componentCode) : null,
    href: c.componentCode && names.has(c.componentCode) ? `/offer/components/${c.componentCode}` : null,
    summary: c.summary,
    illustrative: c.illustrative,
  });
  const themes = await approvedThemes(db, systemId);
  return Object.entries(themes).map(([code, name]) => {
    const mine = changes.filter((c) => c.themes.includes(code as never)).map(view);
    return {
      code,
      name,
      feedbackCount: counts[code] ?? 0,
      changes: mine.filter((c) => c.status === 'made'),
      open: mine.filter((c) => c.status === 'in-progress'),
    };
  });
}

/** The reviewed themes, each with how much feedback it holds, every change that answered it and what is open. */
export async function listThemes(db: AnyDb, actor: Actor): Promise<ThemeTrace[]> {
  requireRole(actor, ENGAGEMENT_READERS);
  return traces(db, actor.systemId);
}

/**
 * "You said, we did" for residents: public, so no actor. Per theme, what residents told us (a few recent
 * quotes, by group and borough only), what changed in the offer and what is still being worked on.
 */
export async function youSaidWeDid(db: AnyDb, systemId: string) {
  const themes = await traces(db, systemId);
  const quotes = await repo.latestByTheme(db, systemId, 3);
  const places = new Map((await listPlaces(db, systemId)).map((p) => [p.code, p.name]));
  return themes
    .map((t) => ({
      ...t,
      said: quotes
        .filter((q) => q.theme === t.code)
        .map((q) => ({
          summary: q.summary,
          fromGroup: q.fromGroup,
          borough: places.get(q.borough) ?? q.borough,
          source: SOURCES[q.source as keyof typeof SOURCES] ?? q.source,
          illustrative: q.illustrative,
        })),
    }))
    .filter((t) => t.said.length || t.changes.length || t.open.length);
}

export type ThemeProposalView = Omit<repo.ThemeRow, 'id' | 'systemId' | 'proposedBy'> & {
  /** Whether this actor may approve or reject it (a commissioner who did not propose it, while it waits). */
  canReview: boolean;
};

/** Themes proposed in this system (waiting, approved and rejected), newest last; the read is audited. */
export async function listThemeProposals(db: AnyDb, actor: Actor): Promise<ThemeProposalView[]> {
  requireRole(actor, ENGAGEMENT_READERS);
  return inTransaction(db, async (tx) => {
    const rows = (await repo.listThemeRows(tx, actor.systemId)).filter((r) => r.systemId !== null);
    await audit(tx, actor, { action: 'engagement.theme-proposals-read', recordType: 'eng-theme' });
    return rows.map(({ id: _id, systemId: _s, proposedBy, ...r }) => ({
      ...r,
      canReview:
        r.status === 'proposed' &&
        (actor.role === 'system' || THEME_REVIEWERS.includes(actor.role)) &&
        proposedBy !== actor.id,
    }));
  });
}

/** Proposes a new theme (refused, one message per field, when anything is wrong or the name is taken). */
export async function proposeTheme(
  db: AnyDb,
  actor: Actor,
  input: Record<string, unknown>,
  now: Date,
): Promise<{ code: string }> {
  requireRole(actor, THEME_PROPOSERS);
  const checked = validateThemeProposal(input);
  if (!checked.ok) throw new ValidationError(checked.errors);
  const t = checked.value;
  const nameTaken = (detail: string) =>
    new ValidationError([
      { field: 'name', message: `A theme with this name already exists${detail}: choose another name` },
    ]);
  try {
    return await inTransaction(db, async (tx) => {
      const existing = (await repo.listThemeRows(tx, actor.systemId)).find((r) => r.code === t.code);
      if (existing) throw nameTaken(` (${existing.name}, ${existing.status})`);
      const id = await repo.insertThemeProposal(tx, actor.systemId, {
        ...t,
        by: actor.id,
        byName: actor.name,
        at: now,
      });
      await audit(tx, actor, {
        action: 'engagement.theme-proposed',
        recordType: 'eng-theme',
        recordId: id,
        detail: { code: t.code, name: t.name },
      });
      return { code: t.code };
    });
  } catch (error) {
    // Two people proposing the same new name at once: the unique index stops the second, who is told so
    // like anyone else whose name is taken (not a 500).
    if ((error as { code?: string }).code === '23505') throw nameTaken('');
    throw error;
  }
}

/**
 * A commissioner approves or rejects a waiting proposal, with a reason. The proposer cannot review their own
 * proposal; a proposal already decided cannot be decided again.
 */
export async function reviewTheme(
  db: AnyDb,
  actor: Actor,
  code: string,
  input: Record<string, unknown>,
  now: Date,
): Promise<{ code: string; status: 'approved' | 'rejected' }> {
  requireRole(actor, THEME_REVIEWERS);
  const checked = validateThemeReview(input);
  if (!checked.ok) throw new ValidationError(checked.errors);
  const status = checked.value.decision === 'approve' ? 'approved' : 'rejected';
  return inTransaction(db, async (tx) => {
    const theme = (await repo.listThemeRows(tx, actor.systemId)).find((r) => r.code === code && r.systemId !== null);
    if (!theme) throw new NotFoundError('Proposed theme');
    if (theme.proposedBy === actor.id)
      throw new DomainError(403, 'own_proposal', 'Another commissioner must review a theme you proposed');
    if (
      !(await repo.decideTheme(tx, actor.systemId, code, {
        status,
        by: actor.id,
        byName: actor.name,
        at: now,
        reason: checked.value.reason,
      }))
    )
      throw new ConflictError(`The theme ${theme.name} was already ${theme.status}`, 'already_reviewed');
    await audit(tx, actor, {
      action: `engagement.theme-${status}`,
      recordType: 'eng-theme',
      recordId: theme.id,
      detail: { code, reason: checked.value.reason },
    });
    return { code, status };
  });
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

const DEMO_CHANGES: [string, number | null, string | null, string, string][] = [
  // [status, version, component, themes, what changed] — illustrative wording; the changes are those seed
  // document 002 says the core offer made in answer to the feedback.
  [
    'made',
    1,
    'central-point-of-access',
    'access-and-waiting;fewer-hand-offs',
    'One central point of access for referrals, so you are directed to the right NHS, council or voluntary service first time.',
  ],
  [
    'made',
    1,
    'nhs-talking-therapies',
    'access-and-waiting;not-digital-only',
    'More services you can refer yourself to, by phone or online, without waiting for a GP referral.',
  ],
  [
    'made',
    1,
    'trusted-holistic-assessment',
    'fewer-hand-offs',
    'One assessment shared by the teams who care for you, so you tell your story once.',
  ],
  [
    'made',
    1,
    'care-coordination-and-case-management',
    'personalised-care;appointment-communication',
    'A named case manager or care coordinator who plans care with you and helps you keep track of appointments.',
  ],
  [
    'made',
    1,
    'young-adult-transition-service',
    'transition',
    'Planning for adult services starts earlier, with services for young people aged 18 to 25.',
  ],
  [
    'made',
    1,
    'memory-assessment-and-dementia-support',
    'dementia-friendly',
    'Every borough offers memory assessment and support after a diagnosis of dementia.',
  ],
  [
    'in-progress',
    1,
    'camhs-community',
    'access-and-waiting',
    'Response times are set, but there is still a backlog of children and young people waiting, especially for mental health services.',
  ],
  [
    'in-progress',
    null,
    null,
    'cultural-competence;not-digital-only;dementia-friendly',
    'Providers are still working with local communities on culturally competent services, the mix of digital and face-to-face care, and a dementia friendly approach.',
  ],
  [
    'in-progress',
    null,
    null,
    'interpreting-and-bsl',
    'Making interpreting, including British Sign Language, easy to book across all services is still being worked on.',
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
  for (const [status, versionNumber, componentCode, themes, summary] of DEMO_CHANGES) {
    await recordChange(db, actor, { status, versionNumber, componentCode, themes, summary }, now, {
      illustrative: true,
    });
  }
  return { feedback: DEMO_FEEDBACK.length };
}
