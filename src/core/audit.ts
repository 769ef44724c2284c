// The audit log: who did or read what, when. Written in the same transaction as the action it
// records (for writes) or before the answer leaves (for authority reads).
import { coreOf, type Executor, type ModuleExecutor } from './db.js';
import type { Database } from './tables.js';
import type { Principal } from './auth.js';
import { nowIso } from './time.js';

export interface AuditEntry {
  action: string;
  resource?: string;
  detail?: unknown;
}

/** Writes one entry, or several in one statement (all at the same time, by the same party). */
export async function audit<D extends Database>(moduleDb: ModuleExecutor<D>, who: Pick<Principal, 'partyId' | 'actor'> | null, entry: AuditEntry | AuditEntry[]): Promise<void> {
  const entries = Array.isArray(entry) ? entry : [entry];
  if (!entries.length) return;
  const db = coreOf(moduleDb);
  const at = nowIso();
  await db.insertInto('audit_log').values(entries.map((e) => ({
    at,
    party_id: who?.partyId ?? null,
    actor: who?.actor ?? null,
    action: e.action,
    resource: e.resource ?? null,
    detail: e.detail === undefined ? null : JSON.stringify(e.detail),
  }))).execute();
}

export interface AuditQuery {
  partyId?: string;
  from?: string;
  to?: string;
  action?: string;
  limit: number;
  /** Return entries with an id below this one (newest first paging). */
  before?: number;
}

export async function queryAudit(db: Executor, q: AuditQuery) {
  const rows = await db.selectFrom('audit_log').selectAll()
    .$if(q.partyId !== undefined, (qb) => qb.where('party_id', '=', q.partyId!))
    .$if(q.from !== undefined, (qb) => qb.where('at', '>=', q.from!))
    .$if(q.to !== undefined, (qb) => qb.where('at', '<', q.to!))
    .$if(q.action !== undefined, (qb) => qb.where('action', '=', q.action!))
    .$if(q.before !== undefined, (qb) => qb.where('id', '<', q.before!))
    .orderBy('id', 'desc').limit(q.limit).execute();
  return rows.map((r) => ({
    id: Number(r.id), at: r.at, partyId: r.party_id, actor: r.actor, action: r.action, resource: r.resource,
    detail: r.detail === null ? null : JSON.parse(r.detail),
  }));
}
