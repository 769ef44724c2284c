// The berth optimiser runs off the event loop: while a long proposal solves, the server keeps
// answering; the pooled solve gives the plan the in-thread one gives; refused pins and a dead
// worker still answer as problems.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { imoCheckDigit } from '../src/standards/index.js';
import { ProblemError } from '../src/core/errors.js';
import { planBerths, type BerthPlanOptions } from '../src/modules/portcall/berthplan/berthplan.js';
import { BerthPlanPool } from '../src/modules/portcall/berthplan/berthplanPool.js';
import type { BerthRow } from '../src/modules/portcall/schema.js';
import type { PlanningCall } from '../src/modules/portcall/calls/store.js';
import { ADMIN_KEY, containerNumber, equipmentEvent, testPlatform, type TestParty, type TestPlatform } from './helpers.js';

const admin = { authorization: `Bearer ${ADMIN_KEY}` };
const imo = (six: string) => `${six}${imoCheckDigit(six)}`;
const HOUR = 3600_000;
/** Generous: a blocked loop holds every answer for the whole solve (seconds). */
const ANSWER_BOUND_MS = 500;

describe('the berth optimiser off the event loop', () => {
  let t: TestPlatform & { url?: string };
  let terminal: TestParty, carrier: TestParty;
  const base = Math.floor(Date.now() / HOUR) * HOUR + 24 * HOUR;
  const box = containerNumber('OFLU', 1);
  const window = { from: new Date(base - 12 * HOUR).toISOString(), to: new Date(base + 3 * 24 * HOUR).toISOString() };

  before(async () => {
    t = await testPlatform({ listen: true });
    carrier = await t.party('Offloop Lines', ['carrier'], { referencePrefixes: ['BKG'] });
    terminal = await t.party('Offloop Terminal', ['terminal']);
    const put = async (url: string, payload: object) => {
      const res = await t.inject({ method: 'PUT', url, headers: admin, payload });
      assert.ok(res.statusCode < 300, `${url}: ${res.body}`);
    };
    await put('/v1/terminals/OFLT', { name: 'Offloop', UNLocationCode: 'CNTAO', operatorPartyId: terminal.id });
    await put('/v1/terminals/OFLT/berths/OF01', { name: 'OF01', lengthM: 400, depthM: 17.5, craneCount: 6, maxLoaM: 400 });
    await put('/v1/terminals/OFLT/berths/OF02', { name: 'OF02', lengthM: 250, depthM: 13, craneCount: 3, maxLoaM: 250 });
    for (let i = 0; i < 6; i++) {
      const number = imo(String(940001 + i));
      await put(`/v1/vessels/${number}`, { name: `OFFLOOP ${i}`, lengthOverallM: 180, beamM: 30, maxDraughtM: 9, teuCapacity: 1000 });
      const res = await t.inject({ method: 'POST', url: '/v1/port-calls', headers: carrier.auth, payload: {
        terminalCode: 'OFLT', vesselIMONumber: number, carrierServiceCode: 'AEX', importVoyageNumber: `10${i}W`, exportVoyageNumber: `10${i}E`, terminalCallReference: `OF-${i}`,
      } });
      assert.equal(res.statusCode, 201, res.body);
      const eta = await t.inject({ method: 'POST', url: '/port-call/v2/events', headers: carrier.auth, payload: { events: [{
        eventID: randomUUID(), terminalCall: { terminalCallID: res.json().portCallID },
        portCallService: { portCallServiceTypeCode: 'BERTH', portCallServiceEventTypeCode: 'ARRI', portCallPhaseTypeCode: 'INBD' },
        timestamp: { classifierCode: 'EST', serviceDateTime: new Date(base + i * 20 * 60_000).toISOString() },
      }] } });
      assert.ok(eta.statusCode < 300, eta.body);
    }
    const published = await t.inject({ method: 'POST', url: '/v2/events', headers: carrier.auth, payload: [equipmentEvent({ equipmentReference: box, bookings: ['BKG-OFFLOOP-1'] })] });
    assert.equal(published.statusCode, 200, published.body);
  });
  after(() => t.close());

  it('answers /health and a container timeline within a generous bound while a long proposal solves', async () => {
    const proposal = fetch(`${t.url}/v1/terminals/OFLT/berth-plans`, {
      method: 'POST', headers: { ...terminal.auth, 'content-type': 'application/json' }, body: JSON.stringify({ ...window, timeLimitSeconds: 4 }),
    }).then(async (res) => ({ status: res.status, body: await res.json() }));
    let settled = false;
    void proposal.finally(() => { settled = true; });
    const slow: string[] = [];
    let answeredDuringSolve = 0;
    // The test's own timers run on the server's loop: a blocked loop shows as a late wake-up too,
    // so each round is timed from before its pause to its last answer.
    for (let round = 0; round < 200 && !settled; round++) {
      const started = performance.now();
      await sleep(50);
      const health = await fetch(`${t.url}/health`);
      const timeline = await fetch(`${t.url}/v1/containers/${box}`, { headers: carrier.auth });
      const ms = performance.now() - started - 50;
      assert.equal(health.status, 200);
      assert.equal(timeline.status, 200, await timeline.clone().text());
      await Promise.all([health.arrayBuffer(), timeline.arrayBuffer()]);
      if (ms > ANSWER_BOUND_MS) slow.push(`round ${round}: ${Math.round(ms)} ms`);
      if (!settled) answeredDuringSolve++;
    }
    const { status, body } = await proposal;
    assert.equal(status, 201, JSON.stringify(body));
    assert.equal(body.calls.length, 6);
    assert.deepEqual(slow, [], 'answers held while the optimiser ran');
    assert.ok(answeredDuringSolve >= 3, `only ${answeredDuringSolve} rounds answered while the proposal ran`);
  });

  it('a refused pin is still a 400 naming the pin, the rule and its parameters', async () => {
    const res = await t.inject({ method: 'POST', url: '/v1/terminals/OFLT/berth-plans', headers: terminal.auth, payload: {
      ...window, timeLimitSeconds: 0.2, pins: [{ portCallID: 'no-such-call', berthId: 'OF01', start: window.from }],
    } });
    assert.equal(res.statusCode, 400, res.body);
    const [error] = res.json().errors;
    assert.equal(error.pointer, '/body/pins/0/portCallID');
    assert.equal(error.rule, 'berthPlan.pinUnknownCall');
    assert.deepEqual(error.params, { portCallID: 'no-such-call' });
  });
});

