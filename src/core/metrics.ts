// Prometheus metrics (prom-client) at `/metrics`: request rates and latencies per route, ingest,
// webhook delivery backlog and dead letters, live-stream listeners, the database (statements, time,
// PostgreSQL pool) and the process (event-loop delay, heap, GC). Only operators read them: an
// admin principal, or a scraper with JIAOZHOU_METRICS_TOKEN as its bearer token. The counters the
// benchmarks read (jiaozhou_db_busy_seconds_total, jiaozhou_event_*_total) keep their names.
import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { requireRole } from './auth.js';
import type { AppContext } from './context.js';
import { dbMetrics, poolStats } from './db.js';
import { textAnswer } from './schemas.js';

const CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

// Process metrics (event-loop delay, heap, GC) observe the process, not an app: one set per process,
// however many apps (tests) it builds.
let processRegistry: Registry | undefined;
function processMetrics(): Registry {
  if (!processRegistry) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry, eventLoopMonitoringPrecision: 10 });
  }
  return processRegistry;
}

/** A counter whose value lives elsewhere (a module's own tally), read at each scrape. */
function mirroredCounter(registry: Registry, name: string, help: string, read: () => number) {
  return new Counter({ name, help, registers: [registry], collect() { this.reset(); this.inc(read()); } });
}

function appMetrics(ctx: AppContext): { registry: Registry; requestSeconds: Histogram<'method' | 'route' | 'status'> } {
  const registry = new Registry();
  const requestSeconds = new Histogram({
    name: 'jiaozhou_http_request_duration_seconds',
    help: 'HTTP requests by method, route (its pattern) and status, and how long they took to answer.',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  mirroredCounter(registry, 'jiaozhou_db_queries_total', 'Database statements executed.', () => dbMetrics.queries);
  mirroredCounter(registry, 'jiaozhou_db_query_errors_total', 'Database statements that failed.', () => dbMetrics.errors);
  mirroredCounter(registry, 'jiaozhou_db_query_seconds_total', 'Time spent executing database statements, summed.', () => dbMetrics.seconds);
  mirroredCounter(registry, 'jiaozhou_db_busy_seconds_total', 'Wall time with at least one database statement running.', () => dbMetrics.busySeconds);
  mirroredCounter(registry, 'jiaozhou_events_stored_total', 'Events stored by this process.', () => ctx.ingest.reduce((n, i) => n + i.stored, 0));
  mirroredCounter(registry, 'jiaozhou_event_commits_total', 'Event store transactions committed (one may carry several requests).', () => ctx.ingest.reduce((n, i) => n + i.commits, 0));
  mirroredCounter(registry, 'jiaozhou_event_requests_total', 'Publish requests written by those transactions.', () => ctx.ingest.reduce((n, i) => n + i.groupedRequests, 0));
  new Gauge({
    name: 'jiaozhou_stream_listeners', help: 'Live-stream (server-sent events) connections open on this node.', registers: [registry],
    collect() { this.set(ctx.stream.listenerCount); },
  });
  new Gauge({
    name: 'jiaozhou_db_pool_connections', help: 'PostgreSQL pool connections: total, idle, and requests waiting for one.', labelNames: ['state'] as const, registers: [registry],
    collect() {
      const pool = poolStats(ctx.db);
      if (!pool) return;
      this.set({ state: 'total' }, pool.total);
      this.set({ state: 'idle' }, pool.idle);
      this.set({ state: 'waiting' }, pool.waiting);
    },
  });
  new Gauge({
    name: 'jiaozhou_delivery_outbox', help: 'Webhook notifications waiting to be delivered (pending) and given up (dead letters), all nodes.', labelNames: ['status'] as const, registers: [registry],
    async collect() {
      const rows = await ctx.db.selectFrom('outbox').select(['status', (eb) => eb.fn.countAll<number>().as('n')])
        .where('status', 'in', ['pending', 'dead']).groupBy('status').execute();
      this.set({ status: 'pending' }, 0);
      this.set({ status: 'dead' }, 0);
      for (const r of rows) this.set({ status: r.status }, Number(r.n));
    },
  });
  return { registry, requestSeconds };
}

const sameToken = (given: string, expected: string) => {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
};

/**
 * Registers the metrics. Call before the authentication hook: a scrape with the metrics token is
 * answered before the API-key lookup, which would refuse the token as an unknown key.
 */
export function registerMetrics(app: FastifyInstance, ctx: AppContext): void {
  const { registry, requestSeconds } = appMetrics(ctx);
  const render = async (reply: FastifyReply) => {
    const text = (await processMetrics().metrics()) + (await registry.metrics());
    return reply.type(CONTENT_TYPE).header('Cache-Control', 'no-store').send(text);
  };
  const isMetrics = (request: FastifyRequest) => request.url.split('?')[0] === '/metrics' && request.method === 'GET';

  const token = ctx.config.metricsToken;
  if (token) {
    app.addHook('onRequest', async (request, reply) => {
      const bearer = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
      if (bearer && isMetrics(request) && sameToken(bearer, token)) return render(reply);
    });
  }

  app.addHook('onResponse', async (request, reply) => {
    requestSeconds.observe({ method: request.method, route: request.routeOptions.url ?? 'unmatched', status: String(reply.statusCode) }, reply.elapsedTime / 1000);
  });

  app.get('/metrics', { schema: { tags: ['Operations'], summary: 'Metrics in the Prometheus text format (an admin, or the bearer JIAOZHOU_METRICS_TOKEN)', response: { 200: textAnswer('text/plain', 'Prometheus text exposition format 0.0.4') } } }, async (request, reply) => {
    requireRole(request, 'admin');
    return render(reply);
  });
}
