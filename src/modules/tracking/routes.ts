// HTTP face of track & trace: the DCSA Track & Trace 2.2 event API (`/v2/events`,
// `/v2/event-subscriptions`) and the convenience reads of the web app (`/v1/containers`, ...).
// Each route reads as: authenticate → validate → (transaction → authorise → command) → present.
import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { requirePrincipal, type Principal } from '../../core/auth.js';
import { audit } from '../../core/audit.js';
import type { AppContext } from '../../core/context.js';
import { localCallbackHost } from '../../core/callbacks.js';
import { listDeadLetters, MAX_REPLAY_IDS, replayDeadLetters } from '../../core/delivery.js';
import { invalid, notFound, problem, ProblemError, sendProblem } from '../../core/errors.js';
import { eventVisibleTo } from '../../core/access.js';
import { containerTimeline, fromRow, getEvent, publisherOf, queryEvents, type EventFilter, type StoredEvent, type TimelineEvent } from '../../core/events.js';
import { refusedPublishes } from '../../core/ownership.js';
import { idempotent } from '../../core/idempotency.js';
import { MAX_PAGE_SIZE, readPageRequest } from '../../core/cursors.js';
import { subscriptionSecretContext } from '../../core/secrets.js';
import { nowIso } from '../../core/time.js';
import { validateContainerNumber } from '../../standards/index.js';
import { FILTER_PARAMETERS, parseEventFilter } from './filters.js';
import { MAX_BATCH_EVENTS } from './model.js';
import { EventValidator } from './validator.js';
import { DeadLetterSchema, NoContent, ReplayedSchema, textAnswer } from '../../core/schemas.js';
import {
  ContainerTimelineSchema, EventSchema, PublishResultSchema, RecentContainerSchema, ServedEventSchema, ShipmentContainersSchema, SubscriptionSchema,
} from './schemas.js';

const DEFAULT_PAGE_SIZE = 100;
const MAX_BATCH_BODY_BYTES = 16 * 1024 * 1024;
const MAX_SHIPMENT_EVENTS_SCANNED = 20_000;
/** Cursors of this list are valid for it alone (and for the party they were issued to). */
const EVENT_LIST = 'GET /v2/events';

/** Each subscription is a query on every write of events: a party gets a bounded number. */
const MAX_SUBSCRIPTIONS_PER_PARTY = 100;

function parseLimit(raw: unknown): number {
  if (raw === undefined) return DEFAULT_PAGE_SIZE;
  const n = Number(raw);
  if (typeof raw !== 'string' || !/^\d+$/.test(raw) || n < 1 || n > MAX_PAGE_SIZE) throw invalid('/query/limit', 'range', `limit must be an integer from 1 to ${MAX_PAGE_SIZE}`);
  return n;
}

// Stored bodies are events as published (already validated), returned without re-shaping.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const bodies = (events: StoredEvent[]): any[] => events.map((e) => JSON.parse(e.body));

/** Authorities see across parties by their legal role; every such read is recorded. */
async function auditAuthorityRead(ctx: AppContext, viewer: Principal, request: FastifyRequest, events: Pick<StoredEvent, 'equipmentReference'>[]) {
  if (!viewer.authority) return;
  const boxes = [...new Set(events.map((e) => e.equipmentReference).filter(Boolean))];
  await audit(ctx.db, viewer, {
    action: 'events.read', resource: request.url.split('?')[0],
    detail: { query: request.query, events: events.length, equipmentReferences: boxes.slice(0, 200) },
  });
}

