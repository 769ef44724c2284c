// The terminal planner's berth plan: propose (explained, checked), accept, re-plan.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { imoCheckDigit } from '../src/standards/index.js';
import { EXPLANATIONS } from '../src/modules/portcall/berthplan/explanations.js';
import { ADMIN_KEY, testPlatform, type TestParty, type TestPlatform } from './helpers.js';

const admin = { authorization: `Bearer ${ADMIN_KEY}` };
const imo = (six: string) => `${six}${imoCheckDigit(six)}`;
const HOUR = 3600_000;

describe('berth planning', () => {
  let t: TestPlatform;
  let carrier: TestParty, terminal: TestParty;
  const base = Math.floor(Date.now() / HOUR) * HOUR + 24 * HOUR;
  const calls: { id: string; ship: string }[] = [];

  before(async () => {
    t = await testPlatform();
    carrier = await t.party('COSCO Shipping Lines', ['carrier']);
    terminal = await t.party('Qianwan Container Terminal', ['terminal']);
    const put = async (url: string, payload: object) => {
      const res = await t.inject({ method: 'PUT', url, headers: admin, payload });
      assert.ok(res.statusCode < 300, `${url}: ${res.body}`);
    };
    await put('/v1/terminals/QQCT', { name: 'Qianwan', UNLocationCode: 'CNTAO', operatorPartyId: terminal.id });
    await put('/v1/terminals/QQCT/berths/QW01', { name: 'QW01', lengthM: 400, depthM: 17.5, craneCount: 6, maxLoaM: 400 });
    await put('/v1/terminals/QQCT/berths/QW02', { name: 'QW02', lengthM: 250, depthM: 13, craneCount: 3, maxLoaM: 250 });
    const ships = [['BIG ONE', imo('930001'), 399, 16], ['FEEDER A', imo('930002'), 180, 9], ['FEEDER B', imo('930003'), 180, 9]] as const;
    for (const [name, number, loa, draught] of ships) {
      await put(`/v1/vessels/${number}`, { name, lengthOverallM: loa, beamM: 40, maxDraughtM: draught, teuCapacity: loa > 300 ? 20000 : 1000 });
    }
    // All three due within the same hour: two feeders compete for the small berth.
    for (const [i, [name, number]] of ships.entries()) {
      const res = await t.inject({ method: 'POST', url: '/v1/port-calls', headers: carrier.auth, payload: {
        terminalCode: 'QQCT', vesselIMONumber: number, carrierServiceCode: 'AEX', importVoyageNumber: `00${i}W`, exportVoyageNumber: `00${i}E`, terminalCallReference: `BP-${i}`,
      } });
      assert.equal(res.statusCode, 201, res.body);
      const eta = await t.inject({ method: 'POST', url: '/port-call/v2/events', headers: carrier.auth, payload: { events: [{
        eventID: randomUUID(), terminalCall: { terminalCallID: res.json().portCallID },
        portCallService: { portCallServiceTypeCode: 'BERTH', portCallServiceEventTypeCode: 'ARRI', portCallPhaseTypeCode: 'INBD' },
        timestamp: { classifierCode: 'EST', serviceDateTime: new Date(base + i * 10 * 60_000).toISOString() },
      }] } });
      assert.ok(eta.statusCode < 300, eta.body);
      calls.push({ id: res.json().portCallID, ship: name });
    }
  });
  after(() => t.close());

  const propose = (by: TestParty | undefined, body: object) =>
    t.inject({ method: 'POST', url: '/v1/terminals/QQCT/berth-plans', headers: by?.auth ?? {}, payload: body });
  const window = { from: new Date(base - 12 * HOUR).toISOString(), to: new Date(base + 3 * 24 * HOUR).toISOString(), timeLimitSeconds: 0.5 };

  it('401, 400 naming the field, 403 for anyone but the operator, 404 for an unknown terminal', async () => {
    assert.equal((await propose(undefined, window)).statusCode, 401);
    const bad = await propose(terminal, { ...window, to: window.from });
    assert.equal(bad.json().errors[0].pointer, '/body/to');
    const noOffset = await propose(terminal, { ...window, from: '2026-12-01T00:00:00' });
    assert.equal(noOffset.json().errors[0].pointer, '/body/from');
    assert.equal((await propose(carrier, window)).statusCode, 403);
    assert.equal((await t.inject({ method: 'POST', url: '/v1/terminals/ZZZZ/berth-plans', headers: terminal.auth, payload: window })).statusCode, 404);
  });

  it('plans every call on a berth it fits, without overlaps, checked and explained', async () => {
    const res = await propose(terminal, window);
    assert.equal(res.statusCode, 201, res.body);
    const plan = res.json();
    assert.equal(plan.status, 'PROPOSED');
    assert.equal(plan.stale, false);
    assert.equal(plan.feasible, true, JSON.stringify(plan.violations));
    assert.equal(plan.calls.length, 3);
    const big = plan.calls.find((c: { vesselName: string }) => c.vesselName === 'BIG ONE');
    assert.equal(big.berthId, 'QW01', 'only QW01 takes a 399 m ship');
    // Explanations: a code with parameters (the web app's i18next key) and the same in English.
    assert.equal(big.why.berth.code, 'berthPlan.why.onlyBerth');
    assert.deepEqual(big.why.berth.params, { loa: 399, draught: 16 });
    assert.match(big.why.berth.text, /only berth/);
    const byBerth = new Map<string, { start: number; end: number }[]>();
    for (const c of plan.calls) {
      byBerth.set(c.berthId, [...(byBerth.get(c.berthId) ?? []), { start: Date.parse(c.plannedBerthArrival), end: Date.parse(c.plannedBerthDeparture) }]);
      assert.ok(Date.parse(c.plannedBerthArrival) >= Date.parse(c.expectedBerthArrival) - 60_000);
      assert.ok(c.why.wait.text.length > 0);
      assert.match(c.why.wait.code, /^berthPlan\.why\./);
      assert.ok(c.waitMinutes === 0 ? c.why.wait.code === 'berthPlan.why.onArrival' : c.why.wait.params.minutes === c.waitMinutes, JSON.stringify(c.why.wait));
      assert.ok(c.why.berth.code in EXPLANATIONS && c.why.wait.code in EXPLANATIONS);
    }
    for (const list of byBerth.values()) {
      list.sort((a, b) => a.start - b.start);
      for (let i = 1; i < list.length; i++) assert.ok(list[i].start >= list[i - 1].end);
    }
    assert.ok(plan.objectiveMinutes <= plan.firstComeFirstServedMinutes);
  });

  const get = (url: string, by: TestParty = terminal) => t.inject({ method: 'GET', url, headers: by.auth });
  const accept = (id: string) => t.inject({ method: 'POST', url: `/v1/terminals/QQCT/berth-plans/${id}/accept`, headers: terminal.auth });
  /** The planned (PLN) timestamps of the terminal's calls, as the DCSA publisher endpoint lists them. */
  const plannedTimestamps = async () => (await get('/port-call/v2/events?classifierCode=PLN&limit=1000')).json().events as { eventID: string; terminalCall: { terminalCallID: string } }[];
  const callOf = async (id: string) => (await get(`/v1/port-calls/${id}`)).json();
  const sendEta = async (callId: string, at: number) => {
    const res = await t.inject({ method: 'POST', url: '/port-call/v2/events', headers: carrier.auth, payload: { events: [{
      eventID: randomUUID(), terminalCall: { terminalCallID: callId },
      portCallService: { portCallServiceTypeCode: 'BERTH', portCallServiceEventTypeCode: 'ARRI', portCallPhaseTypeCode: 'INBD' },
      timestamp: { classifierCode: 'EST', serviceDateTime: new Date(at).toISOString() },
    }] } });
    assert.equal(res.statusCode, 200, res.body);
  };
  const feederA = () => calls.find((c) => c.ship === 'FEEDER A')!.id;
  const bigOne = () => calls.find((c) => c.ship === 'BIG ONE')!.id;

  it('a pin fixes a ship to a berth and start; the others are planned around it; impossible pins name the rule', async () => {
    // FEEDER A onto the big berth two hours after its ETA: BIG ONE must work around it.
    const start = new Date(base + 2 * HOUR).toISOString();
    const res = await propose(terminal, { ...window, pins: [{ portCallID: feederA(), berthId: 'QW01', start }] });
    assert.equal(res.statusCode, 201, res.body);
    const plan = res.json();
    assert.equal(plan.feasible, true, JSON.stringify(plan.violations));
    const a = plan.calls.find((c: { portCallID: string }) => c.portCallID === feederA());
    assert.equal(a.berthId, 'QW01');
    assert.equal(a.plannedBerthArrival, start);
    assert.equal(a.pinned, true);
    assert.deepEqual(a.why.berth, { code: 'berthPlan.why.pinned', params: { berth: 'QW01', start }, text: `pinned by the planner to berth QW01 from ${start}` });
    assert.deepEqual(a.why.wait.params, { minutes: 110 });
    assert.equal(a.waitMinutes, 110, 'the wait counts from the ETA (10 min after base), not from the pin');
    assert.deepEqual(plan.parameters.pins, [{ portCallID: feederA(), berthId: 'QW01', start }]);
    const big = plan.calls.find((c: { portCallID: string }) => c.portCallID === bigOne());
    assert.ok(Date.parse(big.plannedBerthDeparture) <= Date.parse(a.plannedBerthArrival) || Date.parse(big.plannedBerthArrival) >= Date.parse(a.plannedBerthDeparture), 'no overlap with the pinned ship');

    const refused = async (pins: object[], pointer: string, rule: string) => {
      const bad = await propose(terminal, { ...window, pins });
      assert.equal(bad.statusCode, 400, bad.body);
      assert.match(String(bad.headers['content-type']), /problem\+json/);
      assert.deepEqual([bad.json().errors[0].pointer, bad.json().errors[0].rule], [pointer, rule], bad.body);
      return bad.json().errors[0] as { detail: string; params?: Record<string, unknown> };
    };
    // The refusal carries its message's parameters (the web says it in the reader's language) and the English detail.
    const fit = await refused([{ portCallID: bigOne(), berthId: 'QW02', start }], '/body/pins/0/berthId', 'berthPlan.berthFit');
    assert.deepEqual(Object.keys(fit.params ?? {}).sort(), ['berth', 'depthM', 'draughtM', 'lengthM', 'loaM', 'underKeelM', 'vessel']);
    assert.equal(fit.params?.berth, 'QW02');
    assert.match(fit.detail, /does not fit berth QW02/);
    const early = await refused([{ portCallID: feederA(), berthId: 'QW02', start: new Date(base - HOUR).toISOString() }], '/body/pins/0/start', 'berthPlan.beforeArrival');
    assert.deepEqual(Object.keys(early.params ?? {}).sort(), ['eta', 'vessel']);
    assert.ok(!Number.isNaN(Date.parse(String(early.params?.eta))), 'times are ISO 8601');
    await refused([{ portCallID: feederA(), berthId: 'QW02', start }, { portCallID: calls[2].id, berthId: 'QW02', start }], '/body/pins/1/start', 'berthPlan.pinOverlap');
    await refused([{ portCallID: randomUUID(), berthId: 'QW02', start }], '/body/pins/0/portCallID', 'berthPlan.pinUnknownCall');
    await refused([{ portCallID: feederA(), berthId: 'QW09', start }], '/body/pins/0/berthId', 'berthPlan.unknownBerth');
    await refused([{ portCallID: feederA(), berthId: 'QW02', start: '2026-01-01T10:00' }], '/body/pins/0/start', 'datetime.format');
  });

  it('a proposal can be read and discarded; a discarded one is not accepted; only the operator sees plans', async () => {
    const plan = (await propose(terminal, window)).json();
    assert.equal((await get(`/v1/terminals/QQCT/berth-plans/${plan.id}`)).json().id, plan.id);
    assert.equal((await get(`/v1/terminals/QQCT/berth-plans/${plan.id}`, carrier)).statusCode, 403);
    assert.equal((await get('/v1/terminals/QQCT/berth-plans/current', carrier)).statusCode, 403);
    assert.equal((await get('/v1/terminals/QQCT/berth-plans/current')).statusCode, 404, 'nothing accepted yet');
    assert.equal((await get(`/v1/terminals/QQCT/berth-plans/${randomUUID()}`)).statusCode, 404);
    const del = await t.inject({ method: 'DELETE', url: `/v1/terminals/QQCT/berth-plans/${plan.id}`, headers: terminal.auth });
    assert.equal(del.statusCode, 204);
    const late = await accept(plan.id);
    assert.equal(late.statusCode, 409);
    assert.equal(late.json().errors[0].rule, 'berthPlan.notProposed');
  });

  it('accepting writes every berth and PTA-/PTD-Berth at once; a retry answers the same and adds nothing', async () => {
    const before = (await plannedTimestamps()).length;
    const plan = (await propose(terminal, window)).json();
    const first = await accept(plan.id);
    assert.equal(first.statusCode, 200, first.body);
    const result = first.json();
    assert.equal(result.status, 'ACCEPTED');
    assert.equal(result.calls.length, 3);
    assert.equal(result.timestampsSent, 6, 'PTA-Berth and PTD-Berth for each of the three calls');
    for (const c of plan.calls) {
      const detail = await callOf(c.portCallID);
      assert.equal(detail.berthId, c.berthId);
      assert.equal(detail.berthArrival.planned, c.plannedBerthArrival);
      assert.equal(detail.latestTimestamps.find((x: { timestampDefinition: string }) => x.timestampDefinition === 'PTD-Berth').serviceDateTime, c.plannedBerthDeparture);
    }
    assert.equal((await plannedTimestamps()).length, before + 6);

    const retry = await accept(plan.id);
    assert.equal(retry.statusCode, 200, retry.body);
    assert.deepEqual(retry.json(), result);
    assert.equal((await plannedTimestamps()).length, before + 6, 'no timestamp twice');
    const current = (await get('/v1/terminals/QQCT/berth-plans/current')).json();
    assert.equal(current.id, plan.id);
    assert.equal(current.status, 'ACCEPTED');
    assert.equal(current.stale, false);

    // Freeze everything due in the next 48 h: every call keeps its accepted berth.
    const again = (await propose(terminal, { ...window, freezeHours: 48 })).json();
    for (const c of again.calls) {
      assert.equal(c.kept, true);
      assert.equal(c.berthId, plan.calls.find((p: { portCallID: string }) => p.portCallID === c.portCallID).berthId);
    }
  });

  it('a new ETA beyond the tolerance makes the accepted plan stale (which call, old and new ETA); a re-plan mends it', async () => {
    const accepted = (await get('/v1/terminals/QQCT/berth-plans/current')).json();
    const planned = accepted.calls.find((c: { portCallID: string }) => c.portCallID === feederA());
    // Within the tolerance (60 min): still holds.
    await sendEta(feederA(), Date.parse(planned.expectedBerthArrival) + 20 * 60_000);
    assert.equal((await get('/v1/terminals/QQCT/berth-plans/current')).json().stale, false);
    // Five hours late: the plan breaks.
    const late = Date.parse(planned.expectedBerthArrival) + 5 * HOUR;
    await sendEta(feederA(), late);
    const stale = (await get('/v1/terminals/QQCT/berth-plans/current')).json();
    assert.equal(stale.stale, true);
    assert.equal(stale.staleReasons.length, 1);
    const reason = stale.staleReasons[0];
    assert.equal(reason.portCallID, feederA());
    assert.equal(reason.vesselName, 'FEEDER A');
    assert.equal(reason.rule, 'berthPlan.infeasible');
    assert.equal(reason.timestampDefinition, 'ETA-Berth');
    assert.deepEqual(reason.message, {
      code: 'berthPlan.staleWhy.infeasible',
      params: { vessel: 'FEEDER A', eta: new Date(late).toISOString(), planned: new Date(planned.plannedBerthArrival).toISOString(), tolerance: 60 },
      text: reason.detail,
    });
    assert.equal(reason.previousETA, new Date(planned.expectedBerthArrival).toISOString());
    assert.equal(reason.newETA, new Date(late).toISOString());
    assert.ok(stale.staleSince);

    // The re-plan: a proposal over the same window, from the new ETA; ships due within
    // freezeHours would keep their berths (all three are a day away, so none is frozen here).
    const bad = await t.inject({ method: 'POST', url: `/v1/terminals/QQCT/berth-plans/${accepted.id}/replan`, headers: terminal.auth, payload: { from: accepted.from, to: accepted.from } });
    assert.deepEqual([bad.statusCode, bad.json().errors[0].pointer], [400, '/body/to']);
    const res = await t.inject({ method: 'POST', url: `/v1/terminals/QQCT/berth-plans/${accepted.id}/replan`, headers: terminal.auth });
    assert.equal(res.statusCode, 201, res.body);
    const replan = res.json();
    assert.equal(replan.basedOnPlanId, accepted.id);
    assert.equal(replan.from, accepted.from);
    const a = replan.calls.find((c: { portCallID: string }) => c.portCallID === feederA());
    assert.equal(a.expectedBerthArrival, new Date(late).toISOString());
    assert.ok(Date.parse(a.plannedBerthArrival) >= late);
    assert.equal((await accept(replan.id)).statusCode, 200);
    const now = (await get('/v1/terminals/QQCT/berth-plans/current')).json();
    assert.equal(now.id, replan.id);
    assert.equal(now.stale, false);
    assert.equal((await get(`/v1/terminals/QQCT/berth-plans/${accepted.id}`)).json().status, 'SUPERSEDED');
  });

  it('an accept that one call no longer allows is rejected whole, naming the call and the rule, and writes nothing', async () => {
    const plan = (await propose(terminal, window)).json();
    // The ship planned last departs in between (actuals in the past are allowed whatever the plan).
    const last = plan.calls.at(-1);
    const ts = (definition: string, code: string, phase: string, at: number) => ({
      eventID: randomUUID(), terminalCall: { terminalCallID: last.portCallID },
      portCallService: { portCallServiceTypeCode: 'BERTH', portCallServiceEventTypeCode: code, portCallPhaseTypeCode: phase },
      timestamp: { classifierCode: 'ACT', serviceDateTime: new Date(at).toISOString(), remark: definition },
    });
    const dep = await t.inject({ method: 'POST', url: '/port-call/v2/events', headers: terminal.auth, payload: { events: [
      ts('ATA-Berth', 'ARRI', 'INBD', Date.now() - 3 * HOUR), ts('ATD-Berth', 'DEPA', 'OUTB', Date.now() - HOUR),
    ] } });
    assert.equal(dep.statusCode, 200, dep.body);
    const before = { timestamps: (await plannedTimestamps()).length, calls: await Promise.all(plan.calls.map((c: { portCallID: string }) => callOf(c.portCallID))) };

    const res = await accept(plan.id);
    assert.equal(res.statusCode, 409, res.body);
    assert.match(String(res.headers['content-type']), /problem\+json/);
    const problem = res.json();
    assert.equal(problem.errors.length, 1);
    assert.equal(problem.errors[0].pointer, `/calls/${plan.calls.length - 1}`);
    assert.equal(problem.errors[0].rule, 'berthPlan.callDeparted');
    assert.match(problem.errors[0].detail, new RegExp(last.portCallID));
    assert.deepEqual(Object.keys(problem.errors[0].params).sort(), ['berth', 'departure', 'vessel']);
    assert.equal(problem.errors[0].params.vessel, last.vesselName);

    assert.equal((await plannedTimestamps()).length, before.timestamps, 'no planned timestamp written');
    const after = await Promise.all(plan.calls.map((c: { portCallID: string }) => callOf(c.portCallID)));
    assert.deepEqual(after.map((c) => [c.berthId, c.berthArrival.planned]), before.calls.map((c) => [c.berthId, c.berthArrival.planned]), 'no berth or PTA changed');
    assert.equal((await get(`/v1/terminals/QQCT/berth-plans/${plan.id}`)).json().status, 'PROPOSED');
    assert.notEqual((await get('/v1/terminals/QQCT/berth-plans/current')).json().id, plan.id);
  });

  it('an accept re-checks each berth by the planner\'s own rule: a ship now too deep for the under-keel clearance is refused', async () => {
    const plan = (await propose(terminal, window)).json();
    const i = plan.calls.findIndex((c: { vesselName: string }) => c.vesselName === 'BIG ONE');
    assert.equal(plan.calls[i].berthId, 'QW01');
    const draught = async (maxDraughtM: number) => {
      const res = await t.inject({ method: 'PUT', url: `/v1/vessels/${imo('930001')}`, headers: admin,
        payload: { name: 'BIG ONE', lengthOverallM: 399, beamM: 40, maxDraughtM, teuCapacity: 20000 } });
      assert.ok(res.statusCode < 300, res.body);
    };
    // Still less than QW01's 17.5 m, but with less than a metre of water under the keel.
    await draught(16.8);
    try {
      const res = await accept(plan.id);
      assert.equal(res.statusCode, 409, res.body);
      const [error, ...others] = res.json().errors;
      assert.deepEqual(others, []);
      assert.deepEqual([error.pointer, error.rule], [`/calls/${i}/berthId`, 'portcall.berthDepth']);
      assert.deepEqual(error.params, { vessel: 'BIG ONE', berth: 'QW01', draughtM: 16.8, depthM: 17.5, underKeelM: 1 });
      assert.equal((await get(`/v1/terminals/QQCT/berth-plans/${plan.id}`)).json().status, 'PROPOSED');
    } finally {
      await draught(16);
    }
  });

  it('an ETA at the pilot boarding place beyond the tolerance, or an omitted call, makes the accepted plan stale; back within it, it holds again', async () => {
    const send = async (callId: string, service: 'BERTH' | 'PILOT_BOARDING_PLACE', at: number, terminalCall: object = {}) => {
      const res = await t.inject({ method: 'POST', url: '/port-call/v2/events', headers: carrier.auth, payload: { events: [{
        eventID: randomUUID(), terminalCall: { terminalCallID: callId, ...terminalCall },
        portCallService: { portCallServiceTypeCode: service, portCallServiceEventTypeCode: 'ARRI', portCallPhaseTypeCode: 'INBD' },
        timestamp: { classifierCode: 'EST', serviceDateTime: new Date(at).toISOString() },
      }] } });
      assert.equal(res.statusCode, 200, res.body);
      assert.equal(res.json().results?.[0]?.result ?? 'created', 'created', res.body);
    };
    const current = async () => (await get('/v1/terminals/QQCT/berth-plans/current')).json();
    // The calls still to come (the previous test let one depart).
    const open = [];
    for (const c of calls) if ((await callOf(c.id)).status === 'PLANNED') open.push(c);
    assert.ok(open.length >= 2);
    const [x, y] = open;
    const etaOf = async (id: string) => Date.parse((await callOf(id)).berthArrival.estimated);
    // The ship announces its pilot station arrival 90 min before its berth ETA; the plan made now knows it.
    const pbp = (await etaOf(x.id)) - 90 * 60_000;
    await send(x.id, 'PILOT_BOARDING_PLACE', pbp);
    const plan = (await propose(terminal, window)).json();
    assert.equal((await accept(plan.id)).statusCode, 200);
    const planned = plan.calls.find((c: { portCallID: string }) => c.portCallID === x.id);
    assert.equal((await current()).stale, false);

    // Within the tolerance: holds. 100 min later: stale, naming the ETA-PBP and both times.
    await send(x.id, 'PILOT_BOARDING_PLACE', pbp + 30 * 60_000);
    assert.equal((await current()).stale, false);
    await send(x.id, 'PILOT_BOARDING_PLACE', pbp + 100 * 60_000);
    let now = await current();
    assert.equal(now.stale, true);
    assert.equal(now.staleReasons.length, 1);
    const moved = now.staleReasons[0];
    assert.deepEqual([moved.portCallID, moved.rule, moved.timestampDefinition, moved.previousETA, moved.newETA],
      [x.id, 'berthPlan.pbpEtaMoved', 'ETA-PBP', new Date(pbp).toISOString(), new Date(pbp + 100 * 60_000).toISOString()]);
    assert.equal(moved.message.code, 'berthPlan.staleWhy.pbpEtaMoved');
    assert.deepEqual(moved.message.params, { vessel: x.ship, minutes: 100, previous: new Date(pbp).toISOString(), next: new Date(pbp + 100 * 60_000).toISOString(), tolerance: 60 });
    assert.match(moved.detail, /pilot boarding place .* moved by \+100 min/);
    // Reaching the pilot station hours after the planned berth arrival cannot keep the slot.
    const late = Date.parse(planned.plannedBerthArrival) + 4 * HOUR;
    await send(x.id, 'PILOT_BOARDING_PLACE', late);
    now = await current();
    assert.deepEqual(now.staleReasons.map((r: { rule: string }) => r.rule), ['berthPlan.pbpInfeasible']);
    assert.equal(now.staleReasons[0].message.params.planned, new Date(planned.plannedBerthArrival).toISOString());
    // Back where the plan assumed: it holds again.
    await send(x.id, 'PILOT_BOARDING_PLACE', pbp);
    now = await current();
    assert.equal(now.stale, false);
    assert.equal(now.staleSince, null);

    // The carrier omits the other call (its ETA unchanged): stale; taking the omission back mends it.
    const etaY = await etaOf(y.id);
    await send(y.id, 'BERTH', etaY, { isOmitted: true });
    assert.equal((await callOf(y.id)).status, 'OMITTED');
    now = await current();
    assert.equal(now.stale, true);
    assert.deepEqual(now.staleReasons.map((r: { portCallID: string; rule: string; timestampDefinition: string | null; newETA: string | null }) => [r.portCallID, r.rule, r.timestampDefinition, r.newETA]),
      [[y.id, 'berthPlan.callOmitted', null, null]]);
    assert.deepEqual(now.staleReasons[0].message.params, { vessel: y.ship });
    await send(y.id, 'BERTH', etaY, { isOmitted: false });
    assert.equal((await current()).stale, false);

    // A proposal whose ETA-PBP assumption broke before the accept is refused, naming the call and the rule.
    const next = (await propose(terminal, window)).json();
    await send(x.id, 'PILOT_BOARDING_PLACE', pbp - 3 * HOUR);
    const refused = await accept(next.id);
    assert.equal(refused.statusCode, 409, refused.body);
    const i = next.calls.findIndex((c: { portCallID: string }) => c.portCallID === x.id);
    assert.deepEqual(refused.json().errors.map((e: { pointer: string; rule: string }) => [e.pointer, e.rule]), [[`/calls/${i}`, 'berthPlan.pbpEtaMoved']]);
    assert.equal((await current()).id, plan.id, 'nothing accepted');
  });
});
