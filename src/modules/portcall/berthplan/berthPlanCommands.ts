// The planner's decisions on stored berth plans.
//
// Accepting is one transaction: every call of the plan gets its berth and its PTA-Berth and
// PTD-Berth (PLN) timestamps in the terminal's name, the terminal's previously accepted plan is
// superseded, and the answer is stored with the plan — or, when any call no longer allows the plan
// (it departed, was omitted, is alongside elsewhere, no longer fits its berth, or its ETA at the
// berth or at the pilot boarding place moved past the plan's tolerance), nothing is written and
// the problem names every such call and its rule.
// A retried accept answers the stored result; the timestamps' eventIDs derive from the plan and
// the call, so even a retry racing the first one cannot add a timestamp twice.
import type { Principal } from '../../../core/auth.js';
import { audit } from '../../../core/audit.js';
import type { Dialect } from '../../../core/db.js';
import { ProblemError, type FieldError } from '../../../core/errors.js';
import { coded, refuse } from '../problems.js';
import type { Commands } from '../../../core/commands.js';
import { checkBerth } from '../calls/commands.js';
import { portCallWriterTurn, publishEventsIn } from '../timestamps/publish.js';
import { uuidV5 } from '../../../core/ids.js';
import { core, type PcDb, type PcTx, type PortcallTables } from '../schema.js';
import { DEFAULT_ETA_TOLERANCE_MINUTES, getPlan, latestEtaPbp, planCalls, presentPlan, staleReasons, type PlanParameters } from './berthPlanStore.js';

export interface AcceptedCall {
  portCallID: string;
  vesselName: string;
  berthId: string;
  previousBerthId: string | null;
  plannedBerthArrival: string;
  plannedBerthDeparture: string;
  /** eventIDs of the PLN timestamps sent for this call (none when berth and PTA were already so). */
  timestamps: string[];
}

export interface Acceptance {
  planId: string;
  terminalCode: string;
  status: 'ACCEPTED';
  acceptedAt: string;
  supersededPlanIds: string[];
  calls: AcceptedCall[];
  timestampsSent: number;
}

const sameTime = (a: string | null, b: string) => a !== null && Date.parse(a) === Date.parse(b);

