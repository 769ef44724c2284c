import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkDigit, isoSizeTypeCode, typeGroupOf, validateContainerNumber } from './iso6346.js';
import type { ValidationResult } from './result.js';

function assertFails(result: ValidationResult<unknown>, rule: string, messagePart?: string | RegExp): void {
  assert.equal(result.ok, false, `expected failure ${rule}, got ${JSON.stringify(result)}`);
  if (result.ok) return;
  assert.equal(result.rule, rule, result.message);
  if (typeof messagePart === 'string') assert.ok(result.message.includes(messagePart), `message "${result.message}" lacks "${messagePart}"`);
  else if (messagePart) assert.match(result.message, messagePart);
}

// Independent reference for the check digit: the letter table is typed in as printed in
// ISO 6346 Annex A (not computed), the weights are written out.
const ANNEX_A_LETTERS: Record<string, number> = {
  A: 10, B: 12, C: 13, D: 14, E: 15, F: 16, G: 17, H: 18, I: 19, J: 20, K: 21, L: 23, M: 24,
  N: 25, O: 26, P: 27, Q: 28, R: 29, S: 30, T: 31, U: 32, V: 34, W: 35, X: 36, Y: 37, Z: 38,
};
const WEIGHTS = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512];
function referenceCheckDigit(first10: string): number {
  const sum = [...first10].reduce((acc, ch, i) => acc + (ANNEX_A_LETTERS[ch] ?? Number(ch)) * WEIGHTS[i], 0);
  const remainder = sum % 11;
  return remainder === 10 ? 0 : remainder;
}

// Deterministic pseudo-random numbers (mulberry32) so property tests are reproducible.
function prng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// CSQU3054383 is the worked example of ISO 6346 Annex A; MSKU9070323 is a Maersk box. The others
// pair real owner prefixes with serials whose check digits were computed by hand / in a separate
// script, so they are well-formed numbers rather than necessarily boxes in service.
const KNOWN_GOOD = [
  'CSQU3054383', 'MSKU9070323', 'CMAU1234564', 'COSU8001236', 'OOLU1234567', 'HLXU1234561',
  'TGHU9876542', 'CAIU5550001', 'TCNU1002003', 'SEGU4200428', 'TRHU7777774', 'CBHU1234561',
  'TEMU0000011', 'YMLU5000500', 'EMCU8888889', 'ZIMU2468108', 'ONEU0102035', 'DFSU1111110',
  'GESU6543210', 'RFCU1234565',
  // other equipment categories
  'ABCJ1234563', 'ABCZ0000005', 'ABCR1234569',
];
// Serials whose weighted sum leaves remainder 10, which the standard maps to check digit 0.
const REMAINDER_TEN = ['FCIU3000010', 'HDMU1357910', 'BMOU9999990', 'TCLU2218900'];

