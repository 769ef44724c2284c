// The berth planning optimiser: parse a DBAP instance, plan it, check any plan independently.
//
//   const instance = parse(text);                      // or readInstance(path)
//   const result = solve(instance, { timeLimit: 10, seed: 1 });
//   const verdict = check(instance, result.plan.assignments, result.objective);
export { parseInstance as parse, readInstance, subInstance, formatInstance, InstanceFormatError, FORBIDDEN } from './instance.js';
export type { BerthInstance } from './instance.js';
export { checkPlan as check, describeCheck } from './checker.js';
export type { CheckResult, Violation, ViolationKind } from './checker.js';
export { solve } from './solver.js';
export type { SolveOptions, SolveResult } from './solver.js';
export type { Assignment, BerthPlan } from './plan.js';
export { berthCommand, BERTH_USAGE } from './cli.js';
