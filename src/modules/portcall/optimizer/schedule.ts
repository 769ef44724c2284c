// The solver's working solution: one sequence of vessels per berth, decoded with earliest starts
// (T = max(arrival, berth opening, end of the previous vessel)). For a regular objective with
// deadlines only as upper bounds, earliest starts are optimal for given sequences, so the search
// only has to choose sequences.
//
// Everything lives in typed arrays and every change is a "splice" of one berth's sequence:
// positions [from, tailFrom) are replaced by a short list of vessels. `evalSplice` prices a
// splice without touching the solution, walking only as far down the berth as the change
// propagates (it stops at the first vessel whose start time does not move), and `applySplice`
// performs it. Relocations, swaps, insertions and removals are all splices of one or two berths.
import { FORBIDDEN, type BerthInstance } from './instance.js';

export class Schedule {
  readonly n: number;
  readonly m: number;
  /** a_i. */
  readonly arrival: Int32Array;
  /** v_i. */
  readonly weight: Int32Array;
  /** h_ik at [i * m + k]. */
  readonly handling: Int32Array;
  /** Latest end of vessel i on berth k, min(b_i, e_k), at [i * m + k]; −1 where forbidden, so
   *  that the single test `end > limit` covers both the time windows and forbidden berths. */
  readonly limit: Int32Array;
  /** s_k. */
  readonly opening: Int32Array;

  /** Berth of each vessel, −1 while unassigned. */
  readonly berthOf: Int32Array;
  /** Position of each vessel in its berth's sequence. */
  readonly posOf: Int32Array;
  /** Sequence of berth k at [k * n, k * n + length[k]). */
  readonly seq: Int32Array;
  readonly length: Int32Array;
  /** Decoded start and end of each assigned vessel. */
  readonly start: Int32Array;
  readonly end: Int32Array;
  /** Prefix sums of the weighted service times along each berth, at [k * (n + 1) + p]: the cost
   *  of the first p vessels. Prices the old cost of any run of positions in O(1). */
  readonly prefix: Float64Array;
  /** Prefix sums of the weights along each berth, laid out like `prefix`. */
  readonly prefixWeight: Float64Array;
  /** Weight of the vessels behind position p of berth k that follow each other without idle
   *  time (laid out like `prefix`): a delay at p reaches every one of them in full. */
  readonly runAfter: Float64Array;
  /** Σ v_i (end_i − a_i) over assigned vessels. */
  cost = 0;
  unassigned: number;

  // Scratch copy of the part of a berth behind a splice while the splice is written.
  private readonly tail: Int32Array;

  constructor(instance: BerthInstance);
  constructor(template: Schedule);
  constructor(source: BerthInstance | Schedule) {
    if (source instanceof Schedule) {
      // Shares the read-only problem data; the solution arrays are fresh.
      this.n = source.n;
      this.m = source.m;
      this.arrival = source.arrival;
      this.weight = source.weight;
      this.handling = source.handling;
      this.limit = source.limit;
      this.opening = source.opening;
    } else {
      const { vessels: n, berths: m } = source;
      this.n = n;
      this.m = m;
      this.arrival = source.arrival;
      this.weight = source.weight;
      this.handling = source.handling;
      this.opening = source.opening;
      this.limit = new Int32Array(n * m);
      for (let i = 0; i < n; i++) {
        for (let k = 0; k < m; k++) {
          const h = source.handling[i * m + k];
          this.limit[i * m + k] = h >= FORBIDDEN ? -1 : Math.min(source.latestDeparture[i], source.closing[k]);
        }
      }
    }
    const { n, m } = this;
    this.berthOf = new Int32Array(n).fill(-1);
    this.posOf = new Int32Array(n).fill(-1);
    this.seq = new Int32Array(m * n);
    this.length = new Int32Array(m);
    this.start = new Int32Array(n);
    this.end = new Int32Array(n);
    this.prefix = new Float64Array(m * (n + 1));
    this.prefixWeight = new Float64Array(m * (n + 1));
    this.runAfter = new Float64Array(m * (n + 1));
    this.tail = new Int32Array(n);
    this.unassigned = n;
  }

  /** Makes this solution a copy of `other` (same instance). */
  copyFrom(other: Schedule): void {
    this.berthOf.set(other.berthOf);
    this.posOf.set(other.posOf);
    this.seq.set(other.seq);
    this.length.set(other.length);
    this.start.set(other.start);
    this.end.set(other.end);
    this.prefix.set(other.prefix);
    this.prefixWeight.set(other.prefixWeight);
    this.runAfter.set(other.runAfter);
    this.cost = other.cost;
    this.unassigned = other.unassigned;
  }

