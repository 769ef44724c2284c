// The OpenAPI document (/docs/json) tells the truth: answers are plain JSON.stringify, so response
// schemas only document — here every answer of a tour of the API is validated against the schema
// its route declares for that status and media type. The web client's types are generated from
// the same document (scripts/api-types.ts), so a lie here would be a lie in the web app's types.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { definitionById } from '../src/modules/portcall/index.js';
import { imoCheckDigit } from '../src/standards/index.js';
import { ADMIN_KEY, containerNumber, equipmentEvent, shipmentEvent, testPlatform, transportEvent, type TestPlatform } from './helpers.js';

const admin = { authorization: `Bearer ${ADMIN_KEY}` };
const METHODS = ['get', 'put', 'post', 'delete', 'patch'];

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Doc = { paths: Record<string, Record<string, any>>; components: Record<string, unknown> };

/** Validates answers against the document: `checked(inject options)` injects and checks. */
function answerChecker(t: TestPlatform, doc: Doc) {
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats.default(ajv);
  const validators = new Map<string, ValidateFunction>();
  const templates = Object.keys(doc.paths).map((path) => ({
    path,
    params: (path.match(/\{/g) ?? []).length,
    regex: new RegExp(`^${path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+')}$`),
  }));
  const seen = new Set<string>();

  function check(method: string, url: string, res: LightMyRequestResponse) {
    const path = url.split('?')[0];
    // A literal segment beats a parameter (`/berth-plans/current` over `/berth-plans/{planId}`).
    const route = templates.filter((tpl) => tpl.regex.test(path) && doc.paths[tpl.path][method]).sort((a, b) => a.params - b.params)[0];
    assert.ok(route, `${method.toUpperCase()} ${path} is not in the document`);
    const responses = doc.paths[route.path][method].responses as Record<string, { content?: Record<string, { schema: object }> }>;
    const status = String(res.statusCode);
    const declared = responses[status] ?? responses[`${status[0]}XX`];
    const where = `${method.toUpperCase()} ${route.path} → ${status}`;
    assert.ok(declared, `${where}: status not documented (${res.body.slice(0, 300)})`);
    seen.add(`${method} ${route.path} ${status}`);
    if (!declared.content) {
      assert.equal(res.body, '', `${where}: documented without a body, answered ${res.body.slice(0, 200)}`);
      return;
    }
    const type = String(res.headers['content-type'] ?? '').split(';')[0].trim();
    const media = declared.content[type];
    assert.ok(media, `${where}: answered ${type}, documented ${Object.keys(declared.content).join(', ')}`);
    const key = `${where} ${type}`;
    let validate = validators.get(key);
    if (!validate) {
      // The route's schema, with the document's components beside it so that its $refs resolve.
      validate = ajv.compile({ ...media.schema, components: doc.components });
      validators.set(key, validate);
    }
    const body = type.endsWith('json') ? res.json() : res.body;
    assert.ok(validate(body), `${where}: the answer does not match its schema: ${ajv.errorsText(validate.errors, { separator: '\n' })}\n${res.body.slice(0, 500)}`);
  }

  return {
    seen,
    async checked(options: InjectOptions & { method: string; url: string }) {
      const res = await t.inject(options);
      check(options.method.toLowerCase(), options.url, res);
      return res;
    },
  };
}

const imo = (six: string) => `${six}${imoCheckDigit(six)}`;
const VESSEL = imo('932148');

describe('the OpenAPI document', () => {
  let t: TestPlatform;
  let doc: Doc;
  before(async () => {
    t = await testPlatform();
    const res = await t.inject({ method: 'GET', url: '/docs/json', headers: admin });
    assert.equal(res.statusCode, 200);
    doc = res.json();
  });
  after(() => t.close());

  it('documents a successful answer of every route and one Problem for the failures', () => {
    const operations = Object.entries(doc.paths).flatMap(([path, item]) => METHODS.filter((m) => item[m]).map((m) => ({ path, m, op: item[m] })));
    assert.ok(operations.length > 60, `only ${operations.length} operations`);
    const undocumented = operations.filter(({ op }) => !Object.keys(op.responses ?? {}).some((status) => status.startsWith('2')));
    assert.deepEqual(undocumented.map(({ path, m }) => `${m.toUpperCase()} ${path}`), [], 'routes without a 2xx response schema');
    for (const { path, m, op } of operations) {
      assert.deepEqual(op.responses['4XX']?.content?.['application/problem+json']?.schema, { $ref: '#/components/schemas/Problem' }, `${m} ${path}`);
    }
  });

  it('says the truth: each answer of a tour of the API matches its route’s schema', async () => {
    const { checked, seen } = answerChecker(t, doc);
    const ok = (res: LightMyRequestResponse, status = 200) => { assert.equal(res.statusCode, status, res.body); return res; };

    // ---- operations and parties
    ok(await checked({ method: 'GET', url: '/health' }));
    ok(await checked({ method: 'GET', url: '/ready' }));
    ok(await checked({ method: 'GET', url: '/v1/status' }));
    ok(await checked({ method: 'GET', url: '/metrics', headers: admin }));
    await checked({ method: 'GET', url: '/v1/session' }); // 401, a problem
    const carrierParty = ok(await checked({ method: 'POST', url: '/admin/parties', headers: admin, payload: { name: 'COSCO Shipping Lines', roles: ['carrier'] } }), 201).json();
    ok(await checked({ method: 'PUT', url: `/admin/parties/${carrierParty.id}/codes`, headers: admin, payload: { referencePrefixes: ['COSU'], equipmentOwnerCodes: ['CSNU'] } }));
    ok(await checked({ method: 'GET', url: `/admin/parties/${carrierParty.id}/codes`, headers: admin }));
    const key = ok(await checked({ method: 'POST', url: `/admin/parties/${carrierParty.id}/api-keys`, headers: admin, payload: { label: 'edi' } }), 201).json();
    const carrier = { id: carrierParty.id as string, auth: { authorization: `Bearer ${key.key}` } };
    ok(await checked({ method: 'GET', url: `/admin/parties/${carrier.id}/api-keys`, headers: admin }));
    const rotated = ok(await checked({ method: 'POST', url: `/admin/parties/${carrier.id}/api-keys/${key.id}/rotate`, headers: admin, payload: { graceHours: 1 } }), 201).json();
    ok(await checked({ method: 'DELETE', url: `/admin/parties/${carrier.id}/api-keys/${rotated.id}`, headers: admin }), 204);
    ok(await checked({ method: 'GET', url: '/admin/parties', headers: admin }));
    ok(await checked({ method: 'POST', url: '/admin/parties', headers: admin, payload: { name: '', roles: [] } }), 400);

    // ---- a user's session and keys
    const password = 'Qingdao harbour pilots board at dawn 7!';
    ok(await checked({ method: 'POST', url: `/admin/parties/${carrier.id}/users`, headers: admin, payload: { username: 'li.wei', password } }), 201);
    const login = ok(await checked({ method: 'POST', url: '/v1/session', payload: { username: 'li.wei', password } }));
    const cookie = { cookie: String(login.headers['set-cookie']).split(';')[0] };
    ok(await checked({ method: 'GET', url: '/v1/session', headers: cookie }));
    ok(await checked({ method: 'GET', url: '/v1/sessions', headers: cookie }));
    ok(await checked({ method: 'DELETE', url: '/v1/sessions', headers: cookie }));
    const own = ok(await checked({ method: 'POST', url: '/v1/api-keys', headers: cookie, payload: {} }), 201).json();
    ok(await checked({ method: 'GET', url: '/v1/api-keys', headers: cookie }));
    const ownRotated = ok(await checked({ method: 'POST', url: `/v1/api-keys/${own.id}/rotate`, headers: cookie, payload: { graceHours: 0 } }), 201).json();
    ok(await checked({ method: 'DELETE', url: `/v1/api-keys/${ownRotated.id}`, headers: cookie }), 204);

    // ---- track & trace
    const forwarder = await t.party('Sinotrans', ['forwarder']);
    const terminalParty = await t.party('Qingdao Qianwan Container Terminal', ['terminal']);
    const authority = await t.party('Qingdao Customs', ['customs']);
    ok(await checked({ method: 'POST', url: '/v1/agents', headers: carrier.auth, payload: { agentPartyId: terminalParty.id } }), 201);
    ok(await checked({ method: 'GET', url: '/v1/agents', headers: carrier.auth }));
    const box = containerNumber('CSNU', 7001);
    const events = [
      equipmentEvent({ equipmentReference: box, bookings: ['COSU6300001'], transportDocuments: ['COSU6300001B'], code: 'GTOT' }),
      equipmentEvent({ equipmentReference: box, bookings: ['COSU6300001'], code: 'LOAD' }),
      shipmentEvent('COSU6300001'), transportEvent(),
    ];
    ok(await checked({ method: 'POST', url: '/v2/events', headers: carrier.auth, payload: events[0] }), 201);
    ok(await checked({ method: 'POST', url: '/v2/events', headers: carrier.auth, payload: events[0] })); // duplicate
    ok(await checked({ method: 'POST', url: '/v2/events', headers: carrier.auth, payload: [...events.slice(1), { eventID: 'bad' }] }));
    await checked({ method: 'POST', url: '/v2/events', headers: carrier.auth, payload: { ...events[1], eventType: 'NOPE' } }); // 400
    ok(await checked({ method: 'GET', url: '/v2/events?limit=2', headers: carrier.auth }));
    ok(await checked({ method: 'GET', url: `/v2/events/${events[1].eventID}`, headers: carrier.auth }));
    ok(await checked({ method: 'GET', url: `/v2/events/${randomUUID()}`, headers: carrier.auth }), 404);
    ok(await checked({ method: 'GET', url: '/v1/containers', headers: carrier.auth }));
    ok(await checked({ method: 'GET', url: `/v1/containers/${box}`, headers: carrier.auth }));
    ok(await checked({ method: 'GET', url: `/v1/containers/${box}`, headers: authority.auth }));
    ok(await checked({ method: 'GET', url: '/v1/bookings/COSU6300001/containers', headers: carrier.auth }));
    ok(await checked({ method: 'GET', url: '/v1/transport-documents/COSU6300001B/containers', headers: carrier.auth }));
    const grant = ok(await checked({ method: 'POST', url: '/v1/grants', headers: carrier.auth, payload: { granteePartyId: forwarder.id, referenceType: 'BKG', referenceValue: 'COSU6300001' } }), 201).json();
    ok(await checked({ method: 'POST', url: '/v1/grants/batch', headers: carrier.auth, payload: [{ granteePartyId: forwarder.id, referenceType: 'TRD', referenceValue: 'COSU6300001B', expiresAt: '2099-01-01T00:00:00Z' }] }));
    ok(await checked({ method: 'GET', url: '/v1/grants', headers: carrier.auth }));
    ok(await checked({ method: 'DELETE', url: `/v1/grants/${grant.id}`, headers: carrier.auth }), 204);
    const secret = Buffer.alloc(32, 7).toString('base64');
    const sub = ok(await checked({ method: 'POST', url: '/v2/event-subscriptions', headers: forwarder.auth, payload: { callbackUrl: 'http://127.0.0.1:9/hook', secret, equipmentReference: box } }), 201).json();
    ok(await checked({ method: 'GET', url: '/v2/event-subscriptions', headers: forwarder.auth }));
    ok(await checked({ method: 'GET', url: `/v2/event-subscriptions/${sub.subscriptionID}`, headers: forwarder.auth }));
    ok(await checked({ method: 'PUT', url: `/v2/event-subscriptions/${sub.subscriptionID}`, headers: forwarder.auth, payload: { callbackUrl: 'http://127.0.0.1:9/other', eventType: 'EQUIPMENT' } }));
    ok(await checked({ method: 'PUT', url: `/v2/event-subscriptions/${sub.subscriptionID}/secret`, headers: forwarder.auth, payload: { secret } }), 204);
    ok(await checked({ method: 'GET', url: `/v2/event-subscriptions/${sub.subscriptionID}/dead-letters`, headers: forwarder.auth }));
    ok(await checked({ method: 'POST', url: `/v2/event-subscriptions/${sub.subscriptionID}/dead-letters/replay`, headers: forwarder.auth, payload: {} }));
    ok(await checked({ method: 'GET', url: '/admin/dead-letters', headers: admin }));
    ok(await checked({ method: 'POST', url: '/admin/dead-letters/replay', headers: admin, payload: {} }));
    ok(await checked({ method: 'DELETE', url: `/v2/event-subscriptions/${sub.subscriptionID}`, headers: forwarder.auth }), 204);
    ok(await checked({ method: 'GET', url: '/admin/audit?limit=50', headers: admin }));
    ok(await checked({ method: 'DELETE', url: `/v1/agents/${terminalParty.id}`, headers: carrier.auth }), 204);

    // ---- port reference data and port calls
    ok(await checked({ method: 'PUT', url: `/v1/vessels/${VESSEL}`, headers: admin, payload: { name: 'COSCO Qingdao', lengthOverallM: 366, beamM: 51, maxDraughtM: 15.5, teuCapacity: 14_000 } }), 201);
    ok(await checked({ method: 'PUT', url: `/v1/vessels/${VESSEL}`, headers: admin, payload: { name: 'COSCO Qingdao', mmsi: '413000001', lengthOverallM: 366, beamM: 51, maxDraughtM: 15.5 } }));
    ok(await checked({ method: 'GET', url: '/v1/vessels', headers: carrier.auth }));
    ok(await checked({ method: 'GET', url: `/v1/vessels/${VESSEL}`, headers: carrier.auth }));
    ok(await checked({ method: 'PUT', url: '/v1/terminals/QQCT', headers: admin, payload: { name: 'Qianwan Container Terminal', UNLocationCode: 'CNTAO', operatorPartyId: terminalParty.id } }), 201);
    ok(await checked({ method: 'PUT', url: '/v1/terminals/QQCT/berths/B1', headers: terminalParty.auth, payload: { name: 'Qianwan 1', lengthM: 400, depthM: 17.5, craneCount: 6, maxLoaM: 400 } }), 201);
    ok(await checked({ method: 'GET', url: '/v1/terminals', headers: carrier.auth }));
    ok(await checked({ method: 'GET', url: '/v1/terminals/QQCT', headers: carrier.auth }));
    ok(await checked({ method: 'GET', url: '/v1/terminals/QQCT/berths', headers: carrier.auth }));
    ok(await checked({ method: 'GET', url: '/v1/terminals/QQCT/berths/B1', headers: carrier.auth }));
    ok(await checked({ method: 'PUT', url: '/v1/port-locations/ANCH-1', headers: admin, payload: { kind: 'ANCHORAGE', name: 'Anchorage 1', UNLocationCode: 'CNTAO', latitude: 36.0, longitude: 120.3 } }), 201);
    ok(await checked({ method: 'GET', url: '/v1/port-locations', headers: carrier.auth }));
    const call = ok(await checked({
      method: 'POST', url: '/v1/port-calls', headers: carrier.auth,
      payload: { terminalCode: 'QQCT', vesselIMONumber: VESSEL, carrierServiceCode: 'AEX', importVoyageNumber: '2611W', exportVoyageNumber: '2611E', terminalCallReference: 'QQCT-1', berthId: 'B1' },
    }), 201).json();
    const eta = new Date(Date.now() + 30 * 3600_000).toISOString();
    const d = definitionById('ETA-Berth')!;
    const timestamp = {
      eventID: randomUUID(), terminalCall: { terminalCallReference: 'QQCT-1' },
      portCallService: { portCallServiceTypeCode: d.service, portCallServiceEventTypeCode: d.eventType, ...(d.phase ? { portCallPhaseTypeCode: d.phase } : {}) },
      timestamp: { classifierCode: d.classifier, serviceDateTime: eta },
    };
    ok(await checked({ method: 'POST', url: '/port-call/v2/events', headers: carrier.auth, payload: { events: [timestamp] } }));
    ok(await checked({ method: 'POST', url: '/port-call/v2/events', headers: carrier.auth, payload: { events: [timestamp, { eventID: 'x' }] } }));
    ok(await checked({ method: 'POST', url: '/port-call/v2/events', headers: carrier.auth, payload: { events: [{ eventID: 'x' }] } }), 400);
    ok(await checked({ method: 'GET', url: '/port-call/v2/events', headers: carrier.auth }));
    ok(await checked({ method: 'GET', url: '/v1/port-calls', headers: carrier.auth }));
    ok(await checked({ method: 'GET', url: `/v1/port-calls/${call.portCallID}`, headers: carrier.auth }));
    ok(await checked({ method: 'PATCH', url: `/v1/port-calls/${call.portCallID}`, headers: carrier.auth, payload: { carrierServiceName: 'Asia Europe Express' } }));
    ok(await checked({ method: 'GET', url: '/v1/port-calls/kpis?from=2020-01-01T00:00:00Z&to=2100-01-01T00:00:00Z&groupBy=terminal', headers: authority.auth }));

    // ---- berth planning
    const window = { from: new Date(Date.now() + 3600_000).toISOString(), to: new Date(Date.now() + 4 * 86_400_000).toISOString(), timeLimitSeconds: 1 };
    const plans = '/v1/terminals/QQCT/berth-plans';
    ok(await checked({ method: 'GET', url: `${plans}/current`, headers: terminalParty.auth }), 404);
    const plan = ok(await checked({ method: 'POST', url: plans, headers: terminalParty.auth, payload: window }), 201).json();
    ok(await checked({ method: 'GET', url: `${plans}/${plan.id}`, headers: terminalParty.auth }));
    ok(await checked({ method: 'POST', url: `${plans}/${plan.id}/accept`, headers: terminalParty.auth }));
    ok(await checked({ method: 'GET', url: `${plans}/current`, headers: terminalParty.auth }));
    const replan = ok(await checked({ method: 'POST', url: `${plans}/${plan.id}/replan`, headers: terminalParty.auth, payload: { timeLimitSeconds: 1 } }), 201).json();
    ok(await checked({ method: 'DELETE', url: `${plans}/${replan.id}`, headers: terminalParty.auth }), 204);

    // ---- the status page's notices
    const notice = ok(await checked({
      method: 'POST', url: '/admin/status/notices', headers: admin,
      payload: { kind: 'incident', severity: 'minor', title: { zh: '延迟', en: 'Delays' }, body: { zh: '正在调查', en: 'Investigating' } },
    }), 201).json();
    ok(await checked({ method: 'PATCH', url: `/admin/status/notices/${notice.id}`, headers: admin, payload: { severity: 'major' } }));
    ok(await checked({ method: 'POST', url: `/admin/status/notices/${notice.id}/updates`, headers: admin, payload: { status: 'resolved', message: { zh: '已解决', en: 'Resolved' } } }), 201);
    ok(await checked({ method: 'GET', url: '/v1/status' }));
    ok(await checked({ method: 'DELETE', url: '/v1/session', headers: cookie }), 204);

    const routes = new Set([...seen].map((s) => s.split(' ').slice(0, 2).join(' ')));
    assert.ok(routes.size >= 60, `the tour covered only ${routes.size} routes`);
  });
});
