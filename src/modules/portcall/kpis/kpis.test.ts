// KPI computation on hand-computed fixtures.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { computeKpis, groupKpis, isMainline, percentile, type KpiCall } from './kpis.js';

const h = (base: string, hours: number) => new Date(Date.parse(base) + hours * 3_600_000).toISOString();
const T0 = '2026-03-01T00:00:00.000Z';

function call(over: Partial<KpiCall>): KpiCall {
  return {
    id: 'x', terminalCode: 'QQCT', serviceCode: 'AEX', referenceTime: T0, teuCapacity: 8000, isMainlineService: false, cranes: null, moves: null,
    ataPbp: null, ataBerth: null, atdBerth: null, cargoOpsStart: null, cargoOpsEnd: null, baselineBerthArrival: null, ...over,
  };
}

// A: waits 5 h at anchorage; 900 moves in 10 h, cranes unknown; on schedule (+5 h).
const A = call({ id: 'A', ataPbp: T0, ataBerth: h(T0, 5), atdBerth: h(T0, 29), cargoOpsStart: h(T0, 6), cargoOpsEnd: h(T0, 16), moves: 900, baselineBerthArrival: T0 });
// B: berths on arrival (1.5 h, pilotage included); mainline by size (14,000 TEU); 1,600 moves in 20 h with 4 cranes; 30 h late.
const B = call({
  id: 'B', terminalCode: 'QQCT', serviceCode: 'AEU', teuCapacity: 14_000, ataPbp: T0, ataBerth: h(T0, 1.5), atdBerth: h(T0, 25.5),
  cargoOpsStart: h(T0, 2), cargoOpsEnd: h(T0, 22), moves: 1600, cranes: 4, baselineBerthArrival: h(T0, -28.5),
});
// C: no actual arrival at the pilot boarding place: left out of berth-on-arrival and waiting.
const C = call({ id: 'C', terminalCode: 'QQCT2', referenceTime: '2026-04-02T00:00:00.000Z', ataBerth: h(T0, 10), baselineBerthArrival: T0 });
// D: mainline by service flag (5,000 TEU); berths exactly at the 2 h tolerance; no baseline.
const D = call({ id: 'D', teuCapacity: 5000, isMainlineService: true, ataPbp: T0, ataBerth: h(T0, 2), atdBerth: h(T0, 14) });

describe('port KPIs', () => {
  const k = computeKpis([A, B, C, D]);

  it('berth-on-arrival rate counts calls within 2 h, leaving out those without both actuals', () => {
    assert.deepEqual(k.berthOnArrival, { rate: 0.6667, onArrival: 2, measured: 3, excluded: 1 });
  });

  it('waiting time: average and p90 from PBP arrival to berth arrival', () => {
    // (5 + 1.5 + 2) / 3 = 2.8333…; p90 by nearest rank of 3 values is the 3rd: 5.
    assert.deepEqual(k.waitingHours, { average: 2.83, p90: 5, measured: 3 });
  });

  it('time in port over mainline calls only (≥ 10,000 TEU or flagged)', () => {
    assert.equal(isMainline(A), false);
    assert.equal(isMainline(B), true);
    assert.equal(isMainline(D), true);
    // B 25.5 h, D 14 h.
    assert.deepEqual(k.timeInPortHours, { average: 19.75, measured: 2, mainlineCalls: 2, excluded: 0 });
  });

  it('moves per ship-hour and per crane-hour are ratios of sums', () => {
    // (900 + 1600) / (10 + 20) = 83.33; crane-hours only where cranes are known: 1600 / (4 × 20) = 20.
    assert.deepEqual(k.movesPerShipHour, { value: 83.33, moves: 2500, shipHours: 30, measured: 2 });
    assert.deepEqual(k.movesPerCraneHour, { value: 20, moves: 1600, craneHours: 80, measured: 1 });
  });

  it('schedule reliability: within ±24 h of the first PTA/ETA', () => {
    // A +5 h on time, B +30 h late, C +10 h on time, D without baseline.
    assert.deepEqual(k.scheduleReliability, { rate: 0.6667, onTime: 2, measured: 3, excluded: 1 });
    assert.equal(computeKpis([A, B, C, D], { berthOnArrivalToleranceMinutes: 120, scheduleWindowHours: 4 }).scheduleReliability.onTime, 0);
  });

  it('the tolerance is a parameter', () => {
    assert.equal(computeKpis([A, B, D], { berthOnArrivalToleranceMinutes: 300, scheduleWindowHours: 24 }).berthOnArrival.onArrival, 3);
    assert.equal(computeKpis([A, B, D], { berthOnArrivalToleranceMinutes: 60, scheduleWindowHours: 24 }).berthOnArrival.onArrival, 0);
  });

  it('empty input gives nulls, not NaN', () => {
    const e = computeKpis([]);
    assert.equal(e.berthOnArrival.rate, null);
    assert.equal(e.waitingHours.average, null);
    assert.equal(e.movesPerShipHour.value, null);
  });

  it('a berth arrival before the PBP arrival is a data error, not a negative wait', () => {
    assert.equal(computeKpis([call({ ataPbp: h(T0, 3), ataBerth: T0 })]).berthOnArrival.measured, 0);
  });

  it('groups by terminal, service and month, sorted by key', () => {
    assert.deepEqual(groupKpis([A, B, C, D], 'terminal').map((g) => [g.key, g.calls]), [['QQCT', 3], ['QQCT2', 1]]);
    assert.deepEqual(groupKpis([A, B, C, D], 'service').map((g) => [g.key, g.calls]), [['AEU', 1], ['AEX', 3]]);
    assert.deepEqual(groupKpis([A, B, C, D], 'month').map((g) => [g.key, g.calls]), [['2026-03', 3], ['2026-04', 1]]);
    assert.deepEqual(groupKpis([A], undefined).map((g) => g.key), [null]);
  });

  it('percentile by nearest rank', () => {
    assert.equal(percentile([], 90), null);
    assert.equal(percentile([7], 90), 7);
    assert.equal(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 90), 9);
    assert.equal(percentile([10, 1, 5], 50), 5);
  });
});
