// The event store: append-only, one global order (`seq`), idempotent on the publisher's eventID.
// A write commits the events, their references, the projections, the audit record and the outbox
// rows in one transaction, and the caller answers only after that commit.
import { sql, type RawBuilder, type Selectable, type SqlBool } from 'kysely';
import type { Principal } from '../../core/auth.js';
import { eventVisibleTo, holdsDocument, journeyCovers } from './access.js';
import { audit } from '../../core/audit.js';
import { canonicalJson } from '../../core/canonical.js';
import { chunks, coreOf, concatPgColumns, insertChunkRows, insertMany, insertPgColumns, pgColumns, prepared, type Dialect, type PgColumns } from '../../core/db.js';
import { trackingDb } from './tables.js';
import type { TrackingExecutor as Executor, TrackingTx as Tx } from './tables.js';
import type { CommandScope } from '../../core/commands.js';
import type { IngestSource } from '../../core/context.js';
import type { OwnershipDirectory } from '../../core/ownership.js';
import { publisherSuffix, withPublisher, type PublisherIdentity } from './publisher.js';
import type { EventRow } from './tables.js';
import { nowIso } from '../../core/time.js';
import type { Topics } from '../../core/topics.js';

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
  /** The platform filled in eventCreatedDateTime: a retry's own fill-in is not other content. */
  createdAtFilledIn: boolean;
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

/** Who sends events: the party (named in every stored event) and, for the audit log, the actor. */
export interface Publisher extends PublisherIdentity {
  actor: string;
}

export const publisherOf = (p: Pick<Principal, 'partyId' | 'partyName' | 'roles' | 'actor'>): Publisher =>
  ({ partyId: p.partyId, partyName: p.partyName, roles: p.roles, actor: p.actor });

/** A projection updates its tables from the events just inserted, inside the same transaction. */
export type Projection = (tx: Tx, created: StoredEvent[], dialect: Dialect) => Promise<void>;
/** This module's topic: every stored event, in `seq` order (webhooks, the live stream). */
export const EVENT_TOPIC = 'tracking.event';

// Lists of values bound one by one (`in (…)`) stay below the bound-parameter limits of SQLite
// (32766) and PostgreSQL (65535); multi-row inserts are chunked by `insertChunkRows`.
const BOUND_LIST_ROWS = 500;
// Any constant key; it only has to be the same for every writer of the events table.
const PG_EVENT_ORDER_LOCK = 44_021_907;

/** Takes the event writers' turn (PostgreSQL); see commitGroup. */
async function eventWriterTurn(tx: Tx, dialect: Dialect) {
  if (dialect === 'postgres') await sql`select pg_advisory_xact_lock(${PG_EVENT_ORDER_LOCK})`.execute(tx);
}

interface PendingAppend {
  publisher: Publisher;
  events: NewEvent[];
  receivedAt: string;
  /** PostgreSQL: the request's event rows, built on arrival rather than inside the transaction. */
  columns?: PgColumns;
  resolve: (results: AppendResult[]) => void;
  reject: (error: unknown) => void;
}

// Group commit: requests that arrive while a transaction runs are written together in the next
// one, so concurrent publishers share one durable commit (one fsync) instead of queueing for one
// each. Bounded so that one transaction never grows without limit.
const MAX_GROUP_EVENTS = 5_000;

export class EventStore implements IngestSource {
  /** Events this process has stored (for `/metrics`). */
  stored = 0;
  /** Transactions the store has committed, and the requests they carried (for `/metrics`). */
  commits = 0;
  groupedRequests = 0;
  private readonly projections: Projection[] = [];
  private readonly queue: PendingAppend[] = [];
  private draining = false;
  /** What the access tables already hold, so that most batches need not write them again. */
  private readonly known = new KnownFacts();

  /** `directory` names each document's issuer, its owner (ownership.ts); `topics` takes the outbox rows. */
  constructor(private readonly db: Executor, private readonly dialect: Dialect, private readonly directory: OwnershipDirectory, private readonly topics: Topics) {}

