// Unit tests of the DCSA event rules (pure: no database).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { checkPublishRequest, packRequest, unpackRequest, validateEvent } from './model.js';

const examples = JSON.parse(readFileSync(new URL('../../../test/fixtures/dcsa-tnt-2.2-examples.json', import.meta.url), 'utf8')) as Record<string, unknown>[];
const NOW = new Date('2026-11-29T00:00:00Z');
const equipment = () => structuredClone(examples.find((e) => e.eventType === 'EQUIPMENT')!);
const errorsOf = (event: unknown) => {
  const r = validateEvent(event, '/body', NOW);
  return r.ok ? [] : r.errors.map((e) => `${e.pointer} ${e.rule}`);
};

describe('validateEvent', () => {
  it('accepts every example event of the DCSA Track & Trace 2.2 specification', () => {
    for (const e of examples) assert.deepEqual(errorsOf(e), [], JSON.stringify(e).slice(0, 80));
  });

  it('indexes what the store filters on, with times in UTC', () => {
    const r = validateEvent(equipment(), '/body', NOW);
    assert.ok(r.ok);
    assert.equal(r.event.equipmentReference, 'APZU4812090');
    assert.equal(r.event.eventDateTime, '2019-11-11T23:11:00.000Z'); // 07:41+08:30
    assert.equal(r.event.UNLocationCode, 'FRPAR');
    assert.deepEqual(r.event.documentReferences.map((d) => d.type).sort(), ['BKG', 'TRD']);
  });

  it('fills in eventCreatedDateTime and says so, so that a retry is not taken for other content', () => {
    const e = equipment();
    delete e.eventCreatedDateTime;
    const a = validateEvent(e, '/body', NOW);
    assert.ok(a.ok);
    assert.equal(a.event.eventCreatedDateTime, NOW.toISOString());
    assert.equal(a.event.createdAtFilledIn, true);
    assert.equal(JSON.parse(a.event.body).eventCreatedDateTime, NOW.toISOString());
    const b = validateEvent(equipment(), '/body', NOW);
    assert.ok(b.ok && !b.event.createdAtFilledIn);
  });

  it('names each broken rule with a JSON pointer', () => {
    const cases: [(e: Record<string, unknown>) => void, string][] = [
      [(e) => { e.equipmentReference = 'APZU4812091'; }, '/body/equipmentReference iso6346.checkDigit'],
      [(e) => { e.ISOEquipmentCode = '2ZZZ'; }, '/body/ISOEquipmentCode'],
      [(e) => { e.eventType = 'BOAT'; }, '/body/eventType enum'],
      [(e) => { delete e.eventDateTime; }, '/body/eventDateTime required'],
      [(e) => { e.eventDateTime = '2019-02-30T10:00:00Z'; }, '/body/eventDateTime'],
      [(e) => { e.eventClassifierCode = 'ACT'; e.eventDateTime = '2026-11-29T00:10:00Z'; }, '/body/eventDateTime actualNotInFuture'],
      [(e) => { (e.transportCall as Record<string, unknown>).modeOfTransport = 'CAMEL'; }, '/body/transportCall/modeOfTransport enum'],
      [(e) => { e.documentReferences = [{ documentReferenceType: 'XXX', documentReferenceValue: 'A' }]; }, '/body/documentReferences/0/documentReferenceType enum'],
      [(e) => { e.documentReferences = 'BKG1'; }, '/body/documentReferences type'],
      [(e) => { e.equipmentEventTypeCode = 'LOAD'; delete e.transportCall; }, '/body/transportCall required'],
      [(e) => { e.shipmentEventTypeCode = 'CONF'; }, '/body/shipmentEventTypeCode additionalProperties'],
    ];
    for (const [mutate, expected] of cases) {
      const e = equipment();
      mutate(e);
      const errors = errorsOf(e);
      assert.ok(errors.some((x) => x.startsWith(expected)), `${expected} in ${JSON.stringify(errors)}`);
    }
  });

  it('an estimate may lie in the future, an actual may not', () => {
    const e = { ...equipment(), eventClassifierCode: 'EST', eventDateTime: '2027-01-01T00:00:00Z' };
    assert.deepEqual(errorsOf(e), []);
    assert.deepEqual(errorsOf({ ...e, eventClassifierCode: 'ACT' }), ['/body/eventDateTime actualNotInFuture']);
  });

  it('rejects what is not an object', () => {
    for (const v of [null, 3, 'event', []]) assert.deepEqual(errorsOf(v), ['/body type']);
  });
});

