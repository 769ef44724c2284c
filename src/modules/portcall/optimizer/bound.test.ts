// The Lagrangian lower bound: never above the optimum, exact when the berths are not contested.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { lowerBound } from './bound.js';
import { parseInstance } from './instance.js';

describe('lowerBound', () => {
  it('equals the optimum when every vessel can have its best berth and time', () => {
    // Two vessels on two berths, no competition: each is served on arrival at its faster berth.
    const inst = parseInstance(['2', '2', '0 3', '0 0', '4 9', '8 5', '50 50', '50 50 2 3'].join('\r\n'));
    assert.equal(lowerBound(inst, { upperBound: 2 * 4 + 3 * 5 }).bound, 2 * 4 + 3 * 5);
  });

  it('stays below the optimum of a contested berth, and above the no-waiting bound', () => {
    // Four vessels, one berth, the long one first to arrive: the optimum is 2 + 4 + 6 + 27 = 39.
    const inst = parseInstance(['4', '1', '0 1 1 1', '0', '20', '2', '2', '2', '200', '200 200 200 200 1 1 1 1'].join('\r\n'));
    const { bound } = lowerBound(inst, { upperBound: 39, iterations: 2000 });
    assert.ok(bound <= 39, `${bound} ≤ 39`);
    assert.ok(bound > 20 + 2 + 2 + 2, `${bound} beats handling time alone`);
  });

  it('is infinite when a vessel fits no window', () => {
    const inst = parseInstance(['1', '1', '10', '0', '5', '12', '12 1'].join('\r\n'));
    assert.equal(lowerBound(inst, { upperBound: 100 }).bound, Infinity);
  });
});