describe('iso6346 checkDigit', () => {
  it('computes the ISO 6346 Annex A example: CSQU305438 → 3', () => {
    assert.equal(checkDigit('CSQU305438'), 3);
    // The worked sum: 13·1 + 30·2 + 28·4 + 32·8 + 3·16 + 0·32 + 5·64 + 4·128 + 3·256 + 8·512 = 6185 = 11·562 + 3
    assert.equal(13 + 60 + 112 + 256 + 48 + 0 + 320 + 512 + 768 + 4096, 6185);
    assert.equal(6185 % 11, 3);
  });

  it('agrees with the known-good numbers and the reference arithmetic', () => {
    for (const number of [...KNOWN_GOOD, ...REMAINDER_TEN]) {
      const first10 = number.slice(0, 10);
      assert.equal(checkDigit(first10), Number(number[10]), number);
      assert.equal(checkDigit(first10), referenceCheckDigit(first10), number);
    }
  });

  it('maps remainder 10 to check digit 0', () => {
    for (const number of REMAINDER_TEN) {
      const first10 = number.slice(0, 10);
      const sum = [...first10].reduce((acc, ch, i) => acc + (ANNEX_A_LETTERS[ch] ?? Number(ch)) * WEIGHTS[i], 0);
      assert.equal(sum % 11, 10, number);
      assert.equal(checkDigit(first10), 0, number);
    }
  });

  it('uses the Annex A value of every letter in every letter position', () => {
    // Annex A table sanity: starts at 10, skips exactly the multiples of 11.
    const values = Object.values(ANNEX_A_LETTERS);
    assert.equal(values.length, 26);
    assert.equal(values[0], 10);
    for (let i = 1; i < values.length; i++) {
      assert.equal(values[i] - values[i - 1], (values[i - 1] + 1) % 11 === 0 ? 2 : 1);
    }
    for (const letter of Object.keys(ANNEX_A_LETTERS)) {
      for (let pos = 0; pos < 4; pos++) {
        const chars = ['A', 'A', 'A', 'U'];
        chars[pos] = letter;
        const first10 = `${chars.join('')}000000`;
        assert.equal(checkDigit(first10), referenceCheckDigit(first10), first10);
      }
    }
  });

  it('matches the reference on 20 000 pseudo-random owner codes and serials', () => {
    const random = prng(6346);
    const letters = Object.keys(ANNEX_A_LETTERS);
    for (let n = 0; n < 20_000; n++) {
      const owner = Array.from({ length: 4 }, () => letters[Math.floor(random() * 26)]).join('');
      const serial = String(Math.floor(random() * 1_000_000)).padStart(6, '0');
      assert.equal(checkDigit(owner + serial), referenceCheckDigit(owner + serial), owner + serial);
    }
  });

  it('throws a RangeError for anything but 4 uppercase letters and 6 digits', () => {
    for (const bad of ['', 'CSQU30543', 'CSQU3054383', 'csqu305438', 'CSQ1305438', 'CSQU30543A', 'CSQU 30543', ' CSQU305438']) {
      assert.throws(() => checkDigit(bad), RangeError, JSON.stringify(bad));
    }
  });
});

