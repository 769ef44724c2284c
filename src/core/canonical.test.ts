import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { canonicalJson, contentHash } from './canonical.js';

describe('canonical JSON', () => {
  it('the same content in another key order gives the same text and hash', () => {
    const a = { eventID: 'x', transportCall: { vessel: { vesselName: 'A', vesselIMONumber: '9321483' }, UNLocationCode: 'CNTAO' }, refs: [{ b: 1, a: 2 }] };
    const b = { refs: [{ a: 2, b: 1 }], transportCall: { UNLocationCode: 'CNTAO', vessel: { vesselIMONumber: '9321483', vesselName: 'A' } }, eventID: 'x' };
    assert.equal(canonicalJson(a), canonicalJson(b));
    assert.equal(canonicalJson(a), '{"eventID":"x","refs":[{"a":2,"b":1}],"transportCall":{"UNLocationCode":"CNTAO","vessel":{"vesselIMONumber":"9321483","vesselName":"A"}}}');
    assert.equal(contentHash(a), contentHash(b));
  });

  it('other content, or another order inside an array, gives another hash', () => {
    assert.notEqual(contentHash({ a: 1 }), contentHash({ a: 2 }));
    assert.notEqual(contentHash({ a: [1, 2] }), contentHash({ a: [2, 1] }));
    assert.notEqual(contentHash({ a: '1' }), contentHash({ a: 1 }));
  });

  it('keeps a key named __proto__ as content (parsed JSON may carry one)', () => {
    const a = JSON.parse('{"b":1,"__proto__":{"x":1}}');
    const b = JSON.parse('{"b":1,"__proto__":{"x":2}}');
    assert.equal(canonicalJson(a), '{"__proto__":{"x":1},"b":1}');
    assert.notEqual(contentHash(a), contentHash(b));
  });
});
