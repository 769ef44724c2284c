// Unit tests of the bounds on parsed JSON (no database).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { jsonLimitError } from './jsonLimits.js';

const nested = (depth: number): unknown => (depth === 0 ? 'x' : { a: nested(depth - 1) });
const check = (v: unknown, maxStringLength?: number) => {
  const e = jsonLimitError(v, '/body', { maxDepth: 3, maxStringLength });
  return e && `${e.pointer} ${e.rule}`;
};

describe('jsonLimitError', () => {
  it('accepts values within the bounds', () => {
    assert.equal(check({ a: [{ b: 'text' }], n: 1, t: true, z: null }), undefined);
    assert.equal(check(nested(3)), undefined);
    assert.equal(check('x'.repeat(10), 10), undefined);
  });

  it('names the first container nested too deep', () => {
    assert.equal(check(nested(4)), '/body/a/a/a maxDepth');
    assert.equal(check({ list: [[['deep']]] }), '/body/list/0/0 maxDepth');
  });

  it('does not overflow the stack on input nested without bound', () => {
    let deep: unknown = [];
    for (let i = 0; i < 200_000; i++) deep = [deep];
    assert.equal(check(deep), '/body/0/0/0 maxDepth');
  });

  it('refuses NUL characters in values and in field names, with escaped pointers', () => {
    assert.equal(check({ 'a/b~c': 'x\u0000y' }), '/body/a~1b~0c noNul');
    assert.equal(check({ ['k\u0000']: 'v' }), '/body/k\u0000 noNul');
    assert.equal(check(['ok', 'bad\u0000']), '/body/1 noNul');
  });

  it('bounds text length, of values and names', () => {
    assert.equal(check({ a: 'x'.repeat(11) }, 10), '/body/a maxLength');
    assert.equal(check({ ['k'.repeat(11)]: 1 }, 10), `/body/${'k'.repeat(11)} maxLength`);
  });
});
