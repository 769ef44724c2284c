// Queries of the port call module. Functions take the database or a transaction first (the
// command decides); every read of calls and timestamps goes through `callVisibleTo`.
import type { Kysely, Selectable } from 'kysely';
import { callVisibleTo, type Purpose, type Viewer } from '../access.js';
import type { TimestampFact } from '../timestamps/projection.js';
import type { BerthRow, PcDb, PortCallRow, PortLocationRow, TerminalRow, TimestampRow, VesselRow } from '../schema.js';

export type Call = Selectable<PortCallRow>;
export type StoredTimestamp = Selectable<TimestampRow>;

// ---- reference data --------------------------------------------------------------------------

type ReferenceTable = 'pc_vessels' | 'pc_terminals' | 'pc_berths' | 'pc_port_locations';
export type UpsertResult = 'created' | 'updated' | 'unchanged';

/**
 * Creates or updates one row by its business key (IMO number, terminal code, terminal + berth id,
 * location code). Idempotent: the same values again change nothing and answer `unchanged`.
 */
export async function upsertByKey<T extends object>(
  db: PcDb, table: ReferenceTable, key: Record<string, string>, values: Omit<T, 'created_at' | 'updated_at'>, now: string,
): Promise<{ result: UpsertResult; row: T }> {
  // One generic statement for the four tables: their keys and columns come from our code only.
  // The table is one of four, so the builder is untyped; the rows are typed as the caller's.
  const d: Kysely<any> = db;
  let q = d.selectFrom(table).selectAll();
  for (const [k, v] of Object.entries(key)) q = q.where(k, '=', v);
  const existing = (await q.executeTakeFirst()) as T | undefined;
  if (!existing) {
    const row = { ...values, created_at: now, updated_at: now } as T;
    await d.insertInto(table).values(row).execute();
    return { result: 'created', row };
  }
  const changed = Object.entries(values).some(([k, v]) => existing[k as keyof T] !== v);
  if (!changed) return { result: 'unchanged', row: existing };
  let u = d.updateTable(table).set({ ...values, updated_at: now });
  for (const [k, v] of Object.entries(key)) u = u.where(k, '=', v);
  await u.execute();
  return { result: 'updated', row: { ...existing, ...values, updated_at: now } };
}

export const getVessel = (db: PcDb, imo: string) => db.selectFrom('pc_vessels').selectAll().where('imo_number', '=', imo).executeTakeFirst();
export const listVessels = (db: PcDb) => db.selectFrom('pc_vessels').selectAll().orderBy('name').orderBy('imo_number').execute();
export const getTerminal = (db: PcDb, code: string) => db.selectFrom('pc_terminals').selectAll().where('code', '=', code).executeTakeFirst();
export const listTerminals = (db: PcDb) => db.selectFrom('pc_terminals').selectAll().orderBy('code').execute();
export const getBerth = (db: PcDb, terminalCode: string, berthId: string) =>
  db.selectFrom('pc_berths').selectAll().where('terminal_code', '=', terminalCode).where('berth_id', '=', berthId).executeTakeFirst();
export const listBerths = (db: PcDb, terminalCode: string) =>
  db.selectFrom('pc_berths').selectAll().where('terminal_code', '=', terminalCode).orderBy('berth_id').execute();
export const listLocations = (db: PcDb) => db.selectFrom('pc_port_locations').selectAll().orderBy('code').execute();

export const presentVessel = (v: VesselRow) => ({
  imoNumber: v.imo_number, mmsi: v.mmsi, callSign: v.call_sign, name: v.name, vesselTypeCode: v.vessel_type_code,
  lengthOverallM: v.length_overall_m, beamM: v.beam_m, maxDraughtM: v.max_draught_m, deadweightTonnes: v.deadweight_tonnes,
  teuCapacity: v.teu_capacity, createdAt: v.created_at, updatedAt: v.updated_at,
});
export const presentTerminal = (t: TerminalRow) => ({
  terminalCode: t.code, name: t.name, UNLocationCode: t.un_location_code, operatorPartyId: t.operator_party_id, createdAt: t.created_at, updatedAt: t.updated_at,
});
export const presentBerth = (b: BerthRow) => ({
  terminalCode: b.terminal_code, berthId: b.berth_id, name: b.name, lengthM: b.length_m, depthM: b.depth_m, craneCount: b.crane_count,
  maxLoaM: b.max_loa_m, createdAt: b.created_at, updatedAt: b.updated_at,
});
export const presentLocation = (l: PortLocationRow) => ({
  code: l.code, kind: l.kind, name: l.name, UNLocationCode: l.un_location_code, latitude: l.latitude, longitude: l.longitude,
  createdAt: l.created_at, updatedAt: l.updated_at,
});

