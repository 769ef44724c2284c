// Unit tests of the HTTP side of cursor paging (no database, no server).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { CursorSigner, MAX_PAGE_SIZE } from './cursors.js';
import { ProblemError } from './errors.js';
import { DEFAULT_PAGE_SIZE, nextPageHeaders, parsePageLimit, readListPage } from './paging.js';

const signer = new CursorSigner(randomBytes(32));
const scope = { list: 'GET /v1/things', partyId: 'p1' };
const ruleOf = (f: () => unknown) => {
  try { f(); } catch (e) { return e instanceof ProblemError ? `${e.errors?.[0].pointer} ${e.errors?.[0].rule}` : String(e); }
  return 'accepted';
};

/** A reply that only records its headers. */
function recordingReply() {
  const headers: Record<string, string> = {};
  return { headers, reply: { header(name: string, value: string) { headers[name] = value; } } };
}

describe('parsePageLimit', () => {
  it('defaults, accepts 1 to MAX_PAGE_SIZE, and refuses the rest as a range error of /query/limit', () => {
    assert.equal(parsePageLimit(undefined), DEFAULT_PAGE_SIZE);
    assert.equal(parsePageLimit('1'), 1);
    assert.equal(parsePageLimit(String(MAX_PAGE_SIZE)), MAX_PAGE_SIZE);
    for (const bad of ['0', String(MAX_PAGE_SIZE + 1), '1.5', '-1', 'ten', ['5', '6']]) assert.equal(ruleOf(() => parsePageLimit(bad)), '/query/limit range');
  });
});

describe('nextPageHeaders', () => {
  it('sets nothing on the last page', () => {
    const { headers, reply } = recordingReply();
    nextPageHeaders({ url: '/v1/things?x=1' }, reply, signer, scope, undefined, { x: '1' }, 10);
    assert.deepEqual(headers, {});
  });

  it('names the next page by its cursor alone, which carries the query and the page size', () => {
    const { headers, reply } = recordingReply();
    nextPageHeaders({ url: '/v1/things?x=1&limit=10' }, reply, signer, scope, 42, { x: '1' }, 10);
    const cursor = headers['Next-Page-Cursor'];
    assert.equal(headers['Next-Page'], `/v1/things?cursor=${cursor}`);
    assert.equal(headers.Link, `</v1/things?cursor=${cursor}>; rel="next"`);
    assert.deepEqual(readListPage(signer, scope, { cursor }, (q) => q), { filter: { x: '1' }, query: { x: '1' }, limit: 10, after: 42 });
  });
});
