// Builds the Fastify app (no listening here: tests use `inject`, the server calls `listen`).
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import Fastify, { LogController, type FastifyInstance } from 'fastify';
import cookie from '@fastify/cookie';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { registerAuth, requirePrincipal } from './auth.js';
import type { AppContext, PlatformModule } from './context.js';
import { problem, registerProblemHandlers, routeNotFound, sendProblem } from './errors.js';
import { migrationsApplied, type MigrationSet } from './migrations.js';
import { ping } from './db.js';
import { registerInputGuards } from './input.js';
import { coreRoutes } from './routes.js';
import { lowDiskSpace, statusRoutes } from './status.js';
import { registerSecurityHeaders } from './headers.js';
import { registerRateLimits } from './limits.js';
import { registerMetrics } from './metrics.js';
import { HealthSchema, PROBLEM_SCHEMA_ID, ProblemSchema, ReadySchema } from './schemas.js';

export const PLATFORM_API_VERSION = '1.0.0';
const DEFAULT_BODY_LIMIT_BYTES = 1024 * 1024;

// JSON logs (pino) that never carry credentials: should a header or a body ever be logged, these
// are censored. Request ids tie a request's lines together and travel in X-Request-Id.
const LOG_OPTIONS = {
  redact: {
    paths: [
      'req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]', 'headers.authorization', 'headers.cookie',
      'body.password', 'req.body.password', '*.password', 'password', '*.apiKey', '*.key', '*.token',
    ],
    censor: '[redacted]',
  },
};

/** A number of hops trusts that many proxies in front (proxy-addr's rule, as Fastify's docs give it). */
function trustProxy(setting: boolean | number | string) {
  return typeof setting === 'number' ? (_address: string, hop: number) => hop < setting : setting;
}

// A caller's (or its proxy's) X-Request-Id is kept when it is a plain token; else one is made.
const REQUEST_ID = /^[A-Za-z0-9._:@/+=-]{1,128}$/;
function requestId(raw: IncomingMessage): string {
  const given = raw.headers['x-request-id'];
  return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
}

export async function buildApp(ctx: AppContext, modules: PlatformModule[], migrationSets: MigrationSet[], options: { logger?: boolean | object } = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger: options.logger ? { ...LOG_OPTIONS, ...(options.logger === true ? {} : options.logger) } : false,
    genReqId: requestId,
    logController: new LogController({ requestIdLogLabel: 'requestId' }),
    // The router's own refusals (a path parameter over 100 characters, bad percent-encoding) are
    // problems like every other answer.
    frameworkErrors: (error, request, reply) => sendProblem(reply, problem('validation', error.message, [{ pointer: '/params', rule: error.code === 'FST_ERR_MAX_PARAM_LENGTH' ? 'maxLength' : 'uri', detail: error.message }], request.url)),
    trustProxy: trustProxy(ctx.config.trustProxy),
    bodyLimit: DEFAULT_BODY_LIMIT_BYTES,
    // Bad input is rejected, never silently fixed: no type coercion, no stripping of unknown fields.
    ajv: { customOptions: { coerceTypes: false, removeAdditional: false, allErrors: true } },
  });
  // Response schemas document the API; answers are plain JSON so that nothing is silently dropped.
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));
  registerProblemResponses(app);
  registerProblemHandlers(app);
  registerInputGuards(app);
  // Before any route (the metrics' too), so that the document lists every route.
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
    // Schemas added with `app.addSchema` become components named by their $id (not def-0, def-1…).
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => (typeof json.$id === 'string' ? json.$id : `def-${i}`) },
  });
  app.addHook('onRequest', async (request, reply) => { reply.header('X-Request-Id', request.id); });
  await registerSecurityHeaders(app);
  await app.register(cookie);
  registerMetrics(app, ctx); // before the authentication hook: see registerMetrics
  registerAuth(app, ctx.db);
  await registerRateLimits(app, ctx.config.limits);

  // Nothing acknowledged is lost: a request that may have written — a change, or an authority's
  // read with its audit record — answers only once its commits are on disk.
  app.addHook('onSend', async (request, reply) => {
    if ((request.method !== 'GET' && request.method !== 'HEAD') || request.principal?.authority) await ctx.flush();
    if (!reply.hasHeader('API-Version')) reply.header('API-Version', PLATFORM_API_VERSION);
  });

  // The API's documentation is for the platform's users: a session (the browser) or an API key.
  await app.register(swaggerUi, { routePrefix: '/docs', uiHooks: { onRequest: async (request) => { requirePrincipal(request); } } });

  app.get('/health', { schema: { tags: ['Operations'], summary: 'Liveness', response: { 200: HealthSchema } } }, async () => ({ status: 'ok' }));
  app.get('/ready', { schema: { tags: ['Operations'], summary: 'Database reachable, migrations applied and, for the embedded database, disk space left', response: { 200: ReadySchema } } }, async (_request, reply) => {
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

/**
 * Every route may answer a problem (core/errors.ts): its 4XX and 5XX answers are the one Problem
 * schema, added here to each route's documented responses unless the route says otherwise.
 */
function registerProblemResponses(app: FastifyInstance): void {
  app.addSchema(ProblemSchema);
  const answer = { description: 'RFC 7807 problem details', content: { 'application/problem+json': { schema: { $ref: `${PROBLEM_SCHEMA_ID}#` } } } };
  app.addHook('onRoute', (route) => {
    if (!route.schema || route.schema.hide) return;
    route.schema = { ...route.schema, response: { '4xx': answer, '5xx': answer, ...(route.schema.response as object | undefined) } };
  });
}
