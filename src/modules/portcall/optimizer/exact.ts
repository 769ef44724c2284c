// An exact MIP for small DBAP instances, solved with HiGHS (the `highs` package: the solver
// compiled to WebAssembly, bundled, so nothing is downloaded at run time). It exists to verify the
// metaheuristic: on sub-instances of 10–15 vessels HiGHS proves the optimum and the two can be
// compared side by side. It is far too weak for full instances.
//
// Formulation (disjunctive, big-M, one order variable per vessel pair):
//   x_ik ∈ {0,1}  vessel i at berth k (allowed pairs only);  Σ_k x_ik = 1
//   T_i ≥ 0       start of vessel i;  T_i ≥ a_i,  T_i ≥ Σ_k s_k x_ik
//                 T_i + Σ_k h_ik x_ik ≤ b_i,  T_i + Σ_k h_ik x_ik ≤ Σ_k e_k x_ik
//   y_ij ∈ {0,1}  for i < j: i before j if they share a berth; for each berth k both may use:
//     T_j ≥ T_i + h_ik − M_ijk (1 − y_ij) − M_ijk (2 − x_ik − x_jk)
//     T_i ≥ T_j + h_jk − M_jik y_ij       − M_jik (2 − x_ik − x_jk)
//   minimise Σ_i v_i (T_i + Σ_k h_ik x_ik − a_i)
// with M_ijk = h_ik + (latest start of i) − (earliest start of j) over all their berths: the most
// by which the row can be violated when it is switched off (tighter than one horizon-wide M).
import { FORBIDDEN, type BerthInstance } from './instance.js';
import type { BerthPlan } from './plan.js';

export interface ExactResult {
  /** 'optimal' when HiGHS proved optimality; 'feasible' when it stopped at the time limit with a
   *  plan; 'infeasible' when no plan exists; 'unknown' otherwise. */
  status: 'optimal' | 'feasible' | 'infeasible' | 'unknown';
  /** HiGHS's own status string. */
  highsStatus: string;
  /** Objective of `plan` (recomputed with earliest starts), or null without a plan. */
  objective: number | null;
  plan: BerthPlan | null;
  seconds: number;
}

type Highs = { solve(problem: string, options?: Record<string, unknown>): { Status: string; ObjectiveValue: number; Columns: Record<string, { Primal?: number }> } };
let loaded: Promise<Highs> | undefined;

/** Loads HiGHS once; throws a clear error if the optional package is not installed. */
async function highs(): Promise<Highs> {
  loaded ??= import('highs').then(
    async (module) => {
      // The package's types describe a CommonJS module while Node loads its ESM build: the
      // loader is `default` or `default.default` depending on which one is seen.
      type Loader = () => Promise<unknown>;
      const exported = (module as unknown as { default: Loader | { default: Loader } }).default;
      const loader = typeof exported === 'function' ? exported : exported.default;
      return (await loader()) as Highs;
    },
    (e: unknown) => {
      loaded = undefined;
      throw new Error(`the exact solver needs the 'highs' package (npm install highs): ${(e as Error).message}`);
    },
  );
  return loaded;
}

