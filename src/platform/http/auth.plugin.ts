// Who is calling (authentication) and may they (authorisation), before any handler runs. Every route
// declares a policy; a route without one stops start-up, so nothing is reachable by accident.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { audit } from '../audit/audit.ts';
import { actorForToken, resumeSession, userActor } from '../auth/identity.ts';
import { isNoRelationshipError } from '../auth/relationships.ts';
import { allows, type RoutePolicy } from '../auth/roles.ts';
import type { Config } from '../config.ts';
import type { AnyDb } from '../db/database.ts';
import { sendError } from './errors.plugin.ts';
import { cookieName } from './security.plugin.ts';
import { isApiPath } from './types.ts';

// Files from nhsuk-frontend and our own static folder are public and need no database look-up.
const STATIC_PREFIXES = ['/assets/', '/static/', '/favicon.ico'];
const isStatic = (url: string) => STATIC_PREFIXES.some((p) => url.startsWith(p));

export type RoutePolicyEntry = { method: string; url: string; policy: RoutePolicy };

declare module 'fastify' {
  interface FastifyInstance {
    routePolicies: RoutePolicyEntry[];
  }
}

export type AuthOptions = { db: AnyDb; config: Config };

async function authPlugin(app: FastifyInstance, { db, config }: AuthOptions) {
  const sessionCookie = cookieName('session', config.secureCookies);
  const sessionPolicy = { idleMinutes: config.sessionIdleMinutes, maxHours: config.sessionMaxHours };

  // Every route and its policy, for the authorisation matrix test and for review.
  const routePolicies: RoutePolicyEntry[] = [];
  app.decorate('routePolicies', routePolicies);
  app.decorateRequest('actor', null);
  app.decorateRequest('sessionId', null);

  app.addHook('onRoute', (route) => {
    if (isStatic(route.url) || route.url === '*' || route.url === '/*') {
      route.config = { ...(route.config as object), policy: 'public' } as typeof route.config;
      return;
    }
    const policy = (route.config as { policy?: RoutePolicy } | undefined)?.policy;
    if (!policy) throw new Error(`Route ${String(route.method)} ${route.url} declares no policy (config.policy)`);
    for (const method of [route.method].flat()) routePolicies.push({ method: String(method), url: route.url, policy });
  });

  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    if (isStatic(request.url)) return;
    const header = request.headers.authorization;
    if (header) {
      const match = /^Bearer\s+(\S+)$/i.exec(header);
      const actor = match ? await actorForToken(db, match[1]!) : null;
      if (!actor) {
        reply.header('WWW-Authenticate', 'Bearer');
        return sendError(request, reply, {
          status: 401,
          code: 'invalid_token',
          message: 'The API token is missing, not valid or has been revoked. Send Authorization: Bearer <token>.',
        });
      }
      request.actor = actor;
      return;
    }
    const sessionId = request.cookies[sessionCookie];
    if (sessionId) {
      const user = await resumeSession(db, sessionId, sessionPolicy);
      if (user) {
        request.actor = userActor(user);
        request.sessionId = sessionId;
      } else {
        reply.clearCookie(sessionCookie, { path: '/' });
      }
    }
  });

  app.addHook('preValidation', async (request: FastifyRequest, reply: FastifyReply) => {
    // An unknown address is answered with "not found" for everyone, signed in or not.
    if (request.is404) return;
    const policy = request.routeOptions.config?.policy ?? [];
    const decision = allows(policy, request.actor);
    if (decision === 'allowed') return;
    if (decision === 'unauthenticated') {
      if (!isApiPath(request.url) && request.method === 'GET') {
        return reply.redirect(`/sign-in?next=${encodeURIComponent(request.url)}`, 303);
      }
      return sendError(request, reply, {
        status: 401,
        code: 'unauthenticated',
        message: 'Sign in, or send an API token, to use this',
      });
    }
    await audit(db, request.actor, {
      action: 'access.refused',
      recordType: 'route',
      recordId: `${request.method} ${request.routeOptions.url}`,
      outcome: 'refused',
      requestId: request.id,
    });
    return sendError(request, reply, {
      status: 403,
      code: 'forbidden',
      message: 'Your role does not give you access to this page. If you think it should, ask your administrator.',
    });
  });

  // A record outside the caller's relationships answers "not found"; the refusal is still audited, with the
  // root database, because the request's own transaction has rolled back.
  app.addHook('onError', async (request, _reply, error) => {
    if (!isNoRelationshipError(error)) return;
    await audit(db, request.actor, { ...error.refusal, requestId: error.refusal.requestId ?? request.id });
  });

  // Pages and API answers for a signed-in person may hold personal data: never cache them.
  app.addHook('onSend', async (request, reply) => {
    if (request.actor || isApiPath(request.url)) reply.header('Cache-Control', 'no-store');
  });
}

export default fp(authPlugin, { name: 'auth', dependencies: ['security'] });
