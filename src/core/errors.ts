// RFC 7807 problem details. Every 4xx/5xx leaves the server through `problemHandler`, which maps
// a closed set of error kinds to a status; an unexpected error becomes a 500 whose message is
// logged, never sent.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

export interface FieldError {
  /** JSON pointer (RFC 6901) into the request: `/body/0/equipmentReference`, `/query/limit`. */
  pointer: string;
  /** Stable machine code of the broken rule: `iso6346.checkDigit`, `required`, `enum`. */
  rule: string;
  detail: string;
  /** Values the rule's message needs (the web app says `problems.<rule>` with them). */
  params?: Record<string, unknown>;
}

export type ProblemKind =
  | 'validation' | 'unauthenticated' | 'forbidden' | 'not-found' | 'conflict'
  | 'payload-too-large' | 'unsupported-media-type' | 'rate-limited' | 'unavailable' | 'internal';

const STATUS: Record<ProblemKind, number> = {
  validation: 400, unauthenticated: 401, forbidden: 403, 'not-found': 404, conflict: 409,
  'payload-too-large': 413, 'unsupported-media-type': 415, 'rate-limited': 429, unavailable: 503, internal: 500,
};

const TITLE: Record<ProblemKind, string> = {
  validation: 'The request is not valid',
  unauthenticated: 'Authentication required',
  forbidden: 'Not allowed',
  'not-found': 'Not found',
  conflict: 'Conflict with the current state',
  'payload-too-large': 'Request body too large',
  'unsupported-media-type': 'Unsupported media type',
  'rate-limited': 'Too many requests',
  unavailable: 'Service unavailable',
  internal: 'Internal error',
};

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  errors?: FieldError[];
}

export class ProblemError extends Error {
  constructor(
    readonly kind: ProblemKind,
    detail: string,
    readonly errors?: FieldError[],
  ) {
    super(detail);
  }

  get status(): number {
    return STATUS[this.kind];
  }

  toProblem(instance?: string): Problem {
    return problem(this.kind, this.message, this.errors, instance);
  }
}

/** A refusal to be tried again later: answered with `Retry-After` (RFC 9110) in whole seconds. */
export class RetryLater extends ProblemError {
  constructor(kind: 'rate-limited' | 'unavailable', detail: string, readonly retryAfterSeconds: number) {
    super(kind, detail);
  }
}

export function problem(kind: ProblemKind, detail?: string, errors?: FieldError[], instance?: string): Problem {
  return {
    type: `urn:jiaozhou:problem:${kind}`,
    title: TITLE[kind],
    status: STATUS[kind],
    ...(detail ? { detail } : {}),
    ...(instance ? { instance } : {}),
    ...(errors?.length ? { errors } : {}),
  };
}

export const invalid = (pointer: string, rule: string, detail: string) =>
  new ProblemError('validation', `${pointer}: ${detail}`, [{ pointer, rule, detail }]);
export const notFound = (what: string) => new ProblemError('not-found', `${what} not found`);
export const forbidden = (detail: string) => new ProblemError('forbidden', detail);
export const conflict = (detail: string) => new ProblemError('conflict', detail);

export function sendProblem(reply: FastifyReply, p: Problem): FastifyReply {
  return reply.code(p.status).type('application/problem+json').send(p);
}

/** Turns Ajv's errors (from Fastify's schema validation) into pointers and rules. */
function fromValidation(err: FastifyError): FieldError[] {
  const part = err.validationContext ?? 'body';
  return (err.validation ?? []).map((v) => {
    let pointer = `/${part}${v.instancePath}`;
    const params = v.params as Record<string, unknown>;
    if (v.keyword === 'required') pointer += `/${params.missingProperty}`;
    if (v.keyword === 'additionalProperties') pointer += `/${params.additionalProperty}`;
    const detail = v.keyword === 'additionalProperties' ? 'unknown field' : (v.message ?? 'invalid');
    return { pointer, rule: v.keyword, detail };
  });
}

export function registerProblemHandlers(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError | ProblemError, request: FastifyRequest, reply: FastifyReply) => {
    if (err instanceof RetryLater) reply.header('Retry-After', String(Math.max(1, Math.ceil(err.retryAfterSeconds))));
    if (err instanceof ProblemError) return sendProblem(reply, err.toProblem(request.url));
    const fe = err as FastifyError;
    if (fe.validation) {
      const errors = fromValidation(fe);
      const first = errors[0];
      return sendProblem(reply, problem('validation', first ? `${first.pointer}: ${first.detail}` : fe.message, errors, request.url));
    }
    switch (fe.code) {
      case 'FST_ERR_CTP_BODY_TOO_LARGE':
        return sendProblem(reply, problem('payload-too-large', fe.message, undefined, request.url));
      case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
        return sendProblem(reply, problem('unsupported-media-type', fe.message, undefined, request.url));
      case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      case 'FST_ERR_CTP_INVALID_JSON_BODY': // also a `__proto__` or `constructor.prototype` key, which the parser refuses
      case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
        return sendProblem(reply, problem('validation', fe.message, [{ pointer: '/body', rule: 'json', detail: fe.message }], request.url));
    }
    if (fe.statusCode === 400 && fe instanceof SyntaxError) {
      return sendProblem(reply, problem('validation', 'body is not valid JSON', [{ pointer: '/body', rule: 'json', detail: fe.message }], request.url));
    }
    if (fe.statusCode && fe.statusCode >= 400 && fe.statusCode < 500) {
      return sendProblem(reply, problem('validation', fe.message, undefined, request.url));
    }
    if (isDiskFull(err)) {
      request.log.error({ err }, 'disk full');
      return sendProblem(reply, problem('unavailable', 'the server has no disk space left to write; nothing of this request was stored, retry later', undefined, request.url));
    }
    request.log.error({ err }, 'unexpected error');
    return sendProblem(reply, problem('internal', 'An unexpected error occurred; it has been logged.', undefined, request.url));
  });
}

/**
 * A write that found no room: SQLite's SQLITE_FULL, PostgreSQL's disk_full (SQLSTATE 53100), or
 * the file system's ENOSPC (the log sync). The transaction rolled back, so the client may retry
 * once an operator has made room: the server is unavailable, not broken.
 */
export function isDiskFull(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === 'SQLITE_FULL' || code === '53100' || code === 'ENOSPC';
}

export const routeNotFound = (request: FastifyRequest) =>
  problem('not-found', `no route for ${request.method} ${request.url.split('?')[0]}`, undefined, request.url);
