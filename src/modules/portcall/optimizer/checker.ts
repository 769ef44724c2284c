// An independent judge of berth plans. It re-derives everything from the instance and the plan's
// own (vessel, berth, start) triples — deliberately sharing no code with the solver's schedule
// decoding, so that a bug there cannot hide itself here.
import { FORBIDDEN, type BerthInstance } from './instance.js';
import type { Assignment } from './plan.js';

export type ViolationKind =
  | 'unknown-vessel' // vessel index outside 0…N−1
  | 'duplicate' // vessel assigned more than once
  | 'missing' // vessel not assigned
  | 'unknown-berth' // berth index outside 0…M−1
  | 'forbidden-berth' // h_ik = 99999
  | 'bad-start' // start time not a finite number
  | 'before-arrival' // start < a_i
  | 'before-opening' // start < s_k
  | 'after-latest-departure' // start + h_ik > b_i
  | 'after-closing' // start + h_ik > e_k
  | 'overlap'; // shares its berth with another vessel at the same time

export interface Violation {
  vessel: number;
  kind: ViolationKind;
  message: string;
}

export interface CheckResult {
  /** True when there is no violation at all (and the claimed objective, if given, matches). */
  feasible: boolean;
  /** Σ v_i (T_i + h_ik − a_i) over the assignments that name a valid vessel and allowed berth. */
  objective: number;
  /** Every violation found, sorted by vessel. */
  violations: Violation[];
  /** The same violations grouped by vessel index. */
  byVessel: Map<number, Violation[]>;
  /** Set when a claimed objective was given and differs from the recomputed one. */
  objectiveMismatch?: { claimed: number; recomputed: number };
}

/**
 * Checks a plan against the instance. `claimedObjective`, when given, must equal the recomputed
 * objective (to 1e-6 relative), or the plan is reported infeasible with `objectiveMismatch` set.
 */
export function checkPlan(instance: BerthInstance, assignments: readonly Assignment[], claimedObjective?: number): CheckResult {
  const { vessels: n, berths: m } = instance;
  const violations: Violation[] = [];
  const add = (vessel: number, kind: ViolationKind, message: string) => violations.push({ vessel, kind, message });
  const seen = new Array<boolean>(n).fill(false);
  // Intervals per berth for the overlap test: [start, end, vessel].
  const onBerth: [number, number, number][][] = Array.from({ length: m }, () => []);
  let objective = 0;

  for (const { vessel: i, berth: k, start } of assignments) {
    if (!Number.isInteger(i) || i < 0 || i >= n) {
      add(i, 'unknown-vessel', `vessel ${i} does not exist (the instance has vessels 0…${n - 1})`);
      continue;
    }
    if (seen[i]) {
      add(i, 'duplicate', `vessel ${i} is assigned more than once`);
      continue;
    }
    seen[i] = true;
    if (!Number.isInteger(k) || k < 0 || k >= m) {
      add(i, 'unknown-berth', `vessel ${i} is assigned to berth ${k}, which does not exist (berths 0…${m - 1})`);
      continue;
    }
    const h = instance.handling[i * m + k];
    if (h >= FORBIDDEN) {
      add(i, 'forbidden-berth', `vessel ${i} may not use berth ${k}`);
      continue;
    }
    if (typeof start !== 'number' || !Number.isFinite(start)) {
      add(i, 'bad-start', `vessel ${i} has no valid start time (${String(start)})`);
      continue;
    }
    const end = start + h;
    const arrival = instance.arrival[i];
    if (start < arrival) add(i, 'before-arrival', `vessel ${i} starts at ${start}, before it arrives at ${arrival}`);
    if (start < instance.opening[k]) add(i, 'before-opening', `vessel ${i} starts at ${start}, before berth ${k} opens at ${instance.opening[k]}`);
    if (end > instance.latestDeparture[i]) add(i, 'after-latest-departure', `vessel ${i} ends at ${end}, after its latest departure ${instance.latestDeparture[i]}`);
    if (end > instance.closing[k]) add(i, 'after-closing', `vessel ${i} ends at ${end}, after berth ${k} closes at ${instance.closing[k]}`);
    onBerth[k].push([start, end, i]);
    objective += instance.weight[i] * (end - arrival);
  }
  for (let i = 0; i < n; i++) if (!seen[i]) add(i, 'missing', `vessel ${i} is not assigned to any berth`);

  onBerth.forEach((intervals, k) => {
    intervals.sort((x, y) => x[0] - y[0] || x[1] - y[1]);
    // Compare each vessel with the one ending last so far: that catches every overlapping pair
    // against at least one partner, including a long vessel covering several short ones.
    let last: [number, number, number] | undefined;
    for (const interval of intervals) {
      if (last && interval[0] < last[1]) {
        add(interval[2], 'overlap', `vessel ${interval[2]} (${interval[0]}–${interval[1]}) overlaps vessel ${last[2]} (${last[0]}–${last[1]}) at berth ${k}`);
      }
      if (!last || interval[1] > last[1]) last = interval;
    }
  });

  violations.sort((x, y) => x.vessel - y.vessel);
  const byVessel = new Map<number, Violation[]>();
  for (const v of violations) {
    const list = byVessel.get(v.vessel);
    if (list) list.push(v);
    else byVessel.set(v.vessel, [v]);
  }
  const result: CheckResult = { feasible: violations.length === 0, objective, violations, byVessel };
  if (claimedObjective !== undefined && Math.abs(claimedObjective - objective) > 1e-6 * Math.max(1, Math.abs(objective))) {
    result.objectiveMismatch = { claimed: claimedObjective, recomputed: objective };
    result.feasible = false;
  }
  return result;
}

/** One line per violation (at most `limit`), for people. */
export function describeCheck(result: CheckResult, limit = 10): string {
  if (result.feasible) return `feasible, objective ${result.objective} recomputed`;
  const lines = result.violations.slice(0, limit).map((v) => `  ${v.message}`);
  if (result.violations.length > limit) lines.push(`  … and ${result.violations.length - limit} more`);
  if (result.objectiveMismatch) lines.push(`  claimed objective ${result.objectiveMismatch.claimed} ≠ recomputed ${result.objectiveMismatch.recomputed}`);
  return `INFEASIBLE (${result.violations.length} violation(s)):\n${lines.join('\n')}`;
}
