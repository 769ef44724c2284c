// DCSA Port Call 2.0 events: validation of one published event, pure (no I/O), so every rule is
// unit-tested directly. What needs the stored call (who sent it, the order of actuals) is checked
// by the command with the functions of projection.ts.
import { contentHash } from '../../../core/canonical.js';
import type { FieldError } from '../../../core/errors.js';
import { validateImoNumber, validateMmsi, validateUnLocode } from '../../../standards/index.js';
import { FieldChecker, isObj, type Obj } from '../../../core/fieldChecker.js';
import type { ProblemParam } from '../problems.js';
import {
  CARRIER_CODE_LIST_PROVIDERS, CLASSIFIER_CODES, EVENT_TYPES_BY_SERVICE, FACILITIES_BY_SERVICE, FACILITY_CODE_LIST_PROVIDERS,
  FACILITY_TYPE_CODES, LOCATION_FACILITY_TYPE_CODES, PHASE_TYPE_CODES, PHASES_BY_SERVICE, PORT_CALL_SERVICE_TYPE_CODES,
  SERVICE_EVENT_TYPE_CODES, SIZE_UNITS, UNIVERSAL_SERVICE_REFERENCE, UNIVERSAL_VOYAGE_REFERENCE, VESSEL_TYPE_CODES,
  type ClassifierCode, type PhaseTypeCode, type PortCallServiceTypeCode, type ServiceEventTypeCode,
} from '../codes.js';
import { findDefinition } from './definitions.js';

/** Actuals cannot lie in the future; allow for senders' clocks running a little fast. */
export const MAX_CLOCK_SKEW_MINUTES = 5;
/** The definition name stored for moves forecasts, which have no timestamp. */
export const MOVES_DEFINITION = 'MOVES';

/** An event that passed validation, reduced to what the store indexes; `body` is as published. */
export interface PortCallEvent {
  eventId: string;
  replyToEventId: string | null;
  /** How the event names its call: our port call ID (terminalCall.terminalCallID) and/or the reference. */
  call: { id: string | null; reference: string | null };
  /** Fields that must agree with the call, with their pointers. */
  claims: { pointer: string; field: CallField; value: string }[];
  service: PortCallServiceTypeCode;
  eventType: ServiceEventTypeCode;
  classifier: ClassifierCode | null;
  /** The phase of the matched definition (INBD for ATA-Berth), else the one sent. */
  phase: PhaseTypeCode | null;
  definition: string;
  serviceDateTime: string | null;
  eventDateTime: string;
  isOmitted: boolean | null;
  movesTotal: number | null;
  contentHash: string;
  body: string;
}

export type CallField = 'UNLocationCode' | 'vesselIMONumber' | 'carrierServiceCode' | 'importVoyageNumber' | 'exportVoyageNumber';

export type ValidatedPortCallEvent = { ok: true; event: PortCallEvent } | { ok: false; errors: FieldError[] };

