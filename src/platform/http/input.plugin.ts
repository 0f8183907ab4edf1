// What the application accepts, decided once at the edge for every route (issue 10 §5):
// - text carries no control characters except tab, line feed and carriage return, and no lone UTF-16
//   surrogates (PostgreSQL refuses NUL in text and jsonb, and a lone surrogate cannot be stored as jsonb);
// - numbers are finite, and every integer a schema declares is bounded to what an `integer` column holds
//   unless the schema says otherwise (so `page=1e309` is refused instead of being read as Infinity);
// - JSON is nested no deeper than MAX_DEPTH;
// - a JSON API body is validated as sent, without type coercion (so `{"clinicianId": null}` stays null and is
//   not turned into ""); query strings, path parameters and HTML form bodies arrive as text and are coerced.
// A refusal is a 400 naming the field, in the one error shape.
import { AjvCompiler } from '@fastify/ajv-compiler';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { scan } from 'secure-json-parse';
import { DomainError, type FieldError, ValidationError } from '../errors.ts';

/** The bounds of a PostgreSQL `integer`, applied to every schema integer that declares none. */
export const INT_MIN = -2147483648;
export const INT_MAX = 2147483647;
export const MAX_DEPTH = 32;

// C0 controls except tab (09), line feed (0A) and carriage return (0D); DEL; C1 controls.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;

/** Why a piece of text cannot be accepted, or null when it can. */
export function textProblem(value: string): string | null {
  if (CONTROL.test(value)) return 'must not contain control characters (only tabs and new lines are allowed)';
  if (!value.isWellFormed()) return 'must be valid text (it contains a broken character)';
  return null;
}

type Part = 'body' | 'querystring' | 'params';

function fieldPath(part: Part, path: (string | number)[]): string {
  const inner = path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
  if (part === 'body') return inner || 'body';
  return inner ? `${part}.${inner}` : part;
}

// A multipart field arrives as { type: 'field', fieldname, value, ... }; a file as { type: 'file', ... }.
function isMultipartPart(v: object): v is { type: string; value?: unknown } {
  return (
    'fieldname' in v &&
    'type' in v &&
    ((v as { type: unknown }).type === 'field' || (v as { type: unknown }).type === 'file')
  );
}

/** Every problem in a request part: one entry per field, at most `limit`. */
export function inputProblems(part: Part, value: unknown, limit = 20): FieldError[] {
  const problems: FieldError[] = [];
  const add = (path: (string | number)[], message: string) => {
    const field = fieldPath(part, path);
    if (problems.length < limit && !problems.some((p) => p.field === field))
      problems.push({ field, message: `${field} ${message}` });
  };
  const walk = (v: unknown, path: (string | number)[], depth: number): void => {
    if (problems.length >= limit) return;
    if (typeof v === 'string') {
      const problem = textProblem(v);
      if (problem) add(path, problem);
      return;
    }
    if (typeof v === 'number') {
      if (!Number.isFinite(v)) add(path, 'must be a number this service can store (it is too large)');
      return;
    }
    if (v === null || typeof v !== 'object') return;
    if (depth >= MAX_DEPTH) {
      add(path, `must not be nested more than ${MAX_DEPTH} levels deep`);
      return;
    }
    if (Buffer.isBuffer(v)) return;
    if (isMultipartPart(v)) {
      if (v.type === 'field') walk(v.value, path, depth + 1);
      return;
    }
    if (Array.isArray(v)) {
      for (const [i, item] of v.entries()) walk(item, [...path, i], depth + 1);
      return;
    }
    for (const [key, item] of Object.entries(v)) {
      const keyProblem = textProblem(key);
      if (keyProblem) {
        add(path, `has a field name that ${keyProblem}`);
        continue;
      }
      walk(item, [...path, key], depth + 1);
    }
  };
  walk(value, [], 0);
  return problems;
}

export function requestInputProblems(request: Pick<FastifyRequest, 'params' | 'query' | 'body'>): FieldError[] {
  return [
    ...inputProblems('params', request.params),
    ...inputProblems('querystring', request.query),
    ...inputProblems('body', request.body),
  ];
}