export async function trackingRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();

  r.get('/v2/events', {
    schema: {
      tags: ['Track & Trace (DCSA 2.2)'],
      summary: 'Find events (DCSA filters, cursor paging)',
      querystring: Type.Object(Object.fromEntries([...FILTER_PARAMETERS, 'limit', 'cursor'].map((p) => [p, Type.Optional(Type.String())])), { additionalProperties: true }),
      response: { 200: Type.Array(ServedEventSchema) },
    },
  }, async (request, reply) => {
    const viewer = requirePrincipal(request);
    const scope = { list: EVENT_LIST, partyId: viewer.partyId };
    const { filter, query, limit, after } = readPageRequest(ctx.cursors, scope, request.query as Record<string, unknown>, (q) => parseEventFilter(q, '/query'), parseLimit);
    const page = await queryEvents(ctx.db, viewer, filter, { afterSeq: after, limit });
    await auditAuthorityRead(ctx, viewer, request, page.events);
    const path = request.url.split('?')[0];
    reply.header('Current-Page', request.url);
    if (page.nextAfter !== undefined) {
      const next = ctx.cursors.issue(scope, { query, after: page.nextAfter, limit });
      const url = `${path}?cursor=${next}`;
      reply.header('Next-Page-Cursor', next).header('Next-Page', url).header('Link', `<${url}>; rel="next"`);
    }
    return bodies(page.events);
  });

  r.get('/v2/events/:eventID', {
    schema: { tags: ['Track & Trace (DCSA 2.2)'], summary: 'One event', params: Type.Object({ eventID: Type.String() }), response: { 200: ServedEventSchema } },
  }, async (request) => {
    const viewer = requirePrincipal(request);
    const event = await getEvent(ctx.db, viewer, request.params.eventID);
    if (!event) throw notFound(`event ${request.params.eventID}`);
    await auditAuthorityRead(ctx, viewer, request, [event]);
    return JSON.parse(event.body);
  });

  // The publish route takes its body as bytes: decoding, parsing and validation happen together
  // on a worker thread (validator.ts), not on the main thread.
  const validator = new EventValidator();
  app.addHook('onClose', () => validator.close());
  await app.register(async (scope) => {
    // JSON only: any other type of body is a 415 (a text body once reached the validator as a string).
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('application/json', { parseAs: 'buffer', bodyLimit: MAX_BATCH_BODY_BYTES }, (_request, bytes, done) => done(null, bytes));
    scope.withTypeProvider<TypeBoxTypeProvider>().post('/v2/events', {
      bodyLimit: MAX_BATCH_BODY_BYTES,
      schema: {
        tags: ['Track & Trace (DCSA 2.2)'],
        summary: `Publish one event (201/200/409/400) or an array of up to ${MAX_BATCH_EVENTS} (200, one result per item)`,
        description: 'Idempotent on eventID: the same ID with the same content is a duplicate, with other content a conflict. Each item is validated on its own; a rejected item writes nothing.',
        body: Type.Union([EventSchema, Type.Array(EventSchema, { maxItems: MAX_BATCH_EVENTS })]),
        response: { 200: Type.Union([PublishResultSchema, Type.Array(PublishResultSchema)]), 201: PublishResultSchema },
      },
      // The schema documents the body; items are validated one by one, so that a bad item
      // rejects only itself.
      validatorCompiler: () => (data: unknown) => ({ value: data }),
    }, async (request, reply) => {
      const publisher = requirePrincipal(request);
      if (!Buffer.isBuffer(request.body)) throw invalid('/body', 'required', 'send one event or an array of events as application/json');
      const checked = await validator.check(request.body, new Date());
      if (!checked.ok) throw invalid(checked.errors[0].pointer, checked.errors[0].rule, checked.errors[0].detail);
      // A valid event may still not be this party's to send: a booking or B/L of a carrier it
      // does not act for, or another carrier's box (core/ownership.ts).
      const wellFormed = checked.items.flatMap((c, i) => (c.ok ? [{ i, event: c.event }] : []));
      const refused = await refusedPublishes(ctx.db, await ctx.ownership.current(), publisher.partyId, wellFormed.map((w) => w.event),
        (k) => (checked.single ? '/body' : `/body/${wellFormed[k].i}`));
      const refusals = new Map(wellFormed.flatMap((w, k) => (refused[k] ? [[w.i, refused[k]!] as const] : [])));
      const valid = wellFormed.filter((_, k) => !refused[k]).map((w) => w.event);
      const stored = await ctx.events.append(publisherOf(publisher), valid);
      let next = 0;
      const results = checked.items.map((c, i) => {
        if (!c.ok) return { eventID: c.eventID, result: 'rejected' as const, problem: problem('validation', `${c.errors[0].pointer}: ${c.errors[0].detail}`, c.errors) };
        const refusal = refusals.get(i);
        if (refusal) return { eventID: c.eventID, result: 'rejected' as const, problem: problem('forbidden', `${refusal.pointer}: ${refusal.detail}`, [refusal]) };
        const s = stored[next++];
        return s.result === 'conflict'
          ? { eventID: s.eventId, result: 'rejected' as const, problem: problem('conflict', `eventID ${s.eventId} was already published with other content`) }
          : { eventID: s.eventId, result: s.result };
      });
      if (!checked.single) return reply.code(200).send(results);
      const only = results[0];
      if (only.result === 'rejected') return sendProblem(reply, { ...only.problem!, instance: request.url });
      return reply.code(only.result === 'created' ? 201 : 200).send(only);
    });
  });

  // ---- convenience reads for the web app -------------------------------------------------

  r.get('/v1/containers', {
    schema: {
      tags: ['Tracking'], summary: 'Containers with the latest activity this party may see (newest first)',
      querystring: Type.Object({ limit: Type.Optional(Type.String({ pattern: '^[0-9]{1,3}$' })) }, { additionalProperties: false }),
      response: { 200: Type.Array(RecentContainerSchema) },
    },
  }, async (request) => {
    const viewer = requirePrincipal(request);
    const limit = Number(request.query.limit ?? 20);
    if (limit < 1 || limit > 200) throw invalid('/query/limit', 'range', 'limit must be from 1 to 200');
    const events = await latestEquipmentEvents(ctx, viewer, limit);
    await auditAuthorityRead(ctx, viewer, request, events);
    return events.map((e) => ({
      equipmentReference: e.equipmentReference!, equipmentEventTypeCode: e.equipmentEventTypeCode, eventDateTime: e.eventDateTime,
      UNLocationCode: e.UNLocationCode, eventClassifierCode: e.eventClassifierCode,
    }));
  });

  r.get('/v1/containers/:equipmentReference', {
    schema: { tags: ['Tracking'], summary: 'A container’s timeline and current status, as this party may see them', params: Type.Object({ equipmentReference: Type.String() }), response: { 200: Type.Unsafe<string>(ContainerTimelineSchema) } }, // sent as spliced text, below
  }, async (request, reply) => {
    const viewer = requirePrincipal(request);
    const v = validateContainerNumber(request.params.equipmentReference.toUpperCase());
    if (!v.ok) throw invalid('/params/equipmentReference', v.rule, v.message);
    const events = await containerTimeline(ctx.db, viewer, v.value);
    if (!events.length) throw notFound(`container ${v.value}`);
    await auditAuthorityRead(ctx, viewer, request, events);
    // The stored bodies go out as stored: spliced into the answer's text, not parsed and
    // serialised again (the busiest read of the web app; dozens of events each).
    const head = `{"equipmentReference":${JSON.stringify(v.value)},"status":${JSON.stringify(currentStatus(events))}`;
    return reply.type('application/json; charset=utf-8').send(`${head},"events":[${events.map(timelineEventJson).join(',')}]}`);
  });

  for (const [path, type] of [['/v1/bookings/:reference/containers', 'BKG'], ['/v1/transport-documents/:reference/containers', 'TRD']] as const) {
    r.get(path, {
      schema: { tags: ['Tracking'], summary: `The containers of a ${type === 'BKG' ? 'booking' : 'transport document (B/L)'} and their current status`, params: Type.Object({ reference: Type.String({ minLength: 1, maxLength: 100 }) }), response: { 200: ShipmentContainersSchema } },
    }, async (request) => {
      const viewer = requirePrincipal(request);
      const filter: EventFilter = type === 'BKG' ? { carrierBookingReference: request.params.reference } : { transportDocumentReference: request.params.reference };
      const { events } = await queryEvents(ctx.db, viewer, filter, { limit: MAX_SHIPMENT_EVENTS_SCANNED });
      if (!events.length) throw notFound(`${type === 'BKG' ? 'booking' : 'transport document'} ${request.params.reference}`);
      await auditAuthorityRead(ctx, viewer, request, events);
      const byBox = new Map<string, StoredEvent[]>();
      for (const e of events) if (e.equipmentReference) byBox.set(e.equipmentReference, [...(byBox.get(e.equipmentReference) ?? []), e]);
      return {
        referenceType: type, reference: request.params.reference,
        events: events.filter((e) => !e.equipmentReference).map(presentTimelineEvent),
        containers: [...byBox.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([box, evs]) => ({ equipmentReference: box, status: currentStatus(evs) })),
      };
    });
  }

  r.get('/v1/stream', {
    schema: { tags: ['Tracking'], summary: 'Server-sent events: new events this party may see, with the DCSA filters', querystring: Type.Object({}, { additionalProperties: true }),
      response: { 200: textAnswer('text/event-stream', 'Server-sent events: `event: event` with a served event as data; `event: end` when the stream ends') } },
  }, async (request, reply) => {
    const viewer = requirePrincipal(request);
    const filter = parseEventFilter(request.query as Record<string, unknown>, '/query');
    ctx.stream.admit(viewer);
    if (viewer.authority) {
      await audit(ctx.db, viewer, { action: 'events.stream', resource: '/v1/stream', detail: { query: request.query } });
      // A hijacked reply skips onSend, where other answers wait for the audit record's flush.
      await ctx.flush();
    }
    reply.hijack();
    reply.raw.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive', 'API-Version': '1.0.0' });
    reply.raw.write(': connected\n\n');
    // Admitted again: other streams of the party may have opened during the awaits above.
    try {
      ctx.stream.admit(viewer);
    } catch (e) {
      reply.raw.end(`event: end\ndata: ${JSON.stringify({ reason: (e as Error).message })}\n\n`);
      return;
    }
    await ctx.stream.open(viewer, filter, reply);
  });

  await subscriptionRoutes(app, ctx);
}

