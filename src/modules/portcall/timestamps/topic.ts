// The `portcall.timestamp` topic: every stored DCSA Port Call timestamp, for webhooks and the live
// stream, in the shape of the standard's notification (the event as sent), seen through the
// module's access predicate (access.ts: the call's carrier and terminal, the port authority and
// the MSA) and the DCSA Port Call filters.
import { chunks } from '../../../core/db.js';
import type { TopicProvider } from '../../../core/topics.js';
import { UUID } from '../../../core/fieldChecker.js';
import { CLASSIFIER_CODES, PORT_CALL_SERVICE_TYPE_CODES } from '../codes.js';
import { codeList, dateTime, parseQuery, pattern, standard, text } from '../paging.js';
import { pc } from '../schema.js';
import { queryTimestamps, type TimestampFilter } from '../calls/store.js';
import { validateImoNumber, validateUnLocode } from '../../../standards/index.js';

export const TIMESTAMP_TOPIC = 'portcall.timestamp';
export const PORT_CALL_API_VERSION = '2.0.0';
const SEQS_PER_QUERY = 500;

/** The DCSA Port Call filters, one parser each (the GET route and the subscriptions share them). */
export const TIMESTAMP_FILTERS = {
  UNLocationCode: standard(validateUnLocode),
  terminalCallReference: text(100),
  terminalCallID: pattern(UUID, 'a UUID (the portCallID of this platform)'),
  vesselIMONumber: standard(validateImoNumber),
  carrierServiceCode: text(11),
  carrierImportVoyageNumber: text(50),
  carrierExportVoyageNumber: text(50),
  portCallServiceTypeCode: codeList(PORT_CALL_SERVICE_TYPE_CODES),
  classifierCode: codeList(CLASSIFIER_CODES),
  eventTimestampMin: dateTime,
  eventTimestampMax: dateTime,
};

export const timestampTopic: TopicProvider<TimestampFilter> = {
  topic: TIMESTAMP_TOPIC,
  apiVersion: PORT_CALL_API_VERSION,
  streamEvent: 'timestamp',
  parseFilter: (raw, pointer, skip = []) => parseQuery<TimestampFilter>(raw, TIMESTAMP_FILTERS, skip, pointer),
  async lastSeq(db) {
    const row = await pc(db).selectFrom('pc_timestamps').select((eb) => eb.fn.max('seq').as('max')).executeTakeFirst();
    return Number(row?.max ?? 0);
  },
  async seqsAfter(db, seq, limit) {
    const rows = await pc(db).selectFrom('pc_timestamps').select('seq').where('seq', '>', seq).orderBy('seq').limit(limit).execute();
    return rows.map((r) => Number(r.seq));
  },
  async read(db, reader, seqs, filter = {}) {
    const out = [];
    for (const part of chunks(seqs, SEQS_PER_QUERY)) {
      const page = await queryTimestamps(pc(db), reader, filter, { seqIn: part, limit: part.length });
      out.push(...page.items.map((t) => ({ seq: Number(t.seq), id: t.event_id, body: t.body, portCallID: t.port_call_id })));
    }
    return out;
  },
  async ids(db, seqs) {
    const ids = new Map<number, string>();
    for (const part of chunks(seqs, SEQS_PER_QUERY)) {
      for (const r of await pc(db).selectFrom('pc_timestamps').select(['seq', 'event_id']).where('seq', 'in', part).execute()) ids.set(Number(r.seq), r.event_id);
    }
    return ids;
  },
  auditDetail: (items) => ({ eventIDs: items.map((i) => i.id), portCallIds: [...new Set(items.map((i) => (i as { portCallID?: string }).portCallID))] }),
};
