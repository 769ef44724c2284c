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

async function resolvePrincipal(db: Db, request: FastifyRequest): Promise<Principal | null> {
  const header = request.headers.authorization;
  if (header) {
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) throw new ProblemError('unauthenticated', 'Authorization header must be "Bearer <api key>"');
    const row = await partyByApiKey(db, match[1]);
    if (!row) throw new ProblemError('unauthenticated', 'unknown or revoked API key');
    const roles = JSON.parse(row.roles) as Role[];
    return { partyId: row.id, partyName: row.name, roles, actor: `key:${row.key_id}`, authority: isAuthority(roles) };
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
