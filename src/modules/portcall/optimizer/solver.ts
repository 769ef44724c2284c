// The berth planning metaheuristic: adaptive large neighbourhood search (Ropke & Pisinger 2006)
// over berth sequences, each repaired plan polished by a local-search descent.
//
// Start: the FCFS plan, improved by descent. Each iteration copies the current plan, removes 2–8 %
// of the vessels (at least up to 6) with one of the destroy operators, re-inserts them with one of
// the repair operators, runs the descent from the re-inserted vessels (it spreads to the berths
// its own moves touch), and accepts the result by a simulated-annealing test whose temperature
// falls geometrically over the time (or iteration) budget. Operators are drawn by weights that
// follow their recent success. When the best plan has not improved for a while the search goes
// back to it. The descent after every repair is what makes it strong: without it (or when it is
// skipped for unpromising repairs) results were clearly worse at equal time.
//
// Time windows are never violated: insertions that would make a vessel miss its latest departure
// or a berth's closing are rejected, and a vessel that fits nowhere stays unassigned at a penalty
// larger than any complete plan's cost, so the search always prefers plans that serve everyone.
import { FORBIDDEN, type BerthInstance } from './instance.js';
import { createDestroyOperators } from './destroy.js';
import { fcfsSchedule } from './fcfs.js';
import { LocalSearch } from './localSearch.js';
import type { BerthPlan } from './plan.js';
import { Random } from './random.js';
import { createRepairOperators } from './repair.js';
import { Schedule } from './schedule.js';

export interface SolveOptions {
  /** Wall-clock budget in seconds (default 10). */
  timeLimit?: number;
  /** Seed of the random generator (default 1). */
  seed?: number;
  /** Stop after this many iterations. With a time limit that is never reached, the run is fully
   *  determined by the seed, whatever the machine's speed. */
  maxIterations?: number;
  /** Called whenever a better plan is found. */
  onImprove?: (objective: number, seconds: number) => void;
  /** Tuning knobs (defaults are what the benchmarks were run with). */
  tuning?: Partial<Tuning>;
}

export interface Tuning {
  /** Smallest and largest share of vessels removed in one iteration. */
  minRemoveShare: number;
  maxRemoveShare: number;
  /** Upper bound on the vessels removed in one iteration. */
  maxRemove: number;
  /** Start and end temperatures, as a share of the mean weighted service time of a vessel. */
  startTemperature: number;
  endTemperature: number;
  /** Iterations without a new best after which the search returns to the best plan. */
  restartAfter: number;
  /** Swap partners start within this many mean handling times of the vessel (Infinity: all;
   *  2 was no better at equal time once the swap floors prune far pairs). */
  swapWindow: number;
  /** Which vessels the descent starts from after a repair: all of the touched berths, or only
   *  the re-inserted ones (cheaper, and better at equal time on both instance families). */
  descentFrom: 'berths' | 'removed';
}

const DEFAULT_TUNING: Tuning = {
  minRemoveShare: 0.02,
  maxRemoveShare: 0.08,
  maxRemove: 40,
  startTemperature: 0.05,
  endTemperature: 0.002,
  restartAfter: 2000,
  swapWindow: Infinity,
  descentFrom: 'removed',
};

export interface OperatorStats {
  name: string;
  uses: number;
  bests: number;
  weight: number;
}

export interface SolveResult {
  plan: BerthPlan;
  objective: number;
  /** Every vessel is in the plan (false only when the search found no way to fit some). */
  complete: boolean;
  unassigned: number[];
  /** Objective of the first-come-first-served plan, or null if FCFS could not place everyone. */
  fcfsObjective: number | null;
  /** Seconds from the start until the best plan was found. */
  timeToBest: number;
  elapsed: number;
  iterations: number;
  seed: number;
  /** (seconds, objective) at each improvement of the best complete plan. */
  history: { seconds: number; objective: number }[];
  operators: { destroy: OperatorStats[]; repair: OperatorStats[] };
}

/** Reads a plan off a schedule. */
export function planOf(s: Schedule): BerthPlan {
  const assignments = [];
  for (let i = 0; i < s.n; i++) if (s.berthOf[i] >= 0) assignments.push({ vessel: i, berth: s.berthOf[i], start: s.start[i] });
  return { objective: s.cost, assignments };
}

