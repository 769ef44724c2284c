// Container timeline latency with millions of events stored.
//
//   npx tsx bench/timeline.ts [--events 5000000] [--boxes <events / 50>] [--queries 2000]
//   DATABASE_URL=postgres://… npx tsx bench/timeline.ts
//
// Loads the events through the event store (the same transaction as the API, without HTTP), then
// times `containerTimeline` — the query behind GET /v1/containers/{id} — for random boxes, as the
// carrier that owns the shipments (the access policy is evaluated, not bypassed) and as a
// forwarder holding a grant of one booking (journey windows are evaluated), and the whole
// HTTP request for the carrier (sent from a process of its own).
import { execFile } from 'node:child_process';
import { parseArgs, promisify } from 'node:util';
import { sql } from 'kysely';
import { createApiKey, createParty } from '../src/core/identity.js';
import { setPartyCodes } from '../src/core/ownership.js';
import { containerTimeline, createGrant, eventStoreOf, trackingDb, validateEvent } from '../src/modules/tracking/index.js';
import { SERVER_HEAP_FLAGS } from '../src/sim/embedded.js';
import { benchEvent, benchPlatform, container, percentile, round, saveResult } from './common.js';

const { values } = parseArgs({ options: { events: { type: 'string', default: '5000000' }, boxes: { type: 'string' }, queries: { type: 'string', default: '2000' } } });
const EVENTS = Number(values.events);
// 50 events per box unless told otherwise: 100,000 boxes for 5 million events.
const BOXES = Number(values.boxes ?? Math.max(1, Math.floor(EVENTS / 50)));
const QUERIES = Number(values.queries);
const LOAD_BATCH = 1000;