/** The MIP in CPLEX LP format (what HiGHS reads). */
export function exactModel(instance: BerthInstance): string {
  const { vessels: n, berths: m, arrival: a, latestDeparture: b, weight: v, opening: s, closing: e } = instance;
  const h = (i: number, k: number) => instance.handling[i * m + k];
  const ok = (i: number, k: number) => h(i, k) < FORBIDDEN;
  const objective: string[] = [];
  const rows: string[] = [];
  const binaries: string[] = [];
  const term = (c: number, name: string) => (c >= 0 ? `+ ${c} ${name}` : `- ${-c} ${name}`);
  let constant = 0;
  for (let i = 0; i < n; i++) {
    objective.push(term(v[i], `T${i}`));
    constant -= v[i] * a[i];
    const assign: string[] = [];
    const opening: string[] = [];
    const end: string[] = [];
    const due: string[] = [];
    for (let k = 0; k < m; k++) {
      if (!ok(i, k)) continue;
      binaries.push(`x${i}_${k}`);
      objective.push(term(v[i] * h(i, k), `x${i}_${k}`));
      assign.push(`+ x${i}_${k}`);
      opening.push(term(-s[k], `x${i}_${k}`));
      // T_i + Σ h x ≤ Σ e x  ⇔  T_i + Σ (h − e) x ≤ 0
      end.push(term(h(i, k) - e[k], `x${i}_${k}`));
      due.push(term(h(i, k), `x${i}_${k}`));
    }
    rows.push(`assign${i}: ${assign.join(' ')} = 1`);
    rows.push(`open${i}: T${i} ${opening.join(' ')} >= 0`);
    rows.push(`close${i}: T${i} ${end.join(' ')} <= 0`);
    rows.push(`due${i}: T${i} ${due.join(' ')} <= ${b[i]}`);
  }
  // Range of each vessel's start over all its berths: a switched-off precedence row must hold for
  // any start the pair can take, including when one of them sits on another berth.
  const minStart = new Array<number>(n).fill(Infinity);
  const maxStart = new Array<number>(n).fill(-Infinity);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < m; k++) {
      if (!ok(i, k)) continue;
      minStart[i] = Math.min(minStart[i], Math.max(a[i], s[k]));
      maxStart[i] = Math.max(maxStart[i], Math.min(b[i], e[k]) - h(i, k));
    }
  }
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      let shared = false;
      for (let k = 0; k < m; k++) {
        if (!ok(i, k) || !ok(j, k)) continue;
        shared = true;
        const mij = Math.max(0, h(i, k) + maxStart[i] - minStart[j]);
        const mji = Math.max(0, h(j, k) + maxStart[j] - minStart[i]);
        // T_j − T_i − M y_ij − M x_ik − M x_jk ≥ h_ik − 3M
        rows.push(`p${i}_${j}_${k}: T${j} - T${i} - ${mij} y${i}_${j} - ${mij} x${i}_${k} - ${mij} x${j}_${k} >= ${h(i, k) - 3 * mij}`);
        // T_i − T_j + M y_ij − M x_ik − M x_jk ≥ h_jk − 2M
        rows.push(`q${i}_${j}_${k}: T${i} - T${j} + ${mji} y${i}_${j} - ${mji} x${i}_${k} - ${mji} x${j}_${k} >= ${h(j, k) - 2 * mji}`);
      }
      if (shared) binaries.push(`y${i}_${j}`);
    }
  }
  const bounds: string[] = [];
  for (let i = 0; i < n; i++) bounds.push(`${minStart[i]} <= T${i} <= ${maxStart[i]}`);
  return [
    'Minimize',
    ` obj: ${objective.join(' ')}${constant ? ` ${constant >= 0 ? '+' : '-'} ${Math.abs(constant)}` : ''}`,
    'Subject To',
    ...rows.map((r) => ` ${r}`),
    'Bounds',
    ...bounds.map((r) => ` ${r}`),
    'Binary',
    ` ${binaries.join(' ')}`,
    'End',
    '',
  ].join('\n');
}

/** Solves the instance to optimality (or until `timeLimit` seconds). */
export async function solveExact(instance: BerthInstance, options: { timeLimit?: number } = {}): Promise<ExactResult> {
  const solver = await highs();
  const started = performance.now();
  const result = solver.solve(exactModel(instance), {
    time_limit: options.timeLimit ?? 60,
    mip_rel_gap: 0,
    output_flag: false,
  });
  const seconds = (performance.now() - started) / 1000;
  const status = result.Status;
  const hasPlan = status === 'Optimal' || (status === 'Time limit reached' && Number.isFinite(result.ObjectiveValue));
  if (!hasPlan) {
    return { status: status === 'Infeasible' ? 'infeasible' : 'unknown', highsStatus: status, objective: null, plan: null, seconds };
  }
  const plan = planFromColumns(instance, result.Columns);
  return { status: status === 'Optimal' ? 'optimal' : 'feasible', highsStatus: status, objective: plan.objective, plan, seconds };
}

/**
 * Turns the MIP's columns into a plan: the berth from x, the order on each berth from T, then
 * earliest starts. The MIP's own T are optimal up to float noise; re-timing gives exact integers.
 */
function planFromColumns(instance: BerthInstance, columns: Record<string, { Primal?: number }>): BerthPlan {
  const { vessels: n, berths: m } = instance;
  const value = (name: string) => columns[name]?.Primal ?? 0;
  const byBerth: { vessel: number; t: number }[][] = Array.from({ length: m }, () => []);
  for (let i = 0; i < n; i++) {
    let berth = -1;
    let best = -1;
    for (let k = 0; k < m; k++) {
      const x = value(`x${i}_${k}`);
      if (x > best) {
        best = x;
        berth = k;
      }
    }
    byBerth[berth].push({ vessel: i, t: value(`T${i}`) });
  }
  const assignments: BerthPlan['assignments'] = [];
  let objective = 0;
  byBerth.forEach((list, k) => {
    list.sort((x, y) => x.t - y.t || x.vessel - y.vessel);
    let free = instance.opening[k];
    for (const { vessel: i } of list) {
      const start = Math.max(free, instance.arrival[i]);
      free = start + instance.handling[i * m + k];
      objective += instance.weight[i] * (free - instance.arrival[i]);
      assignments.push({ vessel: i, berth: k, start });
    }
  });
  assignments.sort((x, y) => x.vessel - y.vessel);
  return { objective, assignments };
}
