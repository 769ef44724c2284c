// DCSA Track & Trace 2.2 events: the code lists, and the validation that turns a published event
// into what the event store indexes. Pure: no I/O, so every rule is unit-tested directly.
import type { FieldError } from '../../core/errors.js';
import { FieldChecker, isObj, type Obj } from '../../core/fieldChecker.js';
import { jsonLimitError, MAX_BODY_DEPTH } from '../../core/jsonLimits.js';
import type { NewEvent } from './eventStore.js';
import { isoSizeTypeCode, validateContainerNumber, validateImoNumber, validateUnLocode } from '../../standards/index.js';

export const EVENT_TYPES = ['EQUIPMENT', 'TRANSPORT', 'SHIPMENT'] as const;
export const EVENT_CLASSIFIER_CODES = ['ACT', 'PLN', 'EST'] as const;
export const EQUIPMENT_EVENT_TYPE_CODES = ['LOAD', 'DISC', 'GTIN', 'GTOT', 'STUF', 'STRP', 'PICK', 'DROP', 'INSP', 'RSEA', 'RMVD'] as const;
export const TRANSPORT_EVENT_TYPE_CODES = ['ARRI', 'DEPA'] as const;
export const SHIPMENT_EVENT_TYPE_CODES = ['RECE', 'DRFT', 'PENA', 'PENU', 'REJE', 'APPR', 'ISSU', 'SURR', 'SUBM', 'VOID', 'CONF', 'REQS', 'CMPL', 'HOLD', 'RELS'] as const;
export const DOCUMENT_TYPE_CODES = ['CBR', 'BKG', 'SHI', 'SRM', 'TRD', 'ARN', 'VGM', 'CAS', 'CUS', 'DGD', 'OOG'] as const;
export const EMPTY_INDICATOR_CODES = ['EMPTY', 'LADEN'] as const;
export const MODES_OF_TRANSPORT = ['VESSEL', 'RAIL', 'TRUCK', 'BARGE'] as const;
export const FACILITY_TYPE_CODES = ['BOCR', 'CLOC', 'COFS', 'COYA', 'OFFD', 'DEPO', 'INTE', 'POTE', 'RAMP'] as const;
export const DOCUMENT_REFERENCE_TYPES = ['BKG', 'TRD'] as const;

const COMMON_FIELDS = ['eventID', 'eventType', 'eventClassifierCode', 'eventDateTime', 'eventCreatedDateTime', 'references'];
const FIELDS_BY_TYPE: Record<string, Set<string>> = {
  EQUIPMENT: new Set([...COMMON_FIELDS, 'equipmentEventTypeCode', 'equipmentReference', 'ISOEquipmentCode', 'emptyIndicatorCode', 'eventLocation', 'transportCall', 'seals', 'documentReferences']),
  TRANSPORT: new Set([...COMMON_FIELDS, 'transportEventTypeCode', 'delayReasonCode', 'changeRemark', 'transportCall', 'documentReferences']),
  SHIPMENT: new Set([...COMMON_FIELDS, 'shipmentEventTypeCode', 'documentID', 'documentTypeCode', 'reason']),
};

/**
 * Bounds no real DCSA event comes near (the specification's examples are 4 levels deep and under
 * 2 kB), so that whatever is stored can always be served again: a deeply nested free-form field
 * (an address, seals) made every list including it answer 500.
 */
export const MAX_EVENT_DEPTH = 8;
export const MAX_TEXT_LENGTH = 1000;
export const MAX_EVENT_BYTES = 64 * 1024;
/**
 * Every document named on one event is linked to every other (a shipment), so the references of
 * an event, and of a request, are bounded: one event of 1,000 references wrote 999,000 links.
 */
export const MAX_DOCUMENT_REFERENCES = 20;
export const MAX_REFERENCES = 50;
export const MAX_REQUEST_DOCUMENT_REFERENCES = 5000;

/** Actual events cannot lie in the future; allow for publishers' clocks running a little fast. */
export const MAX_CLOCK_SKEW_MINUTES = 5;

/** An event's keys are checked at its top level only (FIELDS_BY_TYPE); its nested objects stay open. */
const OPEN = null;

export type ValidatedEvent = { ok: true; event: NewEvent } | { ok: false; errors: FieldError[] };

