// The spine turned round, and port calls on the shared delivery machinery: a vessel's actual
// berth arrival and departure, sent by the terminal as DCSA Port Call timestamps, become Track &
// Trace ARRI/DEPA events in the same transaction, and reach the call's carrier and the parties
// with shipments on that voyage — on their event lists, their webhooks and their live streams —
// but no other party. Port call timestamps themselves get webhooks and a stream the same way.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { trackingDb } from '../src/modules/tracking/index.js';
import { imoCheckDigit } from '../src/standards/index.js';
import { ADMIN_KEY, containerNumber, equipmentEvent, openStream, portCallTimestamp, testPlatform, waitFor, type TestParty, type TestPlatform } from './helpers.js';

const admin = { authorization: `Bearer ${ADMIN_KEY}` };
const VESSEL = `932148${imoCheckDigit('932148')}`; // the vessel of the helpers' transport call
const secret = randomBytes(32).toString('base64');

/** A webhook receiver on loopback: the items of every notification, and the API-Version sent. */
async function receiver() {
  const state = { items: [] as Record<string, unknown>[], versions: new Set<string>() };
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => { body += c; });
    req.on('end', () => {
      state.items.push(...(JSON.parse(body) as Record<string, unknown>[]));
      state.versions.add(String(req.headers['api-version']));
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { state, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, close: () => new Promise<void>((r) => server.close(() => r())) };
}

/** A stream that must open (the tests' streams are all allowed). */
async function openStreamOk(url: string, headers: Record<string, string>) {
  const stream = await openStream(url, headers);
  assert.equal(stream.status, 200, JSON.stringify(stream.json));
  return stream;
}

const timestamp = portCallTimestamp;

describe('the spine: berth arrivals and departures reach the carrier and its shipments', () => {
  let t: TestPlatform & { url?: string };
  let carrier: TestParty, rival: TestParty, terminal: TestParty, forwarder: TestParty, stranger: TestParty, authority: TestParty;
  const call = { terminalCallReference: `QQCT-${randomUUID().slice(0, 8)}` };
  let portCallID: string;
  const box = containerNumber('COSU', 42);

  before(async () => {
    t = await testPlatform({ listen: true, delivery: { pollIntervalMs: 50, baseBackoffMs: 50, maxBackoffMs: 200, maxAttempts: 5, requestTimeoutMs: 2000 } });
    carrier = await t.party('COSCO Shipping Lines', ['carrier'], { referencePrefixes: ['COSU'], equipmentOwnerCodes: ['COSU'] });
    rival = await t.party('Rival Lines', ['carrier'], { referencePrefixes: ['RIVL'] });
    terminal = await t.party('Qianwan Container Terminal', ['terminal']);
    forwarder = await t.party('Sinotrans', ['forwarder']);
    stranger = await t.party('Another forwarder', ['forwarder']);
    authority = await t.party('Qingdao Port Authority', ['port_authority']);
    const put = async (url: string, payload: object) => {
      const res = await t.inject({ method: 'PUT', url, headers: admin, payload });
      assert.ok(res.statusCode < 300, `${url}: ${res.body}`);
    };
    await put(`/v1/vessels/${VESSEL}`, { name: 'COSCO Qingdao', mmsi: '413000001', callSign: 'BQDA', vesselTypeCode: 'CONT', lengthOverallM: 366, beamM: 51, maxDraughtM: 15.5, deadweightTonnes: 156_000, teuCapacity: 14_000 });
    await put('/v1/terminals/QQCT', { name: 'Qianwan Container Terminal', UNLocationCode: 'CNTAO', operatorPartyId: terminal.id });
    await put('/v1/terminals/QQCT/berths/B1', { name: 'Qianwan 1', lengthM: 400, depthM: 17.5, craneCount: 6, maxLoaM: 400 });
    const created = await t.inject({
      method: 'POST', url: '/v1/port-calls', headers: carrier.auth,
      payload: { terminalCode: 'QQCT', vesselIMONumber: VESSEL, carrierServiceCode: 'AEX', importVoyageNumber: '2611W', exportVoyageNumber: '2611E', terminalCallReference: call.terminalCallReference },
    });
    assert.equal(created.statusCode, 201, created.body);
    portCallID = created.json().portCallID;
    // A box of the carrier's booking loaded on this voyage, and the booking shared with a forwarder.
    const load = equipmentEvent({ equipmentReference: box, code: 'LOAD', bookings: ['COSU-BKG-1'], at: '2026-11-20T02:00:00Z' });
    assert.equal((await t.inject({ method: 'POST', url: '/v2/events', headers: carrier.auth, payload: load })).statusCode, 201);
    const grant = await t.inject({ method: 'POST', url: '/v1/grants', headers: carrier.auth, payload: { granteePartyId: forwarder.id, referenceType: 'BKG', referenceValue: 'COSU-BKG-1' } });
    assert.equal(grant.statusCode, 201, grant.body);
  });
  after(() => t.close());

  it('the terminal\'s ATA/ATD-Berth reach the carrier and the forwarder on that voyage: list, webhooks and stream; nobody else', async () => {
    const tntHook = await receiver();
    const pcHook = await receiver();
    const subscribe = async (url: string, payload: object) => {
      const res = await t.inject({ method: 'POST', url, headers: carrier.auth, payload: { secret, ...payload } });
      assert.equal(res.statusCode, 201, res.body);
    };
    await subscribe('/v2/event-subscriptions', { callbackUrl: tntHook.url, eventType: ['TRANSPORT'] });
    await subscribe('/port-call/v2/event-subscriptions', { callbackUrl: pcHook.url, terminalCallID: portCallID });
    const streams = {
      carrier: await openStreamOk(`${t.url}/v1/stream?eventType=TRANSPORT`, carrier.auth),
      forwarder: await openStreamOk(`${t.url}/v1/stream?eventType=TRANSPORT`, forwarder.auth),
      stranger: await openStreamOk(`${t.url}/v1/stream`, stranger.auth),
      portCalls: await openStreamOk(`${t.url}/port-call/v2/stream`, carrier.auth),
      rivalPortCalls: await openStreamOk(`${t.url}/port-call/v2/stream`, rival.auth),
    };
    try {
      const ata = timestamp(call, 'ATA-Berth', '2026-11-20T08:00:00+08:00');
      const atd = timestamp(call, 'ATD-Berth', '2026-11-21T06:30:00+08:00');
      const sent = await t.inject({ method: 'POST', url: '/port-call/v2/events', headers: terminal.auth, payload: { events: [ata, atd] } });
      assert.deepEqual(sent.json().results.map((r: { result: string }) => r.result), ['created', 'created'], sent.body);

      const transport = async (who: TestParty) => ((await t.inject({ method: 'GET', url: '/v2/events?eventType=TRANSPORT', headers: who.auth })).json() as { transportEventTypeCode: string; transportCall: { transportCallID: string } }[])
        .filter((e) => e.transportCall.transportCallID === portCallID).map((e) => e.transportEventTypeCode);
      assert.deepEqual(await transport(carrier), ['ARRI', 'DEPA'], 'the carrier sees its own ship arrive and leave');
      assert.deepEqual(await transport(forwarder), ['ARRI', 'DEPA'], 'so does the forwarder with a booking on that voyage');
      assert.deepEqual(await transport(terminal), ['ARRI', 'DEPA']);
      assert.deepEqual(await transport(authority), ['ARRI', 'DEPA']);
      assert.deepEqual(await transport(stranger), [], 'a party with nothing on the voyage sees nothing');
      assert.deepEqual(await transport(rival), []);

      await waitFor(() => streams.carrier.text.includes('"DEPA"') && streams.forwarder.text.includes('"DEPA"'), 'the carrier\'s and the forwarder\'s streams');
      await waitFor(() => tntHook.state.items.length === 2, 'the carrier\'s Track & Trace webhook');
      assert.deepEqual(tntHook.state.items.map((e) => e.transportEventTypeCode), ['ARRI', 'DEPA']);
      assert.deepEqual([...tntHook.state.versions], ['2.2.0']);

      await waitFor(() => pcHook.state.items.length === 2, 'the carrier\'s port call webhook');
      assert.deepEqual(pcHook.state.items.map((e) => e.eventID), [ata.eventID, atd.eventID]);
      assert.deepEqual([...pcHook.state.versions], ['2.0.0']);
      await waitFor(() => streams.portCalls.text.includes(atd.eventID), 'the carrier\'s port call stream');
      assert.match(streams.portCalls.text, /event: timestamp\n/);

      // Give the others' streams a moment to have sent anything they wrongly would.
      await new Promise((r) => setTimeout(r, 1500));
      assert.ok(!streams.stranger.text.includes('"ARRI"'), 'nothing of the call on a stranger\'s stream');
      assert.ok(!streams.rivalPortCalls.text.includes(ata.eventID), 'nothing of the call on a rival\'s port call stream');

      // One transaction: the timestamps, the facts and the transport events are all stored.
      const facts = await t.platform.ctx.db.selectFrom('facts').select(['name', 'subject']).where('subject', '=', portCallID).orderBy('seq').execute();
      assert.deepEqual(facts.map((f) => f.name), ['portcall.call.created', 'portcall.berth.arrived', 'portcall.berth.departed']);

      // A retry changes nothing: duplicates, no new facts, no second transport event.
      const again = await t.inject({ method: 'POST', url: '/port-call/v2/events', headers: terminal.auth, payload: { events: [ata, atd] } });
      assert.deepEqual(again.json().results.map((r: { result: string }) => r.result), ['duplicate', 'duplicate']);
      const stored = await trackingDb(t.platform.ctx.db).selectFrom('events').select('event_id').where('transport_call_id', '=', portCallID).execute();
      assert.equal(stored.length, 2);
      assert.equal((await t.platform.ctx.db.selectFrom('facts').select('seq').where('subject', '=', portCallID).execute()).length, 3);
    } finally {
      for (const s of Object.values(streams)) s.close();
      await tntHook.close();
      await pcHook.close();
    }
  });

  it('port call subscriptions: the 401 → 400 → 404 ladder, filters checked, another party\'s subscription unseen', async () => {
    const url = '/port-call/v2/event-subscriptions';
    assert.equal((await t.inject({ method: 'POST', url, payload: {} })).statusCode, 401);
    const bad = await t.inject({ method: 'POST', url, headers: carrier.auth, payload: { callbackUrl: 'http://127.0.0.1/x', secret, vesselIMONumber: '1234568' } });
    assert.equal(bad.statusCode, 400);
    assert.equal(bad.json().errors[0].pointer, '/body/vesselIMONumber');
    const unknown = await t.inject({ method: 'POST', url, headers: carrier.auth, payload: { callbackUrl: 'http://127.0.0.1/x', secret, eventType: 'TRANSPORT' } });
    assert.deepEqual([unknown.statusCode, unknown.json().errors[0].pointer, unknown.json().errors[0].rule], [400, '/body/eventType', 'additionalProperties']);
    const made = await t.inject({ method: 'POST', url, headers: carrier.auth, payload: { callbackUrl: 'http://127.0.0.1/x', secret, UNLocationCode: 'CNTAO' } });
    assert.equal(made.statusCode, 201, made.body);
    const id = made.json().subscriptionID;
    assert.equal(made.json().UNLocationCode, 'CNTAO');
    assert.equal((await t.inject({ method: 'GET', url: `${url}/${id}`, headers: rival.auth })).statusCode, 404);
    // The Track & Trace list holds Track & Trace subscriptions only.
    const tnt = (await t.inject({ method: 'GET', url: '/v2/event-subscriptions', headers: carrier.auth })).json() as { subscriptionID: string }[];
    assert.ok(!tnt.some((s) => s.subscriptionID === id));
    assert.equal((await t.inject({ method: 'GET', url: `/v2/event-subscriptions/${id}`, headers: carrier.auth })).statusCode, 404);
    assert.equal((await t.inject({ method: 'DELETE', url: `${url}/${id}`, headers: carrier.auth })).statusCode, 204);
  });
});
