// The container-status projection: the latest actual equipment event of each box, updated in the
// transaction that writes the events. Late events that happened earlier do not overwrite it.
import { chunks, insertChunkRows, insertMany } from '../../core/db.js';
import type { Projection, StoredEvent } from './eventStore.js';

export const containerStatusProjection: Projection = async (tx, created, dialect) => {
  const latest = new Map<string, StoredEvent>();
  for (const e of created) {
    if (e.eventType !== 'EQUIPMENT' || e.eventClassifierCode !== 'ACT' || !e.equipmentReference) continue;
    const seen = latest.get(e.equipmentReference);
    if (!seen || e.eventDateTime >= seen.eventDateTime) latest.set(e.equipmentReference, e);
  }
  for (const part of chunks([...latest.values()], insertChunkRows(dialect))) {
    await insertMany(tx, dialect, 'container_status', part.map((e) => ({
      equipment_reference: e.equipmentReference!, seq: e.seq, event_date_time: e.eventDateTime,
      event_type_code: e.equipmentEventTypeCode!, un_location_code: e.UNLocationCode, empty_indicator_code: e.emptyIndicatorCode,
    })), {
      suffix: `on conflict (equipment_reference) do update set seq = excluded.seq, event_date_time = excluded.event_date_time,
        event_type_code = excluded.event_type_code, un_location_code = excluded.un_location_code, empty_indicator_code = excluded.empty_indicator_code
        where excluded.event_date_time >= container_status.event_date_time`,
    });
  }
};