// ---- port calls ------------------------------------------------------------------------------

export async function findCall(db: PcDb, viewer: Viewer, id: string, purpose: Purpose = 'read'): Promise<Call | undefined> {
  return db.selectFrom('pc_port_calls').selectAll().where('id', '=', id).where(callVisibleTo(viewer, purpose)).executeTakeFirst();
}

/**
 * The calls a sender is a party of (as carrier or terminal) that an event names: by our ID, by
 * the terminal call reference, or both. Never another party's calls.
 */
export async function callsOfSender(db: PcDb, partyId: string, name: { id: string | null; reference: string | null }): Promise<Call[]> {
  let q = db.selectFrom('pc_port_calls').selectAll()
    .where((eb) => eb.or([eb('carrier_party_id', '=', partyId), eb('terminal_party_id', '=', partyId)]));
  q = name.id !== null ? q.where('id', '=', name.id) : q.where('terminal_call_reference', '=', name.reference!);
  return q.orderBy('seq').limit(2).execute();
}

export interface CallFilter {
  terminal?: string;
  vessel?: string;
  service?: string;
  /** On the expected berth arrival (the latest PTA-Berth, else ETA-Berth), UTC: from inclusive, to exclusive. */
  from?: string;
  to?: string;
  status?: string[];
}

export interface Page<T> {
  items: T[];
  /** `seq` of the last item when more may follow. */
  nextAfter: number | undefined;
}

export async function listCalls(db: PcDb, viewer: Viewer, f: CallFilter, page: { afterSeq?: number; limit: number }): Promise<Page<Call>> {
  const rows = await db.selectFrom('pc_port_calls').selectAll().where(callVisibleTo(viewer))
    .$if(f.terminal !== undefined, (q) => q.where('terminal_code', '=', f.terminal!))
    .$if(f.vessel !== undefined, (q) => q.where('vessel_imo_number', '=', f.vessel!))
    .$if(f.service !== undefined, (q) => q.where('carrier_service_code', '=', f.service!))
    .$if(f.from !== undefined, (q) => q.where('expected_berth_arrival', '>=', f.from!))
    .$if(f.to !== undefined, (q) => q.where('expected_berth_arrival', '<', f.to!))
    .$if(!!f.status?.length, (q) => q.where('status', 'in', f.status!))
    .$if(page.afterSeq !== undefined, (q) => q.where('seq', '>', page.afterSeq!))
    .orderBy('seq').limit(page.limit + 1).execute();
  const more = rows.length > page.limit;
  const items = rows.slice(0, page.limit);
  return { items, nextAfter: more ? Number(items.at(-1)!.seq) : undefined };
}

export function presentCall(c: Call, vesselName?: string | null) {
  const moves = c.actual_load_moves === null && c.actual_discharge_moves === null && c.actual_restow_moves === null ? null
    : { load: c.actual_load_moves, discharge: c.actual_discharge_moves, restow: c.actual_restow_moves };
  return {
    portCallID: c.id, terminalCallReference: c.terminal_call_reference, status: c.status,
    carrierPartyId: c.carrier_party_id, terminalPartyId: c.terminal_party_id, terminalCode: c.terminal_code, UNLocationCode: c.un_location_code,
    vesselIMONumber: c.vessel_imo_number, ...(vesselName !== undefined ? { vesselName } : {}),
    carrierServiceCode: c.carrier_service_code, carrierServiceName: c.carrier_service_name,
    importVoyageNumber: c.import_voyage_number, exportVoyageNumber: c.export_voyage_number, isMainlineService: c.is_mainline_service === 1,
    berthId: c.berth_id, cranesUsed: c.cranes_used, actualMoves: moves, expectedMoves: c.expected_moves,
    pilotBoardingPlaceArrival: { actual: c.ata_pbp },
    berthArrival: { estimated: c.eta_berth, planned: c.pta_berth, expected: c.expected_berth_arrival, actual: c.ata_berth },
    berthDeparture: { actual: c.atd_berth },
    cargoOperations: { start: c.cargo_ops_start, end: c.cargo_ops_end },
    createdAt: c.created_at, updatedAt: c.updated_at,
  };
}

