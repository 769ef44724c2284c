// POST and GET /v2/events: the ladder 401 → 400 naming the field → 409 → success, idempotency,
// batches with per-item results, DCSA filters and cursor paging.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { containerNumber, equipmentEvent, shipmentEvent, testPlatform, transportEvent, type Payload, type TestParty, type TestPlatform } from './helpers.js';

describe('POST /v2/events', () => {
  let t: TestPlatform;
  let carrier: TestParty;
  before(async () => {
    t = await testPlatform();
    carrier = await t.party('COSCO Shipping Lines', ['carrier'], { referencePrefixes: ['BKG', 'TRD'] });
  });
  after(() => t.close());

  it('401 without credentials, with a problem document', async () => {
    const res = await t.inject({ method: 'POST', url: '/v2/events', payload: equipmentEvent({ equipmentReference: containerNumber('CSQU', 1) }) });
    assert.equal(res.statusCode, 401);
    assert.match(res.headers['content-type'] as string, /application\/problem\+json/);
    assert.equal(res.json().status, 401);
  });

  it('401 with a wrong API key', async () => {
    const res = await t.inject({ method: 'POST', url: '/v2/events', headers: { authorization: 'Bearer nope' }, payload: {} });
    assert.equal(res.statusCode, 401);
  });

  it('400 naming the field and the rule for a bad check digit, and nothing is written', async () => {
    const event = equipmentEvent({ equipmentReference: 'CSQU3054384' });
    const res = await t.inject({ method: 'POST', url: '/v2/events', headers: carrier.auth, payload: event });
    assert.equal(res.statusCode, 400);
    const problem = res.json();
    assert.equal(problem.errors[0].pointer, '/body/equipmentReference');
    assert.equal(problem.errors[0].rule, 'iso6346.checkDigit');
    const get = await t.inject({ method: 'GET', url: `/v2/events/${event.eventID}`, headers: carrier.auth });
    assert.equal(get.statusCode, 404);
  });

  it('400 for each broken DCSA rule, with a pointer', async () => {
    const box = containerNumber('CSQU', 2);
    const cases: [Record<string, unknown>, string, string][] = [
      [{ ...equipmentEvent({ equipmentReference: box }), equipmentEventTypeCode: 'FLY' }, '/body/equipmentEventTypeCode', 'enum'],
      [{ ...equipmentEvent({ equipmentReference: box }), eventDateTime: '2026-11-01T10:00:00' }, '/body/eventDateTime', 'datetime.offsetRequired'],
      [{ ...equipmentEvent({ equipmentReference: box }), eventDateTime: '2099-01-01T00:00:00Z' }, '/body/eventDateTime', 'actualNotInFuture'],
      [{ ...equipmentEvent({ equipmentReference: box }), eventID: 'not-a-uuid' }, '/body/eventID', 'format'],
      [{ ...equipmentEvent({ equipmentReference: box }), colour: 'red' }, '/body/colour', 'additionalProperties'],
      [{ ...equipmentEvent({ equipmentReference: box }), emptyIndicatorCode: undefined }, '/body/emptyIndicatorCode', 'required'],
      [{ ...transportEvent(), transportCall: { ...(transportEvent().transportCall as object), vessel: { vesselIMONumber: '9321484' } } }, '/body/transportCall/vessel/vesselIMONumber', 'imo.checkDigit'],
      [{ ...equipmentEvent({ equipmentReference: box }), eventLocation: { UNLocationCode: 'QQTAO' } }, '/body/eventLocation/UNLocationCode', 'unlocode.country'],
      [{ ...shipmentEvent('BKG1'), eventClassifierCode: 'EST' }, '/body/eventClassifierCode', 'enum'],
    ];
    for (const [event, pointer, rule] of cases) {
      const res = await t.inject({ method: 'POST', url: '/v2/events', headers: carrier.auth, payload: event });
      assert.equal(res.statusCode, 400, `${pointer}: ${res.body}`);
      const errors = res.json().errors as { pointer: string; rule: string }[];
      assert.ok(errors.some((e) => e.pointer === pointer && e.rule === rule), `expected ${pointer} ${rule}, got ${JSON.stringify(errors)}`);
    }
  });

  it('400 for a body that is not JSON, 415 for another media type', async () => {
    const bad = await t.inject({ method: 'POST', url: '/v2/events', headers: { ...carrier.auth, 'content-type': 'application/json' }, payload: '{"eventID":' });
    assert.equal(bad.statusCode, 400);
    assert.match(bad.headers['content-type'] as string, /problem\+json/);
    const xml = await t.inject({ method: 'POST', url: '/v2/events', headers: { ...carrier.auth, 'content-type': 'application/xml' }, payload: '<event/>' });
    assert.equal(xml.statusCode, 415);
  });

  it('201 then 200 for the same event again, 409 for the same eventID with other content', async () => {
    const event = equipmentEvent({ equipmentReference: containerNumber('CSQU', 3) });
    const first = await t.inject({ method: 'POST', url: '/v2/events', headers: carrier.auth, payload: event });
    assert.equal(first.statusCode, 201);
    assert.deepEqual(first.json(), { eventID: event.eventID, result: 'created' });
    assert.equal(first.headers['api-version'], '2.2.0');
    const again = await t.inject({ method: 'POST', url: '/v2/events', headers: carrier.auth, payload: event });
    assert.equal(again.statusCode, 200);
    assert.equal(again.json().result, 'duplicate');
    const other = await t.inject({ method: 'POST', url: '/v2/events', headers: carrier.auth, payload: { ...event, equipmentEventTypeCode: 'GTOT' } });
    assert.equal(other.statusCode, 409);
    const list = await t.inject({ method: 'GET', url: `/v2/events?equipmentReference=${event.equipmentReference}`, headers: carrier.auth });
    assert.equal(list.json().length, 1);
    assert.equal(list.json()[0].equipmentEventTypeCode, 'GTIN');
  });

  it('a retry with the keys in another order, or without the eventCreatedDateTime the platform filled in, is a duplicate', async () => {
    const post = (payload: Payload) => t.inject({ method: 'POST', url: '/v2/events', headers: carrier.auth, payload });
    const event = equipmentEvent({ equipmentReference: containerNumber('CSQU', 8) });
    assert.equal((await post(event)).statusCode, 201);
    const reordered = Object.fromEntries(Object.entries(event).reverse());
    assert.equal((await post(reordered)).statusCode, 200);
    const bare = { ...equipmentEvent({ equipmentReference: containerNumber('CSQU', 9) }), eventCreatedDateTime: undefined };
    assert.equal((await post(bare)).statusCode, 201);
    await new Promise((resolve) => setTimeout(resolve, 5));
    assert.equal((await post(bare)).statusCode, 200);
    assert.equal((await post({ ...bare, emptyIndicatorCode: 'EMPTY' })).statusCode, 409);
  });

  it('a batch answers per item, in order, and writes only the valid items', async () => {
    const box = containerNumber('CSQU', 4);
    const good = equipmentEvent({ equipmentReference: box });
    const bad = { ...equipmentEvent({ equipmentReference: box }), emptyIndicatorCode: 'HALF' };
    const dup = { ...good };
    const res = await t.inject({ method: 'POST', url: '/v2/events', headers: carrier.auth, payload: [good, bad, dup] });
    assert.equal(res.statusCode, 200);
    const results = res.json();
    assert.deepEqual(results.map((r: { result: string }) => r.result), ['created', 'rejected', 'duplicate']);
    assert.equal(results[1].eventID, bad.eventID);
    assert.equal(results[1].problem.errors[0].pointer, '/body/1/emptyIndicatorCode');
    const list = await t.inject({ method: 'GET', url: `/v2/events?equipmentReference=${box}`, headers: carrier.auth });
    assert.deepEqual(list.json().map((e: { eventID: string }) => e.eventID), [good.eventID]);
  });


  it('stores text in any script as it was sent, in a small body and in a large batch', async () => {
    const box = containerNumber('CSQU', 41);
    const named = (at: number) => {
      const e = equipmentEvent({ equipmentReference: box, at: new Date(Date.UTC(2026, 10, 2, 0, at)).toISOString() });
      return { ...e, eventLocation: { locationName: `青岛港前湾集装箱码头 ${at} — Qīngdǎo`, UNLocationCode: 'CNTAO' } };
    };
    const one = named(0);
    assert.equal((await t.inject({ method: 'POST', url: '/v2/events', headers: carrier.auth, payload: one })).statusCode, 201);
    const batch = Array.from({ length: 40 }, (_, i) => named(i + 1));
    const res = await t.inject({ method: 'POST', url: '/v2/events', headers: carrier.auth, payload: batch });
    assert.ok(res.json().every((r: { result: string }) => r.result === 'created'));
    const list = await t.inject({ method: 'GET', url: `/v2/events?equipmentReference=${box}&limit=100`, headers: carrier.auth });
    assert.deepEqual(list.json().map((e: { eventLocation: { locationName: string } }) => e.eventLocation.locationName),
      [one, ...batch].map((e) => e.eventLocation.locationName));
  });
  it('a batch that repeats stored events writes only its new ones: a stored eventID is a duplicate, or a conflict (409) with other content', async () => {
    const box = containerNumber('CSQU', 5);
    const first = [equipmentEvent({ equipmentReference: box }), equipmentEvent({ equipmentReference: box })];
    assert.equal((await t.inject({ method: 'POST', url: '/v2/events', headers: carrier.auth, payload: first })).statusCode, 200);
    const fresh = equipmentEvent({ equipmentReference: box });
    const changed = { ...first[1], equipmentEventTypeCode: 'GTOT' };
    const res = await t.inject({ method: 'POST', url: '/v2/events', headers: carrier.auth, payload: [first[0], fresh, changed] });
    assert.equal(res.statusCode, 200);
    const results = res.json() as { result: string; problem?: { status: number } }[];
    assert.deepEqual(results.map((r) => r.result), ['duplicate', 'created', 'rejected']);
    assert.equal(results[2].problem?.status, 409);
    const list = await t.inject({ method: 'GET', url: `/v2/events?equipmentReference=${box}`, headers: carrier.auth });
    const stored = list.json() as { eventID: string; equipmentEventTypeCode: string }[];
    assert.deepEqual(stored.map((e) => e.eventID).sort(), [first[0].eventID, first[1].eventID, fresh.eventID].sort());
    assert.equal(stored.find((e) => e.eventID === first[1].eventID)!.equipmentEventTypeCode, first[1].equipmentEventTypeCode);
  });

  it('concurrent requests share commits and still answer each on its own: created, duplicate, conflict', async () => {
    const event = equipmentEvent({ equipmentReference: containerNumber('CSQU', 7) });
    const other = { ...event, equipmentEventTypeCode: 'GTOT' };
    const batches = Array.from({ length: 6 }, (_, k) => Array.from({ length: 50 }, (_, i) => equipmentEvent({ equipmentReference: containerNumber('TGHU', k * 50 + i) })));
    const post = (payload: Payload) => t.inject({ method: 'POST', url: '/v2/events', headers: carrier.auth, payload });
    const store = t.platform.ctx.ingest[0];
    const [commits, requests] = [store.commits, store.groupedRequests];
    const publishAudits = async () => Number((await t.platform.handle.db.selectFrom('audit_log').select((eb) => eb.fn.countAll().as('n'))
      .where('action', '=', 'events.publish').where('party_id', '=', carrier.id).executeTakeFirstOrThrow()).n);
    const auditsBefore = await publishAudits();
    const answers = await Promise.all([post(event), post(event), post(other), ...batches.map(post)]);
    // Nine requests, fewer transactions: those that arrived while one committed went in the next.
    assert.equal(store.groupedRequests - requests, 9);
    assert.ok(store.commits - commits < 9, `${store.commits - commits} commits`);
    const single = answers.slice(0, 3).map((r) => r.statusCode).sort();
    // The first to commit created it; the same content again is a duplicate, other content a conflict.
    assert.ok(['200,201,409', '201,409,409'].includes(String(single)), String(single));
    for (const [k, res] of answers.slice(3).entries()) {
      assert.equal(res.statusCode, 200);
      assert.deepEqual(res.json().map((r: { eventID: string; result: string }) => [r.eventID, r.result]), batches[k].map((e) => [e.eventID, 'created']));
    }
    const stored = await t.inject({ method: 'GET', url: `/v2/events?equipmentReference=${containerNumber('TGHU', 299)}`, headers: carrier.auth });
    assert.equal(stored.json().length, 1);
    // Requests written together are still audited one by one: the seven that created events.
    assert.equal(await publishAudits() - auditsBefore, 7);
  });

  it('rejects a batch of more than 1000 events as a whole', async () => {
    const box = containerNumber('CSQU', 5);
    const events = Array.from({ length: 1001 }, () => equipmentEvent({ equipmentReference: box }));
    const res = await t.inject({ method: 'POST', url: '/v2/events', headers: carrier.auth, payload: events });
    assert.equal(res.statusCode, 400);
    assert.equal(res.json().errors[0].rule, 'maxItems');
  });
});

