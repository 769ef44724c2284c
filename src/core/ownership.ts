// Who may speak for a shipment (docs/SECURITY.md, "Ownership of bookings, B/Ls and journeys").
//
// - A booking or B/L number belongs to the carrier that issued it: the one whose registered
//   reference prefix it starts with (its SCAC, say). Registration is the platform operator's act,
//   not first come first served, and prefixes of different carriers never overlap.
// - A box whose BIC owner code is registered belongs to that carrier: only it, or a carrier it
//   names as acting for it (a slot partner), may bind the box to a document.
// - An event that carries a booking or B/L may be published by its issuer, by a party the issuer
//   names to act for it on all its shipments (its terminals, its rail operator: `agents`), or by
//   a party holding a publish-scoped grant of that document from the issuer (a haulier with the
//   release right). Anyone else is refused (403, rule `reference.notYours`).
// - Events that name only a box may come from anyone who handles it, but they belong to a
//   shipment (and so reach its owner and grantees) only when their publisher speaks for the
//   document's issuer, or is an authority (access.ts, `speaksFor`).
// - Only actual (ACT) events start journeys: an estimate or plan never moves a box's windows.
import type { Executor } from './db.js';
import { ProblemError, type ProblemKind } from './errors.js';
import type { Party } from './identity.js';
import { nowIso } from './time.js';

export const CODE_KINDS = ['reference', 'equipment'] as const;
export type CodeKind = (typeof CODE_KINDS)[number];

/** A prefix of booking and B/L numbers: 2–16 capitals, digits or hyphens. */
export const REFERENCE_PREFIX = /^[A-Z0-9][A-Z0-9-]{1,15}$/;
/** An ISO 6346 owner code with its equipment category: three letters and U, J or Z. */
export const EQUIPMENT_OWNER_CODE = /^[A-Z]{3}[UJZ]$/;

const MIN_PREFIX = 2;
const MAX_PREFIX = 16;
// Other nodes' registrations and agents reach this one within this time.
const RELOAD_MS = 5_000;

/**
 * The registered codes and the parties acting for others, held in memory: every published event
 * is checked against them, and they change rarely. Reloaded every few seconds (other nodes'
 * changes) and at once after a change through this node.
 */
export class OwnershipDirectory {
  private prefixes = new Map<string, string>();
  private boxOwners = new Map<string, string>();
  /** principal party → parties acting for it now. */
  private agents = new Map<string, Set<string>>();
  private loadedAt = -Infinity;
  private loading: Promise<void> | undefined;

  constructor(private readonly db: Executor) {}

  /** The directory, reloaded first when it may be stale. */
  async current(): Promise<this> {
    if (Date.now() - this.loadedAt > RELOAD_MS) await (this.loading ??= this.load().finally(() => { this.loading = undefined; }));
    return this;
  }

  invalidate(): void {
    this.loadedAt = -Infinity;
  }

  private async load() {
    const started = Date.now();
    const [codes, agents] = await Promise.all([
      this.db.selectFrom('party_codes').select(['code', 'kind', 'party_id']).execute(),
      this.db.selectFrom('agents').select(['principal_party_id', 'agent_party_id']).where('revoked_at', 'is', null).execute(),
    ]);
    const prefixes = new Map<string, string>();
    const boxOwners = new Map<string, string>();
    for (const c of codes) (c.kind === 'reference' ? prefixes : boxOwners).set(c.code, c.party_id);
    const byPrincipal = new Map<string, Set<string>>();
    for (const a of agents) {
      if (!byPrincipal.has(a.principal_party_id)) byPrincipal.set(a.principal_party_id, new Set());
      byPrincipal.get(a.principal_party_id)!.add(a.agent_party_id);
    }
    this.prefixes = prefixes;
    this.boxOwners = boxOwners;
    this.agents = byPrincipal;
    this.loadedAt = started;
  }

