// Unit tests of the field checker the modules validate their events with (pure).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { validateImoNumber } from '../standards/index.js';
import { FieldChecker } from './fieldChecker.js';

describe('FieldChecker', () => {
  it('names each broken field by its JSON pointer under the document, with the rule of Ajv or the standard', () => {
    const c = new FieldChecker('/body/2');
    const doc = { id: 'nope', kind: 'X', when: '2026-13-01T00:00:00Z', imo: '9074728', call: { extra: 1 }, list: [1, 2, 3] };
    assert.equal(c.uuid(doc, 'id', '', true), undefined);
    assert.equal(c.code(doc, 'kind', '', ['A', 'B'] as const), undefined);
    assert.equal(c.dateTime(doc, 'when', ''), undefined);
    assert.equal(c.standard(doc, 'imo', '', validateImoNumber), undefined);
    assert.equal(c.string(doc, 'name', '', { required: true }), undefined);
    assert.deepEqual(c.object(doc, 'call', '', ['ok']), { extra: 1 });
    assert.equal(c.array(doc, 'list', '', { max: 2 }), undefined);
    assert.deepEqual(c.errors.map((e) => `${e.pointer} ${e.rule}`), [
      '/body/2/id format', '/body/2/kind enum', `/body/2/when ${c.errors[2].rule}`, `/body/2/imo ${c.errors[3].rule}`,
      '/body/2/name required', '/body/2/call/extra additionalProperties', '/body/2/list maxItems',
    ]);
    assert.match(c.errors[2].rule, /^datetime\./);
    assert.match(c.errors[3].rule, /^imo\./);
    assert.equal(c.errors[1].detail, 'kind must be one of A, B; got "X"');
  });

  it('returns valid values (date-times in UTC), leaves open objects unchecked, and carries params', () => {
    const c = new FieldChecker<string>('');
    const doc = { when: '2026-05-01T10:00:00+02:00', free: { anything: true }, n: 3 };
    assert.equal(c.dateTime(doc, 'when', '', { required: true, max: 35 }), '2026-05-01T08:00:00.000Z');
    assert.deepEqual(c.object(doc, 'free', '', null), { anything: true });
    assert.equal(c.number(doc, 'n', '', { integer: true, min: 0 }), 3);
    assert.deepEqual(c.errors, []);
    c.fail('/n', 'some.rule', 'n is wrong', { limit: '2' });
    assert.deepEqual(c.errors, [{ pointer: '/n', rule: 'some.rule', detail: 'n is wrong', params: { limit: '2' } }]);
  });
});
