// The event store: append-only, one global order (`seq`), idempotent on the publisher's eventID.
// A write commits the events, their references, the projections, the audit record and the outbox
// rows in one transaction, and the caller answers only after that commit.
import { sql, type RawBuilder, type Selectable, type SqlBool } from 'kysely';
import type { Principal } from './auth.js';
import { eventVisibleTo, journeyCovers } from './access.js';
import { audit } from './audit.js';
import { insertMany, type Dialect, type Executor, type Tx } from './db.js';
import { isAuthority } from './identity.js';
import type { EventRow } from './tables.js';
import { nowIso } from './time.js';

export type DocumentReferenceType = 'BKG' | 'TRD';

/** An event validated and reduced to what the store indexes; `body` is the event as published. */
export interface NewEvent {
  eventId: string;
  eventType: string;
  eventClassifierCode: string;
  eventDateTime: string;
  eventCreatedDateTime: string;
  equipmentEventTypeCode: string | null;
  transportEventTypeCode: string | null;
  shipmentEventTypeCode: string | null;
  documentTypeCode: string | null;
  equipmentReference: string | null;
  emptyIndicatorCode: string | null;
  vesselIMONumber: string | null;
  UNLocationCode: string | null;
  transportCallID: string | null;
  exportVoyageNumber: string | null;
  carrierServiceCode: string | null;
  documentReferences: { type: DocumentReferenceType; value: string }[];
  contentHash: string;
  body: string;
}

export interface StoredEvent extends NewEvent {
  seq: number;
  publisherPartyId: string;
}

export type AppendResult =
  | { eventId: string; result: 'created'; seq: number }
  | { eventId: string; result: 'duplicate'; seq: number }
  | { eventId: string; result: 'conflict' };

export interface Publisher {
  partyId: string;
  actor: string;
  /** Carriers become owners of the bookings and transport documents they are first to publish. */
  isCarrier: boolean;
}

/** A projection updates its tables from the events just inserted, inside the same transaction. */
export type Projection = (tx: Tx, created: StoredEvent[], dialect: Dialect) => Promise<void>;
/** Called after commit with what was created (wakes the delivery worker and the live stream). */
export type CommitListener = (created: StoredEvent[]) => void;

// Multi-row inserts keep a batch of 500 to a handful of statements; chunks stay below the
// bound-parameter limits of SQLite (32766) and PostgreSQL (65535).
const INSERT_CHUNK_ROWS = 500;
// Any constant key; it only has to be the same for every writer of the events table.
const PG_EVENT_ORDER_LOCK = 44_021_907;

export class EventStore {
  /** Events this process has stored (for `/metrics`). */
  stored = 0;
  private readonly projections: Projection[] = [];
  private readonly listeners: CommitListener[] = [];

  constructor(private readonly db: Executor, private readonly dialect: Dialect) {}

  addProjection(p: Projection): void {
    this.projections.push(p);
  }

  onCommit(l: CommitListener): () => void {
    this.listeners.push(l);
    return () => this.listeners.splice(this.listeners.indexOf(l), 1);
  }

  async append(publisher: Publisher, events: NewEvent[]): Promise<AppendResult[]> {
    if (events.length === 0) return [];
    const { results, created } = await this.db.transaction().execute(async (tx) => {
      if (this.dialect === 'postgres') {
        // One writer at a time: `seq` values then become visible in order, so a reader paging
        // by `seq` (or the outbox) never skips an event that commits later with a lower number.
        await sql`select pg_advisory_xact_lock(${PG_EVENT_ORDER_LOCK})`.execute(tx);
      }
      return this.appendInTx(tx, publisher, events);
    });
    this.stored += created.length;
    if (created.length) for (const l of this.listeners) l(created);
    return results;
  }

