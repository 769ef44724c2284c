// HTTP routes of the core: sessions for the web app, the admin API (parties, users, API keys,
// audit log, dead letters), and grants.
import type { FastifyInstance } from 'fastify';
import { Type, type Static, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { GRANT_REFERENCE_TYPES } from './access.js';
import { audit, queryAudit } from './audit.js';
import { forgetApiKeys, requirePrincipal, requireRole, SESSION_COOKIE } from './auth.js';
import type { AppContext } from './context.js';
import { listDeadLetters, replayDeadLetters } from './delivery.js';
import { invalid, ProblemError } from './errors.js';
import { createGrant, listGrants, revokeGrant } from './grants.js';
import { createApiKey, createParty, createUser, listApiKeys, listParties, login, logout, requireParty, revokeApiKey, ROLES, sessionPrincipal, type Role } from './identity.js';
import { idempotent } from './idempotency.js';
import { LoginGuard } from './loginGuard.js';
import { validateDateTime } from '../standards/index.js';

const Strict = { additionalProperties: false };
const MAX_GRANTS_PER_BATCH = 1000;
const RoleSchema = Type.Union(ROLES.map((r) => Type.Literal(r)));

export async function coreRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const { db } = ctx;

  // ---- sessions (web app) ------------------------------------------------------------------
  const loginGuard = new LoginGuard(ctx.config.limits);
  r.post('/v1/session', {
    schema: { tags: ['Session'], summary: 'Log in (sets an HttpOnly session cookie)', body: Type.Object({ username: Type.String({ minLength: 1, maxLength: 64 }), password: Type.String({ minLength: 1, maxLength: 200 }) }, Strict) },
  }, async (request, reply) => {
    const { username, password } = request.body;
    loginGuard.check(username, request.ip);
    const session = await loginGuard.withHashSlot(() => login(db, username, password));
    if (!session) {
      loginGuard.failed(username, request.ip);
      throw new ProblemError('unauthenticated', 'unknown username or wrong password');
    }
    loginGuard.succeeded(username);
    // Behind a TLS proxy the protocol is known from X-Forwarded-Proto only when the proxy is trusted.
    reply.setCookie(SESSION_COOKIE, session.token, {
      httpOnly: true, sameSite: 'lax', path: '/', maxAge: session.maxAgeSeconds, secure: ctx.config.cookieSecure || request.protocol === 'https',
    });
    const me = await sessionPrincipal(db, session.token);
    return { username: me!.username, party: { id: me!.id, name: me!.name, roles: JSON.parse(me!.roles) as Role[] } };
  });

  r.get('/v1/session', { schema: { tags: ['Session'], summary: 'Who is logged in' } }, async (request) => {
    const p = requirePrincipal(request);
    return { username: p.username ?? null, party: { id: p.partyId, name: p.partyName, roles: p.roles } };
  });

  r.delete('/v1/session', { schema: { tags: ['Session'], summary: 'Log out' } }, async (request, reply) => {
    const token = request.cookies[SESSION_COOKIE];
    if (token) await logout(db, token);
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return reply.code(204).send();
  });

  // ---- admin -------------------------------------------------------------------------------
  const admin = { tags: ['Admin'] };
  const PartyId = Type.Object({ id: Type.String() });

  r.get('/admin/parties', { schema: { ...admin, summary: 'All parties' } }, async (request) => {
    requireRole(request, 'admin');
    return listParties(db);
  });

  r.post('/admin/parties', {
    schema: { ...admin, summary: 'Create a party (organisation) with its roles', body: Type.Object({ name: Type.String({ minLength: 1, maxLength: 200 }), roles: Type.Array(RoleSchema, { minItems: 1 }) }, Strict) },
  }, async (request, reply) => {
    const p = requireRole(request, 'admin');
    const res = await idempotent(db, request, p, async (tx) => {
      const party = await createParty(tx, request.body);
      await audit(tx, p, { action: 'party.create', resource: `party:${party.id}`, detail: party });
      return { status: 201, body: party };
    });
    return reply.code(res.status).send(res.body);
  });

  r.post('/admin/parties/:id/users', {
    schema: { ...admin, summary: 'Create a user of a party', params: PartyId, body: Type.Object({ username: Type.String(), password: Type.String() }, Strict) },
  }, async (request, reply) => {
    const p = requireRole(request, 'admin');
    const res = await idempotent(db, request, p, async (tx) => {
      const user = await createUser(tx, { partyId: request.params.id, ...request.body });
      await audit(tx, p, { action: 'user.create', resource: `user:${user.id}`, detail: { partyId: user.partyId, username: user.username } });
      return { status: 201, body: user };
    });
    return reply.code(res.status).send(res.body);
  });

  r.post('/admin/parties/:id/api-keys', {
    schema: { ...admin, summary: 'Create an API key (shown only in this answer)', params: PartyId, body: Type.Optional(Type.Object({ label: Type.Optional(Type.String({ maxLength: 100 })) }, Strict)) },
  }, async (request, reply) => {
    const p = requireRole(request, 'admin');
    // No Idempotency-Key replay here on purpose: a stored answer would keep the key in clear.
    const key = await db.transaction().execute(async (tx) => {
      const k = await createApiKey(tx, { partyId: request.params.id, label: request.body?.label });
      await audit(tx, p, { action: 'apikey.create', resource: `apikey:${k.id}`, detail: { partyId: k.partyId, label: k.label } });
      return k;
    });
    return reply.code(201).send(key);
  });

  r.get('/admin/parties/:id/api-keys', { schema: { ...admin, summary: 'API keys of a party (never the keys themselves)', params: PartyId } }, async (request) => {
    requireRole(request, 'admin');
    await requireParty(db, request.params.id);
    return listApiKeys(db, request.params.id);
  });

  r.delete('/admin/parties/:id/api-keys/:keyId', {
    schema: { ...admin, summary: 'Revoke an API key', params: Type.Object({ id: Type.String(), keyId: Type.String() }) },
  }, async (request, reply) => {
    const p = requireRole(request, 'admin');
    await db.transaction().execute(async (tx) => {
      await revokeApiKey(tx, request.params.id, request.params.keyId);
      await audit(tx, p, { action: 'apikey.revoke', resource: `apikey:${request.params.keyId}` });
    });
    forgetApiKeys();
    return reply.code(204).send();
  });

  r.get('/admin/audit', {
    schema: {
      ...admin, summary: 'The audit log, newest first, by party and time',
      querystring: Type.Object({
        partyId: Type.Optional(Type.String()), from: Type.Optional(Type.String()), to: Type.Optional(Type.String()),
        action: Type.Optional(Type.String()), limit: Type.Optional(Type.String({ pattern: '^[0-9]{1,4}$' })), before: Type.Optional(Type.String({ pattern: '^[0-9]{1,15}$' })),
      }, Strict),
    },
  }, async (request) => {
    requireRole(request, 'admin');
    const q = request.query;
    const time = (key: 'from' | 'to') => {
      if (q[key] === undefined) return undefined;
      const v = validateDateTime(q[key]!);
      if (!v.ok) throw invalid(`/query/${key}`, v.rule, v.message);
      return v.value.utc;
    };
    const limit = q.limit ? Number(q.limit) : 100;
    if (limit < 1 || limit > 1000) throw invalid('/query/limit', 'range', 'limit must be from 1 to 1000');
    return queryAudit(db, { partyId: q.partyId, from: time('from'), to: time('to'), action: q.action, limit, before: q.before ? Number(q.before) : undefined });
  });

  r.get('/admin/dead-letters', { schema: { ...admin, summary: 'Undeliverable notifications of every subscription' } }, async (request) => {
    requireRole(request, 'admin');
    const subs = await db.selectFrom('subscriptions').select('id').execute();
    return listDeadLetters(db, subs.map((s) => s.id), 1000);
  });

  r.post('/admin/dead-letters/replay', {
    schema: { ...admin, summary: 'Queue dead letters again', body: Type.Object({ subscriptionId: Type.Optional(Type.String()), ids: Type.Optional(Type.Array(Type.Integer())) }, Strict) },
  }, async (request) => {
    const p = requireRole(request, 'admin');
    const subs = request.body.subscriptionId ? [request.body.subscriptionId] : (await db.selectFrom('subscriptions').select('id').execute()).map((s) => s.id);
    const replayed = await replayDeadLetters(db, subs, request.body.ids);
    await audit(db, p, { action: 'deadletters.replay', detail: { ...request.body, replayed } });
    ctx.delivery?.wake();
    return { replayed };
  });

  // ---- grants ------------------------------------------------------------------------------
  const GrantBody = Type.Object({
    granteePartyId: Type.String({ minLength: 1 }),
    referenceType: Type.Union(GRANT_REFERENCE_TYPES.map((t) => Type.Literal(t))),
    referenceValue: Type.String({ minLength: 1, maxLength: 100 }),
    expiresAt: Type.Optional(Type.String({ description: 'ISO 8601 with offset; the grant lapses then' })),
  }, Strict);
  type GrantInput = Static<typeof GrantBody>;
  const grantInput = (body: GrantInput, at: string) => {
    if (body.expiresAt === undefined) return { ...body, expiresAt: undefined };
    const v = validateDateTime(body.expiresAt);
    if (!v.ok) throw invalid(`${at}/expiresAt`, v.rule, v.message);
    return { ...body, expiresAt: v.value.utc };
  };

  r.post('/v1/grants', {
    schema: { tags: ['Access'], summary: 'Share a booking (BKG), transport document (TRD) or container (EQ) with another party', body: GrantBody },
  }, async (request, reply) => {
    const p = requirePrincipal(request);
    const input = grantInput(request.body, '/body');
    const res = await idempotent(db, request, p, async (tx) => ({ status: 201, body: await createGrant(tx, p, input) }));
    return reply.code(res.status).send(res.body);
  });

  r.post('/v1/grants/batch', {
    schema: {
      tags: ['Access'], summary: `Up to ${MAX_GRANTS_PER_BATCH} grants in one transaction: all are made, or none (the problem names the item)`,
      body: Type.Array(GrantBody, { minItems: 1, maxItems: MAX_GRANTS_PER_BATCH }),
    },
  }, async (request, reply) => {
    const p = requirePrincipal(request);
    const inputs = request.body.map((item, i) => grantInput(item, `/body/${i}`));
    const res = await idempotent(db, request, p, async (tx) => {
      const grants = [];
      for (const [i, input] of inputs.entries()) grants.push(await createGrant(tx, p, input, `/body/${i}`));
      return { status: 200, body: grants };
    });
    return reply.code(res.status).send(res.body);
  });

  r.get('/v1/grants', { schema: { tags: ['Access'], summary: 'Grants you gave and received' } }, async (request) =>
    listGrants(db, requirePrincipal(request).partyId));

  r.delete('/v1/grants/:id', { schema: { tags: ['Access'], summary: 'Revoke a grant you gave', params: Type.Object({ id: Type.String() }) } }, async (request, reply) => {
    const p = requirePrincipal(request);
    await db.transaction().execute((tx) => revokeGrant(tx, p, request.params.id));
    return reply.code(204).send();
  });
}