  async lastReceivedAt(): Promise<string | undefined> {
    const last = await this.db.selectFrom('events').select('received_at').orderBy('seq', 'desc').limit(1).executeTakeFirst();
    return last?.received_at;
  }

  /**
   * Stores events inside another module's command (a fact's handler): same validation upstream,
   * same writes, in the command's transaction, with the platform's own eventIDs (a retry finds
   * them stored). `audience`: parties the event is addressed to besides those its documents give
   * (access.ts, rule 5).
   */
  async appendWithin(scope: CommandScope, publisher: Publisher, events: NewEvent[], audience: string[] = []): Promise<AppendResult[]> {
    if (!events.length) return [];
    const tx = trackingDb(scope.tx);
    const suffix = publisherSuffix(publisher);
    for (const e of events) e.body = withPublisher(e.body, suffix);
    await eventWriterTurn(tx, this.dialect);
    const request: PendingAppend = { publisher, events, receivedAt: nowIso(), resolve: () => {}, reject: () => {} };
    const { results, created } = await this.appendInTx(tx, publisher, [request], true, audience);
    scope.afterCommit(() => { this.stored += created.length; });
    return results[0];
  }

  addProjection(p: Projection): void {
    this.projections.push(p);
  }

  /** Stores the events; resolves only after the transaction holding them has committed. */
  append(publisher: Publisher, events: NewEvent[]): Promise<AppendResult[]> {
    if (events.length === 0) return Promise.resolve([]);
    const receivedAt = nowIso();
    // Every stored event names its publisher, as the credentials tell it.
    const suffix = publisherSuffix(publisher);
    for (const e of events) e.body = withPublisher(e.body, suffix);
    // The rows' parameters are built now, while the previous transaction runs, not inside the
    // one that writes them: the one writer's transaction then waits on the database only.
    const columns = this.dialect === 'postgres' ? pgColumns('events', events.map((e) => toRow(e, publisher.partyId, receivedAt))) : undefined;
    return new Promise((resolve, reject) => {
      this.queue.push({ publisher, events, receivedAt, columns, resolve, reject });
      if (!this.draining) {
        this.draining = true;
        // Start on the next turn of the event loop: requests whose bodies arrived in this turn
        // join the first transaction. (SQLite statements run synchronously, so a transaction
        // otherwise completes before any other request gets this far.)
        setImmediate(() => void this.drain());
      }
    });
  }

  private async drain() {
    try {
      while (this.queue.length) {
        let size = 0;
        let n = 0;
        while (n < this.queue.length && (n === 0 || size + this.queue[n].events.length <= MAX_GROUP_EVENTS)) size += this.queue[n++].events.length;
        await this.commitGroup(this.queue.splice(0, n));
      }
    } finally {
      this.draining = false;
      if (this.queue.length) {
        this.draining = true;
        setImmediate(() => void this.drain());
      }
    }
  }

  /**
   * Writes a group in one transaction. The events are first inserted plainly (`checkStored`
   * false): asking the eventID index whether each is stored already (`on conflict`) doubled that
   * index's work on every write, for the rare retry. An eventID stored before then fails the
   * insert, and the group is written again with the check.
   */
  private async commitGroup(group: PendingAppend[], checkStored = false): Promise<void> {
    let runs: { results: AppendResult[][]; created: StoredEvent[]; facts: Facts }[];
    try {
      runs = await this.db.transaction().execute(async (tx) => {
        // One writer at a time (PostgreSQL): `seq` values then become visible in order, so a reader
        // paging by `seq` (or the outbox) never skips an event that commits later with a lower number.
        await eventWriterTurn(tx, this.dialect);
        const done = [];
        for (const run of samePublisherRuns(group)) done.push(await this.appendInTx(tx, run[0].publisher, run, checkStored));
        return done;
      });
    } catch (error) {
      if (!checkStored && isStoredEventId(error)) return this.commitGroup(group, true);
      // A failure must not take the other requests of the group down with it: each is retried
      // alone, so only the request that fails on its own sees the error.
      if (group.length === 1) group[0].reject(error);
      else for (const p of group) await this.commitGroup([p], checkStored);
      return;
    }
    this.commits++;
    this.groupedRequests += group.length;
    const results = runs.flatMap((r) => r.results);
    group.forEach((p, i) => p.resolve(results[i]));
    for (const { created, facts } of runs) {
      this.stored += created.length;
      // Only now, after commit: a rolled-back write must not be taken as known.
      this.known.remember(facts);
    }
    if (runs.some((r) => r.created.length)) this.topics.committed(EVENT_TOPIC);
  }

