// Port calls end to end: reference data, port calls, the DCSA Port Call 2.0 exchange between a
// carrier and a terminal, visibility, the Track & Trace spine and the KPI endpoint. Every
// endpoint's ladder: 401 → 400 naming the field → 403/404 → success.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { imoCheckDigit } from '../src/standards/index.js';
import { ADMIN_KEY, portCallTimestamp, testPlatform, type TestParty, type TestPlatform } from './helpers.js';

// ---- builders ----------------------------------------------------------------------------------

const admin = { authorization: `Bearer ${ADMIN_KEY}` };
const imo = (six: string) => `${six}${imoCheckDigit(six)}`;
const BIG = imo('932148'); // 9321483, 14,000 TEU
const SMALL = imo('941234'); // 2,500 TEU feeder

const vessel = (over: Record<string, unknown> = {}) => ({
  name: 'COSCO Qingdao', mmsi: '413000001', callSign: 'BQDA', vesselTypeCode: 'CONT',
  lengthOverallM: 366, beamM: 51, maxDraughtM: 15.5, deadweightTonnes: 156_000, teuCapacity: 14_000, ...over,
});
const berth = (over: Record<string, unknown> = {}) => ({ name: 'Qianwan 1', lengthM: 400, depthM: 17.5, craneCount: 6, maxLoaM: 400, ...over });

interface Port {
  t: TestPlatform;
  carrier: TestParty; carrierB: TestParty; terminal: TestParty; authority: TestParty; msa: TestParty; center: TestParty; customs: TestParty; forwarder: TestParty;
}

/** A port with two carriers, one terminal (QQCT, berths B1 and B2), authorities and two vessels. */
async function openPort(): Promise<Port> {
  const t = await testPlatform();
  const p: Port = {
    t,
    carrier: await t.party('COSCO Shipping Lines', ['carrier']),
    carrierB: await t.party('Maersk', ['carrier']),
    terminal: await t.party('Qingdao Qianwan Container Terminal', ['terminal']),
    authority: await t.party('Qingdao Port Authority', ['port_authority']),
    msa: await t.party('Shandong MSA', ['msa']),
    center: await t.party('Shipping Center Office', ['shipping_center']),
    customs: await t.party('Qingdao Customs', ['customs']),
    forwarder: await t.party('Sinotrans', ['forwarder']),
  };
  const put = async (url: string, payload: object, headers = admin) => {
    const res = await t.inject({ method: 'PUT', url, headers, payload });
    assert.ok(res.statusCode < 300, `${url}: ${res.body}`);
  };
  await put(`/v1/vessels/${BIG}`, vessel());
  await put(`/v1/vessels/${SMALL}`, vessel({ name: 'Feeder Star', mmsi: '413000002', callSign: 'BQDB', lengthOverallM: 180, beamM: 28, maxDraughtM: 9, teuCapacity: 2500 }));
  await put('/v1/terminals/QQCT', { name: 'Qianwan Container Terminal', UNLocationCode: 'CNTAO', operatorPartyId: p.terminal.id });
  await put('/v1/terminals/QQCT/berths/B1', berth());
  await put('/v1/terminals/QQCT/berths/B2', berth({ name: 'Qianwan 2', lengthM: 250, maxLoaM: 200, depthM: 12, craneCount: 3 }));
  return p;
}

let refs = 0;
const newCall = (over: Record<string, unknown> = {}) => ({
  terminalCode: 'QQCT', vesselIMONumber: BIG, carrierServiceCode: 'AEX', importVoyageNumber: '2611W', exportVoyageNumber: '2611E',
  terminalCallReference: `QQCT-${++refs}`, ...over,
});

async function createCall(p: Port, by: TestParty = p.carrier, over: Record<string, unknown> = {}) {
  const res = await p.t.inject({ method: 'POST', url: '/v1/port-calls', headers: by.auth, payload: newCall(over) });
  assert.equal(res.statusCode, 201, res.body);
  return res.json() as { portCallID: string; terminalCallReference: string };
}

const ts = portCallTimestamp;

function moves(call: { terminalCallReference: string }, load: number, discharge: number) {
  return {
    eventID: randomUUID(), terminalCall: { terminalCallReference: call.terminalCallReference },
    portCallService: { portCallServiceTypeCode: 'MOVES', portCallServiceEventTypeCode: 'ARRI' },
    movesForecasts: [{ loadUnits: { totalUnits: { totalUnits: load } }, dischargeUnits: { totalUnits: { totalUnits: discharge } } }],
  };
}

const send = (p: Port, by: TestParty | { authorization?: string } | undefined, events: unknown[]) =>
  p.t.inject({ method: 'POST', url: '/port-call/v2/events', headers: by && 'auth' in by ? by.auth : (by ?? {}), payload: { events } });

const errorsOf = (res: { json(): unknown }) => ((res.json() as { errors?: { pointer: string; rule: string }[] }).errors ?? []).map((e) => `${e.pointer} ${e.rule}`);

// ---- reference data ------------------------------------------------------------------------------

