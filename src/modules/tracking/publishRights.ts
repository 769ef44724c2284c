// Who may publish what (docs/SECURITY.md, "Ownership"): the carrier's registered codes and the
// parties acting for it come from the core's directory (core/ownership.ts); the documents, boxes
// and publish-scoped grants are this module's.
import type { FieldError } from '../../core/errors.js';
import type { OwnershipDirectory } from '../../core/ownership.js';
import { nowIso } from '../../core/time.js';
import type { NewEvent } from './eventStore.js';
import type { TrackingExecutor } from './tables.js';

/**
 * Which published events the publisher may not send, each with the field and the rule: a
 * booking or B/L outside every registered namespace, or of an issuer it does not act for, and a
 * box of another carrier bound to a document. `at(i)` is the JSON pointer of event i.
 */
export async function refusedPublishes(db: TrackingExecutor, directory: OwnershipDirectory, publisherId: string, events: NewEvent[], at: (i: number) => string): Promise<(FieldError | undefined)[]> {
  const refused: (FieldError | undefined)[] = events.map(() => undefined);
  // References the publisher speaks for only through a publish-scoped grant, looked up at once.
  const viaGrant: { i: number; j: number; type: string; value: string; issuer: string }[] = [];
  events.forEach((e, i) => {
    e.documentReferences.forEach((r, j) => {
      if (refused[i]) return;
      const pointer = e.eventType === 'SHIPMENT' ? `${at(i)}/documentID` : `${at(i)}/documentReferences/${j}/documentReferenceValue`;
      const issuer = directory.issuerOf(r.value);
      if (!issuer) {
        refused[i] = { pointer, rule: 'reference.unregistered', detail: `${r.value} lies in no carrier's registered reference namespace`, params: { reference: r.value } };
        return;
      }
      const owner = e.equipmentReference ? directory.boxOwnerOf(e.equipmentReference) : undefined;
      if (owner && !directory.actsFor(issuer, owner)) {
        refused[i] = { pointer: `${at(i)}/equipmentReference`, rule: 'equipment.notYours', detail: `container ${e.equipmentReference} belongs to another carrier, which has not named the issuer of ${r.value} to act for it`, params: { equipmentReference: e.equipmentReference, reference: r.value } };
      } else if (!directory.actsFor(publisherId, issuer)) {
        viaGrant.push({ i, j, type: r.type, value: r.value, issuer });
      }
    });
  });
  if (!viaGrant.length) return refused;
  const now = nowIso();
  const granted = new Set<string>();
  const pairs = [...new Map(viaGrant.map((g) => [`${g.type}|${g.value}`, [g.type, g.value]])).values()];
  for (let k = 0; k < pairs.length; k += 500) {
    const part = pairs.slice(k, k + 500);
    const rows = await db.selectFrom('grants').select(['ref_type', 'ref_value', 'granter_party_id'])
      .where('grantee_party_id', '=', publisherId).where('scope', '=', 'publish').where('revoked_at', 'is', null)
      .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
      .where((eb) => eb.or(part.map(([type, value]) => eb.and([eb('ref_type', '=', type), eb('ref_value', '=', value)]))))
      .execute();
    for (const r of rows) granted.add(`${r.ref_type}|${r.ref_value}|${r.granter_party_id}`);
  }
  for (const g of viaGrant) {
    if (refused[g.i] || granted.has(`${g.type}|${g.value}|${g.issuer}`)) continue;
    const e = events[g.i];
    const pointer = e.eventType === 'SHIPMENT' ? `${at(g.i)}/documentID` : `${at(g.i)}/documentReferences/${g.j}/documentReferenceValue`;
    refused[g.i] = { pointer, rule: 'reference.notYours', detail: `${g.value} was issued by another carrier, which has not named you to act for it`, params: { reference: g.value } };
  }
  return refused;
}
