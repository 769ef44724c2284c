// The terminal planner's berth plans: propose a plan for a window (nothing is written), then
// accept it — each accepted call gets its berth and a PTA-Berth (PLN) timestamp sent in the
// terminal's name, as if the planner had sent them one by one.
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { Type, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { requirePrincipal, type Principal } from '../../core/auth.js';
import { audit } from '../../core/audit.js';
import type { AppContext } from '../../core/context.js';
import { forbidden, invalid, notFound } from '../../core/errors.js';
import { nowIso } from '../../core/time.js';
import { validateDateTime } from '../../standards/index.js';
import { DEFAULT_MOVES_PER_CRANE_HOUR, planBerths } from './berthplan.js';
import { updatePortCall } from './commands.js';
import { publishEvents } from './publish.js';
import { pc } from './schema.js';
import { TERMINAL_CODE } from './schemas.js';
import { getTerminal, listBerths, terminalCallsInWindow } from './store.js';

const tags = ['Berth planning'];
const MAX_WINDOW_DAYS = 14;
const Strict = { additionalProperties: false };
const Params = Type.Object({ terminalCode: Type.String({ pattern: TERMINAL_CODE }) });

export async function berthPlanRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const db = pc(ctx.db);

  /** Only the terminal's operator plans its berths. */
  const operatorOf = async (who: Principal, code: string) => {
    const terminal = await getTerminal(db, code);
    if (!terminal) throw notFound(`terminal ${code}`);
    if (terminal.operator_party_id !== who.partyId) throw forbidden(`only the operator of terminal ${code} plans its berths`);
    return terminal;
  };
  const time = (value: string, pointer: string) => {
    const v = validateDateTime(value);
    if (!v.ok) throw invalid(pointer, v.rule, v.message);
    return v.value.epochMs;
  };

  r.post('/v1/terminals/:terminalCode/berth-plans', {
    schema: {
      tags, summary: 'Propose a berth plan for the calls expected in a window (nothing is written)',
      description: 'Calls alongside, or due within freezeHours and already given a berth, keep their berth (re-planning with minimal disruption). Each planned call says why this berth and why this wait.',
      params: Params,
      body: Type.Object({
        from: Type.String({ description: 'ISO 8601 with offset' }),
        to: Type.String({ description: `ISO 8601 with offset; at most ${MAX_WINDOW_DAYS} days after from` }),
        freezeHours: Type.Optional(Type.Number({ minimum: 0, maximum: 72 })),
        movesPerCraneHour: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 80 })),
        timeLimitSeconds: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 30 })),
      }, Strict),
    },
  }, async (request) => {
    const who = requirePrincipal(request);
    const { terminalCode } = request.params;
    await operatorOf(who, terminalCode);
    const from = time(request.body.from, '/body/from');
    const to = time(request.body.to, '/body/to');
    if (to <= from) throw invalid('/body/to', 'after', 'to must lie after from');
    if (to - from > MAX_WINDOW_DAYS * 86_400_000) throw invalid('/body/to', 'window', `a plan covers at most ${MAX_WINDOW_DAYS} days`);
    const calls = await terminalCallsInWindow(db, terminalCode, { from: request.body.from, to: request.body.to });
    const berths = await listBerths(db, terminalCode);
    if (!berths.length) throw invalid('/params/terminalCode', 'berths', `terminal ${terminalCode} has no berths registered`);
    const plan = planBerths(calls, berths, {
      originMs: from, nowMs: Date.now(), freezeHours: request.body.freezeHours ?? 2,
      movesPerCraneHour: request.body.movesPerCraneHour ?? DEFAULT_MOVES_PER_CRANE_HOUR,
      timeLimitSeconds: request.body.timeLimitSeconds ?? 2, seed: 1,
    });
    return { terminalCode, from: new Date(from).toISOString(), to: new Date(to).toISOString(), ...plan };
  });

  r.post('/v1/terminals/:terminalCode/berth-plans/accept', {
    schema: {
      tags, summary: 'Accept a plan: each call gets its berth and a PTA-Berth (PLN) in the terminal’s name',
      params: Params,
      body: Type.Object({
        calls: Type.Array(Type.Object({
          portCallID: Type.String({ minLength: 1, maxLength: 100 }),
          berthId: Type.String({ minLength: 1, maxLength: 20 }),
          plannedBerthArrival: Type.String(),
        }, Strict), { minItems: 1, maxItems: 500 }),
      }, Strict),
    },
  }, async (request) => {
    const who = requirePrincipal(request);
    const { terminalCode } = request.params;
    await operatorOf(who, terminalCode);
    request.body.calls.forEach((c, i) => time(c.plannedBerthArrival, `/body/calls/${i}/plannedBerthArrival`));
    const now = nowIso();
    for (const [i, c] of request.body.calls.entries()) {
      try {
        await updatePortCall(db, who, c.portCallID, { berthId: c.berthId }, now);
      } catch (e) {
        (e as Error).message = `/body/calls/${i}: ${(e as Error).message}`;
        throw e;
      }
    }
    const events = request.body.calls.map((c) => ({
      eventID: randomUUID(), terminalCall: { terminalCallID: c.portCallID },
      portCallService: { portCallServiceTypeCode: 'BERTH', portCallServiceEventTypeCode: 'ARRI', portCallPhaseTypeCode: 'INBD' },
      timestamp: { classifierCode: 'PLN', serviceDateTime: c.plannedBerthArrival, remark: 'berth plan accepted' },
    }));
    const { results } = await publishEvents(db, ctx.dialect, who, events, (i) => `/body/calls/${i}`);
    await audit(ctx.db, who, { action: 'berthplan.accept', resource: `terminal:${terminalCode}`, detail: { calls: request.body.calls.length } });
    return { accepted: results.filter((x) => x.result !== 'rejected').length, results };
  });
}