describe('GET /v2/events', () => {
  let t: TestPlatform;
  let carrier: TestParty;
  const box = containerNumber('MSCU', 7);
  before(async () => {
    t = await testPlatform();
    carrier = await t.party('MSC', ['carrier'], { referencePrefixes: ['BKG-GET', 'TRD-GET'] });
    const events = [
      shipmentEvent('BKG-GET-1', 'BKG', 'CONF'),
      equipmentEvent({ equipmentReference: box, code: 'PICK', bookings: ['BKG-GET-1'] }),
      equipmentEvent({ equipmentReference: box, code: 'GTIN', bookings: ['BKG-GET-1'] }),
      equipmentEvent({ equipmentReference: box, code: 'LOAD', bookings: ['BKG-GET-1'], transportDocuments: ['TRD-GET-1'] }),
      transportEvent('DEPA'),
      ...Array.from({ length: 6 }, (_, i) => equipmentEvent({ equipmentReference: containerNumber('MSCU', 100 + i), code: 'GTIN' })),
    ];
    const res = await t.inject({ method: 'POST', url: '/v2/events', headers: carrier.auth, payload: events });
    assert.ok(res.json().every((r: { result: string }) => r.result === 'created'), res.body);
  });
  after(() => t.close());

  const get = (query: string) => t.inject({ method: 'GET', url: `/v2/events${query}`, headers: carrier.auth });

  it('401 without credentials', async () => {
    assert.equal((await t.inject({ method: 'GET', url: '/v2/events' })).statusCode, 401);
  });

  it('400 naming the parameter for bad filters', async () => {
    for (const [q, pointer] of [
      ['?eventType=SHIPMENT,FOO', '/query/eventType'],
      ['?limit=0', '/query/limit'],
      ['?limit=abc', '/query/limit'],
      ['?equipmentReference=MSCU0000000', '/query/equipmentReference'],
      ['?eventCreatedDateTime:gte=yesterday', '/query/eventCreatedDateTime:gte'],
      ['?eventCreatedDateTime:around=2026-11-01T00:00:00Z', '/query/eventCreatedDateTime:around'],
      ['?colour=red', '/query/colour'],
      ['?cursor=garbage', '/query/cursor'],
    ]) {
      const res = await get(q);
      assert.equal(res.statusCode, 400, q);
      assert.equal(res.json().errors[0].pointer, pointer, q);
    }
  });

  it('filters by event type, codes, references, vessel and place', async () => {
    const count = async (q: string) => (await get(q)).json().length as number;
    assert.equal(await count('?eventType=SHIPMENT'), 1);
    assert.equal(await count('?eventType=SHIPMENT,TRANSPORT'), 2);
    assert.equal(await count('?shipmentEventTypeCode=CONF'), 1);
    assert.equal(await count('?transportEventTypeCode=DEPA'), 1);
    assert.equal(await count('?equipmentEventTypeCode=GTIN'), 7);
    assert.equal(await count(`?equipmentReference=${box}`), 3);
    assert.equal(await count('?carrierBookingReference=BKG-GET-1'), 4);
    assert.equal(await count('?transportDocumentReference=TRD-GET-1'), 1);
    assert.equal(await count('?vesselIMONumber=9321483'), 2);
    assert.equal(await count('?UNLocationCode=CNTAO'), 10); // the shipment event has no place
    assert.equal(await count('?eventCreatedDateTime:gte=2026-11-01T00:00:00Z'), 11);
    assert.equal(await count('?eventCreatedDateTime:lt=2026-11-01T08:00:00%2B08:00'), 0);
    assert.equal(await count('?eventCreatedDateTime=2026-11-01T08:00:00%2B08:00'), 11);
  });

  it('pages with a cursor until the end, in global order, without repeats', async () => {
    const seen: string[] = [];
    let res = await get('?limit=4');
    for (let pages = 0; pages < 10; pages++) {
      assert.equal(res.statusCode, 200);
      seen.push(...res.json().map((e: { eventID: string }) => e.eventID));
      const next = res.headers['next-page-cursor'] as string | undefined;
      if (!next) break;
      assert.match(res.headers.link as string, /rel="next"/);
      assert.ok(res.headers['next-page']);
      res = await get(`?cursor=${next}`);
    }
    assert.equal(seen.length, 11);
    assert.equal(new Set(seen).size, 11);
  });

  it('GET /v2/events/{eventID} returns the event as published', async () => {
    const [first] = (await get('?limit=1')).json();
    const res = await t.inject({ method: 'GET', url: `/v2/events/${first.eventID}`, headers: carrier.auth });
    assert.equal(res.statusCode, 200);
    assert.deepEqual(res.json(), first);
    assert.equal((await t.inject({ method: 'GET', url: `/v2/events/${randomUUID()}`, headers: carrier.auth })).statusCode, 404);
  });

  it('container timeline and booking / B/L containers', async () => {
    const tl = await t.inject({ method: 'GET', url: `/v1/containers/${box}`, headers: carrier.auth });
    assert.equal(tl.statusCode, 200);
    assert.deepEqual(tl.json().events.map((e: { equipmentEventTypeCode: string }) => e.equipmentEventTypeCode), ['PICK', 'GTIN', 'LOAD']);
    assert.equal(tl.json().status.equipmentEventTypeCode, 'LOAD');
    const bkg = await t.inject({ method: 'GET', url: '/v1/bookings/BKG-GET-1/containers', headers: carrier.auth });
    assert.deepEqual(bkg.json().containers.map((c: { equipmentReference: string }) => c.equipmentReference), [box]);
    assert.equal(bkg.json().events.length, 1);
    const trd = await t.inject({ method: 'GET', url: '/v1/transport-documents/TRD-GET-1/containers', headers: carrier.auth });
    assert.equal(trd.json().containers[0].status.equipmentEventTypeCode, 'LOAD');
    assert.equal((await t.inject({ method: 'GET', url: '/v1/containers/MSCU0000000', headers: carrier.auth })).statusCode, 400);
    assert.equal((await t.inject({ method: 'GET', url: `/v1/containers/${containerNumber('ZZZU', 1)}`, headers: carrier.auth })).statusCode, 404);
  });
});
