// JSON schemas of the DCSA Track & Trace 2.2 shapes, for the OpenAPI document. Published events
// are validated by `validateEvent` (model.ts), item by item, so that a batch answers per item.
import { Type, type TSchema } from '@fastify/type-provider-typebox';
import {
  DOCUMENT_REFERENCE_TYPES, DOCUMENT_TYPE_CODES, EMPTY_INDICATOR_CODES, EQUIPMENT_EVENT_TYPE_CODES, EVENT_CLASSIFIER_CODES,
  EVENT_TYPES, MODES_OF_TRANSPORT, SHIPMENT_EVENT_TYPE_CODES, TRANSPORT_EVENT_TYPE_CODES,
} from './model.js';

const codes = (list: readonly string[], description?: string) => Type.Unsafe<string>({ type: 'string', enum: [...list], ...(description ? { description } : {}) });
const open = { additionalProperties: true };

const Location = Type.Object({
  locationName: Type.Optional(Type.String()),
  UNLocationCode: Type.Optional(Type.String({ description: 'UN/LOCODE, e.g. CNTAO' })),
  facilityCode: Type.Optional(Type.String()),
  facilityCodeListProvider: Type.Optional(Type.String()),
}, open);

const TransportCall = Type.Object({
  transportCallID: Type.Optional(Type.String({ maxLength: 100 })),
  carrierServiceCode: Type.Optional(Type.String({ maxLength: 5 })),
  exportVoyageNumber: Type.Optional(Type.String({ maxLength: 50 })),
  importVoyageNumber: Type.Optional(Type.String({ maxLength: 50 })),
  transportCallSequenceNumber: Type.Optional(Type.Integer()),
  UNLocationCode: Type.Optional(Type.String({ description: 'UN/LOCODE, e.g. CNTAO' })),
  facilityCode: Type.Optional(Type.String()),
  facilityTypeCode: Type.Optional(Type.String()),
  modeOfTransport: Type.Optional(codes(MODES_OF_TRANSPORT)),
  location: Type.Optional(Location),
  vessel: Type.Optional(Type.Object({
    vesselIMONumber: Type.Optional(Type.String({ description: 'IMO number with a valid check digit' })),
    vesselName: Type.Optional(Type.String()),
    vesselFlag: Type.Optional(Type.String()),
    vesselCallSignNumber: Type.Optional(Type.String()),
    vesselOperatorCarrierCode: Type.Optional(Type.String()),
  }, open)),
}, open);

export const EventSchema = Type.Object({
  eventID: Type.String({ format: 'uuid', description: 'Publisher’s ID; publishing is idempotent on it' }),
  eventType: codes(EVENT_TYPES),
  eventClassifierCode: codes(EVENT_CLASSIFIER_CODES, 'ACT actual, PLN planned, EST estimated'),
  eventDateTime: Type.String({ description: 'ISO 8601 with offset' }),
  eventCreatedDateTime: Type.Optional(Type.String({ description: 'ISO 8601 with offset; the time of receipt when absent' })),
  equipmentEventTypeCode: Type.Optional(codes(EQUIPMENT_EVENT_TYPE_CODES)),
  equipmentReference: Type.Optional(Type.String({ description: 'ISO 6346 container number with a valid check digit' })),
  ISOEquipmentCode: Type.Optional(Type.String({ description: 'ISO 6346 size-type code, e.g. 22G1' })),
  emptyIndicatorCode: Type.Optional(codes(EMPTY_INDICATOR_CODES)),
  transportEventTypeCode: Type.Optional(codes(TRANSPORT_EVENT_TYPE_CODES)),
  shipmentEventTypeCode: Type.Optional(codes(SHIPMENT_EVENT_TYPE_CODES)),
  documentID: Type.Optional(Type.String()),
  documentTypeCode: Type.Optional(codes(DOCUMENT_TYPE_CODES)),
  transportCall: Type.Optional(TransportCall),
  eventLocation: Type.Optional(Location),
  documentReferences: Type.Optional(Type.Array(Type.Object({
    documentReferenceType: codes(DOCUMENT_REFERENCE_TYPES),
    documentReferenceValue: Type.String({ maxLength: 100 }),
  }))),
  references: Type.Optional(Type.Array(Type.Object({ referenceType: Type.String(), referenceValue: Type.String() }))),
}, { ...open, description: 'A DCSA Track & Trace 2.2 equipment, transport or shipment event' });

