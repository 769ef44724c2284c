// A berth proposal searches for as long as the planner allows (up to 30 s of CPU). On the main
// thread that stopped every other request for as long: /health, ingest, the web app. The solve
// runs on a small pool of worker threads instead; the route still awaits the plan, so the client
// sees the same synchronous answer. A job waits for an idle worker rather than sharing one, so a
// long proposal never delays a short one queued behind it on the same thread when another is free.
import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import { ProblemError, RetryLater, type FieldError, type ProblemKind } from '../../../core/errors.js';
import { startWorker } from '../../../core/workers.js';
import type { BerthPlanOptions, BerthPlanResult } from './berthplan.js';
import type { BerthRow } from '../schema.js';
import type { PlanningCall } from '../calls/store.js';

export interface PlanJob { id: number; calls: PlanningCall[]; berths: BerthRow[]; options: BerthPlanOptions }
export type PlanAnswer =
  | { id: number; result: BerthPlanResult }
  | { id: number; problem: { kind: ProblemKind; message: string; errors?: FieldError[] } }
  | { id: number; failure: string };

interface Pending { job: PlanJob; resolve: (r: BerthPlanResult) => void; reject: (e: unknown) => void }

export class BerthPlanPool {
  private readonly idle: Worker[] = [];
  private readonly busy = new Map<Worker, Pending>();
  private readonly queue: Pending[] = [];
  private started = 0;
  private nextId = 0;
  private closed = false;

  constructor(readonly size = Math.max(1, availableParallelism() - 1)) {}

  /** `planBerths` on a worker thread: the same plan for the same inputs and seed. */
  plan(calls: PlanningCall[], berths: BerthRow[], options: BerthPlanOptions): Promise<BerthPlanResult> {
    if (this.closed) return Promise.reject(new RetryLater('unavailable', 'the berth optimiser is shutting down', 1));
    return new Promise((resolve, reject) => {
      this.queue.push({ job: { id: this.nextId++, calls, berths, options }, resolve, reject });
      this.dispatch();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const p of this.queue.splice(0)) p.reject(new RetryLater('unavailable', 'the berth optimiser is shutting down', 1));
    const all = [...this.idle, ...this.busy.keys()];
    this.idle.length = 0;
    await Promise.all(all.map((w) => w.terminate()));
  }

  private dispatch(): void {
    while (this.queue.length) {
      const worker = this.idle.pop() ?? (this.started < this.size ? this.spawn() : undefined);
      if (!worker) return;
      const pending = this.queue.shift()!;
      this.busy.set(worker, pending);
      worker.postMessage(pending.job);
    }
  }

  /** Workers start on first use: most processes (tests, tools) never plan berths. */
  private spawn(): Worker {
    const worker = startWorker(import.meta.url, 'berthplan-worker');
    this.started++;
    worker.on('message', (answer: PlanAnswer) => {
      const pending = this.busy.get(worker);
      this.busy.delete(worker);
      if (!this.closed) this.idle.push(worker);
      if (pending) settle(pending, answer);
      this.dispatch();
    });
    // A worker that crashed or stopped answers its job with a 503; the next job starts a fresh one.
    let gone = false;
    const fail = (error: unknown) => {
      if (gone) return;
      gone = true;
      this.started--;
      const at = this.idle.indexOf(worker);
      if (at >= 0) this.idle.splice(at, 1);
      const pending = this.busy.get(worker);
      this.busy.delete(worker);
      if (pending) {
        const problem = new RetryLater('unavailable', 'the berth optimiser stopped while planning; try again', 1);
        problem.cause = error;
        pending.reject(problem);
      }
      if (!this.closed) this.dispatch();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`the berth planning worker stopped (exit code ${code})`)));
    return worker;
  }
}

function settle(pending: Pending, answer: PlanAnswer): void {
  if ('result' in answer) pending.resolve(answer.result);
  else if ('problem' in answer) pending.reject(new ProblemError(answer.problem.kind, answer.problem.message, answer.problem.errors));
  else pending.reject(new Error(`berth planning failed in its worker: ${answer.failure}`));
}
