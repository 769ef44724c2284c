// The terminal planner's berth plan: propose (explained, checked), accept, re-plan.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { imoCheckDigit } from '../src/standards/index.js';
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
    assert.equal(res.statusCode, 200, res.body);
    const plan = res.json();
    assert.equal(plan.feasible, true, JSON.stringify(plan.violations));
    assert.equal(plan.calls.length, 3);
    const big = plan.calls.find((c: { vesselName: string }) => c.vesselName === 'BIG ONE');
    assert.equal(big.berthId, 'QW01', 'only QW01 takes a 399 m ship');
    assert.match(big.why.berth, /only berth/);
    const byBerth = new Map<string, { start: number; end: number }[]>();
    for (const c of plan.calls) {
      byBerth.set(c.berthId, [...(byBerth.get(c.berthId) ?? []), { start: Date.parse(c.plannedBerthArrival), end: Date.parse(c.plannedBerthDeparture) }]);
      assert.ok(Date.parse(c.plannedBerthArrival) >= Date.parse(c.expectedBerthArrival) - 60_000);
      assert.ok(c.why.wait.length > 0);
    }
    for (const list of byBerth.values()) {
      list.sort((a, b) => a.start - b.start);
      for (let i = 1; i < list.length; i++) assert.ok(list[i].start >= list[i - 1].end);
    }
    assert.ok(plan.objectiveMinutes <= plan.firstComeFirstServedMinutes);
  });

  it('accepting writes the berths and PTA-Berth timestamps; a re-plan keeps ships due soon where they are', async () => {
    const plan = (await propose(terminal, window)).json();
    const accept = await t.inject({ method: 'POST', url: '/v1/terminals/QQCT/berth-plans/accept', headers: terminal.auth, payload: {
      calls: plan.calls.map((c: { portCallID: string; berthId: string; plannedBerthArrival: string }) => ({ portCallID: c.portCallID, berthId: c.berthId, plannedBerthArrival: c.plannedBerthArrival })),
    } });
    assert.equal(accept.statusCode, 200, accept.body);
    assert.equal(accept.json().accepted, 3);
    const detail = (await t.inject({ method: 'GET', url: `/v1/port-calls/${plan.calls[0].portCallID}`, headers: carrier.auth })).json();
    assert.equal(detail.berthId ?? detail.portCall?.berthId, plan.calls[0].berthId);
    assert.ok(JSON.stringify(detail).includes('PTA-Berth'));
    // Freeze everything due in the next 48 h: every call keeps its accepted berth.
    const again = (await propose(terminal, { ...window, freezeHours: 48 })).json();
    for (const c of again.calls) {
      assert.equal(c.kept, true);
      assert.equal(c.berthId, plan.calls.find((p: { portCallID: string }) => p.portCallID === c.portCallID).berthId);
    }
  });
});
