// Sustained ingest through `POST /v2/events` (batches of 500, durable) against the raw insert
// ceiling of the same database, measured in the same run.
//
//   npx tsx bench/ingest.ts [--events 100000]            (SQLite)
//   DATABASE_URL=postgres://… npx tsx bench/ingest.ts    (PostgreSQL)
//
// The full path runs once per count of concurrent senders (default 1, 2, 4 and 8 publishers),
// each on a fresh server; concurrent requests share commits (group commit).
//
// Raw ceiling (the median of three measurements in the run): the same events, as JSON text with their eventID and container, inserted into a
// bare indexed table in durable transactions of 500 with the driver alone (better-sqlite3 or pg)
// — no validation, no HTTP, no access tables. The full path adds validation, idempotency, references, projections, audit and
// outbox, over real HTTP on loopback.
import { Agent, request } from 'node:http';
import { parseArgs } from 'node:util';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { benchEvent, percentile, round, saveResult, serverProcess } from './common.js';

const { values } = parseArgs({ options: { events: { type: 'string', default: '100000' }, batch: { type: 'string', default: '500' }, senders: { type: 'string', default: '1,2,4,8' } } });
const EVENTS = Number(values.events);
const BATCH = Number(values.batch);
/** Concurrent publishers, one full-path run (on a fresh server) for each count. */
const SENDER_COUNTS = values.senders.split(',').map(Number);
const BOXES = Math.max(1, Math.floor(EVENTS / 6));

async function rawCeiling(): Promise<number> {
  const batches = Array.from({ length: Math.ceil(EVENTS / BATCH) }, (_, k) =>
    Array.from({ length: Math.min(BATCH, EVENTS - k * BATCH) }, (_, i) => benchEvent(k * BATCH + i, BOXES)));
  const rows = (batch: Record<string, unknown>[]) => batch.map((e) => [e.eventID, e.equipmentReference, e.eventDateTime, JSON.stringify(e)]);
  const url = process.env.DATABASE_URL;
  const started = () => performance.now();
  if (!url) {
    const dir = mkdtempSync(join(tmpdir(), 'jiaozhou-raw-'));
    const db = new SQLite(join(dir, 'raw.sqlite'));
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.exec('create table raw_events (seq integer primary key autoincrement, event_id text not null unique, equipment_reference text, event_date_time text not null, body text not null)');
    db.exec('create index raw_events_box on raw_events (equipment_reference, event_date_time)');
    const insert = db.prepare('insert into raw_events (event_id, equipment_reference, event_date_time, body) values (?, ?, ?, ?)');
    const insertBatch = db.transaction((rs: unknown[][]) => { for (const r of rs) insert.run(...r); });
    const t0 = started();
    for (const batch of batches) insertBatch(rows(batch));
    const seconds = (performance.now() - t0) / 1000;
    db.close();
    rmSync(dir, { recursive: true, force: true });
    return EVENTS / seconds;
  }
  const schema = `raw_${Date.now()}`;
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`create schema ${schema}; set search_path = ${schema}`);
    await client.query('create table raw_events (seq bigserial primary key, event_id text not null unique, equipment_reference text, event_date_time text not null, body text not null)');
    await client.query('create index raw_events_box on raw_events (equipment_reference, event_date_time)');
    const t0 = started();
    for (const batch of batches) {
      const params = rows(batch).flat();
      const tuples = batch.map((_, i) => `($${i * 4 + 1}, $${i * 4 + 2}, $${i * 4 + 3}, $${i * 4 + 4})`).join(',');
      await client.query('begin');
      await client.query(`insert into raw_events (event_id, equipment_reference, event_date_time, body) values ${tuples}`, params);
      await client.query('commit');
    }
    return EVENTS / ((performance.now() - t0) / 1000);
  } finally {
    await client.query(`drop schema ${schema} cascade`);
    await client.end();
  }
}

/**
 * One request over kept-alive connections with node:http, the body encoded once beforehand. The
 * senders share the machine with the server they measure: `fetch` took about a fifth of a core
 * of this 2-core machine at 8 publishers (and encoded each 350 kB body again on every send).
 */
