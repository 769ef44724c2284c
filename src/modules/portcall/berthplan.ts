// Operational berth planning: the terminal planner's calls of the coming days become a discrete
// dynamic berth allocation instance (minutes from the plan's start), the optimiser solves it, an
// independent checker verifies it, and each ship's place and wait are explained.
//
// Minimal disruption on re-planning: ships alongside, or due within `freezeHours` and already
// given a berth, keep that berth (their other berths are forbidden), so a changed ETA moves only
// the ships whose plans can still change without cost.
import type { BerthRow } from './schema.js';
import type { PlanningCall } from './store.js';
import { check, solve, FORBIDDEN, type BerthInstance } from './optimizer/index.js';

export const DEFAULT_MOVES_PER_CRANE_HOUR = 28;
/** Mooring, lashing checks and unmooring around the cargo work. */
const BERTH_OVERHEAD_MINUTES = 120;
/** Moves assumed when a call has no moves forecast: a mid-sized exchange. */
const DEFAULT_MOVES = 1200;
const MINUTE_MS = 60_000;
/** Under-keel clearance the berth's depth must leave below the vessel's maximum draught. */
const UNDER_KEEL_M = 1;

export interface BerthPlanOptions {
  /** Plan origin (UTC ms): arrival times are counted in minutes from here. */
  originMs: number;
  nowMs: number;
  freezeHours: number;
  movesPerCraneHour: number;
  timeLimitSeconds: number;
  seed: number;
}

export interface PlannedCall {
  portCallID: string;
  vesselName: string;
  vesselIMONumber: string;
  berthId: string;
  expectedBerthArrival: string;
  plannedBerthArrival: string;
  plannedBerthDeparture: string;
  waitMinutes: number;
  handlingMinutes: number;
  kept: boolean;
  why: { berth: string; wait: string };
}

export interface BerthPlanResult {
  objectiveMinutes: number;
  firstComeFirstServedMinutes: number | null;
  feasible: boolean;
  violations: string[];
  unplaceable: { portCallID: string; vesselName: string; reason: string }[];
  calls: PlannedCall[];
  solverSeconds: number;
}

const iso = (ms: number) => new Date(ms).toISOString();

function handlingMinutes(call: PlanningCall, berth: BerthRow, movesPerCraneHour: number): number {
  const moves = call.expectedMoves ?? DEFAULT_MOVES;
  const cranes = Math.max(1, berth.crane_count);
  return Math.ceil((moves / (cranes * movesPerCraneHour)) * 60) + BERTH_OVERHEAD_MINUTES;
}

function fits(call: PlanningCall, berth: BerthRow): boolean {
  return berth.max_loa_m >= call.lengthOverallM && berth.length_m >= call.lengthOverallM && berth.depth_m >= call.maxDraughtM + UNDER_KEEL_M;
}

