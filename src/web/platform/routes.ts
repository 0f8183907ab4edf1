// Pages and JSON routes the platform itself serves: home, sign-in and out, staff home, administration
// (audit log, API tokens), the API description and the health check.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { AppDeps } from '../../app.ts';
import { auditActions, searchAudit } from '../../platform/audit/audit.ts';
import {
  checkPassword,
  endSession,
  issueToken,
  listTokens,
  revokeToken,
  startSession,
} from '../../platform/auth/identity.ts';
import { isRole, ROLE_LABELS, ROLES } from '../../platform/auth/roles.ts';
import { isReachable } from '../../platform/db/database.ts';
import { cookieName } from '../../platform/http/security.plugin.ts';
import { textProblem } from '../../platform/http/input.plugin.ts';
import { toCsv } from '../../platform/csv.ts';
import { outboxBacklog } from '../../platform/outbox.ts';
import type { Navigation } from '../nav.ts';

const STAFF = ROLES;

/** Only same-site paths are followed after sign-in, so a crafted link cannot send people elsewhere. */
/** Characters beyond printable ASCII are percent-encoded, since a Location header carries only Latin-1. */
export function safeNext(next: unknown): string {
  if (typeof next !== 'string' || !/^\/(?!\/)[^\s\\]*$/.test(next) || next.startsWith('/sign-')) return '/staff';
  if (textProblem(next)) return '/staff';
  return next.replace(/[^\u0021-\u007E]/gu, (c) => encodeURIComponent(c));
}

const ErrorBody = Type.Object({
  error: Type.Object({ status: Type.Integer(), code: Type.String(), message: Type.String() }),
  requestId: Type.String(),
});

