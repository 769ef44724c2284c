// Webhook subscriptions of any topic (topics.ts), in the DCSA shape: a callback URL, a shared
// secret that signs every notification, and the topic's filters as members of the subscription
// (checked by the topic's provider). A module mounts them at its own path: core knows no module's
// URL. Create, read, change (callback and filters; the secret apart), delete, dead letters, replay.
import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type, type TSchema, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { requirePrincipal, type Principal } from './auth.js';
import { audit } from './audit.js';
import { localCallbackHost } from './callbacks.js';
import type { AppContext } from './context.js';
import { listDeadLetters, MAX_REPLAY_IDS, replayDeadLetters } from './delivery.js';
import { invalid, notFound, ProblemError } from './errors.js';
import { idempotent } from './idempotency.js';
import { DeadLetterSchema, NoContent, ReplayedSchema } from './schemas.js';
import { subscriptionSecretContext } from './secrets.js';
import { nowIso } from './time.js';
import { MAX_SUBSCRIPTIONS_PER_PARTY } from './topics.js';

export interface SubscriptionMount {
  /** Where, e.g. `/v2/event-subscriptions`. */
  path: string;
  topic: string;
  tags: string[];
  /** The subscription as answered (its filters are the topic's). */
  schema: TSchema;
}

// Deprecated DCSA aliases (bookingReference, transportDocumentID, …) are rejected as unknown, not ignored.
const SUBSCRIPTION_FIELDS = ['subscriptionID', 'callbackUrl', 'secret'];

function parseCallbackUrl(value: unknown, allowLocal: boolean): string {
  if (typeof value !== 'string') throw invalid('/body/callbackUrl', 'required', 'callbackUrl is required');
  let url: URL;
  try { url = new URL(value); } catch { throw invalid('/body/callbackUrl', 'format', 'callbackUrl must be an absolute URL'); }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw invalid('/body/callbackUrl', 'format', 'callbackUrl must be http or https');
  if (value.length > 2000) throw invalid('/body/callbackUrl', 'maxLength', 'callbackUrl must have at most 2000 characters');
  const local = allowLocal ? undefined : localCallbackHost(url);
  if (local) throw invalid('/body/callbackUrl', 'publicAddress', `callbackUrl must reach a public address: ${local}`);
  return url.toString();
}

function parseSecret(value: unknown, pointer: string): string {
  if (typeof value !== 'string' || !/^[A-Za-z0-9+/]+={0,2}$/.test(value)) throw invalid(pointer, 'format', 'secret must be Base64');
  const bytes = Buffer.from(value, 'base64').length;
  if (bytes < 32 || bytes > 64) throw invalid(pointer, 'length', 'secret must decode to 32–64 bytes');
  return value;
}

function presentSubscription(row: { id: string; callback_url: string; filters: string; created_at: string; updated_at: string }) {
  return { subscriptionID: row.id, callbackUrl: row.callback_url, ...JSON.parse(row.filters), createdDateTime: row.created_at, updatedDateTime: row.updated_at };
}