  private async appendInTx(tx: Tx, publisher: Publisher, events: NewEvent[]) {
    const existing = new Map<string, { seq: number; hash: string }>();
    for (const ids of chunks(events.map((e) => e.eventId), INSERT_CHUNK_ROWS)) {
      const rows = await tx.selectFrom('events').select(['seq', 'event_id', 'content_hash']).where('event_id', 'in', ids).execute();
      for (const r of rows) existing.set(r.event_id, { seq: Number(r.seq), hash: r.content_hash });
    }

    const results: AppendResult[] = [];
    const fresh: NewEvent[] = [];
    const pendingInBatch = new Map<string, NewEvent>();
    for (const e of events) {
      const before = existing.get(e.eventId);
      const earlier = pendingInBatch.get(e.eventId);
      if (before) results.push(before.hash === e.contentHash ? { eventId: e.eventId, result: 'duplicate', seq: before.seq } : { eventId: e.eventId, result: 'conflict' });
      else if (earlier) results.push(earlier.contentHash === e.contentHash ? { eventId: e.eventId, result: 'duplicate', seq: -1 } : { eventId: e.eventId, result: 'conflict' });
      else {
        pendingInBatch.set(e.eventId, e);
        fresh.push(e);
        results.push({ eventId: e.eventId, result: 'created', seq: -1 });
      }
    }

    const receivedAt = nowIso();
    const created: StoredEvent[] = [];
    for (const part of chunks(fresh, INSERT_CHUNK_ROWS)) {
      const rows = await insertMany(tx, this.dialect, 'events', part.map((e) => toRow(e, publisher.partyId, receivedAt)), { returning: 'seq, event_id' });
      const seqById = new Map(rows.map((r) => [r.event_id as string, Number(r.seq)]));
      for (const e of part) created.push({ ...e, seq: seqById.get(e.eventId)!, publisherPartyId: publisher.partyId });
    }
    const seqById = new Map(created.map((c) => [c.eventId, c.seq]));
    for (const r of results) if (r.result !== 'conflict' && r.seq === -1) r.seq = seqById.get(r.eventId)!;

    if (created.length) {
      await this.writeReferences(tx, publisher, created);
      for (const p of this.projections) await p(tx, created, this.dialect);
      await audit(tx, publisher, {
        action: 'events.publish',
        detail: { created: created.length, firstSeq: created[0].seq, lastSeq: created.at(-1)!.seq },
      });
      await enqueueForSubscribers(tx, this.dialect, created);
    }
    return { results, created };
  }

  /** Document references, their owners, and the journeys of boxes on them (for the access policy). */
  private async writeReferences(tx: Tx, publisher: Publisher, created: StoredEvent[]) {
    const refRows = created.flatMap((e) => uniqueRefs(e).map((r) => ({ seq: e.seq, ref_type: r.type, ref_value: r.value })));
    for (const part of chunks(refRows, INSERT_CHUNK_ROWS)) await insertMany(tx, this.dialect, 'event_refs', part);

    if (publisher.isCarrier && refRows.length) {
      const owners = dedupe(refRows.map((r) => ({ ref_type: r.ref_type, ref_value: r.ref_value })), (r) => `${r.ref_type}|${r.ref_value}`);
      const now = nowIso();
      for (const part of chunks(owners, INSERT_CHUNK_ROWS)) {
        await insertMany(tx, this.dialect, 'document_owners', part.map((o) => ({ ...o, owner_party_id: publisher.partyId, created_at: now })),
          { suffix: 'on conflict (ref_type, ref_value) do nothing' });
      }
    }

    // Documents named together on one event belong to one shipment (a booking and its B/L).
    const links = new Map<string, { ref_type: string; ref_value: string; other_type: string; other_value: string }>();
    for (const e of created) {
      const refs = uniqueRefs(e);
      for (const a of refs) for (const b of refs) {
        if (a !== b) links.set(`${a.type}|${a.value}|${b.type}|${b.value}`, { ref_type: a.type, ref_value: a.value, other_type: b.type, other_value: b.value });
      }
    }
    for (const part of chunks([...links.values()], INSERT_CHUNK_ROWS)) {
      await insertMany(tx, this.dialect, 'document_links', part, { suffix: 'on conflict (ref_type, ref_value, other_type, other_value) do nothing' });
    }

    const journeys = new Map<string, { ref_type: string; ref_value: string; equipment_reference: string; first_at: string; last_at: string }>();
    for (const e of created) {
      if (!e.equipmentReference) continue;
      for (const r of uniqueRefs(e)) {
        const key = `${r.type}|${r.value}|${e.equipmentReference}`;
        const j = journeys.get(key);
        if (!j) journeys.set(key, { ref_type: r.type, ref_value: r.value, equipment_reference: e.equipmentReference, first_at: e.eventDateTime, last_at: e.eventDateTime });
        else {
          if (e.eventDateTime < j.first_at) j.first_at = e.eventDateTime;
          if (e.eventDateTime > j.last_at) j.last_at = e.eventDateTime;
        }
      }
    }
    for (const part of chunks([...journeys.values()], INSERT_CHUNK_ROWS)) {
      await insertMany(tx, this.dialect, 'shipment_equipment', part, {
        suffix: `on conflict (ref_type, ref_value, equipment_reference) do update set
          first_at = case when excluded.first_at < shipment_equipment.first_at then excluded.first_at else shipment_equipment.first_at end,
          last_at = case when excluded.last_at > shipment_equipment.last_at then excluded.last_at else shipment_equipment.last_at end`,
      });
    }
  }
}

