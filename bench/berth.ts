// Berth planning optimiser on the DBAP benchmark instances of Kramer et al. (2019).
//
//   npx tsx bench/berth.ts [--limits 10,60] [--instances 'f200*' | f200x15-01,f250x20-03]
//                          [--seed 1] [--bound-time-limit 30 | 0] [--exact 10x3,12x4,15x4 | none]
//                          [--exact-time-limit 60] [--data ../shared/data/bap]
//
// For every instance and time limit: the FCFS baseline, the objective found, its gap to the best
// value we know (the README of the data: only a peer result for f200x15-02 — no other numbers are
// made up here), a certified lower bound (Lagrangian relaxation, src/…/optimizer/bound.ts) and the
// gap to it, the time to best and the independent checker's verdict. With HiGHS installed it
// then solves small sub-instances (the first n vessels that may use one of the first m berths)
// exactly and compares the metaheuristic with the proven optimum. One core, runs in sequence.
// Results go to bench/results/berth.json. The instance files have no licence: they are read from
// the shared folder, never copied into the repository.
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { berthOptimizer } from '../src/modules/portcall/index.js';

const { check: checkPlan, isAllowed, lowerBound, readInstance, solve, subInstance } = berthOptimizer;

// From ../shared/data/bap/README.md: FCFS greedy values, and the one published/peer result.
const README: Record<string, { fcfs: number; bestKnown?: number; source?: string }> = {
  'f200x15-01': { fcfs: 16371 },
  'f200x15-02': { fcfs: 12860, bestKnown: 10896, source: 'open-source Rust metaheuristic, 200 s' },
  'f200x15-03': { fcfs: 18115 },
  'f200x15-04': { fcfs: 24723 },
  'f200x15-05': { fcfs: 29517 },
  'f250x20-01': { fcfs: 21469 },
  'f250x20-02': { fcfs: 21217 },
  'f250x20-03': { fcfs: 22186 },
  'f250x20-04': { fcfs: 22439 },
  'f250x20-05': { fcfs: 20504 },
};

const { values } = parseArgs({
  options: {
    limits: { type: 'string', default: '10,60' },
    instances: { type: 'string', default: '*' },
    seed: { type: 'string', default: '1' },
    'bound-time-limit': { type: 'string', default: '30' },
    exact: { type: 'string', default: '10x3,12x4,15x4' },
    'exact-time-limit': { type: 'string', default: '60' },
    data: { type: 'string', default: fileURLToPath(new URL('../../shared/data/bap/', import.meta.url)) },
  },
});
const limits = values.limits!.split(',').map(Number);
if (limits.some((l) => !(l > 0))) throw new Error(`--limits must be positive seconds, got ${values.limits}`);
const seed = Number(values.seed);
const dataDir = resolve(values.data!);
if (!existsSync(dataDir)) {
  console.error(`no DBAP instances at ${dataDir} (expected ../shared/data/bap next to the repository); nothing to do`);
  process.exit(0);
}

const glob = (pattern: string) => new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
const available = readdirSync(dataDir).filter((f) => f.endsWith('.txt')).map((f) => f.replace(/\.txt$/, '')).sort();
const patterns = values.instances!.split(',').map((p) => glob(basename(p.trim()).replace(/\.txt$/, '')));
const instances = available.filter((name) => patterns.some((p) => p.test(name)));
if (instances.length === 0) throw new Error(`--instances ${values.instances} matches none of ${available.join(', ')}`);

const round = (x: number, digits = 1) => Number(x.toFixed(digits));
const pct = (x: number, base: number) => round(((x - base) / base) * 100, 2);

