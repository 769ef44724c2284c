import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ValidationResult } from './result.js';
import { ISO_3166_ALPHA2, isIsoCountryCode, validateUnLocode } from './unlocode.js';

function assertFails(result: ValidationResult<unknown>, rule: string, messagePart?: string): void {
  assert.equal(result.ok, false, `expected failure ${rule}, got ${JSON.stringify(result)}`);
  if (result.ok) return;
  assert.equal(result.rule, rule, result.message);
  if (messagePart) assert.ok(result.message.includes(messagePart), `message "${result.message}" lacks "${messagePart}"`);
}

const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const allPairs = (): string[] => [...LETTERS].flatMap((a) => [...LETTERS].map((b) => a + b));

// Region codes ICU/CLDR can name that are NOT officially assigned ISO 3166-1 alpha-2 codes:
// exceptionally reserved (AC CP DG EA EU EZ FX IC TA UK UN), transitionally reserved or formerly
// used (AN BU CS DD DY HV NH RH SU TP VD YD YU ZR), CLDR-only (CQ Sark, QO Outlying Oceania,
// XA XB pseudo-locales, XK Kosovo, ZZ unknown).
const CLDR_NON_ISO = [
  'AC', 'AN', 'BU', 'CP', 'CQ', 'CS', 'DD', 'DG', 'DY', 'EA', 'EU', 'EZ', 'FX', 'HV', 'IC', 'NH',
  'QO', 'RH', 'SU', 'TA', 'TP', 'UK', 'UN', 'VD', 'XA', 'XB', 'XK', 'YD', 'YU', 'ZR', 'ZZ',
];

describe('unlocode ISO 3166-1 alpha-2 list', () => {
  it('has the 249 officially assigned codes, all two uppercase letters', () => {
    assert.equal(ISO_3166_ALPHA2.size, 249);
    for (const code of ISO_3166_ALPHA2) assert.match(code, /^[A-Z]{2}$/);
  });

  it('contains the codes a port platform meets every day and recent additions', () => {
    for (const code of ['CN', 'HK', 'MO', 'TW', 'KR', 'JP', 'SG', 'NL', 'DE', 'GB', 'US', 'PA', 'LR', 'MH', 'SS', 'CW', 'SX', 'BQ', 'ME', 'RS', 'AX', 'BL', 'MF', 'AQ']) {
      assert.ok(isIsoCountryCode(code), code);
    }
  });

  it('excludes reserved, withdrawn and user-assigned codes', () => {
    for (const code of [...CLDR_NON_ISO, 'XZ', 'AA', 'QM', 'QZ', 'XX', 'OO', 'ZZ']) assert.equal(isIsoCountryCode(code), false, code);
  });

  it('is case-sensitive (canonical uppercase only)', () => {
    assert.equal(isIsoCountryCode('cn'), false);
    assert.equal(isIsoCountryCode('Cn'), false);
  });

  it('agrees with the region names ICU/CLDR ships with node', () => {
    const names = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'none' });
    // Every listed code is a region CLDR knows.
    for (const code of ISO_3166_ALPHA2) assert.ok(names.of(code), `CLDR has no name for ${code}`);
    // Every region CLDR knows is either in the list or a known non-ISO code. When this fails after
    // a node upgrade, ISO may have assigned a new code: check the ISO 3166 Online Browsing Platform.
    const unexplained = allPairs().filter((code) => names.of(code) && !ISO_3166_ALPHA2.has(code) && !CLDR_NON_ISO.includes(code));
    assert.deepEqual(unexplained, []);
  });
});

describe('unlocode validateUnLocode', () => {
  it('accepts real UN/LOCODEs unchanged', () => {
    for (const code of ['CNTAO', 'CNSHA', 'CNNGB', 'CNSZX', 'HKHKG', 'SGSIN', 'NLRTM', 'BEANR', 'DEHAM', 'USLAX', 'USNYC', 'JPTYO', 'KRPUS', 'AEJEA', 'GBFXT']) {
      assert.deepEqual(validateUnLocode(code), { ok: true, value: code });
    }
  });

  it('accepts one space between country and location and removes it', () => {
    assert.deepEqual(validateUnLocode('CN TAO'), { ok: true, value: 'CNTAO' });
    assert.deepEqual(validateUnLocode('NL RTM'), { ok: true, value: 'NLRTM' });
  });

  it('accepts digits 2-9 in the location part and rejects 0 and 1', () => {
    for (const digit of '23456789') {
      assert.deepEqual(validateUnLocode(`CN${digit}AB`), { ok: true, value: `CN${digit}AB` });
      assert.deepEqual(validateUnLocode(`CNAB${digit}`), { ok: true, value: `CNAB${digit}` });
    }
    for (const digit of '01') {
      assertFails(validateUnLocode(`CNTA${digit}`), 'unlocode.format', 'A-Z or 2-9');
      assertFails(validateUnLocode(`CN${digit}TA`), 'unlocode.format');
    }
  });

  it('accepts XZ, used by UN/LOCODE for installations in international waters', () => {
    assert.deepEqual(validateUnLocode('XZABC'), { ok: true, value: 'XZABC' });
    assert.deepEqual(validateUnLocode('XZ ABC'), { ok: true, value: 'XZABC' });
  });

  it('accepts exactly the ISO countries plus XZ, for all 676 letter pairs', () => {
    for (const country of allPairs()) {
      const result = validateUnLocode(`${country}AAA`);
      if (ISO_3166_ALPHA2.has(country) || country === 'XZ') {
        assert.deepEqual(result, { ok: true, value: `${country}AAA` });
      } else {
        assertFails(result, 'unlocode.country', `got ${country}`);
      }
    }
  });

  it('explains a wrong country code (UK is not ISO 3166 — Great Britain is GB)', () => {
    assert.deepEqual(validateUnLocode('UKLON'), {
      ok: false,
      rule: 'unlocode.country',
      message: 'the first 2 letters must be an ISO 3166-1 alpha-2 country code (or XZ for international waters), got UK',
    });
    for (const code of ['EUXXX', 'XKPRN', 'ANCUR', 'YUBEG', 'ZZZZZ']) assertFails(validateUnLocode(code), 'unlocode.country');
  });

  it('accepts only canonical uppercase and says so', () => {
    for (const value of ['cntao', 'CNtao', 'cnTAO', 'cn tao']) assertFails(validateUnLocode(value), 'unlocode.format', 'uppercase only');
  });

  it('rejects other malformed values with unlocode.format', () => {
    const malformed = [
      '', 'CN', 'CNTA', 'CNTAOO', 'CN  TAO', 'CN-TAO', 'CN\tTAO', ' CNTAO', 'CNTAO ', 'CNT AO', 'C1TAO',
      '12TAO', 'CNTA-', 'ÇNTAO', 'CN_TAO',
    ];
    for (const value of malformed) assertFails(validateUnLocode(value), 'unlocode.format', 'e.g. CNTAO');
    for (const value of [undefined, null, 12345, {}]) assertFails(validateUnLocode(value), 'unlocode.format');
  });
});
