// Guards every route's input before its own validation: JSON bodies are parsed as Fastify does
// (secure-json-parse, refusing `__proto__` and `constructor.prototype`) and then bounded in depth
// (core/jsonLimits.ts); query strings and path parameters must not hold NUL characters, which
// PostgreSQL text cannot store or compare. Each refusal is a 400 naming the field and the rule.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { invalid, ProblemError } from './errors.js';
import { jsonLimitError, MAX_BODY_DEPTH } from './jsonLimits.js';

export function registerInputGuards(app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    let failure: Error | null = null;
    let value: unknown;
    // The default parser answers synchronously.
    parseJson(request, body as string, (err: Error | null, parsed?: unknown) => { failure = err; value = parsed; });
    if (failure) return done(failure, undefined);
    const e = jsonLimitError(value, '/body', { maxDepth: MAX_BODY_DEPTH });
    if (e) return done(new ProblemError('validation', `${e.pointer}: ${e.detail}`, [e]), undefined);
    done(null, value);
  });

  app.addHook('preValidation', async (request: FastifyRequest) => {
    for (const [part, values] of [['query', request.query], ['params', request.params]] as const) {
      if (typeof values !== 'object' || values === null) continue;
      // Values are strings, or lists of strings for a repeated query parameter.
      const e = jsonLimitError(values, `/${part}`, { maxDepth: 2 });
      if (e) throw e.rule === 'maxDepth' ? invalid(e.pointer, 'type', 'a parameter is text') : new ProblemError('validation', `${e.pointer}: ${e.detail}`, [e]);
    }
  });
}
