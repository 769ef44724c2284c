// Grants: a party shares a booking, transport document or container with another party, for a
// while or until revoked. What a grant passes on is decided by the access policy (access.ts).
import { randomUUID } from 'node:crypto';
import type { Principal } from '../../core/auth.js';
import { canGrantSql, type GrantReferenceType } from './access.js';
import { audit } from '../../core/audit.js';
import { coreOf } from '../../core/db.js';
import type { TrackingExecutor as Executor } from './tables.js';
import { forbidden, invalid, notFound, ProblemError } from '../../core/errors.js';
import type { OwnershipDirectory } from '../../core/ownership.js';
import { getParty } from '../../core/identity.js';
import type { GrantRow } from './tables.js';
import { nowIso } from '../../core/time.js';

export interface Grant {
  id: string;
  granterPartyId: string;
  granteePartyId: string;
  referenceType: GrantReferenceType;
  referenceValue: string;
  expiresAt: string | null;
  revokedAt: string | null;
  createdAt: string;
  scope: GrantScope;
}

/** `read`: see the document's events; `publish`: also publish events on it for its issuer (ownership.ts). */
export const GRANT_SCOPES = ['read', 'publish'] as const;
export type GrantScope = (typeof GRANT_SCOPES)[number];

type StoredGrant = Omit<GrantRow, 'scope'> & { scope: GrantScope };

const toGrant = (r: StoredGrant): Grant => ({
  id: r.id, granterPartyId: r.granter_party_id, granteePartyId: r.grantee_party_id, referenceType: r.ref_type as GrantReferenceType,
  referenceValue: r.ref_value, expiresAt: r.expires_at, revokedAt: r.revoked_at, createdAt: r.created_at, scope: r.scope,
});

export interface NewGrant {
  granteePartyId: string;
  referenceType: GrantReferenceType;
  referenceValue: string;
  /** UTC ISO 8601, already validated. */
  expiresAt?: string;
  scope?: GrantScope;
}

/**
 * Grants a reference; `at` is the input's JSON pointer for errors. Granting again what is already
 * granted and active (same grantee, reference and expiry) returns the existing grant.
 */
export async function createGrant(tx: Executor, directory: OwnershipDirectory, granter: Principal, input: NewGrant, at = '/body'): Promise<Grant> {
  if (input.granteePartyId === granter.partyId) throw invalid(`${at}/granteePartyId`, 'notSelf', 'a party cannot grant to itself');
  if (!(await getParty(coreOf(tx), input.granteePartyId))) throw invalid(`${at}/granteePartyId`, 'exists', `no party ${input.granteePartyId}`);
  if (input.expiresAt && input.expiresAt <= nowIso()) throw invalid(`${at}/expiresAt`, 'future', 'expiresAt must lie in the future');
  const scope = input.scope ?? 'read';
  if (scope === 'publish') {
    // Only the issuer lets another party speak for it on a document.
    if (input.referenceType === 'EQ') throw invalid(`${at}/scope`, 'grant.publishScope', 'a publish grant names a booking (BKG) or transport document (TRD)');
    if ((await directory.current()).issuerOf(input.referenceValue) !== granter.partyId) {
      throw new ProblemError('forbidden', `${at}/referenceValue: only the carrier that issued ${input.referenceValue} may let others publish on it`,
        [{ pointer: `${at}/referenceValue`, rule: 'grant.notIssuer', detail: `only the carrier that issued ${input.referenceValue} may let others publish on it`, params: { reference: input.referenceValue } }]);
    }
  } else {
    const may = await canGrantSql(granter.partyId, input.referenceType, input.referenceValue).execute(tx);
    if (!may.rows.length) {
      throw forbidden(`${at}: you may only grant a ${input.referenceType} reference you own or that your own events carry`);
    }
  }
  const same = await tx.selectFrom('grants').selectAll()
    .where('granter_party_id', '=', granter.partyId).where('grantee_party_id', '=', input.granteePartyId)
    .where('ref_type', '=', input.referenceType).where('ref_value', '=', input.referenceValue)
    .where('revoked_at', 'is', null).where('expires_at', input.expiresAt ? '=' : 'is', input.expiresAt ?? null).where('scope', '=', scope)
    .executeTakeFirst();
  if (same) return toGrant(same as StoredGrant);
  const row: StoredGrant = {
    id: randomUUID(), granter_party_id: granter.partyId, grantee_party_id: input.granteePartyId,
    ref_type: input.referenceType, ref_value: input.referenceValue, expires_at: input.expiresAt ?? null,
    revoked_at: null, created_at: nowIso(), scope,
  };
  await tx.insertInto('grants').values(row).execute();
  await audit(tx, granter, { action: 'grant.create', resource: `grant:${row.id}`, detail: toGrant(row) });
  return toGrant(row as StoredGrant);
}

export async function revokeGrant(tx: Executor, granter: Principal, id: string): Promise<Grant> {
  const row = await tx.selectFrom('grants').selectAll().where('id', '=', id).where('granter_party_id', '=', granter.partyId).executeTakeFirst();
  if (!row) throw notFound(`grant ${id}`);
  if (!row.revoked_at) {
    row.revoked_at = nowIso();
    await tx.updateTable('grants').set({ revoked_at: row.revoked_at }).where('id', '=', id).execute();
    await audit(tx, granter, { action: 'grant.revoke', resource: `grant:${id}` });
  }
  return toGrant(row as StoredGrant);
}

/** Grants the party gave or received. */
export async function listGrants(db: Executor, partyId: string): Promise<{ given: Grant[]; received: Grant[] }> {
  const rows = await db.selectFrom('grants').selectAll()
    .where((eb) => eb.or([eb('granter_party_id', '=', partyId), eb('grantee_party_id', '=', partyId)]))
    .orderBy('created_at', 'desc').execute();
  return {
    given: rows.filter((r) => r.granter_party_id === partyId).map((r) => toGrant(r as StoredGrant)),
    received: rows.filter((r) => r.grantee_party_id === partyId).map((r) => toGrant(r as StoredGrant)),
  };
}