/**
 * Validates one published event. `at` is the event's JSON pointer (`/body` or `/body/3`), so that
 * every error names the exact field; `now` decides what "the future" is.
 */
export function validateEvent(raw: unknown, at: string, now: Date = new Date()): ValidatedEvent {
  const c = new FieldChecker(at);
  if (!isObj(raw)) return { ok: false, errors: [{ pointer: at, rule: 'type', detail: 'an event must be a JSON object' }] };
  // First the shape, then the rules: nothing below may serialise a value nested without bound.
  const shape = jsonLimitError(raw, at, { maxDepth: MAX_EVENT_DEPTH, maxStringLength: MAX_TEXT_LENGTH });
  if (shape) return { ok: false, errors: [shape] };

  const eventId = c.uuid(raw, 'eventID', '', true);
  const eventType = c.code(raw, 'eventType', '', EVENT_TYPES, true);
  const classifier = c.code(raw, 'eventClassifierCode', '', EVENT_CLASSIFIER_CODES, true);
  const eventDateTime = c.dateTime(raw, 'eventDateTime', '', { required: true });
  const eventCreatedDateTime = c.dateTime(raw, 'eventCreatedDateTime', '');
  if (classifier === 'ACT' && eventDateTime && Date.parse(eventDateTime) > now.getTime() + MAX_CLOCK_SKEW_MINUTES * 60_000) {
    c.fail('/eventDateTime', 'actualNotInFuture', 'an actual (ACT) event cannot happen in the future');
  }
  if (eventType) {
    for (const key of Object.keys(raw)) {
      if (!FIELDS_BY_TYPE[eventType].has(key)) c.fail(`/${key}`, 'additionalProperties', `unknown field for a ${eventType} event`);
    }
  }

  const refs: NewEvent['documentReferences'] = [];
  (c.array(raw, 'documentReferences', '', { max: MAX_DOCUMENT_REFERENCES }) ?? []).forEach((r, i) => {
    const path = `/documentReferences/${i}`;
    if (!isObj(r)) return c.fail(path, 'type', 'a document reference must be an object');
    const type = c.code(r, 'documentReferenceType', path, DOCUMENT_REFERENCE_TYPES, true);
    const value = c.string(r, 'documentReferenceValue', path, { required: true, max: 100 });
    if (type && value) refs.push({ type, value });
  });
  (c.array(raw, 'references', '', { max: MAX_REFERENCES }) ?? []).forEach((r, i) => {
    const path = `/references/${i}`;
    if (!isObj(r)) return c.fail(path, 'type', 'a reference must be an object');
    c.string(r, 'referenceType', path, { required: true, max: 3 });
    c.string(r, 'referenceValue', path, { required: true, max: 100 });
  });

  const transportCall = c.object(raw, 'transportCall', '', OPEN, eventType === 'TRANSPORT');
  let vesselIMONumber: string | undefined;
  let callLocode: string | undefined;
  if (transportCall) {
    const p = '/transportCall';
    c.string(transportCall, 'transportCallID', p, { max: 100 });
    c.string(transportCall, 'carrierServiceCode', p, { max: 5 });
    c.string(transportCall, 'exportVoyageNumber', p, { max: 50 });
    c.string(transportCall, 'importVoyageNumber', p, { max: 50 });
    c.code(transportCall, 'modeOfTransport', p, MODES_OF_TRANSPORT);
    c.code(transportCall, 'facilityTypeCode', p, FACILITY_TYPE_CODES);
    callLocode = c.standard(transportCall, 'UNLocationCode', p, validateUnLocode);
    const vessel = c.object(transportCall, 'vessel', p, OPEN);
    if (vessel) vesselIMONumber = c.standard(vessel, 'vesselIMONumber', `${p}/vessel`, validateImoNumber);
  }
  const eventLocation = c.object(raw, 'eventLocation', '', OPEN);
  const locationCode = eventLocation ? c.standard(eventLocation, 'UNLocationCode', '/eventLocation', validateUnLocode) : undefined;

  let equipmentEventTypeCode: string | undefined, equipmentReference: string | undefined, emptyIndicatorCode: string | undefined;
  let transportEventTypeCode: string | undefined, shipmentEventTypeCode: string | undefined, documentTypeCode: string | undefined;
  if (eventType === 'EQUIPMENT') {
    equipmentEventTypeCode = c.code(raw, 'equipmentEventTypeCode', '', EQUIPMENT_EVENT_TYPE_CODES, true);
    equipmentReference = c.standard(raw, 'equipmentReference', '', validateContainerNumber, { required: true });
    emptyIndicatorCode = c.code(raw, 'emptyIndicatorCode', '', EMPTY_INDICATOR_CODES, true);
    c.standard(raw, 'ISOEquipmentCode', '', isoSizeTypeCode);
    if ((equipmentEventTypeCode === 'LOAD' || equipmentEventTypeCode === 'DISC') && !transportCall) {
      c.fail('/transportCall', 'required', 'a LOAD or DISC event needs the transportCall it happened on');
    }
  } else if (eventType === 'TRANSPORT') {
    transportEventTypeCode = c.code(raw, 'transportEventTypeCode', '', TRANSPORT_EVENT_TYPE_CODES, true);
    c.string(raw, 'delayReasonCode', '', { max: 3 });
    c.string(raw, 'changeRemark', '', { max: 250 });
  } else if (eventType === 'SHIPMENT') {
    shipmentEventTypeCode = c.code(raw, 'shipmentEventTypeCode', '', SHIPMENT_EVENT_TYPE_CODES, true);
    const documentID = c.string(raw, 'documentID', '', { required: true, max: 100 });
    documentTypeCode = c.code(raw, 'documentTypeCode', '', DOCUMENT_TYPE_CODES, true);
    c.string(raw, 'reason', '', { max: 250 });
    if (classifier && classifier !== 'ACT') c.fail('/eventClassifierCode', 'enum', 'shipment events are always actual (ACT)');
    if (documentID && (documentTypeCode === 'BKG' || documentTypeCode === 'TRD')) refs.push({ type: documentTypeCode, value: documentID });
  }

  if (c.errors.length) return { ok: false, errors: c.errors };
  const createdAt = eventCreatedDateTime ?? now.toISOString();
  const body = JSON.stringify(eventCreatedDateTime ? raw : { ...raw, eventCreatedDateTime: createdAt });
  if (Buffer.byteLength(body) > MAX_EVENT_BYTES) return { ok: false, errors: [{ pointer: at, rule: 'maxBytes', detail: `an event may have at most ${MAX_EVENT_BYTES} bytes of JSON` }] };
  const str = (o: Obj | undefined, k: string) => (o && typeof o[k] === 'string' ? (o[k] as string) : null);
  return {
    ok: true,
    event: {
      eventId: eventId!,
      eventType: eventType!,
      eventClassifierCode: classifier!,
      eventDateTime: eventDateTime!,
      eventCreatedDateTime: createdAt,
      equipmentEventTypeCode: equipmentEventTypeCode ?? null,
      transportEventTypeCode: transportEventTypeCode ?? null,
      shipmentEventTypeCode: shipmentEventTypeCode ?? null,
      documentTypeCode: documentTypeCode ?? null,
      equipmentReference: equipmentReference ?? null,
      emptyIndicatorCode: emptyIndicatorCode ?? null,
      vesselIMONumber: vesselIMONumber ?? null,
      UNLocationCode: locationCode ?? callLocode ?? null,
      transportCallID: str(transportCall, 'transportCallID'),
      exportVoyageNumber: str(transportCall, 'exportVoyageNumber'),
      carrierServiceCode: str(transportCall, 'carrierServiceCode'),
      documentReferences: refs,
      // A retry is told from other content by the event store (see `sameContent` there).
      createdAtFilledIn: !eventCreatedDateTime,
      body,
    },
  };
}