  /**
   * Writes requests of one publisher together: one insert of each kind for all of them (a round
   * trip each on PostgreSQL), and an audit record per request. Returns each request's results.
   */
  private async appendInTx(tx: Tx, publisher: Publisher, requests: PendingAppend[], checkStored: boolean, audience: string[] = []) {
    const events = requests.length === 1 ? requests[0].events : requests.flatMap((r) => r.events);
    // The first occurrence of each eventID (in the order the requests came) is the one written;
    // later ones are compared with it, as they would be with a stored one. An eventID stored
    // before is recognised by the unique index (when `checkStored`): the insert skips it, and
    // only those few are read back to tell a retry from a conflict.
    const firstIndex = new Map<string, number>();
    events.forEach((e, i) => { if (!firstIndex.has(e.eventId)) firstIndex.set(e.eventId, i); });
    const fresh = [...firstIndex.values()].map((i) => events[i]);

    const created: StoredEvent[] = [];
    const createdSeq = new Map<string, number>();
    for (const r of await this.insertEvents(tx, publisher, requests, [...firstIndex.values()], checkStored)) createdSeq.set(r.event_id as string, Number(r.seq));
    // The request's own objects become the stored events: copying two dozen fields of 500
    // events cost more than the insert's parameters (3 ms per batch, in the writing transaction).
    for (const e of fresh) {
      const seq = createdSeq.get(e.eventId);
      if (seq !== undefined) created.push(Object.assign(e, { seq, publisherPartyId: publisher.partyId }));
    }
    created.sort((a, b) => a.seq - b.seq);

    const storedBefore = new Map<string, { seq: number; body: string }>();
    const known = fresh.filter((e) => !createdSeq.has(e.eventId)).map((e) => e.eventId);
    for (const ids of chunks(known, BOUND_LIST_ROWS)) {
      const rows = await tx.selectFrom('events').select(['seq', 'event_id', 'body']).where('event_id', 'in', ids).execute();
      for (const r of rows) storedBefore.set(r.event_id, { seq: Number(r.seq), body: r.body });
    }

    const results: AppendResult[] = events.map((e, i) => {
      const seq = createdSeq.get(e.eventId);
      if (seq !== undefined) {
        if (firstIndex.get(e.eventId) === i) return { eventId: e.eventId, result: 'created', seq };
        const first = events[firstIndex.get(e.eventId)!];
        return sameContent(e, first.body) ? { eventId: e.eventId, result: 'duplicate', seq } : { eventId: e.eventId, result: 'conflict' };
      }
      const before = storedBefore.get(e.eventId)!;
      return sameContent(e, before.body) ? { eventId: e.eventId, result: 'duplicate', seq: before.seq } : { eventId: e.eventId, result: 'conflict' };
    });

    let facts: Facts = { owners: [], links: [], journeys: [], voyages: [] };
    if (created.length) {
      facts = await this.writeReferences(tx, created);
      if (audience.length) {
        await insertMany(tx, this.dialect, 'event_audience', created.flatMap((e) => [...new Set(audience)].map((party_id) => ({ seq: e.seq, party_id }))));
      }
      for (const p of this.projections) await p(tx, created, this.dialect);
      await this.topics.enqueue(coreOf(tx), EVENT_TOPIC, created.map((e) => e.seq));
    }
    // Each request's own results, and its audit record.
    const perRequest: AppendResult[][] = [];
    const audits = [];
    let offset = 0;
    for (const { events: request } of requests) {
      const own = results.slice(offset, offset += request.length);
      perRequest.push(own);
      const seqs = own.flatMap((r) => (r.result === 'created' ? [r.seq] : []));
      if (seqs.length) audits.push({ action: 'events.publish', detail: { created: seqs.length, firstSeq: Math.min(...seqs), lastSeq: Math.max(...seqs) } });
    }
    await audit(tx, publisher, audits);
    return { results: perRequest, created, facts };
  }

