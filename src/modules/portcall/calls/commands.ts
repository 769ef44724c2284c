// Writes of the port call module: commands (core/commands.ts), each in one transaction with its
// audit record and its fact (`portcall.<entity>.created|updated`, with the ids and the values
// written), which other modules may handle in the same transaction; the caller answers only after
// commit.
import { randomUUID } from 'node:crypto';
import type { Updateable } from 'kysely';
import type { Principal } from '../../../core/auth.js';
import type { Commands, CommandScope } from '../../../core/commands.js';
import { audit } from '../../../core/audit.js';
import { forbidden, invalid, notFound, ProblemError, type FieldError } from '../../../core/errors.js';
import { coded, invalidCoded } from '../problems.js';
import { berthLengthM, berthMisfit, UNDER_KEEL_M } from '../berthplan/berthFit.js';
import { getParty } from '../../../core/identity.js';
import { seesAllCalls, sidesOf } from '../access.js';
import { core, pc, type BerthRow, type PcDb, type PortCallRow, type PortLocationRow, type TerminalRow, type VesselRow } from '../schema.js';
import { findCall, getBerth, getTerminal, getVessel, upsertByKey, type Call } from './store.js';

const isAdmin = (who: Principal) => who.roles.includes('admin');

// ---- reference data --------------------------------------------------------------------------

type Values<T> = Omit<T, 'created_at' | 'updated_at'>;

export async function putVessel(commands: Commands, who: Principal, values: Values<VesselRow>, now: string) {
  return commands.run(who, async (scope) => {
    const tx = pc(scope.tx);
    const r = await upsertByKey<VesselRow>(tx, 'pc_vessels', { imo_number: values.imo_number }, values, now);
    if (r.result !== 'unchanged') await audit(core(tx), who, { action: `vessel.${r.result === 'created' ? 'create' : 'update'}`, resource: `vessel:${values.imo_number}`, detail: values });
    if (r.result !== 'unchanged') scope.emit({ name: `portcall.vessel.${r.result}`, subject: `${values.imo_number}`, data: { ...values } });
    return r;
  });
}

export async function putTerminal(commands: Commands, who: Principal, values: Values<TerminalRow>, now: string) {
  return commands.run(who, async (scope) => {
    const tx = pc(scope.tx);
    const operator = await getParty(core(tx), values.operator_party_id);
    if (!operator) throw invalidCoded('/body/operatorPartyId', 'portcall.unknownParty', { party: values.operator_party_id }, `no party ${values.operator_party_id}`);
    if (!operator.roles.includes('terminal')) throw invalid('/body/operatorPartyId', 'portcall.operatorRole', 'the operating party of a terminal needs the terminal role');
    const r = await upsertByKey<TerminalRow>(tx, 'pc_terminals', { code: values.code }, values, now);
    if (r.result !== 'unchanged') await audit(core(tx), who, { action: `terminal.${r.result === 'created' ? 'create' : 'update'}`, resource: `terminal:${values.code}`, detail: values });
    if (r.result !== 'unchanged') scope.emit({ name: `portcall.terminal.${r.result}`, subject: `${values.code}`, data: { ...values } });
    return r;
  });
}

/** The admin, or the terminal's own operating party, maintains its berths. */
export async function putBerth(commands: Commands, who: Principal, values: Values<BerthRow>, now: string) {
  return commands.run(who, async (scope) => {
    const tx = pc(scope.tx);
    const terminal = await getTerminal(tx, values.terminal_code);
    if (!terminal) throw notFound(`terminal ${values.terminal_code}`);
    if (!isAdmin(who) && terminal.operator_party_id !== who.partyId) throw forbidden('berths are maintained by the admin or by the terminal’s operating party');
    const r = await upsertByKey<BerthRow>(tx, 'pc_berths', { terminal_code: values.terminal_code, berth_id: values.berth_id }, values, now);
    if (r.result !== 'unchanged') await audit(core(tx), who, { action: `berth.${r.result === 'created' ? 'create' : 'update'}`, resource: `berth:${values.terminal_code}/${values.berth_id}`, detail: values });
    if (r.result !== 'unchanged') scope.emit({ name: `portcall.berth.${r.result}`, subject: `${values.terminal_code}/${values.berth_id}`, data: { ...values } });
    return r;
  });
}