export const MAX_BATCH_EVENTS = 1000;

/** One item of a publish request, checked: the event to store, or why it is rejected. */
export type CheckedItem = ValidatedEvent & { eventID: string | null };

export type CheckedRequest =
  | { ok: true; single: boolean; items: CheckedItem[] }
  | { ok: false; errors: FieldError[] };

/**
 * Checks the body of `POST /v2/events` as received: one event or an array of up to
 * MAX_BATCH_EVENTS, each item on its own (a bad item rejects only itself). Pure, so that it can
 * run on a worker thread.
 */
export function checkPublishRequest(text: string, now: Date): CheckedRequest {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (error) {
    return { ok: false, errors: [{ pointer: '/body', rule: 'json', detail: `body is not valid JSON: ${(error as Error).message}` }] };
  }
  const single = !Array.isArray(body);
  const items = single ? [body] : (body as unknown[]);
  if (!single && items.length > MAX_BATCH_EVENTS) {
    return { ok: false, errors: [{ pointer: '/body', rule: 'maxItems', detail: `a batch holds at most ${MAX_BATCH_EVENTS} events` }] };
  }
  // A batch is bounded in depth as every other body is; the tighter bounds of an event, and NUL
  // characters, reject only the item that breaks them (validateEvent).
  const tooDeep = single ? undefined : jsonLimitError(body, '/body', { maxDepth: MAX_BODY_DEPTH, noNul: false });
  if (tooDeep) return { ok: false, errors: [tooDeep] };
  let references = 0;
  for (const [i, item] of items.entries()) {
    const refs = (item as { documentReferences?: unknown } | null)?.documentReferences;
    if (Array.isArray(refs) && (references += refs.length) > MAX_REQUEST_DOCUMENT_REFERENCES) {
      return { ok: false, errors: [{ pointer: `${single ? '/body' : `/body/${i}`}/documentReferences`, rule: 'maxDocumentReferencesPerRequest',
        detail: `a request may carry at most ${MAX_REQUEST_DOCUMENT_REFERENCES} document references in all` }] };
    }
  }
  return {
    ok: true,
    single,
    items: items.map((item, i) => {
      const id = (item as { eventID?: unknown } | null)?.eventID;
      return { ...validateEvent(item, single ? '/body' : `/body/${i}`, now), eventID: typeof id === 'string' ? id : null };
    }),
  };
}

