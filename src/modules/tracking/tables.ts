// Track & Trace's tables: the event store, the references and journeys the access policy reads,
// the tracking projection, and grants. Created by core migrations 0001–0005 (run before this
// module had tables of its own; they keep their names and bodies) and by this module's own.
import type { Generated, Kysely, Transaction } from 'kysely';
import type { Database } from '../../core/tables.js';

export interface EventRow {
  seq: Generated<number>;
  event_id: string;
  publisher_party_id: string;
  event_type: string;
  event_classifier_code: string;
  /** UTC, ISO 8601 with milliseconds, so text order is time order. */
  event_date_time: string;
  event_created_date_time: string;
  equipment_event_type_code: string | null;
  transport_event_type_code: string | null;
  shipment_event_type_code: string | null;
  equipment_reference: string | null;
  vessel_imo_number: string | null;
  un_location_code: string | null;
  document_type_code: string | null;
  transport_call_id: string | null;
  export_voyage_number: string | null;
  carrier_service_code: string | null;
  /** The event as published (with eventCreatedDateTime filled in when it was missing). */
  body: string;
  received_at: string;
}

/** Booking (BKG) and transport document (TRD) references an event carries. */
export interface EventRefRow {
  seq: number;
  ref_type: string;
  ref_value: string;
}

/** The carrier that issued a booking or transport document. */
export interface DocumentOwnerRow {
  ref_type: string;
  ref_value: string;
  owner_party_id: string;
  created_at: string;
}

/** Two documents named on one event: they belong to the same shipment. */
export interface DocumentLinkRow {
  ref_type: string;
  ref_value: string;
  other_type: string;
  other_value: string;
}

/**
 * A container's journey on a shipment: from the first event linking box and document, until the
 * box's first journey on another shipment starts (`end_at`, null while none has).
 */
export interface ShipmentEquipmentRow {
  ref_type: string;
  ref_value: string;
  equipment_reference: string;
  first_at: string;
  end_at: string | null;
}

export interface ContainerStatusRow {
  equipment_reference: string;
  seq: number;
  event_date_time: string;
  event_type_code: string;
  un_location_code: string | null;
  empty_indicator_code: string | null;
}

export interface GrantRow {
  id: string;
  granter_party_id: string;
  grantee_party_id: string;
  ref_type: string;
  ref_value: string;
  expires_at: string | null;
  revoked_at: string | null;
  created_at: string;
  /** 'read' (see the document's events) or 'publish' (also act for the issuer on it). */
  scope: Generated<'read' | 'publish'>;
}


/** What a transaction of this module may touch: the core's tables and its own. */
// A type, not an interface: `withTables` wants an index signature.
export type TrackingTables = {
  events: EventRow;
  event_refs: EventRefRow;
  document_owners: DocumentOwnerRow;
  document_links: DocumentLinkRow;
  shipment_equipment: ShipmentEquipmentRow;
  container_status: ContainerStatusRow;
  grants: GrantRow;
  event_audience: EventAudienceRow;
  voyage_documents: VoyageDocumentRow;
};

/**
 * Parties an event is addressed to besides those the documents give (access.ts, rule 5): the
 * carrier and terminal of the port call an ARRI/DEPA transport event reports.
 */
export interface EventAudienceRow {
  seq: number;
  party_id: string;
}

/** Documents whose events name a vessel's voyage at a port: the shipments on that transport call. */
export interface VoyageDocumentRow {
  vessel_imo_number: string;
  un_location_code: string;
  export_voyage_number: string;
  ref_type: string;
  ref_value: string;
}

export type TrackingDatabase = Database & TrackingTables;
export type TrackingDb = Kysely<TrackingDatabase>;
export type TrackingTx = Transaction<TrackingDatabase>;
export type TrackingExecutor = TrackingDb | TrackingTx;

/** The platform's database seen with this module's tables. */
export const trackingDb = <D extends Kysely<Database>>(db: D): D extends Transaction<Database> ? TrackingTx : TrackingDb =>
  db.withTables<TrackingTables>() as never;
