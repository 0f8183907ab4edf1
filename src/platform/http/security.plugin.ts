// Security headers (CSP with per-request nonces, HSTS, nosniff, frame denial), cookies, form bodies,
// CSRF tokens and rate limits, registered in one visible place.
import cookie from '@fastify/cookie';
import csrf from '@fastify/csrf-protection';
import formbody from '@fastify/formbody';
import helmet from '@fastify/helmet';
import multipart from '@fastify/multipart';
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { Config } from '../config.ts';
import type { AnyDb } from '../db/database.ts';
import { databaseRateLimitStore } from './rate-limit-store.ts';
import { formValue } from './upload.ts';

export function cookieName(base: string, secure: boolean): string {
  // __Host- cookies must be Secure, host-only and for path /, which stops sub-domains from overwriting them.
  return secure ? `__Host-${base}` : base;
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** What a CSRF token is bound to: the signed-in session, or "no session" before signing in. */
export function csrfUserInfo(request: FastifyRequest): string {
  return request.sessionId ? `session:${request.sessionId}` : 'anonymous';
}

async function securityPlugin(app: FastifyInstance, { config, db }: { config: Config; db: AnyDb }) {
  await app.register(helmet, {
    enableCSPNonces: true,
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        // Fonts only from here: the stylesheet is served without nhsuk-frontend's remote font rules.
        fontSrc: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        upgradeInsecureRequests: null,
      },
    },
    referrerPolicy: { policy: 'same-origin' },
    crossOriginEmbedderPolicy: false,
  });
  await app.register(cookie);
  await app.register(formbody, { bodyLimit: config.bodyLimitBytes });
  // File uploads (CSV/XLSX imports) from plain HTML forms: one file, held in memory up to the import limit;
  // the other form fields (including _csrf) arrive in request.body as { value } objects.
  await app.register(multipart, {
    attachFieldsToBody: true,
    limits: { fileSize: config.importLimitBytes, files: 1, fields: 50, fieldSize: config.bodyLimitBytes },
  });
  await app.register(csrf, {
    sessionPlugin: '@fastify/cookie',
    cookieKey: cookieName('csrf', config.secureCookies),
    cookieOpts: { path: '/', httpOnly: true, sameSite: 'lax', secure: config.secureCookies, signed: false },
    // A token is bound to the session it was made for (an HMAC of the session id): a token from another
    // session, or from before signing in, is refused even with the right CSRF cookie.
    csrfOpts: { hmacKey: config.csrfKey },
    getUserInfo: (request: FastifyRequest) => csrfUserInfo(request),
    getToken: (request: FastifyRequest) => {
      // formValue reads url-encoded fields and multipart fields (which arrive as { value } objects) alike.
      const fromBody = formValue(request.body, '_csrf');
      return fromBody || (request.headers['x-csrf-token'] as string | undefined);
    },
  });
  await app.register(rateLimit, {
    global: false,
    // Counted in the database, so every app process shares one count per client.
    store: databaseRateLimitStore(db) as never,
    errorResponseBuilder: (_request, context) => {
      const error = new Error(`Too many requests. Try again in ${Math.ceil(context.ttl / 1000)} seconds.`) as Error & {
        statusCode: number;
      };
      error.statusCode = 429;
      return error;
    },
  });

  // CSRF on every unsafe request made with a browser's cookies. A request with a bearer token carries no
  // ambient credentials, so a forged cross-site request cannot use it; those skip the check.
  app.addHook('preHandler', (request: FastifyRequest, reply: FastifyReply, done: (err?: Error) => void) => {
    if (!UNSAFE.has(request.method)) return done();
    if (request.actor?.kind === 'token') return done();
    if (request.routeOptions.config?.csrf === false) return done();
    app.csrfProtection(request, reply, done as () => void);
  });
}

export default fp(securityPlugin, { name: 'security' });