  /**
   * Inserts the events at these indexes of the requests' events (the first of each eventID);
   * returns the `seq` and eventID of each one written.
   */
  private async insertEvents(tx: Tx, publisher: Publisher, requests: PendingAppend[], indexes: number[], checkStored: boolean) {
    const options = { suffix: checkStored ? 'on conflict (event_id) do nothing' : undefined, returning: 'seq, event_id' };
    // The rows built on arrival serve when every event is written (no eventID twice).
    const all = indexes.length === requests.reduce((n, r) => n + r.events.length, 0);
    const built = all && requests.every((r) => r.columns) ? concatPgColumns(requests.map((r) => r.columns!)) : undefined;
    if (built) return insertPgColumns(tx, built, options);
    const rows = requests.flatMap((r) => r.events.map((e) => toRow(e, publisher.partyId, r.receivedAt)));
    const inserted = [];
    for (const part of chunks(indexes, insertChunkRows(this.dialect))) {
      inserted.push(...await insertMany(tx, this.dialect, 'events', part.map((i) => rows[i]), options));
    }
    return inserted;
  }

  /**
   * Document references, their owners, and the journeys of boxes on them (for the access policy).
   * Returns the facts written, for `KnownFacts` once the transaction has committed.
   */
  private async writeReferences(tx: Tx, created: StoredEvent[]): Promise<Facts> {
    const chunkRows = insertChunkRows(this.dialect);
    const refRows = created.flatMap((e) => uniqueRefs(e).map((r) => ({ seq: e.seq, ref_type: r.type, ref_value: r.value })));
    for (const part of chunks(refRows, chunkRows)) await insertMany(tx, this.dialect, 'event_refs', part);

    const facts: Facts = { owners: [], links: [], journeys: [], voyages: [] };
    if (refRows.length) {
      // A document belongs to the carrier that issued it (its registered prefix), whoever of
      // those acting for it publishes first; the publish route refused every other publisher.
      const owners = dedupe(refRows.map((r) => ({ ref_type: r.ref_type, ref_value: r.ref_value })), (r) => `${r.ref_type}|${r.ref_value}`)
        .filter((o) => !this.known.owned(`${o.ref_type}|${o.ref_value}`))
        .flatMap((o) => { const issuer = this.directory.issuerOf(o.ref_value); return issuer ? [{ ...o, owner_party_id: issuer }] : []; });
      facts.owners = owners.map((o) => `${o.ref_type}|${o.ref_value}`);
      const now = nowIso();
      for (const part of chunks(owners, chunkRows)) {
        await insertMany(tx, this.dialect, 'document_owners', part.map((o) => ({ ...o, created_at: now })),
          { suffix: 'on conflict (ref_type, ref_value) do nothing' });
      }
    }

    // The shipments on a vessel's voyage at a port: who, besides its carrier and terminal, sees the
    // vessel arrive and depart (access.ts, rule 5).
    const voyages = new Map<string, { vessel_imo_number: string; un_location_code: string; export_voyage_number: string; ref_type: string; ref_value: string }>();
    for (const e of created) {
      if (!e.vesselIMONumber || !e.UNLocationCode || !e.exportVoyageNumber) continue;
      for (const r of uniqueRefs(e)) {
        const key = `${e.vesselIMONumber}|${e.UNLocationCode}|${e.exportVoyageNumber}|${r.type}|${r.value}`;
        if (!this.known.onVoyage(key)) voyages.set(key, { vessel_imo_number: e.vesselIMONumber, un_location_code: e.UNLocationCode, export_voyage_number: e.exportVoyageNumber, ref_type: r.type, ref_value: r.value });
      }
    }
    facts.voyages = [...voyages.keys()];
    for (const part of chunks([...voyages.values()], chunkRows)) {
      await insertMany(tx, this.dialect, 'voyage_documents', part, { suffix: 'on conflict (vessel_imo_number, un_location_code, export_voyage_number, ref_type, ref_value) do nothing' });
    }

    // Boxes whose journey windows may have moved: a journey that began (or began earlier than we
    // knew), or a new link between documents the box travels on.
    const changedBoxes = new Set<string>();

    // Documents named together on one event belong to one shipment (a booking and its B/L).
    const links = new Map<string, { ref_type: string; ref_value: string; other_type: string; other_value: string }>();
    for (const e of created) {
      const refs = uniqueRefs(e);
      for (const a of refs) for (const b of refs) {
        const key = `${a.type}|${a.value}|${b.type}|${b.value}`;
        if (a !== b && !this.known.linked(key)) links.set(key, { ref_type: a.type, ref_value: a.value, other_type: b.type, other_value: b.value });
      }
    }
    facts.links = [...links.keys()];
    for (const part of chunks([...links.values()], BOUND_LIST_ROWS)) {
      const added = await insertMany(tx, this.dialect, 'document_links', part,
        { suffix: 'on conflict (ref_type, ref_value, other_type, other_value) do nothing', returning: 'ref_type, ref_value' });
      for (const docs of chunks(added, BOUND_LIST_ROWS)) {
        const boxes = await tx.selectFrom('shipment_equipment').select('equipment_reference').distinct()
          .where((eb) => eb.or(docs.map((d) => eb.and([eb('ref_type', '=', d.ref_type as string), eb('ref_value', '=', d.ref_value as string)])))).execute();
        for (const b of boxes) changedBoxes.add(b.equipment_reference);
      }
    }

    const journeys = new Map<string, { ref_type: string; ref_value: string; equipment_reference: string; first_at: string }>();
    for (const e of created) {
      // What happened binds a box to a document; an estimate or a plan never moves a journey.
      if (!e.equipmentReference || e.eventClassifierCode !== 'ACT') continue;
      for (const r of uniqueRefs(e)) {
        const key = `${r.type}|${r.value}|${e.equipmentReference}`;
        const j = journeys.get(key);
        if (this.known.journeyStartsBy(key, e.eventDateTime)) continue;
        if (!j) journeys.set(key, { ref_type: r.type, ref_value: r.value, equipment_reference: e.equipmentReference, first_at: e.eventDateTime });
        else if (e.eventDateTime < j.first_at) j.first_at = e.eventDateTime;
      }
    }
    facts.journeys = [...journeys.entries()].map(([key, j]) => ({ key, firstAt: j.first_at }));
    for (const part of chunks([...journeys.values()], chunkRows)) {
      // Only a journey that is new or starts earlier is written (and returned); the common case —
      // one more event of a journey already known — writes nothing here.
      const moved = await insertMany(tx, this.dialect, 'shipment_equipment', part, {
        suffix: `on conflict (ref_type, ref_value, equipment_reference) do update set first_at = excluded.first_at
          where excluded.first_at < shipment_equipment.first_at`,
        returning: 'equipment_reference',
      });
      for (const m of moved) changedBoxes.add(m.equipment_reference as string);
    }
    for (const boxes of chunks([...changedBoxes], BOUND_LIST_ROWS)) await updateJourneyEnds(tx, this.dialect, boxes);
    return facts;
  }
}

