// A certified lower bound on the optimum, to measure how far a plan can still be from optimal
// when no published optimum is at hand.
//
// Time-indexed view: vessel i takes one (berth k, integer start S) with S ≥ max(a_i, s_k) and
// S + h_ik ≤ min(b_i, e_k); each berth holds at most one vessel in each unit slot [t, t+1). With
// integer data an optimal plan has integer starts (earliest starts of integer times), so this is
// exact. Relaxing the slot capacities with prices μ_kt ≥ 0 (Lagrangian relaxation) splits the
// problem by vessel:
//
//   L(μ) = Σ_i min_(k,S) [ v_i (S + h_ik − a_i) + Σ_{t=S}^{S+h_ik−1} μ_kt ] − Σ_kt μ_kt ≤ optimum
//
// for every μ ≥ 0. Projected subgradient steps (Polyak's rule towards an upper bound) raise the
// prices of overbooked slots; the best L seen is the bound. Its limit is the bound of the linear
// relaxation of the time-indexed model, known to be tight for sums of completion times.
import { FORBIDDEN, type BerthInstance } from './instance.js';

export interface BoundOptions {
  /** Objective of a known plan: steers the step size (Polyak). */
  upperBound: number;
  /** Stop after this many subgradient steps (default 3000) or this many seconds (default 10). */
  iterations?: number;
  timeLimit?: number;
}

export interface BoundResult {
  /** ⌈best L(μ)⌉: no plan has a smaller objective (objectives are integers). */
  bound: number;
  iterations: number;
  seconds: number;
}

export function lowerBound(instance: BerthInstance, options: BoundOptions): BoundResult {
  const started = performance.now();
  const { vessels: n, berths: m, arrival, weight, opening, closing, latestDeparture, handling } = instance;
  const maxIterations = options.iterations ?? 3000;
  const timeLimit = options.timeLimit ?? 10;
  let horizon = 0;
  for (let k = 0; k < m; k++) horizon = Math.max(horizon, closing[k]);
  const T = horizon + 1;
  const price = new Float64Array(m * T);
  // prefix[k * (T + 1) + t] = Σ_{τ<t} μ_kτ: the price of any interval in O(1).
  const prefix = new Float64Array(m * (T + 1));
  const use = new Float64Array(m * (T + 1)); // difference array of slot occupancy
  const chosenBerth = new Int32Array(n);
  const chosenStart = new Int32Array(n);
  let best = -Infinity;
  let theta = 2;
  let sinceBetter = 0;
  let iterations = 0;

  while (iterations < maxIterations && (performance.now() - started) / 1000 < timeLimit) {
    iterations++;
    let total = 0;
    for (let k = 0; k < m; k++) {
      let acc = 0;
      const p0 = k * (T + 1);
      prefix[p0] = 0;
      for (let t = 0; t < T; t++) {
        acc += price[k * T + t];
        prefix[p0 + t + 1] = acc;
      }
      total -= acc;
    }
    // Each vessel's cheapest (berth, start) under the current prices.
    use.fill(0);
    for (let i = 0; i < n; i++) {
      const a = arrival[i];
      const w = weight[i];
      let bestCost = Infinity;
      let bestK = -1;
      let bestS = 0;
      for (let k = 0; k < m; k++) {
        const h = handling[i * m + k];
        if (h >= FORBIDDEN) continue;
        const first = Math.max(a, opening[k]);
        const last = Math.min(latestDeparture[i], closing[k]) - h;
        const p0 = k * (T + 1);
        for (let S = first; S <= last; S++) {
          const own = w * (S + h - a);
          // Prices are ≥ 0: later starts cost at least their service time, which only grows.
          if (own >= bestCost) break;
          const c = own + (prefix[p0 + S + h] - prefix[p0 + S]);
          if (c < bestCost) {
            bestCost = c;
            bestK = k;
            bestS = S;
          }
        }
      }
      // A vessel without any window: no plan exists; nothing below +∞ is a bound worth giving.
      if (bestK < 0) return { bound: Infinity, iterations, seconds: (performance.now() - started) / 1000 };
      total += bestCost;
      chosenBerth[i] = bestK;
      chosenStart[i] = bestS;
      const p0 = bestK * (T + 1);
      use[p0 + bestS] += 1;
      use[p0 + bestS + handling[i * m + bestK]] -= 1;
    }
    if (total > best + 1e-9) {
      best = total;
      sinceBetter = 0;
    } else if (++sinceBetter >= 100) {
      theta /= 2;
      sinceBetter = 0;
      if (theta < 1e-4) break;
    }
    // Subgradient g_kt = occupancy − 1, projected: a slot priced 0 and under-used stays at 0.
    let norm = 0;
    for (let k = 0; k < m; k++) {
      let occupancy = 0;
      for (let t = 0; t < T; t++) {
        occupancy += use[k * (T + 1) + t];
        const g = occupancy - 1;
        if (g > 0 || price[k * T + t] > 0) norm += g * g;
      }
    }
    if (norm === 0) break; // the relaxed choice is a feasible plan: L is the optimum
    const step = (theta * Math.max(1, options.upperBound - total)) / norm;
    for (let k = 0; k < m; k++) {
      let occupancy = 0;
      for (let t = 0; t < T; t++) {
        occupancy += use[k * (T + 1) + t];
        const x = price[k * T + t] + step * (occupancy - 1);
        price[k * T + t] = x > 0 ? x : 0;
      }
    }
  }
  // Float sums of prices: round down a hair before taking the ceiling, to stay a true bound.
  return { bound: Math.ceil(best - 1e-6), iterations, seconds: (performance.now() - started) / 1000 };
}
