// The first-come-first-served baseline: vessels in order of arrival (ties by index), each to the
// berth where it would finish earliest (ties to the lower berth index) behind the vessels already
// there. This is the greedy that the README's reference values were computed with, and the
// solver's starting point.
import type { BerthInstance } from './instance.js';
import { Schedule } from './schedule.js';

export function fcfsSchedule(instance: BerthInstance): Schedule {
  const schedule = new Schedule(instance);
  const { n, m, arrival, handling, limit, seq, end, opening, length } = schedule;
  const order = Array.from({ length: n }, (_, i) => i).sort((x, y) => arrival[x] - arrival[y] || x - y);
  const run = new Int32Array(1);
  for (const i of order) {
    let bestBerth = -1;
    let bestEnd = Infinity;
    for (let k = 0; k < m; k++) {
      const free = length[k] > 0 ? end[seq[k * n + length[k] - 1]] : opening[k];
      const e = Math.max(free, arrival[i]) + handling[i * m + k];
      if (e <= limit[i * m + k] && e < bestEnd) {
        bestEnd = e;
        bestBerth = k;
      }
    }
    // A vessel that fits nowhere stays unassigned: FCFS has no way to make room for it.
    if (bestBerth < 0) continue;
    run[0] = i;
    schedule.applySplice(bestBerth, length[bestBerth], run, 1, length[bestBerth]);
  }
  return schedule;
}
