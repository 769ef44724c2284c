// Who is calling: a machine with `Authorization: Bearer <api key>` or a person with the session
// cookie of the web app. Routes ask for what they need with `requirePrincipal`/`requireRole`.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Db } from './db.js';
import { ProblemError } from './errors.js';
import { activeApiKeyIds, activeSessionHashes, isAuthority, partyByApiKey, sessionPrincipal, type Role } from './identity.js';

export const SESSION_COOKIE = 'jz_session';

export interface Principal {
  partyId: string;
  partyName: string;
  roles: Role[];
  /** `key:<id>` or `user:<id>`: who acted, for the audit log. */
  actor: string;
  username?: string;
  /** Reads by authorities are audited. */
  authority: boolean;
  /**
   * What authenticated this request: long-lived channels (the live stream) check it again while
   * they run, so that a revoked or expired key, or an ended session, stops them too.
   */
  credential?: Credential;
}

export type Credential =
  | { kind: 'apiKey'; keyId: string }
  | { kind: 'session'; sessionId: string; tokenHash: string };

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
  }
}

export function registerAuth(app: FastifyInstance, db: Db): void {
  app.decorateRequest('principal', null);
  app.addHook('onRequest', async (request) => {
    request.principal = await resolvePrincipal(db, request);
  });
}

// A publisher sends many requests a second with one key. Looking the key up once every few
// seconds keeps that off the database, where on SQLite it would queue behind the write
// transaction. A key revoked through this node stops working at once (`forgetApiKeys`), on other
// nodes sharing the database within API_KEY_CACHE_MS. An expiry is checked against the cached
// row on every request, so an expired key never works a moment longer.
const API_KEY_CACHE_MS = 2_000;
const API_KEY_CACHE_MAX = 10_000;
const apiKeys = new Map<string, { principal: Principal; until: number; expiresAt: number }>();

export function forgetApiKeys(): void {
  apiKeys.clear();
}

async function apiKeyPrincipal(db: Db, key: string): Promise<Principal> {
  const now = Date.now();
  const cached = apiKeys.get(key);
  if (cached && cached.until > now) {
    if (cached.expiresAt > now) return cached.principal;
    apiKeys.delete(key);
  }
  const row = await partyByApiKey(db, key);
  if (!row) throw new ProblemError('unauthenticated', 'unknown, revoked or expired API key');
  const roles = JSON.parse(row.roles) as Role[];
  const principal: Principal = {
    partyId: row.id, partyName: row.name, roles, actor: `key:${row.key_id}`, authority: isAuthority(roles), credential: { kind: 'apiKey', keyId: row.key_id },
  };
  if (apiKeys.size >= API_KEY_CACHE_MAX) apiKeys.clear();
  apiKeys.set(key, { principal, until: now + API_KEY_CACHE_MS, expiresAt: row.expires_at === null ? Infinity : Date.parse(row.expires_at) });
  return principal;
}

async function resolvePrincipal(db: Db, request: FastifyRequest): Promise<Principal | null> {
  const header = request.headers.authorization;
  if (header) {
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) throw new ProblemError('unauthenticated', 'Authorization header must be "Bearer <api key>"');
    return apiKeyPrincipal(db, match[1]);
  }
  const token = request.cookies?.[SESSION_COOKIE];
  if (token) {
    const row = await sessionPrincipal(db, token);
    if (row) {
      const roles = JSON.parse(row.roles) as Role[];
      return {
        partyId: row.id, partyName: row.name, roles, actor: `user:${row.user_id}`, username: row.username, authority: isAuthority(roles),
        credential: { kind: 'session', sessionId: row.session_id, tokenHash: row.token_hash },
      };
    }
  }
  return null;
}

/**
 * Of these principals, those whose credential no longer works (key revoked or expired, session
 * ended or expired, party gone): two indexed lookups whatever their number. Principals without a
 * credential are left alone.
 */
export async function lapsedPrincipals<T extends { credential?: Credential }>(db: Db, principals: T[]): Promise<T[]> {
  const keyIds = new Set<string>();
  const hashes = new Set<string>();
  for (const p of principals) {
    if (p.credential?.kind === 'apiKey') keyIds.add(p.credential.keyId);
    else if (p.credential?.kind === 'session') hashes.add(p.credential.tokenHash);
  }
  const [keys, sessions] = await Promise.all([activeApiKeyIds(db, [...keyIds]), activeSessionHashes(db, [...hashes])]);
  return principals.filter((p) => (p.credential?.kind === 'apiKey' && !keys.has(p.credential.keyId))
    || (p.credential?.kind === 'session' && !sessions.has(p.credential.tokenHash)));
}

/** The logged-in user behind a session (sessions and self-service keys need a person, not a key). */
export function requireUser(request: FastifyRequest): Principal & { credential: Extract<Credential, { kind: 'session' }>; userId: string } {
  const principal = requirePrincipal(request);
  if (principal.credential?.kind !== 'session') throw new ProblemError('forbidden', 'this needs a logged-in user (the session cookie), not an API key');
  return { ...principal, credential: principal.credential, userId: principal.actor.slice('user:'.length) };
}

export function requirePrincipal(request: FastifyRequest): Principal {
  if (!request.principal) throw new ProblemError('unauthenticated', 'send an API key (Authorization: Bearer …) or log in');
  return request.principal;
}

export function requireRole(request: FastifyRequest, ...roles: Role[]): Principal {
  const principal = requirePrincipal(request);
  if (!principal.roles.some((r) => roles.includes(r))) {
    throw new ProblemError('forbidden', `this needs one of the roles: ${roles.join(', ')}`);
  }
  return principal;
}
