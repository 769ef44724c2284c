// HTTP face of track & trace: the DCSA Track & Trace 2.2 event API (`/v2/events`,
// `/v2/event-subscriptions`) and the convenience reads of the web app (`/v1/containers`, ...).
// Each route reads as: authenticate → validate → (transaction → authorise → command) → present.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { requirePrincipal, type Principal } from '../../core/auth.js';
import { audit } from '../../core/audit.js';
import type { AppContext } from '../../core/context.js';
import { invalid, notFound, problem, sendProblem } from '../../core/errors.js';
import { eventVisibleTo } from './access.js';
import { containerTimeline, EVENT_TOPIC, fromRow, getEvent, publisherOf, queryEvents, type EventFilter, type EventStore, type StoredEvent, type TimelineEvent } from './eventStore.js';
import { refusedPublishes } from './publishRights.js';
import { nextPageHeaders, readListPage } from '../../core/paging.js';
import { subscriptionRoutes } from '../../core/subscriptionRoutes.js';
import { validateContainerNumber } from '../../standards/index.js';
import { FILTER_PARAMETERS, parseEventFilter } from './filters.js';
import { MAX_BATCH_EVENTS } from './model.js';
import { EventValidator } from './validator.js';
import { textAnswer } from '../../core/schemas.js';
import {
  ContainerTimelineSchema, EventSchema, PublishResultSchema, RecentContainerSchema, ServedEventSchema, ShipmentContainersSchema, SubscriptionSchema,
} from './schemas.js';
import { trackingDb, type TrackingDb } from './tables.js';

const MAX_BATCH_BODY_BYTES = 16 * 1024 * 1024;
const MAX_SHIPMENT_EVENTS_SCANNED = 20_000;
/** Cursors of this list are valid for it alone (and for the party they were issued to). */
const EVENT_LIST = 'GET /v2/events';


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

export async function trackingRoutes(app: FastifyInstance, ctx: AppContext, store: EventStore): Promise<void> {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const db = trackingDb(ctx.db);

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
    const { filter, query, limit, after } = readListPage(ctx.cursors, scope, request.query as Record<string, unknown>, (q) => parseEventFilter(q, '/query'));
    const page = await queryEvents(db, viewer, filter, { afterSeq: after, limit });
    await auditAuthorityRead(ctx, viewer, request, page.events);
    reply.header('Current-Page', request.url);
    nextPageHeaders(request, reply, ctx.cursors, scope, page.nextAfter, query, limit);
    return bodies(page.events);
  });

  r.get('/v2/events/:eventID', {
    schema: { tags: ['Track & Trace (DCSA 2.2)'], summary: 'One event', params: Type.Object({ eventID: Type.String() }), response: { 200: ServedEventSchema } },
  }, async (request) => {
    const viewer = requirePrincipal(request);
    const event = await getEvent(db, viewer, request.params.eventID);
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
      const refused = await refusedPublishes(db, await ctx.ownership.current(), publisher.partyId, wellFormed.map((w) => w.event),
        (k) => (checked.single ? '/body' : `/body/${wellFormed[k].i}`));
      const refusals = new Map(wellFormed.flatMap((w, k) => (refused[k] ? [[w.i, refused[k]!] as const] : [])));
      const valid = wellFormed.filter((_, k) => !refused[k]).map((w) => w.event);
      const stored = await store.append(publisherOf(publisher), valid);
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
    const events = await latestEquipmentEvents(db, viewer, limit);
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
    const events = await containerTimeline(db, viewer, v.value);
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
      const { events } = await queryEvents(db, viewer, filter, { limit: MAX_SHIPMENT_EVENTS_SCANNED });
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
    await ctx.stream.open(EVENT_TOPIC, viewer, filter, reply, '/v1/stream');
  });

  await subscriptionRoutes(app, ctx, { path: '/v2/event-subscriptions', topic: EVENT_TOPIC, tags: ['Subscriptions (DCSA 2.2)'], schema: SubscriptionSchema });
}

/** How far back in the global order "recent containers" looks. */
const RECENT_SCAN_EVENTS = 20_000;

/** The newest visible equipment event of each of the most recently active boxes. */
async function latestEquipmentEvents(db: TrackingDb, viewer: Principal, limit: number): Promise<StoredEvent[]> {
  const top = await db.selectFrom('events').select((eb) => eb.fn.max('seq').as('max')).executeTakeFirst();
  const from = Number(top?.max ?? 0) - RECENT_SCAN_EVENTS;
  const rows = await db.selectFrom('events').selectAll()
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