describe('the berth planning pool', () => {
  const origin = Date.parse('2026-12-01T00:00:00Z');
  const berths: BerthRow[] = [
    { terminal_code: 'T', berth_id: 'B1', name: 'B1', length_m: 400, depth_m: 17.5, crane_count: 6, max_loa_m: 400, created_at: '', updated_at: '' },
    { terminal_code: 'T', berth_id: 'B2', name: 'B2', length_m: 250, depth_m: 13, crane_count: 3, max_loa_m: 250, created_at: '', updated_at: '' },
  ];
  const calls: PlanningCall[] = Array.from({ length: 12 }, (_, i) => ({
    portCallID: `call-${i}`, terminalCallReference: `R${i}`, vesselIMONumber: imo(String(950001 + i)), vesselName: `SHIP ${i}`,
    lengthOverallM: i % 3 === 0 ? 300 : 180, maxDraughtM: i % 3 === 0 ? 14 : 9, etaBerth: new Date(origin + i * 45 * 60_000).toISOString(), ptaBerth: null,
    expectedBerthArrival: new Date(origin + i * 45 * 60_000).toISOString(), expectedMoves: 800 + 100 * i, berthId: null, status: 'PLANNED',
  }));
  // A time limit never reached: the plan depends on the seed and the iterations alone.
  const options: BerthPlanOptions = { originMs: origin, nowMs: origin, freezeHours: 2, movesPerCraneHour: 28, timeLimitSeconds: 600, maxIterations: 3000, seed: 7 };
  const withoutClock = ({ solverSeconds: _, ...rest }: { solverSeconds: number }) => rest;
  let pool: BerthPlanPool;
  before(() => { pool = new BerthPlanPool(1); });
  after(() => pool.close());

  it('gives the plan the in-thread solve gives for the same inputs and seed', async () => {
    const pooled = await pool.plan(calls, berths, options);
    assert.deepEqual(withoutClock(pooled), withoutClock(planBerths(calls, berths, options)));
    assert.equal(pooled.calls.length, 12);
  });

  it('carries a refused pin across the thread as the same ProblemError', async () => {
    const pins = [{ portCallID: 'call-1', berthId: 'B9', startMs: origin + 3 * HOUR }];
    const inThread = (() => { try { planBerths(calls, berths, { ...options, pins }); } catch (e) { return e as ProblemError; } })();
    await assert.rejects(pool.plan(calls, berths, { ...options, pins }), (e: unknown) => {
      assert.ok(e instanceof ProblemError);
      assert.equal(e.status, 400);
      assert.equal(e.message, inThread!.message);
      assert.deepEqual(e.errors, inThread!.errors);
      return true;
    });
  });

  it('answers a dead worker with a 503 problem and replaces it', async () => {
    const running = pool.plan(calls, berths, { ...options, maxIterations: undefined, timeLimitSeconds: 30 });
    // The pool's one worker holds the job; stopping it stands in for a crash.
    const workers = (pool as unknown as { busy: Map<{ terminate(): Promise<number> }, unknown> }).busy;
    for (let i = 0; i < 100 && workers.size === 0; i++) await sleep(10);
    await [...workers.keys()][0].terminate();
    await assert.rejects(running, (e: unknown) => e instanceof ProblemError && e.status === 503);
    const again = await pool.plan(calls, berths, options);
    assert.equal(again.calls.length, 12);
  });
});