describe('port reference data', () => {
  let p: Port;
  before(async () => { p = await openPort(); });
  after(() => p.t.close());

  it('PUT /v1/vessels/{imo}: 401, 400 naming the field, 403, then 201 / 200 and idempotent', async () => {
    const url = `/v1/vessels/${imo('950000')}`;
    assert.equal((await p.t.inject({ method: 'PUT', url, payload: vessel() })).statusCode, 401);
    const badImo = await p.t.inject({ method: 'PUT', url: '/v1/vessels/9321484', headers: admin, payload: vessel() });
    assert.deepEqual([badImo.statusCode, errorsOf(badImo)], [400, ['/params/imoNumber imo.checkDigit']]);
    const badMmsi = await p.t.inject({ method: 'PUT', url, headers: admin, payload: vessel({ mmsi: '12345' }) });
    assert.deepEqual(errorsOf(badMmsi), ['/body/mmsi mmsi.format']);
    const badLength = await p.t.inject({ method: 'PUT', url, headers: admin, payload: vessel({ lengthOverallM: -1 }) });
    assert.deepEqual(errorsOf(badLength), ['/body/lengthOverallM exclusiveMinimum']);
    const extra = await p.t.inject({ method: 'PUT', url, headers: admin, payload: vessel({ colour: 'red' }) });
    assert.deepEqual(errorsOf(extra), ['/body/colour additionalProperties']);
    assert.equal((await p.t.inject({ method: 'PUT', url, headers: p.carrier.auth, payload: vessel() })).statusCode, 403);
    const created = await p.t.inject({ method: 'PUT', url, headers: admin, payload: vessel() });
    assert.equal(created.statusCode, 201);
    assert.equal(created.json().imoNumber, imo('950000'));
    const again = await p.t.inject({ method: 'PUT', url, headers: admin, payload: vessel() });
    assert.equal(again.statusCode, 200);
    assert.equal(again.json().updatedAt, created.json().updatedAt, 'an unchanged PUT changes nothing');
    const updated = await p.t.inject({ method: 'PUT', url: `/v1/vessels/IMO${imo('950000')}`, headers: admin, payload: vessel({ teuCapacity: 15_000 }) });
    assert.deepEqual([updated.statusCode, updated.json().teuCapacity], [200, 15_000]);
    const read = await p.t.inject({ method: 'GET', url, headers: p.forwarder.auth });
    assert.deepEqual([read.statusCode, read.json().teuCapacity], [200, 15_000]);
    assert.equal((await p.t.inject({ method: 'GET', url: `/v1/vessels/${imo('950001')}`, headers: p.forwarder.auth })).statusCode, 404);
    assert.equal((await p.t.inject({ method: 'GET', url: '/v1/vessels' })).statusCode, 401);
    assert.equal((await p.t.inject({ method: 'GET', url: '/v1/vessels', headers: p.customs.auth })).json().length, 3);
  });

  it('PUT /v1/terminals/{code}: the operator must be a terminal party', async () => {
    const body = { name: 'Qianwan 2', UNLocationCode: 'CNTAO', operatorPartyId: p.terminal.id };
    assert.equal((await p.t.inject({ method: 'PUT', url: '/v1/terminals/QQC2', payload: body })).statusCode, 401);
    assert.deepEqual(errorsOf(await p.t.inject({ method: 'PUT', url: '/v1/terminals/qq', headers: admin, payload: body })), ['/params/terminalCode pattern']);
    assert.deepEqual(errorsOf(await p.t.inject({ method: 'PUT', url: '/v1/terminals/QQC2', headers: admin, payload: { ...body, UNLocationCode: 'QQTAO' } })), ['/body/UNLocationCode unlocode.country']);
    assert.deepEqual(errorsOf(await p.t.inject({ method: 'PUT', url: '/v1/terminals/QQC2', headers: admin, payload: { ...body, operatorPartyId: p.carrier.id } })), ['/body/operatorPartyId portcall.operatorRole']);
    assert.equal((await p.t.inject({ method: 'PUT', url: '/v1/terminals/QQC2', headers: p.terminal.auth, payload: body })).statusCode, 403);
    assert.equal((await p.t.inject({ method: 'PUT', url: '/v1/terminals/QQC2', headers: admin, payload: body })).statusCode, 201);
    assert.equal((await p.t.inject({ method: 'PUT', url: '/v1/terminals/QQC2', headers: admin, payload: body })).statusCode, 200);
    const read = await p.t.inject({ method: 'GET', url: '/v1/terminals/QQCT', headers: p.carrier.auth });
    assert.deepEqual(read.json().berths.map((b: { berthId: string }) => b.berthId), ['B1', 'B2']);
  });

  it('berths: the admin or the terminal’s own operator; not another party', async () => {
    const url = '/v1/terminals/QQCT/berths/B3';
    assert.equal((await p.t.inject({ method: 'PUT', url, payload: berth() })).statusCode, 401);
    assert.deepEqual(errorsOf(await p.t.inject({ method: 'PUT', url, headers: p.terminal.auth, payload: berth({ craneCount: 2.5 }) })), ['/body/craneCount type']);
    assert.deepEqual(errorsOf(await p.t.inject({ method: 'PUT', url, headers: p.terminal.auth, payload: berth({ maxLoaM: 500, lengthM: 300 }) })), ['/body/maxLoaM portcall.berthLength']);
    assert.equal((await p.t.inject({ method: 'PUT', url, headers: p.carrier.auth, payload: berth() })).statusCode, 403);
    assert.equal((await p.t.inject({ method: 'PUT', url: '/v1/terminals/NOPE/berths/B3', headers: p.terminal.auth, payload: berth() })).statusCode, 404);
    assert.equal((await p.t.inject({ method: 'PUT', url, headers: p.terminal.auth, payload: berth() })).statusCode, 201);
    const again = await p.t.inject({ method: 'PUT', url, headers: admin, payload: berth({ craneCount: 5 }) });
    assert.deepEqual([again.statusCode, again.json().craneCount], [200, 5]);
    assert.equal((await p.t.inject({ method: 'GET', url, headers: p.forwarder.auth })).json().craneCount, 5);
  });

  it('port locations: anchorages and the pilot boarding place', async () => {
    const body = { kind: 'PILOT_BOARDING_PLACE', name: 'Qingdao PBP No. 1', UNLocationCode: 'CNTAO', latitude: 35.95, longitude: 120.42 };
    assert.equal((await p.t.inject({ method: 'PUT', url: '/v1/port-locations/TAO-PBP1', payload: body })).statusCode, 401);
    assert.deepEqual(errorsOf(await p.t.inject({ method: 'PUT', url: '/v1/port-locations/TAO-PBP1', headers: admin, payload: { ...body, latitude: 95 } })), ['/body/latitude maximum']);
    assert.deepEqual(errorsOf(await p.t.inject({ method: 'PUT', url: '/v1/port-locations/TAO-PBP1', headers: admin, payload: { ...body, kind: 'BUOY' } })), ['/body/kind enum']);
    assert.equal((await p.t.inject({ method: 'PUT', url: '/v1/port-locations/TAO-PBP1', headers: p.terminal.auth, payload: body })).statusCode, 403);
    assert.equal((await p.t.inject({ method: 'PUT', url: '/v1/port-locations/TAO-PBP1', headers: admin, payload: body })).statusCode, 201);
    assert.equal((await p.t.inject({ method: 'PUT', url: '/v1/port-locations/TAO-A1', headers: admin, payload: { ...body, kind: 'ANCHORAGE', name: 'Anchorage A1' } })).statusCode, 201);
    const list = await p.t.inject({ method: 'GET', url: '/v1/port-locations', headers: p.carrier.auth });
    assert.deepEqual(list.json().map((l: { code: string; kind: string }) => `${l.code} ${l.kind}`), ['TAO-A1 ANCHORAGE', 'TAO-PBP1 PILOT_BOARDING_PLACE']);
  });
});

