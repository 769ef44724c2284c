// Pure helpers of the tracking page (no React, no DOM): what a search string is, the order and
// current status of a container's events, and the time shown for each event.
import type { ContainerStatus, DcsaEvent, Location } from '../../api.js';

export type SearchMode = 'auto' | 'container' | 'booking' | 'bl';
export const SEARCH_MODES: SearchMode[] = ['auto', 'container', 'booking', 'bl'];

/** ISO 6346 shape: owner code, category U/J/Z/R, six-digit serial, check digit. */
export const CONTAINER_NUMBER = /^[A-Z]{3}[UJZR]\d{7}$/;

export const normalizeContainerNumber = (input: string) => input.toUpperCase().replace(/\s+/g, '');

export type SearchPlan =
  | { kind: 'container'; equipmentReference: string }
  | { kind: 'shipment'; reference: string; tries: ('BKG' | 'TRD')[] };

/** What to ask the server for `input` in `mode`: auto takes container numbers as such, else booking, then B/L. */
export function planSearch(input: string, mode: SearchMode): SearchPlan {
  const reference = input.trim();
  switch (mode) {
    case 'container':
      return { kind: 'container', equipmentReference: normalizeContainerNumber(reference) };
    case 'booking':
      return { kind: 'shipment', reference, tries: ['BKG'] };
    case 'bl':
      return { kind: 'shipment', reference, tries: ['TRD'] };
    default: {
      const box = normalizeContainerNumber(reference);
      return CONTAINER_NUMBER.test(box) ? { kind: 'container', equipmentReference: box } : { kind: 'shipment', reference, tries: ['BKG', 'TRD'] };
    }
  }
}

export const isSearchMode = (v: unknown): v is SearchMode => SEARCH_MODES.includes(v as SearchMode);

/** UTC instant of an event (the server adds eventDateTimeUTC; live events carry only eventDateTime). */
export const utcOf = (e: DcsaEvent) => e.eventDateTimeUTC ?? new Date(e.eventDateTime).toISOString();

const byTime = (a: DcsaEvent, b: DcsaEvent) => Date.parse(utcOf(a)) - Date.parse(utcOf(b));

/** Adds events (live ones) to a timeline: once per eventID, in time order (stable for equal times). */
export function mergeEvents(current: DcsaEvent[], incoming: DcsaEvent[]): DcsaEvent[] {
  const seen = new Set(current.map((e) => e.eventID));
  const added = incoming.filter((e) => !seen.has(e.eventID) && (seen.add(e.eventID), true))
    .map((e) => ({ ...e, eventDateTimeUTC: utcOf(e) }));
  if (!added.length) return current;
  return [...current, ...added].sort(byTime);
}

/** The latest actual equipment event, as the server computes it; estimates and plans do not move a box. */
export function deriveStatus(events: DcsaEvent[]): ContainerStatus | null {
  const actual = events.filter((e) => e.eventType === 'EQUIPMENT' && e.eventClassifierCode === 'ACT').sort(byTime);
  const last = actual.at(-1);
  if (!last) return null;
  return {
    eventID: last.eventID,
    equipmentEventTypeCode: last.equipmentEventTypeCode ?? '',
    eventDateTime: utcOf(last),
    UNLocationCode: last.eventLocation?.UNLocationCode ?? last.transportCall?.UNLocationCode ?? null,
    emptyIndicatorCode: last.emptyIndicatorCode ?? null,
  };
}

/** The event's type code and the i18n group it is translated in. */
export function eventCode(e: DcsaEvent): { group: 'equipment' | 'transport' | 'shipment'; code: string } {
  if (e.eventType === 'TRANSPORT') return { group: 'transport', code: e.transportEventTypeCode ?? '' };
  if (e.eventType === 'SHIPMENT') return { group: 'shipment', code: e.shipmentEventTypeCode ?? '' };
  return { group: 'equipment', code: e.equipmentEventTypeCode ?? '' };
}

/** Timeline dot colour by classifier: actual green, estimated blue, planned gray. */
export const classifierColor = (code: string) => ({ ACT: 'green', EST: 'blue', PLN: 'gray' })[code] ?? 'gray';

/** Where the event happened: its own location, else the transport call's. */
export function placeOf(e: DcsaEvent): Location | undefined {
  const loc = e.eventLocation?.locationName || e.eventLocation?.UNLocationCode ? e.eventLocation : undefined;
  if (loc) return { ...loc, UNLocationCode: loc.UNLocationCode ?? e.transportCall?.UNLocationCode };
  const tc = e.transportCall;
  if (tc?.location?.locationName || tc?.location?.UNLocationCode || tc?.UNLocationCode) {
    return { locationName: tc.location?.locationName, UNLocationCode: tc.location?.UNLocationCode ?? tc.UNLocationCode };
  }
  return undefined;
}

/** All booking and B/L references of the events, each once, bookings first. */
export function documentReferences(events: DcsaEvent[]): { type: string; value: string }[] {
  const seen = new Map<string, { type: string; value: string }>();
  for (const e of events) {
    for (const r of e.documentReferences ?? []) seen.set(`${r.documentReferenceType}:${r.documentReferenceValue}`, { type: r.documentReferenceType, value: r.documentReferenceValue });
    if (e.eventType === 'SHIPMENT' && e.documentID && (e.documentTypeCode === 'BKG' || e.documentTypeCode === 'TRD')) {
      seen.set(`${e.documentTypeCode}:${e.documentID}`, { type: e.documentTypeCode, value: e.documentID });
    }
  }
  return [...seen.values()].sort((a, b) => a.type.localeCompare(b.type) || a.value.localeCompare(b.value));
}

const pad = (n: number) => String(n).padStart(2, '0');

/** `+08:00` for an offset in minutes east of UTC. */
export function formatOffset(minutes: number): string {
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  return `UTC${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

/** The UTC offset written in an ISO 8601 date-time (`Z` → 0), in minutes; undefined when absent. */
export function offsetOf(dateTime: string): number | undefined {
  const m = /(Z|[+-]\d{2}:?\d{2})$/i.exec(dateTime.trim());
  if (!m) return undefined;
  if (m[1].toUpperCase() === 'Z') return 0;
  const sign = m[1].startsWith('-') ? -1 : 1;
  const digits = m[1].slice(1).replace(':', '');
  return sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4)));
}

/** `YYYY-MM-DD HH:mm` of an instant at a fixed offset (minutes east of UTC). */
export function formatAt(instant: Date, offsetMinutes: number): string {
  const d = new Date(instant.getTime() + offsetMinutes * 60_000);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
}

/** The viewer's local time of an instant and the viewer's offset then. */
export function viewerTime(iso: string): { text: string; offset: string } {
  const d = new Date(iso);
  const offset = -d.getTimezoneOffset();
  return { text: formatAt(d, offset), offset: formatOffset(offset) };
}

/** The time as written by the publisher, at the event's own offset. */
export function eventOwnTime(e: DcsaEvent): { text: string; offset: string } | undefined {
  const offset = offsetOf(e.eventDateTime);
  if (offset === undefined) return undefined;
  return { text: formatAt(new Date(utcOf(e)), offset), offset: formatOffset(offset) };
}
