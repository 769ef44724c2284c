// `jiaozhou berth solve <instance file> [--time-limit S] [--seed N] [--iterations N] [--json]`:
// plans one instance and prints a summary, or with --json exactly one JSON object
// {"objective", "assignments": [{"vessel", "berth", "start"}]} on stdout. Usage errors, missing
// or malformed files exit with code 2 and a message on stderr; a run that could not place every
// vessel prints what it has and exits with code 1.
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { checkPlan, describeCheck } from './checker.js';
import { InstanceFormatError, readInstance } from './instance.js';
import { solve } from './solver.js';

export const BERTH_USAGE = `  berth solve <instance file> [--time-limit S] [--seed N] [--iterations N] [--json]
                                          plan berths for a DBAP instance (Cordeau/Kramer format)`;

class UsageError extends Error {}

function numberFlag(name: string, value: string | undefined, fallback: number, integer: boolean, min: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || (integer && !Number.isInteger(n)) || n < min) {
    throw new UsageError(`--${name} must be ${integer ? 'an integer' : 'a number'} ≥ ${min}, got '${value}'`);
  }
  return n;
}

/** Runs `berth …`; never throws for user errors (they set process.exitCode = 2). */
export async function berthCommand(args: string[]): Promise<void> {
  try {
    run(args);
  } catch (e) {
    if (e instanceof UsageError || e instanceof InstanceFormatError || (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      console.error(`berth: ${(e as Error).message}`);
      if (e instanceof UsageError) console.error(`\nUsage: jiaozhou\n${BERTH_USAGE}`);
      process.exitCode = 2;
      return;
    }
    throw e;
  }
}

function run(args: string[]): void {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    strict: true,
    options: {
      'time-limit': { type: 'string' },
      seed: { type: 'string' },
      iterations: { type: 'string' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  const [sub, file, ...extra] = positionals;
  if (values.help) {
    console.log(`Usage: jiaozhou\n${BERTH_USAGE}`);
    return;
  }
  if (sub !== 'solve') throw new UsageError(sub ? `unknown berth command '${sub}'` : 'missing berth command');
  if (!file) throw new UsageError('missing instance file');
  if (extra.length) throw new UsageError(`unexpected argument '${extra[0]}'`);
  const timeLimit = numberFlag('time-limit', values['time-limit'], 10, false, 0);
  const seed = numberFlag('seed', values.seed, 1, true, 0);
  const maxIterations = numberFlag('iterations', values.iterations, Infinity, true, 0);
  if (seed > 0xffffffff) throw new UsageError(`--seed must be below 2^32, got ${seed}`);

  const instance = readInstance(file);
  const result = solve(instance, { timeLimit, seed, maxIterations });
  const check = checkPlan(instance, result.plan.assignments, result.objective);
  if (values.json) {
    console.log(JSON.stringify({ objective: result.objective, assignments: result.plan.assignments }));
  } else {
    const fcfs = result.fcfsObjective;
    const saving = fcfs ? ` (${(((result.objective - fcfs) / fcfs) * 100).toFixed(1)} % against FCFS)` : '';
    console.log([
      `${basename(file)}: ${instance.vessels} vessels, ${instance.berths} berths`,
      `  objective     ${result.objective}${saving}   Σ weight × (waiting + handling)`,
      `  FCFS          ${fcfs ?? 'cannot place every vessel'}`,
      `  time to best  ${result.timeToBest.toFixed(2)} s of ${result.elapsed.toFixed(2)} s, ${result.iterations} iterations, seed ${seed}`,
      `  checker       ${describeCheck(check)}`,
    ].join('\n'));
  }
  if (!result.complete || !check.feasible) {
    console.error(`berth: no complete feasible plan: ${result.unassigned.length} vessel(s) could not be placed within their time windows${check.feasible ? '' : '; the checker rejected the plan'}`);
    process.exitCode = 1;
  }
}