describe('iso6346 validateContainerNumber', () => {
  it('accepts known-good numbers, returning them unchanged', () => {
    for (const number of [...KNOWN_GOOD, ...REMAINDER_TEN]) {
      assert.deepEqual(validateContainerNumber(number), { ok: true, value: number });
    }
  });

  it('rejects every wrong check digit of CSQU305438x and says what it should be', () => {
    for (let digit = 0; digit <= 9; digit++) {
      const result = validateContainerNumber(`CSQU305438${digit}`);
      if (digit === 3) {
        assert.equal(result.ok, true);
        continue;
      }
      assert.deepEqual(result, {
        ok: false,
        rule: 'iso6346.checkDigit',
        message: `check digit should be 3, got ${digit}`,
      });
    }
  });

  it('rejects every wrong check digit of every known-good number', () => {
    for (const number of [...KNOWN_GOOD, ...REMAINDER_TEN]) {
      for (let digit = 0; digit <= 9; digit++) {
        if (String(digit) === number[10]) continue;
        assertFails(validateContainerNumber(number.slice(0, 10) + digit), 'iso6346.checkDigit', `should be ${number[10]}, got ${digit}`);
      }
    }
  });

  it('detects a single changed serial digit and adjacent transpositions in the example', () => {
    const number = 'CSQU3054383';
    for (let pos = 4; pos < 10; pos++) {
      for (let d = 0; d <= 9; d++) {
        if (String(d) === number[pos]) continue;
        const changed = number.slice(0, pos) + d + number.slice(pos + 1);
        // A change is only undetectable when both remainders fold onto the same digit (0 and 10).
        const undetectable = referenceCheckDigit(changed.slice(0, 10)) === 3;
        assert.equal(validateContainerNumber(changed).ok, undetectable, changed);
      }
    }
    for (let pos = 0; pos < 9; pos++) {
      if (number[pos] === number[pos + 1]) continue;
      const swapped = number.slice(0, pos) + number[pos + 1] + number[pos] + number.slice(pos + 2);
      if (!/^[A-Z]{3}[UJZR]\d{7}$/.test(swapped)) continue; // a letter/digit swap is a format error instead
      const expected = referenceCheckDigit(swapped.slice(0, 10)) === Number(swapped[10]);
      assert.equal(validateContainerNumber(swapped).ok, expected, swapped);
      assert.equal(expected, false, `${swapped} would slip through`); // true for this example: every swap is caught
    }
  });

  it('accepts only canonical uppercase and says so', () => {
    assertFails(validateContainerNumber('csqu3054383'), 'iso6346.format', 'uppercase: CSQU3054383');
    assertFails(validateContainerNumber('Csqu3054383'), 'iso6346.format', 'uppercase');
    assertFails(validateContainerNumber('CSQu3054383'), 'iso6346.format', 'uppercase');
  });

  it('rejects spaces, dashes and surrounding whitespace, naming the compact form', () => {
    for (const spaced of ['CSQU 305438 3', 'CSQU 3054383', 'CSQU-305438-3', ' CSQU3054383', 'CSQU3054383\n']) {
      assertFails(validateContainerNumber(spaced), 'iso6346.format', 'without spaces or dashes: CSQU3054383');
    }
  });

  it('requires the category identifier U, J, Z or R', () => {
    for (const category of 'ABCDEFGHIKLMNOPQSTVWXY') {
      assertFails(validateContainerNumber(`CSQ${category}3054383`), 'iso6346.format', 'must be U, J, Z or R, got ' + category);
    }
    for (const category of 'UJZR') {
      const first10 = `CSQ${category}305438`;
      assert.equal(validateContainerNumber(first10 + checkDigit(first10)).ok, true, category);
    }
  });

  it('rejects other malformed strings with iso6346.format and an example', () => {
    const malformed = [
      '', 'C', 'CSQU', 'CSQU305438', 'CSQU30543833', 'CSQ3054383', 'CSQUU3054383', '1SQU3054383',
      'C5QU3054383', 'CSQU30543B3', 'CSQU305438X', 'ÇSQU3054383', 'CSQU３０５４３８３', '12345678901',
    ];
    for (const value of malformed) {
      assertFails(validateContainerNumber(value), 'iso6346.format', 'e.g. CSQU3054383');
    }
  });

  it('rejects non-strings without throwing', () => {
    for (const value of [undefined, null, 3054383, {}, ['CSQU3054383'], true]) {
      assertFails(validateContainerNumber(value), 'iso6346.format', 'expected a container number string');
    }
  });
});

// Written out independently of the implementation's table (ISO 6346:1995 Annexes D and E).
const LENGTH_CODES = '1234ABCDEFGHKLMNP';
const HEIGHT_WIDTH_CODES = '0245689CDEFLMNP';
const DETAILED_TYPES = [
  'G0', 'G1', 'G2', 'G3', 'V0', 'V2', 'V4', 'B0', 'B1', 'B3', 'B4', 'B5', 'B6', 'S0', 'S1', 'S2',
  'R0', 'R1', 'R2', 'R3', 'H0', 'H1', 'H2', 'H5', 'H6', 'U0', 'U1', 'U2', 'U3', 'U4', 'U5',
  'P0', 'P1', 'P2', 'P3', 'P4', 'P5', 'T0', 'T1', 'T2', 'T3', 'T4', 'T5', 'T6', 'T7', 'T8', 'T9', 'A0',
];
const GROUP_TYPES = ['GP', 'VH', 'BU', 'BK', 'SN', 'RE', 'RT', 'RS', 'HR', 'HI', 'UT', 'PL', 'PF', 'PC', 'PS', 'TN', 'TD', 'TG', 'AS'];
const ALPHANUMERIC = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';

