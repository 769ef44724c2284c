// Receiving DCSA Port Call events (POST /port-call/v2/events): each item is judged on its own, in
// the order sent, inside one transaction with the batch's audit record; a rejected item writes
// nothing. Idempotent on eventID like the tracking event store: the same content again is a
// duplicate, other content under a known eventID a conflict. A command (core/commands.ts): the
// timestamps, the calls' projection, the audit record, the facts of berth arrivals and departures
// (and what other modules do with them) and the outbox rows of the `portcall.timestamp` topic
// commit together.
import { sql } from 'kysely';
import type { Principal } from '../../../core/auth.js';
import { audit } from '../../../core/audit.js';
import type { CommandScope, Commands } from '../../../core/commands.js';
import type { Dialect } from '../../../core/db.js';
import { problem, type FieldError, type Problem, type ProblemKind } from '../../../core/errors.js';
import { coded, type ProblemRule } from '../problems.js';
import { sidesOf } from '../access.js';
import { definitionById } from './definitions.js';
import { validatePortCallEvent, type CallField, type PortCallEvent } from './model.js';
import { checkActualOrder, factOf, project, type TimestampFact } from './projection.js';
import { MOVES_SENDERS, roleExplanation, senderSides } from './roles.js';
import { core, type PcTx, type PortcallTables, type PortCallRow } from '../schema.js';
import { refreshPlanStaleness } from '../berthplan/berthPlanStore.js';
import { berthMovement, isBerthMovement } from './spine.js';
import { TIMESTAMP_TOPIC } from './topic.js';
import { callsOfSender, callTimestamps, getVessel, insertTimestamp, timestampByEventId, toFact, type Call, type StoredTimestamp } from '../calls/store.js';

export const MAX_EVENTS_PER_REQUEST = 500;
// Port call writers take turns on PostgreSQL, so the order rules of actuals see every earlier
// commit and two retries of one eventID cannot both insert. (SQLite has one writer anyway.)
const PG_PORTCALL_LOCK = 44_021_908;
/** The timestamps whose change may make an accepted berth plan stale. */
const STALENESS_TRIGGERS = new Set(['ETA-Berth', 'ETA-PBP']);

export interface ItemResult {
  eventID: string | null;
  result: 'created' | 'duplicate' | 'rejected';
  portCallID?: string;
  timestampDefinition?: string;
  problem?: Problem;
}

interface CallState { call: Call; facts: TimestampFact[]; changed: boolean }

class Rejection {
  constructor(readonly kind: ProblemKind, readonly errors: FieldError[]) {}
}
const reject = <R extends ProblemRule>(kind: ProblemKind, pointer: string, rule: R, params: Parameters<typeof coded<R>>[2], detail: string) => new Rejection(kind, [coded(pointer, rule, params, detail)]);

const CALL_COLUMN: Record<CallField, keyof PortCallRow> = {
  UNLocationCode: 'un_location_code', vesselIMONumber: 'vessel_imo_number', carrierServiceCode: 'carrier_service_code',
  importVoyageNumber: 'import_voyage_number', exportVoyageNumber: 'export_voyage_number',
};

/** Validates and stores the events of one request, as one command. Returns a result per item, in order. */
export async function publishEvents(commands: Commands, who: Principal, items: unknown[], at: (i: number) => string, now = new Date()) {
  return commands.run(who, (scope) => publishEventsIn(scope, who, items, at, now));
}

/** Takes the port call writers' turn (PostgreSQL); taking it again in the same transaction is free. */
export async function portCallWriterTurn(tx: PcTx, dialect: Dialect): Promise<void> {
  if (dialect === 'postgres') await sql`select pg_advisory_xact_lock(${PG_PORTCALL_LOCK})`.execute(tx);
}

/**
 * `publishEvents` inside the caller's transaction, so that a command (accepting a berth plan)
 * commits its other writes and these timestamps together or not at all.
 */
export async function publishEventsIn(scope: CommandScope, who: Principal, items: unknown[], at: (i: number) => string, now = new Date()) {
  const tx: PcTx = scope.tx.withTables<PortcallTables>();
  const checked = items.map((raw, i) => validatePortCallEvent(raw, at(i), now));
  await portCallWriterTurn(tx, scope.dialect);
  const calls = new Map<string, CallState>();
  const results: ItemResult[] = [];
  for (const [i, c] of checked.entries()) {
    const raw = items[i] as { eventID?: unknown } | null;
    const eventID = typeof raw?.eventID === 'string' ? raw.eventID : null;
    const outcome = c.ok ? await accept(tx, scope, who, c.event, at(i), now, calls) : new Rejection('validation', c.errors);
    if (outcome instanceof Rejection) {
      const first = outcome.errors[0];
      results.push({ eventID, result: 'rejected', problem: problem(outcome.kind, `${first.pointer}: ${first.detail}`, outcome.errors) });
    } else results.push({ eventID, ...outcome });
  }
  for (const state of calls.values()) {
    if (!state.changed) continue;
    const projection = project(state.facts);
    await tx.updateTable('pc_port_calls').set({ ...projection, updated_at: now.toISOString() }).where('id', '=', state.call.id).execute();
    // A new ETA-Berth or ETA at the pilot boarding place, or the carrier omitting the call (or
    // taking that back), may break the accepted berth plan the call is in (or mend it again).
    const omission = (state.call.status === 'OMITTED') !== (projection.status === 'OMITTED');
    if (omission || results.some((r) => r.result === 'created' && r.portCallID === state.call.id && STALENESS_TRIGGERS.has(r.timestampDefinition!))) {
      const etaPbp = state.facts.filter((f) => f.definition === 'ETA-PBP').at(-1)?.serviceDateTime ?? null;
      await refreshPlanStaleness(tx, state.call.id, { status: projection.status, etaBerth: projection.eta_berth, etaPbp }, now.toISOString());
    }
  }
  const created = results.filter((r) => r.result === 'created');
  if (created.length) {
    await audit(core(tx), who, {
      action: 'portcall.events.publish',
      detail: { created: created.length, duplicates: results.filter((r) => r.result === 'duplicate').length, rejected: results.filter((r) => r.result === 'rejected').length, portCallIds: [...new Set(created.map((r) => r.portCallID))] },
    });
  }
  return { results };
}

