// Sharing (DCSA Track & Trace): a party grants another the events of a booking, a B/L or a box
// it may pass on (grants.ts); grants are made one by one or in batches of all-or-nothing.
import type { FastifyInstance } from 'fastify';
import { Type, type Static, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { requirePrincipal } from '../../core/auth.js';
import type { AppContext } from '../../core/context.js';
import { invalid } from '../../core/errors.js';
import { idempotent } from '../../core/idempotency.js';
import { NoContent } from '../../core/schemas.js';
import { validateDateTime } from '../../standards/index.js';
import { GRANT_REFERENCE_TYPES } from './access.js';
import { createGrant, GRANT_SCOPES, listGrants, revokeGrant } from './grants.js';
import { GrantListSchema, GrantSchema } from './schemas.js';
import { trackingDb } from './tables.js';

const Strict = { additionalProperties: false };
const MAX_GRANTS_PER_BATCH = 1000;

export async function grantRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const { db } = ctx;
  const GrantBody = Type.Object({
    granteePartyId: Type.String({ minLength: 1 }),
    referenceType: Type.Union(GRANT_REFERENCE_TYPES.map((t) => Type.Literal(t))),
    referenceValue: Type.String({ minLength: 1, maxLength: 100 }),
    expiresAt: Type.Optional(Type.String({ description: 'ISO 8601 with offset; the grant lapses then' })),
    scope: Type.Optional(Type.Union(GRANT_SCOPES.map((s) => Type.Literal(s)), { description: 'read (default): see the document\'s events; publish: also publish events on it for its issuer (only the issuing carrier grants this)' })),
  }, Strict);
  type GrantInput = Static<typeof GrantBody>;
  const grantInput = (body: GrantInput, at: string) => {
    if (body.expiresAt === undefined) return { ...body, expiresAt: undefined };
    const v = validateDateTime(body.expiresAt);
    if (!v.ok) throw invalid(`${at}/expiresAt`, v.rule, v.message);
    return { ...body, expiresAt: v.value.utc };
  };

  r.post('/v1/grants', {
    schema: { tags: ['Access'], summary: 'Share a booking (BKG), transport document (TRD) or container (EQ) with another party', body: GrantBody, response: { 201: GrantSchema } },
  }, async (request, reply) => {
    const p = requirePrincipal(request);
    const input = grantInput(request.body, '/body');
    const res = await idempotent(db, request, p, async (tx) => ({ status: 201, body: await createGrant(trackingDb(tx), ctx.ownership, p, input) }));
    return reply.code(res.status as 201).send(res.body);
  });

  r.post('/v1/grants/batch', {
    schema: {
      tags: ['Access'], summary: `Up to ${MAX_GRANTS_PER_BATCH} grants in one transaction: all are made, or none (the problem names the item)`,
      body: Type.Array(GrantBody, { minItems: 1, maxItems: MAX_GRANTS_PER_BATCH }),
      response: { 200: Type.Array(GrantSchema) },
    },
  }, async (request, reply) => {
    const p = requirePrincipal(request);
    const inputs = request.body.map((item, i) => grantInput(item, `/body/${i}`));
    const res = await idempotent(db, request, p, async (tx) => {
      const grants = [];
      for (const [i, input] of inputs.entries()) grants.push(await createGrant(trackingDb(tx), ctx.ownership, p, input, `/body/${i}`));
      return { status: 200, body: grants };
    });
    return reply.code(res.status as 200).send(res.body);
  });

  r.get('/v1/grants', { schema: { tags: ['Access'], summary: 'Grants you gave and received', response: { 200: GrantListSchema } } }, async (request) =>
    listGrants(trackingDb(db), requirePrincipal(request).partyId));

  r.delete('/v1/grants/:id', { schema: { tags: ['Access'], summary: 'Revoke a grant you gave', params: Type.Object({ id: Type.String() }), response: NoContent } }, async (request, reply) => {
    const p = requirePrincipal(request);
    await db.transaction().execute((tx) => revokeGrant(trackingDb(tx), p, request.params.id));
    return reply.code(204).send();
  });
}
