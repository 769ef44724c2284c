// Operational berth planning: the terminal planner's calls of the coming days become a discrete
// dynamic berth allocation instance (minutes from the plan's start), the optimiser solves it, an
// independent checker verifies it, and each ship's place and wait are explained.
//
// Minimal disruption on re-planning: ships alongside, or due within `freezeHours` and already
// given a berth, keep that berth (their other berths are forbidden), so a changed ETA moves only
// the ships whose plans can still change without cost.
//
// Pins: the planner may fix a ship to a berth and a start (dragging its bar on the Gantt). A
// pinned ship may use only that berth and must start exactly then: the solver sees its arrival
// moved to the pinned start and its latest departure at the pinned end, so every other ship is
// re-optimised around it; the checker judges the plan against the ship's real ETA.
import type { BerthRow } from '../schema.js';
import type { PlanningCall } from '../calls/store.js';
import { berthLengthM, berthMisfit, UNDER_KEEL_M } from './berthFit.js';
import { invalidCoded, type ProblemItem } from '../problems.js';
import { explanation, type Explanation } from './explanations.js';
import { check, solve, FORBIDDEN, type BerthInstance } from '../optimizer/index.js';

export const DEFAULT_MOVES_PER_CRANE_HOUR = 28;
/** Mooring, lashing checks and unmooring around the cargo work. */
const BERTH_OVERHEAD_MINUTES = 120;
/** Moves assumed when a call has no moves forecast: a mid-sized exchange. */
const DEFAULT_MOVES = 1200;
const MINUTE_MS = 60_000;

export interface BerthPlanOptions {
  /** Plan origin (UTC ms): arrival times are counted in minutes from here. */
  originMs: number;
  nowMs: number;
  freezeHours: number;
  movesPerCraneHour: number;
  timeLimitSeconds: number;
  seed: number;
  /** Stops the search after this many iterations too: with a time limit never reached, the plan depends on the seed alone. */
  maxIterations?: number;
  pins?: BerthPin[];
}

/** The planner's fixed place for one ship: this berth, starting then (UTC ms). */
export interface BerthPin {
  portCallID: string;
  berthId: string;
  startMs: number;
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
  pinned: boolean;
  /** Why this berth and why this wait: a code and parameters for the reader's language, and English text. */
  why: { berth: Explanation; wait: Explanation };
}

export interface BerthPlanResult {
  objectiveMinutes: number;
  firstComeFirstServedMinutes: number | null;
  feasible: boolean;
  violations: string[];
  /** The same violations as items with a code and parameters (`problems.ts`), for the reader's language. */
  violationItems?: ProblemItem[];
  /** `reason` is English; `why` the same as a code with parameters. */
  unplaceable: { portCallID: string; vesselName: string; reason: string; why: Explanation }[];
  calls: PlannedCall[];
  solverSeconds: number;
}

const iso = (ms: number) => new Date(ms).toISOString();

function handlingMinutes(call: PlanningCall, berth: BerthRow, movesPerCraneHour: number): number {
  const moves = call.expectedMoves ?? DEFAULT_MOVES;
  const cranes = Math.max(1, berth.crane_count);
  return Math.ceil((moves / (cranes * movesPerCraneHour)) * 60) + BERTH_OVERHEAD_MINUTES;
}

const fits = (call: PlanningCall, berth: BerthRow) => berthMisfit(call, berth) === undefined;

/**
 * The arrival a plan assumes for a ship: its latest ETA-Berth. The PTA is the terminal's own
 * plan, so re-planning from it would keep a ship's old slot after its ETA moved.
 */
export const assumedArrival = (c: Pick<PlanningCall, 'etaBerth' | 'expectedBerthArrival'>) => c.etaBerth ?? c.expectedBerthArrival;

/**
 * Pins the planner cannot have: an unknown call or berth, a berth the ship does not fit, a start
 * before the ship arrives or before the window, a ship alongside moved, two pins overlapping.
 * Thrown as a 400 naming the pin's field and the rule.
 */
