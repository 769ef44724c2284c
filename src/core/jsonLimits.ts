// Bounds on the shape of parsed JSON input, checked before anything else touches it. V8 parses
// JSON of any depth, but serialises it again (`JSON.stringify`, canonical JSON, the answers of
// list reads) recursively: a value nested a few thousand levels deep that is accepted and stored
// answers 500 on every later read that includes it. NUL characters are refused too: PostgreSQL
// text cannot hold them, so one would fail the whole transaction it is written in.
import type { FieldError } from './errors.js';

/** Deeper than any body this API takes (a DCSA event is 4 levels deep, a port call event 6). */
export const MAX_BODY_DEPTH = 32;

export interface JsonLimits {
  /** Containers (objects, arrays) nested in one another, the outermost counting as 1. */
  maxDepth: number;
  /** Characters of any string value or object key. */
  maxStringLength?: number;
  /** Refuse NUL characters (the default). */
  noNul?: boolean;
}

/** A JSON pointer segment (RFC 6901). */
export const pointerSegment = (key: string) => key.replace(/~/g, '~0').replace(/\//g, '~1');

/**
 * The first part of `value` that breaks the limits, as a field error naming its pointer (below
 * `at`) and the rule: `maxDepth`, `maxLength` or `noNul`. Recursion stops at `maxDepth`, so
 * the walk itself cannot overflow the stack.
 */
export function jsonLimitError(value: unknown, at: string, limits: JsonLimits): FieldError | undefined {
  const path: string[] = [];
  const pointer = () => `${at}${path.map((p) => `/${pointerSegment(p)}`).join('')}`;
  const text = (s: string, what: string): FieldError | undefined => {
    if (limits.noNul !== false && s.includes('\u0000')) return { pointer: pointer(), rule: 'noNul', detail: `${what} must not contain the NUL character (\\u0000)` };
    if (limits.maxStringLength !== undefined && s.length > limits.maxStringLength) {
      return { pointer: pointer(), rule: 'maxLength', detail: `${what} must have at most ${limits.maxStringLength} characters` };
    }
    return undefined;
  };
  const visit = (v: unknown, depth: number): FieldError | undefined => {
    if (typeof v === 'string') return text(v, 'a text');
    if (typeof v !== 'object' || v === null) return undefined;
    if (depth > limits.maxDepth) return { pointer: pointer(), rule: 'maxDepth', detail: `values may be nested at most ${limits.maxDepth} levels deep` };
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        path.push(String(i));
        const e = visit(v[i], depth + 1);
        if (e) return e;
        path.pop();
      }
      return undefined;
    }
    for (const key of Object.keys(v)) {
      path.push(key);
      const e = text(key, 'a field name') ?? visit((v as Record<string, unknown>)[key], depth + 1);
      if (e) return e;
      path.pop();
    }
    return undefined;
  };
  return visit(value, 1);
}
