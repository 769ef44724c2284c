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
});
