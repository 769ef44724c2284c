// HTTP routes of the core: sessions for the web app, a party's own API keys, the admin API
// (parties, users, API keys, audit log, dead letters).
import type { FastifyInstance } from 'fastify';
import { Type, type Static, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { audit, queryAudit } from './audit.js';
import { forgetApiKeys, requirePrincipal, requireRole, requireUser, SESSION_COOKIE, type Principal } from './auth.js';
import type { AppContext } from './context.js';
import { listDeadLetters, MAX_REPLAY_IDS, replayDeadLetters } from './delivery.js';
import { invalid, ProblemError } from './errors.js';
import {
  createApiKey, createParty, createUser, endOtherSessions, endSession, listApiKeys, listParties, listSessions, login, logout, MAX_ROTATION_GRACE_HOURS,
  requireParty, revokeApiKey, ROLES, rotateApiKey, sessionPrincipal, type Role,
} from './identity.js';
import { idempotent } from './idempotency.js';
import { LoginGuard } from './loginGuard.js';
import { ownershipRoutes } from './ownershipRoutes.js';
import {
  ApiKeyInfoSchema, AuditEntrySchema, DeadLetterSchema, NewApiKeySchema, NoContent, PartySchema, ReplayedSchema, SessionInfoSchema, UserSchema,
} from './schemas.js';
import { nowIso } from './time.js';
import { validateDateTime } from '../standards/index.js';

const Strict = { additionalProperties: false };
const DEFAULT_ROTATION_GRACE_HOURS = 24;
const RoleSchema = Type.Union(ROLES.map((r) => Type.Literal(r)));

export async function coreRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const { db } = ctx;

  // ---- sessions (web app) ------------------------------------------------------------------
  const loginGuard = new LoginGuard(ctx.config.limits);
  r.post('/v1/session', {
    schema: { tags: ['Session'], summary: 'Log in (sets an HttpOnly session cookie)', body: Type.Object({ username: Type.String({ minLength: 1, maxLength: 64 }), password: Type.String({ minLength: 1, maxLength: 200 }) }, Strict), response: { 200: SessionInfoSchema } },
  }, async (request, reply) => {
    const { username, password } = request.body;
    loginGuard.check(username, request.ip);
    const session = await loginGuard.withHashSlot(() => login(db, username, password, { userAgent: request.headers['user-agent'], address: request.ip }));
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

  r.get('/v1/session', { schema: { tags: ['Session'], summary: 'Who is logged in', response: { 200: SessionInfoSchema } } }, async (request) => {
    const p = requirePrincipal(request);
    return { username: p.username ?? null, party: { id: p.partyId, name: p.partyName, roles: p.roles } };
  });

  r.delete('/v1/session', { schema: { tags: ['Session'], summary: 'Log out', response: NoContent } }, async (request, reply) => {
    const token = request.cookies[SESSION_COOKIE];
    if (token) await logout(db, token);
    await ctx.stream.recheck();
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return reply.code(204).send();
  });

  // A person's sessions (one per login): listed without their tokens, ended one by one or all
  // but the current one. Ending a session ends its live streams too.
  const SessionSchema = Type.Object({
    id: Type.String(), createdAt: Type.String(), expiresAt: Type.String(), userAgent: Type.Union([Type.String(), Type.Null()]),
    address: Type.Union([Type.String(), Type.Null()]), current: Type.Boolean(),
  });
  r.get('/v1/sessions', { schema: { tags: ['Session'], summary: 'Your open sessions (the logged-in user’s), newest first', response: { 200: Type.Array(SessionSchema) } } }, async (request) => {
    const me = requireUser(request);
    return (await listSessions(db, me.userId)).map((s) => ({ ...s, current: s.id === me.credential.sessionId }));
  });

  r.delete('/v1/sessions/:id', { schema: { tags: ['Session'], summary: 'End one of your sessions (logs that browser out)', params: Type.Object({ id: Type.String() }), response: NoContent } }, async (request, reply) => {
    const me = requireUser(request);
    await db.transaction().execute(async (tx) => {
      await endSession(tx, me.userId, request.params.id);
      await audit(tx, me, { action: 'session.end', resource: `session:${request.params.id}` });
    });
    await ctx.stream.recheck();
    if (request.params.id === me.credential.sessionId) reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return reply.code(204).send();
  });

  r.delete('/v1/sessions', { schema: { tags: ['Session'], summary: 'End all your sessions but this one', response: { 200: Type.Object({ ended: Type.Integer() }) } } }, async (request) => {
    const me = requireUser(request);
    const ended = await db.transaction().execute(async (tx) => {
      const n = await endOtherSessions(tx, me.userId, me.credential.sessionId);
      await audit(tx, me, { action: 'session.end-others', detail: { ended: n } });
      return n;
    });
    await ctx.stream.recheck();
    return { ended };
  });

  // ---- API keys: the admin API for every party, and a party's own users for theirs -----------
  const NewKeyBody = Type.Object({
    label: Type.Optional(Type.String({ maxLength: 100 })),
    expiresAt: Type.Optional(Type.String({ description: 'ISO 8601 with offset, in the future; the key stops working then' })),
  }, Strict);
  const RotateBody = Type.Object({
    graceHours: Type.Optional(Type.Integer({ minimum: 0, maximum: MAX_ROTATION_GRACE_HOURS, description: 'how long the old key keeps working (default 24)' })),
    expiresAt: Type.Optional(Type.String({ description: 'expiry of the new key (ISO 8601 with offset, in the future)' })),
  }, Strict);
  const futureTime = (value: string | undefined, pointer: string) => {
    if (value === undefined) return undefined;
    const v = validateDateTime(value);
    if (!v.ok) throw invalid(pointer, v.rule, v.message);
    if (v.value.utc <= nowIso()) throw invalid(pointer, 'future', 'expiresAt must lie in the future');
    return v.value.utc;
  };
  // No Idempotency-Key replay for keys on purpose: a stored answer would keep the key in clear.
  const issueKey = (p: Principal, partyId: string, body: Static<typeof NewKeyBody>) => {
    const expiresAt = futureTime(body.expiresAt, '/body/expiresAt');
    return db.transaction().execute(async (tx) => {
      const k = await createApiKey(tx, { partyId, label: body.label, expiresAt });
      await audit(tx, p, { action: 'apikey.create', resource: `apikey:${k.id}`, detail: { partyId: k.partyId, label: k.label, expiresAt: k.expiresAt } });
      return k;
    });
  };
  const rotateKey = async (p: Principal, partyId: string, keyId: string, body: Static<typeof RotateBody>) => {
    const expiresAt = futureTime(body.expiresAt, '/body/expiresAt');
    const k = await db.transaction().execute(async (tx) => {
      const rotated = await rotateApiKey(tx, partyId, keyId, { graceHours: body.graceHours ?? DEFAULT_ROTATION_GRACE_HOURS, expiresAt });
      await audit(tx, p, { action: 'apikey.rotate', resource: `apikey:${keyId}`, detail: { partyId, newKeyId: rotated.id, oldKeyExpiresAt: rotated.replaces.expiresAt } });
      return rotated;
    });
    forgetApiKeys();
    return k;
  };
  const revokeKey = async (p: Principal, partyId: string, keyId: string) => {
    await db.transaction().execute(async (tx) => {
      await revokeApiKey(tx, partyId, keyId);
      await audit(tx, p, { action: 'apikey.revoke', resource: `apikey:${keyId}`, detail: { partyId } });
    });
    forgetApiKeys();
    await ctx.stream.recheck();
  };

  // A party's own keys, managed by its logged-in users. Not by an API key: a leaked key must
  // not be able to mint further keys that outlive its revocation.
  const own = { tags: ['API keys'] };
  r.get('/v1/api-keys', { schema: { ...own, summary: 'Your party’s API keys (never the keys themselves); needs a logged-in user', response: { 200: Type.Array(ApiKeyInfoSchema) } } }, async (request) =>
    listApiKeys(db, requireUser(request).partyId));

  r.post('/v1/api-keys', { schema: { ...own, summary: 'Create an API key for your party (shown only in this answer); needs a logged-in user', body: Type.Optional(NewKeyBody), response: { 201: NewApiKeySchema } } }, async (request, reply) => {
    const me = requireUser(request);
    return reply.code(201).send(await issueKey(me, me.partyId, request.body ?? {}));
  });

  r.post('/v1/api-keys/:id/rotate', {
    schema: { ...own, summary: 'Rotate one of your party’s API keys; the old one keeps working for graceHours', params: Type.Object({ id: Type.String() }), body: Type.Optional(RotateBody), response: { 201: NewApiKeySchema } },
  }, async (request, reply) => {
    const me = requireUser(request);
    return reply.code(201).send(await rotateKey(me, me.partyId, request.params.id, request.body ?? {}));
  });

  r.delete('/v1/api-keys/:id', { schema: { ...own, summary: 'Revoke one of your party’s API keys (open streams using it end)', params: Type.Object({ id: Type.String() }), response: NoContent } }, async (request, reply) => {
    const me = requireUser(request);
    await revokeKey(me, me.partyId, request.params.id);
    return reply.code(204).send();
  });

  // ---- admin -------------------------------------------------------------------------------
  const admin = { tags: ['Admin'] };
  const PartyId = Type.Object({ id: Type.String() });

  r.get('/admin/parties', { schema: { ...admin, summary: 'All parties', response: { 200: Type.Array(PartySchema) } } }, async (request) => {
    requireRole(request, 'admin');
    return listParties(db);
  });

  r.post('/admin/parties', {
    schema: { ...admin, summary: 'Create a party (organisation) with its roles', body: Type.Object({ name: Type.String({ minLength: 1, maxLength: 200 }), roles: Type.Array(RoleSchema, { minItems: 1 }) }, Strict), response: { 201: PartySchema } },
  }, async (request, reply) => {
    const p = requireRole(request, 'admin');
    const res = await idempotent(db, request, p, async (tx) => {
      const party = await createParty(tx, request.body);
      await audit(tx, p, { action: 'party.create', resource: `party:${party.id}`, detail: party });
      return { status: 201, body: party };
    });
    return reply.code(res.status as 201).send(res.body);
  });

  r.post('/admin/parties/:id/users', {
    schema: { ...admin, summary: 'Create a user of a party', params: PartyId, body: Type.Object({ username: Type.String(), password: Type.String() }, Strict), response: { 201: UserSchema } },
  }, async (request, reply) => {
    const p = requireRole(request, 'admin');
    const res = await idempotent(db, request, p, async (tx) => {
      const user = await createUser(tx, { partyId: request.params.id, ...request.body });
      await audit(tx, p, { action: 'user.create', resource: `user:${user.id}`, detail: { partyId: user.partyId, username: user.username } });
      return { status: 201, body: user };
    });
    return reply.code(res.status as 201).send(res.body);
  });

  r.post('/admin/parties/:id/api-keys', {
    schema: { ...admin, summary: 'Create an API key (shown only in this answer), optionally expiring', params: PartyId, body: Type.Optional(NewKeyBody), response: { 201: NewApiKeySchema } },
  }, async (request, reply) => {
    const p = requireRole(request, 'admin');
    return reply.code(201).send(await issueKey(p, request.params.id, request.body ?? {}));
  });

  r.get('/admin/parties/:id/api-keys', { schema: { ...admin, summary: 'API keys of a party (never the keys themselves)', params: PartyId, response: { 200: Type.Array(ApiKeyInfoSchema) } } }, async (request) => {
    requireRole(request, 'admin');
    await requireParty(db, request.params.id);
    return listApiKeys(db, request.params.id);
  });

  r.post('/admin/parties/:id/api-keys/:keyId/rotate', {
    schema: { ...admin, summary: 'Rotate an API key: a new key (shown only in this answer); the old one keeps working for graceHours', params: Type.Object({ id: Type.String(), keyId: Type.String() }), body: Type.Optional(RotateBody), response: { 201: NewApiKeySchema } },
  }, async (request, reply) => {
    const p = requireRole(request, 'admin');
    return reply.code(201).send(await rotateKey(p, request.params.id, request.params.keyId, request.body ?? {}));
  });

  r.delete('/admin/parties/:id/api-keys/:keyId', {
    schema: { ...admin, summary: 'Revoke an API key', params: Type.Object({ id: Type.String(), keyId: Type.String() }), response: NoContent },
  }, async (request, reply) => {
    const p = requireRole(request, 'admin');
    await revokeKey(p, request.params.id, request.params.keyId);
    return reply.code(204).send();
  });

  r.get('/admin/audit', {
    schema: {
      ...admin, summary: 'The audit log, newest first, by party and time',
      querystring: Type.Object({
        partyId: Type.Optional(Type.String()), from: Type.Optional(Type.String()), to: Type.Optional(Type.String()),
        action: Type.Optional(Type.String()), limit: Type.Optional(Type.String({ pattern: '^[0-9]{1,4}$' })), before: Type.Optional(Type.String({ pattern: '^[0-9]{1,15}$' })),
      }, Strict),
      response: { 200: Type.Array(AuditEntrySchema) },
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

  r.get('/admin/dead-letters', { schema: { ...admin, summary: 'Undeliverable notifications of every subscription', response: { 200: Type.Array(DeadLetterSchema) } } }, async (request) => {
    requireRole(request, 'admin');
    const subs = await db.selectFrom('subscriptions').select('id').execute();
    return listDeadLetters(db, ctx.topics, subs.map((s) => s.id), 1000);
  });

  r.post('/admin/dead-letters/replay', {
    schema: { ...admin, summary: 'Queue dead letters again', body: Type.Object({ subscriptionId: Type.Optional(Type.String()), ids: Type.Optional(Type.Array(Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER }), { maxItems: MAX_REPLAY_IDS })) }, Strict), response: { 200: ReplayedSchema } },
  }, async (request) => {
    const p = requireRole(request, 'admin');
    const subs = request.body.subscriptionId ? [request.body.subscriptionId] : (await db.selectFrom('subscriptions').select('id').execute()).map((s) => s.id);
    const replayed = await replayDeadLetters(db, subs, request.body.ids);
    await audit(db, p, { action: 'deadletters.replay', detail: { ...request.body, replayed } });
    ctx.delivery?.wake();
    return { replayed };
  });

  await ownershipRoutes(app, ctx);
}
