// `jiaozhou berth solve` end to end, as a child process on a small instance written to a temp dir.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkPlan } from './checker.js';
import { parseInstance } from './instance.js';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'jiaozhou-berth-'));
after(() => rmSync(dir, { recursive: true, force: true }));

// 5 vessels, 2 berths; vessel 4 may only use berth 0.
const TEXT = ['5', '2', '0 1 2 3 4', '0 0', '6 7', '3 4', '5 5', '8 6', '4 99999', '100 100', '100 100 100 100 100 1 2 1 3 1'].join('\r\n');
const file = join(dir, 'small.txt');
writeFileSync(file, TEXT);

// Through the project's CLI (src/cli.ts, which loads the whole platform: slow to start) …
const jiaozhou = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'berth', ...args], { cwd: ROOT, encoding: 'utf8' });
// … or straight into the optimiser's command, for the many error cases.
const ENTRY = `import { berthCommand } from ${JSON.stringify(new URL('./cli.ts', import.meta.url).href)}; await berthCommand(process.argv.slice(1));`;
const berth = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', ENTRY, '--', ...args], { cwd: ROOT, encoding: 'utf8' });

describe('jiaozhou berth solve', () => {
  it('prints exactly one JSON plan with --json, which the checker accepts', () => {
    const r = jiaozhou('solve', file, '--iterations', '50', '--seed', '3', '--json');
    assert.equal(r.status, 0, r.stderr);
    const lines = r.stdout.trim().split('\n');
    assert.equal(lines.length, 1);
    const plan = JSON.parse(lines[0]);
    assert.deepEqual(Object.keys(plan), ['objective', 'assignments']);
    assert.deepEqual(plan.assignments.map((a: { vessel: number }) => a.vessel), [0, 1, 2, 3, 4]);
    for (const a of plan.assignments) assert.deepEqual(Object.keys(a), ['vessel', 'berth', 'start']);
    const check = checkPlan(parseInstance(TEXT), plan.assignments, plan.objective);
    assert.ok(check.feasible, JSON.stringify(check.violations));
  });

  it('prints a readable summary without --json', () => {
    const r = berth('solve', file, '--iterations', '20');
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /objective\s+\d+/);
    assert.match(r.stdout, /FCFS\s+\d+/);
    assert.match(r.stdout, /time to best/);
    assert.match(r.stdout, /checker\s+feasible/);
  });

  const failures: [string, string[], RegExp][] = [
    ['a missing file', ['solve', join(dir, 'none.txt')], /none\.txt: no such file/],
    ['a malformed file', ['solve', join(dir, 'bad.txt')], /bad\.txt:1: expected the number of berths M, got 'x'/],
    ['a bad flag value', ['solve', file, '--time-limit', 'soon'], /--time-limit must be a number/],
    ['an unknown flag', ['solve', file, '--fast'], /Unknown option '--fast'/],
    ['no instance file', ['solve'], /missing instance file/],
    ['an unknown command', ['plan', file], /unknown berth command 'plan'/],
  ];
  writeFileSync(join(dir, 'bad.txt'), '3 x\r\n');
  it('exits with code 2 through the project CLI too', () => {
    const r = jiaozhou('solve', join(dir, 'none.txt'), '--json');
    assert.equal(r.status, 2);
    assert.match(r.stderr, /no such file/);
    assert.equal(r.stdout, '');
  });
  for (const [what, args, message] of failures) {
    it(`exits with code 2 and a message on stderr for ${what}`, () => {
      const r = berth(...args);
      assert.equal(r.status, 2, r.stderr);
      assert.match(r.stderr, message);
      assert.equal(r.stdout, '');
    });
  }
});