  clone(): Schedule {
    const copy = new Schedule(this);
    copy.copyFrom(this);
    return copy;
  }

  /**
   * Change in cost if positions [from, tailFrom) of berth k were replaced by `run[0…runLength)`,
   * or Infinity if a vessel of the new sequence would miss its latest end. The vessels of `run`
   * need not be on berth k now (insertions, swaps between berths).
   */
  evalSplice(k: number, from: number, run: Int32Array, runLength: number, tailFrom: number): number {
    const { n, m, arrival, weight, handling, limit, seq, start, end } = this;
    const base = k * n;
    let t = from > 0 ? end[seq[base + from - 1]] : this.opening[k];
    let added = 0;
    for (let x = 0; x < runLength; x++) {
      const i = run[x];
      const a = arrival[i];
      const e = (a > t ? a : t) + handling[i * m + k];
      if (e > limit[i * m + k]) return Infinity;
      added += weight[i] * (e - a);
      t = e;
    }
    const p0 = k * (n + 1);
    let delta = added - (this.prefix[p0 + tailFrom] - this.prefix[p0 + from]);
    const len = this.length[k];
    for (let p = tailFrom; p < len; p++) {
      const j = seq[base + p];
      const a = arrival[j];
      const s = a > t ? a : t;
      // Same start as now: every later vessel keeps its times too.
      if (s === start[j]) break;
      const e = s + handling[j * m + k];
      if (e > limit[j * m + k]) return Infinity;
      delta += weight[j] * (s - start[j]);
      t = e;
    }
    return delta;
  }

  /** Cost of vessel i if inserted at position q of berth k, ignoring the delay it causes to the
   *  vessels after it: a lower bound of the insertion's delta that prunes most positions. */
  insertionFloor(i: number, k: number, q: number): number {
    const t = q > 0 ? this.end[this.seq[k * this.n + q - 1]] : this.opening[k];
    const a = this.arrival[i];
    return this.weight[i] * ((a > t ? a : t) + this.handling[i * this.m + k] - a);
  }

  /**
   * Lower bound of `evalSplice(k, p, [j], 1, p + 1)` (vessel j replaces the vessel at position
   * p) in O(1): the vessels behind can gain at most the change of end time each, and a delay
   * reaches at least the gap-free run behind p in full. Exact on a saturated berth. Infinity if
   * j itself would miss its latest end. Lets the swap neighbourhood skip most pairs without
   * walking the berth.
   */
  replacementFloor(k: number, p: number, j: number): number {
    const { n, m, seq, end } = this;
    const base = k * n;
    const t = p > 0 ? end[seq[base + p - 1]] : this.opening[k];
    const a = this.arrival[j];
    const e = (a > t ? a : t) + this.handling[j * m + k];
    if (e > this.limit[j * m + k]) return Infinity;
    const p0 = k * (n + 1);
    const old = this.prefix[p0 + p + 1] - this.prefix[p0 + p];
    const oldEnd = end[seq[base + p]];
    let floor = this.weight[j] * (e - a) - old;
    if (e < oldEnd) floor -= (oldEnd - e) * (this.prefixWeight[p0 + this.length[k]] - this.prefixWeight[p0 + p + 1]);
    else floor += (e - oldEnd) * this.runAfter[p0 + p];
    return floor;
  }

