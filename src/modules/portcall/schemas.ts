// JSON schemas of the port call API for validation (the /v1 bodies) and the OpenAPI document.
// DCSA events are validated item by item by `validatePortCallEvent` (model.ts); their schema
// here only documents them.
import { Type, type Static, type TSchema } from '@fastify/type-provider-typebox';
import { CLASSIFIER_CODES, PORT_CALL_SERVICE_TYPE_CODES, SERVICE_EVENT_TYPE_CODES, VESSEL_TYPE_CODES } from './codes.js';

export const Strict = { additionalProperties: false };
const open = { additionalProperties: true };
export const codes = (list: readonly string[], description?: string) => Type.Unsafe<string>({ type: 'string', enum: [...list], ...(description ? { description } : {}) });
/**
 * `null` allowed besides the schema's own type (to clear a field). Written as a type list rather
 * than anyOf, so that Ajv reports the one broken rule instead of one error per branch.
 */
const Nullable = <T extends TSchema>(t: T) => Type.Unsafe<Static<T> | null>({ ...t, type: [(t as { type?: unknown }).type, 'null'] });

export const TERMINAL_CODE = '^[A-Z0-9]{2,10}$';
export const BERTH_ID = '^[A-Za-z0-9._-]{1,20}$';
export const LOCATION_CODE = '^[A-Z0-9-]{2,20}$';
export const SERVICE_CODE = { minLength: 1, maxLength: 5, description: 'Carrier service code (DCSA: at most 5 characters)' };
export const VOYAGE = { minLength: 1, maxLength: 50 };

export const VesselBody = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 100 }),
  mmsi: Type.Optional(Type.String({ description: 'ITU-R M.585 ship MMSI, 9 digits' })),
  callSign: Type.Optional(Type.String({ minLength: 1, maxLength: 10 })),
  vesselTypeCode: Type.Optional(codes(VESSEL_TYPE_CODES, 'DCSA vessel type')),
  lengthOverallM: Type.Number({ exclusiveMinimum: 0, maximum: 500 }),
  beamM: Type.Number({ exclusiveMinimum: 0, maximum: 80 }),
  maxDraughtM: Type.Number({ exclusiveMinimum: 0, maximum: 30 }),
  deadweightTonnes: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000 })),
  teuCapacity: Type.Optional(Type.Integer({ minimum: 0, maximum: 40_000 })),
}, Strict);

export const TerminalBody = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 200 }),
  UNLocationCode: Type.String({ description: 'UN/LOCODE of the port, e.g. CNTAO' }),
  operatorPartyId: Type.String({ minLength: 1, description: 'The party (terminal role) that operates the terminal' }),
}, Strict);

export const BerthBody = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 100 }),
  lengthM: Type.Number({ exclusiveMinimum: 0, maximum: 5000 }),
  depthM: Type.Number({ exclusiveMinimum: 0, maximum: 40 }),
  craneCount: Type.Integer({ minimum: 0, maximum: 30 }),
  maxLoaM: Type.Number({ exclusiveMinimum: 0, maximum: 500 }),
}, Strict);

export const LOCATION_KINDS = ['ANCHORAGE', 'PILOT_BOARDING_PLACE'] as const;
export const LocationBody = Type.Object({
  kind: codes(LOCATION_KINDS),
  name: Type.String({ minLength: 1, maxLength: 100 }),
  UNLocationCode: Type.String(),
  latitude: Type.Number({ minimum: -90, maximum: 90 }),
  longitude: Type.Number({ minimum: -180, maximum: 180 }),
}, Strict);

