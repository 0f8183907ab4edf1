// What the platform adds to Fastify's request, reply and route config.
import type { Actor, RoutePolicy } from '../auth/roles.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The signed-in person or API client, or null for a resident on the public pages. */
    actor: Actor | null;
    /** Present when signed in through a browser session (not a bearer token). */
    sessionId: string | null;
  }
  interface FastifyReply {
    /** Renders a Nunjucks page inside the NHS.UK layout with the request's common context. */
    render(template: string, context?: Record<string, unknown>): FastifyReply;
  }
  interface FastifyContextConfig {
    /** Who may call this route. Every route must declare one: a route without it stops start-up. */
    policy?: RoutePolicy;
    /** Set on routes that are called by other systems with a bearer token only. */
    csrf?: false;
  }
}

/** Machine interfaces: the JSON API, the health check, and the standards' APIs (FHIR, Open Referral UK). */
export function isApiPath(url: string): boolean {
  return url.startsWith('/api/') || url === '/api' || url.startsWith('/healthz') || /^\/(fhir|oruk)(\/|\?|$)/.test(url);
}
