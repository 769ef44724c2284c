// The container-status projection: the latest actual equipment event of each box, updated in the
// transaction that writes the events. Late events that happened earlier do not overwrite it.
import { sql } from 'kysely';
import type { Projection, StoredEvent } from '../../core/events.js';
import { chunks } from '../../core/events.js';

export const containerStatusProjection: Projection = async (tx, created) => {
  const latest = new Map<string, StoredEvent>();
  for (const e of created) {
    if (e.eventType !== 'EQUIPMENT' || e.eventClassifierCode !== 'ACT' || !e.equipmentReference) continue;
    const seen = latest.get(e.equipmentReference);
    if (!seen || e.eventDateTime >= seen.eventDateTime) latest.set(e.equipmentReference, e);
  }
  for (const part of chunks([...latest.values()], 500)) {
    await tx.insertInto('container_status').values(part.map((e) => ({
      equipment_reference: e.equipmentReference!, seq: e.seq, event_date_time: e.eventDateTime,
      event_type_code: e.equipmentEventTypeCode!, un_location_code: e.UNLocationCode, empty_indicator_code: e.emptyIndicatorCode,
    }))).onConflict((oc) => oc.column('equipment_reference').doUpdateSet({
      seq: sql`excluded.seq`, event_date_time: sql`excluded.event_date_time`, event_type_code: sql`excluded.event_type_code`,
      un_location_code: sql`excluded.un_location_code`, empty_indicator_code: sql`excluded.empty_indicator_code`,
    }).where(sql<boolean>`excluded.event_date_time >= container_status.event_date_time`)).execute();
  }
};