const b = await benchPlatform();
try {
  const { db } = b.platform.ctx;
  const events = eventStoreOf(b.platform.ctx);
  const tdb = trackingDb(db);
  // A kept database (BENCH_KEEP) that holds the events already is measured again as it is.
  const stored = Number((await tdb.selectFrom('events').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
  const reused = stored >= EVENTS;
  const partyNamed = async (name: string, role: 'carrier' | 'forwarder') =>
    (reused ? await db.selectFrom('parties').select('id').where('name', '=', name).executeTakeFirst() : undefined)
    ?? await createParty(db, { name, roles: [role] });
  const carrier = { ...(await partyNamed('Bench carrier', 'carrier')), name: 'Bench carrier', roles: ['carrier' as const] };
  const forwarder = await partyNamed('Bench forwarder', 'forwarder');
  const key = await createApiKey(db, { partyId: carrier.id });
  // The bench carrier issues the BKG… bookings of the stream (core/ownership.ts).
  await db.transaction().execute((tx) => setPartyCodes(tx, { ...carrier, createdAt: '' }, { referencePrefixes: ['BKG'], equipmentOwnerCodes: [] }));
  b.platform.ctx.ownership.invalidate();
  await b.platform.ctx.ownership.current();

  const loadStarted = performance.now();
  let lastReport = loadStarted;
  for (let i = reused ? EVENTS : 0; i < EVENTS; i += LOAD_BATCH) {
    const batch = [];
    for (let j = i; j < Math.min(EVENTS, i + LOAD_BATCH); j++) {
      const v = validateEvent(benchEvent(j, BOXES), '/body', new Date('2030-01-01T00:00:00Z'));
      if (!v.ok) throw new Error(JSON.stringify(v.errors));
      batch.push(v.event);
    }
    await events.append({ partyId: carrier.id, partyName: carrier.name, roles: carrier.roles, actor: 'bench' }, batch);
    if (performance.now() - lastReport > 10_000) {
      lastReport = performance.now();
      const done = i + LOAD_BATCH;
      process.stderr.write(`loaded ${done.toLocaleString()} / ${EVENTS.toLocaleString()} events (${round(done / ((lastReport - loadStarted) / 1000))} ev/s)\n`);
    }
  }
  const loadSeconds = (performance.now() - loadStarted) / 1000;

  // The forwarder holds one booking of each sampled box: BKG<box/4>-<journey 2>.
  const sample = Array.from({ length: QUERIES }, (_, k) => (k * 7919) % BOXES);
  const granter = { partyId: carrier.id, partyName: carrier.name, roles: carrier.roles, actor: 'bench', authority: false };
  const granted = new Set<string>();
  for (const box of sample) {
    const ref = `BKG${Math.floor(box / 4)}-2`;
    if (granted.has(ref) || reused) continue;
    granted.add(ref);
    await createGrant(tdb, b.platform.ctx.ownership, granter, { granteePartyId: forwarder.id, referenceType: 'BKG', referenceValue: ref });
  }

  // What autovacuum gives a database that grew over time (it is off on some test machines):
  // fresh statistics, or the planner plans the access policy for the empty tables it last
  // analysed; and the dead row versions of journey ends and container status, rewritten by the
  // load, cleared from the pages the policy reads.
  if (b.platform.ctx.dialect === 'postgres') await sql`vacuum analyze`.execute(db);

  const time = async (viewer: { partyId: string; authority: boolean }) => {
    const ms: number[] = [];
    let rows = 0;
    for (const box of sample) {
      const t0 = performance.now();
      rows += (await containerTimeline(tdb, viewer, container(box))).length;
      ms.push(performance.now() - t0);
    }
    ms.sort((x, y) => x - y);
    return { p50Ms: round(percentile(ms, 50), 2), p99Ms: round(percentile(ms, 99), 2), eventsPerTimeline: round(rows / sample.length, 1) };
  };
  // The first pass reads from disk (the database is several GB); the second from memory, as a
  // server that has been up a while does. Both are reported, for each viewer: the forwarder's
  // policy reads pages (journeys, grants) that the carrier's does not.
  const coldAsCarrier = await time({ partyId: carrier.id, authority: false });
  const asCarrier = await time({ partyId: carrier.id, authority: false });
  const asForwarderFirst = await time({ partyId: forwarder.id, authority: false });
  const asForwarder = await time({ partyId: forwarder.id, authority: false });

  // The server's own time per request (Fastify's, from the request's arrival to the answer's end).
  const serverMs: number[] = [];
  b.platform.app.addHook('onResponse', (_request, reply, done) => { serverMs.push(reply.elapsedTime); done(); });
  const base = await b.platform.app.listen({ port: 0, host: '127.0.0.1' });
  const paths = sample.map((box) => `/v1/containers/${container(box)}`);
  const httpPass = () => timedGets(base, key.key, paths);
  // The requests come from a process of their own, as a client's would: in this one, the client's
  // work and garbage would be counted in the server's time. The first pass of a fresh listener
  // also pays for compiling the HTTP path; like the queries above, the warm pass is reported.
  const httpFirst = await httpPass();
  serverMs.length = 0;
  const http = await httpPass();
  serverMs.sort((x, y) => x - y);

  const result = {
    events: EVENTS, boxes: BOXES, queries: QUERIES,
    loadEventsPerSecond: reused ? null : round(EVENTS / loadSeconds),
    timelineAsOwningCarrierColdCache: coldAsCarrier,
    timelineAsOwningCarrier: asCarrier,
    timelineAsForwarderWithBookingGrantFirstPass: asForwarderFirst,
    timelineAsForwarderWithBookingGrant: asForwarder,
    httpTimelineAsCarrierFirstPass: { p50Ms: round(percentile(httpFirst, 50), 2), p99Ms: round(percentile(httpFirst, 99), 2) },
    httpTimelineAsCarrier: { p50Ms: round(percentile(http, 50), 2), p99Ms: round(percentile(http, 99), 2) },
    httpTimelineAsCarrierServerSide: { p50Ms: round(percentile(serverMs, 50), 2), p99Ms: round(percentile(serverMs, 99), 2) },
  };
  console.log(JSON.stringify(result, null, 2));
  saveResult('timeline', result);
} finally {
  await b.close();
}

/** GETs the paths one after another from a child process; each request's milliseconds, sorted. */
async function timedGets(base: string, apiKey: string, paths: string[]): Promise<number[]> {
  const client = `
    const [base, key, ...paths] = process.argv.slice(1);
    const ms = [];
    for (const path of paths) {
      const t0 = performance.now();
      const res = await fetch(base + path, { headers: { authorization: 'Bearer ' + key } });
      await res.json();
      if (res.status !== 200) throw new Error('GET timeline: ' + res.status);
      ms.push(performance.now() - t0);
    }
    console.log(JSON.stringify(ms));`;
  const { stdout } = await promisify(execFile)(process.execPath, [...SERVER_HEAP_FLAGS, '--input-type=module', '-e', client, base, apiKey, ...paths], { maxBuffer: 16 << 20 });
  return (JSON.parse(stdout) as number[]).sort((x, y) => x - y);
}
