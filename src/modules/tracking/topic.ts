// The `tracking.event` topic: every stored DCSA event, for webhooks and the live stream, seen
// through the access policy (access.ts) and the DCSA filters (filters.ts).
import { chunks, type Executor } from '../../core/db.js';
import type { TopicItem, TopicProvider } from '../../core/topics.js';
import { EVENT_TOPIC, queryEvents, type EventFilter, type StoredEvent } from './eventStore.js';
import { parseEventFilter } from './filters.js';
import { trackingDb } from './tables.js';

export const TNT_API_VERSION = '2.2.0';
// Lists of `seq`s bound one by one stay far below the databases' parameter limits.
const SEQS_PER_QUERY = 500;

const item = (e: StoredEvent): TopicItem & { equipmentReference: string | null } => ({ seq: e.seq, id: e.eventId, body: e.body, equipmentReference: e.equipmentReference });

export const eventTopic: TopicProvider<EventFilter> = {
  topic: EVENT_TOPIC,
  apiVersion: TNT_API_VERSION,
  streamEvent: 'event',
  parseFilter: (raw, pointer, skip = []) => parseEventFilter(raw, pointer, skip),
  async lastSeq(db: Executor) {
    const row = await trackingDb(db).selectFrom('events').select((eb) => eb.fn.max('seq').as('max')).executeTakeFirst();
    return Number(row?.max ?? 0);
  },
  async seqsAfter(db, seq, limit) {
    const rows = await trackingDb(db).selectFrom('events').select('seq').where('seq', '>', seq).orderBy('seq').limit(limit).execute();
    return rows.map((r) => Number(r.seq));
  },
  async read(db, reader, seqs, filter = {}) {
    const out = [];
    for (const part of chunks(seqs, SEQS_PER_QUERY)) {
      out.push(...(await queryEvents(trackingDb(db), reader, filter, { seqIn: part, limit: part.length })).events.map(item));
    }
    return out;
  },
  async ids(db, seqs) {
    const ids = new Map<number, string>();
    for (const part of chunks(seqs, SEQS_PER_QUERY)) {
      for (const r of await trackingDb(db).selectFrom('events').select(['seq', 'event_id']).where('seq', 'in', part).execute()) ids.set(Number(r.seq), r.event_id);
    }
    return ids;
  },
  auditDetail(items) {
    const boxes = (items as ReturnType<typeof item>[]).map((i) => i.equipmentReference).filter(Boolean);
    return { eventIDs: items.map((i) => i.id), equipmentReferences: [...new Set(boxes)] };
  },
};
