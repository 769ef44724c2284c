// Parties (organisations), their users and API keys. Passwords are hashed with scrypt; API keys
// and session tokens are 256-bit random values of which only a SHA-256 is stored.
import { createHash, randomBytes, randomUUID, scrypt as scryptCb, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import type { Executor } from './db.js';
import { conflict, invalid, notFound } from './errors.js';
import type { ExpressionBuilder } from 'kysely';
import { requireStrongPassword } from './passwords.js';
import type { Database, PartyRow } from './tables.js';
import { nowIso } from './time.js';

const scrypt = promisify(scryptCb) as (pw: string, salt: Buffer, len: number, opts: object) => Promise<Buffer>;

export const ROLES = [
  'carrier', 'terminal', 'forwarder', 'shipper', 'haulier', 'rail_operator', 'inland_port',
  'bunker_supplier', 'customs', 'msa', 'border', 'port_authority', 'shipping_center', 'admin',
] as const;
export type Role = (typeof ROLES)[number];

/** Roles that see across parties by their legal mandate; every read they make is audited. */
export const AUTHORITY_ROLES: readonly Role[] = ['customs', 'border', 'msa', 'port_authority', 'shipping_center'];

export interface Party {
  id: string;
  name: string;
  roles: Role[];
  createdAt: string;
}

export const toParty = (row: Pick<PartyRow, 'id' | 'name' | 'roles' | 'created_at'>): Party => ({
  id: row.id, name: row.name, roles: JSON.parse(row.roles) as Role[], createdAt: row.created_at,
});

export const isAuthority = (roles: readonly Role[]) => roles.some((r) => AUTHORITY_ROLES.includes(r));

export const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

const SCRYPT = { N: 16384, r: 8, p: 1, keyLength: 32 };
const SESSION_HOURS = 12;
const USERNAME = /^[A-Za-z0-9][A-Za-z0-9._@-]{1,63}$/;

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const hash = await scrypt(password, salt, SCRYPT.keyLength, { N: SCRYPT.N, r: SCRYPT.r, p: SCRYPT.p });
  return `scrypt$${SCRYPT.N}$${SCRYPT.r}$${SCRYPT.p}$${salt.toString('base64')}$${hash.toString('base64')}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt') return false;
  const expected = Buffer.from(hash, 'base64');
  const actual = await scrypt(password, Buffer.from(salt, 'base64'), expected.length, { N: Number(n), r: Number(r), p: Number(p) });
  return timingSafeEqual(expected, actual);
}

export function validateRoles(roles: unknown, pointer = '/body/roles'): Role[] {
  if (!Array.isArray(roles) || roles.length === 0) throw invalid(pointer, 'minItems', 'a party needs at least one role');
  roles.forEach((role, i) => {
    if (!ROLES.includes(role as Role)) throw invalid(`${pointer}/${i}`, 'enum', `unknown role "${role}"; one of ${ROLES.join(', ')}`);
  });
  return [...new Set(roles as Role[])];
}

export async function createParty(db: Executor, input: { name: string; roles: Role[]; id?: string }): Promise<Party> {
  const name = input.name.trim();
  if (!name) throw invalid('/body/name', 'minLength', 'name must not be empty');
  const roles = validateRoles(input.roles);
  const row = { id: input.id ?? randomUUID(), name, roles: JSON.stringify(roles), created_at: nowIso(), authority: isAuthority(roles) ? 1 : 0 };
  await db.insertInto('parties').values(row).execute();
  return toParty(row);
}

export async function getParty(db: Executor, id: string): Promise<Party | undefined> {
  const row = await db.selectFrom('parties').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toParty(row);
}

export async function listParties(db: Executor): Promise<Party[]> {
  const rows = await db.selectFrom('parties').selectAll().orderBy('created_at').orderBy('id').execute();
  return rows.map(toParty);
}

export async function requireParty(db: Executor, id: string): Promise<Party> {
  const party = await getParty(db, id);
  if (!party) throw notFound(`party ${id}`);
  return party;
}

export async function createUser(db: Executor, input: { partyId: string; username: string; password: string }) {
  await requireParty(db, input.partyId);
  if (!USERNAME.test(input.username)) {
    throw invalid('/body/username', 'pattern', 'username: 2–64 letters, digits, or . _ @ -, starting with a letter or digit');
  }
  requireStrongPassword(input.password);
  const taken = await db.selectFrom('users').select('id').where('username', '=', input.username).executeTakeFirst();
  if (taken) throw conflict(`username ${input.username} is taken`);
  const row = { id: randomUUID(), party_id: input.partyId, username: input.username, password_hash: await hashPassword(input.password), created_at: nowIso() };
  await db.insertInto('users').values(row).execute();
  return { id: row.id, partyId: row.party_id, username: row.username, createdAt: row.created_at };
}

/** Creates an API key and returns it in clear: the only time anyone sees it. */
export async function createApiKey(db: Executor, input: { partyId: string; label?: string | null; key?: string; expiresAt?: string | null }) {
  await requireParty(db, input.partyId);
  const key = input.key ?? `jz_${randomBytes(32).toString('base64url')}`;
  const row = {
    id: randomUUID(), party_id: input.partyId, key_hash: sha256(key), label: input.label ?? null, created_at: nowIso(), revoked_at: null,
    expires_at: input.expiresAt ?? null,
  };
  await db.insertInto('api_keys').values(row).execute();
  return { id: row.id, partyId: row.party_id, label: row.label, createdAt: row.created_at, expiresAt: row.expires_at, key };
}

/** A key that is neither revoked nor expired. */
const activeKey = (now: string) => (eb: ExpressionBuilder<Database, 'api_keys'>) =>
  eb.and([eb('api_keys.revoked_at', 'is', null), eb.or([eb('api_keys.expires_at', 'is', null), eb('api_keys.expires_at', '>', now)])]);

export async function revokeApiKey(db: Executor, partyId: string, keyId: string) {
  const now = nowIso();
  const res = await db.updateTable('api_keys').set({ revoked_at: now })
    .where('id', '=', keyId).where('party_id', '=', partyId).where(activeKey(now)).executeTakeFirst();
  if (Number(res.numUpdatedRows) === 0) throw notFound(`active API key ${keyId} of party ${partyId}`);
}

export const MAX_ROTATION_GRACE_HOURS = 24 * 30;

/**
 * Rotation without downtime: a new key (same label) is made, and the old one keeps working for
 * `graceHours` more (never longer than it would have anyway), so that the systems using it can
 * switch over meanwhile.
 */
export async function rotateApiKey(db: Executor, partyId: string, keyId: string, input: { graceHours: number; expiresAt?: string | null }) {
  const now = nowIso();
  const old = await db.selectFrom('api_keys').select(['id', 'label', 'expires_at'])
    .where('id', '=', keyId).where('party_id', '=', partyId).where(activeKey(now)).executeTakeFirst();
  if (!old) throw notFound(`active API key ${keyId} of party ${partyId}`);
  const graceEnd = new Date(Date.parse(now) + input.graceHours * 3600_000).toISOString();
  const oldExpiresAt = old.expires_at !== null && old.expires_at < graceEnd ? old.expires_at : graceEnd;
  await db.updateTable('api_keys').set({ expires_at: oldExpiresAt }).where('id', '=', keyId).execute();
  const created = await createApiKey(db, { partyId, label: old.label, expiresAt: input.expiresAt });
  return { ...created, replaces: { id: keyId, expiresAt: oldExpiresAt } };
}

export async function listApiKeys(db: Executor, partyId: string) {
  const rows = await db.selectFrom('api_keys').select(['id', 'label', 'created_at', 'revoked_at', 'expires_at'])
    .where('party_id', '=', partyId).orderBy('created_at').execute();
  const now = nowIso();
  return rows.map((r) => ({
    id: r.id, label: r.label, createdAt: r.created_at, revokedAt: r.revoked_at, expiresAt: r.expires_at,
    active: r.revoked_at === null && (r.expires_at === null || r.expires_at > now),
  }));
}

export async function partyByApiKey(db: Executor, key: string) {
  return db.selectFrom('api_keys').innerJoin('parties', 'parties.id', 'api_keys.party_id')
    .select(['api_keys.id as key_id', 'api_keys.expires_at', 'parties.id', 'parties.name', 'parties.roles', 'parties.created_at'])
    .where('api_keys.key_hash', '=', sha256(key)).where(activeKey(nowIso()))
    .executeTakeFirst();
}

/** Of these keys, those still working now (neither revoked nor expired). */
export async function activeApiKeyIds(db: Executor, keyIds: string[]): Promise<Set<string>> {
  if (!keyIds.length) return new Set();
  const rows = await db.selectFrom('api_keys').innerJoin('parties', 'parties.id', 'api_keys.party_id').select('api_keys.id')
    .where('api_keys.id', 'in', keyIds).where(activeKey(nowIso())).execute();
  return new Set(rows.map((r) => r.id));
}

export interface LoginContext {
  userAgent?: string;
  address?: string;
}

export async function login(db: Executor, username: string, password: string, from: LoginContext = {}) {
  const user = await db.selectFrom('users').selectAll().where('username', '=', username).executeTakeFirst();
  // Hash anyway when the user is unknown so that timing does not tell which usernames exist.
  const ok = user ? await verifyPassword(password, user.password_hash) : (await hashPassword(password), false);
  if (!user || !ok) return undefined;
  const token = randomBytes(32).toString('base64url');
  const now = new Date();
  await db.insertInto('sessions').values({
    token_hash: sha256(token), id: randomUUID(), user_id: user.id, party_id: user.party_id, created_at: now.toISOString(),
    expires_at: new Date(now.getTime() + SESSION_HOURS * 3600_000).toISOString(),
    user_agent: from.userAgent?.slice(0, 300) ?? null, address: from.address?.slice(0, 100) ?? null,
  }).execute();
  return { token, userId: user.id, maxAgeSeconds: SESSION_HOURS * 3600 };
}

export async function sessionPrincipal(db: Executor, token: string) {
  return db.selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .innerJoin('parties', 'parties.id', 'sessions.party_id')
    .select(['sessions.id as session_id', 'sessions.token_hash', 'users.id as user_id', 'users.username', 'parties.id', 'parties.name', 'parties.roles', 'parties.created_at'])
    .where('sessions.token_hash', '=', sha256(token)).where('sessions.expires_at', '>', nowIso())
    .executeTakeFirst();
}

/** Of these sessions (by token hash), those not ended and not expired. */
export async function activeSessionHashes(db: Executor, tokenHashes: string[]): Promise<Set<string>> {
  if (!tokenHashes.length) return new Set();
  const rows = await db.selectFrom('sessions').innerJoin('parties', 'parties.id', 'sessions.party_id').select('sessions.token_hash')
    .where('sessions.token_hash', 'in', tokenHashes).where('sessions.expires_at', '>', nowIso()).execute();
  return new Set(rows.map((r) => r.token_hash));
}

/** A user's open sessions, newest first; never the token. */
export async function listSessions(db: Executor, userId: string) {
  const rows = await db.selectFrom('sessions').select(['id', 'created_at', 'expires_at', 'user_agent', 'address'])
    .where('user_id', '=', userId).where('expires_at', '>', nowIso()).orderBy('created_at', 'desc').execute();
  return rows.map((r) => ({ id: r.id, createdAt: r.created_at, expiresAt: r.expires_at, userAgent: r.user_agent, address: r.address }));
}

/** Ends one of the user's sessions; a session of someone else is "not found". */
export async function endSession(db: Executor, userId: string, sessionId: string) {
  const res = await db.deleteFrom('sessions').where('id', '=', sessionId).where('user_id', '=', userId).executeTakeFirst();
  if (Number(res.numDeletedRows) === 0) throw notFound(`session ${sessionId}`);
}

/** Ends every session of the user but `keepSessionId` (the one asking); returns how many. */
export async function endOtherSessions(db: Executor, userId: string, keepSessionId: string | undefined): Promise<number> {
  const res = await db.deleteFrom('sessions').where('user_id', '=', userId)
    .$if(keepSessionId !== undefined, (q) => q.where('id', '!=', keepSessionId!)).executeTakeFirst();
  return Number(res.numDeletedRows);
}

export async function logout(db: Executor, token: string) {
  await db.deleteFrom('sessions').where('token_hash', '=', sha256(token)).execute();
}

export async function hasAdminParty(db: Executor): Promise<boolean> {
  const rows = await db.selectFrom('parties').select('roles').execute();
  return rows.some((r) => (JSON.parse(r.roles) as string[]).includes('admin'));
}
