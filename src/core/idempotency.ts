// Idempotency-Key (IETF httpapi draft): a client may retry a POST with the same key and gets the
// first answer again instead of a second record. The stored answer commits with the record.
import type { FastifyRequest } from 'fastify';
import type { Db, Tx } from './db.js';
import { contentHash } from './canonical.js';
import { conflict, invalid } from './errors.js';
import type { Principal } from './auth.js';
import { nowIso } from './time.js';

export interface StoredResponse<T> {
  status: number;
  body: T;
}

const KEY = /^[\x21-\x7e]{1,255}$/;

/** Runs `write` in a transaction once per (party, Idempotency-Key); without a key, just once. */
export async function idempotent<T>(
  db: Db,
  request: FastifyRequest,
  principal: Principal,
  write: (tx: Tx) => Promise<StoredResponse<T>>,
): Promise<StoredResponse<T>> {
  const key = request.headers['idempotency-key'];
  if (key === undefined) return db.transaction().execute(write);
  if (typeof key !== 'string' || !KEY.test(key)) {
    throw invalid('/headers/idempotency-key', 'pattern', 'Idempotency-Key must be 1–255 visible ASCII characters');
  }
  const requestHash = contentHash({ method: request.method, url: request.url, body: request.body ?? null });
  return db.transaction().execute(async (tx) => {
    const prior = await tx.selectFrom('idempotency_keys').selectAll()
      .where('party_id', '=', principal.partyId).where('key', '=', key).executeTakeFirst();
    if (prior) {
      if (prior.request_hash !== requestHash) throw conflict('this Idempotency-Key was used for a different request');
      return { status: prior.status_code, body: JSON.parse(prior.response) as T };
    }
    const response = await write(tx);
    await tx.insertInto('idempotency_keys').values({
      party_id: principal.partyId, key, request_hash: requestHash, status_code: response.status,
      response: JSON.stringify(response.body), created_at: nowIso(),
    }).execute();
    return response;
  });
}
