// Input safety: forged and foreign paging cursors, query parameters named like Object's own
// members, NUL characters, bodies nested without bound, poison events, reference floods, other
// content types; and webhook secrets that a read of the database does not reveal, with
// notifications still signed (and timestamped against replays).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { insertMany } from '../src/core/db.js';
import { checkKeyFingerprint, PlatformSecrets, sealStoredSecrets } from '../src/core/secrets.js';
import { containerNumber, equipmentEvent, testPlatform, type TestParty, type TestPlatform } from './helpers.js';
import { trackingDb } from '../src/modules/tracking/index.js';

type Res = Awaited<ReturnType<TestPlatform['inject']>>;
const errorsOf = (res: Res) => (res.json().errors ?? []).map((e: { pointer: string; rule: string }) => `${e.pointer} ${e.rule}`) as string[];
/** A cursor in the unsigned shape this server issued before cursors were signed. */
const unsignedCursor = (c: unknown) => Buffer.from(JSON.stringify(c)).toString('base64url');
/** JSON text of `value` with the field `key` set to `leaf` inside `depth` arrays (too deep for JSON.stringify). */
const withDeepField = (value: Record<string, unknown>, key: string, depth: number, leaf = '"x"') =>
  JSON.stringify({ ...value, [key]: '@deep@' }).replace('"@deep@"', `${'['.repeat(depth)}${leaf}${']'.repeat(depth)}`);

