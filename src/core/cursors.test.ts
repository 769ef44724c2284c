// Unit tests of signed paging cursors (no database).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac, randomBytes } from 'node:crypto';
import { CursorSigner, readPageRequest } from './cursors.js';
import { invalid, ProblemError } from './errors.js';

const key = randomBytes(32);
const signer = new CursorSigner(key);
const scope = { list: 'GET /v2/events', partyId: 'p1' };
const ruleOf = (f: () => unknown) => {
  try { f(); } catch (e) { return e instanceof ProblemError ? `${e.errors?.[0].pointer} ${e.errors?.[0].rule}` : String(e); }
  return 'accepted';
};
const forge = (payload: unknown, mac = 'AAAA') => `${Buffer.from(JSON.stringify(payload)).toString('base64url')}.${mac}`;
const parseFilter = (q: Record<string, unknown>) => {
  for (const [k, v] of Object.entries(q)) if (k !== 'eventType' || v !== 'EQUIPMENT') throw invalid(`/query/${k}`, 'enum', 'no');
  return q;
};
const parseLimit = (raw: unknown) => (raw === undefined ? 100 : Number(raw));

describe('CursorSigner', () => {
  it('opens what it issued, for the same list and party', () => {
    const token = signer.issue(scope, { query: { eventType: 'EQUIPMENT' }, after: 42, limit: 10 });
    assert.deepEqual(signer.open(scope, token), { query: { eventType: 'EQUIPMENT' }, after: 42, limit: 10 });
  });

  it('refuses a cursor of another list, another party, another key, or changed', () => {
    const token = signer.issue(scope, { query: {}, after: 42, limit: 10 });
    assert.equal(ruleOf(() => signer.open({ ...scope, list: 'GET /v1/port-calls' }, token)), '/query/cursor cursor');
    assert.equal(ruleOf(() => signer.open({ ...scope, partyId: 'p2' }, token)), '/query/cursor cursor');
    assert.equal(ruleOf(() => new CursorSigner(randomBytes(32)).open(scope, token)), '/query/cursor cursor');
    const [, mac] = token.split('.');
    assert.equal(ruleOf(() => signer.open(scope, forge({ q: {}, a: 0, l: 10 }, mac))), '/query/cursor cursor');
    for (const t of ['', 'x', 'x.y', '.', token.replace('.', ''), `${token}x`]) assert.equal(ruleOf(() => signer.open(scope, t)), '/query/cursor cursor', t);
  });

  it('refuses content of the wrong type even under a valid signature', () => {
    // Signed as the server signs (as if its key had leaked).
    const signed = (payload: unknown) => {
      const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
      return `${body}.${createHmac('sha256', key).update(`${scope.list}\n${scope.partyId}\n${body}`).digest('base64url')}`;
    };
    assert.equal(ruleOf(() => signer.open(scope, signed({ q: {}, a: 1, l: 10 }))), 'accepted');
    for (const bad of [{ q: {}, a: -1, l: 10 }, { q: {}, a: 1.5, l: 10 }, { q: {}, a: '1', l: 10 }, { q: {}, a: 1, l: 1e9 }, { q: {}, a: 1, l: 0 },
      { q: [], a: 1, l: 10 }, { q: null, a: 1, l: 10 }, { a: 1, l: 10 }, null, 'x']) {
      assert.equal(ruleOf(() => signer.open(scope, signed(bad))), '/query/cursor cursor', JSON.stringify(bad));
    }
  });
});

describe('readPageRequest', () => {
  it('reads the filter from the query string, or from the cursor through the same parser', () => {
    const first = readPageRequest(signer, scope, { eventType: 'EQUIPMENT', limit: '5' }, parseFilter, parseLimit);
    assert.deepEqual(first, { filter: { eventType: 'EQUIPMENT' }, query: { eventType: 'EQUIPMENT' }, limit: 5, after: undefined });
    const cursor = signer.issue(scope, { query: first.query, after: 7, limit: 5 });
    assert.deepEqual(readPageRequest(signer, scope, { cursor }, parseFilter, parseLimit), { filter: { eventType: 'EQUIPMENT' }, query: { eventType: 'EQUIPMENT' }, limit: 5, after: 7 });
    assert.equal(readPageRequest(signer, scope, { cursor, eventType: 'EQUIPMENT', limit: '9' }, parseFilter, parseLimit).limit, 9);
  });

  it('refuses a cursor sent with another filter, and a cursor whose filter no longer passes', () => {
    const cursor = signer.issue(scope, { query: { eventType: 'EQUIPMENT' }, after: 7, limit: 5 });
    assert.equal(ruleOf(() => readPageRequest(signer, scope, { cursor, eventType: 'SHIPMENT' }, parseFilter, parseLimit)), '/query/cursor cursor');
    const stale = signer.issue(scope, { query: { eventType: 'x' }, after: 7, limit: 5 });
    assert.equal(ruleOf(() => readPageRequest(signer, scope, { cursor: stale }, parseFilter, parseLimit)), '/query/cursor cursor');
  });
});