export async function putLocation(commands: Commands, who: Principal, values: Values<PortLocationRow>, now: string) {
  return commands.run(who, async (scope) => {
    const tx = pc(scope.tx);
    const r = await upsertByKey<PortLocationRow>(tx, 'pc_port_locations', { code: values.code }, values, now);
    if (r.result !== 'unchanged') await audit(core(tx), who, { action: `location.${r.result === 'created' ? 'create' : 'update'}`, resource: `location:${values.code}`, detail: values });
    if (r.result !== 'unchanged') scope.emit({ name: `portcall.location.${r.result}`, subject: `${values.code}`, data: { ...values } });
    return r;
  });
}

// ---- port calls ------------------------------------------------------------------------------

export interface NewPortCall {
  terminalCode: string;
  vesselIMONumber: string;
  carrierServiceCode: string;
  carrierServiceName?: string;
  importVoyageNumber: string;
  exportVoyageNumber: string;
  terminalCallReference: string;
  carrierPartyId?: string;
  berthId?: string;
  isMainlineService?: boolean;
}

/** A berth takes the vessel only when it is long and deep enough: the berth planner's rule (berthFit.ts). */
export async function checkBerth(tx: PcDb, terminalCode: string, berthId: string, imo: string, pointer: string): Promise<BerthRow> {
  const berth = await getBerth(tx, terminalCode, berthId);
  if (!berth) throw invalidCoded(pointer, 'portcall.unknownBerth', { terminal: terminalCode, berth: berthId }, `terminal ${terminalCode} has no berth ${berthId}`);
  const vessel = (await getVessel(tx, imo))!;
  const misfit = berthMisfit({ lengthOverallM: vessel.length_overall_m, maxDraughtM: vessel.max_draught_m }, berth);
  if (misfit === 'length') {
    const maxLoaM = berthLengthM(berth);
    throw invalidCoded(pointer, 'portcall.berthMaxLoa', { vessel: vessel.name, berth: berthId, loaM: vessel.length_overall_m, maxLoaM }, `the vessel (${vessel.length_overall_m} m LOA) is longer than berth ${berthId} takes (${maxLoaM} m)`);
  }
  if (misfit === 'depth') {
    throw invalidCoded(pointer, 'portcall.berthDepth', { vessel: vessel.name, berth: berthId, draughtM: vessel.max_draught_m, depthM: berth.depth_m, underKeelM: UNDER_KEEL_M },
      `the vessel's draught (${vessel.max_draught_m} m) and ${UNDER_KEEL_M} m under-keel clearance exceed the depth at berth ${berthId} (${berth.depth_m} m)`);
  }
  return berth;
}

/**
 * A carrier creates its own calls; the terminal's operating party creates calls at its terminal
 * for a carrier it names. Runs inside the caller's transaction (the Idempotency-Key one).
 */