// ---- port calls --------------------------------------------------------------------------------

describe('port calls (/v1/port-calls)', () => {
  let p: Port;
  before(async () => { p = await openPort(); });
  after(() => p.t.close());

  it('POST: 401, 400 naming the field, 403, then 201; retried with an Idempotency-Key it answers the first call again', async () => {
    assert.equal((await p.t.inject({ method: 'POST', url: '/v1/port-calls', payload: newCall() })).statusCode, 401);
    for (const [body, expected] of [
      [newCall({ vesselIMONumber: '9321484' }), '/body/vesselIMONumber imo.checkDigit'],
      [newCall({ vesselIMONumber: imo('123456') }), '/body/vesselIMONumber portcall.unknownVessel'],
      [newCall({ terminalCode: 'NOPE' }), '/body/terminalCode portcall.unknownTerminal'],
      [newCall({ carrierServiceCode: 'TOOLONG' }), '/body/carrierServiceCode maxLength'],
      [newCall({ exportVoyageNumber: undefined }), '/body/exportVoyageNumber required'],
      [newCall({ berthId: 'B2' }), '/body/berthId portcall.berthMaxLoa'],
      [newCall({ berthId: 'B9' }), '/body/berthId portcall.unknownBerth'],
    ] as const) {
      const res = await p.t.inject({ method: 'POST', url: '/v1/port-calls', headers: p.carrier.auth, payload: body });
      assert.equal(res.statusCode, 400, `${expected}: ${res.body}`);
      assert.deepEqual(errorsOf(res), [expected]);
    }
    assert.equal((await p.t.inject({ method: 'POST', url: '/v1/port-calls', headers: p.forwarder.auth, payload: newCall() })).statusCode, 403);
    assert.equal((await p.t.inject({ method: 'POST', url: '/v1/port-calls', headers: p.carrier.auth, payload: newCall({ carrierPartyId: p.carrierB.id }) })).statusCode, 403);

    const body = newCall({ berthId: 'B1' });
    const headers = { ...p.carrier.auth, 'idempotency-key': 'call-1' };
    const first = await p.t.inject({ method: 'POST', url: '/v1/port-calls', headers, payload: body });
    assert.equal(first.statusCode, 201, first.body);
    assert.deepEqual([first.json().carrierPartyId, first.json().terminalPartyId, first.json().UNLocationCode, first.json().status], [p.carrier.id, p.terminal.id, 'CNTAO', 'PLANNED']);
    const retry = await p.t.inject({ method: 'POST', url: '/v1/port-calls', headers, payload: body });
    assert.deepEqual([retry.statusCode, retry.json().portCallID], [201, first.json().portCallID]);
    const taken = await p.t.inject({ method: 'POST', url: '/v1/port-calls', headers: p.carrier.auth, payload: body });
    assert.deepEqual([taken.statusCode, errorsOf(taken)], [409, ['/body/terminalCallReference portcall.referenceTaken']]);
    // Another carrier may use the same reference: references are per carrier, and collide with nobody else's.
    assert.equal((await p.t.inject({ method: 'POST', url: '/v1/port-calls', headers: p.carrierB.auth, payload: body })).statusCode, 201);
  });

  it('the terminal creates a call for the carrier it names', async () => {
    const missing = await p.t.inject({ method: 'POST', url: '/v1/port-calls', headers: p.terminal.auth, payload: newCall() });
    assert.deepEqual(errorsOf(missing), ['/body/carrierPartyId required']);
    const notCarrier = await p.t.inject({ method: 'POST', url: '/v1/port-calls', headers: p.terminal.auth, payload: newCall({ carrierPartyId: p.forwarder.id }) });
    assert.deepEqual(errorsOf(notCarrier), ['/body/carrierPartyId portcall.carrierParty']);
    const res = await p.t.inject({ method: 'POST', url: '/v1/port-calls', headers: p.terminal.auth, payload: newCall({ carrierPartyId: p.carrier.id }) });
    assert.deepEqual([res.statusCode, res.json().carrierPartyId], [201, p.carrier.id]);
  });

  it('GET list: filters, cursor paging, and nobody sees another carrier’s calls', async () => {
    const mine = [await createCall(p, p.carrier, { carrierServiceCode: 'FE1' }), await createCall(p, p.carrier, { carrierServiceCode: 'FE1', vesselIMONumber: SMALL })];
    await send(p, p.carrier, [ts(mine[0], 'ETA-Berth', '2026-12-03T08:00:00+08:00'), ts(mine[1], 'ETA-Berth', '2026-12-05T08:00:00+08:00')]);
    const get = (by: TestParty, q: string) => p.t.inject({ method: 'GET', url: `/v1/port-calls${q}`, headers: by.auth });
    assert.equal((await p.t.inject({ method: 'GET', url: '/v1/port-calls' })).statusCode, 401);
    for (const [q, expected] of [
      ['?status=LOST', '/query/status enum'], ['?vessel=9321484', '/query/vessel imo.checkDigit'], ['?from=tomorrow', '/query/from datetime.format'],
      ['?colour=red', '/query/colour additionalProperties'], ['?limit=0', '/query/limit range'], ['?cursor=zzz', '/query/cursor cursor'],
    ]) assert.deepEqual(errorsOf(await get(p.carrier, q)), [expected], q);
    const ids = async (by: TestParty, q: string) => (await get(by, q)).json().map((c: { portCallID: string }) => c.portCallID) as string[];
    assert.deepEqual(await ids(p.carrier, '?service=FE1'), mine.map((c) => c.portCallID));
    assert.deepEqual(await ids(p.carrier, `?service=FE1&vessel=${SMALL}`), [mine[1].portCallID]);
    assert.deepEqual(await ids(p.carrier, '?from=2026-12-04T00:00:00Z&to=2026-12-06T00:00:00Z'), [mine[1].portCallID]);
    assert.deepEqual(await ids(p.carrier, '?service=FE1&status=PLANNED,ALONGSIDE'), mine.map((c) => c.portCallID));
    assert.deepEqual(await ids(p.carrierB, '?service=FE1'), []);
    assert.deepEqual(await ids(p.customs, ''), []);
    assert.deepEqual(await ids(p.terminal, '?service=FE1'), mine.map((c) => c.portCallID));

    const all = await ids(p.carrier, '');
    const seen: string[] = [];
    let res = await get(p.carrier, '?limit=2');
    for (let i = 0; i < 10; i++) {
      seen.push(...res.json().map((c: { portCallID: string }) => c.portCallID));
      const next = res.headers['next-page-cursor'] as string | undefined;
      if (!next) break;
      assert.match(res.headers.link as string, /rel="next"/);
      res = await get(p.carrier, `?cursor=${next}`);
    }
    assert.deepEqual(seen, all);
  });

  it('GET one: visible to its carrier, terminal and authorities (audited); 404 for everyone else', async () => {
    const call = await createCall(p);
    const get = (by?: TestParty, id = call.portCallID) => p.t.inject({ method: 'GET', url: `/v1/port-calls/${id}`, headers: by?.auth ?? {} });
    assert.equal((await get()).statusCode, 401);
    for (const who of [p.carrierB, p.customs, p.forwarder, p.center]) assert.equal((await get(who)).statusCode, 404);
    assert.equal((await get(p.carrier, randomUUID())).statusCode, 404);
    for (const who of [p.carrier, p.terminal, p.authority, p.msa]) {
      const res = await get(who);
      assert.deepEqual([res.statusCode, res.json().vesselName], [200, 'COSCO Qingdao']);
    }
    const log = await p.t.inject({ method: 'GET', url: `/admin/audit?partyId=${p.msa.id}&action=portcall.read`, headers: admin });
    assert.ok(log.json().some((e: { resource: string; detail: { portCallIds: string[] } }) => e.resource === `/v1/port-calls/${call.portCallID}` && e.detail.portCallIds.includes(call.portCallID)), log.body);
    const own = await p.t.inject({ method: 'GET', url: `/admin/audit?partyId=${p.carrier.id}&action=portcall.read`, headers: admin });
    assert.deepEqual(own.json(), [], 'a party reading its own calls is not audited');
  });

  it('PATCH: the terminal its operations, the carrier its schedule; the berth must fit', async () => {
    const call = await createCall(p);
    const patch = (by: TestParty | undefined, payload: object) => p.t.inject({ method: 'PATCH', url: `/v1/port-calls/${call.portCallID}`, headers: by?.auth ?? {}, payload });
    assert.equal((await patch(undefined, { berthId: 'B1' })).statusCode, 401);
    assert.deepEqual(errorsOf(await patch(p.terminal, { cranesUsed: 0 })), ['/body/cranesUsed minimum']);
    assert.deepEqual(errorsOf(await patch(p.terminal, {})), ['/body minProperties']);
    assert.deepEqual(errorsOf(await patch(p.terminal, { berthId: 'B2' })), ['/body/berthId portcall.berthMaxLoa']);
    // Deeper than the ship's draught, but without the metre of water the berth planner keeps under the keel.
    const shallow = await p.t.inject({ method: 'PUT', url: '/v1/terminals/QQCT/berths/B4', headers: admin, payload: berth({ name: 'Qianwan 4', depthM: 16 }) });
    assert.ok(shallow.statusCode < 300, shallow.body);
    const tooDeep = await patch(p.terminal, { berthId: 'B4' });
    assert.deepEqual(errorsOf(tooDeep), ['/body/berthId portcall.berthDepth']);
    assert.deepEqual(tooDeep.json().errors[0].params, { vessel: 'COSCO Qingdao', berth: 'B4', draughtM: 15.5, depthM: 16, underKeelM: 1 });
    const wrongSide = await patch(p.carrier, { berthId: 'B1', exportVoyageNumber: '2612E' });
    assert.deepEqual([wrongSide.statusCode, errorsOf(wrongSide)], [403, ['/body/berthId portcall.fieldOwner']]);
    assert.equal((await patch(p.authority, { cranesUsed: 3 })).statusCode, 403);
    assert.equal((await patch(p.carrierB, { cranesUsed: 3 })).statusCode, 404);
    assert.deepEqual(errorsOf(await patch(p.terminal, { berthId: 'B1', cranesUsed: 7 })), ['/body/cranesUsed portcall.cranes']);
    const ops = await patch(p.terminal, { berthId: 'B1', cranesUsed: 4, actualMoves: { load: 800, discharge: 700, restow: 20 } });
    assert.equal(ops.statusCode, 200, ops.body);
    assert.deepEqual([ops.json().berthId, ops.json().cranesUsed, ops.json().actualMoves], ['B1', 4, { load: 800, discharge: 700, restow: 20 }]);
    const schedule = await patch(p.carrier, { exportVoyageNumber: '2612E', isMainlineService: true });
    assert.deepEqual([schedule.json().exportVoyageNumber, schedule.json().isMainlineService], ['2612E', true]);
  });
});

