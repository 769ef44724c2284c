// DCSA Port Call 2.0 over HTTP: the subscriber endpoint `POST /port-call/v2/events`, through which
// a call's carrier and terminal send each other timestamps and moves forecasts, and the publisher
// endpoint `GET /port-call/v2/events`, through which every party that may see a call reads them.
//
// An event names its call by `terminalCall.terminalCallID` (the portCallID of this platform) or
// by `terminalCall.terminalCallReference` (the carrier's reference), looked up among the calls the
// sender is a party of; with both, they must agree.
//
// Answers: a request of one event answers with that event's status — 200 with the result, or the
// RFC 7807 problem (400/403/404/409). A request of several answers 200 with one result per event,
// in order (`results`, with a problem for each rejected one). Either way the DCSA
// `feedbackElements` name each rejected field by JSONPath (`$.events[2].timestamp.serviceDateTime`),
// and every problem on these routes carries them too.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { requirePrincipal } from '../../../core/auth.js';
import type { AppContext } from '../../../core/context.js';
import { textAnswer } from '../../../core/schemas.js';
import { subscriptionRoutes } from '../../../core/subscriptionRoutes.js';
import { invalid, sendProblem, type FieldError, type Problem } from '../../../core/errors.js';
import { auditRead } from '../access.js';
import { nextPageHeaders } from '../../../core/paging.js';
import { parseQuery, readPage } from '../paging.js';
import { MAX_EVENTS_PER_REQUEST, publishEvents, type ItemResult } from './publish.js';
import { pc } from '../schema.js';
import { FeedbackElementSchema, PortCallEventResultSchema, PortCallEventSchema, PortCallSubscriptionSchema } from '../schemas.js';
import { PORT_CALL_API_VERSION, TIMESTAMP_FILTERS, TIMESTAMP_TOPIC } from './topic.js';
import { queryTimestamps, type TimestampFilter } from '../calls/store.js';

const PREFIX = '/port-call/v2/';
const tags = ['Port Call (DCSA 2.0)'];
const MAX_BODY_BYTES = 8 * 1024 * 1024;
const FILTERS = TIMESTAMP_FILTERS;

// Parameters of the standard this publisher does not filter by: rejected, as the standard allows,
// rather than ignored (an ignored filter would return more than the client asked for).
const UNSUPPORTED = ['portVisitReference', 'carrierServiceName', 'universalServiceReference', 'universalImportVoyageReference', 'universalExportVoyageReference', 'vesselName', 'vesselMMSINumber', 'portCallID', 'portCallServiceID', 'timestampID'];

/** `/body/events/2/timestamp` → `$.events[2].timestamp`; pointers outside the body have no path. */
export function jsonPath(pointer: string): string | undefined {
  if (pointer !== '/body' && !pointer.startsWith('/body/')) return undefined;
  const parts = pointer.split('/').slice(2).map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  return `$${parts.map((p) => (/^\d+$/.test(p) ? `[${p}]` : /^[A-Za-z_][A-Za-z0-9_]*$/.test(p) ? `.${p}` : `['${p.replace(/'/g, "\\'")}']`)).join('')}`;
}

interface FeedbackElement { severity: 'ERROR' | 'WARN' | 'INFO'; message: string; propertyPath?: string }

const feedback = (errors: FieldError[]): FeedbackElement[] => errors.map((e) => {
  const path = jsonPath(e.pointer);
  return { severity: 'ERROR', message: path ? `${e.rule}: ${e.detail}` : `${e.pointer}: ${e.rule}: ${e.detail}`, ...(path ? { propertyPath: path } : {}) };
});
const withFeedback = (p: Problem) => ({ ...p, feedbackElements: p.errors?.length ? feedback(p.errors) : [{ severity: 'ERROR' as const, message: p.detail ?? p.title }] });

function requestEvents(body: unknown): unknown[] {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw invalid('/body', 'type', 'the body is a PostEventsRequest: {"events": [...]}');
  const extra = Object.keys(body).find((k) => k !== 'events');
  if (extra) throw invalid(`/body/${extra}`, 'additionalProperties', `unknown field ${extra}`);
  const events = (body as { events?: unknown }).events;
  if (!Array.isArray(events)) throw invalid('/body/events', events === undefined ? 'required' : 'type', 'events must be an array of events');
  if (events.length === 0) throw invalid('/body/events', 'minItems', 'send at least one event');
  if (events.length > MAX_EVENTS_PER_REQUEST) throw invalid('/body/events', 'maxItems', `a request holds at most ${MAX_EVENTS_PER_REQUEST} events`);
  return events;
}

