// JSON logs with no personal data: requests are logged by route pattern, never by their URL (which can
// carry an NHS number or a name in a query), and credentials are never logged.
import type { FastifyServerOptions } from 'fastify';

export function loggerOptions(level: string): FastifyServerOptions['logger'] {
  if (level === 'silent') return false;
  return {
    level,
    redact: ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]'],
    serializers: {
      req(request: { method: string; routeOptions?: { url?: string }; id: string }) {
        return { method: request.method, route: request.routeOptions?.url ?? 'unmatched', id: request.id };
      },
      res(reply: { statusCode: number }) {
        return { statusCode: reply.statusCode };
      },
    },
  };
}
