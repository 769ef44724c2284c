import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { imoCheckDigit, validateImoNumber } from './imo.js';
import type { ValidationResult } from './result.js';

function assertFails(result: ValidationResult<unknown>, rule: string, messagePart?: string): void {
  assert.equal(result.ok, false, `expected failure ${rule}, got ${JSON.stringify(result)}`);
  if (result.ok) return;
  assert.equal(result.rule, rule, result.message);
  if (messagePart) assert.ok(result.message.includes(messagePart), `message "${result.message}" lacks "${messagePart}"`);
}

// Reference arithmetic, written out: weights 7..2 over the first six digits.
function referenceImoCheckDigit(digits: string): number {
  const weights = [7, 6, 5, 4, 3, 2];
  return weights.reduce((sum, w, i) => sum + w * Number(digits[i]), 0) % 10;
}

// Real ships' IMO numbers; each sum is worked out in the comment.
const REAL_SHIPS: Array<[imo: string, weightedSum: number]> = [
  ['9321483', 123], // Emma Maersk: 9·7+3·6+2·5+1·4+4·3+8·2 = 63+18+10+4+12+16
  ['9074729', 139], // 63+0+35+16+21+4
  ['9811000', 120], // Ever Given: 63+48+5+4+0+0
  ['9398905', 185], // 63+18+45+32+27+0
  ['9241061', 111], // Queen Mary 2: 63+12+20+4+0+12
  ['9703291', 141], // MSC Oscar: 63+42+0+12+6+18
  ['9320544', 114], // Costa Concordia: 63+18+10+0+15+8
  ['8414520', 120], // Exxon Valdez: 56+24+5+16+15+4
  ['9863297', 177], // HMM Algeciras: 63+48+30+12+6+18
];

describe('imo imoCheckDigit', () => {
  it('computes the check digit of real ships from the worked sums', () => {
    for (const [imo, sum] of REAL_SHIPS) {
      assert.equal(referenceImoCheckDigit(imo), sum % 10, imo);
      assert.equal(imoCheckDigit(imo.slice(0, 6)), sum % 10, imo);
      assert.equal(imoCheckDigit(imo.slice(0, 6)), Number(imo[6]), imo);
    }
  });

  it('matches the reference for every leading digit in every position', () => {
    for (let pos = 0; pos < 6; pos++) {
      for (let d = 0; d <= 9; d++) {
        const six = '000000'.slice(0, pos) + d + '000000'.slice(pos + 1);
        assert.equal(imoCheckDigit(six), ((7 - pos) * d) % 10, six);
      }
    }
    for (let n = 0; n < 1_000_000; n += 997) {
      const six = String(n).padStart(6, '0');
      assert.equal(imoCheckDigit(six), referenceImoCheckDigit(six), six);
    }
  });

  it('throws a RangeError unless given exactly six digits', () => {
    for (const bad of ['', '93214', '9321483', '93214a', ' 932148', 'IMO932']) {
      assert.throws(() => imoCheckDigit(bad), RangeError, bad);
    }
  });
});

describe('imo validateImoNumber', () => {
  it('accepts real IMO numbers and returns the digits', () => {
    for (const [imo] of REAL_SHIPS) assert.deepEqual(validateImoNumber(imo), { ok: true, value: imo });
  });

  it('accepts the IMO prefix, with or without one space, and normalises to digits', () => {
    assert.deepEqual(validateImoNumber('IMO 9321483'), { ok: true, value: '9321483' });
    assert.deepEqual(validateImoNumber('IMO9321483'), { ok: true, value: '9321483' });
  });

  it('rejects every wrong check digit and says which one was expected', () => {
    for (const [imo] of REAL_SHIPS) {
      for (let d = 0; d <= 9; d++) {
        if (String(d) === imo[6]) continue;
        const result = validateImoNumber(imo.slice(0, 6) + d);
        assert.deepEqual(result, { ok: false, rule: 'imo.checkDigit', message: `check digit should be ${imo[6]}, got ${d}` });
        assertFails(validateImoNumber(`IMO ${imo.slice(0, 6)}${d}`), 'imo.checkDigit');
      }
    }
  });

  it('detects any single changed digit among the first six', () => {
    // Weights 7..2 are all coprime with 10 except 6, 5, 4, 2 — so some changes slip through;
    // the validator must agree with the arithmetic either way.
    const imo = '9321483';
    for (let pos = 0; pos < 6; pos++) {
      for (let d = 0; d <= 9; d++) {
        const changed = imo.slice(0, pos) + d + imo.slice(pos + 1);
        const expected = referenceImoCheckDigit(changed) === 3;
        assert.equal(validateImoNumber(changed).ok, expected, changed);
      }
    }
  });

  it('rejects malformed values with imo.format', () => {
    const malformed = [
      '', '932148', '93214830', 'imo 9321483', 'Imo 9321483', 'IMO  9321483', 'IMO-9321483', 'IMO:9321483',
      ' 9321483', '9321483 ', 'IMO 9321483 ', '9 321 483', '932148X', 'IMO', 'IMO 932148', 'MMSI 9321483', '９３２１４８３',
    ];
    for (const value of malformed) assertFails(validateImoNumber(value), 'imo.format', 'e.g. IMO 9321483');
  });

  it('rejects non-strings without throwing', () => {
    for (const value of [9321483, undefined, null, {}, ['9321483']]) assertFails(validateImoNumber(value), 'imo.format');
  });
});
