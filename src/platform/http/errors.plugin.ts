// One error handler for the whole application. Domain errors become a page or a JSON body that says what
// to do; schema failures name the field; anything unexpected is logged and answered with a generic 500 that
// carries the request id (never a stack trace).
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { DomainError, type FieldError } from '../errors.ts';
import { isApiPath } from './types.ts';

type ErrorBody = { error: { status: number; code: string; message: string; fields?: FieldError[] }; requestId: string };

function fieldName(instancePath: string, missing?: string): string {
  const parts = instancePath.split('/').filter(Boolean);
  if (missing) parts.push(missing);
  return parts.map((p, i) => (/^\d+$/.test(p) ? `[${p}]` : i === 0 ? p : `.${p}`)).join('') || 'body';
}

/** Turns Fastify's schema validation errors into one entry per field with a plain message. */
export function schemaFieldErrors(error: FastifyError): FieldError[] {
  return (error.validation ?? []).map((v) => {
    const params = v.params as Record<string, unknown>;
    const missing = typeof params.missingProperty === 'string' ? params.missingProperty : undefined;
    const extra = typeof params.additionalProperty === 'string' ? params.additionalProperty : undefined;
    const where = error.validationContext && error.validationContext !== 'body' ? `${error.validationContext}.` : '';
    const field = where + fieldName(v.instancePath, missing ?? extra);
    let message = v.message ?? 'is not valid';
    if (missing) message = 'is required';
    else if (extra) message = 'is not a field this accepts';
    else if (v.keyword === 'type') message = `must be ${String(params.type)}`;
    else if (v.keyword === 'enum') message = `must be one of: ${(params.allowedValues as unknown[]).join(', ')}`;
    else if (v.keyword === 'format') message = `must be a valid ${String(params.format)}`;
    return { field, message: `${field} ${message}` };
  });
}

function classify(error: FastifyError): { status: number; code: string; message: string; fields?: FieldError[] } {
  if (error instanceof DomainError) {
    return {
      status: error.status,
      code: error.code,
      message: error.message,
      fields: error.fields.length ? error.fields : undefined,
    };
  }
  if (error.validation) {
    const fields = schemaFieldErrors(error);
    return { status: 400, code: 'validation_failed', message: 'There is a problem with what was sent', fields };
  }
  switch (error.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return { status: 400, code: 'malformed_json', message: 'The request body is not valid JSON' };
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return { status: 413, code: 'body_too_large', message: 'The request body is larger than this service accepts' };
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return {
        status: 415,
        code: 'unsupported_media_type',
        message: 'Send the body as application/json or a web form',
      };
    case 'FST_CSRF_MISSING_SECRET':
    case 'FST_CSRF_INVALID_TOKEN':
      return {
        status: 403,
        code: 'csrf_failed',
        message: 'This form has expired or was not sent from this service. Go back, refresh the page and try again.',
      };
  }
  const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
  if (status === 429)
    return { status, code: 'rate_limited', message: 'Too many requests. Wait a minute and try again.' };
  if (status < 500) return { status, code: 'bad_request', message: error.message };
  return { status: 500, code: 'internal_error', message: 'Sorry, there is a problem with the service' };
}

export function sendError(
  request: FastifyRequest,
  reply: FastifyReply,
  problem: { status: number; code: string; message: string; fields?: FieldError[] },
) {
  reply.status(problem.status);
  if (isApiPath(request.url) || !request.headers.accept?.includes('text/html')) {
    const body: ErrorBody = { error: problem, requestId: request.id };
    return reply.type('application/json').send(body);
  }
  const template =
    problem.status === 404 ? 'platform/404.njk' : problem.status >= 500 ? 'platform/500.njk' : 'platform/problem.njk';
  return reply.render(template, { problem, requestId: request.id });
}

async function errorsPlugin(app: FastifyInstance) {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const problem = classify(error);
    if (problem.status >= 500) request.log.error({ err: error }, 'unhandled error');
    else request.log.info({ code: problem.code, status: problem.status }, 'request refused');
    return sendError(request, reply, problem);
  });
  app.setNotFoundHandler({ preHandler: [] }, (request, reply) =>
    sendError(request, reply, { status: 404, code: 'not_found', message: 'Page not found' }),
  );
}

export default fp(errorsPlugin, { name: 'errors', dependencies: ['render'] });
