// Engagement on the web: the staff page (feedback with filters and paging, the add feedback form with its error
// summary, the reviewed themes) and the JSON API. Thin: the rules live in modules/engagement.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { AppDeps } from '../../app.ts';
import {
  approvedThemes,
  CHANGE_STATUSES,
  ENGAGEMENT_READERS,
  ENGAGEMENT_WRITERS,
  FeedbackImportError,
  type FeedbackRow,
  IMPORT_COLUMNS,
  importFeedbackFile,
  listFeedback,
  listThemeProposals,
  listThemes,
  proposeTheme,
  recordChange,
  recordFeedback,
  reviewTheme,
  SOURCES,
  THEME_DECISIONS,
  THEME_PROPOSERS,
  THEME_REVIEWERS,
  youSaidWeDid,
} from '../../modules/engagement/index.ts';
import { listPlaces } from '../../modules/places/index.ts';
import type { Actor } from '../../platform/auth/roles.ts';
import { DomainError, ValidationError } from '../../platform/errors.ts';
import { uploadedFile } from '../../platform/http/upload.ts';
import { writeCsv } from '../../platform/tabular.ts';
import { sendCsv } from '../downloads.ts';
import { ErrorBody } from '../api-schemas.ts';
import { errorItems, fieldErrors, pageLinks } from '../forms.ts';
import type { Navigation } from '../nav.ts';

const Opt = (max = 200) => Type.Optional(Type.String({ maxLength: max }));
const Filters = Type.Object({
  page: Type.Optional(Type.Integer({ minimum: 1, maximum: 10000 })),
  borough: Opt(20),
  theme: Opt(60),
  source: Opt(60),
  added: Opt(5),
  changed: Opt(5),
  proposed: Opt(5),
  reviewed: Opt(5),
});
const FeedbackBody = Type.Object({
  source: Opt(60),
  receivedOn: Opt(20),
  borough: Opt(20),
  themes: Type.Optional(
    Type.Union([Type.Array(Type.String({ maxLength: 60 }), { maxItems: 20 }), Type.String({ maxLength: 600 })]),
  ),
  summary: Opt(4000),
  fromGroup: Opt(400),
});
const FeedbackOut = Type.Object({
  id: Type.String(),
  source: Type.String(),
  receivedOn: Type.String(),
  borough: Type.String(),
  themes: Type.Array(Type.String()),
  summary: Type.String(),
  fromGroup: Type.String(),
  illustrative: Type.Boolean(),
});
const ChangeOut = Type.Object({
  id: Type.String(),
  status: Type.String(),
  statusText: Type.String(),
  versionNumber: Type.Union([Type.Integer(), Type.Null()]),
  componentCode: Type.Union([Type.String(), Type.Null()]),
  componentName: Type.Union([Type.String(), Type.Null()]),
  href: Type.Union([Type.String(), Type.Null()]),
  summary: Type.String(),
  illustrative: Type.Boolean(),
});
const ChangeBody = Type.Object({
  status: Opt(20),
  versionNumber: Type.Optional(
    Type.Union([Type.Integer({ minimum: 0, maximum: 999999999 }), Type.String({ maxLength: 12 })]),
  ),
  componentCode: Opt(100),
  themes: Type.Optional(
    Type.Union([Type.Array(Type.String({ maxLength: 60 }), { maxItems: 20 }), Type.String({ maxLength: 600 })]),
  ),
  summary: Opt(2000),
});
const ThemeProposalBody = Type.Object({ name: Opt(200), description: Opt(1000), why: Opt(2000) });
const ThemeReviewBody = Type.Object({ decision: Opt(20), reason: Opt(2000) });
const ThemeProposalOut = Type.Object({
  code: Type.String(),
  name: Type.String(),
  description: Type.String(),
  why: Type.String(),
  status: Type.String(),
  proposedByName: Type.Union([Type.String(), Type.Null()]),
  proposedAt: Type.Union([Type.String(), Type.Null()]),
  reviewedByName: Type.Union([Type.String(), Type.Null()]),
  reviewedAt: Type.Union([Type.String(), Type.Null()]),
  reviewReason: Type.Union([Type.String(), Type.Null()]),
  canReview: Type.Boolean(),
});
const STATUS_TEXT: Record<string, string> = {
  proposed: 'Waiting for review',
  approved: 'Approved',
  rejected: 'Rejected',
};
const feedbackOut = (f: FeedbackRow) => ({
  id: f.id,
  source: f.source,
  receivedOn: f.receivedOn,
  borough: f.borough,
  themes: f.themes,
  summary: f.summary,
  fromGroup: f.fromGroup,
  illustrative: f.illustrative,
});

