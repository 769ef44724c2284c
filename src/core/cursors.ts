// Paging cursors. A cursor comes back from the client, so it is untrusted input: it is signed
// (HMAC-SHA256 under a key derived from the master key, core/secrets.ts) for one list and one
// party, and what it carries — the list's query parameters as the client first sent them, the
// last `seq` and the page size — is validated again, by the same parser as a query string,
// each time it is used. A cursor never carries anything the server would trust as SQL.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { canonicalJson } from './canonical.js';
import { invalid, ProblemError } from './errors.js';

export const MAX_PAGE_SIZE = 1000;

/** What a cursor carries: the filter's query parameters (as sent), the last `seq`, the page size. */
export interface PageCursor {
  query: Record<string, unknown>;
  after: number;
  limit: number;
}

/** A cursor is valid for one list (`scope`, e.g. `GET /v2/events`) and one party. */
export interface CursorScope {
  list: string;
  partyId: string;
}

const refused = (detail = 'cursor is not one this server issued for this list') => invalid('/query/cursor', 'cursor', detail);

export class CursorSigner {
  constructor(private readonly key: Buffer) {}

  issue(scope: CursorScope, c: PageCursor): string {
    const payload = Buffer.from(JSON.stringify({ q: c.query, a: c.after, l: c.limit })).toString('base64url');
    return `${payload}.${this.mac(scope, payload).toString('base64url')}`;
  }

  /** The cursor's content, when this server issued it for this scope; else a 400 (rule `cursor`). */
  open(scope: CursorScope, token: string): PageCursor {
    const dot = token.indexOf('.');
    if (dot < 0 || token.length > 16_384) throw refused();
    const payload = token.slice(0, dot);
    const given = Buffer.from(token.slice(dot + 1), 'base64url');
    const expected = this.mac(scope, payload);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw refused();
    let c: { q?: unknown; a?: unknown; l?: unknown };
    try { c = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')); } catch { throw refused(); }
    // Signed by us, but checked as strictly as if it were not: a key that leaked, or a cursor
    // of an older version, must still not reach a query with a value of the wrong type.
    const query = c?.q;
    if (typeof query !== 'object' || query === null || Array.isArray(query)) throw refused();
    if (!Number.isSafeInteger(c.a) || (c.a as number) < 0) throw refused();
    if (!Number.isInteger(c.l) || (c.l as number) < 1 || (c.l as number) > MAX_PAGE_SIZE) throw refused();
    return { query: query as Record<string, unknown>, after: c.a as number, limit: c.l as number };
  }

  private mac(scope: CursorScope, payload: string): Buffer {
    return createHmac('sha256', this.key).update(`${scope.list}\n${scope.partyId}\n${payload}`).digest();
  }
}

export interface PageRequest<F> {
  filter: F;
  /** The filter's query parameters, to be carried by the next page's cursor. */
  query: Record<string, unknown>;
  limit: number;
  after: number | undefined;
}

/**
 * Reads a paged list's request: the filter from the query string, or from the cursor, whose
 * parameters go through `parseFilter` exactly as a query string does. A cursor sent with filter
 * parameters must carry the same ones. `limit` may change the page size of a cursor.
 */
export function readPageRequest<F>(
  signer: CursorSigner, scope: CursorScope, rawQuery: Record<string, unknown>,
  parseFilter: (query: Record<string, unknown>) => F, parseLimit: (raw: unknown) => number,
): PageRequest<F> {
  const { limit: rawLimit, cursor, ...query } = rawQuery;
  if (cursor === undefined || cursor === '') return { filter: parseFilter(query), query, limit: parseLimit(rawLimit), after: undefined };
  if (typeof cursor !== 'string') throw invalid('/query/cursor', 'type', 'give cursor once');
  const c = signer.open(scope, cursor);
  if (Object.keys(query).length && canonicalJson(query) !== canonicalJson(c.query)) throw refused('cursor belongs to another filter: send it alone, or with the query it came from');
  let filter: F;
  try {
    filter = parseFilter(c.query);
  } catch (error) {
    if (error instanceof ProblemError) throw refused(`cursor's filter is not valid: ${error.message}`);
    throw error;
  }
  return { filter, query: c.query, limit: rawLimit === undefined ? c.limit : parseLimit(rawLimit), after: c.after };
}