describe('validateEvent: bounds on free-form fields and references', () => {
  const nestedIn = (depth: number): unknown => (depth === 0 ? 'x' : { next: nestedIn(depth - 1) });

  it('refuses nesting deeper than 8 levels in any free-form field, naming where', () => {
    const e = equipment();
    (e.eventLocation as Record<string, unknown>).address = nestedIn(7);
    assert.deepEqual(errorsOf(e), ['/body/eventLocation/address/next/next/next/next/next/next maxDepth']);
    let deep: unknown = [];
    for (let i = 0; i < 100_000; i++) deep = [deep];
    assert.deepEqual(errorsOf({ ...equipment(), seals: deep }), ['/body/seals/0/0/0/0/0/0/0 maxDepth']);
    const ok = equipment();
    (ok.eventLocation as Record<string, unknown>).address = nestedIn(6);
    assert.deepEqual(errorsOf(ok), []);
  });

  it('refuses text over 1,000 characters and NUL characters anywhere', () => {
    assert.deepEqual(errorsOf({ ...equipment(), seals: [{ sealNumber: 'x'.repeat(1001) }] }), ['/body/seals/0/sealNumber maxLength']);
    const e = equipment();
    (e.documentReferences as Record<string, unknown>[])[0].documentReferenceValue = 'BKG\u0000X';
    assert.deepEqual(errorsOf(e), ['/body/documentReferences/0/documentReferenceValue noNul']);
  });

  it('refuses an event of more than 64 kB', () => {
    const seals = Array.from({ length: 70 }, () => ({ sealNumber: 'x'.repeat(1000) }));
    assert.deepEqual(errorsOf({ ...equipment(), seals }), ['/body maxBytes']);
  });

  it('caps the references of an event, and the document references of a request', () => {
    const refs = (n: number) => Array.from({ length: n }, (_, i) => ({ documentReferenceType: 'BKG', documentReferenceValue: `BKG${i}` }));
    assert.deepEqual(errorsOf({ ...equipment(), documentReferences: refs(20) }), []);
    assert.deepEqual(errorsOf({ ...equipment(), documentReferences: refs(21) }), ['/body/documentReferences maxItems']);
    const references = (n: number) => Array.from({ length: n }, (_, i) => ({ referenceType: 'FF', referenceValue: `R${i}` }));
    assert.deepEqual(errorsOf({ ...equipment(), references: references(50) }), []);
    assert.deepEqual(errorsOf({ ...equipment(), references: references(51) }), ['/body/references maxItems']);
    const batch = Array.from({ length: 251 }, () => ({ ...equipment(), documentReferences: refs(20) }));
    const r = checkPublishRequest(JSON.stringify(batch), NOW);
    assert.deepEqual(r.ok ? r : r.errors.map((x) => `${x.pointer} ${x.rule}`), ['/body/250/documentReferences maxDocumentReferencesPerRequest']);
    assert.ok(checkPublishRequest(JSON.stringify(batch.slice(0, 250)), NOW).ok);
  });
});

describe('packRequest / unpackRequest (the validation thread\'s answer)', () => {
  it('give back the checked request exactly: every example event, a rejected item, a lone event, a failed request', () => {
    const bad = { ...equipment(), emptyIndicatorCode: 'HALF' };
    const cases = [
      checkPublishRequest(JSON.stringify([...examples, bad, 42]), NOW),
      checkPublishRequest(JSON.stringify(equipment()), NOW),
      checkPublishRequest('{not json', NOW),
    ];
    assert.ok(cases[0].ok && cases[0].items.some((i) => !i.ok) && cases[0].items.filter((i) => i.ok).length === examples.length);
    for (const checked of cases) assert.deepEqual(unpackRequest(structuredClone(packRequest(checked))), checked);
  });
});
