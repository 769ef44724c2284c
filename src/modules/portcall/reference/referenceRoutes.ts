// Reference data of the port: vessels, terminals, their berths and the port locations (anchorages,
// pilot boarding place). Written by the admin — a terminal's operating party maintains its own
// berths — with PUT on the business key (idempotent: 201 created, 200 updated or unchanged);
// read by any authenticated party.
import type { FastifyInstance } from 'fastify';
import { Type, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { requirePrincipal, requireRole } from '../../../core/auth.js';
import type { AppContext } from '../../../core/context.js';
import { invalid, notFound } from '../../../core/errors.js';
import { nowIso } from '../../../core/time.js';
import { validateImoNumber, validateMmsi, validateUnLocode, type ValidationResult } from '../../../standards/index.js';
import { putBerth, putLocation, putTerminal, putVessel } from '../calls/commands.js';
import { pc } from '../schema.js';
import {
  BERTH_ID, BerthBody, BerthSchema, LOCATION_CODE, LocationBody, PortLocationSchema, TERMINAL_CODE, TerminalBody, TerminalSchema, TerminalWithBerthsSchema, VesselBody, VesselSchema,
} from '../schemas.js';
import {
  getBerth, getTerminal, getVessel, listBerths, listLocations, listTerminals, listVessels,
  presentBerth, presentLocation, presentTerminal, presentVessel, type UpsertResult,
} from '../calls/store.js';

const tags = ['Port reference data'];
const status = (r: UpsertResult) => (r === 'created' ? 201 : 200);

/** Runs a standards validator on a request field; returns the canonical value or throws a 400 naming it. */
function checked<T>(pointer: string, value: string, check: (v: string) => ValidationResult<T>): T {
  const r = check(value);
  if (!r.ok) throw invalid(pointer, r.rule, r.message);
  return r.value;
}
const imoOf = (value: string, pointer = '/params/imoNumber') => checked(pointer, value, validateImoNumber);

export async function referenceRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const db = pc(ctx.db);

  // ---- vessels ---------------------------------------------------------------------------------
  r.put('/v1/vessels/:imoNumber', {
    schema: { tags, summary: 'Register or update a vessel by its IMO number (admin)', params: Type.Object({ imoNumber: Type.String() }), body: VesselBody, response: { 200: VesselSchema, 201: VesselSchema } },
  }, async (request, reply) => {
    const who = requireRole(request, 'admin');
    const imo = imoOf(request.params.imoNumber);
    const b = request.body;
    if (b.mmsi !== undefined) checked('/body/mmsi', b.mmsi, validateMmsi);
    const { result, row } = await putVessel(ctx.commands, who, {
      imo_number: imo, mmsi: b.mmsi ?? null, call_sign: b.callSign ?? null, name: b.name, vessel_type_code: b.vesselTypeCode ?? null,
      length_overall_m: b.lengthOverallM, beam_m: b.beamM, max_draught_m: b.maxDraughtM, deadweight_tonnes: b.deadweightTonnes ?? null, teu_capacity: b.teuCapacity ?? null,
    }, nowIso());
    return reply.code(status(result)).send(presentVessel(row));
  });

  r.get('/v1/vessels', { schema: { tags, summary: 'Registered vessels', response: { 200: Type.Array(VesselSchema) } } }, async (request) => {
    requirePrincipal(request);
    return (await listVessels(db)).map(presentVessel);
  });

  r.get('/v1/vessels/:imoNumber', { schema: { tags, summary: 'One vessel', params: Type.Object({ imoNumber: Type.String() }), response: { 200: VesselSchema } } }, async (request) => {
    requirePrincipal(request);
    const vessel = await getVessel(db, imoOf(request.params.imoNumber));
    if (!vessel) throw notFound(`vessel ${request.params.imoNumber}`);
    return presentVessel(vessel);
  });

  // ---- terminals and berths ----------------------------------------------------------------------
  const TerminalParams = Type.Object({ terminalCode: Type.String({ pattern: TERMINAL_CODE }) });
  const BerthParams = Type.Object({ terminalCode: Type.String({ pattern: TERMINAL_CODE }), berthId: Type.String({ pattern: BERTH_ID }) });

  r.put('/v1/terminals/:terminalCode', {
    schema: { tags, summary: 'Register or update a terminal by its code (admin)', params: TerminalParams, body: TerminalBody, response: { 200: TerminalSchema, 201: TerminalSchema } },
  }, async (request, reply) => {
    const who = requireRole(request, 'admin');
    const b = request.body;
    const { result, row } = await putTerminal(ctx.commands, who, {
      code: request.params.terminalCode, name: b.name, un_location_code: checked('/body/UNLocationCode', b.UNLocationCode, validateUnLocode),
      operator_party_id: b.operatorPartyId,
    }, nowIso());
    return reply.code(status(result)).send(presentTerminal(row));
  });

  r.get('/v1/terminals', { schema: { tags, summary: 'Terminals', response: { 200: Type.Array(TerminalSchema) } } }, async (request) => {
    requirePrincipal(request);
    return (await listTerminals(db)).map(presentTerminal);
  });

  r.get('/v1/terminals/:terminalCode', { schema: { tags, summary: 'A terminal and its berths', params: TerminalParams, response: { 200: TerminalWithBerthsSchema } } }, async (request) => {
    requirePrincipal(request);
    const terminal = await getTerminal(db, request.params.terminalCode);
    if (!terminal) throw notFound(`terminal ${request.params.terminalCode}`);
    return { ...presentTerminal(terminal), berths: (await listBerths(db, terminal.code)).map(presentBerth) };
  });

  r.put('/v1/terminals/:terminalCode/berths/:berthId', {
    schema: { tags, summary: 'Register or update a berth (admin, or the terminal’s operating party)', params: BerthParams, body: BerthBody, response: { 200: BerthSchema, 201: BerthSchema } },
  }, async (request, reply) => {
    const who = requirePrincipal(request);
    const b = request.body;
    if (b.maxLoaM > b.lengthM) throw invalid('/body/maxLoaM', 'portcall.berthLength', 'the longest vessel a berth takes cannot exceed its length');
    const { result, row } = await putBerth(ctx.commands, who, {
      terminal_code: request.params.terminalCode, berth_id: request.params.berthId, name: b.name, length_m: b.lengthM, depth_m: b.depthM,
      crane_count: b.craneCount, max_loa_m: b.maxLoaM,
    }, nowIso());
    return reply.code(status(result)).send(presentBerth(row));
  });

  r.get('/v1/terminals/:terminalCode/berths', { schema: { tags, summary: 'Berths of a terminal', params: TerminalParams, response: { 200: Type.Array(BerthSchema) } } }, async (request) => {
    requirePrincipal(request);
    if (!(await getTerminal(db, request.params.terminalCode))) throw notFound(`terminal ${request.params.terminalCode}`);
    return (await listBerths(db, request.params.terminalCode)).map(presentBerth);
  });

  r.get('/v1/terminals/:terminalCode/berths/:berthId', { schema: { tags, summary: 'One berth', params: BerthParams, response: { 200: BerthSchema } } }, async (request) => {
    requirePrincipal(request);
    const berth = await getBerth(db, request.params.terminalCode, request.params.berthId);
    if (!berth) throw notFound(`berth ${request.params.terminalCode}/${request.params.berthId}`);
    return presentBerth(berth);
  });

  // ---- port locations ----------------------------------------------------------------------------
  r.put('/v1/port-locations/:code', {
    schema: { tags, summary: 'Register or update an anchorage or the pilot boarding place (admin)', params: Type.Object({ code: Type.String({ pattern: LOCATION_CODE }) }), body: LocationBody, response: { 200: PortLocationSchema, 201: PortLocationSchema } },
  }, async (request, reply) => {
    const who = requireRole(request, 'admin');
    const b = request.body;
    const { result, row } = await putLocation(ctx.commands, who, {
      code: request.params.code, kind: b.kind, name: b.name, un_location_code: checked('/body/UNLocationCode', b.UNLocationCode, validateUnLocode),
      latitude: b.latitude, longitude: b.longitude,
    }, nowIso());
    return reply.code(status(result)).send(presentLocation(row));
  });

  r.get('/v1/port-locations', { schema: { tags, summary: 'Anchorages and pilot boarding places', response: { 200: Type.Array(PortLocationSchema) } } }, async (request) => {
    requirePrincipal(request);
    return (await listLocations(db)).map(presentLocation);
  });
}