  /** The carrier whose registered prefix this booking or B/L number starts with. */
  issuerOf(reference: string): string | undefined {
    for (let n = Math.min(reference.length, MAX_PREFIX); n >= MIN_PREFIX; n--) {
      const party = this.prefixes.get(reference.slice(0, n));
      if (party) return party;
    }
    return undefined;
  }

  /** The carrier whose BIC owner code the container number starts with. */
  boxOwnerOf(equipmentReference: string): string | undefined {
    return this.boxOwners.get(equipmentReference.slice(0, 4));
  }

  /** Does `party` act for `principal` (the principal itself, or a party it named)? */
  actsFor(party: string, principal: string): boolean {
    return party === principal || (this.agents.get(principal)?.has(party) ?? false);
  }
}

/** Codes registered to one party. */
export async function partyCodes(db: Executor, partyId: string): Promise<PartyCodes> {
  const rows = await db.selectFrom('party_codes').select(['code', 'kind']).where('party_id', '=', partyId).orderBy('code').execute();
  return {
    referencePrefixes: rows.filter((r) => r.kind === 'reference').map((r) => r.code),
    equipmentOwnerCodes: rows.filter((r) => r.kind === 'equipment').map((r) => r.code),
  };
}

export interface PartyCodes {
  referencePrefixes: string[];
  equipmentOwnerCodes: string[];
}

/**
 * Replaces a carrier's registered codes (inside the caller's transaction). Prefixes of two
 * carriers may not overlap — one the start of the other — or a number would be both's; an owner
 * code is one carrier's. Errors point into `/body`. The caller invalidates the directory.
 */
export async function setPartyCodes(tx: Executor, party: Party, codes: PartyCodes): Promise<void> {
  const fail = (kind: ProblemKind, pointer: string, rule: string, detail: string, params: Record<string, unknown>) =>
    new ProblemError(kind, `${pointer}: ${detail}`, [{ pointer, rule, detail, params }]);
  if (!party.roles.includes('carrier') && (codes.referencePrefixes.length || codes.equipmentOwnerCodes.length)) {
    throw fail('validation', '/params/id', 'codes.carrierOnly', 'only a carrier issues booking and B/L numbers and operates boxes', {});
  }
  codes.referencePrefixes.forEach((code, i) => {
    if (!REFERENCE_PREFIX.test(code)) throw fail('validation', `/body/referencePrefixes/${i}`, 'pattern', 'a prefix has 2–16 capitals, digits or hyphens', { code });
  });
  codes.equipmentOwnerCodes.forEach((code, i) => {
    if (!EQUIPMENT_OWNER_CODE.test(code)) throw fail('validation', `/body/equipmentOwnerCodes/${i}`, 'pattern', 'an owner code is three capitals and U, J or Z', { code });
  });
  const others = await tx.selectFrom('party_codes').select(['code', 'kind']).where('party_id', '!=', party.id).execute();
  codes.referencePrefixes.forEach((code, i) => {
    const clash = others.find((o) => o.kind === 'reference' && (o.code.startsWith(code) || code.startsWith(o.code)));
    if (clash) throw fail('conflict', `/body/referencePrefixes/${i}`, 'codes.overlap', `${code} overlaps ${clash.code} of another party`, { code, other: clash.code });
  });
  codes.equipmentOwnerCodes.forEach((code, i) => {
    if (others.some((o) => o.kind === 'equipment' && o.code === code)) throw fail('conflict', `/body/equipmentOwnerCodes/${i}`, 'codes.taken', `${code} is registered to another party`, { code });
  });
  await tx.deleteFrom('party_codes').where('party_id', '=', party.id).execute();
  const now = nowIso();
  const row = (kind: CodeKind) => (code: string) => ({ code, kind, party_id: party.id, created_at: now });
  const rows = [...[...new Set(codes.referencePrefixes)].map(row('reference')), ...[...new Set(codes.equipmentOwnerCodes)].map(row('equipment'))];
  if (rows.length) await tx.insertInto('party_codes').values(rows).execute();
}