const KNOWN_FACTS_MAX = 200_000;

/** Access-table rows a transaction wrote (or found already there): owners, links, journey starts. */
interface Facts {
  owners: string[];
  links: string[];
  journeys: { key: string; firstAt: string }[];
  voyages: string[];
}

/**
 * Document owners, document links and journey starts this process has seen committed. None of
 * them is ever deleted, and a journey's start only moves earlier, so a fact remembered here is
 * still true: writing it again would change nothing. Bounded; forgetting only costs a write.
 */
class KnownFacts {
  private owners = new Set<string>();
  private links = new Set<string>();
  private voyages = new Set<string>();
  /** `type|value|box` → a time at or after the journey's stored start. */
  private journeys = new Map<string, string>();

  owned(key: string) { return this.owners.has(key); }
  linked(key: string) { return this.links.has(key); }
  onVoyage(key: string) { return this.voyages.has(key); }
  journeyStartsBy(key: string, at: string) {
    const start = this.journeys.get(key);
    return start !== undefined && start <= at;
  }

  remember({ owners, links, journeys, voyages }: Facts) {
    if (this.owners.size + this.links.size + this.journeys.size + this.voyages.size > KNOWN_FACTS_MAX) {
      this.owners = new Set();
      this.links = new Set();
      this.voyages = new Set();
      this.journeys = new Map();
    }
    for (const o of owners) this.owners.add(o);
    for (const l of links) this.links.add(l);
    for (const v of voyages) this.voyages.add(v);
    for (const { key, firstAt } of journeys) {
      const before = this.journeys.get(key);
      if (before === undefined || firstAt < before) this.journeys.set(key, firstAt);
    }
  }
}

