// Revocation that takes effect everywhere (open live streams, queued webhook notifications),
// authority reads through push channels on the audit log, caps on subscriptions, streams and
// unread stream buffers, sessions a user can list and end, API keys that expire and rotate.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { get as httpGet, createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DeliveryWorker } from '../src/core/delivery.js';
import { ADMIN_KEY, cliWorkspace, containerNumber, equipmentEvent, openStream, shipmentEvent, testPlatform, waitFor, type TestParty, type TestPlatform } from './helpers.js';
import { trackingDb } from '../src/modules/tracking/index.js';

const admin = { authorization: `Bearer ${ADMIN_KEY}` };
const PASSWORD = 'Harbour-Crane-Gantry-42';

async function loginAs(t: TestPlatform, username: string, userAgent = 'test-agent') {
  const res = await t.inject({ method: 'POST', url: '/v1/session', headers: { 'user-agent': userAgent }, payload: { username, password: PASSWORD } });
  assert.equal(res.statusCode, 200, res.body);
  return String(res.headers['set-cookie']).split(';')[0];
}

async function createUser(t: TestPlatform, party: TestParty, username: string) {
  const res = await t.inject({ method: 'POST', url: `/admin/parties/${party.id}/users`, headers: admin, payload: { username, password: PASSWORD } });
  assert.equal(res.statusCode, 201, res.body);
}

