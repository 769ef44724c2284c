// Port efficiency KPIs over port calls. The computation is pure (unit-tested on hand-computed
// fixtures); `kpiCalls` reads the calls a viewer may count.
//
// Definitions (all times are the calls' latest actuals, see projection.ts):
// - berth-on-arrival rate: share of calls whose actual berth arrival (ATA-Berth) is within the
//   tolerance (default 2 h) of the actual arrival at the pilot boarding place (ATA-PBP), i.e. the
//   vessel went to the berth without waiting at anchor. Calls lacking either actual are left out
//   and counted as `excluded`.
// - waiting time: ATA-PBP → ATA-Berth, hours; average and 90th percentile (nearest rank) over the
//   same calls. It includes the pilotage passage, as the tolerance above does.
// - time in port: ATA-PBP → ATD-Berth, hours, average over ocean-mainline calls: vessel TEU
//   capacity ≥ 10,000, or the carrier flagged the call's service as mainline (isMainlineService).
// - moves per ship-hour: actual moves (load + discharge + restow, as the terminal reports them) ÷
//   cargo operations hours (completion − start); moves per crane-hour divides by crane-hours (the
//   cranes used on the call, else the cranes of its berth). Both are ratios of sums over the
//   measured calls (the port-wide rate, not an average of per-call rates, so a short call does
//   not weigh as much as a long one).
// - schedule reliability: share of calls whose ATA-Berth is within ±24 h (the industry's "on time
//   within one day", as Sea-Intelligence's Global Liner Performance counts it) of the baseline:
//   the first PTA-Berth the terminal sent, else the first ETA-Berth. Calls without both are left out.
// A call belongs to a period (and a month) by its actual berth arrival, else its expected one.
import { sql } from 'kysely';
import { callVisibleTo, type Viewer } from '../access.js';
import type { PcDb } from '../schema.js';

export const MAINLINE_MIN_TEU = 10_000;
export const DEFAULT_BERTH_ON_ARRIVAL_TOLERANCE_MINUTES = 120;
export const DEFAULT_SCHEDULE_WINDOW_HOURS = 24;

export interface KpiCall {
  id: string;
  terminalCode: string;
  serviceCode: string;
  /** When the call counts: ATA-Berth, else the expected berth arrival (UTC ISO). */
  referenceTime: string;
  teuCapacity: number | null;
  isMainlineService: boolean;
  /** Cranes used on the call, else the cranes of its berth. */
  cranes: number | null;
  /** Actual moves (load + discharge + restow), when the terminal reported them. */
  moves: number | null;
  ataPbp: string | null;
  ataBerth: string | null;
  atdBerth: string | null;
  cargoOpsStart: string | null;
  cargoOpsEnd: string | null;
  /** First PTA-Berth, else first ETA-Berth. */
  baselineBerthArrival: string | null;
}

export interface KpiOptions {
  berthOnArrivalToleranceMinutes: number;
  scheduleWindowHours: number;
}

export const DEFAULT_KPI_OPTIONS: KpiOptions = {
  berthOnArrivalToleranceMinutes: DEFAULT_BERTH_ON_ARRIVAL_TOLERANCE_MINUTES,
  scheduleWindowHours: DEFAULT_SCHEDULE_WINDOW_HOURS,
};

const HOUR = 3_600_000;
const hoursBetween = (from: string, to: string) => (Date.parse(to) - Date.parse(from)) / HOUR;
const round = (v: number, digits: number) => Math.round(v * 10 ** digits) / 10 ** digits;
const ratio = (a: number, b: number, digits = 4) => (b > 0 ? round(a / b, digits) : null);
const average = (values: number[]) => (values.length ? round(values.reduce((s, v) => s + v, 0) / values.length, 2) : null);

/** The p-th percentile by the nearest-rank method (p in 0–100): a value that occurred. */
export function percentile(values: number[], p: number): number | null {
  if (!values.length) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)];
}

export const isMainline = (c: Pick<KpiCall, 'teuCapacity' | 'isMainlineService'>) => c.isMainlineService || (c.teuCapacity ?? 0) >= MAINLINE_MIN_TEU;

