// Parsing and validating a batch of 500 events takes about 15 ms of CPU. On the main
// thread that would stall every other request, and on SQLite the writer, for as long; worker
// threads do it on the other cores while the main thread commits the previous batch. They get
// the body's bytes, not its text: decoding 350 kB of UTF-8 and copying the string to the
// worker were a tenth of the main thread's time under load.
import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import { startWorker } from '../../core/workers.js';
import { unpackRequest, type CheckedRequest, type PackedRequest } from './model.js';

interface Job { worker: Worker; resolve: (r: CheckedRequest) => void; reject: (e: unknown) => void }

export class EventValidator {
  private readonly workers: Worker[] = [];
  private readonly jobs = new Map<number, Job>();
  private nextId = 0;

  constructor(private readonly size = Math.max(1, Math.min(4, availableParallelism() - 1))) {}

  /** Checks a publish request's body (UTF-8 JSON). The bytes are handed over: do not reuse them. */
  check(body: Uint8Array, now: Date): Promise<CheckedRequest> {
    const id = this.nextId++;
    const worker = this.worker(id % this.size);
    // Only a view of a whole buffer can move to the worker without copying; a view of part of
    // a larger (shared) one is copied first, or the rest would be cloned or detached with it.
    const bytes = body.byteOffset === 0 && body.byteLength === body.buffer.byteLength ? body : body.slice();
    return new Promise((resolve, reject) => {
      this.jobs.set(id, { worker, resolve, reject });
      worker.postMessage({ id, bytes, now: now.getTime() }, [bytes.buffer as ArrayBuffer]);
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
    this.workers.length = 0;
  }

  /** Workers start on first use: most processes (tests, tools) never publish. */
  private worker(index: number): Worker {
    if (this.workers[index]) return this.workers[index];
    const worker = startWorker(import.meta.url, 'validator-worker');
    worker.on('message', ({ id, result }: { id: number; result: PackedRequest }) => {
      const job = this.jobs.get(id);
      this.jobs.delete(id);
      job?.resolve(unpackRequest(result));
    });
    // A worker that crashed or stopped fails what it held; the next request starts a fresh one.
    const fail = (error: unknown) => {
      if (this.workers[index] === worker) delete this.workers[index];
      for (const [id, job] of this.jobs) if (job.worker === worker) { this.jobs.delete(id); job.reject(error); }
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`the validation worker stopped (exit code ${code})`)));
    this.workers[index] = worker;
    return worker;
  }
}