const EVENT_FIELDS = ['eventID', 'replyToEventID', 'eventUpdatedDateTime', 'isFYI', 'portCall', 'terminalCall', 'portCallService', 'vessel', 'timestamp', 'movesForecasts'];
const PORT_CALL_FIELDS = ['portCallID', 'portVisitReference', 'UNLocationCode', 'isOmitted'];
const TERMINAL_CALL_FIELDS = ['terminalCallID', 'terminalCallReference', 'sequenceNumber', 'carrierServiceName', 'serviceCodeOrReference', 'exportVoyageNumberOrReference', 'importVoyageNumberOrReference', 'isOmitted'];
const SERVICE_FIELDS = ['portCallServiceID', 'portCallServiceTypeCode', 'portCallServiceEventTypeCode', 'portCallPhaseTypeCode', 'facilityTypeCode', 'serviceLocation', 'isCanceled', 'isDeclined'];
const LOCATION_FIELDS = ['locationName', 'facilityTypeCode', 'address', 'UNLocationCode', 'facility', 'geoCoordinate'];
const ADDRESS_LIMITS: Record<string, number> = { street: 70, streetNumber: 50, floor: 50, postCode: 10, POBox: 20, city: 35, stateRegion: 65, countryCode: 2 };
const VESSEL_FIELDS = ['vesselIMONumber', 'vesselMMSINumber', 'vesselName', 'vesselCallSign', 'vesselTypeCode', 'vesselPosition', 'milesToDestinationPort', 'vesselSizeUnit', 'lengthOverall', 'width', 'draftUnit', 'airDraft', 'draft', 'aftDraft', 'forwardDraft'];
const VESSEL_MEASURES = ['lengthOverall', 'width', 'airDraft', 'draft', 'aftDraft', 'forwardDraft'];
const TIMESTAMP_FIELDS = ['classifierCode', 'serviceDateTime', 'delayReasonCodes', 'remark'];
const FORECAST_FIELDS = ['carrierCode', 'carrierCodeListProvider', 'restowUnits', 'loadUnits', 'dischargeUnits'];
const SIZE_FIELDS = ['totalUnits', 'size20Units', 'size40Units', 'size45Units'];
const TYPE_FIELDS = ['totalUnits', 'ladenUnits', 'emptyUnits', 'pluggedReeferUnits', 'outOfGaugeUnits'];
const DECIMAL_DEGREES = /^[+-]?\d{1,3}(\.\d+)?$/;
/** Date-times longer than this are refused (`maxLength`) before they are parsed. */
const DATE_TIME_MAX = 35;

type Checker = FieldChecker<ProblemParam>;

/**
 * Validates one published event. `at` is its JSON pointer in the request (`/body/events/3`), so
 * that every error names the exact field; `now` decides what "the future" is.
 */
