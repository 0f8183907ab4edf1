// Sign-in through an OpenID Connect provider, when one is configured (OIDC_* settings): a redirect to the
// provider and the callback that matches the verified identity to an account and starts the same session
// as the password form. Someone without an account, or whose provider roles do not match, sees a clear page.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { AppDeps } from '../../app.ts';
import { startSession } from '../../platform/auth/identity.ts';
import { createOidc } from '../../platform/auth/oidc.ts';
import { cookieName } from '../../platform/http/security.plugin.ts';
import { safeNext } from './routes.ts';

export default async function oidcRoutes(appBase: FastifyInstance, { deps }: { deps: AppDeps }) {
  const { config } = deps;
  if (!config.oidc) return;
  const app = appBase.withTypeProvider<TypeBoxTypeProvider>();
  const { db } = deps.database;
  const oidc = createOidc(config.oidc);
  const stateCookie = cookieName('oidc-state', config.secureCookies);
  const sessionCookie = cookieName('session', config.secureCookies);
  const sessionPolicy = { idleMinutes: config.sessionIdleMinutes, maxHours: config.sessionMaxHours };
  const cookieOptions = { path: '/', httpOnly: true, secure: config.secureCookies, sameSite: 'lax' as const };

  app.get(
    '/sign-in/oidc',
    {
      config: { policy: 'public', rateLimit: { max: config.signInRateLimit, timeWindow: '1 minute' } },
      schema: { querystring: Type.Object({ next: Type.Optional(Type.String({ maxLength: 2000 })) }) },
    },
    async (request, reply) => {
      const { url, state } = await oidc.begin(db, safeNext(request.query.next), deps.clock.now());
      reply.setCookie(stateCookie, state, { ...cookieOptions, maxAge: 600 });
      return reply.redirect(url, 303);
    },
  );

  app.get(
    '/sign-in/oidc/callback',
    {
      config: { policy: 'public', rateLimit: { max: config.signInRateLimit, timeWindow: '1 minute' } },
      schema: {
        querystring: Type.Record(Type.String({ maxLength: 40 }), Type.String({ maxLength: 4000 })),
      },
    },
    async (request, reply) => {
      const query = request.query as Record<string, string | undefined>;
      const result = await oidc.finish(db, { cookieState: request.cookies[stateCookie], query }, deps.clock.now());
      reply.clearCookie(stateCookie, { path: '/' });
      if (!result.ok) {
        reply.status(result.reason === 'unknown-account' || result.reason === 'role-mismatch' ? 403 : 400);
        return reply.render('platform/oidc-refused.njk', {
          title: result.reason === 'unknown-account' ? 'No Core Offer account for you' : 'You could not be signed in',
          message: result.message,
          label: oidc.label,
        });
      }
      const session = await startSession(db, result.user, sessionPolicy, request.cookies[sessionCookie]);
      reply.setCookie(sessionCookie, session.sessionId, { ...cookieOptions, maxAge: config.sessionMaxHours * 3600 });
      return reply.redirect(safeNext(result.next), 303);
    },
  );
}
