// The access policy, in one place. Every read of events — lists, timelines, subscriptions, the
// live stream — filters with `eventVisibleTo`; nothing reads events around it.
//
// An event is visible to a party when
//   1. the party published it;
//   2. the party owns a booking (BKG) or transport document (TRD) the event carries — the carrier
//      that issued it (ownership.ts: only it and those acting for it may publish such events) —
//      or the event is an equipment event of a box during its journey on a document the party
//      owns (see `journeyCovers`) whose publisher speaks for the document's owner (`speaksFor`);
//   3. the party holds an active grant (not revoked, not expired) of such a reference, and the
//      granter could pass it on: the granter owns the reference, or published the event itself;
//      an EQ grant passes on the granter's own events of that container;
//   4. the party has an authority role (customs, border, MSA, port authority, shipping-center
//      office) — the routes write every such read to the audit log;
//   5. the event is addressed to the party (`event_audience`: the carrier and the terminal of the
//      port call whose berth arrival or departure it reports), or the party holds an active grant,
//      from an addressee, of a document whose events name the same voyage of the vessel at the
//      port (`voyage_documents`): the shippers and forwarders with boxes on that transport call.
// Nothing else is visible.
import { sql, type RawBuilder, type SqlBool } from 'kysely';
import type { Principal } from '../../core/auth.js';

/** The reference types a grant may name. */
export const GRANT_REFERENCE_TYPES = ['BKG', 'TRD', 'EQ'] as const;
export type GrantReferenceType = (typeof GRANT_REFERENCE_TYPES)[number];

/**
 * A container is reused from journey to journey. Its journey on a document starts with the first
 * event that links box and document, and ends when the box is first linked to a document of
 * another shipment — one never named together with this one on an event (a booking and its B/L
 * travel together; the next customer's booking does not). An equipment event inside that window
 * belongs to the shipment even when it does not repeat the reference (a terminal's gate-in names
 * only the box). The event store keeps each window's start and end (`first_at`, `end_at`) as it
 * writes, so this is a range check. An event that names a document of another shipment (an
 * estimate or a plan, which starts no journey) belongs to that one, not to the window it falls in.
 * `a` is the `shipment_equipment` row, `events` the event.
 */
export const journeyCovers = sql`a.equipment_reference = events.equipment_reference
  and a.first_at <= events.event_date_time
  and (a.end_at is null or events.event_date_time < a.end_at)
  and not exists (select 1 from event_refs x where x.seq = events.seq and not (x.ref_type = a.ref_type and x.ref_value = a.ref_value)
    and not exists (select 1 from document_links l where l.ref_type = a.ref_type and l.ref_value = a.ref_value and l.other_type = x.ref_type and l.other_value = x.ref_value))`;

/**
 * The event's publisher speaks for the owner of the journey's document (`o`, the owner row of `a`):
 * it is the owner, a party the owner named to act for it at the time the event was received, the
 * holder of a publish-scoped grant of that document from the owner at that time, or an authority.
 * A box-only event of anyone else (a rival, an unrelated shipper) never becomes shipment data.
 */
const speaksFor = sql`(events.publisher_party_id = o.owner_party_id
  or exists (select 1 from agents ag where ag.principal_party_id = o.owner_party_id and ag.agent_party_id = events.publisher_party_id
    and ag.created_at <= events.received_at and (ag.revoked_at is null or events.received_at < ag.revoked_at))
  or exists (select 1 from parties pp where pp.id = events.publisher_party_id and pp.authority = 1)
  or exists (select 1 from grants pg where pg.ref_type = a.ref_type and pg.ref_value = a.ref_value and pg.grantee_party_id = events.publisher_party_id
    and pg.granter_party_id = o.owner_party_id and pg.scope = 'publish' and pg.created_at <= events.received_at
    and (pg.revoked_at is null or events.received_at < pg.revoked_at) and (pg.expires_at is null or events.received_at < pg.expires_at)))`;

