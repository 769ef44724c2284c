// Builds the Fastify app (no listening here: tests use `inject`, the server calls `listen`).
import { existsSync } from 'node:fs';
import Fastify, { type FastifyInstance } from 'fastify';
import cookie from '@fastify/cookie';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { registerAuth } from './auth.js';
import type { AppContext, PlatformModule } from './context.js';
import { TNT_API_VERSION } from './delivery.js';
import { problem, registerProblemHandlers, routeNotFound, sendProblem } from './errors.js';
import { migrationsApplied, type MigrationSet } from './migrations.js';
import { dbMetrics, ping } from './db.js';
import { registerInputGuards } from './input.js';
import { coreRoutes } from './routes.js';
import { lowDiskSpace, statusRoutes } from './status.js';

export const PLATFORM_API_VERSION = '1.0.0';
const DEFAULT_BODY_LIMIT_BYTES = 1024 * 1024;

export async function buildApp(ctx: AppContext, modules: PlatformModule[], migrationSets: MigrationSet[], options: { logger?: boolean | object } = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit: DEFAULT_BODY_LIMIT_BYTES,
    // Bad input is rejected, never silently fixed: no type coercion, no stripping of unknown fields.
    ajv: { customOptions: { coerceTypes: false, removeAdditional: false, allErrors: true } },
  });
  // Response schemas document the API; answers are plain JSON so that nothing is silently dropped.
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));
  registerProblemHandlers(app);
  registerInputGuards(app);
  await app.register(cookie);
  registerAuth(app, ctx.db);

  // Nothing acknowledged is lost: a request that may have written — a change, or an authority's
  // read with its audit record — answers only once its commits are on disk.
  app.addHook('onSend', async (request, reply) => {
    if ((request.method !== 'GET' && request.method !== 'HEAD') || request.principal?.authority) await ctx.flush();
    if (!reply.hasHeader('API-Version')) reply.header('API-Version', request.url.startsWith('/v2/') ? TNT_API_VERSION : PLATFORM_API_VERSION);
  });

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Jiaozhou — Qingdao port community platform API',
        version: PLATFORM_API_VERSION,
        description: 'Track & trace in the DCSA Track & Trace 2.2 shape, access grants, subscriptions and administration. Errors are RFC 7807 problem details.',
      },
      components: { securitySchemes: { apiKey: { type: 'http', scheme: 'bearer' }, session: { type: 'apiKey', in: 'cookie', name: 'jz_session' } } },
      security: [{ apiKey: [] }, { session: [] }],
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  app.get('/health', { schema: { tags: ['Operations'], summary: 'Liveness' } }, async () => ({ status: 'ok' }));
  app.get('/ready', { schema: { tags: ['Operations'], summary: 'Database reachable, migrations applied and, for the embedded database, disk space left' } }, async (_request, reply) => {
    const unready = (detail: string) => sendProblem(reply, problem('unavailable', detail));
    try {
      await ping(ctx.db);
      if (!(await migrationsApplied(ctx.db, ctx.dialect, migrationSets))) return unready('migrations pending');
    } catch {
      return unready('database unreachable');
    }
    const low = await lowDiskSpace(ctx);
    if (low) return unready(low);
    return { status: 'ready', database: ctx.dialect };
  });

  app.get('/metrics', { schema: { tags: ['Operations'], summary: 'Counters in the Prometheus text format' } }, async (_request, reply) => {
    const lines = [
      '# HELP jiaozhou_db_queries_total Database statements executed.', '# TYPE jiaozhou_db_queries_total counter', `jiaozhou_db_queries_total ${dbMetrics.queries}`,
      '# HELP jiaozhou_db_query_errors_total Database statements that failed.', '# TYPE jiaozhou_db_query_errors_total counter', `jiaozhou_db_query_errors_total ${dbMetrics.errors}`,
      '# HELP jiaozhou_db_query_seconds_total Time spent executing database statements, summed.', '# TYPE jiaozhou_db_query_seconds_total counter', `jiaozhou_db_query_seconds_total ${dbMetrics.seconds.toFixed(6)}`,
      '# HELP jiaozhou_db_busy_seconds_total Wall time with at least one database statement running.', '# TYPE jiaozhou_db_busy_seconds_total counter', `jiaozhou_db_busy_seconds_total ${dbMetrics.busySeconds.toFixed(6)}`,
      '# HELP jiaozhou_events_stored_total Events stored by this process.', '# TYPE jiaozhou_events_stored_total counter', `jiaozhou_events_stored_total ${ctx.events.stored}`,
      '# HELP jiaozhou_event_commits_total Event store transactions committed (one may carry several requests).', '# TYPE jiaozhou_event_commits_total counter', `jiaozhou_event_commits_total ${ctx.events.commits}`,
      '# HELP jiaozhou_event_requests_total Publish requests written by those transactions.', '# TYPE jiaozhou_event_requests_total counter', `jiaozhou_event_requests_total ${ctx.events.groupedRequests}`,
    ];
    return reply.type('text/plain; version=0.0.4').send(`${lines.join('\n')}\n`);
  });

  await coreRoutes(app, ctx);
  await statusRoutes(app, ctx);
  for (const m of modules) await m.register(app, ctx);

  const web = existsSync(ctx.config.webDir);
  if (web) await app.register(fastifyStatic, { root: ctx.config.webDir, prefix: '/', wildcard: false });
  // The web app routes on the client: unknown GETs outside the API get its index page.
  const apiPrefixes = ['/v1/', '/v2/', '/port-call/', '/admin/', '/docs', '/health', '/ready', '/metrics'];
  app.setNotFoundHandler((request, reply) => {
    if (web && request.method === 'GET' && !apiPrefixes.some((p) => request.url.startsWith(p))) return reply.sendFile('index.html');
    return sendProblem(reply, routeNotFound(request));
  });
  return app;
}