export async function createPortCall(scope: CommandScope, who: Principal, input: NewPortCall, now: string): Promise<Call> {
  const tx = pc(scope.tx);
  const isCarrier = who.roles.includes('carrier');
  if (!isCarrier && !who.roles.includes('terminal')) throw forbidden('port calls are created by their carrier or by the terminal');
  const terminal = await getTerminal(tx, input.terminalCode);
  if (!terminal) throw invalidCoded('/body/terminalCode', 'portcall.unknownTerminal', { terminal: input.terminalCode }, `no terminal ${input.terminalCode}`);
  const vessel = await getVessel(tx, input.vesselIMONumber);
  if (!vessel) throw invalidCoded('/body/vesselIMONumber', 'portcall.unknownVessel', { imo: input.vesselIMONumber }, `vessel ${input.vesselIMONumber} is not registered; the admin adds it with PUT /v1/vessels/${input.vesselIMONumber}`);

  // Who the carrier is: the caller itself, or — when the terminal's operator creates the call —
  // the carrier it names.
  const operatesTerminal = terminal.operator_party_id === who.partyId;
  const forAnother = input.carrierPartyId !== undefined && input.carrierPartyId !== who.partyId;
  let carrierPartyId = who.partyId;
  if (forAnother || (operatesTerminal && !isCarrier)) {
    if (!operatesTerminal) throw forbidden(isCarrier ? 'a carrier creates port calls for itself only' : `only the operating party of terminal ${terminal.code} creates calls there`);
    if (input.carrierPartyId === undefined) throw invalid('/body/carrierPartyId', 'required', 'a terminal names the carrier of the call in carrierPartyId');
    const carrier = await getParty(core(tx), input.carrierPartyId);
    if (!carrier || !carrier.roles.includes('carrier')) throw invalid('/body/carrierPartyId', 'portcall.carrierParty', 'carrierPartyId must name a party with the carrier role');
    carrierPartyId = carrier.id;
  } else if (!isCarrier) {
    throw forbidden(`only the operating party of terminal ${terminal.code} creates calls there`);
  }
  if (input.berthId !== undefined) await checkBerth(tx, terminal.code, input.berthId, vessel.imo_number, '/body/berthId');

  const row: Omit<PortCallRow, 'seq'> = {
    id: randomUUID(), carrier_party_id: carrierPartyId, terminal_code: terminal.code, terminal_party_id: terminal.operator_party_id,
    un_location_code: terminal.un_location_code, vessel_imo_number: vessel.imo_number, carrier_service_code: input.carrierServiceCode,
    carrier_service_name: input.carrierServiceName ?? null, import_voyage_number: input.importVoyageNumber, export_voyage_number: input.exportVoyageNumber,
    terminal_call_reference: input.terminalCallReference, is_mainline_service: input.isMainlineService ? 1 : 0, berth_id: input.berthId ?? null,
    cranes_used: null, actual_load_moves: null, actual_discharge_moves: null, actual_restow_moves: null, created_by_party_id: who.partyId,
    created_at: now, updated_at: now, status: 'PLANNED', eta_berth: null, pta_berth: null, first_eta_berth: null, first_pta_berth: null,
    expected_berth_arrival: null, ata_pbp: null, ata_berth: null, atd_berth: null, cargo_ops_start: null, cargo_ops_end: null, expected_moves: null,
  };
  // The unique index decides, so that two concurrent creations cannot both take the reference.
  const inserted = await tx.insertInto('pc_port_calls').values(row)
    .onConflict((oc) => oc.columns(['carrier_party_id', 'terminal_call_reference']).doNothing()).executeTakeFirst();
  if (!Number(inserted.numInsertedOrUpdatedRows ?? 0)) {
    throw new ProblemError('conflict', `terminal call reference ${input.terminalCallReference} is already used by another call of this carrier`,
      [coded('/body/terminalCallReference', 'portcall.referenceTaken', { reference: input.terminalCallReference }, 'already used by another call of this carrier')]);
  }
  await audit(core(tx), who, { action: 'portcall.create', resource: `portcall:${row.id}`, detail: { ...input, carrierPartyId } });
  scope.emit({ name: 'portcall.call.created', subject: row.id, data: { portCallID: row.id, ...input, carrierPartyId, terminalPartyId: row.terminal_party_id } });
  return (await tx.selectFrom('pc_port_calls').selectAll().where('id', '=', row.id).executeTakeFirst())!;
}

export interface PortCallChanges {
  berthId?: string | null;
  cranesUsed?: number | null;
  actualMoves?: { load: number; discharge: number; restow: number } | null;
  carrierServiceCode?: string;
  carrierServiceName?: string | null;
  importVoyageNumber?: string;
  exportVoyageNumber?: string;
  isMainlineService?: boolean;
}

