// Stored berth plans: saving a proposal, reading and presenting plans, and keeping the accepted
// plan's `stale` mark current as new ETAs arrive. Reads and writes only; the commands that decide
// (accepting, discarding) are in berthPlanCommands.ts.
import type { Selectable } from 'kysely';
import type { BerthPlanResult } from './berthplan.js';
import type { BerthPlanRow, PcDb } from './schema.js';

export type StoredPlan = Selectable<BerthPlanRow>;
export type PlanStatus = 'PROPOSED' | 'ACCEPTED' | 'SUPERSEDED' | 'DISCARDED';

export interface PlanParameters {
  freezeHours: number;
  movesPerCraneHour: number;
  timeLimitSeconds: number;
  /** How far a new ETA may move from the one the plan assumed before the plan is stale. */
  etaToleranceMinutes: number;
  pins: { portCallID: string; berthId: string; start: string }[];
}

/** Why an accepted plan no longer holds, for one call. */
export interface StaleReason {
  portCallID: string;
  vesselName: string;
  /** `berthPlan.infeasible`: the ship now arrives after its planned berth arrival (beyond the
   *  tolerance); `berthPlan.etaMoved`: its ETA moved more than the tolerance either way. */
  rule: 'berthPlan.infeasible' | 'berthPlan.etaMoved';
  previousETA: string;
  newETA: string;
  plannedBerthArrival: string;
  detail: string;
}

export const DEFAULT_ETA_TOLERANCE_MINUTES = 60;
/** Proposals nobody accepted or discarded are dropped this long after they were made. */
const PROPOSAL_KEEP_MS = 24 * 3600_000;

const utc = (v: string) => new Date(Date.parse(v)).toISOString();

/**
 * Whether a call's new ETA breaks the slot the plan gave it. One rule for marking accepted plans
 * stale and for refusing to accept a plan whose assumptions no longer hold.
 */
export function staleReason(
  call: { portCallID: string; vesselName: string; assumedArrival: string; plannedBerthArrival: string },
  newEta: string, toleranceMinutes: number,
): StaleReason | null {
  const tolerance = toleranceMinutes * 60_000;
  const eta = Date.parse(newEta), assumed = Date.parse(call.assumedArrival), planned = Date.parse(call.plannedBerthArrival);
  const base = { portCallID: call.portCallID, vesselName: call.vesselName, previousETA: utc(call.assumedArrival), newETA: utc(newEta), plannedBerthArrival: utc(call.plannedBerthArrival) };
  if (eta > planned + tolerance) {
    return { ...base, rule: 'berthPlan.infeasible', detail: `${call.vesselName} now arrives at ${base.newETA}, more than ${toleranceMinutes} min after its planned berth arrival ${base.plannedBerthArrival}` };
  }
  if (Math.abs(eta - assumed) > tolerance) {
    const minutes = Math.round((eta - assumed) / 60_000);
    return { ...base, rule: 'berthPlan.etaMoved', detail: `the ETA of ${call.vesselName} moved by ${minutes > 0 ? '+' : ''}${minutes} min (${base.previousETA} → ${base.newETA}), beyond the tolerance of ${toleranceMinutes} min` };
  }
  return null;
}

/** Stores a proposal with its calls; drops the terminal's proposals older than a day. */
export async function insertPlan(tx: PcDb, row: Omit<BerthPlanRow, 'accepted_at' | 'accepted_by_party_id' | 'acceptance' | 'superseded_at' | 'stale_reasons' | 'stale_since'>, plan: BerthPlanResult): Promise<StoredPlan> {
  const old = tx.selectFrom('pc_berth_plans').select('id').where('terminal_code', '=', row.terminal_code)
    .where('status', 'in', ['PROPOSED', 'DISCARDED']).where('created_at', '<', new Date(Date.parse(row.created_at) - PROPOSAL_KEEP_MS).toISOString());
  await tx.deleteFrom('pc_berth_plan_calls').where('plan_id', 'in', old).execute();
  await tx.deleteFrom('pc_berth_plans').where('terminal_code', '=', row.terminal_code).where('status', 'in', ['PROPOSED', 'DISCARDED'])
    .where('created_at', '<', new Date(Date.parse(row.created_at) - PROPOSAL_KEEP_MS).toISOString()).execute();
  const full: BerthPlanRow = { ...row, accepted_at: null, accepted_by_party_id: null, acceptance: null, superseded_at: null, stale_reasons: null, stale_since: null };
  await tx.insertInto('pc_berth_plans').values(full).execute();
  if (plan.calls.length) {
    await tx.insertInto('pc_berth_plan_calls').values(plan.calls.map((c) => ({
      plan_id: row.id, port_call_id: c.portCallID, berth_id: c.berthId, planned_berth_arrival: c.plannedBerthArrival,
      planned_berth_departure: c.plannedBerthDeparture, assumed_arrival: utc(c.expectedBerthArrival),
    }))).execute();
  }
  return full;
}

