// Who is calling: a machine with `Authorization: Bearer <api key>` or a person with the session
// cookie of the web app. Routes ask for what they need with `requirePrincipal`/`requireRole`.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Db } from './db.js';
import { ProblemError } from './errors.js';
import { isAuthority, partyByApiKey, sessionPrincipal, type Role } from './identity.js';

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
}

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
// nodes sharing the database within API_KEY_CACHE_MS.
const API_KEY_CACHE_MS = 2_000;
const API_KEY_CACHE_MAX = 10_000;
const apiKeys = new Map<string, { principal: Principal; until: number }>();

export function forgetApiKeys(): void {
  apiKeys.clear();
}

async function apiKeyPrincipal(db: Db, key: string): Promise<Principal> {
  const now = Date.now();
  const cached = apiKeys.get(key);
  if (cached && cached.until > now) return cached.principal;
  const row = await partyByApiKey(db, key);
  if (!row) throw new ProblemError('unauthenticated', 'unknown or revoked API key');
  const roles = JSON.parse(row.roles) as Role[];
  const principal = { partyId: row.id, partyName: row.name, roles, actor: `key:${row.key_id}`, authority: isAuthority(roles) };
  if (apiKeys.size >= API_KEY_CACHE_MAX) apiKeys.clear();
  apiKeys.set(key, { principal, until: now + API_KEY_CACHE_MS });
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
      return { partyId: row.id, partyName: row.name, roles, actor: `user:${row.user_id}`, username: row.username, authority: isAuthority(roles) };
    }
  }
  return null;
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