/** Gives every `integer` in a JSON schema the bounds of an integer column unless it declares its own. */
export function boundIntegers(schema: unknown, seen = new WeakSet<object>()): void {
  if (schema === null || typeof schema !== 'object' || seen.has(schema)) return;
  seen.add(schema);
  const s = schema as Record<string, unknown>;
  const types = [s.type].flat();
  if (types.includes('integer')) {
    if (s.maximum === undefined && s.exclusiveMaximum === undefined) s.maximum = INT_MAX;
    if (s.minimum === undefined && s.exclusiveMinimum === undefined) s.minimum = INT_MIN;
  }
  for (const v of Object.values(s)) {
    if (Array.isArray(v)) for (const item of v) boundIntegers(item, seen);
    else boundIntegers(v, seen);
  }
}

type ValidatorFactory = (
  externalSchemas: unknown,
  options: { customOptions?: Record<string, unknown> },
) => (route: { schema: unknown; method: string; url: string; httpPart?: string }) => unknown;

/**
 * Fastify's schema controller: JSON API bodies are validated without type coercion (a JSON value already has
 * its type, and coercing `null` to `""` inside a union is what broke unlocking a visit); everything that
 * arrives as text (query strings, path parameters, HTML form bodies) is coerced as before.
 */
export function validatorFactory(): ValidatorFactory {
  const coercing = AjvCompiler() as unknown as ValidatorFactory;
  const exact = AjvCompiler() as unknown as ValidatorFactory;
  return (externalSchemas, options) => {
    const coerced = coercing(externalSchemas, options);
    const strict = exact(externalSchemas, {
      ...options,
      customOptions: { ...options.customOptions, coerceTypes: false },
    });
    return (route) => (route.httpPart === 'body' && route.url.startsWith('/api/') ? strict(route) : coerced(route));
  };
}

export type RouteInput = { method: string; url: string; schema: Record<string, unknown> };

declare module 'fastify' {
  interface FastifyInstance {
    /** Every route with the schema of what it accepts, for the malformed-input property test and for review. */
    routeInputs: RouteInput[];
  }
}

/**
 * JSON bodies: parsed with prototype-poisoning keys refused by name (a body with `__proto__` is valid JSON,
 * so calling it "not valid JSON" sent people looking for a syntax error that is not there).
 */
export function parseJsonBody(body: string): unknown {
  if (body.length === 0) throw new DomainError(400, 'malformed_json', 'The request body is empty: send a JSON object');
  try {
    return JSON.parse(body);
  } catch {
    throw new DomainError(400, 'malformed_json', 'The request body is not valid JSON');
  }
}

function refusePoisonedKeys(body: string, parsed: unknown): void {
  if (parsed === null || typeof parsed !== 'object') return;
  try {
    scan(parsed as object, { protoAction: 'error', constructorAction: 'error' });
  } catch {
    const key = body.includes('__proto__') ? '__proto__' : 'constructor';
    throw new DomainError(
      400,
      'forbidden_field',
      `The request body has a field named ${key}, which this service does not accept`,
      [{ field: key, message: `${key} is not a field name this service accepts: rename or remove it` }],
    );
  }
}

async function inputPlugin(app: FastifyInstance) {
  // Nothing reads a text/plain body except where a route says so (CSV imports): refuse it elsewhere (415).
  app.removeContentTypeParser('text/plain');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    try {
      const parsed = parseJsonBody(body as string);
      refusePoisonedKeys(body as string, parsed);
      done(null, parsed);
    } catch (error) {
      done(error as Error, undefined);
    }
  });
  const routeInputs: RouteInput[] = [];
  app.decorate('routeInputs', routeInputs);
  app.addHook('onRoute', (route) => {
    const schema = route.schema as Record<string, unknown> | undefined;
    for (const method of [route.method].flat())
      routeInputs.push({ method: String(method), url: route.url, schema: schema ?? {} });
    if (!schema) return;
    for (const part of ['body', 'querystring', 'params', 'headers']) boundIntegers(schema[part]);
  });
  // Before validation (as sent: a JSON 1e309 is Infinity before a form schema coerces it to text) and after it
  // (a query string's "1e309" becomes Infinity only when its schema coerces it to a number).
  const check = async (request: FastifyRequest) => {
    if (request.is404) return;
    const problems = requestInputProblems(request);
    if (problems.length) throw new ValidationError(problems);
  };
  app.addHook('preValidation', check);
  app.addHook('preHandler', check);
}

export default fp(inputPlugin, { name: 'input' });