export const ProblemSchema = Type.Object({
  type: Type.String(), title: Type.String(), status: Type.Integer(), detail: Type.Optional(Type.String()),
  instance: Type.Optional(Type.String()),
  errors: Type.Optional(Type.Array(Type.Object({ pointer: Type.String(), rule: Type.String(), detail: Type.String() }))),
}, { description: 'RFC 7807 problem details' });

export const PublishResultSchema = Type.Object({
  eventID: Type.Union([Type.String(), Type.Null()]),
  result: codes(['created', 'duplicate', 'rejected']),
  problem: Type.Optional(ProblemSchema),
});

export const SubscriptionSchema = Type.Object({
  subscriptionID: Type.String({ format: 'uuid' }),
  callbackUrl: Type.String(),
  createdDateTime: Type.String(),
  updatedDateTime: Type.String(),
}, open);

// ---- answers (documentation: answers are plain JSON, test/openapi.test.ts checks them) ---------

const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);

/** An event as served: as published, plus the publisher the platform wrote into it. */
export const ServedEventSchema = Type.Object({
  ...EventSchema.properties,
  reason: Type.Optional(Type.String()),
  delayReasonCode: Type.Optional(Type.String()),
  changeRemark: Type.Optional(Type.String()),
  publisher: Type.Optional(Type.Object({
    partyName: Type.String(),
    identifyingCodes: Type.Optional(Type.Array(Type.Object({ DCSAResponsibleAgencyCode: Type.String(), partyCode: Type.String(), codeListName: Type.Optional(Type.String()) }, open))),
  }, { ...open, description: 'Set by the platform from the credentials the event came with, never by the sender' })),
  publisherRole: Type.Optional(Type.String({ description: 'DCSA party function code: CA, TR, ATH, BUK, SVP' })),
}, { ...open, description: 'A DCSA Track & Trace 2.2 event as published, with its publisher' });

/**
 * A served event with the server's normalised time, as the web app's timelines show it. Typed
 * for the server as the stored body it is (the routes pass stored bodies through unparsed).
 */
export const TimelineEventSchema = Type.Unsafe<Record<string, unknown> & { eventDateTimeUTC: string }>(Type.Object({
  ...ServedEventSchema.properties,
  eventDateTimeUTC: Type.String({ description: 'eventDateTime in UTC, ISO 8601' }),
}, { ...open, description: 'A DCSA Track & Trace 2.2 event as published, with its publisher and its time in UTC' }));

/** The latest actual equipment event of a box (estimates and plans do not move it). */
export const ContainerStatusSchema = Type.Object({
  eventID: Type.String(), equipmentEventTypeCode: Nullable(Type.String()), eventDateTime: Type.String({ description: 'UTC, ISO 8601' }),
  UNLocationCode: Nullable(Type.String()), emptyIndicatorCode: Nullable(Type.String()),
});

export const RecentContainerSchema = Type.Object({
  equipmentReference: Type.String(), equipmentEventTypeCode: Nullable(Type.String()), eventDateTime: Type.String({ description: 'UTC, ISO 8601' }),
  UNLocationCode: Nullable(Type.String()), eventClassifierCode: Type.String(),
}, { description: 'The newest visible equipment event of a recently active container' });

export const ContainerTimelineSchema = Type.Object({
  equipmentReference: Type.String(), status: Nullable(ContainerStatusSchema), events: Type.Array(TimelineEventSchema),
});

export const ShipmentContainersSchema = Type.Object({
  referenceType: codes(['BKG', 'TRD']), reference: Type.String(),
  events: Type.Array(TimelineEventSchema, { description: 'events of the shipment that name no container' }),
  containers: Type.Array(Type.Object({ equipmentReference: Type.String(), status: Nullable(ContainerStatusSchema) })),
});

// ---- grants ------------------------------------------------------------------------------------

export const GrantSchema = Type.Object({
  id: Type.String(), granterPartyId: Type.String(), granteePartyId: Type.String(), referenceType: Type.String(), referenceValue: Type.String(),
  expiresAt: Type.Union([Type.String(), Type.Null()]), revokedAt: Type.Union([Type.String(), Type.Null()]), createdAt: Type.String(), scope: Type.String({ description: 'read or publish' }),
});

export const GrantListSchema = Type.Object({ given: Type.Array(GrantSchema), received: Type.Array(GrantSchema) });

