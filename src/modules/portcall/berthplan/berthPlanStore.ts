// Stored berth plans: saving a proposal, reading and presenting plans, and keeping the accepted
// plan's `stale` mark current as new ETAs arrive. Reads and writes only; the commands that decide
// (accepting, discarding) are in berthPlanCommands.ts.
import type { Selectable } from 'kysely';
import type { BerthPlanResult } from './berthplan.js';
import { explanation, untranslated, type Explanation } from './explanations.js';
import type { BerthPlanRow, PcDb } from '../schema.js';

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

/** The rules by which one call breaks an accepted plan (and refuses a proposal's accept). */
export type StaleRule = 'berthPlan.infeasible' | 'berthPlan.etaMoved' | 'berthPlan.pbpInfeasible' | 'berthPlan.pbpEtaMoved' | 'berthPlan.callOmitted';

/** Why an accepted plan no longer holds, for one call (a call may have two: its ETA-Berth and its ETA-PBP). */
export interface StaleReason {
  portCallID: string;
  vesselName: string;
  /**
   * `berthPlan.infeasible`: the ship's ETA-Berth now lies after its planned berth arrival (beyond
   * the tolerance); `berthPlan.etaMoved`: its ETA-Berth moved more than the tolerance either way;
   * `berthPlan.pbpInfeasible`, `berthPlan.pbpEtaMoved`: the same for its ETA at the pilot boarding
   * place; `berthPlan.callOmitted`: the carrier omitted the call.
   */
  rule: StaleRule;
  /** The ETA that moved (null for an omitted call). */
  timestampDefinition: 'ETA-Berth' | 'ETA-PBP' | null;
  /** The ETA the plan assumed (null: the plan knew none, or the call was omitted) and the new one. */
  previousETA: string | null;
  newETA: string | null;
  plannedBerthArrival: string;
  /** English; `message` says the same as a code with parameters. */
  detail: string;
  message: Explanation;
}

export const DEFAULT_ETA_TOLERANCE_MINUTES = 60;
/** Proposals nobody accepted or discarded are dropped this long after they were made. */
const PROPOSAL_KEEP_MS = 24 * 3600_000;

const utc = (v: string) => new Date(Date.parse(v)).toISOString();

/** What the plan assumed for a call, and where it put it. */
export interface PlanAssumption {
  portCallID: string;
  vesselName: string;
  assumedArrival: string;
  assumedPbpArrival: string | null;
  plannedBerthArrival: string;
}

/** What the platform knows of the call now. */
export interface CallNow {
  status: string;
  etaBerth: string | null;
  etaPbp: string | null;
}

/**
 * Whether a call's present state breaks the slot the plan gave it. One rule for marking accepted
 * plans stale and for refusing to accept a plan whose assumptions no longer hold. An omitted call
 * is one reason (its ETAs no longer matter); otherwise its ETA-Berth and its ETA at the pilot
 * boarding place are each judged: later than the planned berth arrival plus the tolerance, or
 * moved more than the tolerance from what the plan assumed.
 */
export function staleReasons(call: PlanAssumption, now: CallNow, toleranceMinutes: number): StaleReason[] {
  const planned = utc(call.plannedBerthArrival);
  const base = { portCallID: call.portCallID, vesselName: call.vesselName, plannedBerthArrival: planned };
  const vessel = call.vesselName;
  const reason = (rule: StaleRule, definition: StaleReason['timestampDefinition'], previous: string | null, next: string | null, message: Explanation): StaleReason =>
    ({ ...base, rule, timestampDefinition: definition, previousETA: previous, newETA: next, detail: message.text, message });
  if (now.status === 'OMITTED') {
    return [reason('berthPlan.callOmitted', null, null, null, explanation('berthPlan.staleWhy.callOmitted', { vessel }, `${vessel} was omitted by its carrier`))];
  }
  const tolerance = toleranceMinutes * 60_000;
  const out: StaleReason[] = [];
  const judge = (definition: 'ETA-Berth' | 'ETA-PBP', assumed: string | null, current: string | null) => {
    if (current === null) return;
    const eta = utc(current);
    const previous = assumed === null ? null : utc(assumed);
    const pbp = definition === 'ETA-PBP';
    const where = pbp ? 'reaches the pilot boarding place' : 'now arrives';
    if (Date.parse(eta) > Date.parse(planned) + tolerance) {
      out.push(reason(pbp ? 'berthPlan.pbpInfeasible' : 'berthPlan.infeasible', definition, previous, eta,
        explanation(pbp ? 'berthPlan.staleWhy.pbpInfeasible' : 'berthPlan.staleWhy.infeasible', { vessel, eta, planned, tolerance: toleranceMinutes },
          `${vessel} ${where} at ${eta}, more than ${toleranceMinutes} min after its planned berth arrival ${planned}`)));
    } else if (previous !== null && Math.abs(Date.parse(eta) - Date.parse(previous)) > tolerance) {
      const minutes = Math.round((Date.parse(eta) - Date.parse(previous)) / 60_000);
      const what = pbp ? 'the ETA at the pilot boarding place' : 'the ETA';
      out.push(reason(pbp ? 'berthPlan.pbpEtaMoved' : 'berthPlan.etaMoved', definition, previous, eta,
        explanation(pbp ? 'berthPlan.staleWhy.pbpEtaMoved' : 'berthPlan.staleWhy.etaMoved', { vessel, minutes, previous, next: eta, tolerance: toleranceMinutes },
          `${what} of ${vessel} moved by ${minutes > 0 ? '+' : ''}${minutes} min (${previous} → ${eta}), beyond the tolerance of ${toleranceMinutes} min`)));
    }
  };
  judge('ETA-Berth', call.assumedArrival, now.etaBerth);
  judge('ETA-PBP', call.assumedPbpArrival, now.etaPbp);
  return out;
}