describe('live streams end when their credential stops working', () => {
  let t: TestPlatform & { url?: string };
  let carrier: TestParty;
  let n = 0;
  const publish = async (party: TestParty, box = containerNumber('SSEU', ++n)) => {
    const event = equipmentEvent({ equipmentReference: box });
    assert.equal((await t.inject({ method: 'POST', url: '/v2/events', headers: party.auth, payload: event })).statusCode, 201);
    return event;
  };
  before(async () => {
    t = await testPlatform({ listen: true });
    carrier = await t.party('Stream Carrier', ['carrier']);
    await createUser(t, carrier, 'stream.user');
  });
  after(() => t.close());

  it('a revoked API key ends its open stream', async () => {
    const k = (await t.inject({ method: 'POST', url: `/admin/parties/${carrier.id}/api-keys`, headers: admin, payload: { label: 'stream' } })).json();
    const stream = await openStream(`${t.url}/v1/stream`, { authorization: `Bearer ${k.key}` });
    try {
      const seen = await publish(carrier);
      await waitFor(() => stream.text.includes(seen.eventID as string), 'the event before revocation');
      assert.equal((await t.inject({ method: 'DELETE', url: `/admin/parties/${carrier.id}/api-keys/${k.id}`, headers: admin })).statusCode, 204);
      await waitFor(() => stream.ended, 'the stream to end');
      assert.match(stream.text, /event: end/);
    } finally {
      stream.close();
    }
  });

  it('an expired API key ends its open stream before the next event reaches it', async () => {
    const k = (await t.inject({ method: 'POST', url: `/admin/parties/${carrier.id}/api-keys`, headers: admin, payload: { expiresAt: new Date(Date.now() + 3600_000).toISOString() } })).json();
    const stream = await openStream(`${t.url}/v1/stream`, { authorization: `Bearer ${k.key}` });
    try {
      // As if the hour had passed.
      await t.platform.ctx.db.updateTable('api_keys').set({ expires_at: new Date(Date.now() - 1000).toISOString() }).where('id', '=', k.id).execute();
      const unseen = await publish(carrier);
      await waitFor(() => stream.ended, 'the stream to end');
      assert.ok(!stream.text.includes(unseen.eventID as string), 'nothing is sent on an expired key');
    } finally {
      stream.close();
    }
  });

  it('logging out ends the session’s open stream', async () => {
    const cookie = await loginAs(t, 'stream.user');
    const stream = await openStream(`${t.url}/v1/stream`, { cookie });
    try {
      assert.equal((await t.inject({ method: 'DELETE', url: '/v1/session', headers: { cookie } })).statusCode, 204);
      await waitFor(() => stream.ended, 'the stream to end');
    } finally {
      stream.close();
    }
  });

  it('ending a session from another one ends its open stream', async () => {
    const laptop = await loginAs(t, 'stream.user', 'laptop');
    const phone = await loginAs(t, 'stream.user', 'phone');
    const stream = await openStream(`${t.url}/v1/stream`, { cookie: laptop });
    try {
      const sessions = (await t.inject({ method: 'GET', url: '/v1/sessions', headers: { cookie: phone } })).json() as { id: string; userAgent: string }[];
      const target = sessions.find((s) => s.userAgent === 'laptop')!;
      assert.equal((await t.inject({ method: 'DELETE', url: `/v1/sessions/${target.id}`, headers: { cookie: phone } })).statusCode, 204);
      await waitFor(() => stream.ended, 'the stream to end');
      assert.equal((await t.inject({ method: 'GET', url: '/v1/session', headers: { cookie: laptop } })).statusCode, 401);
    } finally {
      stream.close();
    }
  });

  it('a party holds at most 20 streams at once: then 429 naming the rule', async () => {
    const open = [];
    try {
      for (let i = 0; i < 20; i++) open.push(await openStream(`${t.url}/v1/stream`, carrier.auth));
      const refused = await openStream(`${t.url}/v1/stream`, carrier.auth);
      assert.equal(refused.status, 429);
      assert.equal((refused.json as { errors: { rule: string }[] }).errors[0].rule, 'streams.max');
    } finally {
      for (const s of open) s.close();
    }
    await waitFor(() => t.platform.ctx.stream.size === 0, 'the streams to close');
    const again = await openStream(`${t.url}/v1/stream`, carrier.auth);
    assert.equal(again.status, 200);
    again.close();
  });

  it('a listener that does not read is cut off instead of buffered for without limit', async () => {
    const stream = t.platform.ctx.stream;
    const limit = stream.limits.maxUnreadBytes;
    await waitFor(() => stream.size === 0, 'the earlier streams to close');
    stream.limits.maxUnreadBytes = 64 * 1024;
    let res: IncomingMessage | undefined;
    try {
      res = await new Promise<IncomingMessage>((resolve) => { httpGet(`${t.url}/v1/stream`, { headers: carrier.auth }, resolve); });
      res.pause();
      await waitFor(() => stream.size === 1, 'the slow stream to open');
      const box = containerNumber('SLOU', 1);
      for (let i = 0; i < 40 && stream.size > 0; i++) {
        const batch = Array.from({ length: 1000 }, () => equipmentEvent({ equipmentReference: box }));
        assert.equal((await t.inject({ method: 'POST', url: '/v2/events', headers: carrier.auth, payload: batch })).statusCode, 200);
      }
      await waitFor(() => stream.size === 0, 'the slow listener to be cut off');
    } finally {
      stream.limits.maxUnreadBytes = limit;
      res?.destroy();
    }
  });
});

describe('an authority’s stream', () => {
  let t: TestPlatform & { url?: string };
  let carrier: TestParty, customs: TestParty;
  before(async () => {
    t = await testPlatform({ listen: true });
    carrier = await t.party('Carrier', ['carrier']);
    customs = await t.party('Customs', ['customs']);
  });
  after(() => t.close());

  it('writes every batch it sends to the audit log, naming the events and boxes', async () => {
    const stream = await openStream(`${t.url}/v1/stream`, customs.auth);
    try {
      const box = containerNumber('AUDU', 1);
      const event = equipmentEvent({ equipmentReference: box });
      assert.equal((await t.inject({ method: 'POST', url: '/v2/events', headers: carrier.auth, payload: event })).statusCode, 201);
      await waitFor(() => stream.text.includes(event.eventID as string), 'the streamed event');
      const log = (await t.inject({ method: 'GET', url: `/admin/audit?partyId=${customs.id}&action=events.streamed`, headers: admin })).json() as { detail: { eventIDs: string[]; equipmentReferences: string[] } }[];
      assert.ok(log.some((a) => a.detail.eventIDs.includes(event.eventID as string) && a.detail.equipmentReferences.includes(box)), JSON.stringify(log));
    } finally {
      stream.close();
    }
  });
});