const runs = [];
const bounds = [];
const boundLimit = Number(values['bound-time-limit']);
console.log(`Berth optimiser on ${instances.length} instance(s), limits ${limits.join(', ')} s, seed ${seed}, ${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}\n`);
console.log('| instance | FCFS | limit (s) | objective | vs FCFS | best known | gap to best known | lower bound | gap to bound | time to best (s) | iterations | checker |');
console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|');
for (const name of instances) {
  const instance = readInstance(join(dataDir, `${name}.txt`));
  const known = README[name];
  const rows = [];
  for (const limit of limits) {
    const r = solve(instance, { timeLimit: limit, seed });
    const check = checkPlan(instance, r.plan.assignments, r.objective);
    const fcfs = r.fcfsObjective;
    rows.push({
      instance: name,
      vessels: instance.vessels,
      berths: instance.berths,
      limit,
      seed,
      fcfs,
      fcfsReadme: known?.fcfs ?? null,
      objective: r.objective,
      complete: r.complete,
      gapToFcfsPercent: fcfs ? pct(r.objective, fcfs) : null,
      bestKnown: known?.bestKnown ?? null,
      bestKnownSource: known?.source ?? null,
      gapToBestKnownPercent: known?.bestKnown ? pct(r.objective, known.bestKnown) : null,
      lowerBound: null as number | null,
      gapToBoundPercent: null as number | null,
      timeToBest: round(r.timeToBest, 2),
      elapsed: round(r.elapsed, 2),
      iterations: r.iterations,
      feasible: check.feasible,
      violations: check.violations.length,
    });
  }
  // The bound's step size aims at the best objective found: the tighter that is, the better.
  if (boundLimit > 0) {
    const upperBound = Math.min(...rows.map((r) => r.objective));
    const b = lowerBound(instance, { upperBound, iterations: 1e9, timeLimit: boundLimit });
    bounds.push({ instance: name, lowerBound: b.bound, iterations: b.iterations, seconds: round(b.seconds, 2) });
    for (const row of rows) {
      row.lowerBound = b.bound;
      row.gapToBoundPercent = pct(row.objective, b.bound);
    }
  }
  for (const row of rows) {
    runs.push(row);
    const gapKnown = row.gapToBestKnownPercent === null ? '' : `${row.gapToBestKnownPercent} %`;
    const gapBound = row.gapToBoundPercent === null ? '' : `${row.gapToBoundPercent} %`;
    console.log(`| ${name} | ${row.fcfs ?? 'n/a'} | ${row.limit} | ${row.objective} | ${row.gapToFcfsPercent ?? ''} % | ${row.bestKnown ?? ''} | ${gapKnown} | ${row.lowerBound ?? ''} | ${gapBound} | ${row.timeToBest} | ${row.iterations} | ${row.feasible ? 'feasible' : `INFEASIBLE (${row.violations})`} |`);
  }
}

const exact = [];
const sizes = values.exact === 'none' ? [] : values.exact!.split(',').map((s) => s.split('x').map(Number) as [number, number]);
if (sizes.length) {
  let solveExact: typeof berthOptimizer.solveExact | undefined;
  try {
    // The exact solver loads HiGHS on first use; without the optional package the comparison is skipped.
    await import('highs');
    solveExact = berthOptimizer.solveExact;
  } catch (e) {
    console.log(`\nExact comparison skipped: ${(e as Error).message}`);
    solveExact = undefined;
  }
  if (solveExact) {
    const exactLimit = Number(values['exact-time-limit']);
    console.log(`\nHiGHS (exact MIP, ${exactLimit} s limit) vs the metaheuristic (2 s) on sub-instances: the first n vessels that may use one of the first m berths.\n`);
    console.log('| sub-instance | vessels × berths | HiGHS status | HiGHS objective | HiGHS time (s) | metaheuristic | time to best (s) | same? |');
    console.log('|---|---|---|---:|---:|---:|---:|---|');
    for (const name of instances) {
      const instance = readInstance(join(dataDir, `${name}.txt`));
      for (const [n, m] of sizes) {
        const berths = Array.from({ length: Math.min(m, instance.berths) }, (_, k) => k);
        const vessels: number[] = [];
        for (let i = 0; i < instance.vessels && vessels.length < n; i++) if (berths.some((k) => isAllowed(instance, i, k))) vessels.push(i);
        const sub = subInstance(instance, vessels, berths);
        const ex = await solveExact(sub, { timeLimit: exactLimit });
        const exCheck = ex.plan ? checkPlan(sub, ex.plan.assignments, ex.objective ?? undefined).feasible : false;
        const h = solve(sub, { timeLimit: 2, seed });
        const hCheck = checkPlan(sub, h.plan.assignments, h.objective).feasible;
        const verdict = ex.status === 'optimal' ? (h.objective === ex.objective ? 'optimal' : h.objective > ex.objective! ? 'metaheuristic worse' : 'metaheuristic better?!') : `HiGHS ${ex.status}`;
        exact.push({
          instance: name, vessels: sub.vessels, berths: sub.berths,
          highs: { status: ex.status, objective: ex.objective, seconds: round(ex.seconds, 2), feasible: exCheck },
          metaheuristic: { objective: h.objective, timeToBest: round(h.timeToBest, 3), feasible: hCheck },
          verdict,
        });
        console.log(`| ${name} first ${sub.vessels} | ${sub.vessels} × ${sub.berths} | ${ex.status} | ${ex.objective ?? ''} | ${round(ex.seconds, 2)} | ${h.objective} | ${round(h.timeToBest, 3)} | ${verdict} |`);
      }
    }
  }
}

const dir = fileURLToPath(new URL('./results/', import.meta.url));
mkdirSync(dir, { recursive: true });
writeFileSync(join(dir, 'berth.json'), `${JSON.stringify({ seed, limits, runs, bounds, exact, node: process.version, cpu: cpus()[0]?.model ?? null, at: new Date().toISOString() }, null, 2)}\n`);
console.log(`\nsaved bench/results/berth.json`);