export function validatePortCallEvent(raw: unknown, at: string, now: Date = new Date()): ValidatedPortCallEvent {
  if (!isObj(raw)) return { ok: false, errors: [{ pointer: at, rule: 'type', detail: 'an event must be a JSON object' }] };
  const c: Checker = new FieldChecker(at);
  c.known(raw, '', EVENT_FIELDS);
  const eventId = c.uuid(raw, 'eventID', '', true);
  const replyTo = c.uuid(raw, 'replyToEventID', '');
  const updated = c.dateTime(raw, 'eventUpdatedDateTime', '', { max: DATE_TIME_MAX });
  c.boolean(raw, 'isFYI', '');
  const claims: PortCallEvent['claims'] = [];
  const claim = (pointer: string, field: CallField, value: string | undefined) => { if (value !== undefined) claims.push({ pointer: `${at}${pointer}`, field, value }); };

  const portCall = c.object(raw, 'portCall', '', PORT_CALL_FIELDS);
  let omitted: boolean | undefined;
  if (portCall) {
    c.uuid(portCall, 'portCallID', '/portCall');
    c.string(portCall, 'portVisitReference', '/portCall', { max: 50 });
    claim('/portCall/UNLocationCode', 'UNLocationCode', c.standard(portCall, 'UNLocationCode', '/portCall', validateUnLocode, { max: 6 }));
    omitted = c.boolean(portCall, 'isOmitted', '/portCall');
  }

  const terminalCall = c.object(raw, 'terminalCall', '', TERMINAL_CALL_FIELDS, true);
  let callId: string | undefined, reference: string | undefined;
  if (terminalCall) {
    const p = '/terminalCall';
    callId = c.uuid(terminalCall, 'terminalCallID', p);
    reference = c.string(terminalCall, 'terminalCallReference', p, { max: 100 });
    if (!c.present(terminalCall, 'terminalCallID') && !c.present(terminalCall, 'terminalCallReference')) {
      c.fail(`${p}/terminalCallReference`, 'required', 'name the port call: terminalCallReference, or terminalCallID (the portCallID of this platform)');
    }
    c.number(terminalCall, 'sequenceNumber', p, { integer: true, min: 0 });
    c.string(terminalCall, 'carrierServiceName', p, { max: 50 });
    const service = c.object(terminalCall, 'serviceCodeOrReference', p, ['carrierServiceCode', 'universalServiceReference']);
    if (service) {
      claim(`${p}/serviceCodeOrReference/carrierServiceCode`, 'carrierServiceCode', c.string(service, 'carrierServiceCode', `${p}/serviceCodeOrReference`, { max: 11 }));
      c.string(service, 'universalServiceReference', `${p}/serviceCodeOrReference`, { pattern: UNIVERSAL_SERVICE_REFERENCE, patternText: '"SR", 5 digits and a letter, e.g. SR12345A' });
    }
    for (const [key, field] of [['exportVoyageNumberOrReference', 'exportVoyageNumber'], ['importVoyageNumberOrReference', 'importVoyageNumber']] as const) {
      const voyage = c.object(terminalCall, key, p, ['carrierVoyageNumber', 'universalVoyageReference']);
      if (!voyage) continue;
      claim(`${p}/${key}/carrierVoyageNumber`, field, c.string(voyage, 'carrierVoyageNumber', `${p}/${key}`, { max: 50 }));
      c.string(voyage, 'universalVoyageReference', `${p}/${key}`, { pattern: UNIVERSAL_VOYAGE_REFERENCE, patternText: 'year (2 digits), sequence (2) and direction N/E/W/S/R, e.g. 2301W' });
    }
    const o = c.boolean(terminalCall, 'isOmitted', p);
    if (o !== undefined) omitted = o;
  }

  const vessel = c.object(raw, 'vessel', '', VESSEL_FIELDS);
  if (vessel) checkVessel(c, vessel, claim);

  // ---- the service and its timestamp or moves forecast ---------------------------------------
  const svc = c.object(raw, 'portCallService', '', SERVICE_FIELDS, true);
  let service: PortCallServiceTypeCode | undefined, eventType: ServiceEventTypeCode | undefined, phase: PhaseTypeCode | undefined;
  let facility: (typeof FACILITY_TYPE_CODES)[number] | undefined;
  if (svc) {
    const p = '/portCallService';
    c.uuid(svc, 'portCallServiceID', p);
    service = c.code(svc, 'portCallServiceTypeCode', p, PORT_CALL_SERVICE_TYPE_CODES, true);
    eventType = c.code(svc, 'portCallServiceEventTypeCode', p, SERVICE_EVENT_TYPE_CODES, true);
    phase = c.code(svc, 'portCallPhaseTypeCode', p, PHASE_TYPE_CODES);
    facility = c.code(svc, 'facilityTypeCode', p, FACILITY_TYPE_CODES);
    c.boolean(svc, 'isCanceled', p);
    c.boolean(svc, 'isDeclined', p);
    const location = c.object(svc, 'serviceLocation', p, LOCATION_FIELDS);
    if (location) checkLocation(c, location, `${p}/serviceLocation`);
    if (service && eventType && !EVENT_TYPES_BY_SERVICE[service].includes(eventType)) {
      eventType = c.fail(`${p}/portCallServiceEventTypeCode`, 'portcall.serviceEventType', `${service} has the event types ${EVENT_TYPES_BY_SERVICE[service].join(', ')}; got ${eventType}`,
        { service, allowed: EVENT_TYPES_BY_SERVICE[service].join(', '), given: eventType });
    }
    if (service && phase && !PHASES_BY_SERVICE[service].includes(phase)) {
      const allowed = PHASES_BY_SERVICE[service];
      phase = c.fail(`${p}/portCallPhaseTypeCode`, 'portcall.phase', allowed.length ? `${service} takes the phases ${allowed.join(', ')}` : `the phase does not apply to ${service}`,
        { service, allowed: allowed.join(', ') || '—' });
    }
    if (service && facility && !FACILITIES_BY_SERVICE[service].includes(facility)) {
      const allowed = FACILITIES_BY_SERVICE[service];
      facility = c.fail(`${p}/facilityTypeCode`, 'portcall.facility', allowed.length ? `${service} is provided at ${allowed.join(', ')}` : `no facility type applies to ${service}`,
        { service, allowed: allowed.join(', ') || '—' });
    }
  }

  const isMoves = service === 'MOVES';
  let classifier: ClassifierCode | undefined, serviceDateTime: string | undefined, definition: string | undefined, movesTotal: number | undefined;
  const timestamp = c.object(raw, 'timestamp', '', TIMESTAMP_FIELDS, !isMoves && service !== undefined);
  if (timestamp && isMoves) c.fail('/timestamp', 'portcall.notAllowed', 'a MOVES event carries movesForecasts, not a timestamp');
  else if (timestamp) {
    classifier = c.code(timestamp, 'classifierCode', '/timestamp', CLASSIFIER_CODES, true);
    serviceDateTime = c.dateTime(timestamp, 'serviceDateTime', '/timestamp', { required: true, max: DATE_TIME_MAX });
    (c.array(timestamp, 'delayReasonCodes', '/timestamp', { max: 20 }) ?? []).forEach((code, i) => {
      if (typeof code !== 'string' || !code || code.length > 3) c.fail(`/timestamp/delayReasonCodes/${i}`, 'type', 'a delay reason is an SMDG code of 1–3 characters');
    });
    c.string(timestamp, 'remark', '/timestamp', { max: 500 });
    if (classifier === 'ACT' && serviceDateTime && Date.parse(serviceDateTime) > now.getTime() + MAX_CLOCK_SKEW_MINUTES * 60_000) {
      c.fail('/timestamp/serviceDateTime', 'actualNotInFuture', 'an actual (ACT) timestamp cannot lie in the future', { skewMinutes: MAX_CLOCK_SKEW_MINUTES });
    }
  }
  const forecasts = c.array(raw, 'movesForecasts', '', { required: isMoves, min: isMoves ? 1 : undefined, max: 50 });
  if (forecasts && !isMoves && service) c.fail('/movesForecasts', 'portcall.notAllowed', 'movesForecasts belong to a MOVES event');
  else if (forecasts) movesTotal = forecasts.reduce<number>((sum, f, i) => sum + checkForecast(c, f, `/movesForecasts/${i}`), 0);

  let definitionPhase: PhaseTypeCode | null = phase ?? null;
  if (isMoves) definition = MOVES_DEFINITION;
  else if (service && eventType && classifier) {
    const match = findDefinition({ service, eventType, classifier, phase, facility });
    if (match.ok) {
      definition = match.definition.id;
      definitionPhase = match.definition.phase;
    } else {
      c.fail(match.field === 'classifierCode' ? '/timestamp/classifierCode' : `/portCallService/${match.field}`, match.rule, match.detail, { timestamp: `${classifier} ${service} ${eventType}` });
    }
  }

  if (c.errors.length) return { ok: false, errors: c.errors };
  const receivedAt = now.toISOString();
  // The hash covers the event as published, so a retry of the same content is a duplicate even
  // though the stored body gains eventUpdatedDateTime (the time of receipt) when it had none.
  const body = updated ? raw : { ...raw, eventUpdatedDateTime: receivedAt };
  return {
    ok: true,
    event: {
      eventId: eventId!, replyToEventId: replyTo ?? null, call: { id: callId ?? null, reference: reference ?? null }, claims,
      service: service!, eventType: eventType!, classifier: classifier ?? null, phase: definitionPhase, definition: definition!,
      serviceDateTime: serviceDateTime ?? null, eventDateTime: updated ?? receivedAt, isOmitted: omitted ?? null,
      movesTotal: movesTotal ?? null, contentHash: contentHash(raw), body: JSON.stringify(body),
    },
  };
}