/**
 * The latest ETA at the pilot boarding place of each call (calls without one are left out). Read
 * from the timestamps: the call row keeps only the berth's times.
 */
export async function latestEtaPbp(db: PcDb, callIds: string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  // In slices, so that a plan of many calls stays under the databases' parameter limits.
  for (let i = 0; i < callIds.length; i += 500) {
    const rows = await db.selectFrom('pc_timestamps').select(['port_call_id', 'service_date_time'])
      .where('definition', '=', 'ETA-PBP').where('port_call_id', 'in', callIds.slice(i, i + 500)).orderBy('seq').execute();
    for (const r of rows) if (r.service_date_time !== null) out.set(r.port_call_id, r.service_date_time);
  }
  return out;
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
    const pbp = await latestEtaPbp(tx, plan.calls.map((c) => c.portCallID));
    await tx.insertInto('pc_berth_plan_calls').values(plan.calls.map((c) => ({
      plan_id: row.id, port_call_id: c.portCallID, berth_id: c.berthId, planned_berth_arrival: c.plannedBerthArrival,
      planned_berth_departure: c.plannedBerthDeparture, assumed_arrival: utc(c.expectedBerthArrival),
      assumed_pbp_arrival: pbp.has(c.portCallID) ? utc(pbp.get(c.portCallID)!) : null,
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
  const reasons = p.stale_reasons ? (JSON.parse(p.stale_reasons) as StaleReason[]).map(currentReason) : [];
  const body = JSON.parse(p.body) as BerthPlanResult;
  return {
    id: p.id, terminalCode: p.terminal_code, status: p.status as PlanStatus, createdAt: p.created_at,
    from: p.window_from, to: p.window_to, parameters: JSON.parse(p.parameters) as PlanParameters, basedOnPlanId: p.based_on_plan_id,
    ...currentBody(body),
    acceptedAt: p.accepted_at, supersededAt: p.superseded_at,
    stale: reasons.length > 0, staleSince: p.stale_since, staleReasons: reasons,
  };
}

// Plans stored before explanations had codes held English strings: they are answered in today's
// shape, their text kept as it was.
const coded = (why: Explanation | string) => (typeof why === 'string' ? untranslated(why) : why);
function currentBody(body: BerthPlanResult): BerthPlanResult {
  return {
    ...body,
    calls: body.calls.map((c) => ({ ...c, why: { berth: coded(c.why.berth), wait: coded(c.why.wait) } })),
    unplaceable: body.unplaceable.map((u) => ({ ...u, why: u.why ?? untranslated(u.reason) })),
  };
}
const currentReason = (r: StaleReason): StaleReason => ({
  ...r, timestampDefinition: r.timestampDefinition === undefined ? 'ETA-Berth' : r.timestampDefinition, message: r.message ?? untranslated(r.detail),
});

/**
 * After a call's ETA-Berth or ETA at the pilot boarding place changed, or its carrier omitted it
 * (or took the omission back) — inside the transaction that stores the timestamp: the accepted
 * plans holding the call get its reasons set, replaced or — when it is back within the tolerance
 * — removed; a plan with no reasons left is no longer stale.
 */
export async function refreshPlanStaleness(tx: PcDb, portCallId: string, call: CallNow, now: string): Promise<void> {
  const rows = await tx.selectFrom('pc_berth_plan_calls')
    .innerJoin('pc_berth_plans', 'pc_berth_plans.id', 'pc_berth_plan_calls.plan_id')
    .innerJoin('pc_port_calls', 'pc_port_calls.id', 'pc_berth_plan_calls.port_call_id')
    .innerJoin('pc_vessels', 'pc_vessels.imo_number', 'pc_port_calls.vessel_imo_number')
    .select(['pc_berth_plans.id', 'pc_berth_plans.parameters', 'pc_berth_plans.stale_reasons', 'pc_berth_plans.stale_since',
      'pc_berth_plan_calls.assumed_arrival', 'pc_berth_plan_calls.assumed_pbp_arrival', 'pc_berth_plan_calls.planned_berth_arrival', 'pc_vessels.name'])
    .where('pc_berth_plan_calls.port_call_id', '=', portCallId).where('pc_berth_plans.status', '=', 'ACCEPTED').execute();
  for (const r of rows) {
    const tolerance = (JSON.parse(r.parameters) as PlanParameters).etaToleranceMinutes ?? DEFAULT_ETA_TOLERANCE_MINUTES;
    const reasons = staleReasons({
      portCallID: portCallId, vesselName: r.name, assumedArrival: r.assumed_arrival, assumedPbpArrival: r.assumed_pbp_arrival, plannedBerthArrival: r.planned_berth_arrival,
    }, call, tolerance);
    const before = r.stale_reasons ? (JSON.parse(r.stale_reasons) as StaleReason[]) : [];
    const after = [...before.filter((x) => x.portCallID !== portCallId), ...reasons];
    if (JSON.stringify(after) === JSON.stringify(before)) continue;
    await tx.updateTable('pc_berth_plans').set({
      stale_reasons: after.length ? JSON.stringify(after) : null,
      stale_since: after.length ? (r.stale_since ?? now) : null,
    }).where('id', '=', r.id).execute();
  }
}
