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
    portCallPhaseTypeCode: Type.Optional(Type.String()),
  }, open),
  vessel: Type.Optional(Type.Object({}, open)),
  timestamp: Type.Optional(Type.Object({
    classifierCode: codes(CLASSIFIER_CODES), serviceDateTime: Type.String(),
    delayReasonCodes: Type.Optional(Type.Array(Type.String())), remark: Type.Optional(Type.String()),
  }, open)),
  movesForecasts: Type.Optional(Type.Array(Type.Object({}, open))),
}, { ...open, description: 'A DCSA Port Call 2.0 event: a timestamp of a port call service, or the moves forecast (MOVES)' });

export const FeedbackElementSchema = Type.Object({
  severity: codes(['ERROR', 'WARN', 'INFO']), message: Type.String(), propertyPath: Type.Optional(Type.String()),
});

// ---- answers (documentation: answers are plain JSON, test/openapi.test.ts checks them) ---------

const OrNull = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);
const Utc = (description = 'UTC, ISO 8601') => Type.String({ description });
/** The platform's RFC 7807 problem (core/schemas.ts registers it for every route). */
const ProblemRef = Type.Unsafe<unknown>({ $ref: 'Problem#' });

export const VesselSchema = Type.Object({
  imoNumber: Type.String(), mmsi: OrNull(Type.String()), callSign: OrNull(Type.String()), name: Type.String(), vesselTypeCode: OrNull(Type.String()),
  lengthOverallM: Type.Number(), beamM: Type.Number(), maxDraughtM: Type.Number(), deadweightTonnes: OrNull(Type.Integer()), teuCapacity: OrNull(Type.Integer()),
  createdAt: Utc(), updatedAt: Utc(),
});

export const TerminalSchema = Type.Object({
  terminalCode: Type.String(), name: Type.String(), UNLocationCode: Type.String(), operatorPartyId: Type.String(), createdAt: Utc(), updatedAt: Utc(),
});

export const BerthSchema = Type.Object({
  terminalCode: Type.String(), berthId: Type.String(), name: Type.String(), lengthM: Type.Number(), depthM: Type.Number(), craneCount: Type.Integer(),
  maxLoaM: Type.Number(), createdAt: Utc(), updatedAt: Utc(),
});

export const TerminalWithBerthsSchema = Type.Object({ ...TerminalSchema.properties, berths: Type.Array(BerthSchema) });

export const PortLocationSchema = Type.Object({
  code: Type.String(), kind: codes(LOCATION_KINDS), name: Type.String(), UNLocationCode: Type.String(), latitude: Type.Number(), longitude: Type.Number(),
  createdAt: Utc(), updatedAt: Utc(),
});

const PORT_CALL_STATUS_CODES = ['PLANNED', 'OMITTED', 'ARRIVED', 'ALONGSIDE', 'DEPARTED'] as const;
const portCallProperties = {
  portCallID: Type.String(), terminalCallReference: Type.String(), status: codes(PORT_CALL_STATUS_CODES),
  carrierPartyId: Type.String(), terminalPartyId: Type.String(), terminalCode: Type.String(), UNLocationCode: Type.String(), vesselIMONumber: Type.String(),
  carrierServiceCode: Type.String(), carrierServiceName: OrNull(Type.String()), importVoyageNumber: Type.String(), exportVoyageNumber: Type.String(),
  isMainlineService: Type.Boolean(), berthId: OrNull(Type.String()), cranesUsed: OrNull(Type.Integer()),
  actualMoves: OrNull(Type.Object({ load: OrNull(Type.Integer()), discharge: OrNull(Type.Integer()), restow: OrNull(Type.Integer()) })),
  expectedMoves: OrNull(Type.Integer()),
  pilotBoardingPlaceArrival: Type.Object({ actual: OrNull(Utc()) }),
  berthArrival: Type.Object({ estimated: OrNull(Utc()), planned: OrNull(Utc()), expected: OrNull(Utc()), actual: OrNull(Utc()) }),
  berthDeparture: Type.Object({ actual: OrNull(Utc()) }),
  cargoOperations: Type.Object({ start: OrNull(Utc()), end: OrNull(Utc()) }),
  createdAt: Utc(), updatedAt: Utc(),
};
export const PortCallSchema = Type.Object(portCallProperties, { description: 'A port call; times are UTC ISO 8601' });

export const PortCallTimestampSchema = Type.Object({
  eventID: Type.String(), timestampDefinition: Type.String(), portCallServiceTypeCode: Type.String(), portCallServiceEventTypeCode: Type.String(),
  classifierCode: OrNull(Type.String()), serviceDateTime: OrNull(Utc()), movesTotal: OrNull(Type.Integer()), sentBy: codes(['carrier', 'terminal', 'other']),
  receivedDateTime: Utc(), event: Type.Unsafe<unknown>(PortCallEventSchema),
}, { description: 'One timestamp of a call’s exchange' });

export const PortCallDetailSchema = Type.Object({
  ...portCallProperties,
  vesselName: Type.Optional(OrNull(Type.String({ description: 'always in the detail (null: the vessel is not registered)' }))),
  latestTimestamps: Type.Array(PortCallTimestampSchema, { description: 'the latest of each type' }),
  history: Type.Array(PortCallTimestampSchema, { description: 'every timestamp, newest first' }),
});

