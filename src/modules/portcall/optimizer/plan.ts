// What the optimiser hands out: a berth plan. Plain data (JSON-ready), so that the checker, the
// CLI and callers outside the optimiser share it without sharing any of the solver's internals.

/** Vessel `vessel` is handled at berth `berth` from time `start` (indices 0-based, file order). */
export interface Assignment {
  vessel: number;
  berth: number;
  start: number;
}

export interface BerthPlan {
  /** Σ weight × (start + handling − arrival) over the assigned vessels. */
  objective: number;
  /** One per assigned vessel, in vessel order. */
  assignments: Assignment[];
}