function post(agent: Agent, url: string, headers: Record<string, string>, body: Buffer): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', agent, headers: { ...headers, 'content-length': String(body.length) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** The platform runs as its own process, as in production; this process only sends. */
async function fullPath(senders: number): Promise<{ eventsPerSecond: number; batchP50Ms: number; batchP99Ms: number; requestsPerCommit: number }> {
  const server = await serverProcess();
  try {
    const base = server.url;
    const admin = { authorization: `Bearer ${server.adminKey}`, 'content-type': 'application/json' };
    const party = await (await fetch(`${base}/admin/parties`, { method: 'POST', headers: admin, body: JSON.stringify({ name: 'Bench carrier', roles: ['carrier'] }) })).json() as { id: string };
    await fetch(`${base}/admin/parties/${party.id}/codes`, { method: 'PUT', headers: admin, body: JSON.stringify({ referencePrefixes: ['BKG'], equipmentOwnerCodes: [] }) });
    const { key } = await (await fetch(`${base}/admin/parties/${party.id}/api-keys`, { method: 'POST', headers: admin, body: '{}' })).json() as { key: string };
    const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
    const bodies = Array.from({ length: Math.ceil(EVENTS / BATCH) }, (_, k) =>
      Buffer.from(JSON.stringify(Array.from({ length: Math.min(BATCH, EVENTS - k * BATCH) }, (_, i) => benchEvent(k * BATCH + i, BOXES)))));
    const agent = new Agent({ keepAlive: true, maxSockets: senders });
    const latencies: number[] = [];
    let next = 0;
    const started = performance.now();
    await Promise.all(Array.from({ length: senders }, async () => {
      while (next < bodies.length) {
        const body = bodies[next++];
        const t0 = performance.now();
        const res = await post(agent, `${base}/v2/events`, headers, body);
        const results = JSON.parse(res.text) as { result: string }[];
        latencies.push(performance.now() - t0);
        if (res.status !== 200 || results.some((r) => r.result !== 'created')) throw new Error(`ingest failed: ${res.status}`);
      }
    }));
    const seconds = (performance.now() - started) / 1000;
    agent.destroy();
    latencies.sort((x, y) => x - y);
    const metrics = await (await fetch(`${base}/metrics`, { headers: { authorization: admin.authorization } })).text();
    const counter = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(metrics)?.[1] ?? NaN);
    return {
      eventsPerSecond: EVENTS / seconds, batchP50Ms: percentile(latencies, 50), batchP99Ms: percentile(latencies, 99),
      requestsPerCommit: counter('jiaozhou_event_requests_total') / counter('jiaozhou_event_commits_total'),
    };
  } finally {
    await server.stop();
  }
}

// The ceiling moves with the disk's sync time from one minute to the next (by a third or more
// on a shared machine): it is measured before, between and after the full-path runs, and each
// share is taken of the median.
const ceilings = [await rawCeiling()];
const fullRuns = [];
for (const [i, senders] of SENDER_COUNTS.entries()) {
  fullRuns.push({ senders, full: await fullPath(senders) });
  if (i === Math.floor((SENDER_COUNTS.length - 1) / 2) || i === SENDER_COUNTS.length - 1) ceilings.push(await rawCeiling());
}
const raw = [...ceilings].sort((x, y) => x - y)[Math.floor(ceilings.length / 2)];
const runs = [];
for (const { senders, full } of fullRuns) {
  runs.push({
    senders,
    fullPathEventsPerSecond: round(full.eventsPerSecond),
    shareOfCeiling: round(full.eventsPerSecond / raw, 3),
    batchLatencyP50Ms: round(full.batchP50Ms, 1),
    batchLatencyP99Ms: round(full.batchP99Ms, 1),
    requestsPerCommit: round(full.requestsPerCommit, 2),
  });
}
const result = { events: EVENTS, batch: BATCH, rawCeilingEventsPerSecond: round(raw), rawCeilingRuns: ceilings.map((c) => round(c)), runs };
console.log(JSON.stringify(result, null, 2));
saveResult('ingest', result);