  /**
   * First insertion position of vessel i on berth k worth trying. Inserting i before a vessel
   * that ends by a_i is dominated by inserting it just after that vessel: i starts at a_i either
   * way, and the vessel is not delayed. Ends grow along the sequence, so a binary search finds it.
   */
  firstUsefulPosition(i: number, k: number): number {
    const a = this.arrival[i];
    const base = k * this.n;
    let lo = 0;
    let hi = this.length[k];
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.end[this.seq[base + mid]] <= a) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** First position of berth k whose vessel starts after time t. */
  firstStartingAfter(k: number, t: number): number {
    const base = k * this.n;
    let lo = 0;
    let hi = this.length[k];
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.start[this.seq[base + mid]] <= t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Lower bound of inserting vessel i at position q of berth k, with the delay it causes to the
   *  vessel at q and the gap-free run behind it. Not monotone in q: for skipping, not stopping. */
  insertionBound(i: number, k: number, q: number): number {
    const { n, m, seq, end } = this;
    const base = k * n;
    const t = q > 0 ? end[seq[base + q - 1]] : this.opening[k];
    const a = this.arrival[i];
    const e = (a > t ? a : t) + this.handling[i * m + k];
    let bound = this.weight[i] * (e - a);
    if (q < this.length[k]) {
      const x = seq[base + q];
      const delay = e - this.start[x];
      if (delay > 0) bound += delay * (this.weight[x] + this.runAfter[k * (n + 1) + q]);
    }
    return bound;
  }

  /** Performs the splice priced by `evalSplice` (the caller has checked it is feasible). Vessels
   *  dropped from [from, tailFrom) and not in `run` become unassigned. */
  applySplice(k: number, from: number, run: Int32Array, runLength: number, tailFrom: number): void {
    const { n, seq, tail, berthOf } = this;
    const base = k * n;
    const len = this.length[k];
    for (let p = from; p < tailFrom; p++) {
      const j = seq[base + p];
      // A vessel already re-recorded on another berth (the first half of a swap) stays there; one
      // that is also in `run` (a move within the berth) is re-marked just below.
      if (berthOf[j] === k) {
        berthOf[j] = -1;
        this.unassigned++;
      }
    }
    const tailLength = len - tailFrom;
    tail.set(seq.subarray(base + tailFrom, base + len));
    for (let x = 0; x < runLength; x++) {
      const i = run[x];
      if (berthOf[i] !== k) {
        if (berthOf[i] === -1) this.unassigned--;
        berthOf[i] = k;
      }
      seq[base + from + x] = i;
    }
    seq.set(tail.subarray(0, tailLength), base + from + runLength);
    this.length[k] = from + runLength + tailLength;
    this.decode(k, from);
  }

  /** Recomputes times, positions and prefix costs of berth k from position `from` on. */
  decode(k: number, from = 0): void {
    const { n, m, arrival, weight, handling, seq, start, end, posOf, berthOf, prefix, prefixWeight } = this;
    const base = k * n;
    const p0 = k * (n + 1);
    const len = this.length[k];
    let t = from > 0 ? end[seq[base + from - 1]] : this.opening[k];
    let acc = prefix[p0 + from];
    let accWeight = prefixWeight[p0 + from];
    for (let p = from; p < len; p++) {
      const i = seq[base + p];
      const a = arrival[i];
      const s = a > t ? a : t;
      t = s + handling[i * m + k];
      start[i] = s;
      end[i] = t;
      posOf[i] = p;
      berthOf[i] = k;
      acc += weight[i] * (t - a);
      prefix[p0 + p + 1] = acc;
      accWeight += weight[i];
      prefixWeight[p0 + p + 1] = accWeight;
    }
    // Backwards over the whole berth: a change at `from` can extend a run that starts earlier.
    const runAfter = this.runAfter;
    let run = 0;
    for (let p = len - 1; p >= 0; p--) {
      runAfter[p0 + p] = run;
      const i = seq[base + p];
      const gapFree = p > 0 ? start[i] === end[seq[base + p - 1]] : false;
      run = gapFree ? run + weight[i] : 0;
    }
    this.cost = 0;
    for (let b = 0; b < m; b++) this.cost += prefix[b * (n + 1) + this.length[b]];
  }

  /** Removes several vessels at once, re-decoding each touched berth once. */
  removeMany(vessels: ArrayLike<number>): void {
    const { n, seq, berthOf, posOf } = this;
    const touched = new Set<number>();
    for (let x = 0; x < vessels.length; x++) {
      const i = vessels[x];
      const k = berthOf[i];
      if (k < 0) continue;
      touched.add(k);
      berthOf[i] = -2; // marked for removal
    }
    for (const k of touched) {
      const base = k * n;
      const len = this.length[k];
      let w = 0;
      let first = len;
      for (let p = 0; p < len; p++) {
        const j = seq[base + p];
        if (berthOf[j] === -2) {
          berthOf[j] = -1;
          posOf[j] = -1;
          this.unassigned++;
          if (first === len) first = p;
        } else {
          seq[base + w++] = j;
        }
      }
      this.length[k] = w;
      this.decode(k, first < w ? first : w);
    }
  }

  /** Weighted service time of vessel i as scheduled. */
  vesselCost(i: number): number {
    return this.weight[i] * (this.end[i] - this.arrival[i]);
  }
}