const Rate = OrNull(Type.Number());
export const KpisSchema = Type.Object({
  key: OrNull(Type.String({ description: 'the group (month, terminal or service); null when not grouped' })),
  calls: Type.Integer(),
  berthOnArrival: Type.Object({ rate: Rate, onArrival: Type.Integer(), measured: Type.Integer(), excluded: Type.Integer() }),
  waitingHours: Type.Object({ average: Rate, p90: Rate, measured: Type.Integer() }),
  timeInPortHours: Type.Object({ average: Rate, measured: Type.Integer(), mainlineCalls: Type.Integer(), excluded: Type.Integer() }),
  movesPerShipHour: Type.Object({ value: Rate, moves: Type.Integer(), shipHours: Type.Number(), measured: Type.Integer() }),
  movesPerCraneHour: Type.Object({ value: Rate, moves: Type.Integer(), craneHours: Type.Number(), measured: Type.Integer() }),
  scheduleReliability: Type.Object({ rate: Rate, onTime: Type.Integer(), measured: Type.Integer(), excluded: Type.Integer() }),
});

export const KpiReportSchema = Type.Object({
  from: Utc(), to: Utc(), groupBy: OrNull(codes(['month', 'terminal', 'service'])),
  parameters: Type.Object({ berthOnArrivalToleranceMinutes: Type.Number(), scheduleWindowHours: Type.Number(), mainlineMinTeu: Type.Number() }),
  groups: Type.Array(KpisSchema),
});

/** A parameter of a message: a number, a name, a UTC ISO 8601 time, or a list of coded items. */
const MessageParam = Type.Union([Type.String(), Type.Number(), Type.Array(Type.Record(Type.String(), Type.Union([Type.String(), Type.Number()])))]);
export const ExplanationSchema = Type.Object({
  code: Type.String({ description: 'the i18next key of the message (web/src/locales)' }),
  params: Type.Record(Type.String(), MessageParam),
  text: Type.String({ description: 'the same in English' }),
});

export const PlannedCallSchema = Type.Object({
  portCallID: Type.String(), vesselName: Type.String(), vesselIMONumber: Type.String(), berthId: Type.String(),
  expectedBerthArrival: Utc('the arrival the plan assumes: the ship’s ETA-Berth'), plannedBerthArrival: Utc(), plannedBerthDeparture: Utc(),
  waitMinutes: Type.Number(), handlingMinutes: Type.Number(), kept: Type.Boolean(), pinned: Type.Boolean(),
  why: Type.Object({ berth: ExplanationSchema, wait: ExplanationSchema }),
});

export const StaleReasonSchema = Type.Object({
  portCallID: Type.String(), vesselName: Type.String(),
  rule: codes(['berthPlan.infeasible', 'berthPlan.etaMoved', 'berthPlan.pbpInfeasible', 'berthPlan.pbpEtaMoved', 'berthPlan.callOmitted']),
  timestampDefinition: OrNull(codes(['ETA-Berth', 'ETA-PBP'])), previousETA: OrNull(Utc()), newETA: OrNull(Utc()), plannedBerthArrival: Utc(),
  detail: Type.String(), message: ExplanationSchema,
}, { description: 'Why an accepted plan no longer holds, for one call' });

const BerthPinSchema = Type.Object({ portCallID: Type.String(), berthId: Type.String(), start: Utc() });
export const BerthPlanSchema = Type.Object({
  id: Type.String(), terminalCode: Type.String(), status: codes(['PROPOSED', 'ACCEPTED', 'SUPERSEDED', 'DISCARDED']), createdAt: Utc(),
  from: Utc(), to: Utc(),
  parameters: Type.Object({
    freezeHours: Type.Number(), movesPerCraneHour: Type.Number(), timeLimitSeconds: Type.Number(),
    etaToleranceMinutes: Type.Number(), pins: Type.Array(BerthPinSchema),
  }, open),
  basedOnPlanId: OrNull(Type.String()),
  objectiveMinutes: Type.Number(), firstComeFirstServedMinutes: OrNull(Type.Number()), feasible: Type.Boolean(),
  violations: Type.Array(Type.String()),
  violationItems: Type.Optional(Type.Array(Type.Object({ code: Type.String() }, open), { description: 'the violations as coded items (absent on plans stored before them)' })),
  unplaceable: Type.Array(Type.Object({ portCallID: Type.String(), vesselName: Type.String(), reason: Type.String(), why: ExplanationSchema })),
  calls: Type.Array(PlannedCallSchema),
  solverSeconds: Type.Number(),
  acceptedAt: OrNull(Utc()), supersededAt: OrNull(Utc()),
  stale: Type.Boolean(), staleSince: OrNull(Utc()), staleReasons: Type.Array(StaleReasonSchema),
});

export const BerthPlanAcceptanceSchema = Type.Object({
  planId: Type.String(), terminalCode: Type.String(), status: codes(['ACCEPTED']), acceptedAt: Utc(), supersededPlanIds: Type.Array(Type.String()),
  calls: Type.Array(Type.Object({
    portCallID: Type.String(), vesselName: Type.String(), berthId: Type.String(), previousBerthId: OrNull(Type.String()),
    plannedBerthArrival: Utc(), plannedBerthDeparture: Utc(),
    timestamps: Type.Array(Type.String(), { description: 'eventIDs of the PLN timestamps sent for this call' }),
  })),
  timestampsSent: Type.Integer(),
});

export const PortCallEventResultSchema = Type.Object({
  eventID: OrNull(Type.String()), result: codes(['created', 'duplicate', 'rejected']),
  portCallID: Type.Optional(Type.String()), timestampDefinition: Type.Optional(Type.String()),
  problem: Type.Optional(ProblemRef),
}, { description: 'The outcome of one event' });

/** A webhook subscription to port call timestamps: the callback, and the GET's filters as members. */
export const PortCallSubscriptionSchema = Type.Object({
  subscriptionID: Type.String({ format: 'uuid' }),
  callbackUrl: Type.String(),
  createdDateTime: Type.String(),
  updatedDateTime: Type.String(),
}, { additionalProperties: true });
