// Worker threads of the platform's own modules (the event validator, the berth planner).
import { Worker } from 'node:worker_threads';

/**
 * Starts the worker file `name` beside `callerUrl` (the caller's `import.meta.url`), unref'd so it
 * never keeps the process alive. Run from source (tests, `tsx`), the worker registers the
 * TypeScript loader first; compiled, it loads the `.js` file in `dist/`.
 */
export function startWorker(callerUrl: string, name: string): Worker {
  const fromSource = callerUrl.endsWith('.ts');
  const file = JSON.stringify(new URL(`./${name}.${fromSource ? 'ts' : 'js'}`, callerUrl).href);
  const code = fromSource
    ? `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((tsx) => { tsx.register(); return import(${file}); })`
    : `import(${file})`;
  const worker = new Worker(code, { eval: true });
  worker.unref();
  return worker;
}
