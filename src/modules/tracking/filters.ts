// DCSA query parameters → EventFilter, with errors that name the parameter. Shared by the event
// list, the live stream and subscriptions.
import { ProblemError, type FieldError } from '../../core/errors.js';
import type { Comparison, EventFilter } from './eventStore.js';
import { validateContainerNumber, validateDateTime, validateImoNumber, validateUnLocode } from '../../standards/index.js';
import { DOCUMENT_TYPE_CODES, EQUIPMENT_EVENT_TYPE_CODES, EVENT_TYPES, SHIPMENT_EVENT_TYPE_CODES, TRANSPORT_EVENT_TYPE_CODES } from './model.js';

const LISTS: Record<string, readonly string[]> = {
  eventType: EVENT_TYPES,
  shipmentEventTypeCode: SHIPMENT_EVENT_TYPE_CODES,
  documentTypeCode: DOCUMENT_TYPE_CODES,
  transportEventTypeCode: TRANSPORT_EVENT_TYPE_CODES,
  equipmentEventTypeCode: EQUIPMENT_EVENT_TYPE_CODES,
};
const STRINGS = ['carrierBookingReference', 'transportDocumentReference', 'transportCallID', 'exportVoyageNumber', 'carrierServiceCode'] as const;
const CHECKED: Record<string, (v: string) => { ok: true; value: unknown } | { ok: false; rule: string; message: string }> = {
  vesselIMONumber: validateImoNumber,
  UNLocationCode: validateUnLocode,
  equipmentReference: validateContainerNumber,
};
const OPERATORS: Record<string, Comparison> = { '': '=', eq: '=', gt: '>', gte: '>=', lt: '<', lte: '<=' };

export const FILTER_PARAMETERS = [
  ...Object.keys(LISTS), ...STRINGS, ...Object.keys(CHECKED),
  ...Object.keys(OPERATORS).map((op) => (op ? `eventCreatedDateTime:${op}` : 'eventCreatedDateTime')),
];

/**
 * Reads the filter parameters out of `input` (a query string or a subscription body; lists may be
 * arrays or comma-separated). Other keys are left to the caller, which names them in `allowed`.
 */
export function parseEventFilter(input: Record<string, unknown>, at: string, allowed: readonly string[] = []): EventFilter {
  const errors: FieldError[] = [];
  const filter: EventFilter = {};
  const put = <K extends keyof EventFilter>(k: K, v: EventFilter[K]) => { filter[k] = v; };
  for (const [key, raw] of Object.entries(input)) {
    if (raw === undefined) continue;
    const pointer = `${at}/${key}`;
    // Own keys only: a parameter named `constructor` or `toString` is unknown, not Object's.
    if (Object.hasOwn(LISTS, key)) {
      const values = (Array.isArray(raw) ? raw : String(raw).split(',')).map((v) => String(v).trim()).filter(Boolean);
      const bad = values.find((v) => !LISTS[key].includes(v));
      if (bad !== undefined) errors.push({ pointer, rule: 'enum', detail: `${key}: "${bad}" is not one of ${LISTS[key].join(', ')}` });
      else put(key as keyof EventFilter, values as never);
    } else if ((STRINGS as readonly string[]).includes(key)) {
      if (typeof raw !== 'string' || !raw || raw.length > 100) errors.push({ pointer, rule: 'type', detail: `${key} must be a string of 1–100 characters` });
      else put(key as keyof EventFilter, raw as never);
    } else if (Object.hasOwn(CHECKED, key)) {
      const r = CHECKED[key](String(raw));
      if (!r.ok) errors.push({ pointer, rule: r.rule, detail: `${key}: ${r.message}` });
      else put(key as keyof EventFilter, (typeof r.value === 'string' ? r.value : String(raw)) as never);
    } else if (key === 'eventCreatedDateTime' || key.startsWith('eventCreatedDateTime:')) {
      const opName = key.slice('eventCreatedDateTime:'.length);
      const op = Object.hasOwn(OPERATORS, opName) ? OPERATORS[opName] : undefined;
      const r = typeof raw === 'string' ? validateDateTime(raw) : { ok: false as const, rule: 'type', message: 'give it once, as a date-time' };
      if (op === undefined) errors.push({ pointer, rule: 'operator', detail: `unknown operator; use one of :gte :gt :lte :lt :eq` });
      else if (!r.ok) errors.push({ pointer, rule: r.rule, detail: `${key}: ${r.message}` });
      else (filter.eventCreatedDateTime ??= []).push({ op, value: r.value.utc });
    } else if (!allowed.includes(key)) {
      errors.push({ pointer, rule: 'additionalProperties', detail: `unknown parameter ${key}` });
    }
  }
  if (errors.length) throw new ProblemError('validation', `${errors[0].pointer}: ${errors[0].detail}`, errors);
  return filter;
}