function checkPins(pins: BerthPin[], calls: PlanningCall[], berths: BerthRow[], o: BerthPlanOptions) {
  const taken: { i: number; vessel: string; berthId: string; start: number; end: number }[] = [];
  const seen = new Set<string>();
  pins.forEach((pin, i) => {
    const at = `/body/pins/${i}`;
    const call = calls.find((c) => c.portCallID === pin.portCallID);
    if (!call) throw invalidCoded(`${at}/portCallID`, 'berthPlan.pinUnknownCall', { portCallID: pin.portCallID }, `port call ${pin.portCallID} is not among the calls of this terminal expected in the window`);
    if (seen.has(pin.portCallID)) throw invalidCoded(`${at}/portCallID`, 'berthPlan.duplicatePin', { portCallID: pin.portCallID }, `port call ${pin.portCallID} is pinned twice`);
    seen.add(pin.portCallID);
    const berth = berths.find((b) => b.berth_id === pin.berthId);
    if (!berth) throw invalidCoded(`${at}/berthId`, 'berthPlan.unknownBerth', { berth: pin.berthId }, `the terminal has no berth ${pin.berthId}`);
    if (!fits(call, berth)) {
      throw invalidCoded(`${at}/berthId`, 'berthPlan.berthFit', {
        vessel: call.vesselName, loaM: call.lengthOverallM, draughtM: call.maxDraughtM, berth: berth.berth_id,
        lengthM: berthLengthM(berth), depthM: berth.depth_m, underKeelM: UNDER_KEEL_M,
      }, `${call.vesselName} (${call.lengthOverallM} m LOA, ${call.maxDraughtM} m draught) does not fit berth ${berth.berth_id} (${berthLengthM(berth)} m, ${berth.depth_m} m deep, ${UNDER_KEEL_M} m under-keel clearance)`);
    }
    if (call.status === 'ALONGSIDE' && (call.berthId !== pin.berthId)) {
      throw invalidCoded(`${at}/berthId`, 'berthPlan.alongside', { vessel: call.vesselName, berth: call.berthId ?? '' }, `${call.vesselName} is alongside berth ${call.berthId} and cannot be moved`);
    }
    if (pin.startMs < o.originMs) throw invalidCoded(`${at}/start`, 'berthPlan.beforeWindow', { windowStart: iso(o.originMs) }, `the start lies before the plan's window begins (${iso(o.originMs)})`);
    const arrival = Date.parse(assumedArrival(call));
    if (call.status !== 'ALONGSIDE' && pin.startMs < arrival) {
      throw invalidCoded(`${at}/start`, 'berthPlan.beforeArrival', { vessel: call.vesselName, eta: iso(arrival) }, `${call.vesselName} cannot berth before it arrives: its ETA is ${iso(arrival)}`);
    }
    const end = pin.startMs + handlingMinutes(call, berth, o.movesPerCraneHour) * MINUTE_MS;
    const clash = taken.find((x) => x.berthId === pin.berthId && x.start < end && pin.startMs < x.end);
    if (clash) throw invalidCoded(`${at}/start`, 'berthPlan.pinOverlap', { vessel: call.vesselName, otherVessel: clash.vessel, berth: pin.berthId }, `overlaps the ship pinned by pins/${clash.i} at berth ${pin.berthId}`);
    taken.push({ i, vessel: call.vesselName, berthId: pin.berthId, start: pin.startMs, end });
  });
}

