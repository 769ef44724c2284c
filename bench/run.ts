// `npm run bench`: every benchmark on the database the environment selects, at sizes that finish
// in minutes. Run the files one by one for the full figures (see bench/README.md).
import { spawnSync } from 'node:child_process';
import { SERVER_HEAP_FLAGS } from '../src/sim/embedded.js';

const runs: [string, string[]][] = [
  ['bench/ingest.ts', ['--events', process.env.BENCH_INGEST_EVENTS ?? '100000']],
  ['bench/timeline.ts', ['--events', process.env.BENCH_TIMELINE_EVENTS ?? '5000000']],
];
// The timeline is timed inside the benchmark's own process, so each runs with the heap settings
// `jiaozhou serve` has.
for (const [file, args] of runs) {
  console.log(`\n=== ${file} ${args.join(' ')}`);
  const r = spawnSync(process.execPath, [...SERVER_HEAP_FLAGS, '--import', 'tsx', file, ...args], { stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
