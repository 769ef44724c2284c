// The HTTP side of cursor paging (core/cursors.ts signs and opens the cursors), one way for every
// paged list: `limit` and `cursor` in the query string; the next page, when there is one, in
// `Next-Page-Cursor`, `Next-Page` (its URL) and `Link` (rel="next"), so a client follows it
// without repeating its query. The cursor alone names the next page: the URL carries nothing else.
import { MAX_PAGE_SIZE, readPageRequest, type CursorScope, type CursorSigner, type PageRequest } from './cursors.js';
import { invalid } from './errors.js';

export const DEFAULT_PAGE_SIZE = 100;

/** The `limit` query parameter: 1 to MAX_PAGE_SIZE, DEFAULT_PAGE_SIZE when absent. */
export function parsePageLimit(raw: unknown): number {
  if (raw === undefined) return DEFAULT_PAGE_SIZE;
  const n = Number(raw);
  if (typeof raw !== 'string' || !/^\d+$/.test(raw) || n < 1 || n > MAX_PAGE_SIZE) throw invalid('/query/limit', 'range', `limit must be an integer from 1 to ${MAX_PAGE_SIZE}`);
  return n;
}

/**
 * A list's filter, page size and position, from its query string or from its cursor (whose
 * parameters go through `parseFilter` as a query string's do: readPageRequest).
 */
export function readListPage<F>(
  cursors: CursorSigner, scope: CursorScope, rawQuery: Record<string, unknown>, parseFilter: (query: Record<string, unknown>) => F,
): PageRequest<F> {
  return readPageRequest(cursors, scope, rawQuery, parseFilter, parsePageLimit);
}

/** Sets Next-Page-Cursor, Next-Page and Link when another page follows (`nextAfter`, the last `seq` served). */
export function nextPageHeaders(
  request: { url: string }, reply: { header(name: string, value: string): unknown }, cursors: CursorSigner, scope: CursorScope,
  nextAfter: number | undefined, query: Record<string, unknown>, limit: number,
): void {
  if (nextAfter === undefined) return;
  const next = cursors.issue(scope, { query, after: nextAfter, limit });
  const url = `${request.url.split('?')[0]}?cursor=${next}`;
  reply.header('Next-Page-Cursor', next);
  reply.header('Next-Page', url);
  reply.header('Link', `<${url}>; rel="next"`);
}
