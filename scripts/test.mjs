// Runs every test file (src/**/*.test.ts, test/**/*.test.ts) with node's test runner.
// Node 20's runner does not expand globs itself; this script does, and passes its arguments on
// (e.g. `npm test -- test/api.test.ts` runs one file).
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

function find(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'node_modules' ? [] : find(path);
    return name.endsWith('.test.ts') ? [path] : [];
  });
}

const args = process.argv.slice(2);
const files = args.length ? args : [...find('src'), ...find('test')].sort();
const db = process.env.DATABASE_URL ? `PostgreSQL (${process.env.DATABASE_URL})` : 'embedded SQLite';
console.log(`Running ${files.length} test files on ${db}`);
const run = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=spec', ...files], { stdio: 'inherit' });
process.exit(run.status ?? 1);
