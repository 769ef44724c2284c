// The port call lists' query parameters, read by a table of parsers. Paging itself is the
// platform's (core/paging.ts, as `/v2/events` does it): the cursor carries the list's query
// parameters and the last `seq`, signed for the list and the party, so a client follows
// `Next-Page-Cursor` without repeating its query and never sees an item twice; the parameters
// are validated again, by the same parsers, each time the cursor comes back.
import type { CursorScope, CursorSigner, PageRequest } from '../../core/cursors.js';
import { ProblemError, type FieldError } from '../../core/errors.js';
import { readListPage } from '../../core/paging.js';
import { validateDateTime, type ValidationResult } from '../../standards/index.js';

/** A list's filter, page size and position, from its query string or from its cursor. */
export function readPage<F extends object>(
  cursors: CursorSigner, scope: CursorScope, query: Record<string, unknown>, parsers: { [K in keyof F]-?: (raw: string) => ValidationResult<F[K]> },
): PageRequest<F> {
  return readListPage(cursors, scope, query, (q) => parseQuery<F>(q, parsers));
}

/**
 * Reads query parameters by a table of parsers, naming the parameter in every error; unknown
 * parameters are rejected. A parser returns the value or a validation failure.
 */
export function parseQuery<F extends object>(
  query: Record<string, unknown>, parsers: { [K in keyof F]-?: (raw: string) => ValidationResult<F[K]> }, ignore: readonly string[] = [], base = '/query',
): F {
  const errors: FieldError[] = [];
  const out: Record<string, unknown> = Object.create(null);
  for (const [key, raw] of Object.entries(query)) {
    if (raw === undefined || ignore.includes(key)) continue;
    // Own keys only: a parameter named `constructor` or `toString` is unknown, not Object's.
    const parse = Object.hasOwn(parsers, key) ? (parsers as Record<string, (raw: string) => ValidationResult<unknown>>)[key] : undefined;
    if (!parse) { errors.push({ pointer: `${base}/${key}`, rule: 'additionalProperties', detail: `unknown parameter ${key}` }); continue; }
    if (typeof raw !== 'string') { errors.push({ pointer: `${base}/${key}`, rule: 'type', detail: `give ${key} once` }); continue; }
    const r = parse(raw);
    if (r.ok) out[key] = r.value;
    else errors.push({ pointer: `${base}/${key}`, rule: r.rule, detail: `${key}: ${r.message}` });
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
