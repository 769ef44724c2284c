// Several nodes on one PostgreSQL serve one platform. Three platforms run in this process on the
// same schema, each listening on loopback with its own delivery worker, and are used only through
// their HTTP API: every node lists the same events in the same order, a reader paging by cursor
// while others write skips nothing, the live stream of one node sees what another stored, and a
// webhook subscription is served exactly once, in order, whichever nodes' workers race for it.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../src/core/config.js';
import { dropPgSchema } from '../src/core/db.js';
import { startPlatform, type Platform } from '../src/platform.js';
import { ADMIN_KEY, containerNumber, equipmentEvent, shipmentEvent, type TestEvent } from './helpers.js';

const DATABASE_URL = process.env.DATABASE_URL;
const onPostgres = /^postgres(ql)?:\/\//.test(DATABASE_URL ?? '');
const NODE_COUNT = 3;
/** Quick polls and retries, and small notifications so that a subscription takes many turns. */
const DELIVERY = { pollIntervalMs: 50, baseBackoffMs: 50, maxBackoffMs: 400, maxAttempts: 6, requestTimeoutMs: 2000, maxEventsPerNotification: 5 };

interface Node { url: string; platform: Platform; dir: string }
type Auth = { authorization: string };
interface Party { id: string; auth: Auth }

const admin: Auth = { authorization: `Bearer ${ADMIN_KEY}` };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One node as a deployment runs it: a data directory of its own, the shared database and master key. */
async function startNode(schema: string, secretKey: string): Promise<Node> {
  const dir = mkdtempSync(join(tmpdir(), 'jiaozhou-node-'));
  const config = { ...loadConfig({ DATA_DIR: dir, JIAOZHOU_DEMO: '0' }), databaseUrl: DATABASE_URL, bootstrapAdminKey: ADMIN_KEY, webhooksAllowLocal: true, secretKey };
  const platform = await startPlatform(config, { db: { databaseUrl: DATABASE_URL!, pgSchema: schema, poolSize: 4 }, delivery: DELIVERY });
  const url = await platform.app.listen({ port: 0, host: '127.0.0.1' });
  return { url, platform, dir };
}

