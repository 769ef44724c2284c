// Who sees a port call, in one place. A call and its timestamps are visible to
//   1. its carrier;
//   2. its terminal (the terminal's operating party when the call was created);
//   3. the port authority and the maritime safety administration (MSA), by their mandate — and,
//      for the aggregate KPIs only, the shipping-center office, which reports on the port as a
//      whole; every read by these is written to the audit log by the route.
// Nobody else: the routes answer 404 for a call one may not see, exactly as for one that does
// not exist. Every read of calls or timestamps filters with `callVisibleTo`.
import { sql, type RawBuilder, type SqlBool } from 'kysely';
import type { FastifyRequest } from 'fastify';
import type { Principal } from '../../core/auth.js';
import { audit } from '../../core/audit.js';
import type { Executor } from '../../core/db.js';
import type { Role } from '../../core/identity.js';

/** What the reader wants: the calls themselves, or statistics over them. */
export type Purpose = 'read' | 'statistics';

const SEE_ALL: Record<Purpose, readonly Role[]> = {
  read: ['port_authority', 'msa'],
  statistics: ['port_authority', 'msa', 'shipping_center'],
};

export type Viewer = Pick<Principal, 'partyId' | 'roles'>;

/** True when the viewer sees every call for this purpose (and its reads are audited). */
export const seesAllCalls = (viewer: Viewer, purpose: Purpose) => viewer.roles.some((r) => SEE_ALL[purpose].includes(r));

/** SQL condition on `pc_port_calls`: the call is visible to the viewer. */
export function callVisibleTo(viewer: Viewer, purpose: Purpose = 'read'): RawBuilder<SqlBool> {
  if (seesAllCalls(viewer, purpose)) return sql<SqlBool>`1 = 1`;
  return sql<SqlBool>`(pc_port_calls.carrier_party_id = ${viewer.partyId} or pc_port_calls.terminal_party_id = ${viewer.partyId})`;
}

/** The sides of the call a party is on: it may send only as these (a carrier that runs the terminal is both). */
export function sidesOf(partyId: string, call: { carrier_party_id: string; terminal_party_id: string }): ('carrier' | 'terminal')[] {
  return [...(call.carrier_party_id === partyId ? ['carrier' as const] : []), ...(call.terminal_party_id === partyId ? ['terminal' as const] : [])];
}

/** Writes a read by an authority to the audit log; others' reads of their own calls are not audited. */
export async function auditRead(db: Executor, viewer: Principal, purpose: Purpose, request: FastifyRequest, detail: Record<string, unknown>): Promise<void> {
  if (!seesAllCalls(viewer, purpose)) return;
  await audit(db, viewer, { action: purpose === 'read' ? 'portcall.read' : 'portcall.statistics', resource: request.url.split('?')[0], detail: { query: request.query, ...detail } });
}