/** Who may change which field: the terminal its operations, the carrier its schedule. */
const FIELD_OWNER: Record<keyof PortCallChanges, 'carrier' | 'terminal'> = {
  berthId: 'terminal', cranesUsed: 'terminal', actualMoves: 'terminal',
  carrierServiceCode: 'carrier', carrierServiceName: 'carrier', importVoyageNumber: 'carrier', exportVoyageNumber: 'carrier', isMainlineService: 'carrier',
};

export async function updatePortCall(commands: Commands, who: Principal, id: string, changes: PortCallChanges, now: string): Promise<Call> {
  return commands.run(who, async (scope) => {
    const tx = pc(scope.tx);
    const call = await findCall(tx, who, id);
    if (!call) throw notFound(`port call ${id}`);
    const sides = sidesOf(who.partyId, call);
    if (!sides.length) throw forbidden(seesAllCalls(who, 'read') ? 'authorities read port calls; their carrier and terminal change them' : 'not a party of this call');
    const refused: FieldError[] = (Object.keys(changes) as (keyof PortCallChanges)[]).filter((k) => !sides.includes(FIELD_OWNER[k]))
      .map((k) => coded(`/body/${k}`, 'portcall.fieldOwner', { side: FIELD_OWNER[k] }, `${k} is maintained by the ${FIELD_OWNER[k]} of the call`));
    if (refused.length) throw new ProblemError('forbidden', `${refused[0].pointer}: ${refused[0].detail}`, refused);

    const set: Updateable<PortCallRow> = { updated_at: now };
    let berth: BerthRow | undefined;
    const berthId = changes.berthId !== undefined ? changes.berthId : call.berth_id;
    if (changes.berthId !== undefined && changes.berthId !== null) berth = await checkBerth(tx, call.terminal_code, changes.berthId, call.vessel_imo_number, '/body/berthId');
    if (changes.berthId !== undefined) set.berth_id = changes.berthId;
    const cranes = changes.cranesUsed !== undefined ? changes.cranesUsed : call.cranes_used;
    if (cranes !== null && berthId !== null && (changes.cranesUsed !== undefined || changes.berthId !== undefined)) {
      berth ??= await getBerth(tx, call.terminal_code, berthId);
      if (berth && cranes > berth.crane_count) throw invalidCoded('/body/cranesUsed', 'portcall.cranes', { berth: berth.berth_id, cranes: berth.crane_count }, `berth ${berth.berth_id} has ${berth.crane_count} cranes`);
    }
    if (changes.cranesUsed !== undefined) set.cranes_used = changes.cranesUsed;
    if (changes.actualMoves !== undefined) {
      set.actual_load_moves = changes.actualMoves?.load ?? null;
      set.actual_discharge_moves = changes.actualMoves?.discharge ?? null;
      set.actual_restow_moves = changes.actualMoves?.restow ?? null;
    }
    if (changes.carrierServiceCode !== undefined) set.carrier_service_code = changes.carrierServiceCode;
    if (changes.carrierServiceName !== undefined) set.carrier_service_name = changes.carrierServiceName;
    if (changes.importVoyageNumber !== undefined) set.import_voyage_number = changes.importVoyageNumber;
    if (changes.exportVoyageNumber !== undefined) set.export_voyage_number = changes.exportVoyageNumber;
    if (changes.isMainlineService !== undefined) set.is_mainline_service = changes.isMainlineService ? 1 : 0;
    await tx.updateTable('pc_port_calls').set(set).where('id', '=', id).execute();
    await audit(core(tx), who, { action: 'portcall.update', resource: `portcall:${id}`, detail: changes });
    scope.emit({ name: 'portcall.call.updated', subject: id, data: { portCallID: id, ...changes } });
    return (await tx.selectFrom('pc_port_calls').selectAll().where('id', '=', id).executeTakeFirst())!;
  });
}