// A checked request crosses from the validation thread to the main thread by structured clone,
// which writes every key of every object: for 500 events of two dozen fields that cost more
// (3–5 ms) than the values. An event travels as an array in this fixed order instead, and is
// rebuilt from one object literal, which also gives every event the same shape.
type PackedItem = unknown[] | Extract<CheckedItem, { ok: false }>;
export type PackedRequest = { ok: true; single: boolean; items: PackedItem[] } | { ok: false; errors: FieldError[] };
const REFS_AT = 18;

export function packRequest(r: CheckedRequest): PackedRequest {
  if (!r.ok) return r;
  return {
    ok: true,
    single: r.single,
    items: r.items.map((item) => {
      if (!item.ok) return item;
      const e = item.event;
      const packed: unknown[] = [
        e.eventId, e.eventType, e.eventClassifierCode, e.eventDateTime, e.eventCreatedDateTime, e.equipmentEventTypeCode,
        e.transportEventTypeCode, e.shipmentEventTypeCode, e.documentTypeCode, e.equipmentReference, e.emptyIndicatorCode,
        e.vesselIMONumber, e.UNLocationCode, e.transportCallID, e.exportVoyageNumber, e.carrierServiceCode, e.createdAtFilledIn, e.body,
      ];
      for (const ref of e.documentReferences) packed.push(ref.type, ref.value);
      return packed;
    }),
  };
}

export function unpackRequest(p: PackedRequest): CheckedRequest {
  if (!p.ok) return p;
  return {
    ok: true,
    single: p.single,
    items: p.items.map((item): CheckedItem => {
      if (!Array.isArray(item)) return item;
      const a = item as (string | null)[];
      const documentReferences: NewEvent['documentReferences'] = [];
      for (let i = REFS_AT; i < a.length; i += 2) documentReferences.push({ type: a[i] as 'BKG' | 'TRD', value: a[i + 1]! });
      const event: NewEvent = {
        eventId: a[0]!, eventType: a[1]!, eventClassifierCode: a[2]!, eventDateTime: a[3]!, eventCreatedDateTime: a[4]!,
        equipmentEventTypeCode: a[5], transportEventTypeCode: a[6], shipmentEventTypeCode: a[7], documentTypeCode: a[8],
        equipmentReference: a[9], emptyIndicatorCode: a[10], vesselIMONumber: a[11], UNLocationCode: a[12], transportCallID: a[13],
        exportVoyageNumber: a[14], carrierServiceCode: a[15], createdAtFilledIn: item[16] as boolean, body: a[17]!, documentReferences,
      };
      return { ok: true, event, eventID: event.eventId };
    }),
  };
}