async function accept(tx: PcTx, scope: CommandScope, who: Principal, e: PortCallEvent, at: string, now: Date, calls: Map<string, CallState>): Promise<Omit<ItemResult, 'eventID'> | Rejection> {
  if (!who.roles.includes('carrier') && !who.roles.includes('terminal')) {
    return reject('forbidden', `${at}/terminalCall`, 'portcall.senderRole_party', {}, 'port call events are sent by the carrier or the terminal of the call');
  }
  // 1. The call, among the sender's own: another party's call is "not found", never a hint.
  const namePointer = `${at}/terminalCall/${e.call.id !== null ? 'terminalCallID' : 'terminalCallReference'}`;
  const found = await callsOfSender(tx, who.partyId, e.call);
  if (!found.length) return reject('not-found', namePointer, 'portcall.unknownCall', {}, 'no port call of yours has this identifier');
  if (found.length > 1) return reject('conflict', namePointer, 'portcall.ambiguousReference', {}, 'several of your port calls have this reference; name the call by terminalCall.terminalCallID');
  const call = found[0];
  if (e.call.id !== null && e.call.reference !== null && e.call.reference !== call.terminal_call_reference) {
    return reject('validation', `${at}/terminalCall/terminalCallReference`, 'portcall.callMismatch', { value: call.terminal_call_reference }, `port call ${call.id} has the reference ${call.terminal_call_reference}`);
  }
  const mismatches = e.claims.filter((cl) => cl.value !== call[CALL_COLUMN[cl.field]])
    .map((cl) => coded(cl.pointer, 'portcall.callMismatch', { value: String(call[CALL_COLUMN[cl.field]]) }, `the port call has ${cl.field} ${String(call[CALL_COLUMN[cl.field]])}`));
  if (mismatches.length) return new Rejection('validation', mismatches);

  // 2. The sender's side of the call may send this timestamp (roles.ts).
  const definition = definitionById(e.definition);
  const allowed = definition ? senderSides(definition) : MOVES_SENDERS;
  if (!sidesOf(who.partyId, call).some((s) => allowed.includes(s))) {
    return reject('forbidden', `${at}/timestamp/classifierCode`, 'portcall.senderRole', { timestamp: definition!.id, sides: senderSides(definition!).join(', ') }, roleExplanation(definition!));
  }

  // 3. Idempotency on eventID.
  const state = calls.get(call.id) ?? { call, facts: (await callTimestamps(tx, call.id)).map(toFact), changed: false };
  calls.set(call.id, state);
  const existing = await timestampByEventId(tx, e.eventId);
  if (existing) return repeat(existing, e, at);

  // 4. Rules on the call's history.
  if (e.replyToEventId !== null && !state.facts.some((f) => f.eventId.toLowerCase() === e.replyToEventId!.toLowerCase())) {
    return reject('validation', `${at}/replyToEventID`, 'portcall.replyToUnknown', {}, 'replyToEventID must name an earlier event of the same port call');
  }
  const order = checkActualOrder(state.facts, e, at);
  if (order) return new Rejection('validation', [order]);

  const row: Omit<StoredTimestamp, 'seq'> = {
    event_id: e.eventId, port_call_id: call.id, sender_party_id: who.partyId, definition: e.definition, service_type_code: e.service,
    event_type_code: e.eventType, classifier_code: e.classifier, phase_type_code: e.phase, service_date_time: e.serviceDateTime,
    event_date_time: e.eventDateTime, reply_to_event_id: e.replyToEventId, is_omitted: e.isOmitted === null ? null : Number(e.isOmitted),
    moves_total: e.movesTotal, content_hash: e.contentHash, body: e.body, received_at: now.toISOString(),
  };
  const seq = await insertTimestamp(tx, row);
  if (seq === undefined) return repeat((await timestampByEventId(tx, e.eventId))!, e, at);
  state.facts.push(factOf(e));
  state.changed = true;
  scope.wrote(TIMESTAMP_TOPIC, [seq]);
  const stored = { ...row, seq };
  if (isBerthMovement(stored)) scope.emit(berthMovement(call, stored, (await getVessel(tx, call.vessel_imo_number))?.name ?? null));
  return { result: 'created', portCallID: call.id, timestampDefinition: e.definition };
}

/** An eventID seen before: a duplicate when the content is the same (nothing is written again), else a conflict. */
function repeat(existing: StoredTimestamp, e: PortCallEvent, at: string) {
  if (existing.content_hash !== e.contentHash) return reject('conflict', `${at}/eventID`, 'portcall.eventIdConflict', { eventID: e.eventId }, `eventID ${e.eventId} was already received with other content`);
  return { result: 'duplicate' as const, portCallID: existing.port_call_id, timestampDefinition: existing.definition };
}