export const NewPortCallBody = Type.Object({
  terminalCode: Type.String({ pattern: TERMINAL_CODE }),
  vesselIMONumber: Type.String({ description: 'IMO number of a registered vessel' }),
  carrierServiceCode: Type.String(SERVICE_CODE),
  carrierServiceName: Type.Optional(Type.String({ minLength: 1, maxLength: 50 })),
  importVoyageNumber: Type.String(VOYAGE),
  exportVoyageNumber: Type.String(VOYAGE),
  terminalCallReference: Type.String({ minLength: 1, maxLength: 100, description: 'The carrier’s reference of the call (unique per carrier)' }),
  carrierPartyId: Type.Optional(Type.String({ minLength: 1, description: 'The carrier, when the terminal creates the call' })),
  berthId: Type.Optional(Type.String({ pattern: BERTH_ID })),
  isMainlineService: Type.Optional(Type.Boolean({ description: 'The service is ocean mainline (counts in time-in-port whatever the vessel size)' })),
}, Strict);

export const PortCallChangesBody = Type.Object({
  berthId: Type.Optional(Nullable(Type.String({ pattern: BERTH_ID }))),
  cranesUsed: Type.Optional(Nullable(Type.Integer({ minimum: 1, maximum: 30 }))),
  actualMoves: Type.Optional(Nullable(Type.Object({
    load: Type.Integer({ minimum: 0, maximum: 100_000 }), discharge: Type.Integer({ minimum: 0, maximum: 100_000 }), restow: Type.Integer({ minimum: 0, maximum: 100_000 }),
  }, Strict))),
  carrierServiceCode: Type.Optional(Type.String(SERVICE_CODE)),
  carrierServiceName: Type.Optional(Nullable(Type.String({ minLength: 1, maxLength: 50 }))),
  importVoyageNumber: Type.Optional(Type.String(VOYAGE)),
  exportVoyageNumber: Type.Optional(Type.String(VOYAGE)),
  isMainlineService: Type.Optional(Type.Boolean()),
}, { ...Strict, minProperties: 1 });

// ---- DCSA Port Call 2.0 (documentation) ---------------------------------------------------------

export const PortCallEventSchema = Type.Object({
  eventID: Type.String({ format: 'uuid', description: 'Sender’s ID; receiving is idempotent on it' }),
  replyToEventID: Type.Optional(Type.String({ format: 'uuid', description: 'An earlier event of the same call this one answers' })),
  eventUpdatedDateTime: Type.Optional(Type.String({ description: 'ISO 8601 with offset; the time of receipt when absent' })),
  isFYI: Type.Optional(Type.Boolean()),
  portCall: Type.Optional(Type.Object({}, open)),
  terminalCall: Type.Object({
    terminalCallID: Type.Optional(Type.String({ format: 'uuid', description: 'The portCallID of this platform' })),
    terminalCallReference: Type.Optional(Type.String({ description: 'The carrier’s reference, resolved among the sender’s calls' })),
  }, { ...open, description: 'Names the call: terminalCallID or terminalCallReference (at least one)' }),
  portCallService: Type.Object({
    portCallServiceTypeCode: codes(PORT_CALL_SERVICE_TYPE_CODES),
    portCallServiceEventTypeCode: codes(SERVICE_EVENT_TYPE_CODES),
  }, open),
  vessel: Type.Optional(Type.Object({}, open)),
  timestamp: Type.Optional(Type.Object({ classifierCode: codes(CLASSIFIER_CODES), serviceDateTime: Type.String() }, open)),
  movesForecasts: Type.Optional(Type.Array(Type.Object({}, open))),
}, { ...open, description: 'A DCSA Port Call 2.0 event: a timestamp of a port call service, or the moves forecast (MOVES)' });

export const FeedbackElementSchema = Type.Object({
  severity: codes(['ERROR', 'WARN', 'INFO']), message: Type.String(), propertyPath: Type.Optional(Type.String()),
});

/** A webhook subscription to port call timestamps: the callback, and the GET's filters as members. */
export const PortCallSubscriptionSchema = Type.Object({
  subscriptionID: Type.String({ format: 'uuid' }),
  callbackUrl: Type.String(),
  createdDateTime: Type.String(),
  updatedDateTime: Type.String(),
}, { additionalProperties: true });
