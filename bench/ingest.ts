// Sustained ingest through `POST /v2/events` (batches of 500, durable) against the raw insert
// ceiling of the same database, measured in the same run.
//
//   npx tsx bench/ingest.ts [--events 100000]            (SQLite)
//   DATABASE_URL=postgres://… npx tsx bench/ingest.ts    (PostgreSQL)
//
// Raw ceiling: the same events, as JSON text with their eventID and container, inserted into a
// bare indexed table in transactions of 500 with the driver alone — no validation, no HTTP, no
// access tables. The full path adds validation, idempotency, references, projections, audit and
// outbox, over real HTTP on loopback.
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import { benchEvent, benchPlatform, BENCH_ADMIN_KEY, round, saveResult } from './common.js';

const { values } = parseArgs({ options: { events: { type: 'string', default: '100000' }, batch: { type: 'string', default: '500' }, senders: { type: 'string', default: '2' } } });
const EVENTS = Number(values.events);
const BATCH = Number(values.batch);
const SENDERS = Number(values.senders);
const BOXES = Math.max(1, Math.floor(EVENTS / 6));

async function rawCeiling(): Promise<number> {
  const b = await benchPlatform();
  try {
    const { db, dialect } = b.platform.ctx;
    const id = dialect === 'postgres' ? sql`bigserial primary key` : sql`integer primary key autoincrement`;
    await sql`create table raw_events (seq ${id}, event_id text not null unique, equipment_reference text, event_date_time text not null, body text not null)`.execute(db);
    await sql`create index raw_events_box on raw_events (equipment_reference, event_date_time)`.execute(db);
    const batches = Array.from({ length: Math.ceil(EVENTS / BATCH) }, (_, k) =>
      Array.from({ length: Math.min(BATCH, EVENTS - k * BATCH) }, (_, i) => benchEvent(k * BATCH + i, BOXES)));
    const started = performance.now();
    for (const batch of batches) {
      await db.transaction().execute(async (tx) => {
        await tx.insertInto('raw_events' as never).values(batch.map((e) => ({
          event_id: e.eventID, equipment_reference: e.equipmentReference, event_date_time: e.eventDateTime, body: JSON.stringify(e),
        })) as never).execute();
      });
    }
    return EVENTS / ((performance.now() - started) / 1000);
  } finally {
    await b.close();
  }
}

async function fullPath(): Promise<{ eventsPerSecond: number; batchP50Ms: number; batchP99Ms: number }> {
  const b = await benchPlatform();
  try {
    const base = await b.platform.app.listen({ port: 0, host: '127.0.0.1' });
    const admin = { authorization: `Bearer ${BENCH_ADMIN_KEY}`, 'content-type': 'application/json' };
    const party = await (await fetch(`${base}/admin/parties`, { method: 'POST', headers: admin, body: JSON.stringify({ name: 'Bench carrier', roles: ['carrier'] }) })).json() as { id: string };
    const { key } = await (await fetch(`${base}/admin/parties/${party.id}/api-keys`, { method: 'POST', headers: admin, body: '{}' })).json() as { key: string };
    const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
    const bodies = Array.from({ length: Math.ceil(EVENTS / BATCH) }, (_, k) =>
      JSON.stringify(Array.from({ length: Math.min(BATCH, EVENTS - k * BATCH) }, (_, i) => benchEvent(k * BATCH + i, BOXES))));
    const latencies: number[] = [];
    let next = 0;
    const started = performance.now();
    await Promise.all(Array.from({ length: SENDERS }, async () => {
      while (next < bodies.length) {
        const body = bodies[next++];
        const t0 = performance.now();
        const res = await fetch(`${base}/v2/events`, { method: 'POST', headers, body });
        const results = await res.json() as { result: string }[];
        latencies.push(performance.now() - t0);
        if (res.status !== 200 || results.some((r) => r.result !== 'created')) throw new Error(`ingest failed: ${res.status}`);
      }
    }));
    const seconds = (performance.now() - started) / 1000;
    latencies.sort((x, y) => x - y);
    return { eventsPerSecond: EVENTS / seconds, batchP50Ms: latencies[Math.floor(latencies.length / 2)], batchP99Ms: latencies[Math.floor(latencies.length * 0.99)] };
  } finally {
    await b.close();
  }
}

const raw = await rawCeiling();
const full = await fullPath();
const result = {
  events: EVENTS, batch: BATCH, senders: SENDERS,
  rawCeilingEventsPerSecond: round(raw),
  fullPathEventsPerSecond: round(full.eventsPerSecond),
  shareOfCeiling: round(full.eventsPerSecond / raw, 3),
  batchLatencyP50Ms: round(full.batchP50Ms, 1),
  batchLatencyP99Ms: round(full.batchP99Ms, 1),
};
console.log(JSON.stringify(result, null, 2));
saveResult('ingest', result);
