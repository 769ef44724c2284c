// Repair operators: put the removed vessels back, each at the position of least added weighted
// service time (delay caused to the vessels behind it included). Greedy inserts in a given order;
// regret-2 first inserts the vessel that would lose most if its best berth were taken, which keeps
// vessels with one good berth from being crowded out. A vessel that fits nowhere within its time
// windows stays unassigned (the solver penalises that).
import type { Random } from './random.js';
import type { Schedule } from './schedule.js';

export type RepairOperator = (s: Schedule, rng: Random, vessels: Int32Array, count: number) => void;

export class Inserter {
  private readonly run = new Int32Array(1);
  bestDelta = Infinity;
  bestBerth = -1;
  bestPos = -1;

  /** Cheapest feasible insertion of vessel i into berth k (or all berths if k < 0), with the
   *  deltas perturbed by up to ±noise (relative) to diversify the search. */
  find(s: Schedule, i: number, k = -1, rng?: Random, noise = 0): number {
    const { m, limit, length } = s;
    const run = this.run;
    run[0] = i;
    this.bestDelta = Infinity;
    this.bestBerth = -1;
    this.bestPos = -1;
    const k0 = k < 0 ? 0 : k;
    const k1 = k < 0 ? m : k + 1;
    for (let b = k0; b < k1; b++) {
      if (limit[i * m + b] < 0) continue;
      const factor = noise > 0 && rng ? 1 + noise * (2 * rng.next() - 1) : 1;
      for (let q = s.firstUsefulPosition(i, b); q <= length[b]; q++) {
        // Positions further down only start later: once the floor exceeds the best, stop.
        if (s.insertionFloor(i, b, q) * factor >= this.bestDelta) break;
        if (s.insertionBound(i, b, q) * factor >= this.bestDelta) continue;
        const d = s.evalSplice(b, q, run, 1, q) * factor;
        if (d < this.bestDelta) {
          this.bestDelta = d;
          this.bestBerth = b;
          this.bestPos = q;
        }
      }
    }
    return this.bestDelta;
  }

  insert(s: Schedule, i: number): void {
    this.run[0] = i;
    s.applySplice(this.bestBerth, this.bestPos, this.run, 1, this.bestPos);
  }
}

export function createRepairOperators(s: Schedule): { name: string; apply: RepairOperator }[] {
  const { n, m } = s;
  const inserter = new Inserter();
  const order: number[] = [];
  const cost = new Float64Array(n * m);
  const pos = new Int32Array(n * m);

  const greedy = (sortOrder: 'random' | 'arrival', noise: number): RepairOperator => (s, rng, vessels, count) => {
    order.length = 0;
    for (let x = 0; x < count; x++) order.push(vessels[x]);
    if (sortOrder === 'random') rng.shuffle(order);
    else order.sort((x, y) => s.arrival[x] - s.arrival[y] || x - y);
    for (const i of order) {
      if (inserter.find(s, i, -1, rng, noise) < Infinity) inserter.insert(s, i);
    }
  };

  const regret: RepairOperator = (s, rng, vessels, count) => {
    order.length = 0;
    for (let x = 0; x < count; x++) order.push(vessels[x]);
    // Cheapest insertion of every pending vessel on every berth; after an insertion only the
    // column of the berth that changed is recomputed.
    for (let x = 0; x < order.length; x++) {
      for (let k = 0; k < m; k++) {
        cost[x * m + k] = inserter.find(s, order[x], k);
        pos[x * m + k] = inserter.bestPos;
      }
    }
    while (order.length > 0) {
      let chosen = -1;
      let chosenRegret = -Infinity;
      let chosenCost = Infinity;
      let chosenBerth = -1;
      for (let x = 0; x < order.length; x++) {
        let b1 = Infinity;
        let b2 = Infinity;
        let bk = -1;
        for (let k = 0; k < m; k++) {
          const c = cost[x * m + k];
          if (c < b1) {
            b2 = b1;
            b1 = c;
            bk = k;
          } else if (c < b2) b2 = c;
        }
        if (bk < 0) continue;
        // A vessel with a single feasible berth has infinite regret: it goes first.
        const r = b2 - b1 + rng.next() * 1e-6;
        if (r > chosenRegret || (r === chosenRegret && b1 < chosenCost)) {
          chosen = x;
          chosenRegret = r;
          chosenCost = b1;
          chosenBerth = bk;
        }
      }
      if (chosen < 0) return; // the rest fit nowhere
      const i = order[chosen];
      inserter.bestBerth = chosenBerth;
      inserter.bestPos = pos[chosen * m + chosenBerth];
      inserter.insert(s, i);
      // Drop row `chosen` by moving the last row into it.
      const last = order.length - 1;
      order[chosen] = order[last];
      for (let k = 0; k < m; k++) {
        cost[chosen * m + k] = cost[last * m + k];
        pos[chosen * m + k] = pos[last * m + k];
      }
      order.length = last;
      for (let x = 0; x < order.length; x++) {
        cost[x * m + chosenBerth] = inserter.find(s, order[x], chosenBerth);
        pos[x * m + chosenBerth] = inserter.bestPos;
      }
    }
  };

  return [
    { name: 'greedy-random', apply: greedy('random', 0) },
    { name: 'greedy-arrival', apply: greedy('arrival', 0) },
    { name: 'greedy-noise', apply: greedy('random', 0.2) },
    { name: 'regret', apply: regret },
  ];
}