function activeGrant(partyId: string, now: string) {
  return sql`g.grantee_party_id = ${partyId} and g.revoked_at is null and (g.expires_at is null or g.expires_at > ${now})`;
}

/** The granter may pass on what it owns, or its own events. */
const granterCovers = sql`(events.publisher_party_id = g.granter_party_id or exists (select 1 from document_owners go
  where go.ref_type = g.ref_type and go.ref_value = g.ref_value and go.owner_party_id = g.granter_party_id))`;

/**
 * SQL condition on the `events` table: the event is visible to this party.
 * The nested EXISTS start from the event (its references by `seq`, its box's journeys by
 * container) and only then look up owners and grants by their keys, so the cost follows the
 * event, not the number of grants a party holds.
 */
export function eventVisibleTo(principal: Pick<Principal, 'partyId' | 'authority'>, now = new Date().toISOString()): RawBuilder<SqlBool> {
  if (principal.authority) return sql<SqlBool>`1 = 1`;
  const party = principal.partyId;
  const grantedOn = (alias: 'r' | 'a') => sql`exists (select 1 from grants g
    where g.ref_type = ${sql.ref(`${alias}.ref_type`)} and g.ref_value = ${sql.ref(`${alias}.ref_value`)} and ${activeGrant(party, now)} and ${granterCovers})`;
  return sql<SqlBool>`(
    events.publisher_party_id = ${party}
    or exists (select 1 from event_refs r where r.seq = events.seq and (exists (select 1 from document_owners o
      where o.ref_type = r.ref_type and o.ref_value = r.ref_value and o.owner_party_id = ${party}) or ${grantedOn('r')}))
    or (events.equipment_reference is not null and (
      exists (select 1 from shipment_equipment a join document_owners o on o.ref_type = a.ref_type and o.ref_value = a.ref_value
        where ${journeyCovers} and (o.owner_party_id = ${party} or ${grantedOn('a')}) and ${speaksFor})
      or exists (select 1 from grants g where g.ref_type = 'EQ' and g.ref_value = events.equipment_reference
        and ${activeGrant(party, now)} and events.publisher_party_id = g.granter_party_id)))
    or exists (select 1 from event_audience au where au.seq = events.seq and (au.party_id = ${party}
      or exists (select 1 from voyage_documents v join grants g on g.ref_type = v.ref_type and g.ref_value = v.ref_value
        where v.vessel_imo_number = events.vessel_imo_number and v.un_location_code = events.un_location_code
          and v.export_voyage_number = events.export_voyage_number and g.granter_party_id = au.party_id and ${activeGrant(party, now)})))
  )`;
}

/** SQL condition: the viewer owns this document or holds an active grant of it (authorities hold every one). */
export function holdsDocument(viewer: Pick<Principal, 'partyId' | 'authority'>, type: string, value: string, now = new Date().toISOString()): RawBuilder<SqlBool> {
  if (viewer.authority) return sql<SqlBool>`1 = 1`;
  return sql<SqlBool>`(exists (select 1 from document_owners o where o.ref_type = ${type} and o.ref_value = ${value} and o.owner_party_id = ${viewer.partyId})
    or exists (select 1 from grants g where g.ref_type = ${type} and g.ref_value = ${value} and ${activeGrant(viewer.partyId, now)}))`;
}

/**
 * May this party grant the reference to another? Only what it may pass on: a document it owns,
 * or a reference carried by events it published itself.
 */
export function canGrantSql(partyId: string, refType: GrantReferenceType, refValue: string): RawBuilder<{ ok: number }> {
  if (refType === 'EQ') {
    return sql`select 1 as ok from events where equipment_reference = ${refValue} and publisher_party_id = ${partyId} limit 1`;
  }
  return sql`select 1 as ok from document_owners where ref_type = ${refType} and ref_value = ${refValue} and owner_party_id = ${partyId}
    union all
    select 1 as ok from event_refs r join events e on e.seq = r.seq
      where r.ref_type = ${refType} and r.ref_value = ${refValue} and e.publisher_party_id = ${partyId}
    limit 1`;
}
