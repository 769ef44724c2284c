// The one result shape every validator in src/standards returns. Validators never throw on bad
// input: a failure carries a stable machine code (`rule`, e.g. `iso6346.checkDigit`) that API
// error responses and tests can match on, and an English `message` saying what was expected.

export type ValidationResult<T = string> =
  | { ok: true; value: T }
  | { ok: false; rule: string; message: string };

export const valid = <T>(value: T): ValidationResult<T> => ({ ok: true, value });

export const invalid = <T = never>(rule: string, message: string): ValidationResult<T> => ({
  ok: false,
  rule,
  message,
});

/** Quotes a rejected input for a message, JSON-style so whitespace and odd characters stay visible. */
export const show = (value: unknown): string =>
  typeof value === 'string' ? JSON.stringify(value) : `a ${value === null ? 'null' : typeof value}`;
