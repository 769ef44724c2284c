// Tables of the port call module: reference data (vessels, terminals, berths, port locations),
// port calls with their projection of the latest times, and the DCSA Port Call timestamps.
// One migration set, written once with Kysely's schema builder for SQLite and PostgreSQL.
import type { Generated, Kysely, Migration, Transaction } from 'kysely';
import type { Db, Dialect, Executor } from '../../core/db.js';
import { byteOrderText, type MigrationSet } from '../../core/migrations.js';
import type { Database } from '../../core/tables.js';

export interface VesselRow {
  imo_number: string;
  mmsi: string | null;
  call_sign: string | null;
  name: string;
  vessel_type_code: string | null;
  length_overall_m: number;
  beam_m: number;
  max_draught_m: number;
  deadweight_tonnes: number | null;
  teu_capacity: number | null;
  created_at: string;
  updated_at: string;
}

export interface TerminalRow {
  code: string;
  name: string;
  un_location_code: string;
  operator_party_id: string;
  created_at: string;
  updated_at: string;
}

export interface BerthRow {
  terminal_code: string;
  berth_id: string;
  name: string;
  length_m: number;
  depth_m: number;
  crane_count: number;
  max_loa_m: number;
  created_at: string;
  updated_at: string;
}

export interface PortLocationRow {
  code: string;
  /** ANCHORAGE or PILOT_BOARDING_PLACE. */
  kind: string;
  name: string;
  un_location_code: string;
  latitude: number;
  longitude: number;
  created_at: string;
  updated_at: string;
}

/** A vessel's call at one terminal (a DCSA "terminal call"), with the projection of its times. */
export interface PortCallRow {
  /** Insertion order, for cursor paging. */
  seq: Generated<number>;
  id: string;
  carrier_party_id: string;
  terminal_code: string;
  /** The terminal's operating party when the call was created. */
  terminal_party_id: string;
  un_location_code: string;
  vessel_imo_number: string;
  carrier_service_code: string;
  carrier_service_name: string | null;
  import_voyage_number: string;
  export_voyage_number: string;
  terminal_call_reference: string;
  /** 1 when the carrier flags the service as ocean mainline (besides the TEU rule of the KPIs). */
  is_mainline_service: number;
  berth_id: string | null;
  cranes_used: number | null;
  actual_load_moves: number | null;
  actual_discharge_moves: number | null;
  actual_restow_moves: number | null;
  created_by_party_id: string;
  created_at: string;
  updated_at: string;
  // Projection of the timestamps (UTC ISO text), recomputed in the transaction that stores them.
  status: string;
  eta_berth: string | null;
  pta_berth: string | null;
  first_eta_berth: string | null;
  first_pta_berth: string | null;
  /** PTA-Berth, else ETA-Berth: what list filters and berth planning go by. */
  expected_berth_arrival: string | null;
  ata_pbp: string | null;
  ata_berth: string | null;
  atd_berth: string | null;
  cargo_ops_start: string | null;
  cargo_ops_end: string | null;
  expected_moves: number | null;
}

/** One DCSA Port Call event as received: a timestamp, or a moves forecast. */
export interface TimestampRow {
  seq: Generated<number>;
  event_id: string;
  port_call_id: string;
  sender_party_id: string;
  /** DCSA timestamp definition (`ETA-Berth`, `ATS-Cargo Ops`, …) or `MOVES` for a forecast. */
  definition: string;
  service_type_code: string;
  event_type_code: string;
  classifier_code: string | null;
  /** The phase of the definition (not necessarily sent), e.g. INBD for ATA-Berth. */
  phase_type_code: string | null;
  service_date_time: string | null;
  /** eventUpdatedDateTime as sent, else the time of receipt: what eventTimestampMin/Max filter. */
  event_date_time: string;
  reply_to_event_id: string | null;
  /** terminalCall/portCall isOmitted as sent (1/0), null when absent. */
  is_omitted: number | null;
  /** Total units of a moves forecast (load + discharge + restow). */
  moves_total: number | null;
  content_hash: string;
  body: string;
  received_at: string;
}