describe('iso6346 isoSizeTypeCode', () => {
  it('accepts everyday codes', () => {
    for (const code of ['22G1', '42G1', '45G1', 'L5G1', '22R1', '45R1', '22U1', '42U1', '22P1', '42P3', '22T6', '22GP', '45RT', '42UT', '22TN', 'M5G1', '25G1', '2EG1', 'LNG1', '10G1']) {
      assert.deepEqual(isoSizeTypeCode(code), { ok: true, value: code });
    }
  });

  it('accepts every combination of length, height/width and type code in Annexes D and E', () => {
    assert.equal(LENGTH_CODES.length, 17);
    assert.equal(HEIGHT_WIDTH_CODES.length, 15);
    assert.equal(DETAILED_TYPES.length, 48);
    for (const length of LENGTH_CODES) {
      for (const heightWidth of HEIGHT_WIDTH_CODES) {
        for (const type of [...DETAILED_TYPES, ...GROUP_TYPES]) {
          const code = length + heightWidth + type;
          assert.equal(isoSizeTypeCode(code).ok, true, code);
        }
      }
    }
  });

  it('rejects every other length code', () => {
    for (const ch of ALPHANUMERIC) {
      if (LENGTH_CODES.includes(ch)) continue;
      assertFails(isoSizeTypeCode(`${ch}2G1`), 'iso6346.sizeType.length', `got ${ch}`);
    }
  });

  it('rejects every other height/width code', () => {
    for (const ch of ALPHANUMERIC) {
      if (HEIGHT_WIDTH_CODES.includes(ch)) continue;
      assertFails(isoSizeTypeCode(`2${ch}G1`), 'iso6346.sizeType.heightWidth', `got ${ch}`);
    }
  });

  it('rejects every other two-character type, including spare codes and pre-1995 numeric codes', () => {
    const known = new Set([...DETAILED_TYPES, ...GROUP_TYPES]);
    let rejected = 0;
    for (const a of ALPHANUMERIC) {
      for (const b of ALPHANUMERIC) {
        if (known.has(a + b)) continue;
        assertFails(isoSizeTypeCode(`22${a}${b}`), 'iso6346.sizeType.type', `got ${a}${b}`);
        rejected++;
      }
    }
    assert.equal(rejected, 36 * 36 - known.size);
    for (const spare of ['G4', 'G9', 'V1', 'V3', 'B2', 'B7', 'S3', 'R4', 'R9', 'H3', 'H4', 'H7', 'U6', 'P6', 'A1']) {
      assert.equal(isoSizeTypeCode(`22${spare}`).ok, false, spare);
    }
    for (const old of ['2210', '4510', '4532', '2232']) {
      assertFails(isoSizeTypeCode(old), 'iso6346.sizeType.type');
    }
  });

  it('rejects malformed values with iso6346.sizeType.format', () => {
    for (const value of ['', '22G', '22G10', '22 G1', ' 22G1', '22-G', '22G1\n']) {
      assertFails(isoSizeTypeCode(value), 'iso6346.sizeType.format', 'such as 22G1');
    }
    assertFails(isoSizeTypeCode('22g1'), 'iso6346.sizeType.format', 'uppercase only');
    assertFails(isoSizeTypeCode('l5gp'), 'iso6346.sizeType.format', 'uppercase only');
    for (const value of [undefined, null, 2210, {}]) {
      assertFails(isoSizeTypeCode(value), 'iso6346.sizeType.format');
    }
  });

  it('maps type codes to their Annex E type group', () => {
    const expectations: Record<string, string> = {
      G0: 'GP', G3: 'GP', V4: 'VH', B1: 'BU', B3: 'BK', B6: 'BK', S2: 'SN', R0: 'RE', R1: 'RT',
      R2: 'RS', R3: 'RS', H2: 'HR', H5: 'HI', H6: 'HI', U5: 'UT', P0: 'PL', P2: 'PF', P3: 'PC',
      P5: 'PS', T2: 'TN', T3: 'TD', T6: 'TD', T7: 'TG', T9: 'TG', A0: 'AS', GP: 'GP', RT: 'RT',
    };
    for (const [type, group] of Object.entries(expectations)) assert.equal(typeGroupOf(type), group, type);
    for (const type of DETAILED_TYPES) assert.ok(GROUP_TYPES.includes(typeGroupOf(type)!), type);
    for (const type of ['G4', 'XX', '10', '', 'g1']) assert.equal(typeGroupOf(type), undefined, type);
  });
});
