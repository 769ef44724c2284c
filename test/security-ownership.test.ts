// Ownership of bookings, B/Ls and journeys (docs/SECURITY.md): nobody squats another carrier's
// numbers, binds its boxes, rewrites its journeys or slips events into its shipments.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ADMIN_KEY, containerNumber, equipmentEvent, shipmentEvent, testPlatform, type Payload, type TestParty, type TestPlatform } from './helpers.js';

const ids = (res: { json(): unknown }) => (res.json() as { eventID: string }[]).map((e) => e.eventID).sort();

describe('ownership of bookings, B/Ls and journeys', () => {
  let t: TestPlatform;
  let cosco: TestParty, rival: TestParty, terminal: TestParty, stranger: TestParty, forwarder: TestParty, haulier: TestParty, customs: TestParty;
  const box = containerNumber('CSNU', 501);
  const booking = 'COSU2611001';
  const pick = equipmentEvent({ equipmentReference: box, code: 'PICK', bookings: [booking], at: '2026-10-01T08:00:00Z' });
  const gateIn = equipmentEvent({ equipmentReference: box, code: 'GTIN', at: '2026-10-02T08:00:00Z' });
  const load = equipmentEvent({ equipmentReference: box, code: 'LOAD', bookings: [booking], at: '2026-10-03T08:00:00Z' });

  const post = (p: TestParty, payload: Payload) => t.inject({ method: 'POST', url: '/v2/events', headers: p.auth, payload });
  const get = (p: TestParty, url: string) => t.inject({ method: 'GET', url, headers: p.auth });

  before(async () => {
    t = await testPlatform();
    cosco = await t.party('COSCO Shipping Lines', ['carrier'], { referencePrefixes: ['COSU'], equipmentOwnerCodes: ['CSNU'] });
    rival = await t.party('Rival Lines', ['carrier'], { referencePrefixes: ['RIVL'], equipmentOwnerCodes: ['RIVU'] });
    terminal = await t.party('Qianwan Terminal', ['terminal']);
    stranger = await t.party('Unrelated Shipper', ['shipper']);
    forwarder = await t.party('Forwarder', ['forwarder']);
    haulier = await t.party('Haulier', ['haulier']);
    customs = await t.party('Qingdao Customs', ['customs']);
    await t.nameAgent(cosco, terminal);
    assert.equal((await post(cosco, [pick, load])).json().filter((r: { result: string }) => r.result === 'created').length, 2);
    assert.equal((await post(terminal, gateIn)).statusCode, 201);
    const grant = await t.inject({ method: 'POST', url: '/v1/grants', headers: cosco.auth, payload: { granteePartyId: forwarder.id, referenceType: 'BKG', referenceValue: booking } });
    assert.equal(grant.statusCode, 201, grant.body);
  });
  after(() => t.close());

  it('a booking number belongs to the carrier whose registered prefix it bears, not to the first to publish it', async () => {
    const squat = await post(rival, shipmentEvent('COSU2611999', 'BKG', 'CONF'));
    assert.equal(squat.statusCode, 403);
    assert.equal(squat.json().errors[0].pointer, '/body/documentID');
    assert.equal(squat.json().errors[0].rule, 'reference.notYours');
    const nobodys = await post(rival, shipmentEvent('XX-UNKNOWN-1', 'BKG', 'CONF'));
    assert.equal(nobodys.statusCode, 403);
    assert.equal(nobodys.json().errors[0].rule, 'reference.unregistered');
    // The real issuer then publishes it and alone sees it.
    const real = shipmentEvent('COSU2611999', 'BKG', 'CONF');
    assert.equal((await post(cosco, real)).statusCode, 201);
    assert.deepEqual(ids(await get(rival, '/v2/events?carrierBookingReference=COSU2611999')), []);
    assert.deepEqual(ids(await get(cosco, '/v2/events?carrierBookingReference=COSU2611999')), [real.eventID]);
  });

  it('another carrier cannot bind the box to its own booking, nor a stranger to the real one; journeys stay whole', async () => {
    // A back-dated estimate by a rival carrier naming COSCO's box on its own booking.
    const rivalBind = equipmentEvent({ equipmentReference: box, code: 'LOAD', classifier: 'EST', bookings: ['RIVL0001'], at: '2026-10-01T12:00:00Z' });
    const refused = await post(rival, [rivalBind]);
    assert.equal(refused.statusCode, 200);
    assert.equal(refused.json()[0].result, 'rejected');
    assert.equal(refused.json()[0].problem.status, 403);
    assert.deepEqual(refused.json()[0].problem.errors[0], {
      pointer: '/body/0/equipmentReference', rule: 'equipment.notYours',
      detail: refused.json()[0].problem.errors[0].detail, params: { equipmentReference: box, reference: 'RIVL0001' },
    });
    // An unrelated shipper naming the real booking.
    const strangerBind = equipmentEvent({ equipmentReference: box, code: 'GTOT', bookings: [booking], at: '2026-10-02T09:00:00Z' });
    const spoof = await post(stranger, strangerBind);
    assert.equal(spoof.statusCode, 403);
    assert.equal(spoof.json().errors[0].rule, 'reference.notYours');
    assert.equal(spoof.json().errors[0].pointer, '/body/documentReferences/0/documentReferenceValue');
    // Nothing of either was stored: the forwarder and the carrier still see the whole journey, the rival nothing.
    const journey = [pick, gateIn, load].map((e) => e.eventID as string).sort();
    assert.deepEqual(ids(await get(forwarder, `/v2/events?equipmentReference=${box}`)), journey);
    assert.deepEqual(ids(await get(cosco, `/v2/events?equipmentReference=${box}`)), journey);
    assert.deepEqual(ids(await get(rival, `/v2/events?equipmentReference=${box}`)), []);
    assert.equal((await get(customs, `/v2/events/${rivalBind.eventID}`)).statusCode, 404);
  });

  it('an estimate never moves a journey, even the issuer’s own', async () => {
    const other = 'COSU2611002';
    const estimate = equipmentEvent({ equipmentReference: box, code: 'LOAD', classifier: 'EST', bookings: [other], at: '2026-10-01T20:00:00Z' });
    assert.equal((await post(cosco, estimate)).statusCode, 201);
    // Had it started a journey on another shipment, the forwarder would lose the gate-in and the load.
    assert.deepEqual(ids(await get(forwarder, `/v2/events?equipmentReference=${box}`)), [pick, gateIn, load].map((e) => e.eventID as string).sort());
  });

  it('events that name only the box belong to the shipment only when their publisher speaks for its issuer', async () => {
    const foreign = equipmentEvent({ equipmentReference: box, code: 'GTOT', at: '2026-10-02T10:00:00Z' });
    assert.equal((await post(stranger, foreign)).statusCode, 201);
    const inspection = equipmentEvent({ equipmentReference: box, code: 'INSP', at: '2026-10-02T11:00:00Z' });
    assert.equal((await post(customs, inspection)).statusCode, 201);
    const seen = ids(await get(forwarder, `/v2/events?equipmentReference=${box}`));
    assert.ok(!seen.includes(foreign.eventID as string), 'a stranger’s gate-out is not shipment data');
    assert.ok(seen.includes(inspection.eventID as string), 'an authority’s inspection is');
    assert.ok(!ids(await get(cosco, '/v2/events')).includes(foreign.eventID as string));
    assert.deepEqual(ids(await get(stranger, '/v2/events')), [foreign.eventID]);
  });

  it('a haulier with the release right (a publish grant) speaks for the carrier on that booking until revoked', async () => {
    const readOnly = await t.inject({ method: 'POST', url: '/v1/grants', headers: cosco.auth, payload: { granteePartyId: haulier.id, referenceType: 'BKG', referenceValue: booking } });
    assert.equal(readOnly.statusCode, 201);
    const drop = equipmentEvent({ equipmentReference: box, code: 'DROP', bookings: [booking], at: '2026-10-02T12:00:00Z' });
    assert.equal((await post(haulier, drop)).statusCode, 403, 'a read grant is no right to publish');
    // Only the issuer grants the right to publish; the forwarder holding a read grant cannot.
    const byForwarder = await t.inject({ method: 'POST', url: '/v1/grants', headers: forwarder.auth, payload: { granteePartyId: haulier.id, referenceType: 'BKG', referenceValue: booking, scope: 'publish' } });
    assert.equal(byForwarder.statusCode, 403);
    assert.equal(byForwarder.json().errors[0].rule, 'grant.notIssuer');
    const release = await t.inject({ method: 'POST', url: '/v1/grants', headers: cosco.auth, payload: { granteePartyId: haulier.id, referenceType: 'BKG', referenceValue: booking, scope: 'publish' } });
    assert.equal(release.statusCode, 201, release.body);
    assert.equal(release.json().scope, 'publish');
    assert.equal((await post(haulier, drop)).statusCode, 201);
    const gateOut = equipmentEvent({ equipmentReference: box, code: 'GTOT', at: '2026-10-02T13:00:00Z' });
    assert.equal((await post(haulier, gateOut)).statusCode, 201);
    assert.ok(ids(await get(forwarder, `/v2/events?equipmentReference=${box}`)).includes(gateOut.eventID as string));
    assert.equal((await t.inject({ method: 'DELETE', url: `/v1/grants/${release.json().id}`, headers: cosco.auth })).statusCode, 204);
    const late = equipmentEvent({ equipmentReference: box, code: 'PICK', bookings: [booking], at: '2026-10-02T14:00:00Z' });
    assert.equal((await post(haulier, late)).statusCode, 403);
  });

  it('a party acting for the carrier stops when it is no longer named; what it sent meanwhile stays', async () => {
    assert.equal((await t.inject({ method: 'DELETE', url: `/v1/agents/${terminal.id}`, headers: cosco.auth })).statusCode, 204);
    const after = equipmentEvent({ equipmentReference: box, code: 'GTIN', at: '2026-10-02T15:00:00Z' });
    assert.equal((await post(terminal, after)).statusCode, 201);
    const seen = ids(await get(forwarder, `/v2/events?equipmentReference=${box}`));
    assert.ok(seen.includes(gateIn.eventID as string));
    assert.ok(!seen.includes(after.eventID as string));
    assert.equal((await post(terminal, equipmentEvent({ equipmentReference: box, code: 'GTIN', bookings: [booking], at: '2026-10-02T16:00:00Z' }))).statusCode, 403);
    assert.equal((await t.inject({ method: 'DELETE', url: `/v1/agents/${terminal.id}`, headers: cosco.auth })).statusCode, 404);
    await t.nameAgent(cosco, terminal);
  });

  it('a terminal cannot learn which booking a box travels on by filtering its own box-only events', async () => {
    assert.deepEqual(ids(await get(terminal, `/v2/events?carrierBookingReference=${booking}`)), []);
    assert.equal((await get(terminal, `/v1/bookings/${booking}/containers`)).statusCode, 404);
    assert.ok(ids(await get(forwarder, `/v2/events?carrierBookingReference=${booking}`)).includes(gateIn.eventID as string));
  });

  it('every event served names its publisher, whatever the body claims', async () => {
    const events = (await get(forwarder, `/v2/events?equipmentReference=${box}`)).json() as Record<string, any>[];
    const byId = new Map(events.map((e) => [e.eventID, e]));
    assert.equal(byId.get(pick.eventID)!.publisher.partyName, 'COSCO Shipping Lines');
    assert.equal(byId.get(pick.eventID)!.publisherRole, 'CA');
    assert.deepEqual(byId.get(gateIn.eventID)!.publisher.identifyingCodes, [{ DCSAResponsibleAgencyCode: 'ZZZ', partyCode: terminal.id, codeListName: 'Jiaozhou party' }]);
    assert.equal(byId.get(gateIn.eventID)!.publisherRole, 'TR');
    const timeline = (await get(forwarder, `/v1/containers/${box}`)).json();
    assert.ok(timeline.events.every((e: { publisher?: { partyName: string } }) => typeof e.publisher?.partyName === 'string'));
    const claim = { ...equipmentEvent({ equipmentReference: box, code: 'GTIN' }), publisher: { partyName: 'COSCO Shipping Lines' }, publisherRole: 'CA' };
    const claimed = await post(stranger, claim);
    assert.equal(claimed.statusCode, 400);
    assert.deepEqual(claimed.json().errors.map((e: { pointer: string }) => e.pointer).sort(), ['/body/publisher', '/body/publisherRole']);
  });

  it('codes are the operator’s to register: one carrier’s each, never overlapping', async () => {
    const admin = { authorization: `Bearer ${ADMIN_KEY}` };
    const put = (p: TestParty, body: object) => t.inject({ method: 'PUT', url: `/admin/parties/${p.id}/codes`, headers: admin, payload: { referencePrefixes: [], equipmentOwnerCodes: [], ...body } });
    const overlap = await put(rival, { referencePrefixes: ['RIVL', 'COSU26'] });
    assert.equal(overlap.statusCode, 409);
    assert.deepEqual([overlap.json().errors[0].pointer, overlap.json().errors[0].rule], ['/body/referencePrefixes/1', 'codes.overlap']);
    const taken = await put(rival, { equipmentOwnerCodes: ['CSNU'] });
    assert.equal(taken.statusCode, 409);
    assert.equal(taken.json().errors[0].rule, 'codes.taken');
    assert.equal((await put(rival, { equipmentOwnerCodes: ['CSN1'] })).statusCode, 400);
    assert.equal((await put(terminal, { referencePrefixes: ['QQCT'] })).json().errors[0].rule, 'codes.carrierOnly');
    assert.equal((await t.inject({ method: 'PUT', url: `/admin/parties/${rival.id}/codes`, headers: rival.auth, payload: { referencePrefixes: ['COSU'], equipmentOwnerCodes: [] } })).statusCode, 403);
    // A rejected change leaves the codes as they were.
    assert.deepEqual((await t.inject({ method: 'GET', url: `/admin/parties/${rival.id}/codes`, headers: admin })).json(), { referencePrefixes: ['RIVL'], equipmentOwnerCodes: ['RIVU'] });
    // Only a carrier names parties to act for it.
    assert.equal((await t.inject({ method: 'POST', url: '/v1/agents', headers: stranger.auth, payload: { agentPartyId: terminal.id } })).statusCode, 403);
    assert.equal((await t.inject({ method: 'POST', url: '/v1/agents', headers: cosco.auth, payload: { agentPartyId: 'nobody' } })).json().errors[0].pointer, '/body/agentPartyId');
  });
});