/**
 * A berth plan of a terminal: proposed by the optimiser (PROPOSED), accepted by its planner
 * (ACCEPTED, at most one per terminal), replaced by a later acceptance (SUPERSEDED) or thrown
 * away (DISCARDED). The plan as answered is kept whole in `body`; its calls are also rows of
 * `pc_berth_plan_calls`, so that a new ETA finds the accepted plans it may make stale.
 */
export interface BerthPlanRow {
  id: string;
  terminal_code: string;
  status: string;
  created_by_party_id: string;
  created_at: string;
  window_from: string;
  window_to: string;
  /** JSON: freezeHours, movesPerCraneHour, timeLimitSeconds, etaToleranceMinutes, pins. */
  parameters: string;
  /** The accepted plan a re-plan or a dragged change starts from, if any. */
  based_on_plan_id: string | null;
  objective_minutes: number;
  /** JSON of the plan as proposed (calls with their explanations, unplaceable, violations). */
  body: string;
  accepted_at: string | null;
  accepted_by_party_id: string | null;
  /** JSON of the answer to the accept, returned again when the accept is retried. */
  acceptance: string | null;
  superseded_at: string | null;
  /** JSON array of the reasons the accepted plan no longer holds (null: it holds). */
  stale_reasons: string | null;
  stale_since: string | null;
}

export interface BerthPlanCallRow {
  plan_id: string;
  port_call_id: string;
  berth_id: string;
  planned_berth_arrival: string;
  planned_berth_departure: string;
  /** The ship's arrival the plan assumed (its ETA-Berth then, UTC): new ETAs are measured against it. */
  assumed_arrival: string;
  /** The ship's ETA at the pilot boarding place when the plan was made (UTC), if one had been sent. */
  assumed_pbp_arrival: string | null;
}

/** A type, not an interface: `withTables` needs its implicit index signature. */
export type PortcallTables = {
  pc_berth_plans: BerthPlanRow;
  pc_berth_plan_calls: BerthPlanCallRow;
  pc_vessels: VesselRow;
  pc_terminals: TerminalRow;
  pc_berths: BerthRow;
  pc_port_locations: PortLocationRow;
  pc_port_calls: PortCallRow;
  pc_timestamps: TimestampRow;
};

export type PcDatabase = Database & PortcallTables;
export type PcDb = Kysely<PcDatabase>;
export type PcTx = Transaction<PcDatabase>;

// The core types its database with the core tables only; this module's tables are added here
// (`withTables`: the same connection, and a transaction stays the same transaction). The way
// back, to hand a transaction of this module to the core's functions (audit, parties), Kysely
// has no method for: dropping tables from the type is the one cast left.
export const pc = (db: Db): PcDb => db.withTables<PortcallTables>();
export const core = (db: PcDb): Executor => db as unknown as Executor;

