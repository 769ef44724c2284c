// Hand-written validation of one JSON document (an event of a batch) that collects every broken
// rule with the JSON pointer of its field, so that a batch answers per item and every error names
// its field. The modules validate this way where a route schema cannot: an item that fails must
// reject only itself, and rules depend on other fields. The rule codes are those of Ajv's keywords
// (`required`, `type`, `enum`, ...) and of `src/standards`, so every error reads the same whichever
// way it was found.
import type { FieldError } from './errors.js';
import { validateDateTime, type ValidationResult } from '../standards/index.js';

export type Obj = Record<string, unknown>;
export const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Collects the errors of one document; `at` is its JSON pointer in the request (`/body/3`), `path`
 * of each check the pointer of the object holding `key` within it. Every check returns the value
 * (canonical where a validator says so) or undefined when it is missing or broken. `Param` is the
 * type of the values a module's messages take (`params`).
 */
export class FieldChecker<Param = unknown> {
  readonly errors: FieldError[] = [];
  constructor(readonly at: string) {}

  /** `params` fill in the rule's message in the reader's language. */
  fail(path: string, rule: string, detail: string, params?: Record<string, Param>): undefined {
    this.errors.push(params ? { pointer: `${this.at}${path}`, rule, detail, params } : { pointer: `${this.at}${path}`, rule, detail });
    return undefined;
  }

  /** Rejects the keys of `o` that are not in `allowed`. */
  known(o: Obj, path: string, allowed: readonly string[]): void {
    for (const key of Object.keys(o)) if (!allowed.includes(key)) this.fail(`${path}/${key}`, 'additionalProperties', `unknown field ${key}`);
  }

  present(o: Obj, key: string): boolean {
    return o[key] !== undefined && o[key] !== null;
  }

  required(o: Obj, key: string, path: string): boolean {
    if (this.present(o, key)) return true;
    this.fail(`${path}/${key}`, 'required', `${key} is required`);
    return false;
  }

  string(o: Obj, key: string, path: string, opts: { required?: boolean; max?: number; pattern?: RegExp; patternText?: string } = {}): string | undefined {
    if (!this.present(o, key)) return opts.required ? this.fail(`${path}/${key}`, 'required', `${key} is required`) : undefined;
    const v = o[key];
    if (typeof v !== 'string') return this.fail(`${path}/${key}`, 'type', `${key} must be a string`);
    if (v.length === 0) return this.fail(`${path}/${key}`, 'minLength', `${key} must not be empty`);
    if (opts.max && v.length > opts.max) return this.fail(`${path}/${key}`, 'maxLength', `${key} must have at most ${opts.max} characters`);
    if (opts.pattern && !opts.pattern.test(v)) return this.fail(`${path}/${key}`, 'pattern', `${key} must be ${opts.patternText ?? `like ${opts.pattern}`}`);
    return v;
  }

  uuid(o: Obj, key: string, path: string, required = false): string | undefined {
    const v = this.string(o, key, path, { required, max: 100 });
    if (v !== undefined && !UUID.test(v)) return this.fail(`${path}/${key}`, 'format', `${key} must be a UUID`);
    return v;
  }

  code<T extends string>(o: Obj, key: string, path: string, list: readonly T[], required = false): T | undefined {
    const v = this.string(o, key, path, { required });
    if (v === undefined) return undefined;
    if (!list.includes(v as T)) return this.fail(`${path}/${key}`, 'enum', `${key} must be one of ${list.join(', ')}; got "${v}"`);
    return v as T;
  }

  boolean(o: Obj, key: string, path: string): boolean | undefined {
    if (!this.present(o, key)) return undefined;
    if (typeof o[key] !== 'boolean') return this.fail(`${path}/${key}`, 'type', `${key} must be true or false`);
    return o[key] as boolean;
  }

  number(o: Obj, key: string, path: string, opts: { integer?: boolean; min?: number; exclusiveMin?: number; max?: number } = {}): number | undefined {
    if (!this.present(o, key)) return undefined;
    const v = o[key];
    if (typeof v !== 'number' || !Number.isFinite(v)) return this.fail(`${path}/${key}`, 'type', `${key} must be a number`);
    if (opts.integer && !Number.isInteger(v)) return this.fail(`${path}/${key}`, 'type', `${key} must be an integer`);
    if (opts.min !== undefined && v < opts.min) return this.fail(`${path}/${key}`, 'minimum', `${key} must be at least ${opts.min}`);
    if (opts.exclusiveMin !== undefined && v <= opts.exclusiveMin) return this.fail(`${path}/${key}`, 'exclusiveMinimum', `${key} must be more than ${opts.exclusiveMin}`);
    if (opts.max !== undefined && v > opts.max) return this.fail(`${path}/${key}`, 'maximum', `${key} must be at most ${opts.max}`);
    return v;
  }

  /** An ISO 8601 date-time with offset; returns it in UTC. */
  dateTime(o: Obj, key: string, path: string, opts: { required?: boolean; max?: number } = {}): string | undefined {
    const v = this.string(o, key, path, opts);
    if (v === undefined) return undefined;
    const r = validateDateTime(v);
    if (!r.ok) return this.fail(`${path}/${key}`, r.rule, `${key}: ${r.message}`);
    return r.value.utc;
  }

  /** A value checked by one of the validators of `src/standards`; returns its canonical form. */
  standard(o: Obj, key: string, path: string, check: (v: string) => ValidationResult<unknown>, opts: { required?: boolean; max?: number } = {}): string | undefined {
    const v = this.string(o, key, path, opts);
    if (v === undefined) return undefined;
    const r = check(v);
    if (!r.ok) return this.fail(`${path}/${key}`, r.rule, `${key}: ${r.message}`);
    return typeof r.value === 'string' ? r.value : v;
  }

  /** An object whose keys must be `allowed`; `null` leaves its keys open (checked elsewhere, or free-form). */
  object(o: Obj, key: string, path: string, allowed: readonly string[] | null, required = false): Obj | undefined {
    if (!this.present(o, key)) return required ? this.fail(`${path}/${key}`, 'required', `${key} is required`) : undefined;
    const v = o[key];
    if (!isObj(v)) return this.fail(`${path}/${key}`, 'type', `${key} must be an object`);
    if (allowed) this.known(v, `${path}/${key}`, allowed);
    return v;
  }

  array(o: Obj, key: string, path: string, opts: { required?: boolean; min?: number; max?: number } = {}): unknown[] | undefined {
    if (!this.present(o, key)) return opts.required ? this.fail(`${path}/${key}`, 'required', `${key} is required`) : undefined;
    const v = o[key];
    if (!Array.isArray(v)) return this.fail(`${path}/${key}`, 'type', `${key} must be an array`);
    if (opts.min !== undefined && v.length < opts.min) return this.fail(`${path}/${key}`, 'minItems', `${key} needs at least ${opts.min} item(s)`);
    if (opts.max !== undefined && v.length > opts.max) return this.fail(`${path}/${key}`, 'maxItems', `${key} holds at most ${opts.max} items`);
    return v;
  }
}