function checkVessel(c: Checker, v: Obj, claim: (pointer: string, field: CallField, value: string | undefined) => void) {
  const p = '/vessel';
  claim(`${p}/vesselIMONumber`, 'vesselIMONumber', c.standard(v, 'vesselIMONumber', p, validateImoNumber, { max: 11 }));
  c.standard(v, 'vesselMMSINumber', p, validateMmsi, { max: 9 });
  c.string(v, 'vesselName', p, { max: 50 });
  c.string(v, 'vesselCallSign', p, { max: 10 });
  c.code(v, 'vesselTypeCode', p, VESSEL_TYPE_CODES);
  const position = c.object(v, 'vesselPosition', p, LOCATION_FIELDS);
  if (position) checkLocation(c, position, `${p}/vesselPosition`);
  c.number(v, 'milesToDestinationPort', p, { min: 0 });
  c.code(v, 'vesselSizeUnit', p, SIZE_UNITS);
  c.code(v, 'draftUnit', p, SIZE_UNITS);
  for (const key of VESSEL_MEASURES) c.number(v, key, p, { exclusiveMin: 0 });
  const sized = ['lengthOverall', 'width'].some((k) => c.present(v, k));
  if (sized && !c.present(v, 'vesselSizeUnit')) c.fail(`${p}/vesselSizeUnit`, 'required', 'vesselSizeUnit (MTR or FOT) is required with lengthOverall or width');
  const drafts = ['airDraft', 'draft', 'aftDraft', 'forwardDraft'].some((k) => c.present(v, k));
  if (drafts && !c.present(v, 'draftUnit')) c.fail(`${p}/draftUnit`, 'required', 'draftUnit (MTR or FOT) is required with a draft');
}