export function planBerths(calls: PlanningCall[], berths: BerthRow[], o: BerthPlanOptions): BerthPlanResult {
  const pins = o.pins ?? [];
  checkPins(pins, calls, berths, o);
  const placeable = calls.filter((c) => berths.some((b) => fits(c, b)));
  const unplaceable = calls.filter((c) => !placeable.includes(c)).map((c) => {
    const why = explanation('berthPlan.why.noBerthFits', { loa: c.lengthOverallM, draught: c.maxDraughtM },
      `no berth of the terminal takes a ${c.lengthOverallM} m ship with ${c.maxDraughtM} m draught`);
    return { portCallID: c.portCallID, vesselName: c.vesselName, reason: why.text, why };
  });
  const n = placeable.length, m = berths.length;
  const arrival = new Int32Array(n), latest = new Int32Array(n), weight = new Int32Array(n).fill(1);
  const handling = new Int32Array(n * m);
  const pinOf = placeable.map((c) => pins.find((p) => p.portCallID === c.portCallID));
  // A pin overrides the freeze: the planner moved the ship on purpose.
  const kept = placeable.map((c, i) => !pinOf[i] && c.berthId !== null && (c.status === 'ALONGSIDE' || Date.parse(assumedArrival(c)) < o.nowMs + o.freezeHours * 3600_000));
  // `arrival` is what the solver sees (a pinned ship arrives at its pin); `eta` is the ship's real
  // arrival, against which the checker and the objective measure the plan.
  const eta = new Int32Array(n), realLatest = new Int32Array(n);
  const minutes = (ms: number) => Math.max(0, Math.round((ms - o.originMs) / MINUTE_MS));
  placeable.forEach((c, i) => {
    eta[i] = minutes(Date.parse(assumedArrival(c)));
    const pin = pinOf[i];
    berths.forEach((b, k) => {
      const allowed = fits(c, b) && (pin ? b.berth_id === pin.berthId : !kept[i] || b.berth_id === c.berthId);
      handling[i * m + k] = allowed ? handlingMinutes(c, b, o.movesPerCraneHour) : FORBIDDEN;
    });
    if (pin) {
      const k = berths.findIndex((b) => b.berth_id === pin.berthId);
      arrival[i] = minutes(pin.startMs);
      latest[i] = realLatest[i] = arrival[i] + handling[i * m + k];
      // An alongside ship's ETA lies behind it; it is judged by its pin only.
      if (c.status === 'ALONGSIDE') eta[i] = Math.min(eta[i], arrival[i]);
    } else {
      arrival[i] = eta[i];
      latest[i] = realLatest[i] = 2_000_000_000;
    }
  });
  const berthWindows = { opening: new Int32Array(m), closing: new Int32Array(m).fill(2_000_000_000) };
  const instance: BerthInstance = { vessels: n, berths: m, arrival, latestDeparture: latest, weight, ...berthWindows, handling };
  // The ships as they are: real arrivals, pinned ships held to their berth and end.
  const real: BerthInstance = { ...instance, arrival: eta, latestDeparture: realLatest };
  if (n === 0) {
    return { objectiveMinutes: 0, firstComeFirstServedMinutes: 0, feasible: true, violations: [], unplaceable, calls: [], solverSeconds: 0 };
  }
  const result = solve(instance, { timeLimit: o.timeLimitSeconds, seed: o.seed, maxIterations: o.maxIterations });
  // Twice: against the solver's own instance (the claimed objective must be recomputed exactly)
  // and against the real arrivals (a pinned ship starts no earlier than its ETA, exactly at its pin).
  const own = check(instance, result.plan.assignments, result.plan.objective);
  const verdict = check(real, result.plan.assignments);
  const pinViolations = result.plan.assignments.filter((a) => pinOf[a.vessel] && a.start !== arrival[a.vessel])
    .map((a) => `pin: ${placeable[a.vessel].vesselName} starts at minute ${a.start}, not at its pinned minute ${arrival[a.vessel]}`);
  const byBerth = new Map<number, { vessel: number; start: number; end: number }[]>();
  for (const a of result.plan.assignments) {
    const end = a.start + handling[a.vessel * m + a.berth];
    byBerth.set(a.berth, [...(byBerth.get(a.berth) ?? []), { vessel: a.vessel, start: a.start, end }]);
  }
  for (const list of byBerth.values()) list.sort((x, y) => x.start - y.start);

  const planned = result.plan.assignments.map((a): PlannedCall => {
    const c = placeable[a.vessel];
    const h = handling[a.vessel * m + a.berth];
    const wait = a.start - eta[a.vessel];
    return {
      portCallID: c.portCallID, vesselName: c.vesselName, vesselIMONumber: c.vesselIMONumber, berthId: berths[a.berth].berth_id,
      expectedBerthArrival: assumedArrival(c), plannedBerthArrival: iso(o.originMs + a.start * MINUTE_MS),
      plannedBerthDeparture: iso(o.originMs + (a.start + h) * MINUTE_MS), waitMinutes: wait, handlingMinutes: h, kept: kept[a.vessel],
      pinned: pinOf[a.vessel] !== undefined, why: explain(a.vessel, a.berth, a.start, wait),
    };
  });

  /** Why this berth (against each other berth it fits) and why this wait (who holds the berth). */
  function explain(i: number, k: number, start: number, wait: number): { berth: Explanation; wait: Explanation } {
    const finish = start + handling[i * m + k];
    const at = (minute: number) => iso(o.originMs + minute * MINUTE_MS);
    const berth = berths[k].berth_id;
    let berthWhy: Explanation;
    if (pinOf[i]) berthWhy = explanation('berthPlan.why.pinned', { berth, start: at(start) }, `pinned by the planner to berth ${berth} from ${at(start)}`);
    else if (kept[i]) {
      berthWhy = explanation('berthPlan.why.keptAlongside', { berth, hours: o.freezeHours },
        `keeps berth ${berth}: the ship is alongside or due within ${o.freezeHours} h, so its berth is not moved`);
    } else {
      const others = berths.map((b, k2) => ({ b, k2 })).filter(({ k2 }) => k2 !== k && handling[i * m + k2] !== FORBIDDEN);
      const { lengthOverallM: loa, maxDraughtM: draught } = placeable[i];
      if (!others.length) berthWhy = explanation('berthPlan.why.onlyBerth', { loa, draught }, `the only berth that takes a ${loa} m ship with ${draught} m draught`);
      else {
        const alternatives = others.map(({ b, k2 }) => ({ berth: b.berth_id, finish: at(earliestFinish(i, k2)) }));
        berthWhy = explanation('berthPlan.why.finishesHere', { finish: at(finish), cranes: berths[k].crane_count, alternatives },
          `finishes at ${at(finish)} here with ${berths[k].crane_count} cranes; in this plan ${alternatives.map((a) => `${a.berth} would finish at ${a.finish}`).join(', ')}`);
      }
    }
    let waitWhy = explanation('berthPlan.why.onArrival', {}, 'berths on arrival');
    if (wait > 0 && pinOf[i]) waitWhy = explanation('berthPlan.why.waitPinned', { minutes: wait }, `waits ${wait} min: pinned by the planner to start then`);
    else if (wait > 0) {
      const before = (byBerth.get(k) ?? []).filter((x) => x.end <= start && x.vessel !== i).at(-1);
      waitWhy = before && before.end === start
        ? explanation('berthPlan.why.waitFor', { minutes: wait, vessel: placeable[before.vessel].vesselName, berth },
          `waits ${wait} min for ${placeable[before.vessel].vesselName} to leave berth ${berth}`)
        : explanation('berthPlan.why.waitBerthTaken', { minutes: wait }, `waits ${wait} min: the berth is taken until then, and moving to another berth would cost the plan more`);
    }
    return { berth: berthWhy, wait: waitWhy };
  }

  /** Earliest finish of ship i on berth k in the gaps the plan leaves there (for explanations). */
  function earliestFinish(i: number, k: number): number {
    const h = handling[i * m + k];
    let t = eta[i];
    for (const slot of byBerth.get(k) ?? []) {
      if (slot.vessel === i) continue;
      if (t + h <= slot.start) break;
      t = Math.max(t, slot.end);
    }
    return t + h;
  }

  // Without pins both instances are the same and so are the objectives; with pins, the real one
  // counts a pinned ship's wait from its ETA.
  const unassigned = result.unassigned.map((i) => `missing: ${placeable[i].vesselName} could not be placed`);
  const violations = [...new Set([...own.violations, ...verdict.violations].map((v) => `${v.kind}: ${v.message}`)), ...pinViolations];
  // The same, said with ship names, berth names and times instead of the solver's indices and minutes.
  const at = (minute: number) => iso(o.originMs + minute * MINUTE_MS);
  const seenItems = new Set<string>();
  const checkerItems = [...own.violations, ...verdict.violations].flatMap((v): ProblemItem[] => {
    const key = `${v.kind}: ${v.message}`;
    if (seenItems.has(key)) return [];
    seenItems.add(key);
    const vessel = placeable[v.vessel]?.vesselName ?? `#${v.vessel}`;
    const a = result.plan.assignments.find((x) => x.vessel === v.vessel);
    if (v.kind === 'missing') return [{ code: 'berthPlan.violation.missing', vessel }];
    if (a && v.kind === 'before-arrival') return [{ code: 'berthPlan.violation.beforeArrival', vessel, start: at(a.start), eta: at(eta[v.vessel]) }];
    if (a && v.kind === 'overlap') {
      return [{ code: 'berthPlan.violation.overlap', vessel, berth: berths[a.berth].berth_id, start: at(a.start), end: at(a.start + handling[a.vessel * m + a.berth]) }];
    }
    return [{ code: 'berthPlan.violation.other', vessel, text: v.message }];
  });
  const pinItems = result.plan.assignments.filter((a) => pinOf[a.vessel] && a.start !== arrival[a.vessel])
    .map((a): ProblemItem => ({ code: 'berthPlan.violation.pin', vessel: placeable[a.vessel].vesselName, start: at(a.start), pinned: at(arrival[a.vessel]) }));
  const unassignedItems = result.unassigned.map((i): ProblemItem => ({ code: 'berthPlan.violation.missing', vessel: placeable[i].vesselName }));
  const items = [...checkerItems, ...pinItems];
  return {
    objectiveMinutes: verdict.objective,
    firstComeFirstServedMinutes: pins.length ? null : result.fcfsObjective,
    feasible: own.feasible && verdict.feasible && result.complete && !pinViolations.length,
    violations: violations.length ? violations : unassigned,
    violationItems: violations.length ? items : unassignedItems,
    unplaceable,
    calls: planned.sort((x, y) => x.plannedBerthArrival.localeCompare(y.plannedBerthArrival)),
    solverSeconds: result.elapsed,
  };
}
