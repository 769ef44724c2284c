// HTTP face of port calls: create, list, detail, change (/v1/port-calls) and the efficiency KPIs.
// Each route reads as: authenticate → validate → (transaction → authorise → command) → present.
import type { FastifyInstance } from 'fastify';
import { Type, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { requirePrincipal } from '../../../core/auth.js';
import type { AppContext } from '../../../core/context.js';
import { invalid, notFound } from '../../../core/errors.js';
import { refuse } from '../problems.js';
import { idempotent } from '../../../core/idempotency.js';
import { nowIso } from '../../../core/time.js';
import { validateImoNumber } from '../../../standards/index.js';
import { auditRead } from '../access.js';
import { createPortCall, updatePortCall } from './commands.js';
import { DEFAULT_KPI_OPTIONS, GROUP_BY, groupKpis, kpiCalls, MAINLINE_MIN_TEU, type GroupBy } from '../kpis/kpis.js';
import { nextPageHeaders } from '../../../core/paging.js';
import { code, codeList, dateTime, integer, parseQuery, pattern, readPage, standard, text } from '../paging.js';
import { PORT_CALL_STATUSES } from '../timestamps/projection.js';
import { pc } from '../schema.js';
import { KpiReportSchema, NewPortCallBody, PortCallChangesBody, PortCallDetailSchema, PortCallSchema, TERMINAL_CODE } from '../schemas.js';
import { callTimestamps, findCall, getVessel, listCalls, presentCall, type CallFilter, type StoredTimestamp } from './store.js';

const tags = ['Port calls'];
const terminalCode = pattern(new RegExp(TERMINAL_CODE), 'a terminal code such as QQCT');

const CALL_FILTERS = {
  terminal: terminalCode,
  vessel: standard(validateImoNumber),
  service: text(5),
  from: dateTime,
  to: dateTime,
  status: codeList(PORT_CALL_STATUSES),
};

/** One entry of a call's exchange history. */
function presentTimestamp(t: StoredTimestamp, call: { carrier_party_id: string; terminal_party_id: string }) {
  const sentBy = t.sender_party_id === call.carrier_party_id ? 'carrier' : t.sender_party_id === call.terminal_party_id ? 'terminal' : 'other';
  return {
    eventID: t.event_id, timestampDefinition: t.definition, portCallServiceTypeCode: t.service_type_code,
    portCallServiceEventTypeCode: t.event_type_code, classifierCode: t.classifier_code, serviceDateTime: t.service_date_time,
    movesTotal: t.moves_total, sentBy, receivedDateTime: t.received_at, event: JSON.parse(t.body) as unknown,
  };
}

export async function callRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const db = pc(ctx.db);

  r.post('/v1/port-calls', {
    schema: { tags, summary: 'Create a port call (its carrier, or the terminal’s operating party naming the carrier); Idempotency-Key supported', body: NewPortCallBody, response: { 201: PortCallSchema } },
  }, async (request, reply) => {
    const who = requirePrincipal(request);
    const body = { ...request.body, vesselIMONumber: (() => {
      const v = validateImoNumber(request.body.vesselIMONumber);
      if (!v.ok) throw invalid('/body/vesselIMONumber', v.rule, v.message);
      return v.value;
    })() };
    // A command inside the idempotency record's transaction: the call, its fact and the stored answer commit together.
    const afterCommit: (() => void)[] = [];
    const res = await idempotent(ctx.db, request, who, (tx) => ctx.commands.within(tx, who, async (scope) => {
      const call = await createPortCall(scope, who, body, nowIso());
      return { status: 201, body: presentCall(call) };
    }, afterCommit));
    for (const fn of afterCommit) fn();
    return reply.code(res.status as 201).send(res.body);
  });

  r.get('/v1/port-calls', {
    schema: { tags, summary: 'Port calls you may see, with filters (terminal, vessel, service, from/to on the expected berth arrival, status) and cursor paging', querystring: Type.Object({}, { additionalProperties: true }), response: { 200: Type.Array(PortCallSchema) } },
  }, async (request, reply) => {
    const who = requirePrincipal(request);
    const scope = { list: 'GET /v1/port-calls', partyId: who.partyId };
    const { filter, query, limit, after } = readPage<CallFilter>(ctx.cursors, scope, request.query as Record<string, unknown>, CALL_FILTERS);
    const page = await listCalls(db, who, filter, { afterSeq: after, limit });
    await auditRead(ctx.db, who, 'read', request, { portCallIds: page.items.map((c) => c.id).slice(0, 200) });
    nextPageHeaders(request, reply, ctx.cursors, scope, page.nextAfter, query, limit);
    return page.items.map((c) => presentCall(c));
  });

  r.get('/v1/port-calls/kpis', {
    schema: {
      tags, summary: 'Efficiency KPIs over the port calls you may see (authorities and the shipping-center office: all, audited)',
      description: `Berth-on-arrival rate, waiting time (average, p90), time in port of mainline calls (vessel ≥ ${MAINLINE_MIN_TEU} TEU or a mainline service), moves per ship-hour and crane-hour, schedule reliability (±scheduleWindowHours of the first PTA, else ETA). Definitions: src/modules/portcall/kpis/kpis.ts.`,
      querystring: Type.Object({}, { additionalProperties: true }),
      response: { 200: KpiReportSchema },
    },
  }, async (request) => {
    const who = requirePrincipal(request);
    const q = parseQuery<{ from: string; to: string; terminal: string; service: string; groupBy: GroupBy; toleranceMinutes: number; scheduleWindowHours: number }>(
      request.query as Record<string, unknown>,
      { from: dateTime, to: dateTime, terminal: terminalCode, service: text(5), groupBy: code(GROUP_BY), toleranceMinutes: integer(0, 1440), scheduleWindowHours: integer(1, 168) },
    );
    if (q.from === undefined) throw invalid('/query/from', 'required', 'from is required (ISO 8601 with offset)');
    if (q.to === undefined) throw invalid('/query/to', 'required', 'to is required (ISO 8601 with offset)');
    if (q.to <= q.from) throw invalid('/query/to', 'range', 'to must be later than from');
    const options = {
      berthOnArrivalToleranceMinutes: q.toleranceMinutes ?? DEFAULT_KPI_OPTIONS.berthOnArrivalToleranceMinutes,
      scheduleWindowHours: q.scheduleWindowHours ?? DEFAULT_KPI_OPTIONS.scheduleWindowHours,
    };
    const calls = await kpiCalls(db, who, { from: q.from, to: q.to, terminal: q.terminal, service: q.service });
    await auditRead(ctx.db, who, 'statistics', request, { calls: calls.length });
    return {
      from: q.from, to: q.to, groupBy: q.groupBy ?? null,
      parameters: { ...options, mainlineMinTeu: MAINLINE_MIN_TEU },
      groups: groupKpis(calls, q.groupBy, options),
    };
  });

  r.get('/v1/port-calls/:portCallID', {
    schema: { tags, summary: 'A port call: the latest timestamp of each type and the whole exchange, newest first', params: Type.Object({ portCallID: Type.String({ maxLength: 100 }) }), response: { 200: PortCallDetailSchema } },
  }, async (request) => {
    const who = requirePrincipal(request);
    const call = await findCall(db, who, request.params.portCallID);
    if (!call) throw refuse('not-found', '/params/portCallID', 'portcall.callNotFound', { portCallID: request.params.portCallID }, `port call ${request.params.portCallID} not found`, `port call ${request.params.portCallID} not found`);
    const [timestamps, vessel] = await Promise.all([callTimestamps(db, call.id), getVessel(db, call.vessel_imo_number)]);
    await auditRead(ctx.db, who, 'read', request, { portCallIds: [call.id] });
    const latest = new Map<string, StoredTimestamp>();
    for (const t of timestamps) latest.set(t.definition, t);
    return {
      ...presentCall(call, vessel?.name ?? null),
      latestTimestamps: [...latest.values()].sort((a, b) => a.seq - b.seq).map((t) => presentTimestamp(t, call)),
      history: timestamps.reverse().map((t) => presentTimestamp(t, call)),
    };
  });

  r.patch('/v1/port-calls/:portCallID', {
    schema: {
      tags, summary: 'Change a port call: the terminal its berth, cranes and actual moves; the carrier its service and voyages',
      params: Type.Object({ portCallID: Type.String({ maxLength: 100 }) }), body: PortCallChangesBody, response: { 200: PortCallSchema },
    },
  }, async (request) => {
    const who = requirePrincipal(request);
    const call = await updatePortCall(ctx.commands, who, request.params.portCallID, request.body, nowIso());
    return presentCall(call);
  });
}
