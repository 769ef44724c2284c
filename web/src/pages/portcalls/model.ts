// Pure helpers of the port call pages (no React): the milestones of a call, the timestamp
// definitions each side may send (src/modules/portcall/timestamps/roles.ts, mirrored), times and colours.
import type { PortCall, PortCallStatus, PortCallTimestamp } from '../../api';
import { formatAt } from '../tracking/model';

export type Side = 'carrier' | 'terminal';
export type Classifier = 'EST' | 'REQ' | 'PLN' | 'ACT';
export const CLASSIFIERS: Classifier[] = ['EST', 'REQ', 'PLN', 'ACT'];

export type MilestoneKey = 'pbpArrival' | 'berthArrival' | 'cargoStart' | 'cargoCompletion' | 'berthDeparture';

export interface Milestone {
  key: MilestoneKey;
  service: string;
  eventType: string;
  /** DCSA timestamp definition per classifier (absent: DCSA defines none). */
  definitions: Partial<Record<Classifier, { id: string; phase: string }>>;
}

/** The milestones of the compact table, in the order a call passes them. */
export const MILESTONES: Milestone[] = [
  {
    key: 'pbpArrival', service: 'PILOT_BOARDING_PLACE', eventType: 'ARRI',
    definitions: { EST: { id: 'ETA-PBP', phase: 'INBD' }, REQ: { id: 'RTA-PBP', phase: 'INBD' }, PLN: { id: 'PTA-PBP', phase: 'INBD' }, ACT: { id: 'ATA-PBP', phase: 'INBD' } },
  },
  {
    key: 'berthArrival', service: 'BERTH', eventType: 'ARRI',
    definitions: { EST: { id: 'ETA-Berth', phase: 'INBD' }, REQ: { id: 'RTA-Berth', phase: 'INBD' }, PLN: { id: 'PTA-Berth', phase: 'INBD' }, ACT: { id: 'ATA-Berth', phase: 'INBD' } },
  },
  {
    key: 'cargoStart', service: 'CARGO_OPERATIONS', eventType: 'STRT',
    definitions: { EST: { id: 'ETS-Cargo Ops', phase: 'ALGS' }, REQ: { id: 'RTS-Cargo Ops', phase: 'ALGS' }, PLN: { id: 'PTS-Cargo Ops', phase: 'ALGS' }, ACT: { id: 'ATS-Cargo Ops', phase: 'ALGS' } },
  },
  {
    key: 'cargoCompletion', service: 'CARGO_OPERATIONS', eventType: 'CMPL',
    definitions: { EST: { id: 'ETC-Cargo Ops', phase: 'ALGS' }, REQ: { id: 'RTC-Cargo Ops', phase: 'ALGS' }, PLN: { id: 'PTC-Cargo Ops', phase: 'ALGS' }, ACT: { id: 'ATC-Cargo Ops', phase: 'ALGS' } },
  },
  {
    key: 'berthDeparture', service: 'BERTH', eventType: 'DEPA',
    definitions: { EST: { id: 'ETD-Berth', phase: 'ALGS' }, REQ: { id: 'RTD-Berth', phase: 'ALGS' }, PLN: { id: 'PTD-Berth', phase: 'ALGS' }, ACT: { id: 'ATD-Berth', phase: 'OUTB' } },
  },
];

/**
 * Who may send a milestone's timestamp (roles.ts): the terminal provides all five; the carrier
 * sends the requests, and its vessel's own arrival estimates (pilot boarding place, berth).
 */
export function senderSides(m: Milestone, c: Classifier): Side[] {
  if (c === 'REQ') return ['carrier'];
  if (c === 'EST' && (m.key === 'pbpArrival' || m.key === 'berthArrival')) return ['terminal', 'carrier'];
  return ['terminal'];
}

/** The sides of a call the viewer's party is on. */
export const sidesOf = (partyId: string, call: Pick<PortCall, 'carrierPartyId' | 'terminalPartyId'>): Side[] =>
  [...(call.carrierPartyId === partyId ? ['carrier' as const] : []), ...(call.terminalPartyId === partyId ? ['terminal' as const] : [])];

/** The (milestone, classifier) pairs the viewer may send on a call. */
export function sendable(sides: Side[]): { milestone: Milestone; classifier: Classifier; id: string }[] {
  return MILESTONES.flatMap((m) => CLASSIFIERS.filter((c) => m.definitions[c] && senderSides(m, c).some((s) => sides.includes(s)))
    .map((c) => ({ milestone: m, classifier: c, id: m.definitions[c]!.id })));
}

/** The latest timestamp of each milestone and classifier. */
export function latestGrid(latest: PortCallTimestamp[]): Map<string, PortCallTimestamp> {
  const grid = new Map<string, PortCallTimestamp>();
  for (const t of latest) {
    const m = MILESTONES.find((x) => x.service === t.portCallServiceTypeCode && x.eventType === t.portCallServiceEventTypeCode);
    if (m && t.classifierCode) grid.set(`${m.key}|${t.classifierCode}`, t);
  }
  return grid;
}

/** The DCSA Port Call 2.0 event of one timestamp, naming the call by our portCallID. */
export function timestampEvent(portCallID: string, m: Milestone, c: Classifier, serviceDateTime: string, remark?: string, eventID = crypto.randomUUID()) {
  const d = m.definitions[c]!;
  return {
    eventID,
    terminalCall: { terminalCallID: portCallID },
    portCallService: { portCallServiceTypeCode: m.service, portCallServiceEventTypeCode: m.eventType, portCallPhaseTypeCode: d.phase },
    timestamp: { classifierCode: c, serviceDateTime, ...(remark ? { remark } : {}) },
  };
}

/** `YYYY-MM-DD HH:mm` in the viewer's time zone; '—' when absent. */
export function localTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  return formatAt(d, -d.getTimezoneOffset());
}

const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

/** A parameter of a server message: a UTC date-time is shown in local time, anything else as it is. */
export const localIfTime = <T,>(v: T): T | string => (typeof v === 'string' && ISO_TIME.test(v) ? localTime(v) : v);

/** An ISO 8601 date-time with the viewer's offset, to the minute (what the server records as sent). */
export function isoWithOffset(d: Date): string {
  const offset = -d.getTimezoneOffset();
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${formatAt(d, offset).replace(' ', 'T')}:00${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

export const STATUS_COLORS: Record<PortCallStatus, string> = {
  PLANNED: 'blue', ARRIVED: 'gold', ALONGSIDE: 'green', DEPARTED: 'default', OMITTED: 'red',
};

export const CLASSIFIER_TAG: Record<string, string> = { ACT: 'success', PLN: 'default', EST: 'processing', REQ: 'warning' };
