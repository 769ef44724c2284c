// The solver against brute force on tiny instances, its determinism, and one run on a shared
// benchmark instance (skipped when ../shared/data/bap is not there).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { lowerBound } from './bound.js';
import { checkPlan, describeCheck } from './checker.js';
import { fcfsSchedule } from './fcfs.js';
import { FORBIDDEN, parseInstance, readInstance, type BerthInstance } from './instance.js';
import { Random } from './random.js';
import { solve } from './solver.js';

/**
 * The optimum by enumerating every assignment of vessels to berth sequences (each vessel is
 * inserted at every position of every berth in turn), timed with earliest starts — optimal for
 * fixed sequences, as delaying a vessel never helps. Written apart from the solver on purpose.
 */
function bruteForce(inst: BerthInstance): number {
  const { vessels: n, berths: m } = inst;
  const sequences: number[][] = Array.from({ length: m }, () => []);
  let best = Infinity;
  const cost = (): number => {
    let total = 0;
    for (let k = 0; k < m; k++) {
      let free = inst.opening[k];
      for (const i of sequences[k]) {
        const start = Math.max(free, inst.arrival[i]);
        free = start + inst.handling[i * m + k];
        if (free > inst.latestDeparture[i] || free > inst.closing[k]) return Infinity;
        total += inst.weight[i] * (free - inst.arrival[i]);
      }
    }
    return total;
  };
  const place = (i: number) => {
    if (i === n) {
      best = Math.min(best, cost());
      return;
    }
    for (let k = 0; k < m; k++) {
      if (inst.handling[i * m + k] >= FORBIDDEN) continue;
      for (let p = 0; p <= sequences[k].length; p++) {
        sequences[k].splice(p, 0, i);
        place(i + 1);
        sequences[k].splice(p, 1);
      }
    }
  };
  place(0);
  return best;
}

/** A random tiny instance: crowded berths (so the order matters), some forbidden pairs, and
 *  latest departures that bind for some vessels. */
function randomInstance(seed: number, n: number, m: number, tightShare = 0.3): BerthInstance {
  const rng = new Random(seed);
  const rows = [`${n}`, `${m}`, Array.from({ length: n }, () => rng.int(20)).join(' '), Array.from({ length: m }, () => rng.int(5)).join(' ')];
  const arrival = rows[2].split(' ').map(Number);
  const handling: number[][] = [];
  for (let i = 0; i < n; i++) {
    const row = Array.from({ length: m }, () => (rng.next() < 0.2 ? FORBIDDEN : 3 + rng.int(12)));
    if (row.every((h) => h >= FORBIDDEN)) row[rng.int(m)] = 3 + rng.int(12);
    handling.push(row);
    rows.push(row.join(' '));
  }
  rows.push(Array.from({ length: m }, () => 80 + rng.int(40)).join(' '));
  const latest = arrival.map((a, i) => {
    const fastest = Math.min(...handling[i].filter((h) => h < FORBIDDEN));
    return rng.next() < tightShare ? a + fastest + rng.int(15) : 200;
  });
  const weights = arrival.map(() => 1 + rng.int(3));
  rows.push(`${latest.join(' ')} ${weights.join(' ')}`);
  return parseInstance(rows.join('\r\n'), `random-${seed}`);
}

// Hand-made: the early long vessel must not block the short ones (FCFS gets this wrong).
const CONVOY = parseInstance(['4', '1', '0 1 1 1', '0', '20', '2', '2', '2', '200', '200 200 200 200 1 1 1 1'].join('\r\n'), 'convoy');
// Hand-made: vessel 0 may only use berth 1 and must leave by 12, so vessel 1 has to yield.
const WINDOWS = parseInstance(['3', '2', '0 0 2', '0 0', '99999 10', '5 4', '6 99999', '50 50', '12 50 50 1 5 1'].join('\r\n'), 'windows');

