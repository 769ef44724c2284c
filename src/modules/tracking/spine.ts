// The tracking spine: a vessel's actual berth arrival and departure, facts of the port call module
// (`portcall.berth.arrived` / `portcall.berth.departed`), become DCSA Track & Trace 2.2 TRANSPORT
// events (ARRI/DEPA) in the same transaction, through this module's own validation. They are
// addressed to the call's carrier and terminal (access.ts, rule 5), so the carrier, the shippers and
// forwarders it shares its bookings with on that voyage, and the authorities see the ship arrive
// and leave on their timelines, subscriptions and streams.
import type { CommandScope, Fact } from '../../core/commands.js';
import { getParty } from '../../core/identity.js';
import { uuidV5 } from '../../core/ids.js';
import type { EventStore } from './eventStore.js';
import { validateEvent } from './model.js';

export const BERTH_ARRIVED = 'portcall.berth.arrived';
export const BERTH_DEPARTED = 'portcall.berth.departed';

/** What the port call module's facts carry (ids and the times and names the event needs). */
export interface BerthMovement {
  portCallID: string;
  /** The eventID of the port call timestamp (ATA-Berth / ATD-Berth) that reported it. */
  timestampEventID: string;
  /** When it happened, as the sender wrote it (with its offset). */
  serviceDateTime: string;
  /** When the sender sent it. */
  eventUpdatedDateTime: string;
  UNLocationCode: string;
  vesselIMONumber: string;
  vesselName: string | null;
  carrierServiceCode: string | null;
  importVoyageNumber: string | null;
  exportVoyageNumber: string | null;
  carrierPartyId: string;
  terminalPartyId: string;
}

/** Derived from the timestamp's eventID (as before the spine turned round), so it never changes. */
export const spineEventId = (timestampEventId: string) => uuidV5(`tnt-transport:${timestampEventId.toLowerCase()}`);

/** The DCSA TRANSPORT event of a berth movement. */
export function transportEvent(code: 'ARRI' | 'DEPA', m: BerthMovement) {
  return {
    eventID: spineEventId(m.timestampEventID),
    eventType: 'TRANSPORT',
    eventClassifierCode: 'ACT',
    eventDateTime: m.serviceDateTime,
    eventCreatedDateTime: m.eventUpdatedDateTime,
    transportEventTypeCode: code,
    transportCall: {
      transportCallID: m.portCallID,
      ...(m.carrierServiceCode ? { carrierServiceCode: m.carrierServiceCode } : {}),
      ...(m.exportVoyageNumber ? { exportVoyageNumber: m.exportVoyageNumber } : {}),
      ...(m.importVoyageNumber ? { importVoyageNumber: m.importVoyageNumber } : {}),
      UNLocationCode: m.UNLocationCode,
      modeOfTransport: 'VESSEL',
      facilityTypeCode: 'POTE',
      vessel: { vesselIMONumber: m.vesselIMONumber, ...(m.vesselName ? { vesselName: m.vesselName } : {}) },
    },
  };
}

/** The handler of both facts: validates the event as any published one, then stores it in the command's transaction. */
export function spineHandler(store: EventStore) {
  return async (fact: Fact, scope: CommandScope): Promise<void> => {
    const m = fact.data as unknown as BerthMovement;
    const checked = validateEvent(transportEvent(fact.name === BERTH_ARRIVED ? 'ARRI' : 'DEPA', m), '/spine');
    // The port call module validated the times and the vessel already: a refusal here is a defect.
    if (!checked.ok) throw new Error(`the spine's transport event is invalid: ${JSON.stringify(checked.errors)}`);
    if (!scope.actor) throw new Error('a berth movement has a sender');
    const party = await getParty(scope.tx, scope.actor.partyId);
    if (!party) throw new Error(`no party ${scope.actor.partyId}`);
    await store.appendWithin(scope, { partyId: party.id, partyName: party.name, roles: party.roles, actor: scope.actor.actor },
      [checked.event], [m.carrierPartyId, m.terminalPartyId]);
  };
}
