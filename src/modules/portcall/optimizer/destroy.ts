// Destroy operators of the large neighbourhood search: each picks `count` assigned vessels to take
// out of the plan (the caller removes them and repairs). They differ in *which* vessels go
// together, since a repair can only improve what was removed at the same time:
// - random: diversification;
// - worst: vessels that wait long or sit on a slow berth, likely misplaced;
// - related: vessels handled around the same time as a seed vessel, on any berth — the ones that
//   compete for the same berth time and can trade places;
// - berth window: a time window on a few berths, emptied completely so that the repair can
//   re-sequence that stretch of quay from scratch.
import type { Random } from './random.js';
import type { Schedule } from './schedule.js';

export type DestroyOperator = (s: Schedule, rng: Random, count: number, out: Int32Array) => number;

/** Ropke & Pisinger's randomised pick from a list sorted best-first: index ⌊y^power · length⌋. */
function pickIndex(rng: Random, length: number, power: number): number {
  return Math.floor(Math.pow(rng.next(), power) * length);
}

/** Assigned vessels (scratch array reused by the operators). */
function assigned(s: Schedule, into: number[]): number[] {
  into.length = 0;
  for (let i = 0; i < s.n; i++) if (s.berthOf[i] >= 0) into.push(i);
  return into;
}

/** Takes `count` vessels from `candidates` sorted best-first, with randomisation `power`. */
function takeSorted(rng: Random, candidates: number[], count: number, power: number, out: Int32Array): number {
  let taken = 0;
  while (taken < count && candidates.length > 0) {
    const x = pickIndex(rng, candidates.length, power);
    out[taken++] = candidates[x];
    candidates.splice(x, 1);
  }
  return taken;
}

export function createDestroyOperators(s: Schedule): { name: string; apply: DestroyOperator }[] {
  const { n, m } = s;
  const scratch: number[] = [];
  const key = new Float64Array(n);
  // Best conceivable cost of each vessel: handled on arrival at its fastest berth.
  const floor = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let h = Infinity;
    for (let k = 0; k < m; k++) if (s.limit[i * m + k] >= 0) h = Math.min(h, s.handling[i * m + k]);
    floor[i] = s.weight[i] * h;
  }
  const byKey = (x: number, y: number) => key[x] - key[y];

  const random: DestroyOperator = (s, rng, count, out) => {
    const list = rng.shuffle(assigned(s, scratch));
    const taken = Math.min(count, list.length);
    for (let x = 0; x < taken; x++) out[x] = list[x];
    return taken;
  };

  const worst: DestroyOperator = (s, rng, count, out) => {
    const list = assigned(s, scratch);
    for (const i of list) key[i] = -(s.vesselCost(i) - floor[i]);
    list.sort(byKey);
    return takeSorted(rng, list, count, 4, out);
  };

  const related: DestroyOperator = (s, rng, count, out) => {
    const list = assigned(s, scratch);
    if (list.length === 0) return 0;
    const r = list[rng.int(list.length)];
    const k = s.berthOf[r];
    for (const i of list) {
      // Overlap in time dominates; sharing a berth the seed may use makes a vessel a candidate to
      // trade places with it.
      key[i] = Math.abs(s.start[i] - s.start[r]) + Math.abs(s.end[i] - s.end[r]) + (s.limit[i * m + k] >= 0 ? 0 : 50);
    }
    list.sort(byKey);
    return takeSorted(rng, list, count, 3, out);
  };

  const berthWindow: DestroyOperator = (s, rng, count, out) => {
    const nonEmpty: number[] = [];
    for (let k = 0; k < m; k++) if (s.length[k] > 0) nonEmpty.push(k);
    if (nonEmpty.length === 0) return 0;
    const k0 = nonEmpty[rng.int(nonEmpty.length)];
    const centre = s.start[s.seq[k0 * n + rng.int(s.length[k0])]];
    // Two to four berths, preferring those that share vessels' permissions with the first one.
    const berths = [k0];
    const want = Math.min(nonEmpty.length, 2 + rng.int(3));
    for (let tries = 0; berths.length < want && tries < 4 * m; tries++) {
      const k = nonEmpty[rng.int(nonEmpty.length)];
      if (!berths.includes(k)) berths.push(k);
    }
    const list = scratch;
    list.length = 0;
    for (const k of berths) {
      for (let p = 0; p < s.length[k]; p++) {
        const i = s.seq[k * n + p];
        list.push(i);
        key[i] = Math.abs(s.start[i] + s.end[i] - 2 * centre);
      }
    }
    list.sort(byKey);
    const taken = Math.min(count, list.length);
    for (let x = 0; x < taken; x++) out[x] = list[x];
    return taken;
  };

  return [
    { name: 'random', apply: random },
    { name: 'worst', apply: worst },
    { name: 'related', apply: related },
    { name: 'berth-window', apply: berthWindow },
  ];
}
