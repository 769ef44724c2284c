// The instance parser on small hand-made files (no shared data needed).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { formatInstance, handlingTime, InstanceFormatError, isAllowed, parseInstance, subInstance } from './instance.js';

// 3 vessels, 2 berths, CRLF, weights on the line of the latest departures.
const SMALL = [
  '3', '2',
  '0 5 7',
  '1 0',
  '4 99999',
  '3 6',
  '2 2',
  '100 90',
  '50 60 70 1 2 3',
].join('\r\n') + '\r\n';

const parseError = (text: string) => assert.throws(() => parseInstance(text, 'test.txt'), InstanceFormatError);

describe('parseInstance', () => {
  it('reads every section of a CRLF file with the weights on the last line', () => {
    const inst = parseInstance(SMALL);
    assert.equal(inst.vessels, 3);
    assert.equal(inst.berths, 2);
    assert.deepEqual([...inst.arrival], [0, 5, 7]);
    assert.deepEqual([...inst.opening], [1, 0]);
    assert.deepEqual([...inst.closing], [100, 90]);
    assert.deepEqual([...inst.latestDeparture], [50, 60, 70]);
    assert.deepEqual([...inst.weight], [1, 2, 3]);
    assert.equal(handlingTime(inst, 0, 0), 4);
    assert.equal(handlingTime(inst, 1, 1), 6);
    assert.equal(isAllowed(inst, 0, 1), false, '99999 marks a forbidden berth');
    assert.equal(isAllowed(inst, 2, 1), true);
  });

  it('ignores how the numbers are spread over lines (LF, tabs, one line)', () => {
    const flat = SMALL.replace(/\r\n/g, ' \t ');
    assert.deepEqual(parseInstance(flat), parseInstance(SMALL));
    assert.deepEqual(parseInstance(SMALL.replace(/\r\n/g, '\n')), parseInstance(SMALL));
  });

  it('round-trips through formatInstance', () => {
    const inst = parseInstance(SMALL);
    assert.deepEqual(parseInstance(formatInstance(inst)), inst);
  });

  it('names the missing section when the file is cut short', () => {
    const cut = SMALL.replace('50 60 70 1 2 3', '50 60 70 1 2');
    assert.throws(() => parseInstance(cut, 'cut.txt'), /cut\.txt: the file ends after line 9, expected the weight of vessel 3/);
    assert.throws(() => parseInstance('3\r\n2\r\n0 5 7\r\n', 'x'), /expected the opening time of berth 1/);
    assert.throws(() => parseInstance('', 'empty.txt'), /empty\.txt: the file ends at the start, expected the number of vessels/);
  });

  it('points at the line of a token that is not an integer', () => {
    assert.throws(() => parseInstance(SMALL.replace('3 6', '3 six'), 'bad.txt'), /bad\.txt:6: expected the handling time of vessel 2 on berth 2, got 'six'/);
    assert.throws(() => parseInstance(SMALL.replace('0 5 7', '0 5.5 7'), 'f'), /f:3: .*'5\.5' \(not an integer\)/);
  });

  it('rejects negative numbers, trailing data, empty headers and unusable vessels', () => {
    assert.throws(() => parseInstance(SMALL.replace('0 5 7', '0 -5 7'), 'neg'), /neg:3: the arrival time of vessel 2 must be a non-negative integer/);
    assert.throws(() => parseInstance(`${SMALL}42\r\n`, 'long'), /long:10: unexpected data after the 3 weights/);
    parseError('0\r\n2\r\n');
    parseError('2\r\n0\r\n');
    assert.throws(() => parseInstance(SMALL.replace('3 6', '99999 99999'), 'f'), /vessel 2 may not use any berth/);
    assert.throws(() => parseInstance(SMALL.replace('100 90', '100 -1'), 'f'), /non-negative/);
    assert.throws(() => parseInstance(SMALL.replace('1 0\r\n', '1 95\r\n'), 'f'), /berth 2 closes \(90\) before it opens \(95\)/);
  });

  it('refuses a header that asks for far more numbers than the file has', () => {
    assert.throws(() => parseInstance('100000\r\n100000\r\n1 2 3', 'huge'), /header says 100000 vessels and 100000 berths/);
  });
});

describe('subInstance', () => {
  it('keeps the chosen vessels and berths, renumbered in the order given', () => {
    const sub = subInstance(parseInstance(SMALL), [2, 1], [1]);
    assert.equal(sub.vessels, 2);
    assert.equal(sub.berths, 1);
    assert.deepEqual([...sub.arrival], [7, 5]);
    assert.deepEqual([...sub.handling], [2, 6]);
    assert.deepEqual([...sub.weight], [3, 2]);
    assert.deepEqual([...sub.closing], [90]);
  });

  it('refuses a vessel that may use none of the kept berths', () => {
    assert.throws(() => subInstance(parseInstance(SMALL), [0], [1]), /vessel 1 may use none of berths 2/);
  });
});
