// The platform's HTTP API as the web app uses it. Same origin: the HttpOnly session cookie set by
// `POST /v1/session` authenticates every call (and the live stream). Errors are RFC 7807 problems.

import type { components, paths } from './api.gen.js';

// The answers' types come from the platform's OpenAPI document (api.gen.ts, written by
// `npm run api:types` from the routes' schemas); only what the document cannot say (the
// parameters of a coded message, requests the web app builds) is written here.

/** The JSON answer of a route (`paths` of api.gen.ts) for a status. */
type Answer<P extends keyof paths, M extends keyof paths[P], S extends number = 200> =
  paths[P][M] extends { responses: infer R } ? (S extends keyof R ? (R[S] extends { content: { 'application/json': infer B } } ? B : never) : never) : never;
type Item<T> = T extends readonly (infer I)[] ? I : never;

/** A message as a code (`problems.<code>` in the locales) with its parameters; `text` is the server's English. */
export interface ProblemItem { code: string; text?: string; [param: string]: unknown }

/** A message parameter: a value, a UTC ISO 8601 time, or a list of coded items. */
type MessageParams = Record<string, string | number | Record<string, string | number>[]>;

export type FieldError = Omit<Item<NonNullable<components['schemas']['Problem']['errors']>>, 'params'> & {
  /** The message's parameters (the port call module's refusals): values, UTC ISO 8601 times, lists of coded items. */
  params?: MessageParams;
};

export type Problem = Omit<components['schemas']['Problem'], 'errors'> & { errors?: FieldError[] };

/** A failed call: the HTTP status (0 when the server could not be reached) and its problem document. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly problem: Problem | null,
  ) {
    super(problem?.detail ?? problem?.title ?? (status ? `HTTP ${status}` : 'network error'));
  }
}

export type Session = Answer<'/v1/session', 'get'>;

/** The timeline's events are DcsaEvents: the live stream's events join them. */
export type ContainerTimeline = Omit<Answer<'/v1/containers/{equipmentReference}', 'get'>, 'events'> & { events: DcsaEvent[] };
/**
 * A DCSA Track & Trace 2.2 event as published, with its publisher; the timelines add the server's
 * normalised UTC time (events of the live stream come without it).
 */
export type DcsaEvent = Answer<'/v2/events/{eventID}', 'get'> & { eventDateTimeUTC?: string };
export type ContainerStatus = NonNullable<Answer<'/v1/containers/{equipmentReference}', 'get'>['status']>;
export type Location = NonNullable<DcsaEvent['eventLocation']>;
export type ShipmentContainers = Answer<'/v1/bookings/{reference}/containers', 'get'>;
export type ReferenceType = ShipmentContainers['referenceType'];
/** The newest visible equipment event of a recently active container (`GET /v1/containers`). */
export type RecentContainer = Item<Answer<'/v1/containers', 'get'>>;

/** One of the logged-in user's sessions (`GET /v1/sessions`); never the token. */
export type UserSession = Item<Answer<'/v1/sessions', 'get'>>;
/** One of the party's API keys (`GET /v1/api-keys`); never the key itself. */
export type ApiKeyInfo = Item<Answer<'/v1/api-keys', 'get'>>;
/** A key just made or rotated: the only answer that holds the key in clear. */
export type NewApiKey = Answer<'/v1/api-keys', 'post', 201>;

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

export type PortCall = Item<Answer<'/v1/port-calls', 'get'>>;
export type PortCallStatus = PortCall['status'];
export const PORT_CALL_STATUSES: PortCallStatus[] = ['PLANNED', 'ARRIVED', 'ALONGSIDE', 'DEPARTED', 'OMITTED'];
export type PortCallDetail = Answer<'/v1/port-calls/{portCallID}', 'get'>;
/** One timestamp of a call's exchange; `event` is the DCSA event as sent. */
export type PortCallTimestamp = Item<PortCallDetail['history']>;

export interface PortCallFilter {
  terminal?: string;
  vessel?: string;
  service?: string;
  status?: string[];
  from?: string;
  to?: string;
  limit?: number;
}

export type Vessel = Item<Answer<'/v1/vessels', 'get'>>;
export type Terminal = Item<Answer<'/v1/terminals', 'get'>>;
export type Berth = Item<Answer<'/v1/terminals/{terminalCode}/berths', 'get'>>;

export type KpiReport = Answer<'/v1/port-calls/kpis', 'get'>;
export type KpiGroupBy = NonNullable<KpiReport['groupBy']>;
export type Kpis = Item<KpiReport['groups']>;

/** The outcome of one event of `POST /port-call/v2/events`. */
export type EventResult = Omit<Item<Answer<'/port-call/v2/events', 'post'>['results']>, 'problem'> & { problem?: Problem };

export type BerthPlan = Omit<Answer<'/v1/terminals/{terminalCode}/berth-plans/{planId}', 'get'>, 'violationItems'> & {
  /** The violations with a code and parameters, for the reader's language (absent on plans stored before them). */
  violationItems?: ProblemItem[];
};
/** One ship in a berth plan (`src/modules/portcall/berthplan/berthplan.ts`). */
export type PlannedCall = Item<BerthPlan['calls']>;
/**
 * A server explanation: `code` is the i18next key (web/src/locales), `params` its values (UTC
 * times as ISO 8601, lists of items), `text` the same in English.
 */
export type Explanation = PlannedCall['why']['berth'];
export type BerthPin = Item<BerthPlan['parameters']['pins']>;
export type StaleReason = Item<BerthPlan['staleReasons']>;
export type BerthPlanAcceptance = Answer<'/v1/terminals/{terminalCode}/berth-plans/{planId}/accept', 'post'>;

export interface BerthPlanRequest {
  from: string;
  to: string;
  pins?: BerthPin[];
  basedOnPlanId?: string;
  timeLimitSeconds?: number;
}

// ---- status page (src/core/status.ts) ----------------------------------------------------------

export type StatusPage = Answer<'/v1/status', 'get'>;
export type ComponentHealth = Item<StatusPage['components']>;
export type ComponentName = ComponentHealth['component'];
export const COMPONENT_NAMES: ComponentName[] = ['api', 'ingest', 'webhookDelivery', 'liveStream', 'database'];
export type ComponentState = StatusPage['overall'];
export type StatusNotice = Item<StatusPage['notices']['active']>;
export type NoticeKind = StatusNotice['kind'];
export type Severity = StatusNotice['severity'];
export const SEVERITIES: Severity[] = ['minor', 'major', 'critical'];
export const NOTICE_STATUSES: Record<NoticeKind, StatusNotice['status'][]> = {
  incident: ['investigating', 'identified', 'monitoring', 'resolved'],
  maintenance: ['scheduled', 'in_progress', 'completed'],
};
export type Bilingual = StatusNotice['title'];

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
  acceptBerthPlan: (terminalCode: string, planId: string) => call<BerthPlanAcceptance>('POST', `/v1/terminals/${seg(terminalCode)}/berth-plans/${seg(planId)}/accept`),
  discardBerthPlan: (terminalCode: string, planId: string) => call<void>('DELETE', `/v1/terminals/${seg(terminalCode)}/berth-plans/${seg(planId)}`),
};
