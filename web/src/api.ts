// The platform's HTTP API as the web app uses it. Same origin: the HttpOnly session cookie set by
// `POST /v1/session` authenticates every call (and the live stream). Errors are RFC 7807 problems.

/** A message as a code (`problems.<code>` in the locales) with its parameters; `text` is the server's English. */
export interface ProblemItem { code: string; text?: string; [param: string]: unknown }

export interface FieldError {
  pointer: string;
  rule: string;
  /** English, for API clients; the web app says `problems.<rule>` with `params` (components/problems.ts). */
  detail: string;
  /** The message's parameters (the port call module's refusals): values, UTC ISO 8601 times, lists of coded items. */
  params?: Record<string, string | number | Record<string, string | number>[]>;
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
  /** Set by the platform from the credentials the event came with, never by the sender. */
  publisher?: { partyName: string };
  publisherRole?: string;
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

/** One of the logged-in user's sessions (`GET /v1/sessions`); never the token. */
export interface UserSession {
  id: string;
  createdAt: string;
  expiresAt: string;
  userAgent: string | null;
  address: string | null;
  current: boolean;
}

/** One of the party's API keys (`GET /v1/api-keys`); never the key itself. */
export interface ApiKeyInfo {
  id: string;
  label: string | null;
  createdAt: string;
  revokedAt: string | null;
  expiresAt: string | null;
  active: boolean;
}

/** A key just made or rotated: the only answer that holds the key in clear. */
export interface NewApiKey {
  id: string;
  label: string | null;
  createdAt: string;
  expiresAt: string | null;
  key: string;
  replaces?: { id: string; expiresAt: string };
}

let onUnauthenticated: (() => void) | undefined;

/** Called when an API call answers 401 although the user was logged in (the session expired). */
export function setUnauthenticatedHandler(handler: (() => void) | undefined): void {
  onUnauthenticated = handler;
}

async function call<T>(method: string, path: string, body?: unknown, options: { quiet401?: boolean } = {}): Promise<T> {
  return (await callWithHeaders<T>(method, path, body, options)).data;
}

/** A call that also returns the response headers (cursor paging: `Next-Page-Cursor`). */
async function callWithHeaders<T>(method: string, path: string, body?: unknown, options: { quiet401?: boolean } = {}): Promise<{ data: T; headers: Headers }> {
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
  if (res.status === 204) return { data: undefined as T, headers: res.headers };
  const type = res.headers.get('content-type') ?? '';
  const json = type.includes('json') ? await res.json().catch(() => null) : null;
  if (!res.ok) {
    const problem = json && typeof json === 'object' && 'status' in json ? (json as Problem) : null;
    if (res.status === 401 && !options.quiet401) onUnauthenticated?.();
    throw new ApiError(res.status, problem);
  }
  return { data: json as T, headers: res.headers };
}

const seg = encodeURIComponent;

// ---- port calls (src/modules/portcall) ---------------------------------------------------------

export type PortCallStatus = 'PLANNED' | 'OMITTED' | 'ARRIVED' | 'ALONGSIDE' | 'DEPARTED';
export const PORT_CALL_STATUSES: PortCallStatus[] = ['PLANNED', 'ARRIVED', 'ALONGSIDE', 'DEPARTED', 'OMITTED'];

/** A port call as `/v1/port-calls` presents it; times are UTC ISO 8601. */
export interface PortCall {
  portCallID: string;
  terminalCallReference: string;
  status: PortCallStatus;
  carrierPartyId: string;
  terminalPartyId: string;
  terminalCode: string;
  UNLocationCode: string;
  vesselIMONumber: string;
  /** Only in the detail. */
  vesselName?: string | null;
  carrierServiceCode: string;
  carrierServiceName: string | null;
  importVoyageNumber: string;
  exportVoyageNumber: string;
  isMainlineService: boolean;
  berthId: string | null;
  cranesUsed: number | null;
  actualMoves: { load: number | null; discharge: number | null; restow: number | null } | null;
  expectedMoves: number | null;
  pilotBoardingPlaceArrival: { actual: string | null };
  berthArrival: { estimated: string | null; planned: string | null; expected: string | null; actual: string | null };
  berthDeparture: { actual: string | null };
  cargoOperations: { start: string | null; end: string | null };
  createdAt: string;
  updatedAt: string;
}

/** One timestamp of a call's exchange. */
export interface PortCallTimestamp {
  eventID: string;
  timestampDefinition: string;
  portCallServiceTypeCode: string;
  portCallServiceEventTypeCode: string;
  classifierCode: string | null;
  serviceDateTime: string | null;
  movesTotal: number | null;
  sentBy: 'carrier' | 'terminal' | 'other';
  receivedDateTime: string;
  event: { timestamp?: { remark?: string; delayReasonCodes?: string[] }; portCallService?: { portCallPhaseTypeCode?: string } } & Record<string, unknown>;
}

export interface PortCallDetail extends PortCall {
  latestTimestamps: PortCallTimestamp[];
  history: PortCallTimestamp[];
}

export interface PortCallFilter {
  terminal?: string;
  vessel?: string;
  service?: string;
  status?: string[];
  from?: string;
  to?: string;
  limit?: number;
}

export interface Vessel {
  imoNumber: string;
  name: string;
  teuCapacity: number | null;
  lengthOverallM: number;
}

export interface Terminal {
  terminalCode: string;
  name: string;
  UNLocationCode: string;
  operatorPartyId: string;
}

export interface Berth {
  terminalCode: string;
  berthId: string;
  name: string;
  lengthM: number;
  depthM: number;
  craneCount: number;
  maxLoaM: number;
}

export type KpiGroupBy = 'month' | 'terminal' | 'service';

export interface Kpis {
  key: string | null;
  calls: number;
  berthOnArrival: { rate: number | null; onArrival: number; measured: number; excluded: number };
  waitingHours: { average: number | null; p90: number | null; measured: number };
  timeInPortHours: { average: number | null; measured: number; mainlineCalls: number; excluded: number };
  movesPerShipHour: { value: number | null; moves: number; shipHours: number; measured: number };
  movesPerCraneHour: { value: number | null; moves: number; craneHours: number; measured: number };
  scheduleReliability: { rate: number | null; onTime: number; measured: number; excluded: number };
}

export interface KpiReport {
  from: string;
  to: string;
  groupBy: KpiGroupBy | null;
  parameters: { berthOnArrivalToleranceMinutes: number; scheduleWindowHours: number; mainlineMinTeu: number };
  groups: Kpis[];
}

/** The outcome of one event of `POST /port-call/v2/events`. */
export interface EventResult {
  eventID: string;
  result: 'created' | 'duplicate' | 'rejected' | string;
  problem?: Problem;
}

/** One ship in a berth plan (`src/modules/portcall/berthplan/berthplan.ts`). */
export interface PlannedCall {
  portCallID: string;
  vesselName: string;
  vesselIMONumber: string;
  berthId: string;
  /** The arrival the plan assumes: the ship's ETA-Berth. */
  expectedBerthArrival: string;
  plannedBerthArrival: string;
  plannedBerthDeparture: string;
  waitMinutes: number;
  handlingMinutes: number;
  kept: boolean;
  pinned: boolean;
  why: { berth: Explanation; wait: Explanation };
}

/**
 * A server explanation: `code` is the i18next key (web/src/locales), `params` its values (UTC
 * times as ISO 8601, lists of items), `text` the same in English.
 */
export interface Explanation {
  code: string;
  params: Record<string, string | number | Record<string, string | number>[]>;
  text: string;
}

export interface BerthPin {
  portCallID: string;
  berthId: string;
  start: string;
}

export interface StaleReason {
  portCallID: string;
  vesselName: string;
  rule: 'berthPlan.infeasible' | 'berthPlan.etaMoved' | 'berthPlan.pbpInfeasible' | 'berthPlan.pbpEtaMoved' | 'berthPlan.callOmitted';
  timestampDefinition: 'ETA-Berth' | 'ETA-PBP' | null;
  previousETA: string | null;
  newETA: string | null;
  plannedBerthArrival: string;
  detail: string;
  message: Explanation;
}

export interface BerthPlan {
  id: string;
  terminalCode: string;
  status: 'PROPOSED' | 'ACCEPTED' | 'SUPERSEDED' | 'DISCARDED';
  createdAt: string;
  from: string;
  to: string;
  parameters: { freezeHours: number; etaToleranceMinutes: number; pins: BerthPin[] };
  basedOnPlanId: string | null;
  objectiveMinutes: number;
  firstComeFirstServedMinutes: number | null;
  feasible: boolean;
  violations: string[];
  /** The same violations with a code and parameters, for the reader's language (absent on plans stored before them). */
  violationItems?: ProblemItem[];
  unplaceable: { portCallID: string; vesselName: string; reason: string; why: Explanation }[];
  calls: PlannedCall[];
  acceptedAt: string | null;
  stale: boolean;
  staleSince: string | null;
  staleReasons: StaleReason[];
}

export interface BerthPlanRequest {
  from: string;
  to: string;
  pins?: BerthPin[];
  basedOnPlanId?: string;
  timeLimitSeconds?: number;
}

// ---- status page (src/core/status.ts) ----------------------------------------------------------

export type ComponentName = 'api' | 'ingest' | 'webhookDelivery' | 'liveStream' | 'database';
export const COMPONENT_NAMES: ComponentName[] = ['api', 'ingest', 'webhookDelivery', 'liveStream', 'database'];
export type ComponentState = 'operational' | 'degraded' | 'outage';
export type NoticeKind = 'incident' | 'maintenance';
export type Severity = 'minor' | 'major' | 'critical';
export const SEVERITIES: Severity[] = ['minor', 'major', 'critical'];
export const NOTICE_STATUSES: Record<NoticeKind, string[]> = {
  incident: ['investigating', 'identified', 'monitoring', 'resolved'],
  maintenance: ['scheduled', 'in_progress', 'completed'],
};

export interface Bilingual { zh: string; en: string }

export interface ComponentHealth {
  component: ComponentName;
  state: ComponentState;
  /** Codes: `status.reasons.<code>` in the locales. */
  reasons: string[];
  figures: Record<string, number | boolean | string | null>;
}

export interface StatusNotice {
  id: string;
  kind: NoticeKind;
  severity: Severity;
  status: string;
  title: Bilingual;
  body: Bilingual;
  components: ComponentName[];
  startsAt: string;
  endsAt: string | null;
  resolvedAt: string | null;
  createdAt: string;
  updatedAt: string;
  /** Newest first. */
  updates: { id: number; status: string; message: Bilingual; at: string }[];
}

export interface StatusPage {
  generatedAt: string;
  overall: ComponentState;
  components: ComponentHealth[];
  notices: { active: StatusNotice[]; upcoming: StatusNotice[]; history: StatusNotice[] };
}

export interface NewStatusNotice {
  kind: NoticeKind;
  severity: Severity;
  title: Bilingual;
  body: Bilingual;
  components?: ComponentName[];
  startsAt?: string;
  endsAt?: string;
}

const portCallQuery = (f: PortCallFilter) => {
  const q = new URLSearchParams();
  for (const key of ['terminal', 'vessel', 'service', 'from', 'to'] as const) if (f[key]) q.set(key, f[key]!);
  if (f.status?.length) q.set('status', f.status.join(','));
  if (f.limit) q.set('limit', String(f.limit));
  return q.toString();
};

export const api = {
  /** Public: no credentials needed. */
  status: () => call<StatusPage>('GET', '/v1/status', undefined, { quiet401: true }),
  postStatusNotice: (notice: NewStatusNotice) => call<StatusNotice>('POST', '/admin/status/notices', notice),
  postStatusUpdate: (id: string, update: { status: string; message: Bilingual }) => call<StatusNotice>('POST', `/admin/status/notices/${seg(id)}/updates`, update),
  /** The logged-in user, or an ApiError with status 401. */
  session: () => call<Session>('GET', '/v1/session', undefined, { quiet401: true }),
  login: (username: string, password: string) => call<Session>('POST', '/v1/session', { username, password }, { quiet401: true }),
  logout: () => call<void>('DELETE', '/v1/session', undefined, { quiet401: true }),
  sessions: () => call<UserSession[]>('GET', '/v1/sessions'),
  endSession: (id: string) => call<void>('DELETE', `/v1/sessions/${seg(id)}`),
  endOtherSessions: () => call<{ ended: number }>('DELETE', '/v1/sessions'),
  apiKeys: () => call<ApiKeyInfo[]>('GET', '/v1/api-keys'),
  createApiKey: (body: { label?: string; expiresAt?: string }) => call<NewApiKey>('POST', '/v1/api-keys', body),
  rotateApiKey: (id: string, graceHours: number) => call<NewApiKey>('POST', `/v1/api-keys/${seg(id)}/rotate`, { graceHours }),
  revokeApiKey: (id: string) => call<void>('DELETE', `/v1/api-keys/${seg(id)}`),
  /** The containers with the latest activity this party may see, newest first. */
  recentContainers: (limit = 20) => call<RecentContainer[]>('GET', `/v1/containers?limit=${limit}`),
  container: (equipmentReference: string) => call<ContainerTimeline>('GET', `/v1/containers/${seg(equipmentReference)}`),
  shipment: (type: ReferenceType, reference: string) =>
    call<ShipmentContainers>('GET', type === 'BKG' ? `/v1/bookings/${seg(reference)}/containers` : `/v1/transport-documents/${seg(reference)}/containers`),
  /** Server-sent events of one container: `event: event`, `data: <DCSA event>`. */
  containerStream: (equipmentReference: string) => new EventSource(`/v1/stream?equipmentReference=${seg(equipmentReference)}`),

  /** One page of the port calls this party may see; `cursor` is the previous page's `Next-Page-Cursor`. */
  portCalls: async (filter: PortCallFilter, cursor?: string) => {
    const query = cursor ? `cursor=${seg(cursor)}` : portCallQuery(filter);
    const { data, headers } = await callWithHeaders<PortCall[]>('GET', `/v1/port-calls${query ? `?${query}` : ''}`);
    return { items: data, next: headers.get('Next-Page-Cursor') ?? undefined };
  },
  /** Every page of a query (at most `maxPages`). */
  allPortCalls: async (filter: PortCallFilter, maxPages = 10) => {
    const items: PortCall[] = [];
    let cursor: string | undefined;
    for (let i = 0; i < maxPages; i++) {
      const page = await api.portCalls(filter, cursor);
      items.push(...page.items);
      if (!page.next) break;
      cursor = page.next;
    }
    return items;
  },
  portCall: (portCallID: string) => call<PortCallDetail>('GET', `/v1/port-calls/${seg(portCallID)}`),
  /** DCSA Port Call 2.0 events; one event answers with its result or its RFC 7807 problem. */
  sendPortCallEvents: (events: unknown[]) => call<{ results: EventResult[] }>('POST', '/port-call/v2/events', { events }),
  kpis: (from: string, to: string, groupBy?: KpiGroupBy) =>
    call<KpiReport>('GET', `/v1/port-calls/kpis?${new URLSearchParams({ from, to, ...(groupBy ? { groupBy } : {}) })}`),
  vessels: () => call<Vessel[]>('GET', '/v1/vessels'),
  terminals: () => call<Terminal[]>('GET', '/v1/terminals'),
  berths: (terminalCode: string) => call<Berth[]>('GET', `/v1/terminals/${seg(terminalCode)}/berths`),

  /** The terminal's accepted berth plan, or null when none is accepted (404). */
  currentBerthPlan: (terminalCode: string) => call<BerthPlan>('GET', `/v1/terminals/${seg(terminalCode)}/berth-plans/current`)
    .catch((e: unknown) => { if (e instanceof ApiError && e.status === 404) return null; throw e; }),
  /** A proposal (stored, not applied); pins fix ships to a berth and start, the others are planned around them. */
  proposeBerthPlan: (terminalCode: string, body: BerthPlanRequest) => call<BerthPlan>('POST', `/v1/terminals/${seg(terminalCode)}/berth-plans`, body),
  replanBerthPlan: (terminalCode: string, planId: string) => call<BerthPlan>('POST', `/v1/terminals/${seg(terminalCode)}/berth-plans/${seg(planId)}/replan`),
  acceptBerthPlan: (terminalCode: string, planId: string) => call<{ planId: string; timestampsSent: number }>('POST', `/v1/terminals/${seg(terminalCode)}/berth-plans/${seg(planId)}/accept`),
  discardBerthPlan: (terminalCode: string, planId: string) => call<void>('DELETE', `/v1/terminals/${seg(terminalCode)}/berth-plans/${seg(planId)}`),
};
