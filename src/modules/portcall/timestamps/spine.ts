// The port call module's side of the tracking spine: an actual berth arrival or departure is a
// fact (`portcall.berth.arrived` / `portcall.berth.departed`) emitted in the transaction that
// stores the timestamp. The tracking module, which handles the facts, turns them into DCSA
// TRANSPORT events; this module does not know it exists.
import type { Fact } from '../../../core/commands.js';
import type { Call, StoredTimestamp } from '../calls/store.js';

const FACTS: Record<string, string> = { 'ATA-Berth': 'portcall.berth.arrived', 'ATD-Berth': 'portcall.berth.departed' };

/** Does this timestamp report a berth arrival or departure (a fact of its own)? */
export const isBerthMovement = (ts: Pick<StoredTimestamp, 'definition' | 'service_date_time'>) => ts.definition in FACTS && ts.service_date_time !== null;

/** The fact of a stored ATA-Berth / ATD-Berth (see `isBerthMovement`). */
export function berthMovement(call: Call, ts: StoredTimestamp, vesselName: string | null): Fact {
  const name = FACTS[ts.definition];
  const sent = JSON.parse(ts.body) as { timestamp: { serviceDateTime: string }; eventUpdatedDateTime: string };
  return {
    name,
    subject: call.id,
    data: {
      portCallID: call.id,
      timestampEventID: ts.event_id,
      // As sent, with the sender's offset; the stored body always has eventUpdatedDateTime.
      serviceDateTime: sent.timestamp.serviceDateTime,
      eventUpdatedDateTime: sent.eventUpdatedDateTime,
      UNLocationCode: call.un_location_code,
      vesselIMONumber: call.vessel_imo_number,
      vesselName,
      carrierServiceCode: call.carrier_service_code,
      importVoyageNumber: call.import_voyage_number,
      exportVoyageNumber: call.export_voyage_number,
      carrierPartyId: call.carrier_party_id,
      terminalPartyId: call.terminal_party_id,
    },
  };
}
