// Typed domain errors: each carries an HTTP status, a stable code and a message a person can act on.
// One handler (platform/http/errors.plugin.ts) turns them into a page or a JSON body.

export type FieldError = { field: string; message: string };

export class DomainError extends Error {
  readonly status: number;
  readonly code: string;
  readonly fields: FieldError[];
  constructor(status: number, code: string, message: string, fields: FieldError[] = []) {
    super(message);
    this.status = status;
    this.code = code;
    this.fields = fields;
  }
}

export class ValidationError extends DomainError {
  constructor(fields: FieldError[], message = 'There is a problem with what was sent') {
    super(400, 'validation_failed', message, fields);
  }
}

/** Also used when a record exists but the caller has no right to know it does. */
export class NotFoundError extends DomainError {
  constructor(what = 'Page') {
    super(404, 'not_found', `${what} not found`);
  }
}

export class UnauthenticatedError extends DomainError {
  constructor(message = 'Sign in to continue') {
    super(401, 'unauthenticated', message);
  }
}

export class ForbiddenError extends DomainError {
  constructor(message = 'Your role does not give you access to this') {
    super(403, 'forbidden', message);
  }
}

export class ConflictError extends DomainError {
  constructor(message: string, code = 'conflict') {
    super(409, code, message);
  }
}