async function call(node: Node, method: string, path: string, auth: Auth, body?: unknown) {
  const res = await fetch(`${node.url}${path}`, {
    method, headers: { ...auth, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, json: () => JSON.parse(text) };
}

async function createParty(node: Node, name: string, roles: string[], referencePrefixes?: string[]): Promise<Party> {
  const p = await call(node, 'POST', '/admin/parties', admin, { name, roles });
  assert.equal(p.status, 201, p.text);
  const id = p.json().id as string;
  if (referencePrefixes) {
    const c = await call(node, 'PUT', `/admin/parties/${id}/codes`, admin, { referencePrefixes, equipmentOwnerCodes: [] });
    assert.equal(c.status, 200, c.text);
  }
  const k = await call(node, 'POST', `/admin/parties/${id}/api-keys`, admin, {});
  assert.equal(k.status, 201, k.text);
  return { id, auth: { authorization: `Bearer ${k.json().key}` } };
}

/** Publishes a batch and checks that every event was stored. */
async function publish(node: Node, party: Party, events: TestEvent[]) {
  const res = await call(node, 'POST', '/v2/events', party.auth, events);
  assert.equal(res.status, 200, res.text);
  const results = res.json() as { eventID: string; result: string }[];
  assert.deepEqual(results.map((r) => r.result), events.map(() => 'created'), res.text);
}

/**
 * Every event ID `party` may see (matching `filter`, a query string), in the platform's order,
 * page by page; page `i` is read from `nodes[i % n]`.
 */
async function listAll(nodes: Node[], party: Party, limit = 50, filter = ''): Promise<string[]> {
  const ids: string[] = [];
  let path = `/v2/events?limit=${limit}${filter && `&${filter}`}`;
  for (let page = 0; page < 10_000; page++) {
    const res = await call(nodes[page % nodes.length], 'GET', path, party.auth);
    assert.equal(res.status, 200, res.text);
    ids.push(...(res.json() as TestEvent[]).map((e) => e.eventID));
    const cursor = res.headers.get('next-page-cursor');
    if (!cursor) return ids;
    path = `/v2/events?cursor=${cursor}`;
  }
  throw new Error('more pages than any test writes');
}

/**
 * Events for a party to publish: its bookings when it is a carrier (`tag`, its prefix), else boxes
 * with no document. `createdAt` marks them, for a reader to list only these.
 */
function eventsOf(kind: 'carrier' | 'terminal', tag: string, count: number, serial: { n: number }, createdAt?: string): TestEvent[] {
  return Array.from({ length: count }, () => {
    const n = serial.n++;
    const event = kind === 'terminal' ? equipmentEvent({ equipmentReference: containerNumber('TMLU', n) })
      : n % 2 ? (shipmentEvent(`${tag}${n}`) as TestEvent) : equipmentEvent({ equipmentReference: containerNumber('CRRU', n), bookings: [`${tag}${n}`] });
    return createdAt ? { ...event, eventCreatedDateTime: createdAt } : event;
  });
}

/** Checks that each publisher's events keep the order in which it had them acknowledged. */
function assertPublisherOrder(list: string[], sent: string[][]) {
  const position = new Map(list.map((id, i) => [id, i]));
  for (const ids of sent) {
    const positions = ids.map((id) => position.get(id));
    assert.ok(positions.every((p) => p !== undefined), 'every published event is listed');
    assert.deepEqual(positions, [...positions].sort((a, b) => a! - b!), 'a publisher\'s acknowledged events keep their order');
  }
}

describe('several nodes on one PostgreSQL', { skip: onPostgres ? false : 'needs PostgreSQL: nodes share one database only there (set DATABASE_URL=postgres://…)' }, () => {
  const schema = `mn_${randomBytes(6).toString('hex')}`;
  const nodes: Node[] = [];
  let carrierA: Party, carrierB: Party, terminal: Party, customs: Party;
  const serial = { n: 1 };

  before(async () => {
    const secretKey = randomBytes(32).toString('base64');
    // The first node creates the schema; the others then start together against it.
    nodes.push(await startNode(schema, secretKey));
    // Codes are registered before the other nodes start: a node learns of codes registered
    // through another one only when it next reloads them (within five seconds).
    carrierA = await createParty(nodes[0], 'Carrier A', ['carrier'], ['MNA']);
    carrierB = await createParty(nodes[0], 'Carrier B', ['carrier'], ['MNB']);
    terminal = await createParty(nodes[0], 'Terminal', ['terminal']);
    customs = await createParty(nodes[0], 'Customs', ['customs']);
    nodes.push(...await Promise.all(Array.from({ length: NODE_COUNT - 1 }, () => startNode(schema, secretKey))));
  });

  after(async () => {
    for (const node of nodes) {
      await node.platform.close();
      rmSync(node.dir, { recursive: true, force: true });
    }
    await dropPgSchema(DATABASE_URL!, schema);
  });

  it('lists the same events in the same order on every node, after concurrent publishing through all of them', async () => {
    const publishers: [Party, 'carrier' | 'terminal', string][] = [[carrierA, 'carrier', 'MNA'], [carrierB, 'carrier', 'MNB'], [terminal, 'terminal', '']];
    const sent: string[][] = publishers.map(() => []);
    // Each party sends its batches one after another, each to the next node; the parties all at once.
    await Promise.all(publishers.map(async ([party, kind, tag], p) => {
      for (let batch = 0; batch < 6; batch++) {
        const events = eventsOf(kind, tag, 25, serial);
        await publish(nodes[(p + batch) % NODE_COUNT], party, events);
        sent[p].push(...events.map((e) => e.eventID));
      }
    }));

    const lists = await Promise.all(nodes.map((node) => listAll([node], customs, 40)));
    const published = sent.flat();
    for (const list of lists) {
      assert.equal(list.length, published.length, 'nothing missing, nothing twice');
      assert.deepEqual(new Set(list), new Set(published));
      assert.deepEqual(list, lists[0], 'every node, the same order');
    }
    assertPublisherOrder(lists[0], sent);
    // A cursor issued by one node is honoured by the others (they share the master key).
    assert.deepEqual(await listAll(nodes, customs, 40), lists[0]);
  });

  it('readers paging by cursor on one node skip nothing that others write meanwhile', async () => {
    const reader = nodes[0];
    // The readers list only this test's events (all created "then"), which keeps their pages few.
    const createdAt = '2026-10-02T00:00:00Z';
    const onlyThese = `eventCreatedDateTime=${createdAt}`;
    let writing = true;
    let readsDuringWrites = 0;
    // At the end of the list there is no next cursor: a reader asks again from where its last page
    // began and takes what follows what it already has, as a consumer following the list does.
    const follow = async (limit: number) => {
      const collected: string[] = [];
      let path = `/v2/events?limit=${limit}&${onlyThese}`;
      let taken = 0;
      const until = Date.now() + 20_000;
      for (let finalPass = false; Date.now() < until;) {
        const res = await call(reader, 'GET', path, customs.auth);
        assert.equal(res.status, 200, res.text);
        if (writing) readsDuringWrites++;
        const page = (res.json() as TestEvent[]).map((e) => e.eventID);
        collected.push(...page.slice(taken));
        const cursor = res.headers.get('next-page-cursor');
        if (cursor) {
          path = `/v2/events?cursor=${cursor}`;
          taken = 0;
          continue;
        }
        taken = page.length;
        if (finalPass) return collected;
        finalPass = !writing;
        await sleep(1);
      }
      throw new Error('the reader did not reach the end of the list in time');
    };
    // Several page sizes, so that page ends fall at many places of the writes.
    const readers = [3, 7, 20, 50].map(follow);

    // Two writers on each of the other nodes, so that their transactions overlap.
    const writers: [Node, Party, 'carrier' | 'terminal', string][] = [
      [nodes[1], carrierA, 'carrier', 'MNA'], [nodes[1], terminal, 'terminal', ''], [nodes[2], carrierB, 'carrier', 'MNB'], [nodes[2], terminal, 'terminal', ''],
    ];
    await Promise.all(writers.map(async ([node, party, kind, tag]) => {
      for (let batch = 0; batch < 6; batch++) await publish(node, party, eventsOf(kind, tag, 30, serial, createdAt));
    }));
    writing = false;
    const collected = await Promise.all(readers);

    assert.ok(readsDuringWrites > 0, 'the readers read while the others wrote');
    const final = await listAll([reader], customs, 100, onlyThese);
    assert.equal(final.length, writers.length * 6 * 30);
    for (const list of collected) {
      assert.equal(list.length, final.length, 'the reader collected each event once');
      assert.deepEqual(list, final);
    }
  });

  it('the live stream of one node sends what was published through the others', async () => {
    const controller = new AbortController();
    const res = await fetch(`${nodes[0].url}/v1/stream`, { headers: customs.auth, signal: controller.signal });
    assert.equal(res.status, 200);
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let text = '';
    const readUntil = async (done: () => boolean, what: string) => {
      const until = Date.now() + 10_000;
      while (!done()) {
        const timeLeft = until - Date.now();
        if (timeLeft <= 0) throw new Error(`timed out waiting for ${what}`);
        let timer: ReturnType<typeof setTimeout> | undefined;
        const chunk = await Promise.race([reader.read(), new Promise<undefined>((r) => { timer = setTimeout(() => r(undefined), timeLeft); })]);
        clearTimeout(timer);
        if (chunk?.done) throw new Error(`the stream ended before ${what}`);
        if (chunk?.value) text += decoder.decode(chunk.value, { stream: true });
      }
    };
    try {
      await readUntil(() => text.includes(': connected'), 'the stream to open');
      const fromB = equipmentEvent({ equipmentReference: containerNumber('TMLU', serial.n++) });
      const fromC = shipmentEvent(`MNB${serial.n++}`) as TestEvent;
      await publish(nodes[1], terminal, [fromB]);
      await publish(nodes[2], carrierB, [fromC]);
      await readUntil(() => text.includes(fromB.eventID) && text.includes(fromC.eventID), 'the events published through the other nodes');
      assert.ok(text.indexOf(fromB.eventID) < text.indexOf(fromC.eventID), 'in the order they were stored');
    } finally {
      controller.abort();
    }
  });

  it('a webhook subscription is served once per event, in order, by the delivery workers of all nodes', async () => {
    const received = new Map<string, string[]>();
    const server: Server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => { body += c; });
      req.on('end', () => {
        const id = String(req.headers['subscription-id']);
        if (!received.has(id)) received.set(id, []);
        received.get(id)!.push(...(JSON.parse(body) as TestEvent[]).map((e) => e.eventID));
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    try {
      const callbackUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
      const secret = randomBytes(32).toString('base64');
      // Made through different nodes: the customs' sees everything, carrier A's only its own events.
      const subscribers: [Party, Node][] = [[customs, nodes[1]], [carrierA, nodes[2]]];
      const subscriptions = await Promise.all(subscribers.map(async ([party, node]) => {
        const res = await call(node, 'POST', '/v2/event-subscriptions', party.auth, { callbackUrl, secret });
        assert.equal(res.status, 201, res.text);
        return res.json().subscriptionID as string;
      }));

      const publishers: [Party, 'carrier' | 'terminal', string][] = [[carrierA, 'carrier', 'MNA'], [carrierB, 'carrier', 'MNB'], [terminal, 'terminal', '']];
      const published = new Set<string>();
      await Promise.all(publishers.map(async ([party, kind, tag], p) => {
        for (let batch = 0; batch < 4; batch++) {
          const events = eventsOf(kind, tag, 15, serial);
          await publish(nodes[(p + batch) % NODE_COUNT], party, events);
          for (const e of events) published.add(e.eventID);
        }
      }));

      // What each subscriber should get: the new events it may read, in the platform's order.
      const expected = await Promise.all(subscribers.map(async ([party]) => (await listAll(nodes, party)).filter((id) => published.has(id))));
      assert.equal(expected[0].length, published.size);
      assert.ok(expected[1].length > 0 && expected[1].length < published.size);

      const until = Date.now() + 15_000;
      const delivered = () => subscriptions.every((id, i) => (received.get(id)?.length ?? 0) >= expected[i].length);
      while (!delivered() && Date.now() < until) await sleep(50);
      // A little longer, so that a notification sent twice would have arrived too.
      await sleep(500);
      subscriptions.forEach((id, i) => assert.deepEqual(received.get(id) ?? [], expected[i], `subscription ${i}: each event once, in order`));
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});