function checkLocation(c: Checker, l: Obj, p: string) {
  c.string(l, 'locationName', p, { max: 100 });
  c.code(l, 'facilityTypeCode', p, LOCATION_FACILITY_TYPE_CODES);
  c.standard(l, 'UNLocationCode', p, validateUnLocode, { max: 6 });
  const address = c.object(l, 'address', p, Object.keys(ADDRESS_LIMITS));
  if (address) for (const [key, max] of Object.entries(ADDRESS_LIMITS)) c.string(address, key, `${p}/address`, { max });
  const facility = c.object(l, 'facility', p, ['facilityCode', 'facilityCodeListProvider']);
  if (facility) {
    c.string(facility, 'facilityCode', `${p}/facility`, { required: true, max: 6 });
    c.code(facility, 'facilityCodeListProvider', `${p}/facility`, FACILITY_CODE_LIST_PROVIDERS, true);
  }
  const geo = c.object(l, 'geoCoordinate', p, ['latitude', 'longitude']);
  if (geo) {
    for (const [key, limit] of [['latitude', 90], ['longitude', 180]] as const) {
      const v = c.string(geo, key, `${p}/geoCoordinate`, { required: true, max: 20, pattern: DECIMAL_DEGREES, patternText: 'decimal degrees (ISO 6709), e.g. 36.0671' });
      if (v !== undefined && Math.abs(Number(v)) > limit) c.fail(`${p}/geoCoordinate/${key}`, 'range', `${key} must lie within ±${limit}`);
    }
  }
}

/** Checks a MovesForecast and returns its total units (load + discharge + restow). */
function checkForecast(c: Checker, raw: unknown, p: string): number {
  if (!isObj(raw)) return c.fail(p, 'type', 'a moves forecast must be an object') ?? 0;
  c.known(raw, p, FORECAST_FIELDS);
  c.string(raw, 'carrierCode', p, { max: 4 });
  c.code(raw, 'carrierCodeListProvider', p, CARRIER_CODE_LIST_PROVIDERS);
  if (c.present(raw, 'carrierCode') !== c.present(raw, 'carrierCodeListProvider')) {
    c.fail(`${p}/carrierCodeListProvider`, 'required', 'carrierCode and carrierCodeListProvider go together');
  }
  const restow = c.object(raw, 'restowUnits', p, SIZE_FIELDS);
  let total = restow ? countBySize(c, restow, `${p}/restowUnits`) : 0;
  for (const key of ['loadUnits', 'dischargeUnits']) {
    const units = c.object(raw, key, p, TYPE_FIELDS);
    if (!units) continue;
    const counts: Record<string, number> = {};
    for (const kind of TYPE_FIELDS) {
      const part = c.object(units, kind, `${p}/${key}`, SIZE_FIELDS);
      if (part) counts[kind] = countBySize(c, part, `${p}/${key}/${kind}`);
    }
    // Plugged reefers and out-of-gauge boxes are laden or empty too: they are not added again.
    total += counts.totalUnits ?? (counts.ladenUnits ?? 0) + (counts.emptyUnits ?? 0);
  }
  return total;
}

/** totalUnits when given, else the sum of the sizes. */
function countBySize(c: Checker, o: Obj, p: string): number {
  const n: Record<string, number | undefined> = {};
  for (const key of SIZE_FIELDS) n[key] = c.number(o, key, p, { integer: true, min: 0 });
  return n.totalUnits ?? (n.size20Units ?? 0) + (n.size40Units ?? 0) + (n.size45Units ?? 0);
}
