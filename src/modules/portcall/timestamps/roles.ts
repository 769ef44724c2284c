// Who may send what: the IMO "ERP" pattern (FAL.5/Circ.52) as DCSA Port Call 2.0 states it —
// the provider of a service sends its estimates (EST), plans (PLN) and actuals (ACT); the consumer
// sends requests (REQ) — applied to the two parties of a call on this platform.
//
//   classifier | sent by
//   -----------+-----------------------------------------------------------------------------
//   REQ        | the consumer of the service
//   EST        | the provider; and the carrier, for the vessel's own arrival estimates
//              | (ETA-Berth, ETA-PBP, ETA-Anchorage), which only the vessel can make
//   PLN, ACT   | the provider
//   (MOVES)    | either: the carrier forecasts its cargo, the terminal the workload it plans with
//
// The classifier of each timestamp comes from DCSA's definitions (definitions.ts). The provider
// of each service is the table below: the terminal for the berth, cargo work and the port-side
// nautical services — pilots, tugs, linesmen, bunkering, waste, anchorage and pilot boarding place
// are run by the port group on the terminal's side, and until those providers join a call as
// parties of their own the terminal speaks for them — and the carrier (its vessel) for what only
// the vessel does or declares: sea passage, all fast, gangway, readiness for cargo and for sea.
import type { PortCallServiceTypeCode } from '../codes.js';
import type { TimestampDefinition } from './definitions.js';

export type Side = 'carrier' | 'terminal';

export const PROVIDER: Record<Exclude<PortCallServiceTypeCode, 'MOVES'>, Side> = {
  BERTH: 'terminal', CARGO_OPERATIONS: 'terminal', DISCHARGE_CARGO_OPERATIONS: 'terminal', LOADING_CARGO_OPERATIONS: 'terminal',
  LASHING: 'terminal', SAFETY: 'terminal', SHORE_POWER: 'terminal',
  PILOTAGE: 'terminal', TOWAGE: 'terminal', MOORING: 'terminal', BUNKERING: 'terminal', SLUDGE: 'terminal',
  PILOT_BOARDING_PLACE: 'terminal', ANCHORAGE: 'terminal', ANCHORAGE_OPERATIONS: 'terminal',
  SEA_PASSAGE: 'carrier', ALL_FAST: 'carrier', GANGWAY_DOWN_AND_SECURE: 'carrier',
  VESSEL_READY_FOR_CARGO_OPERATIONS: 'carrier', VESSEL_READY_TO_SAIL: 'carrier',
};

const other = (side: Side): Side => (side === 'carrier' ? 'terminal' : 'carrier');

/** The vessel's own arrival estimates: at the berth, the pilot boarding place, the anchorage. */
export const isVesselArrivalEstimate = (d: TimestampDefinition) =>
  d.classifier === 'EST' && ((d.service === 'BERTH' && d.eventType === 'ARRI') || d.service === 'PILOT_BOARDING_PLACE' || (d.service === 'ANCHORAGE' && d.eventType === 'STRT'));

/** The sides of a call that may send a timestamp of this definition. */
export function senderSides(d: TimestampDefinition): Side[] {
  const provider = PROVIDER[d.service as keyof typeof PROVIDER];
  if (d.classifier === 'REQ') return [other(provider)];
  if (isVesselArrivalEstimate(d)) return [provider, 'carrier'].filter((s, i, all) => all.indexOf(s) === i) as Side[];
  return [provider];
}

/** Moves forecasts have no classifier: both sides may send them. */
export const MOVES_SENDERS: readonly Side[] = ['carrier', 'terminal'];

/** Explains a refusal in the problem detail. */
export function roleExplanation(d: TimestampDefinition): string {
  const provider = PROVIDER[d.service as keyof typeof PROVIDER];
  const allowed = senderSides(d);
  return `${d.id} (${d.classifier}) is sent by the ${allowed.join(' or the ')} of the call: the ${provider} provides ${d.service}; ` +
    'providers send EST/PLN/ACT, consumers send REQ';
}
