// The terminal planner's berth plans. A proposal is computed and stored (nothing about the calls
// changes); the planner may pin ships to a berth and start (a drag on the Gantt) and the optimiser
// places the others around them; accepting a proposal applies it in one transaction
// (berthPlanCommands.ts); a new ETA that breaks the accepted plan marks it stale, and a re-plan
// proposes again over the same window with the same minimal-disruption rules.
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { Type, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { requirePrincipal, type Principal } from '../../../core/auth.js';
import type { AppContext } from '../../../core/context.js';
import { invalid } from '../../../core/errors.js';
import { invalidCoded, refuse } from '../problems.js';
import { validateDateTime } from '../../../standards/index.js';
import { DEFAULT_MOVES_PER_CRANE_HOUR, type BerthPin } from './berthplan.js';
import { BerthPlanPool } from './berthplanPool.js';
import { acceptPlan, discardPlan, planNotFound } from './berthPlanCommands.js';
import { currentPlan, DEFAULT_ETA_TOLERANCE_MINUTES, getPlan, insertPlan, presentPlan, type PlanParameters } from './berthPlanStore.js';
import { pc, type PcDb } from '../schema.js';
import { NoContent } from '../../../core/schemas.js';
import { BerthPlanAcceptanceSchema, BerthPlanSchema, TERMINAL_CODE } from '../schemas.js';
import { getTerminal, listBerths, terminalCallsInWindow } from '../calls/store.js';

const tags = ['Berth planning'];
const MAX_WINDOW_DAYS = 14;
const Strict = { additionalProperties: false };
const Params = Type.Object({ terminalCode: Type.String({ pattern: TERMINAL_CODE }) });

const PlanParams = Type.Object({ terminalCode: Type.String({ pattern: TERMINAL_CODE }), planId: Type.String({ minLength: 1, maxLength: 64 }) });
const PlanBody = {
  freezeHours: Type.Optional(Type.Number({ minimum: 0, maximum: 72, description: 'ships alongside or due within this many hours keep their berth (default 2)' })),
  movesPerCraneHour: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 80 })),
  timeLimitSeconds: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 30 })),
  etaToleranceMinutes: Type.Optional(Type.Number({ minimum: 0, maximum: 1440, description: `once accepted, the plan is stale when a call's ETA moves more than this (default ${DEFAULT_ETA_TOLERANCE_MINUTES})` })),
};

