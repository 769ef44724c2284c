// The HiGHS model against the metaheuristic and the checker on tiny instances (skipped when the
// optional `highs` package is not installed).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { checkPlan, describeCheck } from './checker.js';
import { exactModel, solveExact } from './exact.js';
import { parseInstance } from './instance.js';
import { solve } from './solver.js';

const highsMissing = await import('highs').then(() => false, () => 'the optional highs package is not installed');

// 6 vessels, 2 berths: vessel 5 only fits berth 1 and must leave by 20; vessel 0 is slow on berth 0.
const INSTANCE = parseInstance(['6', '2', '0 0 1 2 3 4', '0 2', '20 9', '4 5', '6 5', '3 4', '7 6', '99999 5', '80 80', '80 80 80 80 80 20 1 2 1 1 3 2'].join('\r\n'), 'tiny');

describe('solveExact', { skip: highsMissing }, () => {
  it('proves the optimum that the metaheuristic finds, with a plan the checker accepts', async () => {
    const exact = await solveExact(INSTANCE, { timeLimit: 30 });
    assert.equal(exact.status, 'optimal');
    const check = checkPlan(INSTANCE, exact.plan!.assignments, exact.objective!);
    assert.ok(check.feasible, describeCheck(check));
    const heuristic = solve(INSTANCE, { timeLimit: 60, maxIterations: 200, seed: 1 });
    assert.equal(heuristic.objective, exact.objective);
  });

  it('says when an instance has no feasible plan', async () => {
    const inst = parseInstance(['2', '1', '0 0', '0', '10', '10', '100', '10 10 1 1'].join('\r\n'));
    const exact = await solveExact(inst, { timeLimit: 10 });
    assert.equal(exact.status, 'infeasible');
    assert.equal(exact.plan, null);
  });
});

describe('exactModel', () => {
  it('declares only allowed berth variables as binaries', () => {
    const model = exactModel(INSTANCE);
    assert.match(model, /\bx5_1\b/);
    assert.doesNotMatch(model, /\bx5_0\b/);
    assert.match(model, /^Binary$/m);
  });
});