describe('paging cursors are signed, scoped and validated again', () => {
  let t: TestPlatform;
  let carrierA: TestParty;
  let carrierB: TestParty;
  const idsOf = (res: Res) => res.json().map((e: { eventID: string }) => e.eventID) as string[];
  let ownIds: string[];
  let othersIds: string[];
  before(async () => {
    t = await testPlatform();
    carrierA = await t.party('Carrier A', ['carrier'], { referencePrefixes: ['BKG-CUR-A'] });
    carrierB = await t.party('Carrier B', ['carrier'], { referencePrefixes: ['BKG-CUR-B'] });
    const own = Array.from({ length: 3 }, (_, i) => equipmentEvent({ equipmentReference: containerNumber('AAAU', i), bookings: ['BKG-CUR-A'] }));
    const others = Array.from({ length: 2 }, (_, i) => equipmentEvent({ equipmentReference: containerNumber('BBBU', i), bookings: ['BKG-CUR-B'] }));
    assert.equal((await t.inject({ method: 'POST', url: '/v2/events', headers: carrierA.auth, payload: own })).statusCode, 200);
    assert.equal((await t.inject({ method: 'POST', url: '/v2/events', headers: carrierB.auth, payload: others })).statusCode, 200);
    ownIds = own.map((e) => e.eventID as string);
    othersIds = others.map((e) => e.eventID as string);
  });
  after(() => t.close());
  const get = (query: string, by = carrierA) => t.inject({ method: 'GET', url: `/v2/events${query}`, headers: by.auth });

  it('refuses a forged cursor carrying SQL in its comparison operator, and nothing of another party leaks', async () => {
    for (const op of ["is not null or 1=1 or events.event_created_date_time =", "= '' or 1=1 --", "> '' union select * from events --"]) {
      const cursor = unsignedCursor({ after: 0, limit: 100, filter: { eventCreatedDateTime: [{ op, value: '2026-01-01T00:00:00.000Z' }] } });
      const res = await get(`?cursor=${cursor}`);
      assert.equal(res.statusCode, 400, `${op}: ${res.body}`);
      assert.deepEqual(errorsOf(res), ['/query/cursor cursor']);
      assert.ok(!othersIds.some((id) => res.body.includes(id)), 'no event of carrier B');
    }
    assert.deepEqual(idsOf(await get('')).sort(), [...ownIds].sort(), 'carrier A still sees exactly its own events');
  });

  it('refuses cursors of the wrong type, with a changed payload, for another filter, list or party', async () => {
    for (const c of [{ after: 0, limit: 100, filter: { eventType: 'x' } }, { after: 0, limit: 1e9, filter: {} }, { after: -1, limit: 10, filter: {} },
      { after: '0', limit: 10, filter: {} }, { after: 0, limit: 10, filter: null }]) {
      const res = await get(`?cursor=${unsignedCursor(c)}`);
      assert.deepEqual([res.statusCode, errorsOf(res)], [400, ['/query/cursor cursor']], JSON.stringify(c));
    }
    const first = await get('?eventType=EQUIPMENT&limit=1');
    const cursor = first.headers['next-page-cursor'] as string;
    assert.ok(cursor);
    const [payload, mac] = cursor.split('.');
    const changed = JSON.parse(Buffer.from(payload, 'base64url').toString());
    changed.a = 0;
    changed.l = 1000;
    for (const [query, by] of [
      [`?cursor=${unsignedCursor(changed)}.${mac}`, carrierA],
      [`?cursor=${Buffer.from(JSON.stringify(changed)).toString('base64url')}.${mac}`, carrierA],
      [`?cursor=${cursor}&eventType=SHIPMENT`, carrierA],
      [`?cursor=${cursor}`, carrierB],
    ] as const) {
      const res = await get(query, by);
      assert.deepEqual([res.statusCode, errorsOf(res)], [400, ['/query/cursor cursor']], query);
    }
    const portCalls = await t.inject({ method: 'GET', url: `/v1/port-calls?cursor=${cursor}`, headers: carrierA.auth });
    assert.deepEqual([portCalls.statusCode, errorsOf(portCalls)], [400, ['/query/cursor cursor']], 'a cursor of another list');
  });

  it('a cursor the server issued still pages: with or without its query, and with another page size up to 1,000', async () => {
    const seen: string[] = [];
    let res = await get('?eventType=EQUIPMENT&limit=2');
    for (let pages = 0; pages < 10; pages++) {
      assert.equal(res.statusCode, 200, res.body);
      seen.push(...idsOf(res));
      const next = res.headers['next-page-cursor'] as string | undefined;
      if (!next) break;
      res = await get(pages % 2 ? `?cursor=${next}` : `?cursor=${next}&eventType=EQUIPMENT`);
    }
    assert.deepEqual(seen, ownIds);
    const cursor = (await get('?limit=1')).headers['next-page-cursor'] as string;
    assert.equal(idsOf(await get(`?cursor=${cursor}&limit=1000`)).length, 2);
    assert.deepEqual(errorsOf(await get(`?cursor=${cursor}&limit=1001`)), ['/query/limit range']);
  });

  it('port call lists refuse forged cursors and Object member names as parameters', async () => {
    for (const url of ['/v1/port-calls', '/port-call/v2/events']) {
      const forged = unsignedCursor({ after: -1, limit: 1e9, filter: { status: 'x', classifierCode: 'x', terminal: ["' or 1=1 --"] } });
      const res = await t.inject({ method: 'GET', url: `${url}?cursor=${forged}`, headers: carrierA.auth });
      assert.deepEqual([res.statusCode, errorsOf(res)], [400, ['/query/cursor cursor']], url);
      for (const name of ['constructor', 'toString', 'hasOwnProperty', '__proto__']) {
        const bad = await t.inject({ method: 'GET', url: `${url}?${name}=1`, headers: carrierA.auth });
        assert.deepEqual([bad.statusCode, errorsOf(bad)], [400, [`/query/${name} additionalProperties`]], `${url} ${name}`);
      }
    }
  });

  it('the event filters refuse Object member names, as query parameters and in subscription bodies', async () => {
    for (const name of ['constructor', 'toString', 'valueOf', '__proto__', 'eventCreatedDateTime:constructor']) {
      const res = await get(`?${name}=1`);
      assert.equal(res.statusCode, 400, `${name}: ${res.body}`);
      assert.deepEqual(errorsOf(res), [`/query/${name} ${name.includes(':') ? 'operator' : 'additionalProperties'}`]);
    }
    const sub = await t.inject({ method: 'POST', url: '/v2/event-subscriptions', headers: carrierA.auth,
      payload: { callbackUrl: 'https://example.com/hook', secret: randomBytes(32).toString('base64'), constructor: 'EQUIPMENT' } });
    assert.deepEqual([sub.statusCode, errorsOf(sub)], [400, ['/body/constructor additionalProperties']]);
  });
});

