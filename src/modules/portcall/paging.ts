// Cursor paging as `/v2/events` does it: the cursor carries the filter and the last `seq`, so a
// client follows `Next-Page-Cursor` without repeating its query and never sees an item twice.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { invalid, ProblemError, type FieldError } from '../../core/errors.js';
import { validateDateTime, type ValidationResult } from '../../standards/index.js';

export const DEFAULT_PAGE_SIZE = 100;
export const MAX_PAGE_SIZE = 1000;

export interface Cursor<F> { after: number; filter: F; limit: number }

export const encodeCursor = <F>(c: Cursor<F>) => Buffer.from(JSON.stringify(c)).toString('base64url');

export function decodeCursor<F>(value: string): Cursor<F> {
  try {
    const c = JSON.parse(Buffer.from(value, 'base64url').toString()) as Cursor<F>;
    if (Number.isInteger(c.after) && Number.isInteger(c.limit) && typeof c.filter === 'object' && c.filter !== null) return c;
  } catch { /* fall through to the error below */ }
  throw invalid('/query/cursor', 'cursor', 'cursor is not one this server issued');
}

export function parseLimit(raw: string | undefined): number {
  if (raw === undefined) return DEFAULT_PAGE_SIZE;
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n < 1 || n > MAX_PAGE_SIZE) throw invalid('/query/limit', 'range', `limit must be an integer from 1 to ${MAX_PAGE_SIZE}`);
  return n;
}

/** Sets Next-Page-Cursor, Next-Page and Link when another page follows. */
export function nextPageHeaders<F>(request: FastifyRequest, reply: FastifyReply, nextAfter: number | undefined, filter: F, limit: number): void {
  if (nextAfter === undefined) return;
  const next = encodeCursor({ after: nextAfter, filter, limit });
  const url = `${request.url.split('?')[0]}?cursor=${next}`;
  reply.header('Next-Page-Cursor', next).header('Next-Page', url).header('Link', `<${url}>; rel="next"`);
}

/**
 * Reads query parameters by a table of parsers, naming the parameter in every error; unknown
 * parameters are rejected. A parser returns the value or a validation failure.
 */
export function parseQuery<F extends object>(
  query: Record<string, unknown>, parsers: { [K in keyof F]-?: (raw: string) => ValidationResult<F[K]> }, ignore: readonly string[] = [],
): F {
  const errors: FieldError[] = [];
  const out: Record<string, unknown> = {};
  for (const [key, raw] of Object.entries(query)) {
    if (raw === undefined || ignore.includes(key)) continue;
    const parse = (parsers as Record<string, (raw: string) => ValidationResult<unknown>>)[key];
    if (!parse) { errors.push({ pointer: `/query/${key}`, rule: 'additionalProperties', detail: `unknown parameter ${key}` }); continue; }
    if (typeof raw !== 'string') { errors.push({ pointer: `/query/${key}`, rule: 'type', detail: `give ${key} once` }); continue; }
    const r = parse(raw);
    if (r.ok) out[key] = r.value;
    else errors.push({ pointer: `/query/${key}`, rule: r.rule, detail: `${key}: ${r.message}` });
  }
  if (errors.length) throw new ProblemError('validation', `${errors[0].pointer}: ${errors[0].detail}`, errors);
  return out as F;
}

// ---- parsers ---------------------------------------------------------------------------------

const ok = <T>(value: T): ValidationResult<T> => ({ ok: true, value });
const fail = <T>(rule: string, message: string): ValidationResult<T> => ({ ok: false, rule, message });

export const text = (max: number) => (raw: string): ValidationResult<string> =>
  raw.length >= 1 && raw.length <= max ? ok(raw) : fail('length', `must have 1–${max} characters`);

export const pattern = (re: RegExp, what: string) => (raw: string): ValidationResult<string> => (re.test(raw) ? ok(raw) : fail('pattern', `must be ${what}`));

/** A comma-separated list of codes. */
export const codeList = (list: readonly string[]) => (raw: string): ValidationResult<string[]> => {
  const values = raw.split(',').map((v) => v.trim()).filter(Boolean);
  const bad = values.find((v) => !list.includes(v));
  if (bad !== undefined || !values.length) return fail('enum', `"${bad ?? raw}" is not one of ${list.join(', ')}`);
  return ok(values);
};

export const code = <T extends string>(list: readonly T[]) => (raw: string): ValidationResult<T> =>
  (list.includes(raw as T) ? ok(raw as T) : fail('enum', `must be one of ${list.join(', ')}`));

/** A date-time with offset, returned in UTC. */
export const dateTime = (raw: string): ValidationResult<string> => {
  const r = validateDateTime(raw);
  return r.ok ? ok(r.value.utc) : r;
};

export const integer = (min: number, max: number) => (raw: string): ValidationResult<number> =>
  (/^\d+$/.test(raw) && Number(raw) >= min && Number(raw) <= max ? ok(Number(raw)) : fail('range', `must be an integer from ${min} to ${max}`));

/** Checks a standard identifier and returns its canonical form. */
export const standard = (check: (v: string) => ValidationResult<unknown>) => (raw: string): ValidationResult<string> => {
  const r = check(raw);
  return r.ok ? ok(typeof r.value === 'string' ? r.value : raw) : r;
};