/** How far back in the global order "recent containers" looks. */
const RECENT_SCAN_EVENTS = 20_000;

/** The newest visible equipment event of each of the most recently active boxes. */
async function latestEquipmentEvents(ctx: AppContext, viewer: Principal, limit: number): Promise<StoredEvent[]> {
  const top = await ctx.db.selectFrom('events').select((eb) => eb.fn.max('seq').as('max')).executeTakeFirst();
  const from = Number(top?.max ?? 0) - RECENT_SCAN_EVENTS;
  const rows = await ctx.db.selectFrom('events').selectAll()
    .where('seq', '>', from).where('event_type', '=', 'EQUIPMENT').where(eventVisibleTo(viewer))
    .orderBy('seq', 'desc').limit(limit * 20).execute();
  const seen = new Map<string, StoredEvent>();
  for (const row of rows) {
    const e = fromRow(row);
    if (!seen.has(e.equipmentReference!)) seen.set(e.equipmentReference!, e);
    if (seen.size === limit) break;
  }
  return [...seen.values()];
}

/** The latest actual equipment event; estimates and plans do not move a box. */
function currentStatus(events: TimelineEvent[]) {
  const actual = events.filter((e) => e.eventType === 'EQUIPMENT' && e.eventClassifierCode === 'ACT')
    .sort((a, b) => a.eventDateTime.localeCompare(b.eventDateTime) || a.seq - b.seq);
  const last = actual.at(-1);
  if (!last) return null;
  const body = JSON.parse(last.body) as Record<string, unknown>;
  return {
    eventID: last.eventId, equipmentEventTypeCode: last.equipmentEventTypeCode, eventDateTime: last.eventDateTime,
    UNLocationCode: last.UNLocationCode, emptyIndicatorCode: (body.emptyIndicatorCode as string) ?? null,
  };
}