export function computeKpis(calls: readonly KpiCall[], options: KpiOptions = DEFAULT_KPI_OPTIONS) {
  // Arrival at the PBP then at the berth; an ATA-Berth before the ATA-PBP is a data error, not a wait.
  const arrived = calls.filter((c) => c.ataPbp && c.ataBerth && c.ataBerth >= c.ataPbp);
  const waits = arrived.map((c) => hoursBetween(c.ataPbp!, c.ataBerth!));
  const onArrival = waits.filter((h) => h * 60 <= options.berthOnArrivalToleranceMinutes).length;

  const mainline = calls.filter(isMainline);
  const stays = mainline.filter((c) => c.ataPbp && c.atdBerth && c.atdBerth > c.ataPbp).map((c) => hoursBetween(c.ataPbp!, c.atdBerth!));

  const worked = calls.filter((c) => c.moves !== null && c.cargoOpsStart && c.cargoOpsEnd && c.cargoOpsEnd > c.cargoOpsStart);
  const moves = worked.reduce((s, c) => s + c.moves!, 0);
  const shipHours = worked.reduce((s, c) => s + hoursBetween(c.cargoOpsStart!, c.cargoOpsEnd!), 0);
  const craned = worked.filter((c) => c.cranes !== null && c.cranes > 0);
  const cranedMoves = craned.reduce((s, c) => s + c.moves!, 0);
  const craneHours = craned.reduce((s, c) => s + c.cranes! * hoursBetween(c.cargoOpsStart!, c.cargoOpsEnd!), 0);

  const scheduled = calls.filter((c) => c.ataBerth && c.baselineBerthArrival);
  const onTime = scheduled.filter((c) => Math.abs(hoursBetween(c.baselineBerthArrival!, c.ataBerth!)) <= options.scheduleWindowHours).length;

  return {
    calls: calls.length,
    berthOnArrival: { rate: ratio(onArrival, arrived.length), onArrival, measured: arrived.length, excluded: calls.length - arrived.length },
    waitingHours: { average: average(waits), p90: waits.length ? round(percentile(waits, 90)!, 2) : null, measured: waits.length },
    timeInPortHours: { average: average(stays), measured: stays.length, mainlineCalls: mainline.length, excluded: mainline.length - stays.length },
    movesPerShipHour: { value: ratio(moves, shipHours, 2), moves, shipHours: round(shipHours, 2), measured: worked.length },
    movesPerCraneHour: { value: ratio(cranedMoves, craneHours, 2), moves: cranedMoves, craneHours: round(craneHours, 2), measured: craned.length },
    scheduleReliability: { rate: ratio(onTime, scheduled.length), onTime, measured: scheduled.length, excluded: calls.length - scheduled.length },
  };
}

export type Kpis = ReturnType<typeof computeKpis>;
export const GROUP_BY = ['terminal', 'service', 'month'] as const;
export type GroupBy = (typeof GROUP_BY)[number];

const groupKey: Record<GroupBy, (c: KpiCall) => string> = {
  terminal: (c) => c.terminalCode,
  service: (c) => c.serviceCode,
  // Months in UTC, like every stored time.
  month: (c) => c.referenceTime.slice(0, 7),
};

/** KPIs per group (sorted by key), or one group `null` over all calls. */
export function groupKpis(calls: readonly KpiCall[], groupBy: GroupBy | undefined, options: KpiOptions = DEFAULT_KPI_OPTIONS) {
  if (!groupBy) return [{ key: null, ...computeKpis(calls, options) }];
  const groups = new Map<string, KpiCall[]>();
  for (const c of calls) groups.set(groupKey[groupBy](c), [...(groups.get(groupKey[groupBy](c)) ?? []), c]);
  return [...groups.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([key, members]) => ({ key, ...computeKpis(members, options) }));
}

export interface KpiFilter {
  /** UTC ISO, inclusive. */
  from: string;
  /** UTC ISO, exclusive. */
  to: string;
  terminal?: string;
  service?: string;
}

/** The calls of the period the viewer may count (authorities and the shipping-center office: all). */
export async function kpiCalls(db: PcDb, viewer: Viewer, f: KpiFilter): Promise<KpiCall[]> {
  const reference = sql<string>`coalesce(pc_port_calls.ata_berth, pc_port_calls.expected_berth_arrival)`;
  const rows = await db.selectFrom('pc_port_calls')
    .innerJoin('pc_vessels', 'pc_vessels.imo_number', 'pc_port_calls.vessel_imo_number')
    .leftJoin('pc_berths', (j) => j.onRef('pc_berths.terminal_code', '=', 'pc_port_calls.terminal_code').onRef('pc_berths.berth_id', '=', 'pc_port_calls.berth_id'))
    .select(['pc_port_calls.id', 'pc_port_calls.terminal_code', 'carrier_service_code', 'teu_capacity', 'is_mainline_service', 'cranes_used', 'crane_count',
      'actual_load_moves', 'actual_discharge_moves', 'actual_restow_moves', 'ata_pbp', 'ata_berth', 'atd_berth', 'cargo_ops_start', 'cargo_ops_end',
      'first_pta_berth', 'first_eta_berth', reference.as('reference_time')])
    .where(callVisibleTo(viewer, 'statistics'))
    .where(reference, '>=', f.from).where(reference, '<', f.to)
    .$if(f.terminal !== undefined, (q) => q.where('pc_port_calls.terminal_code', '=', f.terminal!))
    .$if(f.service !== undefined, (q) => q.where('carrier_service_code', '=', f.service!))
    .orderBy('pc_port_calls.seq').execute();
  return rows.map((r) => {
    const parts = [r.actual_load_moves, r.actual_discharge_moves, r.actual_restow_moves];
    return {
      id: r.id, terminalCode: r.terminal_code, serviceCode: r.carrier_service_code, referenceTime: r.reference_time,
      teuCapacity: r.teu_capacity, isMainlineService: r.is_mainline_service === 1, cranes: r.cranes_used ?? r.crane_count ?? null,
      moves: parts.every((p) => p === null) ? null : parts.reduce<number>((s, p) => s + (p ?? 0), 0),
      ataPbp: r.ata_pbp, ataBerth: r.ata_berth, atdBerth: r.atd_berth, cargoOpsStart: r.cargo_ops_start, cargoOpsEnd: r.cargo_ops_end,
      baselineBerthArrival: r.first_pta_berth ?? r.first_eta_berth,
    };
  });
}