// ---- DCSA Port Call events -----------------------------------------------------------------------

describe('DCSA Port Call 2.0 events (/port-call/v2/events)', () => {
  let p: Port;
  let call: { portCallID: string; terminalCallReference: string };
  before(async () => {
    p = await openPort();
    call = await createCall(p);
  });
  after(() => p.t.close());

  it('401 without credentials, with the DCSA API-Version and feedbackElements on the problem', async () => {
    const res = await send(p, undefined, [ts(call, 'ETA-Berth', '2026-12-01T08:00:00+08:00')]);
    assert.equal(res.statusCode, 401);
    assert.equal(res.headers['api-version'], '2.0.0');
    assert.match(res.headers['content-type'] as string, /problem\+json/);
    assert.equal(res.json().feedbackElements[0].severity, 'ERROR');
  });

  it('400 for a request that is not a PostEventsRequest', async () => {
    for (const [payload, expected] of [
      [[], '/body type'], [{}, '/body/events required'], [{ events: [] }, '/body/events minItems'], [{ events: [], extra: 1 }, '/body/extra additionalProperties'],
    ] as const) {
      const res = await p.t.inject({ method: 'POST', url: '/port-call/v2/events', headers: p.carrier.auth, payload });
      assert.deepEqual([res.statusCode, errorsOf(res)], [400, [expected]]);
    }
  });

  it('400 for each broken rule, naming the field and the rule; nothing is written', async () => {
    const e = (def: string, at: string, over: Record<string, unknown> = {}) => ts(call, def, at, over);
    const cases: [TestParty, Record<string, unknown>, string][] = [
      [p.carrier, { ...e('ETA-Berth', '2026-12-01T08:00:00+08:00'), colour: 'red' }, '/body/events/0/colour additionalProperties'],
      [p.carrier, e('ETA-Berth', '2026-12-01T08:00:00'), '/body/events/0/timestamp/serviceDateTime datetime.offsetRequired'],
      [p.carrier, e('ETA-Berth', '2026-12-01T08:00:00Z', { portCallService: { portCallServiceTypeCode: 'BERTH', portCallServiceEventTypeCode: 'LAND' } }), '/body/events/0/portCallService/portCallServiceEventTypeCode enum'],
      [p.terminal, e('ATA-Berth', '2099-01-01T00:00:00Z'), '/body/events/0/timestamp/serviceDateTime actualNotInFuture'],
      [p.carrier, e('ETA-Berth', '2026-12-01T08:00:00Z', { vessel: { vesselIMONumber: SMALL } }), '/body/events/0/vessel/vesselIMONumber portcall.callMismatch'],
      [p.carrier, e('ETA-Berth', '2026-12-01T08:00:00Z', { portCall: { UNLocationCode: 'CNSHA' } }), '/body/events/0/portCall/UNLocationCode portcall.callMismatch'],
      [p.carrier, e('ETA-Berth', '2026-12-01T08:00:00Z', { terminalCall: { terminalCallID: call.portCallID, terminalCallReference: 'OTHER' } }), '/body/events/0/terminalCall/terminalCallReference portcall.callMismatch'],
      [p.carrier, e('ETA-Berth', '2026-12-01T08:00:00Z', { replyToEventID: randomUUID() }), '/body/events/0/replyToEventID portcall.replyToUnknown'],
    ];
    for (const [by, event, expected] of cases) {
      const res = await send(p, by, [event]);
      assert.equal(res.statusCode, 400, `${expected}: ${res.body}`);
      assert.ok(errorsOf(res).includes(expected), `${expected} in ${res.body}`);
      const path = res.json().feedbackElements.map((f: { propertyPath: string }) => f.propertyPath);
      assert.ok(path.every((x: string) => x.startsWith('$.events[0]')), res.body);
    }
    const list = await p.t.inject({ method: 'GET', url: `/port-call/v2/events?terminalCallID=${call.portCallID}`, headers: p.carrier.auth });
    assert.deepEqual(list.json(), { events: [] });
  });

  it('403 for a party that is not the call’s carrier or terminal, or sends what is not its side’s; 404 for another carrier', async () => {
    const eta = ts(call, 'ETA-Berth', '2026-12-01T08:00:00+08:00');
    for (const who of [p.forwarder, p.authority]) {
      const res = await send(p, who, [eta]);
      assert.deepEqual([res.statusCode, errorsOf(res)], [403, ['/body/events/0/terminalCall portcall.senderRole']]);
    }
    const other = await send(p, p.carrierB, [eta]);
    assert.deepEqual([other.statusCode, errorsOf(other)], [404, ['/body/events/0/terminalCall/terminalCallReference portcall.unknownCall']]);
    const byId = await send(p, p.carrierB, [ts({ terminalCallReference: 'x' }, 'ETA-Berth', '2026-12-01T08:00:00Z', { terminalCall: { terminalCallID: call.portCallID } })]);
    assert.equal(byId.statusCode, 404);
    // The carrier requests and estimates its arrival; it does not plan the berth nor report its actuals.
    for (const def of ['PTA-Berth', 'ATA-Berth', 'ATS-Cargo Ops']) {
      const res = await send(p, p.carrier, [ts(call, def, '2026-10-01T08:00:00+08:00')]);
      assert.deepEqual([res.statusCode, errorsOf(res)], [403, ['/body/events/0/timestamp/classifierCode portcall.senderRole']], def);
    }
    // The terminal does not request its own service, nor declare the vessel ready.
    for (const def of ['RTA-Berth', 'Vessel Readiness for Cargo operations']) {
      const res = await send(p, p.terminal, [ts(call, def, '2026-10-01T08:00:00+08:00')]);
      assert.equal(res.statusCode, 403, def);
    }
  });

  it('carrier and terminal exchange ETA → RTA → PTA → ATA; the detail shows the latest of each and the history newest first', async () => {
    const c = await createCall(p);
    const eta = ts(c, 'ETA-Berth', '2026-10-10T06:00:00+08:00');
    const rta = ts(c, 'RTA-Berth', '2026-10-10T08:00:00+08:00', { replyToEventID: eta.eventID });
    const pta = ts(c, 'PTA-Berth', '2026-10-10T09:00:00+08:00', { replyToEventID: rta.eventID });
    const pbp = ts(c, 'ATA-PBP', '2026-10-10T07:00:00+08:00');
    const ata = ts(c, 'ATA-Berth', '2026-10-10T09:30:00+08:00', { terminalCall: { terminalCallID: c.portCallID } });
    for (const [by, event, definition] of [[p.carrier, eta, 'ETA-Berth'], [p.carrier, rta, 'RTA-Berth'], [p.terminal, pta, 'PTA-Berth'], [p.terminal, pbp, 'ATA-PBP'], [p.terminal, ata, 'ATA-Berth']] as const) {
      const res = await send(p, by, [event]);
      assert.equal(res.statusCode, 200, res.body);
      assert.equal(res.headers['api-version'], '2.0.0');
      assert.deepEqual(res.json(), { results: [{ eventID: event.eventID, result: 'created', portCallID: c.portCallID, timestampDefinition: definition }], feedbackElements: [] });
    }
    const detail = (await p.t.inject({ method: 'GET', url: `/v1/port-calls/${c.portCallID}`, headers: p.terminal.auth })).json();
    assert.equal(detail.status, 'ALONGSIDE');
    assert.deepEqual(detail.berthArrival, { estimated: '2026-10-09T22:00:00.000Z', planned: '2026-10-10T01:00:00.000Z', expected: '2026-10-10T01:00:00.000Z', actual: '2026-10-10T01:30:00.000Z' });
    assert.deepEqual(detail.latestTimestamps.map((t: { timestampDefinition: string; sentBy: string }) => `${t.timestampDefinition}/${t.sentBy}`),
      ['ETA-Berth/carrier', 'RTA-Berth/carrier', 'PTA-Berth/terminal', 'ATA-PBP/terminal', 'ATA-Berth/terminal']);
    assert.deepEqual(detail.history.map((t: { eventID: string }) => t.eventID), [ata, pbp, pta, rta, eta].map((e) => e.eventID));
    assert.equal(detail.history.at(-1).event.timestamp.serviceDateTime, '2026-10-10T06:00:00+08:00', 'the event as sent, with its offset');

    // A new ETA replaces the previous one; the actual departure cannot precede the arrival.
    await send(p, p.carrier, [ts(c, 'ETA-Berth', '2026-10-10T07:00:00+08:00')]);
    const early = await send(p, p.terminal, [ts(c, 'ATD-Berth', '2026-10-10T09:00:00+08:00')]);
    assert.deepEqual([early.statusCode, errorsOf(early)], [400, ['/body/events/0/timestamp/serviceDateTime portcall.departureBeforeArrival']]);
    const cargo = await send(p, p.terminal, [ts(c, 'ATS-Cargo Ops', '2026-10-10T10:00:00+08:00'), ts(c, 'ATC-Cargo Ops', '2026-10-10T09:59:00+08:00'), ts(c, 'ATC-Cargo Ops', '2026-10-11T02:00:00+08:00')]);
    assert.deepEqual(cargo.json().results.map((r: { result: string }) => r.result), ['created', 'rejected', 'created']);
    assert.deepEqual(cargo.json().results[1].problem.errors.map((e: { pointer: string; rule: string }) => `${e.pointer} ${e.rule}`), ['/body/events/1/timestamp/serviceDateTime portcall.completionBeforeStart']);
    assert.deepEqual(cargo.json().feedbackElements, [{ severity: 'ERROR', message: cargo.json().feedbackElements[0].message, propertyPath: '$.events[1].timestamp.serviceDateTime' }]);
    const after = (await p.t.inject({ method: 'GET', url: `/v1/port-calls/${c.portCallID}`, headers: p.carrier.auth })).json();
    assert.deepEqual([after.berthArrival.estimated, after.cargoOperations], ['2026-10-09T23:00:00.000Z', { start: '2026-10-10T02:00:00.000Z', end: '2026-10-10T18:00:00.000Z' }]);
  });

  it('is idempotent on eventID: duplicate, then 409 for other content', async () => {
    const c = await createCall(p);
    const event = ts(c, 'ETA-Berth', '2026-12-02T08:00:00+08:00');
    assert.equal((await send(p, p.carrier, [event])).json().results[0].result, 'created');
    const again = await send(p, p.carrier, [event]);
    assert.deepEqual([again.statusCode, again.json().results[0].result, again.json().feedbackElements[0].severity], [200, 'duplicate', 'INFO']);
    const other = await send(p, p.carrier, [{ ...event, timestamp: { classifierCode: 'EST', serviceDateTime: '2026-12-02T09:00:00+08:00' } }]);
    assert.deepEqual([other.statusCode, errorsOf(other)], [409, ['/body/events/0/eventID portcall.eventIdConflict']]);
    const inBatch = ts(c, 'ETA-Berth', '2026-12-02T10:00:00+08:00');
    const batch = await send(p, p.carrier, [inBatch, inBatch, { ...inBatch, isFYI: true }]);
    assert.deepEqual(batch.json().results.map((r: { result: string }) => r.result), ['created', 'duplicate', 'rejected']);
    const list = await p.t.inject({ method: 'GET', url: `/port-call/v2/events?terminalCallID=${c.portCallID}`, headers: p.carrier.auth });
    assert.equal(list.json().events.length, 2);
  });

  it('moves forecasts come from either side and feed the berth-planning seam', async () => {
    const c = await createCall(p);
    const res = await send(p, p.carrier, [ts(c, 'ETA-Berth', '2026-12-20T08:00:00+08:00'), moves(c, 900, 1100)]);
    assert.deepEqual(res.json().results.map((r: { timestampDefinition: string }) => r.timestampDefinition), ['ETA-Berth', 'MOVES']);
    assert.equal((await send(p, p.terminal, [moves(c, 950, 1100)])).json().results[0].result, 'created');
    const { terminalCallsInWindow, portcallDb } = await import('../src/modules/portcall/index.js');
    const plan = await terminalCallsInWindow(portcallDb(p.t.platform.ctx.db), 'QQCT', { from: '2026-12-20T00:00:00Z', to: '2026-12-21T00:00:00Z' });
    assert.deepEqual(plan.map((x) => [x.portCallID, x.etaBerth, x.expectedMoves, x.lengthOverallM]), [[c.portCallID, '2026-12-20T00:00:00.000Z', 2050, 366]]);
  });

  it('ATA-Berth and ATD-Berth also become T&T TRANSPORT events, once, with an eventID derived from the timestamp', async () => {
    const c = await createCall(p);
    const ata = ts(c, 'ATA-Berth', '2026-10-20T08:00:00+08:00');
    const atd = ts(c, 'ATD-Berth', '2026-10-21T08:00:00+08:00');
    await send(p, p.terminal, [ata, atd]);
    await send(p, p.terminal, [ata, atd]); // a retry appends the same events: duplicates
    const tnt = await p.t.inject({ method: 'GET', url: `/v2/events?transportCallID=${c.portCallID}`, headers: p.terminal.auth });
    const events = tnt.json() as Record<string, any>[];
    assert.deepEqual(events.map((e) => `${e.transportEventTypeCode} ${e.eventDateTime}`), ['ARRI 2026-10-20T08:00:00+08:00', 'DEPA 2026-10-21T08:00:00+08:00']);
    assert.deepEqual(events[0].transportCall.vessel, { vesselIMONumber: BIG, vesselName: 'COSCO Qingdao' });
    assert.deepEqual([events[0].transportCall.UNLocationCode, events[0].transportCall.exportVoyageNumber, events[0].transportCall.carrierServiceCode], ['CNTAO', '2611E', 'AEX']);
    const { spineEventId } = await import('../src/modules/tracking/index.js');
    assert.equal(events[0].eventID, spineEventId(ata.eventID));
    assert.equal((await p.t.inject({ method: 'GET', url: `/v2/events?transportCallID=${c.portCallID}`, headers: p.carrierB.auth })).json().length, 0);
  });

  it('GET: DCSA filters, cursor paging, 400 naming the parameter, and authority reads in the audit log', async () => {
    const c = await createCall(p, p.carrier, { carrierServiceCode: 'ZZ1' });
    await send(p, p.carrier, [ts(c, 'ETA-Berth', '2026-12-05T08:00:00+08:00', { eventUpdatedDateTime: '2026-11-01T00:00:00Z' }), ts(c, 'RTA-Berth', '2026-12-05T09:00:00+08:00', { eventUpdatedDateTime: '2026-11-02T00:00:00Z' })]);
    await send(p, p.terminal, [ts(c, 'PTA-Berth', '2026-12-05T09:00:00+08:00', { eventUpdatedDateTime: '2026-11-03T00:00:00Z' }), moves(c, 10, 20)]);
    const get = (by: TestParty, q: string) => p.t.inject({ method: 'GET', url: `/port-call/v2/events${q}`, headers: by.auth });
    const count = async (q: string, by = p.carrier) => (await get(by, q)).json().events.length as number;
    assert.equal((await p.t.inject({ method: 'GET', url: '/port-call/v2/events' })).statusCode, 401);
    for (const [q, expected] of [
      ['?classifierCode=XYZ', '/query/classifierCode enum'], ['?vesselIMONumber=123', '/query/vesselIMONumber imo.format'],
      ['?eventTimestampMin=yesterday', '/query/eventTimestampMin datetime.format'], ['?vesselName=X', '/query/vesselName unsupported'],
      ['?colour=red', '/query/colour additionalProperties'], ['?limit=5000', '/query/limit range'],
    ]) {
      const res = await get(p.carrier, q);
      assert.deepEqual([res.statusCode, errorsOf(res)], [400, [expected]], q);
      assert.ok(res.json().feedbackElements.length);
    }
    assert.equal(await count('?carrierServiceCode=ZZ1'), 4);
    assert.equal(await count(`?carrierServiceCode=ZZ1&terminalCallReference=${c.terminalCallReference}&UNLocationCode=CNTAO&vesselIMONumber=${BIG}`), 4);
    assert.equal(await count('?carrierServiceCode=ZZ1&classifierCode=REQ,PLN'), 2);
    assert.equal(await count('?carrierServiceCode=ZZ1&portCallServiceTypeCode=MOVES'), 1);
    assert.equal(await count('?carrierServiceCode=ZZ1&eventTimestampMin=2026-11-02T08:00:00%2B08:00&eventTimestampMax=2026-11-03T00:00:00Z'), 2);
    assert.equal(await count('?carrierServiceCode=ZZ1&carrierExportVoyageNumber=2611E&carrierImportVoyageNumber=2611W'), 4);
    assert.equal(await count('?carrierServiceCode=ZZ1', p.terminal), 4);
    assert.equal(await count('?carrierServiceCode=ZZ1', p.carrierB), 0);
    assert.equal(await count('?carrierServiceCode=ZZ1', p.customs), 0);

    const seen: string[] = [];
    let res = await get(p.carrier, '?carrierServiceCode=ZZ1&limit=3');
    for (let i = 0; i < 5; i++) {
      seen.push(...res.json().events.map((e: { eventID: string }) => e.eventID));
      const next = res.headers['next-page-cursor'] as string | undefined;
      if (!next) break;
      res = await get(p.carrier, `?cursor=${next}`);
    }
    assert.equal(new Set(seen).size, 4);

    assert.equal(await count('?carrierServiceCode=ZZ1', p.authority), 4);
    const log = await p.t.inject({ method: 'GET', url: `/admin/audit?partyId=${p.authority.id}&action=portcall.read`, headers: admin });
    assert.ok(log.json().some((e: { resource: string; detail: { events: number; portCallIds: string[] } }) => e.resource === '/port-call/v2/events' && e.detail.portCallIds.includes(c.portCallID)), log.body);
  });

  it('a second carrier sees nothing of the first’s calls through any endpoint', async () => {
    const c = await createCall(p);
    await send(p, p.terminal, [ts(c, 'ATA-Berth', '2026-10-25T08:00:00+08:00')]);
    const b = p.carrierB.auth;
    const get = (url: string) => p.t.inject({ method: 'GET', url, headers: b });
    assert.deepEqual((await get('/v1/port-calls')).json().filter((x: { carrierPartyId: string }) => x.carrierPartyId !== p.carrierB.id), []);
    assert.equal((await get(`/v1/port-calls/${c.portCallID}`)).statusCode, 404);
    assert.equal((await p.t.inject({ method: 'PATCH', url: `/v1/port-calls/${c.portCallID}`, headers: b, payload: { exportVoyageNumber: 'X' } })).statusCode, 404);
    assert.deepEqual((await get(`/port-call/v2/events?terminalCallID=${c.portCallID}`)).json(), { events: [] });
    assert.deepEqual((await get('/port-call/v2/events')).json().events.filter(() => true).length, 0);
    assert.equal((await get(`/v2/events?transportCallID=${c.portCallID}`)).json().length, 0);
    const kpis = (await get('/v1/port-calls/kpis?from=2026-01-01T00:00:00Z&to=2027-01-01T00:00:00Z')).json();
    assert.equal(kpis.groups[0].calls, 0);
  });
});

