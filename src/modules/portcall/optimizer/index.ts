// The berth planning optimiser: parse a DBAP instance, plan it, check any plan independently,
// bound the optimum from below, and (small instances, with HiGHS) solve it exactly.
//
//   const instance = parse(text);                      // or readInstance(path)
//   const result = solve(instance, { timeLimit: 10, seed: 1 });
//   const verdict = check(instance, result.plan.assignments, result.objective);
export { parseInstance as parse, readInstance, subInstance, formatInstance, InstanceFormatError, FORBIDDEN, isAllowed } from './instance.js';
export type { BerthInstance } from './instance.js';
export { checkPlan as check, describeCheck } from './checker.js';
export type { CheckResult, Violation, ViolationKind } from './checker.js';
export { solve } from './solver.js';
export type { SolveOptions, SolveResult } from './solver.js';
export type { Assignment, BerthPlan } from './plan.js';
export { berthCommand, BERTH_USAGE } from './cli.js';
export { lowerBound } from './bound.js';
export type { BoundOptions, BoundResult } from './bound.js';
// HiGHS is imported on first use only: the rest works without the optional `highs` package.
export { solveExact } from './exact.js';
export type { ExactResult } from './exact.js';
