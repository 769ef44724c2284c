// The pure helpers of the web app's tracking page: what a search string is, timeline order and
// current status with live events, and the times shown.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { DcsaEvent } from '../web/src/api.js';
import { deriveStatus, documentReferences, eventOwnTime, formatAt, mergeEvents, offsetOf, placeOf, planSearch } from '../web/src/pages/tracking/model.js';

const ev = (id: string, at: string, extra: Partial<DcsaEvent> = {}): DcsaEvent => ({
  eventID: id, eventType: 'EQUIPMENT', eventClassifierCode: 'ACT', eventDateTime: at, equipmentEventTypeCode: 'GTIN', ...extra,
});

describe('web tracking helpers', () => {
  it('Auto takes ISO 6346-shaped input as a container (upper-cased, spaces removed), anything else as booking then B/L', () => {
    assert.deepEqual(planSearch(' mscu 123456 5 ', 'auto'), { kind: 'container', equipmentReference: 'MSCU1234565' });
    assert.deepEqual(planSearch('BKG-123', 'auto'), { kind: 'shipment', reference: 'BKG-123', tries: ['BKG', 'TRD'] });
    assert.deepEqual(planSearch('MSCX1234565', 'auto').kind, 'shipment');
    assert.deepEqual(planSearch('abc', 'container'), { kind: 'container', equipmentReference: 'ABC' });
    assert.deepEqual(planSearch(' b1 ', 'booking'), { kind: 'shipment', reference: 'b1', tries: ['BKG'] });
    assert.deepEqual(planSearch('t1', 'bl'), { kind: 'shipment', reference: 't1', tries: ['TRD'] });
  });

  it('live events join the timeline once, in time order, and move the status only when actual', () => {
    const a = ev('a', '2026-11-01T08:00:00+08:00');
    const b = ev('b', '2026-11-01T02:00:00Z', { equipmentEventTypeCode: 'LOAD' }); // 10:00 +08:00
    const est = ev('c', '2026-12-01T00:00:00Z', { eventClassifierCode: 'EST', equipmentEventTypeCode: 'DISC' });
    const before = ev('d', '2026-10-31T00:00:00Z', { equipmentEventTypeCode: 'PICK' });
    let list = mergeEvents([], [b, a]);
    assert.deepEqual(list.map((e) => e.eventID), ['a', 'b']);
    list = mergeEvents(list, [est, before, b]);
    assert.deepEqual(list.map((e) => e.eventID), ['d', 'a', 'b', 'c']);
    assert.equal(list[0].eventDateTimeUTC, '2026-10-31T00:00:00.000Z');
    assert.equal(mergeEvents(list, [a]), list, 'nothing new: same array');
    assert.equal(deriveStatus(list)?.equipmentEventTypeCode, 'LOAD');
    assert.equal(deriveStatus([est]), null);
  });

  it('times: the event’s own offset and a fixed-offset rendering', () => {
    assert.equal(offsetOf('2026-11-01T08:00:00+08:00'), 480);
    assert.equal(offsetOf('2026-11-01T08:00:00-0330'), -210);
    assert.equal(offsetOf('2026-11-01T08:00:00Z'), 0);
    assert.equal(offsetOf('2026-11-01T08:00:00'), undefined);
    assert.equal(formatAt(new Date('2026-11-01T00:30:00Z'), 480), '2026-11-01 08:30');
    assert.deepEqual(eventOwnTime(ev('x', '2026-11-01T08:30:00+08:00')), { text: '2026-11-01 08:30', offset: 'UTC+08:00' });
  });

  it('place and document references', () => {
    assert.deepEqual(placeOf(ev('p', '2026-11-01T00:00:00Z', { eventLocation: { locationName: 'Qianwan', UNLocationCode: 'CNTAO' } })), { locationName: 'Qianwan', UNLocationCode: 'CNTAO' });
    assert.deepEqual(placeOf(ev('q', '2026-11-01T00:00:00Z', { transportCall: { UNLocationCode: 'CNTAO' } })), { locationName: undefined, UNLocationCode: 'CNTAO' });
    const refs = documentReferences([
      ev('r', '2026-11-01T00:00:00Z', { documentReferences: [{ documentReferenceType: 'TRD', documentReferenceValue: 'T1' }, { documentReferenceType: 'BKG', documentReferenceValue: 'B1' }] }),
      ev('s', '2026-11-01T00:00:00Z', { documentReferences: [{ documentReferenceType: 'BKG', documentReferenceValue: 'B1' }] }),
    ]);
    assert.deepEqual(refs, [{ type: 'BKG', value: 'B1' }, { type: 'TRD', value: 'T1' }]);
  });
});