// ---- KPIs ------------------------------------------------------------------------------------------

describe('GET /v1/port-calls/kpis', () => {
  let p: Port;
  before(async () => {
    p = await openPort();
    // Call 1 (COSCO, 14,000 TEU): 5 h at anchor; cargo 20 h, 1,500 moves, 4 cranes; on schedule.
    const c1 = await createCall(p, p.carrier, { carrierServiceCode: 'AEX', berthId: 'B1' });
    await send(p, p.terminal, [
      ts(c1, 'PTA-Berth', '2026-10-01T05:00:00Z'), ts(c1, 'ATA-PBP', '2026-10-01T00:00:00Z'), ts(c1, 'ATA-Berth', '2026-10-01T05:00:00Z'),
      ts(c1, 'ATS-Cargo Ops', '2026-10-01T06:00:00Z'), ts(c1, 'ATC-Cargo Ops', '2026-10-02T02:00:00Z'), ts(c1, 'ATD-Berth', '2026-10-02T05:00:00Z'),
    ]);
    await p.t.inject({ method: 'PATCH', url: `/v1/port-calls/${c1.portCallID}`, headers: p.terminal.auth, payload: { cranesUsed: 4, actualMoves: { load: 700, discharge: 800, restow: 0 } } });
    // Call 2 (Maersk, feeder): berths on arrival (1 h); 30 h behind its first ETA.
    const c2 = await createCall(p, p.carrierB, { carrierServiceCode: 'FE2', vesselIMONumber: SMALL });
    await send(p, p.carrierB, [ts(c2, 'ETA-Berth', '2026-10-14T00:00:00Z')]);
    await send(p, p.terminal, [ts(c2, 'ATA-PBP', '2026-10-15T05:00:00Z'), ts(c2, 'ATA-Berth', '2026-10-15T06:00:00Z')]);
  });
  after(() => p.t.close());

  const get = (by: TestParty | undefined, q: string) => p.t.inject({ method: 'GET', url: `/v1/port-calls/kpis${q}`, headers: by?.auth ?? {} });
  const PERIOD = '?from=2026-10-01T00:00:00Z&to=2026-11-01T00:00:00Z';

  it('401, then 400 naming the parameter', async () => {
    assert.equal((await get(undefined, PERIOD)).statusCode, 401);
    for (const [q, expected] of [
      ['?to=2026-11-01T00:00:00Z', '/query/from required'], ['?from=2026-10-01T00:00:00Z', '/query/to required'],
      [`${PERIOD}&groupBy=week`, '/query/groupBy enum'], [`${PERIOD}&toleranceMinutes=-5`, '/query/toleranceMinutes range'],
      ['?from=2026-11-01T00:00:00Z&to=2026-10-01T00:00:00Z', '/query/to range'],
    ]) assert.deepEqual(errorsOf(await get(p.carrier, q)), [expected], q);
  });

  it('authorities and the shipping-center office see the whole port (audited); a carrier its own calls', async () => {
    const port = (await get(p.center, PERIOD)).json();
    assert.equal(port.groups[0].calls, 2);
    assert.deepEqual(port.groups[0].berthOnArrival, { rate: 0.5, onArrival: 1, measured: 2, excluded: 0 });
    assert.deepEqual(port.groups[0].waitingHours, { average: 3, p90: 5, measured: 2 });
    assert.deepEqual(port.groups[0].timeInPortHours, { average: 29, measured: 1, mainlineCalls: 1, excluded: 0 });
    assert.deepEqual(port.groups[0].movesPerShipHour, { value: 75, moves: 1500, shipHours: 20, measured: 1 });
    assert.deepEqual(port.groups[0].movesPerCraneHour, { value: 18.75, moves: 1500, craneHours: 80, measured: 1 });
    assert.deepEqual(port.groups[0].scheduleReliability, { rate: 0.5, onTime: 1, measured: 2, excluded: 0 });
    const log = await p.t.inject({ method: 'GET', url: `/admin/audit?partyId=${p.center.id}&action=portcall.statistics`, headers: admin });
    assert.equal(log.json()[0].detail.calls, 2);

    const own = (await get(p.carrierB, PERIOD)).json();
    assert.deepEqual([own.groups[0].calls, own.groups[0].berthOnArrival.rate], [1, 1]);
    assert.equal((await get(p.customs, PERIOD)).json().groups[0].calls, 0);
    assert.equal((await get(p.terminal, PERIOD)).json().groups[0].calls, 2);
  });

  it('groups by service and month; the tolerance is a parameter', async () => {
    const byService = (await get(p.authority, `${PERIOD}&groupBy=service`)).json();
    assert.deepEqual(byService.groups.map((g: { key: string; calls: number }) => [g.key, g.calls]), [['AEX', 1], ['FE2', 1]]);
    const byMonth = (await get(p.authority, `?from=2026-09-01T00:00:00Z&to=2026-12-01T00:00:00Z&groupBy=month&terminal=QQCT`)).json();
    assert.deepEqual(byMonth.groups.map((g: { key: string }) => g.key), ['2026-10']);
    const strict = (await get(p.authority, `${PERIOD}&toleranceMinutes=30`)).json();
    assert.equal(strict.groups[0].berthOnArrival.onArrival, 0);
    assert.equal(strict.parameters.berthOnArrivalToleranceMinutes, 30);
  });
});
