// Request rates (@fastify/rate-limit): a request with an API key counts against that key, any
// other (the web app's, anonymous ones) against its address. The defaults are far above what the
// simulator and the benchmarks send (a publisher's batches of 500 events, several a second), so
// they stop runaway clients and floods, not real traffic. Counters are per node, in memory.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import rateLimit from '@fastify/rate-limit';
import type { Limits } from './config.js';
import { RetryLater } from './errors.js';

// Probes and scrapes come often and from the operator's own systems.
const UNLIMITED_PATHS = new Set(['/health', '/ready', '/metrics']);

/** Registers the limits; call after the authentication hook, so that the caller's key is known. */
export async function registerRateLimits(app: FastifyInstance, limits: Limits): Promise<void> {
  const perKey = (request: FastifyRequest) => request.principal?.actor.startsWith('key:') === true;
  await app.register(rateLimit, {
    global: true,
    timeWindow: 60_000,
    keyGenerator: (request) => (perKey(request) ? request.principal!.actor : `address:${request.ip}`),
    max: (request) => (perKey(request) ? limits.requestsPerMinutePerKey : limits.requestsPerMinutePerAddress),
    allowList: (request) => {
      if (UNLIMITED_PATHS.has(request.url.split('?')[0])) return true;
      return (perKey(request) ? limits.requestsPerMinutePerKey : limits.requestsPerMinutePerAddress) === 0;
    },
    // The limit is told with Retry-After (and X-RateLimit-* on the refusal only: the headers on
    // every answer would cost the hot paths for nothing).
    addHeadersOnExceeding: { 'x-ratelimit-limit': false, 'x-ratelimit-remaining': false, 'x-ratelimit-reset': false },
    errorResponseBuilder: (request, context) => new RetryLater('rate-limited',
      `more than ${context.max} requests a minute ${perKey(request) ? 'with this API key' : 'from this address'}; try again in ${context.after}`,
      context.ttl / 1000),
  });
}