// ---- timestamps ------------------------------------------------------------------------------

export const toFact = (r: Pick<StoredTimestamp, 'event_id' | 'definition' | 'service_type_code' | 'event_type_code' | 'classifier_code' | 'phase_type_code' | 'service_date_time' | 'is_omitted' | 'moves_total'>): TimestampFact => ({
  eventId: r.event_id, definition: r.definition, service: r.service_type_code, eventType: r.event_type_code, classifier: r.classifier_code,
  phase: r.phase_type_code, serviceDateTime: r.service_date_time, isOmitted: r.is_omitted === null ? null : r.is_omitted === 1, movesTotal: r.moves_total,
});

/** A call's timestamps in the order received. */
export async function callTimestamps(db: PcDb, callId: string): Promise<StoredTimestamp[]> {
  return db.selectFrom('pc_timestamps').selectAll().where('port_call_id', '=', callId).orderBy('seq').execute();
}

export const timestampByEventId = (db: PcDb, eventId: string) =>
  db.selectFrom('pc_timestamps').selectAll().where('event_id', '=', eventId).executeTakeFirst();

/** Inserts unless the eventID is already stored (then the caller compares contents). */
/** Stores a timestamp; returns its `seq`, or undefined when its eventID was stored before. */
export async function insertTimestamp(db: PcDb, row: Omit<TimestampRow, 'seq'>): Promise<number | undefined> {
  const res = await db.insertInto('pc_timestamps').values(row).onConflict((oc) => oc.column('event_id').doNothing()).returning('seq').executeTakeFirst();
  return res ? Number(res.seq) : undefined;
}

/** The DCSA Port Call query parameters this publisher supports. */
export interface TimestampFilter {
  UNLocationCode?: string;
  terminalCallReference?: string;
  terminalCallID?: string;
  vesselIMONumber?: string;
  carrierServiceCode?: string;
  carrierImportVoyageNumber?: string;
  carrierExportVoyageNumber?: string;
  portCallServiceTypeCode?: string[];
  classifierCode?: string[];
  eventTimestampMin?: string;
  eventTimestampMax?: string;
}