/**
 * The end of each journey of these boxes (see `journeyCovers`): the first start, after its own,
 * of a journey on a document of another shipment — one not linked to this journey's document.
 * Materialised at write time so that reads compare an event's time with two columns.
 */
export async function updateJourneyEnds(db: Executor, dialect: Dialect, boxes?: string[]): Promise<void> {
  const nextStart = sql`(select min(n.first_at) from shipment_equipment n
    where n.equipment_reference = shipment_equipment.equipment_reference and n.first_at > shipment_equipment.first_at
      and not (n.ref_type = shipment_equipment.ref_type and n.ref_value = shipment_equipment.ref_value)
      and not exists (select 1 from document_links l where l.ref_type = shipment_equipment.ref_type and l.ref_value = shipment_equipment.ref_value
        and l.other_type = n.ref_type and l.other_value = n.ref_value))`;
  const differs = dialect === 'postgres' ? sql`is distinct from` : sql`is not`;
  const which = boxes ? sql`equipment_reference in (${sql.join(boxes)}) and` : sql``;
  await sql`update shipment_equipment set end_at = ${nextStart} where ${which} end_at ${differs} ${nextStart}`.execute(db);
}

/**
 * Is this event the same as one stored (or first in the request) with this body? A byte-identical
 * retry has the same text; any other — keys in another order, eventCreatedDateTime filled in
 * again by the platform — is compared as canonical JSON. Only retries come here at all.
 */
function sameContent(e: NewEvent, storedBody: string): boolean {
  if (e.body === storedBody) return true;
  const fresh = JSON.parse(e.body) as Record<string, unknown>;
  const stored = JSON.parse(storedBody) as Record<string, unknown>;
  if (e.createdAtFilledIn) fresh.eventCreatedDateTime = stored.eventCreatedDateTime;
  return canonicalJson(fresh) === canonicalJson(stored);
}

/**
 * The insert failed on an eventID stored before: a unique violation on `events`, whose only
 * unique key besides `seq` (drawn from a sequence) is the eventID.
 */
function isStoredEventId(error: unknown): boolean {
  const e = error as { code?: string; table?: string; message?: string };
  return (e?.code === '23505' && e.table === 'events')
    || (e?.code === 'SQLITE_CONSTRAINT_UNIQUE' && /\bevents\.event_id\b/.test(e.message ?? ''));
}