export async function acceptPlan(commands: Commands, who: Principal, terminalCode: string, planId: string, now = new Date()): Promise<Acceptance> {
  return commands.run(who, async (scope) => {
    const tx: PcTx = scope.tx.withTables<PortcallTables>();
    const { dialect } = scope;
    // The port call writers' turn first, so that no timestamp (a new ETA) slips in between the
    // checks below and the writes.
    await portCallWriterTurn(tx, dialect);
    const plan = await getPlan(tx, terminalCode, planId);
    if (!plan) throw planNotFound(planId, terminalCode);
    if (plan.acceptance) return JSON.parse(plan.acceptance) as Acceptance;
    if (plan.status !== 'PROPOSED') {
      throw new ProblemError('conflict', `berth plan ${planId} is ${plan.status.toLowerCase()}; propose a new one`,
        [coded('/params/planId', 'berthPlan.notProposed', { status: plan.status }, `the plan is ${plan.status}`)]);
    }
    const presented = presentPlan(plan);
    const tolerance = (JSON.parse(plan.parameters) as PlanParameters).etaToleranceMinutes ?? DEFAULT_ETA_TOLERANCE_MINUTES;
    const rows = new Map((await planCalls(tx, planId)).map((r) => [r.port_call_id, r]));
    const ids = presented.calls.map((c) => c.portCallID);
    const current = new Map(ids.length
      ? (await tx.selectFrom('pc_port_calls').selectAll().where('id', 'in', ids).execute()).map((c) => [c.id, c])
      : []);
    const pbp = await latestEtaPbp(tx, ids);

    // 1. Every call must still allow its place in the plan; all failures are reported at once.
    const errors: FieldError[] = [];
    for (const [i, c] of presented.calls.entries()) {
      const at = `/calls/${i}`;
      const call = current.get(c.portCallID);
      const name = `${c.vesselName} (port call ${c.portCallID})`;
      const vessel = c.vesselName;
      if (!call || call.terminal_code !== terminalCode) { errors.push(coded(at, 'portcall.unknownCall', {}, `${name} is no longer a call of terminal ${terminalCode}`)); continue; }
      if (call.status === 'DEPARTED') {
        errors.push(coded(at, 'berthPlan.callDeparted', { vessel, berth: call.berth_id ?? '—', departure: call.atd_berth ?? '—' }, `${name} departed from berth ${call.berth_id ?? '—'} at ${call.atd_berth}`));
        continue;
      }
      if (call.status === 'OMITTED') { errors.push(coded(at, 'berthPlan.callOmitted', { vessel }, `${name} was omitted by its carrier`)); continue; }
      if (call.status === 'ALONGSIDE' && call.berth_id !== c.berthId) {
        errors.push(coded(at, 'berthPlan.callAlongside', { vessel, berth: call.berth_id ?? '—', plannedBerth: c.berthId }, `${name} is alongside berth ${call.berth_id}, not ${c.berthId}`));
        continue;
      }
      try {
        await checkBerth(tx, terminalCode, c.berthId, call.vessel_imo_number, `${at}/berthId`);
      } catch (e) {
        if (!(e instanceof ProblemError) || !e.errors) throw e;
        errors.push(...e.errors.map((x) => ({ ...x, detail: `${name}: ${x.detail}` })));
        continue;
      }
      const row = rows.get(c.portCallID);
      const reasons = row
        ? staleReasons({ portCallID: c.portCallID, vesselName: c.vesselName, assumedArrival: row.assumed_arrival, assumedPbpArrival: row.assumed_pbp_arrival, plannedBerthArrival: c.plannedBerthArrival },
          { status: call.status, etaBerth: call.eta_berth, etaPbp: pbp.get(c.portCallID) ?? null }, tolerance)
        : [];
      // The stale reason's explanation has the parameters of the rule's message (both name the vessel and the ETAs).
      for (const reason of reasons) errors.push({ pointer: at, rule: reason.rule, detail: `${reason.detail}; propose the plan again`, params: reason.message.params });
    }
    if (errors.length) throw new ProblemError('conflict', `${errors[0].pointer}: ${errors[0].detail}`, errors);

    // 2. Berths, then the planned times of the calls whose berth or PTA change.
    const at = now.toISOString();
    const accepted: AcceptedCall[] = [];
    const events: object[] = [];
    const eventCall: number[] = [];
    for (const [i, c] of presented.calls.entries()) {
      const call = current.get(c.portCallID)!;
      if (call.berth_id !== c.berthId) await tx.updateTable('pc_port_calls').set({ berth_id: c.berthId, updated_at: at }).where('id', '=', call.id).execute();
      const timestamps: string[] = [];
      if (call.berth_id !== c.berthId || !sameTime(call.pta_berth, c.plannedBerthArrival)) {
        for (const [definition, eventType, phase, time] of [['PTA-Berth', 'ARRI', 'INBD', c.plannedBerthArrival], ['PTD-Berth', 'DEPA', 'ALGS', c.plannedBerthDeparture]] as const) {
          // Name-based: the same plan and call always give the same eventID.
          const eventID = uuidV5(`berth-plan|${planId}|${c.portCallID}|${definition}`);
          timestamps.push(eventID);
          eventCall.push(i);
          events.push({
            eventID, terminalCall: { terminalCallID: c.portCallID },
            portCallService: { portCallServiceTypeCode: 'BERTH', portCallServiceEventTypeCode: eventType, portCallPhaseTypeCode: phase },
            timestamp: { classifierCode: 'PLN', serviceDateTime: time, remark: `berth ${c.berthId}, berth plan ${planId}` },
          });
        }
      }
      accepted.push({ portCallID: c.portCallID, vesselName: c.vesselName, berthId: c.berthId, previousBerthId: call.berth_id, plannedBerthArrival: c.plannedBerthArrival, plannedBerthDeparture: c.plannedBerthDeparture, timestamps });
    }
    const { results } = events.length ? await publishEventsIn(scope, who, events, (j) => `/calls/${eventCall[j]}`, now) : { results: [] };
    const refused = results.filter((r) => r.result === 'rejected');
    if (refused.length) {
      const list = refused.flatMap((r) => r.problem?.errors ?? []);
      throw new ProblemError('conflict', refused[0].problem?.detail ?? 'a planned timestamp was refused', list);
    }

    // 3. The plan replaces the terminal's accepted one; the answer is kept for retries.
    const superseded = await tx.selectFrom('pc_berth_plans').select('id').where('terminal_code', '=', terminalCode).where('status', '=', 'ACCEPTED').execute();
    if (superseded.length) {
      await tx.updateTable('pc_berth_plans').set({ status: 'SUPERSEDED', superseded_at: at }).where('terminal_code', '=', terminalCode).where('status', '=', 'ACCEPTED').execute();
    }
    const acceptance: Acceptance = {
      planId, terminalCode, status: 'ACCEPTED', acceptedAt: at, supersededPlanIds: superseded.map((s) => s.id),
      calls: accepted, timestampsSent: results.filter((r) => r.result === 'created').length,
    };
    await tx.updateTable('pc_berth_plans').set({ status: 'ACCEPTED', accepted_at: at, accepted_by_party_id: who.partyId, acceptance: JSON.stringify(acceptance) })
      .where('id', '=', planId).execute();
    await audit(core(tx), who, { action: 'berthplan.accept', resource: `berthplan:${planId}`, detail: { terminalCode, calls: accepted.length, timestamps: acceptance.timestampsSent, superseded: acceptance.supersededPlanIds } });
    return acceptance;
  });
}

export const planNotFound = (planId: string, terminalCode: string) => {
  const detail = `berth plan ${planId} of terminal ${terminalCode} not found`;
  return refuse('not-found', '/params/planId', 'berthPlan.notFound', { planId }, detail, detail);
};

/** Throws a proposal away; an accepted plan is not discarded (a new acceptance supersedes it). */
export async function discardPlan(db: PcDb, who: Principal, terminalCode: string, planId: string): Promise<void> {
  await db.transaction().execute(async (tx) => {
    // Only a plan still proposed when the update runs: an accept committing meanwhile wins.
    const discarded = await tx.updateTable('pc_berth_plans').set({ status: 'DISCARDED' })
      .where('id', '=', planId).where('terminal_code', '=', terminalCode).where('status', '=', 'PROPOSED').executeTakeFirst();
    if (Number(discarded.numUpdatedRows) === 0) {
      const plan = await getPlan(tx, terminalCode, planId);
      if (!plan) throw planNotFound(planId, terminalCode);
      if (plan.status === 'DISCARDED') return;
      const detail = `berth plan ${planId} is ${plan.status.toLowerCase()} and cannot be discarded`;
      throw refuse('conflict', '/params/planId', 'berthPlan.notDiscardable', { status: plan.status }, detail, detail);
    }
    await audit(core(tx), who, { action: 'berthplan.discard', resource: `berthplan:${planId}`, detail: { terminalCode } });
  });
}