function presentTimelineEvent(e: TimelineEvent) {
  return { ...(JSON.parse(e.body) as Record<string, unknown>), eventDateTimeUTC: e.eventDateTime };
}

/** `presentTimelineEvent` as text: the stored body (a JSON object) with one member added. */
function timelineEventJson(e: TimelineEvent): string {
  return `${e.body.slice(0, e.body.lastIndexOf('}'))},"eventDateTimeUTC":${JSON.stringify(e.eventDateTime)}}`;
}

// ---- DCSA event subscriptions -------------------------------------------------------------

// Deprecated DCSA aliases (bookingReference, transportDocumentID, …) are rejected as unknown, not ignored.
const SUBSCRIPTION_FIELDS = ['subscriptionID', 'callbackUrl', 'secret'];

function parseCallbackUrl(value: unknown, allowLocal: boolean): string {
  if (typeof value !== 'string') throw invalid('/body/callbackUrl', 'required', 'callbackUrl is required');
  let url: URL;
  try { url = new URL(value); } catch { throw invalid('/body/callbackUrl', 'format', 'callbackUrl must be an absolute URL'); }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw invalid('/body/callbackUrl', 'format', 'callbackUrl must be http or https');
  if (value.length > 2000) throw invalid('/body/callbackUrl', 'maxLength', 'callbackUrl must have at most 2000 characters');
  const local = allowLocal ? undefined : localCallbackHost(url);
  if (local) throw invalid('/body/callbackUrl', 'publicAddress', `callbackUrl must reach a public address: ${local}`);
  return url.toString();
}