export async function eventRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const db = pc(ctx.db);

  // Every answer of these routes names the DCSA version; problems also carry feedbackElements.
  // (Added after the core's hook, so it runs later and wins.)
  app.addHook('onSend', async (request: FastifyRequest, reply: FastifyReply, payload: unknown) => {
    if (!request.url.startsWith(PREFIX)) return payload;
    reply.header('API-Version', PORT_CALL_API_VERSION);
    if (typeof payload !== 'string' || !String(reply.getHeader('content-type') ?? '').includes('problem+json')) return payload;
    const p = JSON.parse(payload) as Problem & { feedbackElements?: unknown };
    return p.feedbackElements ? payload : JSON.stringify(withFeedback(p));
  });

  r.post('/port-call/v2/events', {
    bodyLimit: MAX_BODY_BYTES,
    schema: {
      tags, summary: `Send timestamps and moves forecasts of port calls (up to ${MAX_EVENTS_PER_REQUEST} events)`,
      description: 'Idempotent on eventID: the same event again is a duplicate, other content under a known eventID a conflict. Each event is judged on its own; a rejected event writes nothing.',
      body: Type.Object({ events: Type.Array(PortCallEventSchema) }),
      response: { 200: Type.Object({ results: Type.Array(PortCallEventResultSchema), feedbackElements: Type.Array(FeedbackElementSchema) }) },
    },
    // Events are validated one by one (model.ts), so that a bad event rejects only itself.
    validatorCompiler: () => (data: unknown) => ({ value: data }),
  }, async (request, reply) => {
    const who = requirePrincipal(request);
    const events = requestEvents(request.body);
    const { results } = await publishEvents(ctx.commands, who, events, (i) => `/body/events/${i}`);
    if (events.length === 1 && results[0].problem) return sendProblem(reply, withFeedback({ ...results[0].problem, instance: request.url }) as Problem);
    return reply.code(200).send({ results, feedbackElements: results.flatMap((res, i) => itemFeedback(res, i)) });
  });

  r.get('/port-call/v2/events', {
    schema: {
      tags, summary: 'Events of the port calls you may see (DCSA filters, cursor paging with Next-Page-Cursor)',
      description: `Filters: ${Object.keys(FILTERS).join(', ')}, limit, cursor. eventTimestampMin/Max apply to eventUpdatedDateTime (the time of receipt when the sender gave none). Unsupported filters of the standard are rejected with 400.`,
      querystring: Type.Object({}, { additionalProperties: true }),
      response: { 200: Type.Object({ events: Type.Array(PortCallEventSchema) }) },
    },
  }, async (request, reply) => {
    const who = requirePrincipal(request);
    const unsupported = Object.keys(request.query as object).find((k) => UNSUPPORTED.includes(k));
    if (unsupported) throw invalid(`/query/${unsupported}`, 'unsupported', `this publisher does not filter by ${unsupported}; it supports ${Object.keys(FILTERS).join(', ')}`);
    const scope = { list: 'GET /port-call/v2/events', partyId: who.partyId };
    const { filter, query, limit, after } = readPage<TimestampFilter>(ctx.cursors, scope, request.query as Record<string, unknown>, FILTERS);
    const page = await queryTimestamps(db, who, filter, { afterSeq: after, limit });
    await auditRead(ctx.db, who, 'read', request, { events: page.items.length, portCallIds: [...new Set(page.items.map((t) => t.port_call_id))].slice(0, 200) });
    nextPageHeaders(request, reply, ctx.cursors, scope, page.nextAfter, query, limit);
    // Stored bodies are events as sent (already validated), returned without re-shaping.
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    return { events: page.items.map((t) => JSON.parse(t.body) as any) };
  });

  // Notifications of new timestamps, through the core's machinery (signed webhooks with retries and
  // dead letters; the live stream), with the same filters as the GET.
  await subscriptionRoutes(app, ctx, { path: '/port-call/v2/event-subscriptions', topic: TIMESTAMP_TOPIC, tags, schema: PortCallSubscriptionSchema });

  r.get('/port-call/v2/stream', {
    schema: { tags, summary: 'Server-sent events: new timestamps of the port calls you may see, with the GET filters', querystring: Type.Object({}, { additionalProperties: true }),
      response: { 200: textAnswer('text/event-stream', 'Server-sent events: `event: timestamp` with the DCSA Port Call event as data; `event: end` when the stream ends') } },
  }, async (request, reply) => {
    const who = requirePrincipal(request);
    const filter = parseQuery<TimestampFilter>(request.query as Record<string, unknown>, FILTERS);
    ctx.stream.admit(who);
    await auditRead(ctx.db, who, 'read', request, { stream: true });
    // A hijacked reply skips onSend, where other answers wait for the audit record's flush.
    if (who.authority) await ctx.flush();
    reply.hijack();
    await ctx.stream.open(TIMESTAMP_TOPIC, who, filter, reply, '/port-call/v2/stream');
  });
}

function itemFeedback(res: ItemResult, i: number): FeedbackElement[] {
  if (res.problem) return feedback(res.problem.errors ?? [{ pointer: `/body/events/${i}`, rule: res.problem.type, detail: res.problem.detail ?? '' }]);
  if (res.result === 'duplicate') return [{ severity: 'INFO', message: `event ${res.eventID} was received before; nothing changed`, propertyPath: `$.events[${i}]` }];
  return [];
}