export async function queryTimestamps(db: PcDb, viewer: Viewer, f: TimestampFilter, page: { afterSeq?: number; seqIn?: number[]; limit: number }): Promise<Page<StoredTimestamp>> {
  const rows = await db.selectFrom('pc_timestamps').innerJoin('pc_port_calls', 'pc_port_calls.id', 'pc_timestamps.port_call_id')
    .selectAll('pc_timestamps').where(callVisibleTo(viewer))
    .$if(f.UNLocationCode !== undefined, (q) => q.where('pc_port_calls.un_location_code', '=', f.UNLocationCode!))
    .$if(f.terminalCallReference !== undefined, (q) => q.where('pc_port_calls.terminal_call_reference', '=', f.terminalCallReference!))
    .$if(f.terminalCallID !== undefined, (q) => q.where('pc_port_calls.id', '=', f.terminalCallID!))
    .$if(f.vesselIMONumber !== undefined, (q) => q.where('pc_port_calls.vessel_imo_number', '=', f.vesselIMONumber!))
    .$if(f.carrierServiceCode !== undefined, (q) => q.where('pc_port_calls.carrier_service_code', '=', f.carrierServiceCode!))
    .$if(f.carrierImportVoyageNumber !== undefined, (q) => q.where('pc_port_calls.import_voyage_number', '=', f.carrierImportVoyageNumber!))
    .$if(f.carrierExportVoyageNumber !== undefined, (q) => q.where('pc_port_calls.export_voyage_number', '=', f.carrierExportVoyageNumber!))
    .$if(!!f.portCallServiceTypeCode?.length, (q) => q.where('pc_timestamps.service_type_code', 'in', f.portCallServiceTypeCode!))
    .$if(!!f.classifierCode?.length, (q) => q.where('pc_timestamps.classifier_code', 'in', f.classifierCode!))
    .$if(f.eventTimestampMin !== undefined, (q) => q.where('pc_timestamps.event_date_time', '>=', f.eventTimestampMin!))
    .$if(f.eventTimestampMax !== undefined, (q) => q.where('pc_timestamps.event_date_time', '<=', f.eventTimestampMax!))
    .$if(page.afterSeq !== undefined, (q) => q.where('pc_timestamps.seq', '>', page.afterSeq!))
    .$if(page.seqIn !== undefined, (q) => q.where('pc_timestamps.seq', 'in', page.seqIn!.length ? page.seqIn! : [-1]))
    .orderBy('pc_timestamps.seq').limit(page.limit + 1).execute();
  const more = rows.length > page.limit;
  const items = rows.slice(0, page.limit);
  return { items, nextAfter: more ? Number(items.at(-1)!.seq) : undefined };
}

// ---- the seam for berth planning ---------------------------------------------------------------

/** A call as berth planning sees it: the vessel's dimensions and what it is expected to bring. */
export interface PlanningCall {
  portCallID: string;
  terminalCallReference: string;
  vesselIMONumber: string;
  vesselName: string;
  lengthOverallM: number;
  maxDraughtM: number;
  /** Latest ETA-Berth and PTA-Berth (UTC), either may be missing. */
  etaBerth: string | null;
  ptaBerth: string | null;
  expectedBerthArrival: string;
  /** Total of the latest moves forecast, when one was sent. */
  expectedMoves: number | null;
  berthId: string | null;
  status: string;
}

/**
 * The calls of a terminal whose expected berth arrival (PTA, else ETA) falls in [from, to) and
 * that have not left the berth: the input of the berth planner. Times are ISO 8601 with offset;
 * results are in UTC.
 */
export async function terminalCallsInWindow(db: PcDb, terminalCode: string, window: { from: string; to: string }): Promise<PlanningCall[]> {
  // Stored times are UTC with milliseconds; compare in the same form, or text order is not time order.
  const utc = (v: string) => {
    const ms = Date.parse(v);
    if (Number.isNaN(ms)) throw new RangeError(`terminalCallsInWindow: not a date-time: ${v}`);
    return new Date(ms).toISOString();
  };
  const rows = await db.selectFrom('pc_port_calls').innerJoin('pc_vessels', 'pc_vessels.imo_number', 'pc_port_calls.vessel_imo_number')
    .select(['pc_port_calls.id', 'terminal_call_reference', 'vessel_imo_number', 'pc_vessels.name', 'length_overall_m', 'max_draught_m',
      'eta_berth', 'pta_berth', 'expected_berth_arrival', 'expected_moves', 'berth_id', 'status'])
    .where('terminal_code', '=', terminalCode).where('expected_berth_arrival', '>=', utc(window.from)).where('expected_berth_arrival', '<', utc(window.to))
    .where('status', 'not in', ['DEPARTED', 'OMITTED'])
    .orderBy('expected_berth_arrival').orderBy('pc_port_calls.seq').execute();
  return rows.map((r) => ({
    portCallID: r.id, terminalCallReference: r.terminal_call_reference, vesselIMONumber: r.vessel_imo_number, vesselName: r.name,
    lengthOverallM: r.length_overall_m, maxDraughtM: r.max_draught_m, etaBerth: r.eta_berth, ptaBerth: r.pta_berth,
    expectedBerthArrival: r.expected_berth_arrival!, expectedMoves: r.expected_moves, berthId: r.berth_id, status: r.status,
  }));
}
