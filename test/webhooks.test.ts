// Subscriptions and webhook delivery against a real receiver on loopback that fails and recovers:
// at least once, in order, signed, retried with backoff, dead letters replayed by an operator,
// and delivery state that outlives the worker.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac, randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DeliveryWorker } from '../src/core/delivery.js';
import { containerNumber, equipmentEvent, shipmentEvent, testPlatform, type TestParty, type TestPlatform } from './helpers.js';

interface Received { body: string; signature: string; subscriptionId: string }

/** A webhook receiver that answers 500 while `failing` is true. */
async function receiver() {
  const state = { failing: 0 as number | 'always', received: [] as Received[], attempts: 0 };
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => { body += c; });
    req.on('end', () => {
      state.attempts++;
      if (state.failing === 'always' || state.failing > 0) {
        if (typeof state.failing === 'number') state.failing--;
        res.writeHead(500).end('down');
        return;
      }
      state.received.push({ body, signature: String(req.headers['notification-signature']), subscriptionId: String(req.headers['subscription-id']) });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  return { state, url, close: () => new Promise<void>((r) => server.close(() => r())) };
}

async function waitFor(check: () => boolean, what: string, timeoutMs = 15_000) {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const eventIds = (rs: Received[]) => rs.flatMap((r) => (JSON.parse(r.body) as { eventID: string }[]).map((e) => e.eventID));
const FAST = { pollIntervalMs: 50, baseBackoffMs: 50, maxBackoffMs: 400, maxAttempts: 4, requestTimeoutMs: 2000, maxEventsPerNotification: 2 };

describe('webhook callbacks to local addresses, by default', () => {
  let t: TestPlatform;
  let carrier: TestParty;
  const secret = randomBytes(32).toString('base64');
  before(async () => {
    t = await testPlatform({ delivery: FAST, localCallbacks: false });
    carrier = await t.party('Carrier', ['carrier'], { referencePrefixes: ['BKG', 'TRD'] });
  });
  after(() => t.close());

  it('are refused when subscribing, naming the field and the rule', async () => {
    for (const callbackUrl of ['http://127.0.0.1:9/x', 'http://localhost/x', 'http://[::1]/x', 'http://169.254.169.254/latest/meta-data', 'http://10.0.0.5/hook']) {
      const res = await t.inject({ method: 'POST', url: '/v2/event-subscriptions', headers: carrier.auth, payload: { callbackUrl, secret } });
      assert.equal(res.statusCode, 400, callbackUrl);
      assert.deepEqual([res.json().errors[0].pointer, res.json().errors[0].rule], ['/body/callbackUrl', 'publicAddress']);
    }
    const listed = await t.inject({ method: 'GET', url: '/v2/event-subscriptions', headers: carrier.auth });
    assert.deepEqual(listed.json(), []);
  });

  it('are not sent to, when a subscription\'s host leads to one later: the attempt records why', async () => {
    const hook = await receiver();
    try {
      // As if the subscriber's host name had been made to resolve to this machine after it subscribed.
      const now = new Date().toISOString();
      await t.platform.ctx.db.insertInto('subscriptions').values({
        id: 'sub-rebound', party_id: carrier.id, callback_url: hook.url, secret, filters: '{}', created_at: now, updated_at: now,
      }).execute();
      const event = equipmentEvent({ equipmentReference: containerNumber('HOOU', 9) });
      assert.equal((await t.inject({ method: 'POST', url: '/v2/events', headers: carrier.auth, payload: event })).statusCode, 201);
      const attempt = () => t.platform.ctx.db.selectFrom('outbox').select(['last_error', 'attempts']).where('subscription_id', '=', 'sub-rebound').executeTakeFirst();
      let row = await attempt();
      for (const until = Date.now() + 15_000; !row?.attempts && Date.now() < until; row = await attempt()) await new Promise((r) => setTimeout(r, 50));
      assert.match(row?.last_error ?? '', /callback address refused: 127\.0\.0\.1 is not a public address/);
      assert.equal(hook.state.attempts, 0, 'the receiver was never reached');
    } finally {
      await hook.close();
    }
  });
});

describe('webhook subscriptions', () => {
  let t: TestPlatform;
  let carrier: TestParty, forwarder: TestParty;
  const secret = randomBytes(32).toString('base64');
  before(async () => {
    t = await testPlatform({ delivery: FAST });
    carrier = await t.party('Carrier', ['carrier'], { referencePrefixes: ['BKG', 'TRD'] });
    forwarder = await t.party('Forwarder', ['forwarder']);
    await t.inject({ method: 'POST', url: '/v2/events', headers: carrier.auth, payload: [shipmentEvent('BKG-HOOK', 'BKG', 'CONF'), shipmentEvent('BKG-PRIVATE', 'BKG', 'CONF')] });
    const g = await t.inject({ method: 'POST', url: '/v1/grants', headers: carrier.auth, payload: { granteePartyId: forwarder.id, referenceType: 'BKG', referenceValue: 'BKG-HOOK' } });
    assert.equal(g.statusCode, 201);
  });
  after(() => t.close());

  it('validates the subscription: 401, 400 naming the field, 404 for another party’s', async () => {
    assert.equal((await t.inject({ method: 'POST', url: '/v2/event-subscriptions', payload: {} })).statusCode, 401);
    const cases: [object, string][] = [
      [{ secret }, '/body/callbackUrl'],
      [{ callbackUrl: 'ftp://x', secret }, '/body/callbackUrl'],
      [{ callbackUrl: 'http://127.0.0.1/x', secret: 'short' }, '/body/secret'],
      [{ callbackUrl: 'http://127.0.0.1/x', secret, eventType: ['BOAT'] }, '/body/eventType'],
      [{ callbackUrl: 'http://127.0.0.1/x', secret, colour: 'red' }, '/body/colour'],
    ];
    for (const [payload, pointer] of cases) {
      const res = await t.inject({ method: 'POST', url: '/v2/event-subscriptions', headers: forwarder.auth, payload });
      assert.equal(res.statusCode, 400, JSON.stringify(payload));
      assert.equal(res.json().errors[0].pointer, pointer);
    }
    const mine = await t.inject({ method: 'POST', url: '/v2/event-subscriptions', headers: carrier.auth, payload: { callbackUrl: 'http://127.0.0.1:9/x', secret } });
    assert.equal(mine.statusCode, 201);
    const id = mine.json().subscriptionID;
    assert.equal((await t.inject({ method: 'GET', url: `/v2/event-subscriptions/${id}`, headers: forwarder.auth })).statusCode, 404);
    assert.equal((await t.inject({ method: 'DELETE', url: `/v2/event-subscriptions/${id}`, headers: forwarder.auth })).statusCode, 404);
    assert.equal((await t.inject({ method: 'DELETE', url: `/v2/event-subscriptions/${id}`, headers: carrier.auth })).statusCode, 204);
  });

  it('delivers in order, signed, through failures, only what the subscriber may read', async () => {
    const hook = await receiver();
    try {
      hook.state.failing = 3;
      const sub = await t.inject({ method: 'POST', url: '/v2/event-subscriptions', headers: forwarder.auth, payload: { callbackUrl: hook.url, secret, eventType: ['EQUIPMENT'] } });
      assert.equal(sub.statusCode, 201, sub.body);
      assert.equal(sub.json().secret, undefined, 'the secret is never returned');
      const box = containerNumber('HOOU', 1);
      const mineEvents = Array.from({ length: 5 }, (_, i) => equipmentEvent({ equipmentReference: box, code: i === 0 ? 'PICK' : 'GTIN', bookings: ['BKG-HOOK'] }));
      const privateEvent = equipmentEvent({ equipmentReference: containerNumber('HOOU', 2), bookings: ['BKG-PRIVATE'] });
      for (const batch of [[mineEvents[0], privateEvent], mineEvents.slice(1, 3), mineEvents.slice(3)]) {
        const res = await t.inject({ method: 'POST', url: '/v2/events', headers: carrier.auth, payload: batch });
        assert.equal(res.statusCode, 200);
      }
      await waitFor(() => eventIds(hook.state.received).length >= 5, 'five deliveries');
      assert.deepEqual(eventIds(hook.state.received), mineEvents.map((e) => e.eventID), 'in publishing order, without the private event');
      assert.ok(hook.state.attempts > hook.state.received.length, 'the failures were retried');
      for (const r of hook.state.received) {
        const expected = `sha256=${createHmac('sha256', Buffer.from(secret, 'base64')).update(r.body).digest('hex')}`;
        assert.equal(r.signature, expected);
        assert.equal(r.subscriptionId, sub.json().subscriptionID);
      }
    } finally {
      await hook.close();
    }
  });

  it('parks undeliverable notifications as dead letters; an operator replays them', async () => {
    const hook = await receiver();
    try {
      hook.state.failing = 'always';
      const sub = await t.inject({ method: 'POST', url: '/v2/event-subscriptions', headers: forwarder.auth, payload: { callbackUrl: hook.url, secret, equipmentReference: containerNumber('HOOU', 3) } });
      const id = sub.json().subscriptionID as string;
      const event = equipmentEvent({ equipmentReference: containerNumber('HOOU', 3), bookings: ['BKG-HOOK'] });
      await t.inject({ method: 'POST', url: '/v2/events', headers: carrier.auth, payload: event });
      let dead: { eventID: string; attempts: number }[] = [];
      const until = Date.now() + 15_000;
      while (!dead.length && Date.now() < until) {
        dead = (await t.inject({ method: 'GET', url: `/v2/event-subscriptions/${id}/dead-letters`, headers: forwarder.auth })).json();
        await new Promise((r) => setTimeout(r, 100));
      }
      assert.equal(dead.length, 1);
      assert.equal(dead[0].eventID, event.eventID);
      assert.equal(dead[0].attempts, FAST.maxAttempts);
      hook.state.failing = 0;
      const replay = await t.inject({ method: 'POST', url: `/v2/event-subscriptions/${id}/dead-letters/replay`, headers: forwarder.auth, payload: {} });
      assert.deepEqual(replay.json(), { replayed: 1 });
      await waitFor(() => eventIds(hook.state.received).includes(event.eventID), 'the replayed delivery');
      const left = await t.inject({ method: 'GET', url: `/v2/event-subscriptions/${id}/dead-letters`, headers: forwarder.auth });
      assert.deepEqual(left.json(), []);
    } finally {
      await hook.close();
    }
  });

  it('pending deliveries outlive the worker: a new worker on the same database sends them', async () => {
    const hook = await receiver();
    try {
      await t.platform.ctx.delivery!.stop();
      const sub = await t.inject({ method: 'POST', url: '/v2/event-subscriptions', headers: forwarder.auth, payload: { callbackUrl: hook.url, secret, equipmentReference: containerNumber('HOOU', 4) } });
      assert.equal(sub.statusCode, 201);
      const event = equipmentEvent({ equipmentReference: containerNumber('HOOU', 4), bookings: ['BKG-HOOK'] });
      await t.inject({ method: 'POST', url: '/v2/events', headers: carrier.auth, payload: event });
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(hook.state.received.length, 0, 'nothing sent while no worker runs');
      const worker = new DeliveryWorker(t.platform.ctx.db, t.platform.ctx.topics, { ...FAST, allowLocalCallbacks: true, secrets: t.platform.ctx.secrets });
      worker.start();
      try {
        await waitFor(() => eventIds(hook.state.received).includes(event.eventID), 'delivery by the new worker');
      } finally {
        await worker.stop();
      }
    } finally {
      await hook.close();
    }
  });
});
