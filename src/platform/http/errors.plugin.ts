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

const TYPE_WORDS: Record<string, string> = {
  string: 'text',
  integer: 'a whole number',
  number: 'a number',
  boolean: 'true or false',
  null: 'empty (null)',
  object: 'an object',
  array: 'a list',
};
const typeWords = (type: unknown) =>
  [type]
    .flat()
    .map((t) => TYPE_WORDS[String(t)] ?? String(t))
    .join(' or ');

type AjvError = { keyword: string; instancePath: string; message?: string; params: Record<string, unknown> };

/** What one validator complaint expects, in plain words (without the field name). */
function expectation(v: AjvError): string {
  const p = v.params;
  switch (v.keyword) {
    case 'type':
      return `must be ${typeWords(p.type)}`;
    case 'enum':
      return `must be one of: ${(p.allowedValues as unknown[]).join(', ')}`;
    case 'const':
      return `must be ${JSON.stringify(p.allowedValue)}`;
    case 'format':
      return `must be a valid ${String(p.format)}`;
    case 'minLength':
      return Number(p.limit) === 1 ? 'must not be empty' : `must be at least ${p.limit} characters long`;
    case 'maxLength':
      return `must be no more than ${p.limit} characters long`;
    case 'minimum':
      return `must be ${p.limit} or more`;
    case 'maximum':
      return `must be ${p.limit} or less`;
    case 'exclusiveMinimum':
      return `must be more than ${p.limit}`;
    case 'exclusiveMaximum':
      return `must be less than ${p.limit}`;
    case 'minItems':
      return `must have at least ${p.limit} item${Number(p.limit) === 1 ? '' : 's'}`;
    case 'maxItems':
      return `must have no more than ${p.limit} items`;
    case 'pattern':
      return 'is not in the expected form';
    case 'multipleOf':
      return `must be a multiple of ${p.multipleOf}`;
    case 'uniqueItems':
      return 'must not repeat an item';
    case 'required':
      return 'is required';
    case 'additionalProperties':
      return 'is not a field this accepts';
    default:
      return 'is not valid';
  }
}

/**
 * Turns Fastify's schema validation errors into exactly one entry per field with one plain message: a union
 * (anyOf/oneOf) that fails says every form it accepts ("must be text or empty (null)"), not one line per branch.
 */
export function schemaFieldErrors(error: FastifyError): FieldError[] {
  const where = error.validationContext && error.validationContext !== 'body' ? `${error.validationContext}.` : '';
  const byField = new Map<string, { union: boolean; expected: string[] }>();
  for (const v of (error.validation ?? []) as AjvError[]) {
    const missing = typeof v.params.missingProperty === 'string' ? v.params.missingProperty : undefined;
    const extra = typeof v.params.additionalProperty === 'string' ? v.params.additionalProperty : undefined;
    const field = where + fieldName(v.instancePath, missing ?? extra);
    const entry = byField.get(field) ?? { union: false, expected: [] };
    byField.set(field, entry);
    if (v.keyword === 'anyOf' || v.keyword === 'oneOf') {
      entry.union = true;
      continue;
    }
    const text = expectation(v);
    if (!entry.expected.includes(text)) entry.expected.push(text);
  }
  return [...byField].map(([field, { union, expected }]) => {
    let message: string;
    if (expected.includes('is required')) message = 'is required';
    else if (expected.includes('is not a field this accepts')) message = 'is not a field this accepts';
    else if (union) {
      // Each branch's expectation, joined: "must be text or empty (null)".
      const types = expected.filter((e) => e.startsWith('must be ')).map((e) => e.slice('must be '.length));
      const others = expected.filter((e) => !e.startsWith('must be '));
      message = types.length ? `must be ${types.join(' or ')}` : (others[0] ?? 'is not in a form this accepts');
    } else message = expected.join(', and ') || 'is not valid';
    return { field, message: `${field} ${message}` };
  });
}

// PostgreSQL SQLSTATEs that mean "this value cannot be stored or compared": invalid text representation,
// numeric value out of range, string too long, datetime field overflow, invalid datetime format, untranslatable
// character, character not in repertoire, and an index row too large.
const BAD_VALUE_STATES = new Set(['22P02', '22003', '22001', '22008', '22007', '22P05', '22021', '54000']);

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
  // A value the database itself refuses as malformed (text where a uuid belongs, a number out of range, a
  // value too large to index) is the sender's mistake, not the service's: the edge cannot know every column.
  const sqlState = (error as { code?: unknown }).code;
  if (typeof sqlState === 'string' && BAD_VALUE_STATES.has(sqlState)) {
    return { status: 400, code: 'bad_value', message: 'A value sent is not in the form this service expects' };
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

/**
 * Errors the router raises before any route or hook runs (a path that is not valid UTF-8 or percent-encoding, a
 * path parameter longer than the router allows): Fastify's `frameworkErrors` option, answered in the one shape.
 */
export function frameworkErrors(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  const problem =
    error.code === 'FST_ERR_MAX_PARAM_LENGTH'
      ? {
          status: 414,
          code: 'path_too_long',
          message: 'A part of the address is longer than this service accepts (at most 100 characters)',
        }
      : error.code === 'FST_ERR_BAD_URL'
        ? { status: 400, code: 'bad_address', message: 'The address is not valid: check its percent-encoding' }
        : classify(error);
  request.log.info({ code: problem.code, status: problem.status }, 'request refused');
  if (typeof (reply as { render?: unknown }).render === 'function') return sendError(request, reply, problem);
  return reply.status(problem.status).type('application/json').send({ error: problem, requestId: request.id });
}

/**
 * Errors Node's HTTP parser raises before Fastify sees a request (headers too large, a malformed request line,
 * a client that never finishes): Fastify's `clientErrorHandler` option, answered on the socket in the one shape.
 */
export function clientErrorHandler(error: Error & { code?: string }, socket: import('node:net').Socket) {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const problem =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? {
          status: 431,
          code: 'headers_too_large',
          message: 'The request headers are larger than this service accepts: send fewer or smaller cookies',
        }
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? { status: 408, code: 'request_timeout', message: 'The request took too long to arrive. Try again.' }
        : { status: 400, code: 'bad_request', message: 'The request could not be read' };
  const body = JSON.stringify({ error: problem, requestId: crypto.randomUUID() });
  const reason = { 400: 'Bad Request', 408: 'Request Timeout', 431: 'Request Header Fields Too Large' }[problem.status];
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${problem.status} ${reason}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
        `Content-Type: application/json; charset=utf-8\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(error);
}

async function errorsPlugin(app: FastifyInstance) {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const problem = classify(error);
    if (problem.status >= 500) request.log.error({ err: error }, 'unhandled error');
    else if (problem.code === 'bad_value') request.log.warn({ err: error }, 'the database refused a value sent');
    else request.log.info({ code: problem.code, status: problem.status }, 'request refused');
    return sendError(request, reply, problem);
  });
  app.setNotFoundHandler({ preHandler: [] }, (request, reply) =>
    sendError(request, reply, { status: 404, code: 'not_found', message: 'Page not found' }),
  );
}

export default fp(errorsPlugin, { name: 'errors', dependencies: ['render'] });