export const getPlan = (db: PcDb, terminalCode: string, id: string) =>
  db.selectFrom('pc_berth_plans').selectAll().where('id', '=', id).where('terminal_code', '=', terminalCode).executeTakeFirst();

export const currentPlan = (db: PcDb, terminalCode: string) =>
  db.selectFrom('pc_berth_plans').selectAll().where('terminal_code', '=', terminalCode).where('status', '=', 'ACCEPTED')
    .orderBy('accepted_at', 'desc').executeTakeFirst();

export const planCalls = (db: PcDb, planId: string) =>
  db.selectFrom('pc_berth_plan_calls').selectAll().where('plan_id', '=', planId).execute();

export function presentPlan(p: StoredPlan) {
  const reasons = p.stale_reasons ? (JSON.parse(p.stale_reasons) as StaleReason[]) : [];
  return {
    id: p.id, terminalCode: p.terminal_code, status: p.status as PlanStatus, createdAt: p.created_at,
    from: p.window_from, to: p.window_to, parameters: JSON.parse(p.parameters) as PlanParameters, basedOnPlanId: p.based_on_plan_id,
    ...(JSON.parse(p.body) as BerthPlanResult),
    acceptedAt: p.accepted_at, supersededAt: p.superseded_at,
    stale: reasons.length > 0, staleSince: p.stale_since, staleReasons: reasons,
  };
}
export type PresentedPlan = ReturnType<typeof presentPlan>;

/**
 * After a call's ETA-Berth changed (inside the transaction that stores it): the accepted plans
 * holding the call get its reason set, replaced or — when the ETA is back within the tolerance —
 * removed; a plan with no reasons left is no longer stale.
 */
export async function refreshPlanStaleness(tx: PcDb, portCallId: string, eta: string | null, now: string): Promise<void> {
  const rows = await tx.selectFrom('pc_berth_plan_calls')
    .innerJoin('pc_berth_plans', 'pc_berth_plans.id', 'pc_berth_plan_calls.plan_id')
    .innerJoin('pc_port_calls', 'pc_port_calls.id', 'pc_berth_plan_calls.port_call_id')
    .innerJoin('pc_vessels', 'pc_vessels.imo_number', 'pc_port_calls.vessel_imo_number')
    .select(['pc_berth_plans.id', 'pc_berth_plans.parameters', 'pc_berth_plans.stale_reasons', 'pc_berth_plans.stale_since',
      'pc_berth_plan_calls.assumed_arrival', 'pc_berth_plan_calls.planned_berth_arrival', 'pc_vessels.name'])
    .where('pc_berth_plan_calls.port_call_id', '=', portCallId).where('pc_berth_plans.status', '=', 'ACCEPTED').execute();
  for (const r of rows) {
    const tolerance = (JSON.parse(r.parameters) as PlanParameters).etaToleranceMinutes ?? DEFAULT_ETA_TOLERANCE_MINUTES;
    const reason = eta === null ? null
      : staleReason({ portCallID: portCallId, vesselName: r.name, assumedArrival: r.assumed_arrival, plannedBerthArrival: r.planned_berth_arrival }, eta, tolerance);
    const before = r.stale_reasons ? (JSON.parse(r.stale_reasons) as StaleReason[]) : [];
    const reasons = [...before.filter((x) => x.portCallID !== portCallId), ...(reason ? [reason] : [])];
    if (JSON.stringify(reasons) === JSON.stringify(before)) continue;
    await tx.updateTable('pc_berth_plans').set({
      stale_reasons: reasons.length ? JSON.stringify(reasons) : null,
      stale_since: reasons.length ? (r.stale_since ?? now) : null,
    }).where('id', '=', r.id).execute();
  }
}