function uniqueRefs(e: NewEvent) {
  return dedupe(e.documentReferences, (r) => `${r.type}|${r.value}`);
}

function toRow(e: NewEvent, publisherPartyId: string, receivedAt: string): Omit<EventRow, 'seq'> {
  return {
    event_id: e.eventId,
    publisher_party_id: publisherPartyId,
    event_type: e.eventType,
    event_classifier_code: e.eventClassifierCode,
    event_date_time: e.eventDateTime,
    event_created_date_time: e.eventCreatedDateTime,
    equipment_event_type_code: e.equipmentEventTypeCode,
    transport_event_type_code: e.transportEventTypeCode,
    shipment_event_type_code: e.shipmentEventTypeCode,
    equipment_reference: e.equipmentReference,
    vessel_imo_number: e.vesselIMONumber,
    un_location_code: e.UNLocationCode,
    document_type_code: e.documentTypeCode,
    transport_call_id: e.transportCallID,
    export_voyage_number: e.exportVoyageNumber,
    carrier_service_code: e.carrierServiceCode,
    content_hash: e.contentHash,
    body: e.body,
    received_at: receivedAt,
  };
}

// ---------------------------------------------------------------------------------------------
// Filters (DCSA Track & Trace query parameters and subscription filters share this shape)

export type Comparison = '=' | '>' | '>=' | '<' | '<=';

export interface EventFilter {
  eventType?: string[];
  shipmentEventTypeCode?: string[];
  documentTypeCode?: string[];
  carrierBookingReference?: string;
  transportDocumentReference?: string;
  transportEventTypeCode?: string[];
  transportCallID?: string;
  vesselIMONumber?: string;
  exportVoyageNumber?: string;
  carrierServiceCode?: string;
  UNLocationCode?: string;
  equipmentEventTypeCode?: string[];
  equipmentReference?: string;
  eventCreatedDateTime?: { op: Comparison; value: string }[];
}

/**
 * A booking or transport document filter matches the events that carry the reference, and the
 * equipment events of its boxes during their journey on it (the same journey rule as access).
 */
function documentMatches(type: DocumentReferenceType, value: string): RawBuilder<SqlBool> {
  return sql<SqlBool>`(exists (select 1 from event_refs r where r.seq = events.seq and r.ref_type = ${type} and r.ref_value = ${value})
    or (events.equipment_reference is not null and exists (select 1 from shipment_equipment a
      where a.ref_type = ${type} and a.ref_value = ${value} and ${journeyCovers})))`;
}

export function filterConditions(f: EventFilter): RawBuilder<SqlBool>[] {
  const c: RawBuilder<SqlBool>[] = [];
  const inList = (column: string, values: string[]) =>
    sql<SqlBool>`${sql.ref(column)} in (${sql.join(values)})`;
  const eq = (column: string, value: string) => sql<SqlBool>`${sql.ref(column)} = ${value}`;
  if (f.eventType?.length) c.push(inList('events.event_type', f.eventType));
  if (f.shipmentEventTypeCode?.length) c.push(inList('events.shipment_event_type_code', f.shipmentEventTypeCode));
  if (f.documentTypeCode?.length) c.push(inList('events.document_type_code', f.documentTypeCode));
  if (f.transportEventTypeCode?.length) c.push(inList('events.transport_event_type_code', f.transportEventTypeCode));
  if (f.equipmentEventTypeCode?.length) c.push(inList('events.equipment_event_type_code', f.equipmentEventTypeCode));
  if (f.transportCallID) c.push(eq('events.transport_call_id', f.transportCallID));
  if (f.vesselIMONumber) c.push(eq('events.vessel_imo_number', f.vesselIMONumber));
  if (f.exportVoyageNumber) c.push(eq('events.export_voyage_number', f.exportVoyageNumber));
  if (f.carrierServiceCode) c.push(eq('events.carrier_service_code', f.carrierServiceCode));
  if (f.UNLocationCode) c.push(eq('events.un_location_code', f.UNLocationCode));
  if (f.equipmentReference) c.push(eq('events.equipment_reference', f.equipmentReference));
  if (f.carrierBookingReference) c.push(documentMatches('BKG', f.carrierBookingReference));
  if (f.transportDocumentReference) c.push(documentMatches('TRD', f.transportDocumentReference));
  for (const cmp of f.eventCreatedDateTime ?? []) {
    c.push(sql<SqlBool>`events.event_created_date_time ${sql.raw(cmp.op)} ${cmp.value}`);
  }
  return c;
}