export async function subscriptionRoutes(app: FastifyInstance, ctx: AppContext, mount: SubscriptionMount): Promise<void> {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const { path, topic, tags, schema: SubscriptionSchema } = mount;
  const provider = ctx.topics.get(topic);
  const own = async (viewer: Principal, id: string) => {
    const row = await ctx.db.selectFrom('subscriptions').selectAll().where('id', '=', id).where('party_id', '=', viewer.partyId).where('topic', '=', topic).executeTakeFirst();
    if (!row) throw notFound(`subscription ${id}`);
    return row;
  };
  const bodyOf = (request: FastifyRequest) => {
    const body = request.body;
    if (typeof body !== 'object' || body === null || Array.isArray(body)) throw invalid('/body', 'type', 'body must be a JSON object');
    return body as Record<string, unknown>;
  };
  // The body holds the callback, the secret and the filters; the filter parser skips the former.
  const filtersOf = (body: Record<string, unknown>) => provider.parseFilter(body, '/body', SUBSCRIPTION_FIELDS);
  const anyBody = Type.Object({}, { additionalProperties: true });

  r.get(path, { schema: { tags, summary: 'Your subscriptions', response: { 200: Type.Array(SubscriptionSchema) } } }, async (request) => {
    const viewer = requirePrincipal(request);
    const rows = await ctx.db.selectFrom('subscriptions').selectAll().where('party_id', '=', viewer.partyId).where('topic', '=', topic).orderBy('created_at').execute();
    return rows.map(presentSubscription);
  });

  r.post(path, {
    schema: { tags, summary: 'Subscribe a callback URL to what you may read of this topic, with its filters; notifications are signed with the secret', body: anyBody, response: { 201: SubscriptionSchema } },
  }, async (request, reply) => {
    const viewer = requirePrincipal(request);
    const body = bodyOf(request);
    const callbackUrl = parseCallbackUrl(body.callbackUrl, ctx.config.webhooksAllowLocal);
    const secret = parseSecret(body.secret, '/body/secret');
    const filters = filtersOf(body);
    const res = await idempotent(ctx.db, request, viewer, async (tx) => {
      const held = await tx.selectFrom('subscriptions').select((eb) => eb.fn.countAll<number>().as('n')).where('party_id', '=', viewer.partyId).executeTakeFirst();
      if (Number(held?.n ?? 0) >= MAX_SUBSCRIPTIONS_PER_PARTY) {
        const detail = `a party may hold at most ${MAX_SUBSCRIPTIONS_PER_PARTY} subscriptions; delete one first`;
        throw new ProblemError('conflict', detail, [{ pointer: '/body', rule: 'subscriptions.max', detail }]);
      }
      const now = nowIso();
      const id = randomUUID();
      // Sealed: a read of the database alone does not reveal the secret (core/secrets.ts).
      const row = { id, topic, party_id: viewer.partyId, callback_url: callbackUrl, secret: ctx.secrets.seal(secret, subscriptionSecretContext(id)), filters: JSON.stringify(filters), created_at: now, updated_at: now };
      await tx.insertInto('subscriptions').values(row).execute();
      await audit(tx, viewer, { action: 'subscription.create', resource: `subscription:${row.id}`, detail: { topic, callbackUrl, filters } });
      return { status: 201, body: presentSubscription(row) };
    });
    return reply.code(201).send(res.body);
  });

  r.get(`${path}/:subscriptionID`, { schema: { tags, summary: 'One subscription', params: Type.Object({ subscriptionID: Type.String() }), response: { 200: SubscriptionSchema } } }, async (request) =>
    presentSubscription(await own(requirePrincipal(request), request.params.subscriptionID)));

  r.put(`${path}/:subscriptionID`, {
    schema: { tags, summary: 'Change callback URL or filters (not the secret)', params: Type.Object({ subscriptionID: Type.String() }), body: anyBody, response: { 200: SubscriptionSchema } },
  }, async (request) => {
    const viewer = requirePrincipal(request);
    const body = bodyOf(request);
    if (body.secret !== undefined) throw invalid('/body/secret', 'notAllowed', 'change the secret with PUT …/secret');
    if (body.subscriptionID !== undefined && body.subscriptionID !== request.params.subscriptionID) throw invalid('/body/subscriptionID', 'const', 'subscriptionID must match the URL');
    const callbackUrl = parseCallbackUrl(body.callbackUrl, ctx.config.webhooksAllowLocal);
    const filters = filtersOf(body);
    await own(viewer, request.params.subscriptionID);
    await ctx.db.updateTable('subscriptions').set({ callback_url: callbackUrl, filters: JSON.stringify(filters), updated_at: nowIso() })
      .where('id', '=', request.params.subscriptionID).execute();
    return presentSubscription(await own(viewer, request.params.subscriptionID));
  });

  r.put(`${path}/:subscriptionID/secret`, {
    schema: { tags, summary: 'Replace the shared secret', params: Type.Object({ subscriptionID: Type.String() }), body: Type.Object({ secret: Type.String() }, { additionalProperties: false }), response: NoContent },
  }, async (request, reply) => {
    const viewer = requirePrincipal(request);
    const secret = parseSecret(request.body.secret, '/body/secret');
    await own(viewer, request.params.subscriptionID);
    const sealed = ctx.secrets.seal(secret, subscriptionSecretContext(request.params.subscriptionID));
    await ctx.db.updateTable('subscriptions').set({ secret: sealed, updated_at: nowIso() }).where('id', '=', request.params.subscriptionID).execute();
    return reply.code(204).send();
  });

  r.delete(`${path}/:subscriptionID`, { schema: { tags, summary: 'Unsubscribe', params: Type.Object({ subscriptionID: Type.String() }), response: NoContent } }, async (request, reply) => {
    const viewer = requirePrincipal(request);
    await own(viewer, request.params.subscriptionID);
    await ctx.db.transaction().execute(async (tx) => {
      await tx.deleteFrom('outbox').where('subscription_id', '=', request.params.subscriptionID).where('status', '!=', 'delivered').execute();
      await tx.deleteFrom('subscriptions').where('id', '=', request.params.subscriptionID).execute();
      await audit(tx, viewer, { action: 'subscription.delete', resource: `subscription:${request.params.subscriptionID}` });
    });
    return reply.code(204).send();
  });

  r.get(`${path}/:subscriptionID/dead-letters`, {
    schema: { tags, summary: 'Notifications that could not be delivered after every retry', params: Type.Object({ subscriptionID: Type.String() }), response: { 200: Type.Array(DeadLetterSchema) } },
  }, async (request) => {
    await own(requirePrincipal(request), request.params.subscriptionID);
    return listDeadLetters(ctx.db, ctx.topics, [request.params.subscriptionID]);
  });

  r.post(`${path}/:subscriptionID/dead-letters/replay`, {
    schema: { tags, summary: 'Send the dead letters again (all, or the listed ids)', params: Type.Object({ subscriptionID: Type.String() }), body: Type.Optional(Type.Object({ ids: Type.Optional(Type.Array(Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER }), { maxItems: MAX_REPLAY_IDS })) }, { additionalProperties: false })), response: { 200: ReplayedSchema } },
  }, async (request) => {
    const viewer = requirePrincipal(request);
    await own(viewer, request.params.subscriptionID);
    const replayed = await replayDeadLetters(ctx.db, [request.params.subscriptionID], request.body?.ids);
    await audit(ctx.db, viewer, { action: 'subscription.replay', resource: `subscription:${request.params.subscriptionID}`, detail: { replayed } });
    ctx.delivery?.wake();
    return { replayed };
  });

}
