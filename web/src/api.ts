// The platform's HTTP API as the web app uses it. Same origin: the HttpOnly session cookie set by
// `POST /v1/session` authenticates every call (and the live stream). Errors are RFC 7807 problems.

export interface FieldError {
  pointer: string;
  rule: string;
  detail: string;
}

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  errors?: FieldError[];
}

/** A failed call: the HTTP status (0 when the server could not be reached) and its problem document. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly problem: Problem | null,
  ) {
    super(problem?.detail ?? problem?.title ?? (status ? `HTTP ${status}` : 'network error'));
  }
}

export interface Session {
  username: string | null;
  party: { id: string; name: string; roles: string[] };
}

export interface DocumentReference {
  documentReferenceType: string;
  documentReferenceValue: string;
}

export interface Location {
  locationName?: string;
  UNLocationCode?: string;
  facilityCode?: string;
  facilityCodeListProvider?: string;
}

export interface TransportCall {
  transportCallID?: string;
  carrierServiceCode?: string;
  exportVoyageNumber?: string;
  importVoyageNumber?: string;
  UNLocationCode?: string;
  facilityTypeCode?: string;
  modeOfTransport?: string;
  location?: Location;
  vessel?: { vesselIMONumber?: string; vesselName?: string; vesselFlag?: string; vesselCallSignNumber?: string };
}

/** A DCSA Track & Trace 2.2 event as published, plus the server's normalised UTC time. */
export interface DcsaEvent {
  eventID: string;
  eventType: 'EQUIPMENT' | 'TRANSPORT' | 'SHIPMENT' | string;
  eventClassifierCode: 'ACT' | 'PLN' | 'EST' | string;
  eventDateTime: string;
  eventDateTimeUTC?: string;
  eventCreatedDateTime?: string;
  equipmentEventTypeCode?: string;
  transportEventTypeCode?: string;
  shipmentEventTypeCode?: string;
  equipmentReference?: string;
  ISOEquipmentCode?: string;
  emptyIndicatorCode?: string;
  eventLocation?: Location;
  transportCall?: TransportCall;
  documentReferences?: DocumentReference[];
  documentID?: string;
  documentTypeCode?: string;
  reason?: string;
  delayReasonCode?: string;
  changeRemark?: string;
}

export interface ContainerStatus {
  eventID: string;
  equipmentEventTypeCode: string;
  eventDateTime: string;
  UNLocationCode: string | null;
  emptyIndicatorCode: string | null;
}

export interface ContainerTimeline {
  equipmentReference: string;
  status: ContainerStatus | null;
  events: DcsaEvent[];
}

export type ReferenceType = 'BKG' | 'TRD';

export interface ShipmentContainers {
  referenceType: ReferenceType;
  reference: string;
  events: DcsaEvent[];
  containers: { equipmentReference: string; status: ContainerStatus | null }[];
}

/** The newest visible equipment event of a recently active container (`GET /v1/containers`). */
export interface RecentContainer {
  equipmentReference: string;
  equipmentEventTypeCode: string;
  /** UTC, ISO 8601. */
  eventDateTime: string;
  UNLocationCode: string | null;
  eventClassifierCode: 'ACT' | 'PLN' | 'EST' | string;
}

let onUnauthenticated: (() => void) | undefined;

/** Called when an API call answers 401 although the user was logged in (the session expired). */
export function setUnauthenticatedHandler(handler: (() => void) | undefined): void {
  onUnauthenticated = handler;
}

async function call<T>(method: string, path: string, body?: unknown, options: { quiet401?: boolean } = {}): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      credentials: 'same-origin',
      headers: { accept: 'application/json, application/problem+json', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, null);
  }
  if (res.status === 204) return undefined as T;
  const type = res.headers.get('content-type') ?? '';
  const json = type.includes('json') ? await res.json().catch(() => null) : null;
  if (!res.ok) {
    const problem = json && typeof json === 'object' && 'status' in json ? (json as Problem) : null;
    if (res.status === 401 && !options.quiet401) onUnauthenticated?.();
    throw new ApiError(res.status, problem);
  }
  return json as T;
}

const seg = encodeURIComponent;

export const api = {
  /** The logged-in user, or an ApiError with status 401. */
  session: () => call<Session>('GET', '/v1/session', undefined, { quiet401: true }),
  login: (username: string, password: string) => call<Session>('POST', '/v1/session', { username, password }, { quiet401: true }),
  logout: () => call<void>('DELETE', '/v1/session', undefined, { quiet401: true }),
  /** The containers with the latest activity this party may see, newest first. */
  recentContainers: (limit = 20) => call<RecentContainer[]>('GET', `/v1/containers?limit=${limit}`),
  container: (equipmentReference: string) => call<ContainerTimeline>('GET', `/v1/containers/${seg(equipmentReference)}`),
  shipment: (type: ReferenceType, reference: string) =>
    call<ShipmentContainers>('GET', type === 'BKG' ? `/v1/bookings/${seg(reference)}/containers` : `/v1/transport-documents/${seg(reference)}/containers`),
  /** Server-sent events of one container: `event: event`, `data: <DCSA event>`. */
  containerStream: (equipmentReference: string) => new EventSource(`/v1/stream?equipmentReference=${seg(equipmentReference)}`),
};