export function solve(instance: BerthInstance, options: SolveOptions = {}): SolveResult {
  const started = performance.now();
  const timeLimit = options.timeLimit ?? 10;
  const maxIterations = options.maxIterations ?? Infinity;
  const seed = options.seed ?? 1;
  const tuning = { ...DEFAULT_TUNING, ...options.tuning };
  const seconds = () => (performance.now() - started) / 1000;
  const rng = new Random(seed);
  const n = instance.vessels;

  const fcfs = fcfsSchedule(instance);
  const fcfsObjective = fcfs.unassigned === 0 ? fcfs.cost : null;
  // Larger than the cost of any complete plan: one vessel left out always costs more.
  let horizon = 0;
  for (let k = 0; k < instance.berths; k++) horizon = Math.max(horizon, instance.closing[k]);
  let weights = 0;
  for (let i = 0; i < n; i++) weights += instance.weight[i];
  const penalty = (weights + 1) * (horizon + 1);
  const score = (s: Schedule) => s.cost + penalty * s.unassigned;

  let meanHandling = 0;
  let allowedPairs = 0;
  for (let x = 0; x < instance.handling.length; x++) {
    if (instance.handling[x] < FORBIDDEN) {
      meanHandling += instance.handling[x];
      allowedPairs++;
    }
  }
  meanHandling /= allowedPairs;
  const localSearch = new LocalSearch(n, tuning.swapWindow * meanHandling);
  let current = fcfs;
  localSearch.improve(current, rng);
  const best = current.clone();
  let work = new Schedule(current);
  let timeToBest = seconds();
  const history = best.unassigned === 0 ? [{ seconds: timeToBest, objective: best.cost }] : [];
  options.onImprove?.(best.cost, timeToBest);

  const destroyOps = createDestroyOperators(current);
  const repairOps = createRepairOperators(current);
  const destroyStats = destroyOps.map((o) => ({ name: o.name, uses: 0, bests: 0, weight: 1, score: 0, segmentUses: 0 }));
  const repairStats = repairOps.map((o) => ({ name: o.name, uses: 0, bests: 0, weight: 1, score: 0, segmentUses: 0 }));
  const removed = new Int32Array(n);
  const touched = new Uint8Array(instance.berths);
  const seeds: number[] = [];

  const minRemove = Math.max(2, Math.min(n, Math.round(tuning.minRemoveShare * n)));
  // Small instances still get removals of up to 6 vessels: with 2 the search gets stuck.
  const maxRemove = Math.max(minRemove, Math.min(n, 6), Math.min(n, tuning.maxRemove, Math.round(tuning.maxRemoveShare * n)));
  const meanCost = Math.max(1, score(current) / n);
  const t0 = tuning.startTemperature * meanCost;
  const t1 = tuning.endTemperature * meanCost;
  let sinceBest = 0;
  let iterations = 0;

  const roulette = (stats: { weight: number }[]) => {
    let total = 0;
    for (const s of stats) total += s.weight;
    let r = rng.next() * total;
    for (let x = 0; x < stats.length; x++) {
      r -= stats[x].weight;
      if (r < 0) return x;
    }
    return stats.length - 1;
  };

  while (iterations < maxIterations) {
    const elapsed = seconds();
    if (elapsed >= timeLimit) break;
    const progress = Math.max(elapsed / timeLimit, maxIterations < Infinity ? iterations / maxIterations : 0);
    const temperature = t0 * Math.pow(t1 / t0, progress);
    iterations++;

    work.copyFrom(current);
    const d = roulette(destroyStats);
    const r = roulette(repairStats);
    const count = destroyOps[d].apply(work, rng, rng.range(minRemove, maxRemove), removed);
    touched.fill(0);
    for (let x = 0; x < count; x++) touched[work.berthOf[removed[x]]] = 1;
    work.removeMany(removed.subarray(0, count));
    repairOps[r].apply(work, rng, removed, count);
    for (let x = 0; x < count; x++) if (work.berthOf[removed[x]] >= 0) touched[work.berthOf[removed[x]]] = 1;
    seeds.length = 0;
    if (tuning.descentFrom === 'berths') {
      for (let k = 0; k < instance.berths; k++) {
        if (!touched[k]) continue;
        for (let p = 0; p < work.length[k]; p++) seeds.push(work.seq[k * n + p]);
      }
      for (let x = 0; x < count; x++) if (work.berthOf[removed[x]] < 0) seeds.push(removed[x]);
    } else {
      for (let x = 0; x < count; x++) seeds.push(removed[x]);
    }
    localSearch.improve(work, rng, seeds);

    const candidate = score(work);
    const now = score(current);
    let reward = 0;
    if (candidate < score(best) - 1e-9) {
      best.copyFrom(work);
      timeToBest = seconds();
      if (best.unassigned === 0) history.push({ seconds: timeToBest, objective: best.cost });
      options.onImprove?.(best.cost, timeToBest);
      sinceBest = 0;
      reward = 10;
      destroyStats[d].bests++;
      repairStats[r].bests++;
    } else {
      sinceBest++;
    }
    if (candidate < now - 1e-9) {
      reward = Math.max(reward, 5);
    } else if (candidate > now + 1e-9 && rng.next() < Math.exp((now - candidate) / temperature)) {
      reward = Math.max(reward, 1);
    }
    if (candidate <= now + 1e-9 || reward > 0) {
      const swap = current;
      current = work;
      work = swap;
    }
    for (const [stats, x] of [[destroyStats, d], [repairStats, r]] as const) {
      stats[x].uses++;
      stats[x].segmentUses++;
      stats[x].score += reward;
    }
    // Adapt the operator weights every 100 iterations to their recent reward per use.
    if (iterations % 100 === 0) {
      for (const stats of [destroyStats, repairStats]) {
        for (const s of stats) {
          if (s.segmentUses > 0) s.weight = Math.max(0.05, 0.8 * s.weight + 0.2 * (s.score / s.segmentUses));
          s.score = 0;
          s.segmentUses = 0;
        }
      }
    }
    if (sinceBest >= tuning.restartAfter) {
      current.copyFrom(best);
      sinceBest = 0;
    }
  }

  const unassigned: number[] = [];
  for (let i = 0; i < n; i++) if (best.berthOf[i] < 0) unassigned.push(i);
  const strip = ({ name, uses, bests, weight }: OperatorStats) => ({ name, uses, bests, weight: Number(weight.toFixed(3)) });
  return {
    plan: planOf(best),
    objective: best.cost,
    complete: unassigned.length === 0,
    unassigned,
    fcfsObjective,
    timeToBest,
    elapsed: seconds(),
    iterations,
    seed,
    history,
    operators: { destroy: destroyStats.map(strip), repair: repairStats.map(strip) },
  };
}