function uniqueRefs(e: NewEvent) {
  const refs = e.documentReferences;
  return refs.length < 2 ? refs : dedupe(refs, (r) => `${r.type}|${r.value}`);
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
 * equipment events of its boxes during their journey on it (the same journey rule as access) —
 * the latter only for a viewer who holds the document: otherwise a party could learn which
 * booking a box travels on by filtering its own box-only events by guessed numbers.
 */
function documentMatches(viewer: Viewer, type: DocumentReferenceType, value: string): RawBuilder<SqlBool> {
  return sql<SqlBool>`(exists (select 1 from event_refs r where r.seq = events.seq and r.ref_type = ${type} and r.ref_value = ${value})
    or (events.equipment_reference is not null and ${holdsDocument(viewer, type, value)} and exists (select 1 from shipment_equipment a
      where a.ref_type = ${type} and a.ref_value = ${value} and ${journeyCovers})))`;
}

type Viewer = Pick<Principal, 'partyId' | 'authority'>;

export function filterConditions(f: EventFilter, viewer: Viewer): RawBuilder<SqlBool>[] {
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
  if (f.carrierBookingReference) c.push(documentMatches(viewer, 'BKG', f.carrierBookingReference));
  if (f.transportDocumentReference) c.push(documentMatches(viewer, 'TRD', f.transportDocumentReference));
  for (const cmp of f.eventCreatedDateTime ?? []) {
    // The operator is one of our own fragments, looked up; a filter's text never becomes SQL.
    const op = Object.hasOwn(COMPARISONS, cmp.op) ? COMPARISONS[cmp.op] : undefined;
    if (!op || typeof cmp.value !== 'string') throw new TypeError(`not a comparison: ${JSON.stringify(cmp)}`);
    c.push(sql<SqlBool>`events.event_created_date_time ${op} ${cmp.value}`);
  }
  return c;
}

const COMPARISONS: Record<Comparison, RawBuilder<unknown>> = { '=': sql`=`, '>': sql`>`, '>=': sql`>=`, '<': sql`<`, '<=': sql`<=` };

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
  for (const c of filterConditions(filter, viewer)) q = q.where(c);
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

export type TimelineEvent = Pick<StoredEvent, 'seq' | 'eventId' | 'eventType' | 'eventClassifierCode' | 'eventDateTime'
  | 'equipmentEventTypeCode' | 'equipmentReference' | 'UNLocationCode' | 'body'>;

/**
 * A container's events visible to the viewer, in the order they happened: only the columns a
 * timeline shows (the body is the event), since this is the busiest read there is.
 */
export async function containerTimeline(db: Executor, viewer: Pick<Principal, 'partyId' | 'authority'>, equipmentReference: string): Promise<TimelineEvent[]> {
  const rows = await db.selectFrom('events')
    .select(['seq', 'event_id', 'event_type', 'event_classifier_code', 'event_date_time', 'equipment_event_type_code', 'equipment_reference', 'un_location_code', 'body'])
    .where('equipment_reference', '=', equipmentReference).where(eventVisibleTo(viewer))
    .orderBy('event_date_time').orderBy('seq').modifyEnd(prepared).execute();
  return rows.map((r) => ({
    seq: Number(r.seq), eventId: r.event_id, eventType: r.event_type, eventClassifierCode: r.event_classifier_code, eventDateTime: r.event_date_time,
    equipmentEventTypeCode: r.equipment_event_type_code, equipmentReference: r.equipment_reference, UNLocationCode: r.un_location_code, body: r.body,
  }));
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
    createdAtFilledIn: false,
    body: r.body,
  };
}

/**
 * The group split into runs of consecutive requests by the same publisher (party and actor),
 * which are written together; order is kept, so `seq` still follows arrival.
 */
function samePublisherRuns(group: PendingAppend[]): PendingAppend[][] {
  const runs: PendingAppend[][] = [];
  for (const p of group) {
    const last = runs.at(-1)?.[0].publisher;
    if (last && last.partyId === p.publisher.partyId && last.actor === p.publisher.actor) runs.at(-1)!.push(p);
    else runs.push([p]);
  }
  return runs;
}

function dedupe<T>(items: T[], key: (t: T) => string): T[] {
  const seen = new Map<string, T>();
  for (const i of items) if (!seen.has(key(i))) seen.set(key(i), i);
  return [...seen.values()];
}