export const portcallMigrations: MigrationSet = {
  '0100_portcall': (dialect: Dialect): Migration => ({
    async up(db: Kysely<any>) {
      const seq = dialect === 'postgres' ? ('bigserial' as const) : ('integer' as const);
      const auto = (c: any) => (dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement());
      const stamps = (t: any) => t.addColumn('created_at', 'text', (c: any) => c.notNull()).addColumn('updated_at', 'text', (c: any) => c.notNull());
      const real = 'double precision' as const;

      await stamps(db.schema.createTable('pc_vessels')
        .addColumn('imo_number', 'text', (c) => c.primaryKey())
        .addColumn('mmsi', 'text')
        .addColumn('call_sign', 'text')
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('vessel_type_code', 'text')
        .addColumn('length_overall_m', real, (c) => c.notNull())
        .addColumn('beam_m', real, (c) => c.notNull())
        .addColumn('max_draught_m', real, (c) => c.notNull())
        .addColumn('deadweight_tonnes', 'integer')
        .addColumn('teu_capacity', 'integer')).execute();

      await stamps(db.schema.createTable('pc_terminals')
        .addColumn('code', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('un_location_code', 'text', (c) => c.notNull())
        .addColumn('operator_party_id', 'text', (c) => c.notNull().references('parties.id'))).execute();

      await stamps(db.schema.createTable('pc_berths')
        .addColumn('terminal_code', 'text', (c) => c.notNull().references('pc_terminals.code'))
        .addColumn('berth_id', 'text', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('length_m', real, (c) => c.notNull())
        .addColumn('depth_m', real, (c) => c.notNull())
        .addColumn('crane_count', 'integer', (c) => c.notNull())
        .addColumn('max_loa_m', real, (c) => c.notNull())
        .addPrimaryKeyConstraint('pc_berths_pk', ['terminal_code', 'berth_id'])).execute();

      await stamps(db.schema.createTable('pc_port_locations')
        .addColumn('code', 'text', (c) => c.primaryKey())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('un_location_code', 'text', (c) => c.notNull())
        .addColumn('latitude', real, (c) => c.notNull())
        .addColumn('longitude', real, (c) => c.notNull())).execute();

      let calls = db.schema.createTable('pc_port_calls')
        .addColumn('seq', seq, auto)
        .addColumn('id', 'text', (c) => c.notNull().unique())
        .addColumn('carrier_party_id', 'text', (c) => c.notNull().references('parties.id'))
        .addColumn('terminal_code', 'text', (c) => c.notNull().references('pc_terminals.code'))
        .addColumn('terminal_party_id', 'text', (c) => c.notNull().references('parties.id'))
        .addColumn('un_location_code', 'text', (c) => c.notNull())
        .addColumn('vessel_imo_number', 'text', (c) => c.notNull().references('pc_vessels.imo_number'))
        .addColumn('carrier_service_code', 'text', (c) => c.notNull())
        .addColumn('carrier_service_name', 'text')
        .addColumn('import_voyage_number', 'text', (c) => c.notNull())
        .addColumn('export_voyage_number', 'text', (c) => c.notNull())
        .addColumn('terminal_call_reference', 'text', (c) => c.notNull())
        .addColumn('is_mainline_service', 'integer', (c) => c.notNull())
        .addColumn('berth_id', 'text')
        .addColumn('cranes_used', 'integer')
        .addColumn('actual_load_moves', 'integer')
        .addColumn('actual_discharge_moves', 'integer')
        .addColumn('actual_restow_moves', 'integer')
        .addColumn('created_by_party_id', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull());
      for (const col of ['eta_berth', 'pta_berth', 'first_eta_berth', 'first_pta_berth', 'expected_berth_arrival', 'ata_pbp', 'ata_berth', 'atd_berth', 'cargo_ops_start', 'cargo_ops_end']) {
        calls = calls.addColumn(col, 'text');
      }
      await stamps(calls.addColumn('expected_moves', 'integer')).execute();
      // A terminal call reference is the carrier's: unique per carrier, so that one carrier's
      // references never collide with (or reveal) another's.
      await db.schema.createIndex('pc_port_calls_reference').on('pc_port_calls').columns(['carrier_party_id', 'terminal_call_reference']).unique().execute();
      await db.schema.createIndex('pc_port_calls_terminal').on('pc_port_calls').columns(['terminal_code', 'expected_berth_arrival']).execute();
      await db.schema.createIndex('pc_port_calls_terminal_party').on('pc_port_calls').columns(['terminal_party_id', 'seq']).execute();
      await db.schema.createIndex('pc_port_calls_vessel').on('pc_port_calls').columns(['vessel_imo_number']).execute();

      await db.schema.createTable('pc_timestamps')
        .addColumn('seq', seq, auto)
        .addColumn('event_id', 'text', (c) => c.notNull().unique())
        .addColumn('port_call_id', 'text', (c) => c.notNull().references('pc_port_calls.id'))
        .addColumn('sender_party_id', 'text', (c) => c.notNull())
        .addColumn('definition', 'text', (c) => c.notNull())
        .addColumn('service_type_code', 'text', (c) => c.notNull())
        .addColumn('event_type_code', 'text', (c) => c.notNull())
        .addColumn('classifier_code', 'text')
        .addColumn('phase_type_code', 'text')
        .addColumn('service_date_time', 'text')
        .addColumn('event_date_time', 'text', (c) => c.notNull())
        .addColumn('reply_to_event_id', 'text')
        .addColumn('is_omitted', 'integer')
        .addColumn('moves_total', 'integer')
        .addColumn('content_hash', 'text', (c) => c.notNull())
        .addColumn('body', 'text', (c) => c.notNull())
        .addColumn('received_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('pc_timestamps_call').on('pc_timestamps').columns(['port_call_id', 'seq']).execute();
      await db.schema.createIndex('pc_timestamps_time').on('pc_timestamps').columns(['event_date_time']).execute();
    },
  }),
  '0101_berth_plans': (): Migration => ({
    async up(db: Kysely<any>) {
      const real = 'double precision' as const;
      let plans = db.schema.createTable('pc_berth_plans')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('terminal_code', 'text', (c) => c.notNull().references('pc_terminals.code'))
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('created_by_party_id', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('window_from', 'text', (c) => c.notNull())
        .addColumn('window_to', 'text', (c) => c.notNull())
        .addColumn('parameters', 'text', (c) => c.notNull())
        .addColumn('based_on_plan_id', 'text')
        .addColumn('objective_minutes', real, (c) => c.notNull())
        .addColumn('body', 'text', (c) => c.notNull());
      for (const col of ['accepted_at', 'accepted_by_party_id', 'acceptance', 'superseded_at', 'stale_reasons', 'stale_since']) plans = plans.addColumn(col, 'text');
      await plans.execute();
      await db.schema.createIndex('pc_berth_plans_terminal').on('pc_berth_plans').columns(['terminal_code', 'status', 'created_at']).execute();
      await db.schema.createTable('pc_berth_plan_calls')
        .addColumn('plan_id', 'text', (c) => c.notNull().references('pc_berth_plans.id'))
        .addColumn('port_call_id', 'text', (c) => c.notNull().references('pc_port_calls.id'))
        .addColumn('berth_id', 'text', (c) => c.notNull())
        .addColumn('planned_berth_arrival', 'text', (c) => c.notNull())
        .addColumn('planned_berth_departure', 'text', (c) => c.notNull())
        .addColumn('assumed_arrival', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('pc_berth_plan_calls_pk', ['plan_id', 'port_call_id'])
        .execute();
      await db.schema.createIndex('pc_berth_plan_calls_call').on('pc_berth_plan_calls').columns(['port_call_id']).execute();
    },
  }),
  // A changed ETA at the pilot boarding place also makes an accepted plan stale: measured
  // against the one the plan knew.
  '0102_berth_plan_pbp': (): Migration => ({
    async up(db: Kysely<any>) {
      await db.schema.alterTable('pc_berth_plan_calls').addColumn('assumed_pbp_arrival', 'text').execute();
    },
  }),
  // Byte order for text on PostgreSQL, as in the core (see `byteOrderText`).
  '0103_byte_order_text': (dialect: Dialect): Migration => ({
    async up(db: Kysely<any>) {
      await byteOrderText(db, dialect, ['pc_vessels', 'pc_terminals', 'pc_berths', 'pc_port_locations', 'pc_port_calls', 'pc_timestamps',
        'pc_berth_plans', 'pc_berth_plan_calls']);
    },
  }),
};