export default async function platformRoutes(
  appBase: FastifyInstance,
  { deps, navigation }: { deps: AppDeps; navigation: Navigation },
) {
  const app = appBase.withTypeProvider<TypeBoxTypeProvider>();
  const { db } = deps.database;
  const { config } = deps;
  const sessionCookie = cookieName('session', config.secureCookies);
  const sessionPolicy = { idleMinutes: config.sessionIdleMinutes, maxHours: config.sessionMaxHours };

  navigation.add({ href: '/staff', text: 'Staff home', roles: 'staff' });
  navigation.add({ href: '/admin/audit', text: 'Audit log', roles: ['admin'] });
  navigation.add({ href: '/admin/tokens', text: 'API tokens', roles: ['admin'] });

  app.get('/', { config: { policy: 'public' } }, async (_request, reply) =>
    reply.render('platform/home.njk', { title: 'Home' }),
  );

  app.get('/accessibility', { config: { policy: 'public' } }, async (_request, reply) =>
    reply.render('platform/accessibility.njk', { title: 'Accessibility statement' }),
  );

  // The health check, with the outbox backlog gauge (issue 18): messages waiting and the oldest one's age, so
  // monitoring sees delivery falling behind intake before people notice missing letters and texts.
  const Backlog = Type.Object({
    waiting: Type.Integer({ description: 'Messages not yet delivered' }),
    oldestWaitingSeconds: Type.Integer({ description: 'Age of the oldest undelivered message (0 when none)' }),
  });
  app.get(
    '/healthz',
    {
      config: { policy: 'public' },
      schema: {
        response: {
          200: Type.Object({
            status: Type.Literal('ok'),
            database: Type.Literal('reachable'),
            engine: Type.String(),
            outbox: Backlog,
          }),
          503: Type.Object({
            status: Type.Literal('unavailable'),
            database: Type.Literal('unreachable'),
            engine: Type.String(),
          }),
        },
      },
    },
    async (_request, reply) => {
      const ok = await isReachable(db);
      return ok
        ? reply.send({
            status: 'ok' as const,
            database: 'reachable' as const,
            engine: deps.database.engine,
            outbox: await outboxBacklog(db, deps.clock.now()),
          })
        : reply
            .status(503)
            .send({ status: 'unavailable' as const, database: 'unreachable' as const, engine: deps.database.engine });
    },
  );

  // The same check for people: the footer's "Service status" link.
  app.get('/status', { config: { policy: 'public' } }, async (_request, reply) => {
    const ok = await isReachable(db);
    if (!ok) reply.status(503);
    return reply.render('platform/status.njk', { title: 'Service status', ok, checkedAt: deps.clock.now() });
  });

  // Sign-in -----------------------------------------------------------------------------------------
  app.get(
    '/sign-in',
    { config: { policy: 'public' }, schema: { querystring: Type.Object({ next: Type.Optional(Type.String()) }) } },
    async (request, reply) => {
      if (request.actor) return reply.redirect(safeNext(request.query.next), 303);
      return reply.render('platform/sign-in.njk', {
        title: 'Sign in',
        next: request.query.next ?? '',
        values: {},
        oidcLabel: config.oidc?.label ?? null,
      });
    },
  );

  app.post(
    '/sign-in',
    {
      config: { policy: 'public', rateLimit: { max: config.signInRateLimit, timeWindow: '1 minute' } },
      schema: {
        body: Type.Object({
          username: Type.Optional(Type.String({ maxLength: 200 })),
          password: Type.Optional(Type.String({ maxLength: 500 })),
          next: Type.Optional(Type.String({ maxLength: 2000 })),
          _csrf: Type.Optional(Type.String()),
        }),
      },
    },
    async (request, reply) => {
      const { username = '', password = '', next = '' } = request.body;
      const errors: { text: string; href: string }[] = [];
      if (!username.trim()) errors.push({ text: 'Enter your username', href: '#username' });
      if (!password) errors.push({ text: 'Enter your password', href: '#password' });
      const user = errors.length ? null : await checkPassword(db, username, password);
      if (!user) {
        if (!errors.length) errors.push({ text: 'Enter a correct username and password', href: '#username' });
        reply.status(errors.length && !username.trim() ? 400 : 401);
        return reply.render('platform/sign-in.njk', {
          title: 'Sign in',
          errors,
          next,
          values: { username },
          oidcLabel: config.oidc?.label ?? null,
        });
      }
      const session = await startSession(db, user, sessionPolicy, request.cookies[sessionCookie]);
      reply.setCookie(sessionCookie, session.sessionId, {
        path: '/',
        httpOnly: true,
        secure: config.secureCookies,
        sameSite: 'lax',
        maxAge: config.sessionMaxHours * 3600,
      });
      return reply.redirect(safeNext(next), 303);
    },
  );

  app.get('/sign-out', { config: { policy: STAFF } }, async (_request, reply) =>
    reply.render('platform/sign-out.njk', { title: 'Sign out' }),
  );

  app.post('/sign-out', { config: { policy: 'public' } }, async (request, reply) => {
    if (request.sessionId) await endSession(db, request.sessionId, request.actor);
    reply.clearCookie(sessionCookie, { path: '/' });
    request.actor = null;
    return reply.render('platform/signed-out.njk', { title: 'You have signed out' });
  });

  // Staff home ---------------------------------------------------------------------------------------
  app.get('/staff', { config: { policy: STAFF } }, async (request, reply) => {
    const actor = request.actor!;
    const links = navigation.for(actor, '/staff').filter((l) => l.href !== '/staff');
    const tasks = await navigation.tasksFor(actor);
    return reply.render('platform/staff.njk', {
      title: 'Staff home',
      links,
      tasks: tasks?.filter((t) => t.count > 0) ?? null,
      roleLabel: ROLE_LABELS[actor.role as keyof typeof ROLE_LABELS],
    });
  });

  app.get(
    '/api/me',
    {
      config: { policy: STAFF },
      schema: {
        summary: 'Who the API token or session belongs to',
        tags: ['platform'],
        response: {
          200: Type.Object({
            kind: Type.String(),
            name: Type.String(),
            role: Type.String(),
            systemId: Type.String(),
            organisationCode: Type.Union([Type.String(), Type.Null()]),
          }),
          401: ErrorBody,
        },
      },
    },
    async (request) => {
      const { kind, name, role, systemId, organisationCode } = request.actor!;
      return { kind, name, role, systemId, organisationCode };
    },
  );

  // Administration: audit log --------------------------------------------------------------------------
  const AuditQuery = Type.Object({
    actor: Type.Optional(Type.String({ maxLength: 200 })),
    action: Type.Optional(Type.String({ maxLength: 100 })),
    recordType: Type.Optional(Type.String({ maxLength: 100 })),
    recordId: Type.Optional(Type.String({ maxLength: 200 })),
    from: Type.Optional(Type.String({ pattern: '^(\\d{4}-\\d{2}-\\d{2})?$' })),
    to: Type.Optional(Type.String({ pattern: '^(\\d{4}-\\d{2}-\\d{2})?$' })),
    page: Type.Optional(Type.Integer({ minimum: 1, maximum: 100000 })),
    format: Type.Optional(Type.Union([Type.Literal('html'), Type.Literal('csv')])),
  });

  app.get(
    '/admin/audit',
    { config: { policy: ['admin'] }, schema: { querystring: AuditQuery } },
    async (request, reply) => {
      const q = request.query;
      const filters = {
        systemId: request.actor!.systemId,
        actor: q.actor?.trim() || undefined,
        action: q.action || undefined,
        recordType: q.recordType?.trim() || undefined,
        recordId: q.recordId?.trim() || undefined,
        from: q.from || undefined,
        to: q.to || undefined,
      };
      if (q.format === 'csv') {
        const result = await searchAudit(db, { ...filters, page: 1, pageSize: 500 });
        const rows = [
          [
            'id',
            'at',
            'actor',
            'role',
            'organisation',
            'action',
            'record_type',
            'record_id',
            'reason',
            'outcome',
            'request_id',
          ],
          ...result.rows.map((r) => [
            r.id,
            r.at.toISOString(),
            r.actorName ?? '',
            r.actorRole ?? '',
            r.actorOrganisation ?? '',
            r.action,
            r.recordType,
            r.recordId ?? '',
            r.reason ?? '',
            r.outcome,
            r.requestId ?? '',
          ]),
        ];
        return reply
          .type('text/csv; charset=utf-8')
          .header('Content-Disposition', 'attachment; filename="audit-log.csv"')
          .send(toCsv(rows));
      }
      const result = await searchAudit(db, { ...filters, page: q.page ?? 1, pageSize: 50 });
      const pages = Math.max(1, Math.ceil(result.total / result.pageSize));
      const params = new URLSearchParams(
        Object.entries({
          actor: q.actor,
          action: q.action,
          recordType: q.recordType,
          recordId: q.recordId,
          from: q.from,
          to: q.to,
        }).filter((e): e is [string, string] => typeof e[1] === 'string' && e[1] !== ''),
      );
      const pageHref = (p: number) => `/admin/audit?${new URLSearchParams([...params, ['page', String(p)]])}`;
      return reply.render('platform/audit.njk', {
        title: 'Audit log',
        result,
        filters: q,
        actions: await auditActions(db),
        pages,
        previous: result.page > 1 ? pageHref(result.page - 1) : null,
        next: result.page < pages ? pageHref(result.page + 1) : null,
        csvHref: `/admin/audit?${new URLSearchParams([...params, ['format', 'csv']])}`,
      });
    },
  );

  // Administration: API tokens -----------------------------------------------------------------------
  const renderTokens = async (
    reply: { render(template: string, context?: Record<string, unknown>): unknown },
    systemId: string,
    extra: Record<string, unknown> = {},
  ) =>
    reply.render('platform/tokens.njk', {
      title: 'API tokens',
      tokens: await listTokens(db, systemId),
      roles: ROLES.map((r) => ({ value: r, text: ROLE_LABELS[r] })),
      values: {},
      ...extra,
    });

  app.get('/admin/tokens', { config: { policy: ['admin'] } }, async (request, reply) =>
    renderTokens(reply, request.actor!.systemId),
  );

  app.post(
    '/admin/tokens',
    {
      config: { policy: ['admin'] },
      schema: {
        body: Type.Object({
          label: Type.Optional(Type.String({ maxLength: 200 })),
          role: Type.Optional(Type.String({ maxLength: 50 })),
          organisationCode: Type.Optional(Type.String({ maxLength: 20 })),
          _csrf: Type.Optional(Type.String()),
        }),
      },
    },
    async (request, reply) => {
      const { label = '', role = '', organisationCode = '' } = request.body;
      const errors: { text: string; href: string }[] = [];
      if (!label.trim())
        errors.push({ text: 'Enter a label that says which system will use the token', href: '#label' });
      if (!isRole(role)) errors.push({ text: 'Select the role the token acts as', href: '#role' });
      if (organisationCode && !/^[A-Z0-9]{3,6}$/i.test(organisationCode.trim())) {
        errors.push({
          text: 'Enter an ODS code of 3 to 6 letters and numbers, like RKE, or leave it empty',
          href: '#organisationCode',
        });
      }
      if (errors.length || !isRole(role)) {
        reply.status(400);
        return renderTokens(reply, request.actor!.systemId, { errors, values: request.body });
      }
      const issued = await issueToken(db, request.actor!, {
        label: label.trim(),
        role,
        organisationCode: organisationCode.trim().toUpperCase() || null,
      });
      return renderTokens(reply, request.actor!.systemId, { issued });
    },
  );

  app.post(
    '/admin/tokens/:id/revoke',
    { config: { policy: ['admin'] }, schema: { params: Type.Object({ id: Type.String({ format: 'uuid' }) }) } },
    async (request, reply) => {
      const revoked = await revokeToken(db, request.actor!, request.params.id);
      return renderTokens(reply, request.actor!.systemId, { revoked });
    },
  );

  // API description ------------------------------------------------------------------------------------
  app.get('/api/openapi.json', { config: { policy: 'public' } }, async () => appBase.swagger());

  app.get('/api', { config: { policy: 'public' } }, async (_request, reply) => {
    const doc = appBase.swagger() as { paths?: Record<string, Record<string, Record<string, unknown>>> };
    const operations = Object.entries(doc.paths ?? {}).flatMap(([p, methods]) =>
      Object.entries(methods).map(([method, op]) => ({
        method: method.toUpperCase(),
        path: p,
        summary: (op.summary as string) ?? '',
        description: (op.description as string) ?? '',
        tag: ((op.tags as string[]) ?? ['other'])[0],
        parameters: (
          (op.parameters as { name: string; in: string; required?: boolean; description?: string }[]) ?? []
        ).map((p) => ({ name: p.name, in: p.in, required: !!p.required })),
        hasBody: !!op.requestBody,
        responses: Object.keys((op.responses as object) ?? {}),
      })),
    );
    return reply.render('platform/api.njk', { title: 'API', operations, roles: ROLES });
  });
}
