// Descent to a local optimum over four neighbourhoods of a vessel: relocate it (to any position of
// any allowed berth), and swap it with another vessel (on its own berth or another). For each
// vessel taken from a work queue the best improving move is applied; the vessels of the berths a
// move touched go back into the queue ("don't look bits"), so after a small change — the repair
// step of the large neighbourhood search — only the region around it is searched again.
//
// Inter-berth swaps are the move that improves most often and the costliest to scan (every pair),
// so each pair is first priced with the O(1) floors of `Schedule` and walked exactly only when
// the floors leave room for an improvement; insertions skip positions the same way. The floors are
// true lower bounds, so the pruning never changes which move is chosen.
import type { Random } from './random.js';
import type { Schedule } from './schedule.js';

const EPSILON = 1e-9;

const enum Move {
  None,
  Relocate,
  RelocateWithin,
  Swap,
  SwapWithin,
}

export class LocalSearch {
  private readonly queue: Int32Array;
  private readonly queued: Uint8Array;
  private head = 0;
  private size = 0;
  private readonly runA: Int32Array;
  private readonly runB: Int32Array;
  private readonly order: Int32Array;
  /** `swapWindow`: only vessels starting within this time of the vessel are swap partners. */
  constructor(n: number, private readonly swapWindow = Infinity) {
    this.queue = new Int32Array(n);
    this.queued = new Uint8Array(n);
    this.runA = new Int32Array(n + 1);
    this.runB = new Int32Array(n + 1);
    this.order = new Int32Array(n);
  }

  /** Improves `s` until no move of a queued vessel helps. `seeds` are queued first (all vessels in
   *  random order if omitted). Returns the number of moves applied. */
  improve(s: Schedule, rng: Random, seeds?: ArrayLike<number>): number {
    if (seeds) {
      for (let x = 0; x < seeds.length; x++) this.push(seeds[x]);
    } else {
      for (let i = 0; i < s.n; i++) this.order[i] = i;
      rng.shuffle(this.order);
      for (let i = 0; i < s.n; i++) this.push(this.order[i]);
    }
    let moves = 0;
    while (this.size > 0) {
      const i = this.queue[this.head];
      this.head = (this.head + 1) % this.queue.length;
      this.size--;
      this.queued[i] = 0;
      if (this.improveVessel(s, i)) moves++;
    }
    return moves;
  }

  private push(i: number): void {
    if (this.queued[i]) return;
    this.queued[i] = 1;
    this.queue[(this.head + this.size) % this.queue.length] = i;
    this.size++;
  }

  private pushBerth(s: Schedule, k: number): void {
    const base = k * s.n;
    for (let p = 0; p < s.length[k]; p++) this.push(s.seq[base + p]);
  }

