// A worker thread of the BerthPlanPool: plans berths off the main thread. A refused pin is a
// ProblemError, which does not survive the thread boundary as a class: its kind, message and
// field errors are sent, and the pool throws it again on the main thread.
import { parentPort } from 'node:worker_threads';
import { ProblemError } from '../../../core/errors.js';
import { planBerths } from './berthplan.js';
import type { PlanJob, PlanAnswer } from './berthplanPool.js';

parentPort!.on('message', ({ id, calls, berths, options }: PlanJob) => {
  let answer: PlanAnswer;
  try {
    answer = { id, result: planBerths(calls, berths, options) };
  } catch (error) {
    answer = error instanceof ProblemError
      ? { id, problem: { kind: error.kind, message: error.message, errors: error.errors } }
      : { id, failure: error instanceof Error ? error.stack ?? error.message : String(error) };
  }
  parentPort!.postMessage(answer);
});
