// The independent plan checker: each kind of violation is caught and attributed to its vessel.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { checkPlan, describeCheck, type ViolationKind } from './checker.js';
import { parseInstance } from './instance.js';
import type { Assignment } from './plan.js';

// 4 vessels, 2 berths. Berth 0 open [0, 100], berth 1 open [10, 50]. Vessel 3 may not use berth 1.
//             a_i: 0 2 3 5       h_i0 h_i1    b_i: 40 60 60 60   v_i: 1 2 1 3
const INSTANCE = parseInstance(['4 2', '0 2 3 5', '0 10', '10 8', '5 5', '4 6', '7 99999', '100 50', '40 60 60 60 1 2 1 3'].join('\r\n'));

// A feasible plan: berth 0: vessel 0 [0,10), vessel 3 [10,17); berth 1: vessel 1 [10,15), vessel 2 [15,21).
const VALID: Assignment[] = [
  { vessel: 0, berth: 0, start: 0 },
  { vessel: 1, berth: 1, start: 10 },
  { vessel: 2, berth: 1, start: 15 },
  { vessel: 3, berth: 0, start: 10 },
];
// Σ v (start + h − a) = 1·10 + 2·13 + 1·18 + 3·12
const VALID_OBJECTIVE = 10 + 26 + 18 + 36;

const withChange = (change: (plan: Assignment[]) => Assignment[]) => change(VALID.map((x) => ({ ...x })));
const kinds = (plan: Assignment[]) => checkPlan(INSTANCE, plan).violations.map((v) => `${v.vessel}:${v.kind}`);

describe('checkPlan', () => {
  it('accepts a feasible plan and recomputes its objective', () => {
    const r = checkPlan(INSTANCE, VALID, VALID_OBJECTIVE);
    assert.equal(r.feasible, true, describeCheck(r));
    assert.equal(r.objective, VALID_OBJECTIVE);
    assert.deepEqual(r.violations, []);
    assert.equal(r.objectiveMismatch, undefined);
  });

  it('does not care about the order of the assignments', () => {
    assert.equal(checkPlan(INSTANCE, [...VALID].reverse(), VALID_OBJECTIVE).feasible, true);
  });

  const cases: [string, (p: Assignment[]) => Assignment[], string[]][] = [
    ['a vessel that does not exist', (p) => [...p, { vessel: 4, berth: 0, start: 50 }], ['4:unknown-vessel']],
    ['a vessel assigned twice', (p) => [...p, { vessel: 2, berth: 0, start: 60 }], ['2:duplicate']],
    ['a vessel left out', (p) => p.filter((x) => x.vessel !== 1), ['1:missing']],
    ['a berth that does not exist', (p) => ((p[1].berth = 2), p), ['1:unknown-berth']],
    ['a forbidden berth (99999)', (p) => ((p[3].berth = 1), (p[3].start = 30), p), ['3:forbidden-berth']],
    ['a start time that is not a number', (p) => ((p[2].start = Number.NaN), p), ['2:bad-start']],
    ['a start before the arrival', (p) => ((p[2].start = 1), (p[2].berth = 0), (p[0].start = 5), (p[3].start = 15), p), ['2:before-arrival']],
    ['a start before the berth opens', (p) => ((p[1].start = 5), p), ['1:before-opening']],
    ['an end after the latest departure', (p) => ((p[0].start = 35), (p[3].start = 45), p), ['0:after-latest-departure']],
    ['an end after the berth closes', (p) => ((p[2].start = 45), p), ['2:after-closing']],
    ['two vessels at once on a berth', (p) => ((p[2].start = 14), p), ['2:overlap']],
  ];
  for (const [what, change, expected] of cases) {
    it(`reports ${what}`, () => {
      const plan = withChange(change);
      const r = checkPlan(INSTANCE, plan);
      assert.equal(r.feasible, false);
      assert.deepEqual(kinds(plan).sort(), expected);
      for (const v of r.violations) assert.ok(r.byVessel.get(v.vessel)?.includes(v), 'grouped by vessel');
    });
  }

  it('catches a long vessel that covers a shorter one entirely', () => {
    const inst = parseInstance(['3 1', '0 0 0', '0', '30', '2', '2', '100', '100 100 100 1 1 1'].join('\n'));
    const r = checkPlan(inst, [
      { vessel: 0, berth: 0, start: 0 },
      { vessel: 1, berth: 0, start: 10 },
      { vessel: 2, berth: 0, start: 20 },
    ]);
    assert.deepEqual(r.violations.map((v) => `${v.vessel}:${v.kind}`), ['1:overlap', '2:overlap']);
  });

  it('lets a vessel start exactly when the previous one leaves', () => {
    const r = checkPlan(INSTANCE, VALID);
    assert.equal(r.feasible, true);
  });

  it('rejects a claimed objective that differs from the recomputed one', () => {
    const r = checkPlan(INSTANCE, VALID, VALID_OBJECTIVE - 1);
    assert.equal(r.feasible, false);
    assert.deepEqual(r.violations, []);
    assert.deepEqual(r.objectiveMismatch, { claimed: VALID_OBJECTIVE - 1, recomputed: VALID_OBJECTIVE });
    assert.match(describeCheck(r), /claimed objective 89 ≠ recomputed 90/);
  });

  it('lists every violation kind it knows in its type', () => {
    const all: ViolationKind[] = ['unknown-vessel', 'duplicate', 'missing', 'unknown-berth', 'forbidden-berth', 'bad-start', 'before-arrival', 'before-opening', 'after-latest-departure', 'after-closing', 'overlap'];
    const seen = new Set(cases.flatMap(([, change]) => kinds(withChange(change)).map((k) => k.split(':')[1])));
    for (const kind of all) assert.ok(seen.has(kind), `a test covers ${kind}`);
  });
});
