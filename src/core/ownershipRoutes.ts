// HTTP face of ownership (ownership.ts): the platform operator registers each carrier's codes;
// a carrier names the parties that act for it on all its shipments.
import type { FastifyInstance } from 'fastify';
import { Type, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { audit } from './audit.js';
import { requirePrincipal, requireRole } from './auth.js';
import type { AppContext } from './context.js';
import { invalid, ProblemError } from './errors.js';
import { requireParty } from './identity.js';
import { idempotent } from './idempotency.js';
import { EQUIPMENT_OWNER_CODE, partyCodes, REFERENCE_PREFIX, setPartyCodes } from './ownership.js';
import { NoContent } from './schemas.js';
import { nowIso } from './time.js';

const Codes = Type.Object({
  referencePrefixes: Type.Array(Type.String({ pattern: REFERENCE_PREFIX.source, description: 'booking and B/L numbers of this carrier start with it (its SCAC, say)' }), { maxItems: 50, uniqueItems: true }),
  equipmentOwnerCodes: Type.Array(Type.String({ pattern: EQUIPMENT_OWNER_CODE.source, description: 'BIC owner code and category of its containers, e.g. CSNU' }), { maxItems: 200, uniqueItems: true }),
}, { additionalProperties: false });

export async function ownershipRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const { db } = ctx;

  r.get('/admin/parties/:id/codes', {
    schema: { tags: ['Admin'], summary: 'A carrier’s registered reference prefixes and container owner codes', params: Type.Object({ id: Type.String() }), response: { 200: Codes } },
  }, async (request) => {
    requireRole(request, 'admin');
    await requireParty(db, request.params.id);
    return partyCodes(db, request.params.id);
  });

  r.put('/admin/parties/:id/codes', {
    schema: {
      tags: ['Admin'], params: Type.Object({ id: Type.String() }), body: Codes, response: { 200: Codes },
      summary: 'Register a carrier’s codes (replaces them): whose booking and B/L numbers, and whose boxes, are whose — never first come, first served',
    },
  }, async (request) => {
    const admin = requireRole(request, 'admin');
    const party = await requireParty(db, request.params.id);
    await db.transaction().execute(async (tx) => {
      await setPartyCodes(tx, party, request.body);
      await audit(tx, admin, { action: 'party.codes', resource: `party:${party.id}`, detail: request.body });
    });
    ctx.ownership.invalidate();
    return partyCodes(db, party.id);
  });

  const Agent = Type.Object({ principalPartyId: Type.String(), agentPartyId: Type.String(), createdAt: Type.String(), revokedAt: Type.Union([Type.String(), Type.Null()]) });
  const present = (a: { principal_party_id: string; agent_party_id: string; created_at: string; revoked_at: string | null }) =>
    ({ principalPartyId: a.principal_party_id, agentPartyId: a.agent_party_id, createdAt: a.created_at, revokedAt: a.revoked_at });

  r.get('/v1/agents', {
    schema: { tags: ['Access'], summary: 'Parties you named to act for you, and those that named you', response: { 200: Type.Object({ named: Type.Array(Agent), actingFor: Type.Array(Agent) }) } },
  }, async (request) => {
    const p = requirePrincipal(request);
    const rows = await db.selectFrom('agents').selectAll().where('revoked_at', 'is', null)
      .where((eb) => eb.or([eb('principal_party_id', '=', p.partyId), eb('agent_party_id', '=', p.partyId)])).orderBy('created_at').execute();
    return { named: rows.filter((a) => a.principal_party_id === p.partyId).map(present), actingFor: rows.filter((a) => a.agent_party_id === p.partyId).map(present) };
  });

  r.post('/v1/agents', {
    schema: {
      tags: ['Access'], body: Type.Object({ agentPartyId: Type.String({ minLength: 1, maxLength: 100 }) }, { additionalProperties: false }), response: { 201: Agent },
      summary: 'Name a party to act for you on all your shipments (your terminals, your rail operator): its events on your bookings and B/Ls are accepted, and its events of your boxes belong to your shipments',
    },
  }, async (request, reply) => {
    const p = requireRole(request, 'carrier');
    const agentId = request.body.agentPartyId;
    if (agentId === p.partyId) throw invalid('/body/agentPartyId', 'notSelf', 'a party always acts for itself');
    const res = await idempotent(db, request, p, async (tx) => {
      if (!(await tx.selectFrom('parties').select('id').where('id', '=', agentId).executeTakeFirst())) throw invalid('/body/agentPartyId', 'exists', `no party ${agentId}`);
      const active = await tx.selectFrom('agents').selectAll().where('principal_party_id', '=', p.partyId).where('agent_party_id', '=', agentId).where('revoked_at', 'is', null).executeTakeFirst();
      if (active) return { status: 201, body: present(active) };
      const row = { principal_party_id: p.partyId, agent_party_id: agentId, created_at: nowIso(), revoked_at: null };
      await tx.insertInto('agents').values(row).execute();
      await audit(tx, p, { action: 'agent.name', resource: `party:${agentId}` });
      return { status: 201, body: present(row) };
    });
    ctx.ownership.invalidate();
    return reply.code(201).send(res.body);
  });

  r.delete('/v1/agents/:agentPartyId', {
    schema: { tags: ['Access'], summary: 'Stop a party acting for you (its events received until now stay part of your shipments)', params: Type.Object({ agentPartyId: Type.String() }), response: NoContent },
  }, async (request, reply) => {
    const p = requirePrincipal(request);
    await db.transaction().execute(async (tx) => {
      const res = await tx.updateTable('agents').set({ revoked_at: nowIso() })
        .where('principal_party_id', '=', p.partyId).where('agent_party_id', '=', request.params.agentPartyId).where('revoked_at', 'is', null).executeTakeFirst();
      if (Number(res.numUpdatedRows) === 0) throw new ProblemError('not-found', `party ${request.params.agentPartyId} does not act for you`);
      await audit(tx, p, { action: 'agent.revoke', resource: `party:${request.params.agentPartyId}` });
    });
    ctx.ownership.invalidate();
    return reply.code(204).send();
  });
}