export interface EventPage {
  events: StoredEvent[];
  /** `seq` of the last event returned when more may follow. */
  nextAfter: number | undefined;
}

/** Events visible to `viewer` that match `filter`, in global order, after `afterSeq`. */
export async function queryEvents(
  db: Executor,
  viewer: Pick<Principal, 'partyId' | 'authority'>,
  filter: EventFilter,
  page: { afterSeq?: number; limit: number; seqIn?: number[] },
): Promise<EventPage> {
  let q = db.selectFrom('events').selectAll().where(eventVisibleTo(viewer));
  for (const c of filterConditions(filter)) q = q.where(c);
  if (page.afterSeq !== undefined) q = q.where('seq', '>', page.afterSeq);
  if (page.seqIn) q = q.where('seq', 'in', page.seqIn.length ? page.seqIn : [-1]);
  const rows = await q.orderBy('seq').limit(page.limit + 1).execute();
  const more = rows.length > page.limit;
  const events = rows.slice(0, page.limit).map(fromRow);
  return { events, nextAfter: more ? events.at(-1)!.seq : undefined };
}

export async function getEvent(db: Executor, viewer: Pick<Principal, 'partyId' | 'authority'>, eventId: string) {
  const row = await db.selectFrom('events').selectAll().where('event_id', '=', eventId).where(eventVisibleTo(viewer)).executeTakeFirst();
  return row && fromRow(row);
}

/** A container's events visible to the viewer, in the order they happened. */
export async function containerTimeline(db: Executor, viewer: Pick<Principal, 'partyId' | 'authority'>, equipmentReference: string) {
  const rows = await db.selectFrom('events').selectAll()
    .where('equipment_reference', '=', equipmentReference).where(eventVisibleTo(viewer))
    .orderBy('event_date_time').orderBy('seq').execute();
  return rows.map(fromRow);
}

export function fromRow(r: Selectable<EventRow>): StoredEvent {
  return {
    seq: Number(r.seq),
    publisherPartyId: r.publisher_party_id,
    eventId: r.event_id,
    eventType: r.event_type,
    eventClassifierCode: r.event_classifier_code,
    eventDateTime: r.event_date_time,
    eventCreatedDateTime: r.event_created_date_time,
    equipmentEventTypeCode: r.equipment_event_type_code,
    transportEventTypeCode: r.transport_event_type_code,
    shipmentEventTypeCode: r.shipment_event_type_code,
    documentTypeCode: r.document_type_code,
    equipmentReference: r.equipment_reference,
    emptyIndicatorCode: null,
    vesselIMONumber: r.vessel_imo_number,
    UNLocationCode: r.un_location_code,
    transportCallID: r.transport_call_id,
    exportVoyageNumber: r.export_voyage_number,
    carrierServiceCode: r.carrier_service_code,
    documentReferences: [],
    contentHash: r.content_hash,
    body: r.body,
  };
}

// ---------------------------------------------------------------------------------------------
// Outbox: which subscriptions get which of the new events, decided in the writing transaction.

async function enqueueForSubscribers(tx: Tx, dialect: Dialect, created: StoredEvent[]) {
  const subscriptions = await tx.selectFrom('subscriptions').innerJoin('parties', 'parties.id', 'subscriptions.party_id')
    .select(['subscriptions.id', 'subscriptions.party_id', 'subscriptions.filters', 'parties.roles']).execute();
  if (!subscriptions.length) return;
  const seqs = created.map((c) => c.seq);
  const now = nowIso();
  for (const s of subscriptions) {
    const viewer = { partyId: s.party_id, authority: isAuthority(JSON.parse(s.roles)) };
    const filter = JSON.parse(s.filters) as EventFilter;
    let q = tx.selectFrom('events').select('seq').where('seq', '>=', seqs[0]).where('seq', '<=', seqs.at(-1)!)
      .where('publisher_party_id', '=', created[0].publisherPartyId).where(eventVisibleTo(viewer));
    for (const c of filterConditions(filter)) q = q.where(c);
    const matching = await q.orderBy('seq').execute();
    for (const part of chunks(matching, INSERT_CHUNK_ROWS)) {
      await insertMany(tx, dialect, 'outbox', part.map((m) => ({
        subscription_id: s.id, seq: Number(m.seq), status: 'pending', attempts: 0, next_attempt_at: now, last_error: null, delivered_at: null,
      })));
    }
  }
}

export function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

function dedupe<T>(items: T[], key: (t: T) => string): T[] {
  const seen = new Map<string, T>();
  for (const i of items) if (!seen.has(key(i))) seen.set(key(i), i);
  return [...seen.values()];
}