const SHARED = fileURLToPath(new URL('../../../../../shared/data/bap/', import.meta.url));
const FCFS_02 = 12860; // README of the shared data: FCFS greedy on f200x15-02

describe('solve', () => {
  it('finds the optimum of hand-made instances (brute force)', () => {
    for (const inst of [CONVOY, WINDOWS]) {
      const r = solve(inst, { timeLimit: 60, maxIterations: 200, seed: 1 });
      const check = checkPlan(inst, r.plan.assignments, r.objective);
      assert.ok(check.feasible, describeCheck(check));
      assert.equal(r.objective, bruteForce(inst));
    }
    // The convoy: the long vessel, first to arrive, is best handled last (FCFS: 20 + 21 + 23 + 25).
    assert.equal(bruteForce(CONVOY), 2 + 4 + 6 + 27);
    assert.equal(fcfsSchedule(CONVOY).cost, 89);
  });

  it('finds the optimum of random instances of up to 7 vessels (brute force)', () => {
    const sizes: [number, number][] = [[5, 2], [6, 2], [6, 3], [7, 2], [7, 3], [7, 2]];
    sizes.forEach(([n, m], x) => {
      const inst = randomInstance(100 + x, n, m);
      const optimum = bruteForce(inst);
      const r = solve(inst, { timeLimit: 60, maxIterations: 300, seed: 7 });
      if (optimum === Infinity) {
        assert.equal(r.complete, false, `${n}×${m}: no feasible plan exists`);
        return;
      }
      const check = checkPlan(inst, r.plan.assignments, r.objective);
      assert.ok(r.complete && check.feasible, describeCheck(check));
      assert.equal(r.objective, optimum, `random instance ${x} (${n} vessels, ${m} berths)`);
      const { bound } = lowerBound(inst, { upperBound: optimum, iterations: 500 });
      assert.ok(bound <= optimum, `lower bound ${bound} ≤ optimum ${optimum}`);
    });
  });

  it('is deterministic for a seed and an iteration budget', () => {
    const inst = randomInstance(5, 30, 4, 0);
    const a = solve(inst, { timeLimit: 60, maxIterations: 150, seed: 42 });
    const b = solve(inst, { timeLimit: 60, maxIterations: 150, seed: 42 });
    assert.deepEqual(a.plan, b.plan);
    assert.equal(a.iterations, 150);
    const c = solve(inst, { timeLimit: 60, maxIterations: 150, seed: 43 });
    const check = checkPlan(inst, c.plan.assignments, c.objective);
    assert.ok(check.feasible, describeCheck(check));
  });

  it('reports the vessels it cannot place instead of breaking a time window', () => {
    // Two vessels that both need berth 0 during [0, 10): only one fits.
    const inst = parseInstance(['2', '1', '0 0', '0', '10', '10', '100', '10 10 1 1'].join('\r\n'));
    const r = solve(inst, { timeLimit: 60, maxIterations: 20 });
    assert.equal(r.complete, false);
    assert.equal(r.unassigned.length, 1);
    assert.equal(r.fcfsObjective, null);
    const check = checkPlan(inst, r.plan.assignments);
    assert.deepEqual(check.violations.map((v) => v.kind), ['missing'], 'the plan it gives breaks nothing else');
  });

  it('plans a shared benchmark instance feasibly and far below FCFS', { skip: existsSync(SHARED) ? false : `shared DBAP instances not found at ${SHARED}` }, () => {
    const inst = readInstance(`${SHARED}f200x15-02.txt`);
    assert.equal(fcfsSchedule(inst).cost, FCFS_02, 'FCFS reproduces the README value');
    const r = solve(inst, { timeLimit: 2, seed: 1 });
    const check = checkPlan(inst, r.plan.assignments, r.objective);
    assert.ok(check.feasible, describeCheck(check));
    assert.equal(r.fcfsObjective, FCFS_02);
    assert.ok(r.objective < FCFS_02, `${r.objective} < ${FCFS_02}`);
    assert.ok(r.timeToBest <= r.elapsed);
  });
});