describe('sessions and API keys', () => {
  let t: TestPlatform;
  let carrier: TestParty, other: TestParty;
  before(async () => {
    t = await testPlatform();
    carrier = await t.party('Keys Carrier', ['carrier']);
    other = await t.party('Other Carrier', ['carrier']);
    await createUser(t, carrier, 'keys.user');
    await createUser(t, other, 'other.user');
  });
  after(() => t.close());

  it('a user lists their sessions (without tokens), ends one, and ends all others', async () => {
    const a = await loginAs(t, 'keys.user', 'browser A');
    const b = await loginAs(t, 'keys.user', 'browser B');
    const c = await loginAs(t, 'keys.user', 'browser C');
    const theirs = await loginAs(t, 'other.user');
    const listed = await t.inject({ method: 'GET', url: '/v1/sessions', headers: { cookie: a } });
    assert.equal(listed.statusCode, 200);
    const sessions = listed.json() as { id: string; userAgent: string; current: boolean; expiresAt: string }[];
    assert.deepEqual(sessions.map((s) => s.userAgent).sort(), ['browser A', 'browser B', 'browser C']);
    assert.deepEqual(sessions.filter((s) => s.current).map((s) => s.userAgent), ['browser A']);
    for (const cookie of [a, b, c]) assert.ok(!listed.body.includes(cookie.split('=')[1]), 'no token is listed');

    const otherId = ((await t.inject({ method: 'GET', url: '/v1/sessions', headers: { cookie: theirs } })).json() as { id: string }[])[0].id;
    assert.equal((await t.inject({ method: 'DELETE', url: `/v1/sessions/${otherId}`, headers: { cookie: a } })).statusCode, 404, 'not someone else’s');
    assert.equal((await t.inject({ method: 'GET', url: '/v1/sessions', headers: carrier.auth })).statusCode, 403, 'an API key has no sessions');

    const bId = sessions.find((s) => s.userAgent === 'browser B')!.id;
    assert.equal((await t.inject({ method: 'DELETE', url: `/v1/sessions/${bId}`, headers: { cookie: a } })).statusCode, 204);
    assert.equal((await t.inject({ method: 'GET', url: '/v1/session', headers: { cookie: b } })).statusCode, 401);
    const ended = await t.inject({ method: 'DELETE', url: '/v1/sessions', headers: { cookie: a } });
    assert.deepEqual(ended.json(), { ended: 1 });
    assert.equal((await t.inject({ method: 'GET', url: '/v1/session', headers: { cookie: c } })).statusCode, 401);
    assert.equal((await t.inject({ method: 'GET', url: '/v1/session', headers: { cookie: a } })).statusCode, 200, 'the current one stays');
    assert.equal((await t.inject({ method: 'GET', url: '/v1/session', headers: { cookie: theirs } })).statusCode, 200, 'other users keep theirs');
  });

  it('an API key expires: refused with a 401 problem once its time has come, cached or not', async () => {
    const past = await t.inject({ method: 'POST', url: `/admin/parties/${carrier.id}/api-keys`, headers: admin, payload: { expiresAt: '2020-01-01T00:00:00Z' } });
    assert.equal(past.statusCode, 400);
    assert.deepEqual([past.json().errors[0].pointer, past.json().errors[0].rule], ['/body/expiresAt', 'future']);
    const bad = await t.inject({ method: 'POST', url: `/admin/parties/${carrier.id}/api-keys`, headers: admin, payload: { expiresAt: 'tomorrow' } });
    assert.equal(bad.json().errors[0].pointer, '/body/expiresAt');

    const expiresAt = new Date(Date.now() + 1500).toISOString();
    const k = await t.inject({ method: 'POST', url: `/admin/parties/${carrier.id}/api-keys`, headers: admin, payload: { label: 'short-lived', expiresAt } });
    assert.equal(k.statusCode, 201, k.body);
    assert.equal(k.json().expiresAt, expiresAt);
    const auth = { authorization: `Bearer ${k.json().key}` };
    assert.equal((await t.inject({ method: 'GET', url: '/v2/events', headers: auth })).statusCode, 200);
    let res = await t.inject({ method: 'GET', url: '/v2/events', headers: auth });
    for (let i = 0; i < 200 && res.statusCode === 200; i++) {
      await new Promise((r) => setTimeout(r, 50));
      res = await t.inject({ method: 'GET', url: '/v2/events', headers: auth });
    }
    assert.equal(res.statusCode, 401);
    assert.equal(res.json().type, 'urn:jiaozhou:problem:unauthenticated');
    const listed = (await t.inject({ method: 'GET', url: `/admin/parties/${carrier.id}/api-keys`, headers: admin })).json() as { id: string; expiresAt: string; active: boolean }[];
    assert.deepEqual(listed.filter((l) => l.id === k.json().id).map((l) => [l.expiresAt, l.active]), [[expiresAt, false]]);
  });

  it('rotation: a new key, and the old one works through the grace period only', async () => {
    const old = (await t.inject({ method: 'POST', url: `/admin/parties/${carrier.id}/api-keys`, headers: admin, payload: { label: 'TOS' } })).json();
    const badGrace = await t.inject({ method: 'POST', url: `/admin/parties/${carrier.id}/api-keys/${old.id}/rotate`, headers: admin, payload: { graceHours: -1 } });
    assert.equal(badGrace.json().errors[0].pointer, '/body/graceHours');
    const rotated = await t.inject({ method: 'POST', url: `/admin/parties/${carrier.id}/api-keys/${old.id}/rotate`, headers: admin, payload: {} });
    assert.equal(rotated.statusCode, 201, rotated.body);
    const fresh = rotated.json();
    assert.notEqual(fresh.key, old.key);
    assert.equal(fresh.label, 'TOS');
    const graceEnd = Date.parse(fresh.replaces.expiresAt) - Date.now();
    assert.ok(graceEnd > 23 * 3600_000 && graceEnd <= 24 * 3600_000, 'the old key keeps 24 hours by default');
    for (const key of [old.key, fresh.key]) {
      assert.equal((await t.inject({ method: 'GET', url: '/v2/events', headers: { authorization: `Bearer ${key}` } })).statusCode, 200, 'both work meanwhile');
    }
    const now = await t.inject({ method: 'POST', url: `/admin/parties/${carrier.id}/api-keys/${fresh.id}/rotate`, headers: admin, payload: { graceHours: 0 } });
    assert.equal(now.statusCode, 201);
    assert.equal((await t.inject({ method: 'GET', url: '/v2/events', headers: { authorization: `Bearer ${fresh.key}` } })).statusCode, 401, 'no grace: the old key stops at once');
    assert.equal((await t.inject({ method: 'GET', url: '/v2/events', headers: { authorization: `Bearer ${now.json().key}` } })).statusCode, 200);
    assert.equal((await t.inject({ method: 'POST', url: `/admin/parties/${carrier.id}/api-keys/${fresh.id}/rotate`, headers: admin, payload: {} })).statusCode, 404, 'an expired key is not rotated again');
  });

  it('a party’s logged-in users manage its own keys; an API key cannot make keys', async () => {
    const cookie = await loginAs(t, 'keys.user');
    assert.equal((await t.inject({ method: 'POST', url: '/v1/api-keys', headers: carrier.auth, payload: {} })).statusCode, 403);
    assert.equal((await t.inject({ method: 'GET', url: '/v1/api-keys' })).statusCode, 401);
    const created = await t.inject({ method: 'POST', url: '/v1/api-keys', headers: { cookie }, payload: { label: 'self-made' } });
    assert.equal(created.statusCode, 201, created.body);
    const key = created.json();
    assert.equal(key.partyId, carrier.id);
    const auth = { authorization: `Bearer ${key.key}` };
    assert.equal((await t.inject({ method: 'GET', url: '/v2/events', headers: auth })).statusCode, 200);
    const listed = await t.inject({ method: 'GET', url: '/v1/api-keys', headers: { cookie } });
    assert.ok(listed.json().some((k: { id: string }) => k.id === key.id));
    assert.ok(!listed.body.includes(key.key), 'the key is never listed');

    const otherKey = (await t.inject({ method: 'POST', url: `/admin/parties/${other.id}/api-keys`, headers: admin, payload: {} })).json();
    assert.equal((await t.inject({ method: 'DELETE', url: `/v1/api-keys/${otherKey.id}`, headers: { cookie } })).statusCode, 404, 'not another party’s key');
    assert.equal((await t.inject({ method: 'POST', url: `/v1/api-keys/${otherKey.id}/rotate`, headers: { cookie }, payload: {} })).statusCode, 404);

    const rotated = await t.inject({ method: 'POST', url: `/v1/api-keys/${key.id}/rotate`, headers: { cookie }, payload: { graceHours: 1 } });
    assert.equal(rotated.statusCode, 201);
    assert.equal((await t.inject({ method: 'DELETE', url: `/v1/api-keys/${key.id}`, headers: { cookie } })).statusCode, 204);
    assert.equal((await t.inject({ method: 'GET', url: '/v2/events', headers: auth })).statusCode, 401);
    assert.equal((await t.inject({ method: 'GET', url: '/v2/events', headers: { authorization: `Bearer ${rotated.json().key}` } })).statusCode, 200);
  });

  it('dead-letter replays take at most 1,000 ids: 400 naming /body/ids, not a 500', async () => {
    const ids = Array.from({ length: 40_000 }, (_, i) => i + 1);
    const byAdmin = await t.inject({ method: 'POST', url: '/admin/dead-letters/replay', headers: admin, payload: { ids } });
    assert.equal(byAdmin.statusCode, 400);
    assert.deepEqual([byAdmin.json().errors[0].pointer, byAdmin.json().errors[0].rule], ['/body/ids', 'maxItems']);
    const sub = await t.inject({ method: 'POST', url: '/v2/event-subscriptions', headers: carrier.auth, payload: { callbackUrl: 'http://127.0.0.1:9/x', secret: randomBytes(32).toString('base64') } });
    const id = sub.json().subscriptionID;
    const bySubscriber = await t.inject({ method: 'POST', url: `/v2/event-subscriptions/${id}/dead-letters/replay`, headers: carrier.auth, payload: { ids: ids.slice(0, 1001) } });
    assert.equal(bySubscriber.statusCode, 400);
    assert.equal(bySubscriber.json().errors[0].pointer, '/body/ids');
    const fine = await t.inject({ method: 'POST', url: `/v2/event-subscriptions/${id}/dead-letters/replay`, headers: carrier.auth, payload: { ids: ids.slice(0, 1000) } });
    assert.deepEqual(fine.json(), { replayed: 0 });
    await t.inject({ method: 'DELETE', url: `/v2/event-subscriptions/${id}`, headers: carrier.auth });
  });

  it('a party holds at most 100 subscriptions: then 409 naming the rule', async () => {
    const payload = { callbackUrl: 'http://127.0.0.1:9/x', secret: randomBytes(32).toString('base64') };
    for (let i = 0; i < 100; i++) {
      assert.equal((await t.inject({ method: 'POST', url: '/v2/event-subscriptions', headers: other.auth, payload })).statusCode, 201);
    }
    const refused = await t.inject({ method: 'POST', url: '/v2/event-subscriptions', headers: other.auth, payload });
    assert.equal(refused.statusCode, 409);
    assert.equal(refused.json().errors[0].rule, 'subscriptions.max');
    const listed = await t.inject({ method: 'GET', url: '/v2/event-subscriptions', headers: other.auth });
    assert.equal(listed.json().length, 100, 'nothing half-made');
  });
});

