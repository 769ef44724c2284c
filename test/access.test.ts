// The access policy end to end: what each party sees through every read endpoint and filter.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { containerNumber, equipmentEvent, shipmentEvent, testPlatform, type TestParty, type TestPlatform } from './helpers.js';

const ids = (res: { json(): unknown }) => (res.json() as { eventID: string }[]).map((e) => e.eventID).sort();

describe('access policy', () => {
  let t: TestPlatform;
  let carrierA: TestParty, carrierB: TestParty, terminal: TestParty, forwarder: TestParty, customs: TestParty, haulier: TestParty;
  const box = containerNumber('COSU', 11);
  const otherBox = containerNumber('MAEU', 12);
  // Journey 1 of `box` on BKG-A1 (carrier A), then journey 2 on BKG-A2 (carrier A, another customer).
  const j1 = {
    pick: equipmentEvent({ equipmentReference: box, code: 'PICK', bookings: ['BKG-A1'], at: '2026-10-01T08:00:00+08:00' }),
    gateIn: equipmentEvent({ equipmentReference: box, code: 'GTIN', at: '2026-10-02T08:00:00+08:00' }), // terminal, no reference
    load: equipmentEvent({ equipmentReference: box, code: 'LOAD', bookings: ['BKG-A1'], transportDocuments: ['TRD-A1'], at: '2026-10-03T08:00:00+08:00' }),
    booking: shipmentEvent('BKG-A1', 'BKG', 'CONF'),
  };
  const j2 = {
    pick: equipmentEvent({ equipmentReference: box, code: 'PICK', bookings: ['BKG-A2'], at: '2026-10-20T08:00:00+08:00' }),
    gateIn: equipmentEvent({ equipmentReference: box, code: 'GTIN', at: '2026-10-21T08:00:00+08:00' }),
  };
  const bEvent = equipmentEvent({ equipmentReference: otherBox, code: 'GTIN', bookings: ['BKG-B1'], at: '2026-10-05T08:00:00+08:00' });
  const bGateByTerminal = equipmentEvent({ equipmentReference: otherBox, code: 'GTOT', at: '2026-10-06T08:00:00+08:00' });

  before(async () => {
    t = await testPlatform();
    carrierA = await t.party('Carrier A', ['carrier'], { referencePrefixes: ['BKG-A', 'TRD-A', 'BKG-L', 'TRD-L'] });
    carrierB = await t.party('Carrier B', ['carrier'], { referencePrefixes: ['BKG-B'] });
    terminal = await t.party('Qianwan Terminal', ['terminal']);
    // Both carriers call at the terminal: its gate moves of their boxes belong to their shipments.
    await t.nameAgent(carrierA, terminal);
    await t.nameAgent(carrierB, terminal);
    forwarder = await t.party('Forwarder F', ['forwarder']);
    customs = await t.party('Qingdao Customs', ['customs']);
    haulier = await t.party('Haulier H', ['haulier']);
    const post = async (p: TestParty, events: unknown[]) => {
      const res = await t.inject({ method: 'POST', url: '/v2/events', headers: p.auth, payload: events });
      assert.ok(res.json().every((r: { result: string }) => r.result === 'created'), res.body);
    };
    await post(carrierA, [j1.pick, j1.load, j1.booking, j2.pick]);
    await post(terminal, [j1.gateIn, j2.gateIn, bGateByTerminal]);
    await post(carrierB, [bEvent]);
    const grant = await t.inject({ method: 'POST', url: '/v1/grants', headers: carrierA.auth, payload: { granteePartyId: forwarder.id, referenceType: 'BKG', referenceValue: 'BKG-A1' } });
    assert.equal(grant.statusCode, 201, grant.body);
  });
  after(() => t.close());

  const get = (p: TestParty, url: string) => t.inject({ method: 'GET', url, headers: p.auth });

  it('the publisher sees its own events, the owner sees its shipments including the terminal’s events of the box', async () => {
    assert.deepEqual(ids(await get(terminal, `/v2/events?equipmentReference=${box}`)), [j1.gateIn.eventID, j2.gateIn.eventID].sort());
    const a = ids(await get(carrierA, `/v2/events?equipmentReference=${box}`));
    assert.deepEqual(a, [j1.pick, j1.gateIn, j1.load, j2.pick, j2.gateIn].map((e) => e.eventID).sort());
  });

  it('a grant of a booking covers the box only during that journey', async () => {
    const seen = ids(await get(forwarder, `/v2/events?equipmentReference=${box}`));
    assert.deepEqual(seen, [j1.pick, j1.gateIn, j1.load].map((e) => e.eventID).sort());
    const all = ids(await get(forwarder, '/v2/events'));
    assert.deepEqual(all, [j1.pick, j1.gateIn, j1.load, j1.booking].map((e) => e.eventID).sort());
    const timeline = await get(forwarder, `/v1/containers/${box}`);
    assert.equal(timeline.json().events.length, 3);
    assert.equal(timeline.json().status.equipmentEventTypeCode, 'LOAD');
  });

  it('a second carrier sees nothing of the first’s, through every read endpoint and filter', async () => {
    const reads = [
      '/v2/events', `/v2/events?equipmentReference=${box}`, '/v2/events?carrierBookingReference=BKG-A1',
      '/v2/events?transportDocumentReference=TRD-A1', '/v2/events?vesselIMONumber=9321483', '/v2/events?UNLocationCode=CNTAO',
      '/v2/events?eventType=EQUIPMENT,SHIPMENT,TRANSPORT', '/v2/events?equipmentEventTypeCode=LOAD,PICK,GTIN',
      '/v2/events?shipmentEventTypeCode=CONF', '/v2/events?eventCreatedDateTime:gte=2000-01-01T00:00:00Z',
    ];
    for (const url of reads) {
      const res = await get(carrierB, url);
      assert.equal(res.statusCode, 200, url);
      assert.ok(!ids(res).some((id) => [j1.pick, j1.gateIn, j1.load, j1.booking, j2.pick, j2.gateIn].some((e) => e.eventID === id)), url);
    }
    for (const e of [j1.pick, j1.gateIn, j1.load, j1.booking]) assert.equal((await get(carrierB, `/v2/events/${e.eventID}`)).statusCode, 404);
    assert.equal((await get(carrierB, `/v1/containers/${box}`)).statusCode, 404);
    assert.equal((await get(carrierB, '/v1/bookings/BKG-A1/containers')).statusCode, 404);
    assert.equal((await get(carrierB, '/v1/transport-documents/TRD-A1/containers')).statusCode, 404);
    // B sees its own shipment, including the terminal's gate-out of its box.
    assert.deepEqual(ids(await get(carrierB, '/v2/events')), [bEvent.eventID, bGateByTerminal.eventID].sort());
  });

  it('recent containers list only boxes the party may see', async () => {
    const boxes = async (p: TestParty) => (await get(p, '/v1/containers?limit=10')).json().map((c: { equipmentReference: string }) => c.equipmentReference);
    assert.deepEqual(await boxes(carrierB), [otherBox]);
    assert.deepEqual(await boxes(forwarder), [box]);
    assert.deepEqual((await boxes(customs)).sort(), [box, otherBox].sort());
    assert.equal((await get(carrierB, '/v1/containers?limit=0')).statusCode, 400);
    assert.equal((await t.inject({ method: 'GET', url: '/v1/containers' })).statusCode, 401);
  });

  it('a party with no rights sees nothing', async () => {
    assert.deepEqual(ids(await get(haulier, '/v2/events')), []);
    assert.equal((await get(haulier, `/v1/containers/${box}`)).statusCode, 404);
  });

  it('an authority sees everything, and each read is in the audit log', async () => {
    assert.equal(ids(await get(customs, '/v2/events')).length, 8);
    await get(customs, `/v1/containers/${box}`);
    const audit = await t.inject({ method: 'GET', url: `/admin/audit?partyId=${customs.id}`, headers: { authorization: `Bearer ${(await import('./helpers.js')).ADMIN_KEY}` } });
    assert.equal(audit.statusCode, 200);
    const actions = audit.json().map((a: { action: string; resource: string }) => `${a.action} ${a.resource}`);
    assert.ok(actions.includes('events.read /v2/events'));
    assert.ok(actions.includes(`events.read /v1/containers/${box}`));
    const entry = audit.json().find((a: { resource: string }) => a.resource === `/v1/containers/${box}`);
    assert.deepEqual(entry.detail.equipmentReferences, [box]);
  });

  it('grants: only what one may pass on, expiry, revocation', async () => {
    const grant = (p: TestParty, body: object) => t.inject({ method: 'POST', url: '/v1/grants', headers: p.auth, payload: body });
    // Carrier B neither owns BKG-A1 nor published events with it.
    assert.equal((await grant(carrierB, { granteePartyId: haulier.id, referenceType: 'BKG', referenceValue: 'BKG-A1' })).statusCode, 403);
    // The forwarder holds a grant but may not pass it on.
    assert.equal((await grant(forwarder, { granteePartyId: haulier.id, referenceType: 'BKG', referenceValue: 'BKG-A1' })).statusCode, 403);
    // Validation names the field.
    const bad = await grant(carrierA, { granteePartyId: haulier.id, referenceType: 'XYZ', referenceValue: 'BKG-A1' });
    assert.equal(bad.statusCode, 400);
    assert.equal(bad.json().errors[0].pointer.startsWith('/body/referenceType'), true);
    const past = await grant(carrierA, { granteePartyId: haulier.id, referenceType: 'BKG', referenceValue: 'BKG-A1', expiresAt: '2020-01-01T00:00:00Z' });
    assert.equal(past.statusCode, 400);
    assert.equal(past.json().errors[0].pointer, '/body/expiresAt');
    assert.equal((await grant(carrierA, { granteePartyId: 'nobody', referenceType: 'BKG', referenceValue: 'BKG-A1' })).statusCode, 400);

    // The terminal shares its own events of the box (EQ): the haulier sees those, not the carrier's.
    const eq = await grant(terminal, { granteePartyId: haulier.id, referenceType: 'EQ', referenceValue: box });
    assert.equal(eq.statusCode, 201);
    assert.deepEqual(ids(await get(haulier, `/v2/events?equipmentReference=${box}`)), [j1.gateIn.eventID, j2.gateIn.eventID].sort());
    assert.equal((await t.inject({ method: 'DELETE', url: `/v1/grants/${eq.json().id}`, headers: terminal.auth })).statusCode, 204);
    assert.deepEqual(ids(await get(haulier, '/v2/events')), []);
    // Only the granter revokes.
    const g2 = await grant(carrierA, { granteePartyId: haulier.id, referenceType: 'TRD', referenceValue: 'TRD-A1', expiresAt: new Date(Date.now() + 3600_000).toISOString() });
    assert.equal(g2.statusCode, 201);
    assert.deepEqual(ids(await get(haulier, '/v2/events?transportDocumentReference=TRD-A1')), [j1.load.eventID]);
    assert.equal((await t.inject({ method: 'DELETE', url: `/v1/grants/${g2.json().id}`, headers: haulier.auth })).statusCode, 404);
    const listed = await get(haulier, '/v1/grants');
    assert.equal(listed.json().received.length, 2);
  });

  it('an expired grant gives nothing', async () => {
    const g = await t.inject({ method: 'POST', url: '/v1/grants', headers: carrierB.auth, payload: { granteePartyId: haulier.id, referenceType: 'BKG', referenceValue: 'BKG-B1', expiresAt: new Date(Date.now() + 1500).toISOString() } });
    assert.equal(g.statusCode, 201);
    assert.ok(ids(await get(haulier, '/v2/events')).includes(bEvent.eventID));
    await new Promise((r) => setTimeout(r, 1600));
    assert.ok(!ids(await get(haulier, '/v2/events')).includes(bEvent.eventID));
  });

  it('batch grants: all or nothing, the problem names the item; granting again changes nothing', async () => {
    const batch = (p: TestParty, body: object[]) => t.inject({ method: 'POST', url: '/v1/grants/batch', headers: p.auth, payload: body });
    const bad = await batch(carrierA, [
      { granteePartyId: haulier.id, referenceType: 'TRD', referenceValue: 'TRD-A1' },
      { granteePartyId: haulier.id, referenceType: 'BKG', referenceValue: 'BKG-B1' },
    ]);
    assert.equal(bad.statusCode, 403);
    assert.match(bad.json().detail, /^\/body\/1:/);
    const before = (await get(haulier, '/v1/grants')).json().received.length;
    const ok = await batch(carrierA, [
      { granteePartyId: haulier.id, referenceType: 'TRD', referenceValue: 'TRD-A1' },
      { granteePartyId: haulier.id, referenceType: 'BKG', referenceValue: 'BKG-A2' },
    ]);
    assert.equal(ok.statusCode, 200);
    assert.equal(ok.json().length, 2);
    const again = await batch(carrierA, [{ granteePartyId: haulier.id, referenceType: 'BKG', referenceValue: 'BKG-A2' }]);
    assert.equal(again.json()[0].id, ok.json()[1].id);
    assert.equal((await get(haulier, '/v1/grants')).json().received.length, before + 2);
    const invalidItem = await batch(carrierA, [{ granteePartyId: haulier.id, referenceType: 'BKG' }]);
    assert.equal(invalidItem.statusCode, 400);
    assert.equal(invalidItem.json().errors[0].pointer, '/body/0/referenceValue');
  });

  it('journey windows follow late events and documents linked later', async () => {
    const late = containerNumber('OOLU', 13);
    const post = async (p: TestParty, events: unknown[]) => {
      const res = await t.inject({ method: 'POST', url: '/v2/events', headers: p.auth, payload: events });
      assert.ok(res.json().every((r: { result: string }) => r.result === 'created'), res.body);
    };
    const grantTo = async (ref: string) => assert.equal((await t.inject({ method: 'POST', url: '/v1/grants', headers: carrierA.auth,
      payload: { granteePartyId: forwarder.id, referenceType: ref.startsWith('TRD') ? 'TRD' : 'BKG', referenceValue: ref } })).statusCode, 201);
    const seenBy = async () => ids(await get(forwarder, `/v2/events?equipmentReference=${late}`));
    // The second shipment's journey is reported first; the first one's events arrive afterwards.
    const second = equipmentEvent({ equipmentReference: late, code: 'PICK', bookings: ['BKG-L2'], at: '2026-11-10T08:00:00Z' });
    const gateSecond = equipmentEvent({ equipmentReference: late, code: 'GTIN', at: '2026-11-11T08:00:00Z' });
    await post(carrierA, [second]);
    await post(terminal, [gateSecond]);
    const first = equipmentEvent({ equipmentReference: late, code: 'PICK', bookings: ['BKG-L1'], at: '2026-11-01T08:00:00Z' });
    const gateFirst = equipmentEvent({ equipmentReference: late, code: 'GTIN', at: '2026-11-02T08:00:00Z' });
    const blOnly = equipmentEvent({ equipmentReference: late, code: 'LOAD', transportDocuments: ['TRD-L1'], at: '2026-11-03T08:00:00Z' });
    const afterBl = equipmentEvent({ equipmentReference: late, code: 'DISC', at: '2026-11-04T08:00:00Z' });
    await post(carrierA, [first, blOnly]);
    await post(terminal, [gateFirst, afterBl]);
    await grantTo('BKG-L1');
    // The B/L is not yet known to belong to BKG-L1: it looks like another shipment and closes the window.
    assert.deepEqual(await seenBy(), [first.eventID, gateFirst.eventID].sort());
    // Booking and B/L named together: one shipment, so the window reaches the next booking again.
    await post(carrierA, [equipmentEvent({ equipmentReference: late, code: 'INSP', bookings: ['BKG-L1'], transportDocuments: ['TRD-L1'], at: '2026-11-03T09:00:00Z' })]);
    const linked = await seenBy();
    for (const e of [first, gateFirst, blOnly, afterBl]) assert.ok(linked.includes(e.eventID as string), String(e.equipmentEventTypeCode));
    assert.ok(!linked.includes(second.eventID as string) && !linked.includes(gateSecond.eventID as string));
  });

  it('Idempotency-Key: a retried grant creates one grant', async () => {
    const headers = { ...carrierA.auth, 'idempotency-key': 'grant-retry-1' };
    const body = { granteePartyId: customs.id, referenceType: 'BKG', referenceValue: 'BKG-A1' };
    const first = await t.inject({ method: 'POST', url: '/v1/grants', headers, payload: body });
    const second = await t.inject({ method: 'POST', url: '/v1/grants', headers, payload: body });
    assert.equal(first.statusCode, 201);
    assert.equal(second.statusCode, 201);
    assert.equal(first.json().id, second.json().id);
    const other = await t.inject({ method: 'POST', url: '/v1/grants', headers, payload: { ...body, referenceValue: 'TRD-A1', referenceType: 'TRD' } });
    assert.equal(other.statusCode, 409);
  });
});