function parseSecret(value: unknown, pointer: string): string {
  if (typeof value !== 'string' || !/^[A-Za-z0-9+/]+={0,2}$/.test(value)) throw invalid(pointer, 'format', 'secret must be Base64');
  const bytes = Buffer.from(value, 'base64').length;
  if (bytes < 32 || bytes > 64) throw invalid(pointer, 'length', 'secret must decode to 32–64 bytes');
  return value;
}

function presentSubscription(row: { id: string; callback_url: string; filters: string; created_at: string; updated_at: string }) {
  return { subscriptionID: row.id, callbackUrl: row.callback_url, ...JSON.parse(row.filters), createdDateTime: row.created_at, updatedDateTime: row.updated_at };
}

async function subscriptionRoutes(app: FastifyInstance, ctx: AppContext) {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['Subscriptions (DCSA 2.2)'];
  const own = async (viewer: Principal, id: string) => {
    const row = await ctx.db.selectFrom('subscriptions').selectAll().where('id', '=', id).where('party_id', '=', viewer.partyId).executeTakeFirst();
    if (!row) throw notFound(`subscription ${id}`);
    return row;
  };
  const bodyOf = (request: FastifyRequest) => {
    const body = request.body;
    if (typeof body !== 'object' || body === null || Array.isArray(body)) throw invalid('/body', 'type', 'body must be a JSON object');
    return body as Record<string, unknown>;
  };
  // The body holds the callback, the secret and the filters; the filter parser skips the former.
  const filtersOf = (body: Record<string, unknown>) => parseEventFilter(body, '/body', SUBSCRIPTION_FIELDS);
  const anyBody = Type.Object({}, { additionalProperties: true });

  r.get('/v2/event-subscriptions', { schema: { tags, summary: 'Your subscriptions', response: { 200: Type.Array(SubscriptionSchema) } } }, async (request) => {
    const viewer = requirePrincipal(request);
    const rows = await ctx.db.selectFrom('subscriptions').selectAll().where('party_id', '=', viewer.partyId).orderBy('created_at').execute();
    return rows.map(presentSubscription);
  });

  r.post('/v2/event-subscriptions', {
    schema: { tags, summary: 'Subscribe a callback URL to the events you may read, with DCSA filters; notifications are signed with the secret', body: anyBody, response: { 201: SubscriptionSchema } },
  }, async (request, reply) => {
    const viewer = requirePrincipal(request);
    const body = bodyOf(request);
    const callbackUrl = parseCallbackUrl(body.callbackUrl, ctx.config.webhooksAllowLocal);
    const secret = parseSecret(body.secret, '/body/secret');
    const filters = filtersOf(body);
    const res = await idempotent(ctx.db, request, viewer, async (tx) => {
      const held = await tx.selectFrom('subscriptions').select((eb) => eb.fn.countAll<number>().as('n')).where('party_id', '=', viewer.partyId).executeTakeFirst();
      if (Number(held?.n ?? 0) >= MAX_SUBSCRIPTIONS_PER_PARTY) {
        const detail = `a party may hold at most ${MAX_SUBSCRIPTIONS_PER_PARTY} subscriptions; delete one first`;
        throw new ProblemError('conflict', detail, [{ pointer: '/body', rule: 'subscriptions.max', detail }]);
      }
      const now = nowIso();
      const id = randomUUID();
      // Sealed: a read of the database alone does not reveal the secret (core/secrets.ts).
      const row = { id, party_id: viewer.partyId, callback_url: callbackUrl, secret: ctx.secrets.seal(secret, subscriptionSecretContext(id)), filters: JSON.stringify(filters), created_at: now, updated_at: now };
      await tx.insertInto('subscriptions').values(row).execute();
      await audit(tx, viewer, { action: 'subscription.create', resource: `subscription:${row.id}`, detail: { callbackUrl, filters } });
      return { status: 201, body: presentSubscription(row) };
    });
    return reply.code(201).send(res.body);
  });

  r.get('/v2/event-subscriptions/:subscriptionID', { schema: { tags, summary: 'One subscription', params: Type.Object({ subscriptionID: Type.String() }), response: { 200: SubscriptionSchema } } }, async (request) =>
    presentSubscription(await own(requirePrincipal(request), request.params.subscriptionID)));

  r.put('/v2/event-subscriptions/:subscriptionID', {
    schema: { tags, summary: 'Change callback URL or filters (not the secret)', params: Type.Object({ subscriptionID: Type.String() }), body: anyBody, response: { 200: SubscriptionSchema } },
  }, async (request) => {
    const viewer = requirePrincipal(request);
    const body = bodyOf(request);
    if (body.secret !== undefined) throw invalid('/body/secret', 'notAllowed', 'change the secret with PUT …/secret');
    if (body.subscriptionID !== undefined && body.subscriptionID !== request.params.subscriptionID) throw invalid('/body/subscriptionID', 'const', 'subscriptionID must match the URL');
    const callbackUrl = parseCallbackUrl(body.callbackUrl, ctx.config.webhooksAllowLocal);
    const filters = filtersOf(body);
    await own(viewer, request.params.subscriptionID);
    await ctx.db.updateTable('subscriptions').set({ callback_url: callbackUrl, filters: JSON.stringify(filters), updated_at: nowIso() })
      .where('id', '=', request.params.subscriptionID).execute();
    return presentSubscription(await own(viewer, request.params.subscriptionID));
  });

  r.put('/v2/event-subscriptions/:subscriptionID/secret', {
    schema: { tags, summary: 'Replace the shared secret', params: Type.Object({ subscriptionID: Type.String() }), body: Type.Object({ secret: Type.String() }, { additionalProperties: false }), response: NoContent },
  }, async (request, reply) => {
    const viewer = requirePrincipal(request);
    const secret = parseSecret(request.body.secret, '/body/secret');
    await own(viewer, request.params.subscriptionID);
    const sealed = ctx.secrets.seal(secret, subscriptionSecretContext(request.params.subscriptionID));
    await ctx.db.updateTable('subscriptions').set({ secret: sealed, updated_at: nowIso() }).where('id', '=', request.params.subscriptionID).execute();
    return reply.code(204).send();
  });

  r.delete('/v2/event-subscriptions/:subscriptionID', { schema: { tags, summary: 'Unsubscribe', params: Type.Object({ subscriptionID: Type.String() }), response: NoContent } }, async (request, reply) => {
    const viewer = requirePrincipal(request);
    await own(viewer, request.params.subscriptionID);
    await ctx.db.transaction().execute(async (tx) => {
      await tx.deleteFrom('outbox').where('subscription_id', '=', request.params.subscriptionID).where('status', '!=', 'delivered').execute();
      await tx.deleteFrom('subscriptions').where('id', '=', request.params.subscriptionID).execute();
      await audit(tx, viewer, { action: 'subscription.delete', resource: `subscription:${request.params.subscriptionID}` });
    });
    return reply.code(204).send();
  });

  r.get('/v2/event-subscriptions/:subscriptionID/dead-letters', {
    schema: { tags, summary: 'Notifications that could not be delivered after every retry', params: Type.Object({ subscriptionID: Type.String() }), response: { 200: Type.Array(DeadLetterSchema) } },
  }, async (request) => {
    await own(requirePrincipal(request), request.params.subscriptionID);
    return listDeadLetters(ctx.db, [request.params.subscriptionID]);
  });

  r.post('/v2/event-subscriptions/:subscriptionID/dead-letters/replay', {
    schema: { tags, summary: 'Send the dead letters again (all, or the listed ids)', params: Type.Object({ subscriptionID: Type.String() }), body: Type.Optional(Type.Object({ ids: Type.Optional(Type.Array(Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER }), { maxItems: MAX_REPLAY_IDS })) }, { additionalProperties: false })), response: { 200: ReplayedSchema } },
  }, async (request) => {
    const viewer = requirePrincipal(request);
    await own(viewer, request.params.subscriptionID);
    const replayed = await replayDeadLetters(ctx.db, [request.params.subscriptionID], request.body?.ids);
    await audit(ctx.db, viewer, { action: 'subscription.replay', resource: `subscription:${request.params.subscriptionID}`, detail: { replayed } });
    ctx.delivery?.wake();
    return { replayed };
  });

}