  /** Finds and applies the best improving move of vessel i; false if there is none. */
  private improveVessel(s: Schedule, i: number): boolean {
    const { n, m, seq, length, limit } = s;
    const runA = this.runA;
    const runB = this.runB;
    const k = s.berthOf[i];
    let best = -EPSILON;
    let move = Move.None;
    let moveBerth = -1;
    let movePos = -1;

    if (k < 0) {
      // Unassigned: any feasible insertion is an improvement worth the penalty.
      runA[0] = i;
      best = Infinity;
      for (let k2 = 0; k2 < m; k2++) {
        if (limit[i * m + k2] < 0) continue;
        for (let q = s.firstUsefulPosition(i, k2); q <= length[k2]; q++) {
          if (s.insertionFloor(i, k2, q) >= best) break;
          const d = s.evalSplice(k2, q, runA, 1, q);
          if (d < best) {
            best = d;
            moveBerth = k2;
            movePos = q;
          }
        }
      }
      if (moveBerth < 0) return false;
      s.applySplice(moveBerth, movePos, runA, 1, movePos);
      this.pushBerth(s, moveBerth);
      return true;
    }

    const p = s.posOf[i];
    const base = k * n;
    const len = length[k];
    const removal = s.evalSplice(k, p, runA, 0, p + 1);

    // Relocate to another berth: removal and insertion touch different berths, so they add up.
    runA[0] = i;
    for (let k2 = 0; k2 < m; k2++) {
      if (k2 === k || limit[i * m + k2] < 0) continue;
      for (let q = s.firstUsefulPosition(i, k2); q <= length[k2]; q++) {
        // The floor only grows with q: the first position past the best ends the scan.
        if (removal + s.insertionFloor(i, k2, q) >= best) break;
        if (removal + s.insertionBound(i, k2, q) >= best) continue;
        const d = removal + s.evalSplice(k2, q, runA, 1, q);
        if (d < best) {
          best = d;
          move = Move.Relocate;
          moveBerth = k2;
          movePos = q;
        }
      }
    }

    // Relocate within the berth: the run covers the positions between the old and new place.
    for (let q = 0; q < len; q++) {
      if (q === p) continue;
      let from: number;
      let tailFrom: number;
      let r = 0;
      if (q > p) {
        for (let x = p + 1; x <= q; x++) runB[r++] = seq[base + x];
        runB[r++] = i;
        from = p;
        tailFrom = q + 1;
      } else {
        runB[r++] = i;
        for (let x = q; x < p; x++) runB[r++] = seq[base + x];
        from = q;
        tailFrom = p + 1;
      }
      const d = s.evalSplice(k, from, runB, r, tailFrom);
      if (d < best) {
        best = d;
        move = Move.RelocateWithin;
        movePos = q;
      }
    }

    // Swap with a vessel of another berth.
    for (let k2 = 0; k2 < m; k2++) {
      if (k2 === k || limit[i * m + k2] < 0) continue;
      const base2 = k2 * n;
      let q0 = 0;
      let q1 = length[k2];
      if (this.swapWindow < Infinity) {
        q0 = s.firstStartingAfter(k2, s.start[i] - this.swapWindow - 1);
        q1 = s.firstStartingAfter(k2, s.start[i] + this.swapWindow);
      }
      for (let q = q0; q < q1; q++) {
        const j = seq[base2 + q];
        if (limit[j * m + k] < 0) continue;
        // Exact values only for pairs whose O(1) floors leave room for an improvement.
        const floor2 = s.replacementFloor(k2, q, i);
        if (s.replacementFloor(k, p, j) + floor2 >= best) continue;
        runA[0] = j;
        const d1 = s.evalSplice(k, p, runA, 1, p + 1);
        if (d1 + floor2 >= best) continue;
        runA[0] = i;
        const d = d1 + s.evalSplice(k2, q, runA, 1, q + 1);
        if (d < best) {
          best = d;
          move = Move.Swap;
          moveBerth = k2;
          movePos = q;
        }
      }
    }

    // Swap within the berth.
    for (let q = 0; q < len; q++) {
      if (q === p) continue;
      const lo = q < p ? q : p;
      const hi = q < p ? p : q;
      let r = 0;
      runB[r++] = seq[base + hi];
      for (let x = lo + 1; x < hi; x++) runB[r++] = seq[base + x];
      runB[r++] = seq[base + lo];
      const d = s.evalSplice(k, lo, runB, r, hi + 1);
      if (d < best) {
        best = d;
        move = Move.SwapWithin;
        movePos = q;
      }
    }

    switch (move) {
      case Move.None:
        return false;
      case Move.Relocate:
        s.applySplice(k, p, runA, 0, p + 1);
        runA[0] = i;
        s.applySplice(moveBerth, movePos, runA, 1, movePos);
        break;
      case Move.RelocateWithin: {
        const q = movePos;
        let r = 0;
        if (q > p) {
          for (let x = p + 1; x <= q; x++) runB[r++] = seq[base + x];
          runB[r++] = i;
          s.applySplice(k, p, runB, r, q + 1);
        } else {
          runB[r++] = i;
          for (let x = q; x < p; x++) runB[r++] = seq[base + x];
          s.applySplice(k, q, runB, r, p + 1);
        }
        break;
      }
      case Move.Swap: {
        const j = seq[moveBerth * n + movePos];
        runA[0] = j;
        s.applySplice(k, p, runA, 1, p + 1);
        runA[0] = i;
        s.applySplice(moveBerth, movePos, runA, 1, movePos + 1);
        break;
      }
      case Move.SwapWithin: {
        const lo = movePos < p ? movePos : p;
        const hi = movePos < p ? p : movePos;
        let r = 0;
        runB[r++] = seq[base + hi];
        for (let x = lo + 1; x < hi; x++) runB[r++] = seq[base + x];
        runB[r++] = seq[base + lo];
        s.applySplice(k, lo, runB, r, hi + 1);
        break;
      }
    }
    this.pushBerth(s, k);
    if (moveBerth >= 0) this.pushBerth(s, moveBerth);
    return true;
  }
}