describe('bad input is a 400 naming the field, never a 500', () => {
  let t: TestPlatform;
  let carrier: TestParty;
  let forwarder: TestParty;
  before(async () => {
    t = await testPlatform();
    carrier = await t.party('Carrier', ['carrier'], { referencePrefixes: ['BKG'] });
    forwarder = await t.party('Forwarder', ['forwarder']);
  });
  after(() => t.close());
  const publish = (payload: unknown, by = carrier) => t.inject({ method: 'POST', url: '/v2/events', headers: by.auth, payload: payload as object });

  it('NUL characters: refused in events (per item), query strings, path parameters and other JSON bodies', async () => {
    const poisoned = equipmentEvent({ equipmentReference: containerNumber('NULU', 1), bookings: ['BKG\u0000NUL'] });
    const fine = equipmentEvent({ equipmentReference: containerNumber('NULU', 2), bookings: ['BKG-NUL'] });
    const batch = await publish([poisoned, fine]);
    assert.equal(batch.statusCode, 200, batch.body);
    assert.deepEqual(batch.json().map((r: { result: string }) => r.result), ['rejected', 'created']);
    assert.deepEqual(batch.json()[0].problem.errors.map((e: { pointer: string; rule: string }) => `${e.pointer} ${e.rule}`), ['/body/0/documentReferences/0/documentReferenceValue noNul']);
    for (const [url, expected] of [
      ['/v2/events?carrierBookingReference=BKG%00NUL', '/query/carrierBookingReference noNul'],
      ['/v2/events?eventType=EQUIPMENT&eventType=SHIPMENT%00', '/query/eventType/1 noNul'],
      ['/v2/events/%00abc', '/params/eventID noNul'],
      ['/v1/bookings/BKG%00NUL/containers', '/params/reference noNul'],
      ['/port-call/v2/events?terminalCallReference=R%00', '/query/terminalCallReference noNul'],
    ]) {
      const res = await t.inject({ method: 'GET', url, headers: carrier.auth });
      assert.deepEqual([res.statusCode, errorsOf(res)], [400, [expected]], url);
    }
    const grant = await t.inject({ method: 'POST', url: '/v1/grants', headers: carrier.auth, payload: { granteePartyId: forwarder.id, referenceType: 'BKG', referenceValue: 'BKG\u0000NUL' } });
    assert.deepEqual([grant.statusCode, errorsOf(grant)], [400, ['/body/referenceValue noNul']]);
    const portCall = await t.inject({ method: 'POST', url: '/port-call/v2/events', headers: carrier.auth,
      payload: { events: [{ eventID: randomUUID(), terminalCall: { terminalCallReference: 'REF\u0000' } }] } });
    assert.deepEqual([portCall.statusCode, errorsOf(portCall)], [400, ['/body/events/0/terminalCall/terminalCallReference noNul']]);
  });

  it('bodies nested without bound: 400 on every route, and the server goes on serving', async () => {
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    for (const url of ['/v2/events', '/v1/grants', '/v2/event-subscriptions', '/port-call/v2/events']) {
      const res = await t.inject({ method: 'POST', url, headers: { ...carrier.auth, 'content-type': 'application/json' }, payload: deep });
      assert.equal(res.statusCode, 400, `${url}: ${res.body}`);
    }
    // A filter list of a subscription nested deep inside an object, with a retry key.
    const sub = await t.inject({ method: 'POST', url: '/v2/event-subscriptions', headers: { ...carrier.auth, 'idempotency-key': randomUUID(), 'content-type': 'application/json' },
      payload: withDeepField({ callbackUrl: 'https://example.com/hook', secret: randomBytes(32).toString('base64') }, 'eventType', 20_000, '"EQUIPMENT"') });
    assert.equal(sub.statusCode, 400, sub.body);
    assert.equal(errorsOf(sub)[0], `/body/eventType${'/0'.repeat(31)} maxDepth`);
    // A free-form field of an event nested without bound (its serialisation overflowed the stack).
    const event = withDeepField(equipmentEvent({ equipmentReference: containerNumber('DEEU', 1) }), 'seals', 100_000);
    const res = await t.inject({ method: 'POST', url: '/v2/events', headers: { ...carrier.auth, 'content-type': 'application/json' }, payload: event });
    assert.deepEqual([res.statusCode, errorsOf(res)], [400, [`/body/seals${'/0'.repeat(7)} maxDepth`]]);
    assert.equal((await publish(equipmentEvent({ equipmentReference: containerNumber('DEEU', 2) }))).statusCode, 201, 'the validator still works');
  });

  it('a poison event (a deep free-form field, an overlong text) is refused, so every list including its box stays readable', async () => {
    const box = containerNumber('POIU', 1);
    const address: Record<string, unknown> = { street: 'Haier Road' };
    let inner = address;
    for (let i = 0; i < 8; i++) inner = (inner.next = {}) as Record<string, unknown>;
    const deep = equipmentEvent({ equipmentReference: box, bookings: ['BKG-POISON'] });
    (deep.eventLocation as Record<string, unknown>).address = address;
    const res = await publish(deep);
    assert.deepEqual([res.statusCode, errorsOf(res)], [400, [`/body/eventLocation/address${'/next'.repeat(6)} maxDepth`]]);
    const long = await publish({ ...equipmentEvent({ equipmentReference: box }), seals: [{ sealNumber: 'S'.repeat(1001) }] });
    assert.deepEqual([long.statusCode, errorsOf(long)], [400, ['/body/seals/0/sealNumber maxLength']]);
    const big = await publish({ ...equipmentEvent({ equipmentReference: box }), seals: Array.from({ length: 70 }, (_, i) => ({ sealNumber: `${i}`.padEnd(1000, 'S') })) });
    assert.deepEqual([big.statusCode, errorsOf(big)], [400, ['/body maxBytes']]);
    assert.equal((await publish(equipmentEvent({ equipmentReference: box, bookings: ['BKG-POISON'] }))).statusCode, 201);
    const list = await t.inject({ method: 'GET', url: `/v2/events?equipmentReference=${box}`, headers: carrier.auth });
    assert.deepEqual([list.statusCode, list.json().length], [200, 1]);
  });

  it('document references are capped per event and per request', async () => {
    const refs = (n: number, prefix: string) => Array.from({ length: n }, (_, i) => `${prefix}-${i}`);
    const many = await publish(equipmentEvent({ equipmentReference: containerNumber('REFU', 1), bookings: refs(21, 'BKG-MANY') }));
    assert.deepEqual([many.statusCode, errorsOf(many)], [400, ['/body/documentReferences maxItems']]);
    const references = Array.from({ length: 51 }, (_, i) => ({ referenceType: 'FF', referenceValue: `R${i}` }));
    const tooMany = await publish({ ...equipmentEvent({ equipmentReference: containerNumber('REFU', 2) }), references });
    assert.deepEqual([tooMany.statusCode, errorsOf(tooMany)], [400, ['/body/references maxItems']]);
    const batch = Array.from({ length: 251 }, (_, i) => equipmentEvent({ equipmentReference: containerNumber('REFU', 10 + i), bookings: refs(20, `BKG-R${i}`) }));
    const flood = await publish(batch);
    assert.deepEqual([flood.statusCode, errorsOf(flood)], [400, ['/body/250/documentReferences maxDocumentReferencesPerRequest']]);
    const stored = await trackingDb(t.platform.ctx.db).selectFrom('event_refs').select((eb) => eb.fn.countAll().as('n')).where('ref_value', 'like', 'BKG-R%').executeTakeFirst();
    assert.equal(Number(stored?.n), 0, 'nothing of the refused request is written');
  });

  it('the hand-built multi-row insert takes plain identifiers only', async () => {
    const { db, dialect } = t.platform.ctx;
    await assert.rejects(insertMany(db, dialect, 'audit_log', [{ 'at) values (1); drop table events; --': 'x' }]), /not a plain identifier/);
    await assert.rejects(insertMany(db, dialect, 'events; drop table events', [{ at: 'x' }]), /not a plain identifier/);
    assert.ok(await trackingDb(db).selectFrom('events').select('seq').limit(1).execute());
  });

  it('a publish in another content type is a 415 problem; an empty one a 400', async () => {
    const text = await t.inject({ method: 'POST', url: '/v2/events', headers: { ...carrier.auth, 'content-type': 'text/plain' }, payload: JSON.stringify(equipmentEvent({ equipmentReference: containerNumber('TXTU', 1) })) });
    assert.equal(text.statusCode, 415, text.body);
    assert.match(text.headers['content-type'] as string, /application\/problem\+json/);
    const none = await t.inject({ method: 'POST', url: '/v2/events', headers: carrier.auth });
    assert.equal(none.statusCode, 400, none.body);
  });
});

