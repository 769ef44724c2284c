import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { validateMmsi, type MmsiInfo } from './mmsi.js';
import type { ValidationResult } from './result.js';

function assertFails(result: ValidationResult<unknown>, rule: string, messagePart?: string): void {
  assert.equal(result.ok, false, `expected failure ${rule}, got ${JSON.stringify(result)}`);
  if (result.ok) return;
  assert.equal(result.rule, rule, result.message);
  if (messagePart) assert.ok(result.message.includes(messagePart), `message "${result.message}" lacks "${messagePart}"`);
}

// ITU-R M.585 Annex 1 read digit by digit, written independently of the implementation's regexes.
function referenceClassify(m: string): Omit<MmsiInfo, 'mmsi'> | null {
  const isMid = (s: string) => s[0] >= '2' && s[0] <= '7';
  if (m.startsWith('00')) return isMid(m.slice(2, 5)) ? { kind: 'coast', mid: m.slice(2, 5) } : null;
  if (m[0] === '0') return isMid(m.slice(1, 4)) ? { kind: 'group', mid: m.slice(1, 4) } : null;
  if (m[0] === '1') return m.startsWith('111') && isMid(m.slice(3, 6)) ? { kind: 'sarAircraft', mid: m.slice(3, 6) } : null;
  if (isMid(m)) return { kind: 'ship', mid: m.slice(0, 3) };
  if (m[0] === '8') return isMid(m.slice(1, 4)) ? { kind: 'handheld', mid: m.slice(1, 4) } : null;
  // first digit 9
  if (m.startsWith('970')) return { kind: 'aisSart', mid: null };
  if (m.startsWith('972')) return { kind: 'mob', mid: null };
  if (m.startsWith('974')) return { kind: 'epirbAis', mid: null };
  if (m.startsWith('98')) return isMid(m.slice(2, 5)) ? { kind: 'craftAssociated', mid: m.slice(2, 5) } : null;
  if (m.startsWith('99')) return isMid(m.slice(2, 5)) ? { kind: 'aidToNavigation', mid: m.slice(2, 5) } : null;
  return null;
}

describe('mmsi validateMmsi', () => {
  it('classifies one example of every kind and extracts the MID', () => {
    const examples: Array<[string, MmsiInfo['kind'], string | null]> = [
      ['413000000', 'ship', '413'], // China
      ['477553000', 'ship', '477'], // Hong Kong
      ['235762000', 'ship', '235'], // United Kingdom
      ['211123456', 'ship', '211'], // Germany
      ['366999999', 'ship', '366'], // United States
      ['538001234', 'ship', '538'], // Marshall Islands
      ['725000001', 'ship', '725'], // Chile
      ['041300000', 'group', '413'],
      ['002241000', 'coast', '224'], // Spain
      ['004132000', 'coast', '413'],
      ['111232001', 'sarAircraft', '232'],
      ['841312345', 'handheld', '413'],
      ['970123456', 'aisSart', null],
      ['972000001', 'mob', null],
      ['974999999', 'epirbAis', null],
      ['984131234', 'craftAssociated', '413'],
      ['992351001', 'aidToNavigation', '235'],
    ];
    for (const [mmsi, kind, mid] of examples) {
      assert.deepEqual(validateMmsi(mmsi), { ok: true, value: { mmsi, kind, mid } }, mmsi);
    }
  });

  it('agrees with the digit-by-digit reading for every 5-digit prefix', () => {
    let accepted = 0;
    for (let n = 0; n < 100_000; n++) {
      const mmsi = `${String(n).padStart(5, '0')}1234`;
      const expected = referenceClassify(mmsi);
      const result = validateMmsi(mmsi);
      if (expected) {
        assert.deepEqual(result, { ok: true, value: { mmsi, ...expected } }, mmsi);
        accepted++;
      } else {
        assertFails(result, 'mmsi.prefix', mmsi);
      }
    }
    // ship 60 000 + group 6 000 + coast 600 + handheld 6 000 + 3×100 devices + 2×600 (98/99)
    // + SAR aircraft 111[2-7]x = 60 → 74 160 of the 100 000 prefixes.
    assert.equal(accepted, 74_160);
  });

  it('checks the MID of SAR aircraft at digits 4–6', () => {
    for (let n = 0; n < 1000; n++) {
      const mmsi = `111${String(n).padStart(3, '0')}000`;
      const ok = n >= 200 && n <= 799;
      assert.equal(validateMmsi(mmsi).ok, ok, mmsi);
    }
  });

  it('rejects impossible leading patterns', () => {
    const impossible = [
      '123456789', // 1 not followed by 11
      '110123456', // 11 not followed by 1
      '111123456', // SAR aircraft with MID starting 1
      '111823456', // ... or 8
      '012345678', // group with MID starting 1
      '081234567', // group with MID starting 8
      '000123456', // coast with MID starting 0
      '001234567', // coast with MID starting 1
      '009123456', // coast with MID starting 9
      '000000000',
      '800000000', // handheld with MID starting 0
      '891234567', // handheld with MID starting 9
      '900000000', '912345678', '961234567', // 9 followed by 0-6
      '971000000', '973000000', '975000000', '979000000', // 97x other than 970/972/974
      '981000000', '989000000', '991000000', '999999999', // 98/99 with MID not starting 2-7
    ];
    for (const mmsi of impossible) assertFails(validateMmsi(mmsi), 'mmsi.prefix', 'fits no ITU-R M.585 format');
  });

  it('rejects anything but exactly 9 ASCII digits with mmsi.format', () => {
    const malformed = ['', '41300000', '4130000000', '41300000a', ' 413000000', '413000000 ', '413 000 000', '413-000-000', '+413000000', '４１３００００００'];
    for (const value of malformed) assertFails(validateMmsi(value), 'mmsi.format', 'exactly 9 digits');
    for (const value of [413000000, undefined, null, {}]) assertFails(validateMmsi(value), 'mmsi.format');
  });
});