interface Received { body: string }

async function receiver() {
  const received: Received[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => { body += c; });
    req.on('end', () => { received.push({ body }); res.writeHead(204).end(); });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  return { received, url, close: () => new Promise<void>((r) => server.close(() => r())) };
}

const eventIds = (rs: Received[]) => rs.flatMap((r) => (JSON.parse(r.body) as { eventID: string }[]).map((e) => e.eventID));
const FAST = { pollIntervalMs: 50, baseBackoffMs: 50, maxBackoffMs: 400, maxAttempts: 4, requestTimeoutMs: 2000, maxEventsPerNotification: 10 };

describe('webhook delivery decides visibility when it sends', () => {
  let t: TestPlatform;
  let carrier: TestParty, forwarder: TestParty, customs: TestParty;
  const secret = randomBytes(32).toString('base64');
  before(async () => {
    t = await testPlatform({ delivery: FAST });
    carrier = await t.party('Carrier', ['carrier'], { referencePrefixes: ['BKG'] });
    forwarder = await t.party('Forwarder', ['forwarder']);
    customs = await t.party('Customs', ['customs']);
    await t.inject({ method: 'POST', url: '/v2/events', headers: carrier.auth, payload: [shipmentEvent('BKG-KEPT'), shipmentEvent('BKG-TAKEN')] });
  });
  after(() => t.close());

  const worker = () => new DeliveryWorker(t.platform.ctx.db, t.platform.ctx.topics, { ...FAST, allowLocalCallbacks: true, secrets: t.platform.ctx.secrets });

  it('a notification queued before its grant was revoked is withheld, not sent; the rest goes on', async () => {
    const hook = await receiver();
    await t.platform.ctx.delivery!.stop();
    const w = worker();
    try {
      const grant = async (ref: string) => (await t.inject({ method: 'POST', url: '/v1/grants', headers: carrier.auth, payload: { granteePartyId: forwarder.id, referenceType: 'BKG', referenceValue: ref } })).json().id as string;
      await grant('BKG-KEPT');
      const taken = await grant('BKG-TAKEN');
      const sub = await t.inject({ method: 'POST', url: '/v2/event-subscriptions', headers: forwarder.auth, payload: { callbackUrl: hook.url, secret } });
      assert.equal(sub.statusCode, 201);
      const revoked = equipmentEvent({ equipmentReference: containerNumber('WHDU', 1), bookings: ['BKG-TAKEN'] });
      const kept = equipmentEvent({ equipmentReference: containerNumber('WHDU', 2), bookings: ['BKG-KEPT'] });
      assert.equal((await t.inject({ method: 'POST', url: '/v2/events', headers: carrier.auth, payload: [revoked, kept] })).statusCode, 200);
      const queued = await t.platform.ctx.db.selectFrom('outbox').select('status').where('subscription_id', '=', sub.json().subscriptionID).execute();
      assert.equal(queued.length, 2, 'both were visible when published');
      assert.equal((await t.inject({ method: 'DELETE', url: `/v1/grants/${taken}`, headers: carrier.auth })).statusCode, 204);
      w.start();
      await waitFor(() => eventIds(hook.received).includes(kept.eventID as string), 'the still visible event');
      assert.deepEqual(eventIds(hook.received), [kept.eventID]);
      const rows = await trackingDb(t.platform.ctx.db).selectFrom('outbox').innerJoin('events', 'events.seq', 'outbox.seq').select(['events.event_id', 'outbox.status'])
        .where('outbox.subscription_id', '=', sub.json().subscriptionID).execute();
      assert.deepEqual(Object.fromEntries(rows.map((r) => [r.event_id, r.status])), { [revoked.eventID as string]: 'withheld', [kept.eventID as string]: 'delivered' });
      const dead = await t.inject({ method: 'GET', url: `/v2/event-subscriptions/${sub.json().subscriptionID}/dead-letters`, headers: forwarder.auth });
      assert.deepEqual(dead.json(), [], 'withheld is not a dead letter');
    } finally {
      await w.stop();
      await hook.close();
    }
  });

  it('a subscription whose party no longer exists is dropped, its notifications unsent', async () => {
    const hook = await receiver();
    const w = worker();
    try {
      const event = equipmentEvent({ equipmentReference: containerNumber('WHDU', 3) });
      assert.equal((await t.inject({ method: 'POST', url: '/v2/events', headers: carrier.auth, payload: event })).statusCode, 201);
      const { seq } = await trackingDb(t.platform.ctx.db).selectFrom('events').select('seq').where('event_id', '=', event.eventID as string).executeTakeFirstOrThrow();
      const now = new Date().toISOString();
      await t.platform.ctx.db.insertInto('subscriptions').values({ id: 'sub-orphan', party_id: 'party-gone', callback_url: hook.url, secret, filters: '{}', created_at: now, updated_at: now }).execute();
      await t.platform.ctx.db.insertInto('outbox').values({ subscription_id: 'sub-orphan', seq: Number(seq), status: 'pending', attempts: 0, next_attempt_at: now, last_error: null, delivered_at: null }).execute();
      w.start();
      await waitFor(async () => !(await t.platform.ctx.db.selectFrom('subscriptions').select('id').where('id', '=', 'sub-orphan').executeTakeFirst()), 'the orphan subscription to be dropped');
      assert.equal(hook.received.length, 0);
      const left = await t.platform.ctx.db.selectFrom('outbox').select('id').where('subscription_id', '=', 'sub-orphan').execute();
      assert.equal(left.length, 0);
    } finally {
      await w.stop();
      await hook.close();
    }
  });

  it('every notification to an authority is written to the audit log, naming the events and boxes', async () => {
    const hook = await receiver();
    const w = worker();
    try {
      const sub = await t.inject({ method: 'POST', url: '/v2/event-subscriptions', headers: customs.auth, payload: { callbackUrl: hook.url, secret } });
      assert.equal(sub.statusCode, 201);
      w.start();
      const box = containerNumber('WHDU', 4);
      const event = equipmentEvent({ equipmentReference: box });
      assert.equal((await t.inject({ method: 'POST', url: '/v2/events', headers: carrier.auth, payload: event })).statusCode, 201);
      await waitFor(() => eventIds(hook.received).includes(event.eventID as string), 'the notification');
      const log = (await t.inject({ method: 'GET', url: `/admin/audit?partyId=${customs.id}&action=events.notified`, headers: admin })).json() as { resource: string; detail: { eventIDs: string[]; equipmentReferences: string[] } }[];
      assert.ok(log.some((a) => a.resource === `subscription:${sub.json().subscriptionID}` && a.detail.eventIDs.includes(event.eventID as string) && a.detail.equipmentReferences.includes(box)), JSON.stringify(log));
    } finally {
      await w.stop();
      await hook.close();
    }
  });
});

describe('jiaozhou admin create-api-key --expires', () => {
  let workspace: Awaited<ReturnType<typeof cliWorkspace>>;
  before(async () => { workspace = await cliWorkspace(); });
  after(() => workspace.close());
  const cli = (...args: string[]) => workspace.run(...args);

  it('creates a key that expires, and refuses a time in the past', async () => {
    const party = JSON.parse((await cli('admin', 'create-party', '--name', 'Expiring Carrier', '--role', 'carrier')).stdout);
    const key = JSON.parse((await cli('admin', 'create-api-key', '--party', party.id, '--expires', '2099-12-31T00:00:00+08:00')).stdout);
    assert.equal(key.expiresAt, '2099-12-30T16:00:00.000Z');
    await assert.rejects(cli('admin', 'create-api-key', '--party', party.id, '--expires', '2020-01-01T00:00:00Z'), /--expires must lie in the future/);
  });
});