export async function berthPlanRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const db = pc(ctx.db);
  // The solve takes up to 30 s of CPU: on worker threads, so the server keeps answering (berthplanPool.ts).
  const planner = new BerthPlanPool();
  app.addHook('onClose', () => planner.close());

  /** Only the terminal's operator plans its berths (a plan holds the calls of many carriers). */
  const operatorOf = async (who: Principal, code: string) => {
    const terminal = await getTerminal(db, code);
    if (!terminal) throw refuse('not-found', '/params/terminalCode', 'portcall.terminalNotFound', { terminal: code }, `terminal ${code} not found`, `terminal ${code} not found`);
    if (terminal.operator_party_id !== who.partyId) {
      const detail = `only the operator of terminal ${code} plans its berths`;
      throw refuse('forbidden', '/params/terminalCode', 'berthPlan.notOperator', { terminal: code }, detail, detail);
    }
    return terminal;
  };
  const time = (value: string, pointer: string) => {
    const v = validateDateTime(value);
    if (!v.ok) throw invalid(pointer, v.rule, v.message);
    return v.value.epochMs;
  };

  /** Plans the window, checks it, and stores it as a proposal. */
  async function propose(who: Principal, terminalCode: string, from: number, to: number, parameters: PlanParameters, pins: BerthPin[], basedOn: string | null) {
    const calls = await terminalCallsInWindow(db, terminalCode, { from: new Date(from).toISOString(), to: new Date(to).toISOString() });
    const berths = await listBerths(db, terminalCode);
    if (!berths.length) throw invalidCoded('/params/terminalCode', 'berths', { terminal: terminalCode }, `terminal ${terminalCode} has no berths registered`);
    const plan = await planner.plan(calls, berths, {
      originMs: from, nowMs: Date.now(), freezeHours: parameters.freezeHours, movesPerCraneHour: parameters.movesPerCraneHour,
      timeLimitSeconds: parameters.timeLimitSeconds, seed: 1, pins,
    });
    // A proposal with pins the checker refuses is the planner's impossible wish: say why, keep nothing.
    if (pins.length && !plan.feasible) throw invalidCoded('/body/pins', 'berthPlan.infeasible_pins', { violations: (plan.violationItems ?? []).slice(0, 3) }, `with these pins the plan breaks: ${plan.violations.slice(0, 3).join('; ')}`);
    const row = await db.transaction().execute((tx) => insertPlan(tx as unknown as PcDb, {
      id: randomUUID(), terminal_code: terminalCode, status: 'PROPOSED', created_by_party_id: who.partyId, created_at: new Date().toISOString(),
      window_from: new Date(from).toISOString(), window_to: new Date(to).toISOString(), parameters: JSON.stringify(parameters),
      based_on_plan_id: basedOn, objective_minutes: plan.objectiveMinutes, body: JSON.stringify(plan),
    }, plan));
    return presentPlan(row);
  }

  r.post('/v1/terminals/:terminalCode/berth-plans', {
    schema: {
      tags, summary: 'Propose a berth plan for the calls expected in a window (stored as a proposal; no call changes until it is accepted)',
      description: 'Calls alongside, or due within freezeHours and already given a berth, keep their berth (re-planning with minimal disruption). `pins` fix ships to a berth and start (the planner’s drag on the Gantt): the others are re-optimised around them, and a pin the checker refuses (berth too short or shallow, start before the ship’s ETA or the window, overlapping pins, a ship alongside moved) is a 400 naming the pin and the rule. Each planned call says why this berth and why this wait.',
      params: Params,
      body: Type.Object({
        from: Type.String({ description: 'ISO 8601 with offset' }),
        to: Type.String({ description: `ISO 8601 with offset; at most ${MAX_WINDOW_DAYS} days after from` }),
        ...PlanBody,
        pins: Type.Optional(Type.Array(Type.Object({
          portCallID: Type.String({ minLength: 1, maxLength: 100 }),
          berthId: Type.String({ minLength: 1, maxLength: 20 }),
          start: Type.String({ description: 'ISO 8601 with offset: the planned berth arrival' }),
        }, Strict), { maxItems: 50 })),
        basedOnPlanId: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'the plan this proposal changes (shown to the planner; not enforced)' })),
      }, Strict),
      response: { 201: BerthPlanSchema },
    },
  }, async (request, reply) => {
    const who = requirePrincipal(request);
    const { terminalCode } = request.params;
    await operatorOf(who, terminalCode);
    const body = request.body;
    const from = time(body.from, '/body/from');
    const to = time(body.to, '/body/to');
    if (to <= from) throw invalid('/body/to', 'after', 'to must lie after from');
    if (to - from > MAX_WINDOW_DAYS * 86_400_000) throw invalidCoded('/body/to', 'window', { days: MAX_WINDOW_DAYS }, `a plan covers at most ${MAX_WINDOW_DAYS} days`);
    const pins = (body.pins ?? []).map((p, i) => ({ portCallID: p.portCallID, berthId: p.berthId, startMs: time(p.start, `/body/pins/${i}/start`) }));
    if (body.basedOnPlanId !== undefined && !(await getPlan(db, terminalCode, body.basedOnPlanId))) {
      throw invalidCoded('/body/basedOnPlanId', 'berthPlan.unknownPlan', { planId: body.basedOnPlanId }, `terminal ${terminalCode} has no berth plan ${body.basedOnPlanId}`);
    }
    const parameters: PlanParameters = {
      freezeHours: body.freezeHours ?? 2, movesPerCraneHour: body.movesPerCraneHour ?? DEFAULT_MOVES_PER_CRANE_HOUR,
      timeLimitSeconds: body.timeLimitSeconds ?? 2, etaToleranceMinutes: body.etaToleranceMinutes ?? DEFAULT_ETA_TOLERANCE_MINUTES,
      pins: pins.map((p) => ({ portCallID: p.portCallID, berthId: p.berthId, start: new Date(p.startMs).toISOString() })),
    };
    const plan = await propose(who, terminalCode, from, to, parameters, pins, body.basedOnPlanId ?? null);
    return reply.code(201).header('location', `/v1/terminals/${terminalCode}/berth-plans/${plan.id}`).send(plan);
  });

  r.get('/v1/terminals/:terminalCode/berth-plans/current', {
    schema: { tags, summary: 'The terminal’s accepted berth plan, with `stale` and the reasons (which call, old and new ETA); 404 when none', params: Params, response: { 200: BerthPlanSchema } },
  }, async (request) => {
    const who = requirePrincipal(request);
    await operatorOf(who, request.params.terminalCode);
    const plan = await currentPlan(db, request.params.terminalCode);
    if (!plan) {
      const detail = `an accepted berth plan of terminal ${request.params.terminalCode} not found`;
      throw refuse('not-found', '/params/terminalCode', 'berthPlan.noCurrentPlan', { terminal: request.params.terminalCode }, detail, detail);
    }
    return presentPlan(plan);
  });

  r.get('/v1/terminals/:terminalCode/berth-plans/:planId', {
    schema: { tags, summary: 'One berth plan (proposed, accepted, superseded or discarded)', params: PlanParams, response: { 200: BerthPlanSchema } },
  }, async (request) => {
    const who = requirePrincipal(request);
    await operatorOf(who, request.params.terminalCode);
    const plan = await getPlan(db, request.params.terminalCode, request.params.planId);
    if (!plan) throw planNotFound(request.params.planId, request.params.terminalCode);
    return presentPlan(plan);
  });

  r.post('/v1/terminals/:terminalCode/berth-plans/:planId/accept', {
    schema: {
      tags, summary: 'Accept a proposal: all its berths and PTA-/PTD-Berth (PLN) timestamps in one transaction; idempotent',
      description: 'All or nothing: a call that no longer allows the plan (departed, omitted, alongside elsewhere, no longer fits its berth, ETA moved beyond the plan’s tolerance) rejects the whole accept with a 409 problem naming each such call (`/calls/{i}` of the plan) and the rule. Accepting again answers the first result. The terminal’s previously accepted plan is superseded.',
      params: PlanParams,
      response: { 200: BerthPlanAcceptanceSchema },
    },
  }, async (request) => {
    const who = requirePrincipal(request);
    const { terminalCode, planId } = request.params;
    await operatorOf(who, terminalCode);
    return acceptPlan(ctx.commands, who, terminalCode, planId);
  });

  r.delete('/v1/terminals/:terminalCode/berth-plans/:planId', {
    schema: { tags, summary: 'Discard a proposal', params: PlanParams, response: NoContent },
  }, async (request, reply) => {
    const who = requirePrincipal(request);
    const { terminalCode, planId } = request.params;
    await operatorOf(who, terminalCode);
    await discardPlan(db, who, terminalCode, planId);
    return reply.code(204).send();
  });

  r.post('/v1/terminals/:terminalCode/berth-plans/:planId/replan', {
    schema: {
      tags, summary: 'Re-plan: a new proposal over the plan’s window with its parameters (ships alongside or due within freezeHours keep their berth)',
      description: 'Meant for a stale accepted plan; the answer is a proposal to accept or discard. Without from/to, a window that has passed moves to start now.',
      params: PlanParams,
      // The body is optional (a bare POST re-plans the plan's own window), which a body schema
      // cannot say: it is checked below.
      body: Type.Any({ description: 'optional: {from?, to?, timeLimitSeconds?}; from/to ISO 8601 with offset, another window than the plan’s' }),
      response: { 201: BerthPlanSchema },
    },
  }, async (request, reply) => {
    const who = requirePrincipal(request);
    const { terminalCode, planId } = request.params;
    await operatorOf(who, terminalCode);
    const base = await getPlan(db, terminalCode, planId);
    if (!base) throw planNotFound(planId, terminalCode);
    const stored = JSON.parse(base.parameters) as PlanParameters;
    // Pins were the planner's choices under the old ETAs; a re-plan starts without them.
    const parameters: PlanParameters = { ...stored, etaToleranceMinutes: stored.etaToleranceMinutes ?? DEFAULT_ETA_TOLERANCE_MINUTES, pins: [] };
    const body = replanBody(request.body);
    if (body.timeLimitSeconds !== undefined) parameters.timeLimitSeconds = body.timeLimitSeconds;
    let from = Date.parse(base.window_from), to = Date.parse(base.window_to);
    const now = Date.now();
    if (body.from !== undefined || body.to !== undefined) {
      if (body.from !== undefined) from = time(body.from, '/body/from');
      if (body.to !== undefined) to = time(body.to, '/body/to');
      if (to <= from) throw invalid('/body/to', 'after', 'to must lie after from');
      if (to - from > MAX_WINDOW_DAYS * 86_400_000) throw invalidCoded('/body/to', 'window', { days: MAX_WINDOW_DAYS }, `a plan covers at most ${MAX_WINDOW_DAYS} days`);
    } else if (to <= now) [from, to] = [Math.floor(now / 3600_000) * 3600_000, Math.floor(now / 3600_000) * 3600_000 + (to - from)];
    const plan = await propose(who, terminalCode, from, to, parameters, [], base.id);
    return reply.code(201).header('location', `/v1/terminals/${terminalCode}/berth-plans/${plan.id}`).send(plan);
  });
}

/** The optional body of a re-plan: nothing, or `{from?, to?, timeLimitSeconds?}`. */
function replanBody(raw: unknown): { from?: string; to?: string; timeLimitSeconds?: number } {
  if (raw === undefined || raw === null) return {};
  if (typeof raw !== 'object' || Array.isArray(raw)) throw invalid('/body', 'type', 'the body, when sent, is an object {from?, to?, timeLimitSeconds?}');
  const body = raw as Record<string, unknown>;
  const extra = Object.keys(body).find((k) => !['from', 'to', 'timeLimitSeconds'].includes(k));
  if (extra) throw invalid(`/body/${extra}`, 'additionalProperties', `unknown field ${extra}`);
  for (const k of ['from', 'to'] as const) if (body[k] !== undefined && typeof body[k] !== 'string') throw invalid(`/body/${k}`, 'type', `${k} must be an ISO 8601 date-time string`);
  const limit = body.timeLimitSeconds;
  if (limit !== undefined && (typeof limit !== 'number' || !(limit > 0) || limit > 30)) throw invalid('/body/timeLimitSeconds', 'range', 'timeLimitSeconds must be a number above 0 and at most 30');
  return body as { from?: string; to?: string; timeLimitSeconds?: number };
}