/** A webhook receiver on loopback that keeps what it gets. */
async function receiver() {
  const received: { body: string; headers: IncomingHttpHeaders }[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => { body += c; });
    req.on('end', () => { received.push({ body, headers: req.headers }); res.writeHead(204).end(); });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  return { received, url, close: () => new Promise<void>((r) => server.close(() => r())) };
}

async function waitFor(check: () => boolean, what: string) {
  for (let i = 0; i < 300 && !check(); i++) await new Promise((r) => setTimeout(r, 50));
  assert.ok(check(), `waited for ${what}`);
}

const hmac = (secret: string, text: string) => createHmac('sha256', Buffer.from(secret, 'base64')).update(text).digest('hex');

describe('webhook secrets', () => {
  let t: TestPlatform;
  let carrier: TestParty;
  before(async () => {
    t = await testPlatform({ delivery: { pollIntervalMs: 50, baseBackoffMs: 50, maxBackoffMs: 200, maxAttempts: 3, requestTimeoutMs: 2000 } });
    carrier = await t.party('Carrier', ['carrier'], { referencePrefixes: ['BKG'] });
  });
  after(() => t.close());

  it('are not in the database in any readable form, and notifications are still signed, with a signed timestamp', async () => {
    const hook = await receiver();
    try {
      const secret = randomBytes(32).toString('base64');
      const box = containerNumber('SECU', 1);
      const sub = await t.inject({ method: 'POST', url: '/v2/event-subscriptions', headers: carrier.auth, payload: { callbackUrl: hook.url, secret, equipmentReference: box } });
      assert.equal(sub.statusCode, 201, sub.body);
      const row = await t.platform.ctx.db.selectFrom('subscriptions').selectAll().where('id', '=', sub.json().subscriptionID).executeTakeFirstOrThrow();
      const raw = Buffer.from(secret, 'base64');
      for (const form of [secret, raw.toString('hex'), raw.toString('base64url'), secret.slice(0, 16)]) assert.ok(!JSON.stringify(row).includes(form), form);
      assert.match(row.secret, /^sealed:v1:/);

      const event = equipmentEvent({ equipmentReference: box });
      assert.equal((await t.inject({ method: 'POST', url: '/v2/events', headers: carrier.auth, payload: event })).statusCode, 201);
      await waitFor(() => hook.received.length > 0, 'the notification');
      const { body, headers } = hook.received[0];
      assert.deepEqual(JSON.parse(body).map((e: { eventID: string }) => e.eventID), [event.eventID]);
      assert.equal(headers['notification-signature'], `sha256=${hmac(secret, body)}`);
      const timestamp = String(headers['notification-timestamp']);
      assert.match(timestamp, /^\d+$/);
      assert.equal(headers['notification-signature-v2'], `t=${timestamp},sha256=${hmac(secret, `${timestamp}.${body}`)}`);

      // A replaced secret is sealed too, and signs from then on.
      const next = randomBytes(48).toString('base64');
      assert.equal((await t.inject({ method: 'PUT', url: `/v2/event-subscriptions/${row.id}/secret`, headers: carrier.auth, payload: { secret: next } })).statusCode, 204);
      const replaced = await t.platform.ctx.db.selectFrom('subscriptions').select('secret').where('id', '=', row.id).executeTakeFirstOrThrow();
      assert.ok(!replaced.secret.includes(next) && replaced.secret.startsWith('sealed:v1:'));
      const second = equipmentEvent({ equipmentReference: box });
      await t.inject({ method: 'POST', url: '/v2/events', headers: carrier.auth, payload: second });
      await waitFor(() => hook.received.length > 1, 'the second notification');
      assert.equal(hook.received[1].headers['notification-signature'], `sha256=${hmac(next, hook.received[1].body)}`);
    } finally {
      await hook.close();
    }
  });

  it('stored in plaintext before sealing existed still sign, and are sealed at start', async () => {
    const hook = await receiver();
    try {
      const secret = randomBytes(32).toString('base64');
      const box = containerNumber('SECU', 2);
      const now = new Date().toISOString();
      await t.platform.ctx.db.insertInto('subscriptions').values({
        id: 'sub-plaintext', party_id: carrier.id, callback_url: hook.url, secret, filters: JSON.stringify({ equipmentReference: box }), created_at: now, updated_at: now,
      }).execute();
      await t.inject({ method: 'POST', url: '/v2/events', headers: carrier.auth, payload: equipmentEvent({ equipmentReference: box }) });
      await waitFor(() => hook.received.length > 0, 'the notification');
      assert.equal(hook.received[0].headers['notification-signature'], `sha256=${hmac(secret, hook.received[0].body)}`);

      assert.equal(await sealStoredSecrets(t.platform.ctx.db, t.platform.ctx.secrets), 1);
      const row = await t.platform.ctx.db.selectFrom('subscriptions').select('secret').where('id', '=', 'sub-plaintext').executeTakeFirstOrThrow();
      assert.ok(row.secret.startsWith('sealed:v1:') && !row.secret.includes(secret));
      assert.equal(t.platform.ctx.secrets.open(row.secret, 'subscriptions.secret:sub-plaintext'), secret);
    } finally {
      await hook.close();
    }
  });

  it('a node with another master key is refused by a database first used with this one', async () => {
    await checkKeyFingerprint(t.platform.ctx.db, t.platform.ctx.secrets);
    await assert.rejects(checkKeyFingerprint(t.platform.ctx.db, new PlatformSecrets(randomBytes(32))), /another master key/);
  });
});
