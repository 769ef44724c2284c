// What a call's timestamps add up to, and the rules on the order of actuals. Pure: the command
// passes the call's stored timestamps (in the order received) plus those accepted so far in the
// request, so a batch is judged exactly as if its events had come one by one.
import type { FieldError } from '../../../core/errors.js';
import { coded } from '../problems.js';
import type { PortCallRow } from '../schema.js';
import type { PortCallEvent } from './model.js';

/** The part of a stored timestamp the rules and the projection read. */
export interface TimestampFact {
  eventId: string;
  definition: string;
  service: string;
  eventType: string;
  classifier: string | null;
  phase: string | null;
  serviceDateTime: string | null;
  isOmitted: boolean | null;
  movesTotal: number | null;
}

export const PORT_CALL_STATUSES = ['PLANNED', 'OMITTED', 'ARRIVED', 'ALONGSIDE', 'DEPARTED'] as const;
export type PortCallStatus = (typeof PORT_CALL_STATUSES)[number];

export type Projection = Pick<PortCallRow,
  'status' | 'eta_berth' | 'pta_berth' | 'first_eta_berth' | 'first_pta_berth' | 'expected_berth_arrival' | 'ata_pbp' |
  'ata_berth' | 'atd_berth' | 'cargo_ops_start' | 'cargo_ops_end' | 'expected_moves'>;

const minIso = (values: (string | null)[]) => values.filter((v): v is string => v !== null).sort()[0] ?? null;
const maxIso = (values: (string | null)[]) => values.filter((v): v is string => v !== null).sort().at(-1) ?? null;

/**
 * The latest timestamp of each definition wins: a new estimate replaces the previous one, a
 * corrected actual the wrong one. The baselines of schedule reliability are the first ones.
 * Cargo operations run from their start to their completion; without those, from the first
 * discharge or load start to the last discharge or load completion.
 */
export function project(facts: readonly TimestampFact[]): Projection {
  const latest = new Map<string, TimestampFact>();
  const first = new Map<string, TimestampFact>();
  let omitted = false;
  for (const f of facts) {
    latest.set(f.definition, f);
    if (!first.has(f.definition)) first.set(f.definition, f);
    if (f.isOmitted !== null) omitted = f.isOmitted;
  }
  const at = (id: string) => latest.get(id)?.serviceDateTime ?? null;
  const eta = at('ETA-Berth');
  const pta = at('PTA-Berth');
  const ataPbp = at('ATA-PBP');
  const ata = at('ATA-Berth');
  const atd = at('ATD-Berth');
  const inPort = ataPbp ?? at('ATA-Anchorage') ?? at('ESOP');
  const status: PortCallStatus = atd ? 'DEPARTED' : ata ? 'ALONGSIDE' : inPort ? 'ARRIVED' : omitted ? 'OMITTED' : 'PLANNED';
  return {
    status,
    eta_berth: eta,
    pta_berth: pta,
    first_eta_berth: first.get('ETA-Berth')?.serviceDateTime ?? null,
    first_pta_berth: first.get('PTA-Berth')?.serviceDateTime ?? null,
    expected_berth_arrival: pta ?? eta,
    ata_pbp: ataPbp,
    ata_berth: ata,
    atd_berth: atd,
    cargo_ops_start: at('ATS-Cargo Ops') ?? minIso([at('ATS-Cargo Ops Discharge'), at('ATS-Cargo Ops Load')]),
    cargo_ops_end: at('ATC-Cargo Ops') ?? maxIso([at('ATC-Cargo Ops Discharge'), at('ATC-Cargo Ops Load')]),
    expected_moves: latest.get('MOVES')?.movesTotal ?? null,
  };
}

/** One service of a call, for the start/completion rule: pilotage inbound and outbound differ. */
const serviceKey = (f: { service: string; phase: string | null }) => `${f.service}|${f.phase ?? ''}`;

/**
 * The order of actuals: a completion cannot precede the start of the same service, nor an actual
 * departure from the berth the actual arrival there. Checked against the latest actual of the
 * counterpart; returns the broken rule, with the pointer of the event's serviceDateTime.
 */
export function checkActualOrder(facts: readonly TimestampFact[], e: PortCallEvent, at: string): FieldError | undefined {
  if (e.classifier !== 'ACT' || !e.serviceDateTime) return undefined;
  const pointer = `${at}/timestamp/serviceDateTime`;
  const latestActual = (match: (f: TimestampFact) => boolean) => facts.filter((f) => f.classifier === 'ACT' && match(f)).at(-1)?.serviceDateTime ?? null;
  const t = e.serviceDateTime;

  if (e.service === 'BERTH') {
    if (e.eventType === 'DEPA') {
      const arrival = latestActual((f) => f.definition === 'ATA-Berth');
      if (arrival && t < arrival) return coded(pointer, 'portcall.departureBeforeArrival', { arrival, departure: t }, `the actual berth departure cannot precede the actual berth arrival (${arrival})`);
    } else {
      const departure = latestActual((f) => f.definition === 'ATD-Berth');
      if (departure && t > departure) return coded(pointer, 'portcall.departureBeforeArrival', { arrival: t, departure }, `the actual berth arrival cannot follow the actual berth departure (${departure})`);
    }
    return undefined;
  }
  const key = serviceKey(e);
  if (e.eventType === 'CMPL') {
    const start = latestActual((f) => f.eventType === 'STRT' && serviceKey(f) === key);
    if (start && t < start) return coded(pointer, 'portcall.completionBeforeStart', { service: e.service, start, end: t }, `the actual completion of ${e.service} cannot precede its actual start (${start})`);
  } else if (e.eventType === 'STRT') {
    const end = latestActual((f) => f.eventType === 'CMPL' && serviceKey(f) === key);
    if (end && t > end) return coded(pointer, 'portcall.completionBeforeStart', { service: e.service, start: t, end }, `the actual start of ${e.service} cannot follow its actual completion (${end})`);
  }
  return undefined;
}

export const factOf = (e: PortCallEvent): TimestampFact => ({
  eventId: e.eventId, definition: e.definition, service: e.service, eventType: e.eventType, classifier: e.classifier,
  phase: e.phase, serviceDateTime: e.serviceDateTime, isOmitted: e.isOmitted, movesTotal: e.movesTotal,
});