export function planBerths(calls: PlanningCall[], berths: BerthRow[], o: BerthPlanOptions): BerthPlanResult {
  const placeable = calls.filter((c) => berths.some((b) => fits(c, b)));
  const unplaceable = calls.filter((c) => !placeable.includes(c)).map((c) => ({
    portCallID: c.portCallID, vesselName: c.vesselName,
    reason: `no berth of the terminal takes a ${c.lengthOverallM} m ship with ${c.maxDraughtM} m draught`,
  }));
  const n = placeable.length, m = berths.length;
  const arrival = new Int32Array(n), latest = new Int32Array(n), weight = new Int32Array(n).fill(1);
  const handling = new Int32Array(n * m);
  const kept = placeable.map((c) => c.berthId !== null && (c.status === 'ALONGSIDE' || Date.parse(c.expectedBerthArrival) < o.nowMs + o.freezeHours * 3600_000));
  placeable.forEach((c, i) => {
    arrival[i] = Math.max(0, Math.round((Date.parse(c.expectedBerthArrival) - o.originMs) / MINUTE_MS));
    latest[i] = 2_000_000_000;
    berths.forEach((b, k) => {
      const allowed = fits(c, b) && (!kept[i] || b.berth_id === c.berthId);
      handling[i * m + k] = allowed ? handlingMinutes(c, b, o.movesPerCraneHour) : FORBIDDEN;
    });
  });
  const instance: BerthInstance = {
    vessels: n, berths: m, arrival, latestDeparture: latest, weight,
    opening: new Int32Array(m), closing: new Int32Array(m).fill(2_000_000_000), handling,
  };
  if (n === 0) {
    return { objectiveMinutes: 0, firstComeFirstServedMinutes: 0, feasible: true, violations: [], unplaceable, calls: [], solverSeconds: 0 };
  }
  const result = solve(instance, { timeLimit: o.timeLimitSeconds, seed: o.seed });
  const verdict = check(instance, result.plan.assignments, result.plan.objective);
  const byBerth = new Map<number, { vessel: number; start: number; end: number }[]>();
  for (const a of result.plan.assignments) {
    const end = a.start + handling[a.vessel * m + a.berth];
    byBerth.set(a.berth, [...(byBerth.get(a.berth) ?? []), { vessel: a.vessel, start: a.start, end }]);
  }
  for (const list of byBerth.values()) list.sort((x, y) => x.start - y.start);

  const planned = result.plan.assignments.map((a): PlannedCall => {
    const c = placeable[a.vessel];
    const h = handling[a.vessel * m + a.berth];
    const wait = a.start - arrival[a.vessel];
    return {
      portCallID: c.portCallID, vesselName: c.vesselName, vesselIMONumber: c.vesselIMONumber, berthId: berths[a.berth].berth_id,
      expectedBerthArrival: c.expectedBerthArrival, plannedBerthArrival: iso(o.originMs + a.start * MINUTE_MS),
      plannedBerthDeparture: iso(o.originMs + (a.start + h) * MINUTE_MS), waitMinutes: wait, handlingMinutes: h, kept: kept[a.vessel],
      why: explain(a.vessel, a.berth, a.start, wait),
    };
  });

  /** Why this berth (against each other berth it fits) and why this wait (who holds the berth). */
  function explain(i: number, k: number, start: number, wait: number): { berth: string; wait: string } {
    const finish = start + handling[i * m + k];
    let berthWhy: string;
    if (kept[i]) berthWhy = `keeps berth ${berths[k].berth_id}: the ship is alongside or due within ${o.freezeHours} h, so its berth is not moved`;
    else {
      const others = berths.map((b, k2) => ({ b, k2 })).filter(({ k2 }) => k2 !== k && handling[i * m + k2] !== FORBIDDEN);
      if (!others.length) berthWhy = `the only berth that takes a ${placeable[i].lengthOverallM} m ship with ${placeable[i].maxDraughtM} m draught`;
      else {
        const alternatives = others.map(({ b, k2 }) => `${b.berth_id} would finish at ${iso(o.originMs + earliestFinish(i, k2) * MINUTE_MS)}`);
        berthWhy = `finishes at ${iso(o.originMs + finish * MINUTE_MS)} here with ${berths[k].crane_count} cranes; in this plan ${alternatives.join(', ')}`;
      }
    }
    let waitWhy = 'berths on arrival';
    if (wait > 0) {
      const before = (byBerth.get(k) ?? []).filter((x) => x.end <= start && x.vessel !== i).at(-1);
      waitWhy = before && before.end === start
        ? `waits ${wait} min for ${placeable[before.vessel].vesselName} to leave berth ${berths[k].berth_id}`
        : `waits ${wait} min: the berth is taken until then, and moving to another berth would cost the plan more`;
    }
    return { berth: berthWhy, wait: waitWhy };
  }

  /** Earliest finish of ship i on berth k in the gaps the plan leaves there (for explanations). */
  function earliestFinish(i: number, k: number): number {
    const h = handling[i * m + k];
    let t = arrival[i];
    for (const slot of byBerth.get(k) ?? []) {
      if (slot.vessel === i) continue;
      if (t + h <= slot.start) break;
      t = Math.max(t, slot.end);
    }
    return t + h;
  }

  return {
    objectiveMinutes: result.plan.objective,
    firstComeFirstServedMinutes: result.fcfsObjective,
    feasible: verdict.feasible && result.complete,
    violations: verdict.violations.map((v) => `${v.kind}: ${v.message}`),
    unplaceable,
    calls: planned.sort((x, y) => x.plannedBerthArrival.localeCompare(y.plannedBerthArrival)),
    solverSeconds: result.elapsed,
  };
}
