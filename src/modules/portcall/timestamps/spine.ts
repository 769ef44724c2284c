// The tracking spine: an actual berth arrival or departure is also a DCSA Track & Trace 2.2
// TRANSPORT event (ARRI/DEPA), so that container timelines and T&T subscribers see the vessel
// arrive and leave. The T&T eventID is derived from the timestamp's eventID, and the event is
// built only from what was stored, so a retried POST appends the same event again and the event
// store answers "duplicate".
import { createHash } from 'node:crypto';
import type { NewEvent } from '../../../core/events.js';
import type { Call, StoredTimestamp } from '../calls/store.js';

const SPINE: Record<string, 'ARRI' | 'DEPA'> = { 'ATA-Berth': 'ARRI', 'ATD-Berth': 'DEPA' };
// A fixed namespace of this platform for name-based (version 5, RFC 9562) UUIDs.
const NAMESPACE = Buffer.from('6f1c1b0e4a7d5b2c9e3f0a1b2c3d4e5f', 'hex');

export const feedsSpine = (definition: string) => definition in SPINE;

/** RFC 9562 UUID version 5 of `name` in the platform's namespace. */
export function uuidV5(name: string): string {
  const hash = createHash('sha1').update(NAMESPACE).update(name).digest();
  hash[6] = (hash[6] & 0x0f) | 0x50;
  hash[8] = (hash[8] & 0x3f) | 0x80;
  const h = hash.subarray(0, 16).toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export const spineEventId = (timestampEventId: string) => uuidV5(`tnt-transport:${timestampEventId.toLowerCase()}`);

/** The T&T TRANSPORT event of a stored ATA-Berth / ATD-Berth, or undefined for other timestamps. */
export function spineEvent(call: Call, ts: StoredTimestamp, vesselName: string | null): NewEvent | undefined {
  const code = SPINE[ts.definition];
  if (!code || !ts.service_date_time) return undefined;
  const published = JSON.parse(ts.body) as { timestamp: { serviceDateTime: string }; eventUpdatedDateTime: string };
  const transportCall = {
    transportCallID: call.id,
    carrierServiceCode: call.carrier_service_code,
    exportVoyageNumber: call.export_voyage_number,
    importVoyageNumber: call.import_voyage_number,
    UNLocationCode: call.un_location_code,
    modeOfTransport: 'VESSEL',
    facilityTypeCode: 'POTE',
    vessel: { vesselIMONumber: call.vessel_imo_number, ...(vesselName ? { vesselName } : {}) },
  };
  const body = {
    eventID: spineEventId(ts.event_id),
    eventType: 'TRANSPORT',
    eventClassifierCode: 'ACT',
    // As sent, with the sender's offset; the stored body always has eventUpdatedDateTime.
    eventDateTime: published.timestamp.serviceDateTime,
    eventCreatedDateTime: published.eventUpdatedDateTime,
    transportEventTypeCode: code,
    transportCall,
  };
  const text = JSON.stringify(body);
  return {
    eventId: body.eventID, eventType: 'TRANSPORT', eventClassifierCode: 'ACT', eventDateTime: ts.service_date_time,
    eventCreatedDateTime: ts.event_date_time, equipmentEventTypeCode: null, transportEventTypeCode: code, shipmentEventTypeCode: null,
    documentTypeCode: null, equipmentReference: null, emptyIndicatorCode: null, vesselIMONumber: call.vessel_imo_number,
    UNLocationCode: call.un_location_code, transportCallID: call.id, exportVoyageNumber: call.export_voyage_number,
    carrierServiceCode: call.carrier_service_code, documentReferences: [], createdAtFilledIn: false, body: text,
  };
}