export default async function engagementRoutes(
  appBase: FastifyInstance,
  { deps, navigation }: { deps: AppDeps; navigation: Navigation },
) {
  const app = appBase.withTypeProvider<TypeBoxTypeProvider>();
  const { db } = deps.database;
  const now = () => deps.clock.now();
  const READERS = [...ENGAGEMENT_READERS];
  const WRITERS = [...ENGAGEMENT_WRITERS];
  const PROPOSERS = [...THEME_PROPOSERS];
  const REVIEWERS = [...THEME_REVIEWERS];
  navigation.add({ href: '/engagement', text: 'You said, we did', roles: READERS });

  async function renderPage(actor: Actor, query: Record<string, unknown>, extra: Record<string, unknown> = {}) {
    const filters = {
      borough: String(query.borough ?? ''),
      theme: String(query.theme ?? ''),
      source: String(query.source ?? ''),
    };
    const list = await listFeedback(db, actor, { ...filters, page: Number(query.page ?? 1) });
    const places = await listPlaces(db, actor.systemId);
    const placeName = Object.fromEntries(places.map((p) => [p.code, p.name]));
    const qs = (page: number) =>
      `/engagement?${new URLSearchParams({ ...Object.fromEntries(Object.entries(filters).filter(([, v]) => v)), page: String(page) })}`;
    const values = (extra.values ?? {}) as Record<string, unknown>;
    const chosen = new Set(
      (Array.isArray(values.themes) ? values.themes : String(values.themes ?? '').split(',')).map(String),
    );
    const opts = (all: Record<string, string>, selected: string, none: string) => [
      { value: '', text: none },
      ...Object.entries(all).map(([value, text]) => ({ value, text, selected: value === selected })),
    ];
    const boroughs = Object.fromEntries(places.map((p) => [p.code, p.name]));
    const THEMES = await approvedThemes(db, actor.systemId);
    const proposalRows = await listThemeProposals(db, actor);
    const allNames = Object.fromEntries(proposalRows.map((p) => [p.code, p.name] as const));
    const proposals = proposalRows.map((p) => ({
      ...p,
      statusText: STATUS_TEXT[p.status] ?? p.status,
      proposedOn: p.proposedAt ? p.proposedAt.toISOString().slice(0, 10) : '',
    }));
    return {
      title: 'You said, we did: feedback',
      list,
      rows: list.rows.map((r) => ({
        ...r,
        sourceText: SOURCES[r.source as keyof typeof SOURCES] ?? r.source,
        boroughName: placeName[r.borough] ?? r.borough,
        themeNames: r.themes.map((t) => THEMES[t] ?? allNames[t] ?? t),
      })),
      links: pageLinks(list, qs),
      filters,
      filterBorough: opts(boroughs, filters.borough, 'All boroughs'),
      filterTheme: opts(THEMES, filters.theme, 'All themes'),
      filterSource: opts(SOURCES, filters.source, 'All sources'),
      formSource: opts(SOURCES, String(values.source ?? ''), 'Select a source'),
      formBorough: opts(boroughs, String(values.borough ?? ''), 'Select a borough'),
      formThemes: Object.entries(THEMES).map(([value, text]) => ({
        value,
        text,
        checked: chosen.has(value),
        id: `themes-${value}`,
      })),
      themes: await listThemes(db, actor),
      changeThemes: Object.entries(THEMES).map(([value, text]) => ({ value, text, id: `change-themes-${value}` })),
      changeStatus: Object.entries(CHANGE_STATUSES).map(([value, text]) => ({ value, text })),
      changed: query.changed,
      canWrite: actor.role === 'system' || WRITERS.includes(actor.role),
      canPropose: actor.role === 'system' || PROPOSERS.includes(actor.role),
      proposals,
      decisions: THEME_DECISIONS,
      values,
      ...extra,
    };
  }

  app.get('/engagement', { config: { policy: READERS }, schema: { querystring: Filters } }, async (request, reply) =>
    reply.render(
      'engagement/index.njk',
      await renderPage(request.actor as Actor, request.query, {
        added: request.query.added,
        proposed: request.query.proposed,
        reviewed: request.query.reviewed,
      }),
    ),
  );

  app.post(
    '/engagement/feedback',
    { config: { policy: WRITERS }, schema: { body: Type.Object({ ...FeedbackBody.properties, _csrf: Opt(200) }) } },
    async (request, reply) => {
      const actor = request.actor as Actor;
      const { _csrf, ...input } = request.body;
      try {
        await recordFeedback(db, actor, input, now());
        return reply.redirect('/engagement?added=1', 303);
      } catch (e) {
        if (!(e instanceof ValidationError)) throw e;
        reply.status(400);
        const first = Object.keys(await approvedThemes(db, actor.systemId))[0];
        const errors = errorItems(e, (f) => (f === 'themes' ? `themes-${first}` : f));
        return reply.render(
          'engagement/index.njk',
          await renderPage(actor, {}, { values: input, errors, fieldErrors: fieldErrors(errorItems(e)) }),
        );
      }
    },
  );

  app.post(
    '/engagement/changes',
    { config: { policy: WRITERS }, schema: { body: Type.Object({ ...ChangeBody.properties, _csrf: Opt(200) }) } },
    async (request, reply) => {
      const actor = request.actor as Actor;
      const { _csrf, ...input } = request.body;
      try {
        await recordChange(db, actor, input, now());
        return reply.redirect('/engagement?changed=1', 303);
      } catch (e) {
        if (!(e instanceof ValidationError)) throw e;
        reply.status(400);
        const first = Object.keys(await approvedThemes(db, actor.systemId))[0];
        const errors = errorItems(e, (f) => (f === 'themes' ? `change-themes-${first}` : `change-${f}`));
        return reply.render(
          'engagement/index.njk',
          await renderPage(actor, {}, { change: input, errors, changeErrors: fieldErrors(errorItems(e)) }),
        );
      }
    },
  );

  app.post(
    '/engagement/themes',
    {
      config: { policy: PROPOSERS },
      schema: { body: Type.Object({ ...ThemeProposalBody.properties, _csrf: Opt(200) }) },
    },
    async (request, reply) => {
      const actor = request.actor as Actor;
      const { _csrf, ...input } = request.body;
      try {
        await proposeTheme(db, actor, input, now());
        return reply.redirect('/engagement?proposed=1#themes-proposed', 303);
      } catch (e) {
        if (!(e instanceof ValidationError)) throw e;
        reply.status(400);
        const errors = errorItems(e, (f) => `theme-${f}`);
        return reply.render(
          'engagement/index.njk',
          await renderPage(actor, {}, { proposal: input, errors, proposalErrors: fieldErrors(errorItems(e)) }),
        );
      }
    },
  );

  app.post(
    '/engagement/themes/:code/review',
    {
      config: { policy: REVIEWERS },
      schema: {
        params: Type.Object({ code: Type.String({ maxLength: 60 }) }),
        body: Type.Object({ ...ThemeReviewBody.properties, _csrf: Opt(200) }),
      },
    },
    async (request, reply) => {
      const actor = request.actor as Actor;
      const { _csrf, ...input } = request.body;
      const { code } = request.params;
      try {
        await reviewTheme(db, actor, code, input, now());
        return reply.redirect('/engagement?reviewed=1#themes-proposed', 303);
      } catch (e) {
        if (!(e instanceof ValidationError)) throw e;
        reply.status(400);
        const errors = errorItems(e, (f) => (f === 'decision' ? `review-${code}-decision` : `review-${code}-${f}`));
        return reply.render(
          'engagement/index.njk',
          await renderPage(actor, {}, { review: { code, ...input }, errors, reviewErrors: fieldErrors(errorItems(e)) }),
        );
      }
    },
  );

  app.get('/engagement/template.csv', { config: { policy: READERS } }, async (_request, reply) =>
    sendCsv(
      reply,
      'feedback-template.csv',
      writeCsv([
        [...IMPORT_COLUMNS],
        [
          'survey',
          '2022-01-31',
          'E09000007',
          'not-digital-only;access-and-waiting',
          'Older residents answering the survey',
          'Keep a phone line for booking.',
        ],
      ]),
    ),
  );

  app.post('/engagement/import', { config: { policy: WRITERS } }, async (request, reply) => {
    const actor = request.actor as Actor;
    const fail = async (errors: { text: string; href: string }[], problems: unknown[] = []) => {
      reply.status(400);
      return reply.render(
        'engagement/index.njk',
        await renderPage(actor, {}, { errors, problems, fieldErrors: fieldErrors(errors) }),
      );
    };
    let file: { fileName: string; bytes: Buffer };
    try {
      file = await uploadedFile(request.body, 'file');
    } catch (e) {
      if (e instanceof DomainError) return fail([{ text: e.fields[0]?.message ?? e.message, href: '#file' }]);
      throw e;
    }
    try {
      const r = await importFeedbackFile(db, actor, file, now());
      return reply.render('engagement/index.njk', await renderPage(actor, {}, { imported: r.imported }));
    } catch (e) {
      if (e instanceof FeedbackImportError)
        return fail([{ text: `${file.fileName}: ${e.message}`, href: '#problems' }], e.problems);
      throw e;
    }
  });

  app.get('/you-said-we-did', { config: { policy: 'public' } }, async (_request, reply) =>
    reply.render('engagement/you-said-we-did.njk', {
      title: 'You said, we did',
      themes: await youSaidWeDid(db, deps.config.defaultSystem),
    }),
  );

  // API -------------------------------------------------------------------------------------------------------
  const tags = ['engagement'];
  app.get(
    '/api/engagement/feedback',
    {
      config: { policy: READERS },
      schema: {
        tags,
        summary: 'Feedback from residents, newest first, by group only (paged, filtered, audited)',
        querystring: Filters,
        response: {
          200: Type.Object({
            total: Type.Integer(),
            page: Type.Integer(),
            pageSize: Type.Integer(),
            feedback: Type.Array(FeedbackOut),
          }),
        },
      },
    },
    async (request) => {
      const r = await listFeedback(db, request.actor as Actor, request.query);
      return { total: r.total, page: r.page, pageSize: r.pageSize, feedback: r.rows.map(feedbackOut) };
    },
  );
  app.post(
    '/api/engagement/feedback',
    {
      config: { policy: WRITERS },
      schema: {
        tags,
        summary: 'Record feedback from residents',
        description:
          `source is one of ${Object.keys(SOURCES).join(', ')}; receivedOn a date (YYYY-MM-DD, not in the future); ` +
          'borough a GSS code; themes codes from GET /api/engagement/themes. summary and fromGroup are refused when ' +
          'they look like personal data (an email address, phone number, NHS number or postcode).',
        body: FeedbackBody,
        response: { 201: Type.Object({ id: Type.String() }), 400: ErrorBody },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await recordFeedback(db, request.actor as Actor, request.body, now())),
  );
  app.get(
    '/api/engagement/themes',
    {
      config: { policy: READERS },
      schema: {
        tags,
        summary:
          'The reviewed themes, each with its feedback count, the offer changes that answered it and what is still open',
        response: {
          200: Type.Object({
            themes: Type.Array(
              Type.Object({
                code: Type.String(),
                name: Type.String(),
                feedbackCount: Type.Integer(),
                changes: Type.Array(ChangeOut),
                open: Type.Array(ChangeOut),
              }),
            ),
          }),
        },
      },
    },
    async (request) => ({ themes: await listThemes(db, request.actor as Actor) }),
  );
  const proposalOut = (p: Awaited<ReturnType<typeof listThemeProposals>>[number]) => ({
    code: p.code,
    name: p.name,
    description: p.description,
    why: p.why,
    status: p.status,
    proposedByName: p.proposedByName,
    proposedAt: p.proposedAt ? p.proposedAt.toISOString() : null,
    reviewedByName: p.reviewedByName,
    reviewedAt: p.reviewedAt ? p.reviewedAt.toISOString() : null,
    reviewReason: p.reviewReason,
    canReview: p.canReview,
  });
  app.get(
    '/api/engagement/theme-proposals',
    {
      config: { policy: READERS },
      schema: {
        tags,
        summary: 'Themes proposed for the reviewed list: waiting for review, approved or rejected (audited)',
        response: { 200: Type.Object({ proposals: Type.Array(ThemeProposalOut) }) },
      },
    },
    async (request) => ({ proposals: (await listThemeProposals(db, request.actor as Actor)).map(proposalOut) }),
  );
  app.post(
    '/api/engagement/themes',
    {
      config: { policy: PROPOSERS },
      schema: {
        tags,
        summary: 'Propose a new theme (commissioner or analyst); it cannot be cited until a commissioner approves it',
        description:
          'name (at most 80 characters; the code is made from it, like carers-needs), description (what it ' +
          'covers, at most 500) and why (the reason it is needed, at most 1000). A name whose code is taken is refused.',
        body: ThemeProposalBody,
        response: { 201: Type.Object({ code: Type.String(), status: Type.String() }), 400: ErrorBody },
      },
    },
    async (request, reply) => {
      const r = await proposeTheme(db, request.actor as Actor, request.body, now());
      return reply.status(201).send({ code: r.code, status: 'proposed' });
    },
  );
  app.post(
    '/api/engagement/themes/:code/review',
    {
      config: { policy: REVIEWERS },
      schema: {
        tags,
        summary: 'Approve or reject a proposed theme, with a reason (a commissioner who did not propose it)',
        description:
          'decision is approve or reject; reason is required. 403 when you proposed the theme yourself, 404 for ' +
          'no such proposal, 409 when it was already decided.',
        params: Type.Object({ code: Type.String({ maxLength: 60 }) }),
        body: ThemeReviewBody,
        response: {
          200: Type.Object({ code: Type.String(), status: Type.String() }),
          400: ErrorBody,
          403: ErrorBody,
          404: ErrorBody,
          409: ErrorBody,
        },
      },
    },
    async (request) => reviewTheme(db, request.actor as Actor, request.params.code, request.body, now()),
  );
  app.post(
    '/api/engagement/changes',
    {
      config: { policy: WRITERS },
      schema: {
        tags,
        summary: 'Record an offer change that answers feedback themes (or work still in progress)',
        description:
          'status is made (then versionNumber and componentCode name a component of that offer version) or ' +
          'in-progress (what is still being worked on; a component is optional). themes are codes from ' +
          'GET /api/engagement/themes; summary is plain English for residents.',
        body: ChangeBody,
        response: { 201: Type.Object({ id: Type.String() }), 400: ErrorBody },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await recordChange(db, request.actor as Actor, request.body, now())),
  );
}
