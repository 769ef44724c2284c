// ISO 6346:1995 freight container identification (owner code + category + serial + check digit)
// and size-type codes. Only the canonical uppercase form is accepted: the platform stores what it
// is given, and normalising silently would hide badly keyed data from the sender.
import { invalid, show, valid, type ValidationResult } from './result.js';

// Annex A, step 1: letters count from A = 10 upwards, skipping 11 and its multiples (22, 33)
// so that no letter shares its value with the modulus. Digits keep their own value.
const LETTER_VALUES: Readonly<Record<string, number>> = (() => {
  const values: Record<string, number> = {};
  let next = 10;
  for (const letter of 'ABCDEFGHIJKLMNOPQRSTUVWXYZ') {
    if (next % 11 === 0) next += 1;
    values[letter] = next;
    next += 1;
  }
  return values;
})();

const OWNER_AND_SERIAL = /^[A-Z]{4}\d{6}$/;

/**
 * ISO 6346 Annex A check digit of the first 10 characters (owner code, category identifier and
 * serial number), e.g. `checkDigit('CSQU305438') === 3`.
 *
 * Each character value is weighted by 2^position (position 0..9), the sum is taken modulo 11, and
 * a remainder of 10 becomes check digit 0. The standard recommends owners avoid serials that give
 * remainder 10 (0 then stands for two remainders), but such numbers exist and remain valid.
 *
 * Throws a RangeError unless given exactly 4 uppercase letters followed by 6 digits: this is a
 * programming contract, not input validation (use `validateContainerNumber` for untrusted input).
 */
export function checkDigit(ownerAndSerial: string): number {
  if (!OWNER_AND_SERIAL.test(ownerAndSerial)) {
    throw new RangeError(`checkDigit expects 4 uppercase letters and 6 digits, got ${show(ownerAndSerial)}`);
  }
  let sum = 0;
  for (let i = 0; i < 10; i++) {
    const ch = ownerAndSerial[i];
    const value = i < 4 ? LETTER_VALUES[ch] : Number(ch);
    sum += value * 2 ** i;
  }
  return (sum % 11) % 10;
}

// Equipment category identifier (ISO 6346:1995 §3.2): U freight container, J detachable
// container-related equipment, Z trailer or chassis. R is accepted as well, by platform decision:
// some references list it for reefer containers, although ISO 6346 defines only U, J and Z and
// identifies reefers through the size-type code.
const CONTAINER_NUMBER = /^[A-Z]{3}[UJZR]\d{6}\d$/;

/**
 * Validates a container (or J/Z/R equipment) number: 3-letter owner code, category U/J/Z/R,
 * 6-digit serial and check digit, written as 11 characters without spaces, e.g. `CSQU3054383`.
 * The value on success is the number unchanged.
 */
export function validateContainerNumber(value: unknown): ValidationResult {
  if (typeof value !== 'string') {
    return invalid('iso6346.format', `expected a container number string such as CSQU3054383, got ${show(value)}`);
  }
  if (!CONTAINER_NUMBER.test(value)) {
    return invalid('iso6346.format', formatProblem(value));
  }
  const expected = checkDigit(value.slice(0, 10));
  const actual = Number(value[10]);
  if (expected !== actual) {
    return invalid('iso6346.checkDigit', `check digit should be ${expected}, got ${actual}`);
  }
  return valid(value);
}

// Says as precisely as is cheap why a value is not shaped like a container number.
function formatProblem(value: string): string {
  const shape = 'expected 3 uppercase letters (owner code), a category letter U, J, Z or R, 6 digits and a check digit, e.g. CSQU3054383';
  if (value !== value.toUpperCase() && CONTAINER_NUMBER.test(value.toUpperCase())) {
    return `container numbers must be written in uppercase: ${value.toUpperCase()}, got ${show(value)}`;
  }
  const compact = value.replace(/[\s-]/g, '');
  if (compact !== value && CONTAINER_NUMBER.test(compact)) {
    return `container numbers must be written without spaces or dashes: ${compact}, got ${show(value)}`;
  }
  // Right shape but for the 4th character: only the category can be wrong.
  if (/^[A-Z]{4}\d{7}$/.test(value)) {
    return `the 4th character is the equipment category and must be U, J, Z or R, got ${value[3]}`;
  }
  return `${shape}, got ${show(value)}`;
}

// ---------------------------------------------------------------------------------------------
// Size-type codes, ISO 6346:1995 §4 with Annex D (size code designation: length code, then
// height/width code) and Annex E (type code designation: detailed type codes and type group
// codes). The code is 4 characters, e.g. 22G1 = 20 ft, 8 ft 6 in high, general purpose with
// passive vents; 45R1 = 40 ft high cube reefer.

// Annex D, table D.1 — first character, container length.
const LENGTH_CODES: Readonly<Record<string, string>> = {
  '1': '2991 mm (10 ft)',
  '2': '6068 mm (20 ft)',
  '3': '9125 mm (30 ft)',
  '4': '12192 mm (40 ft)',
  A: '7150 mm',
  B: '7315 mm (24 ft)',
  C: '7430 mm (24 ft 6 in)',
  D: '7450 mm',
  E: '7820 mm',
  F: '8100 mm',
  G: '12500 mm (41 ft)',
  H: '13106 mm (43 ft)',
  K: '13600 mm',
  L: '13716 mm (45 ft)',
  M: '14630 mm (48 ft)',
  N: '14935 mm (49 ft)',
  P: '16154 mm',
};

// Annex D, table D.2 — second character, height (and width class for the letter codes).
const HEIGHT_WIDTH_CODES: Readonly<Record<string, string>> = {
  '0': 'height 2438 mm (8 ft), width 2438 mm',
  '2': 'height 2591 mm (8 ft 6 in), width 2438 mm',
  '4': 'height 2743 mm (9 ft), width 2438 mm',
  '5': 'height 2895 mm (9 ft 6 in), width 2438 mm',
  '6': 'height > 2895 mm, width 2438 mm',
  '8': 'height 1295 mm (4 ft 3 in), width 2438 mm',
  '9': 'height <= 1219 mm, width 2438 mm',
  C: 'height 2591 mm, width 2438-2500 mm',
  D: 'height 2743 mm, width 2438-2500 mm',
  E: 'height 2895 mm, width 2438-2500 mm',
  F: 'height > 2895 mm, width 2438-2500 mm',
  L: 'height 2591 mm, width > 2500 mm',
  M: 'height 2743 mm, width > 2500 mm',
  N: 'height 2895 mm, width > 2500 mm',
  P: 'height > 2895 mm, width > 2500 mm',
};

// Annex E, table E.1 — type group code and the detailed type codes it covers. Codes the table
// marks as spare (G4–G9, V1, V3, V5–V9, B2, B7–B9, S3–S9, R4–R9, H3, H4, H7–H9, U6–U9, P6–P9,
// A1–A9) are rejected: nobody may mark a container with them until ISO assigns them.
const TYPE_GROUPS: Readonly<Record<string, readonly string[]>> = {
  GP: ['G0', 'G1', 'G2', 'G3'], // general purpose, without ventilation
  VH: ['V0', 'V2', 'V4'], // general purpose, ventilated
  BU: ['B0', 'B1'], // dry bulk, non-pressurized box type
  BK: ['B3', 'B4', 'B5', 'B6'], // dry bulk, pressurized
  SN: ['S0', 'S1', 'S2'], // named cargo: livestock, automobile, live fish
  RE: ['R0'], // thermal, mechanically refrigerated
  RT: ['R1'], // thermal, mechanically refrigerated and heated
  RS: ['R2', 'R3'], // thermal, self-powered refrigerated (and heated)
  HR: ['H0', 'H1', 'H2'], // thermal, refrigerated/heated with removable equipment
  HI: ['H5', 'H6'], // thermal, insulated
  UT: ['U0', 'U1', 'U2', 'U3', 'U4', 'U5'], // open top
  PL: ['P0'], // platform
  PF: ['P1', 'P2'], // platform-based, fixed ends
  PC: ['P3', 'P4'], // platform-based, folding (collapsible) ends
  PS: ['P5'], // platform-based, open top, open ends (skeletal)
  TN: ['T0', 'T1', 'T2'], // tank, non-dangerous liquids
  TD: ['T3', 'T4', 'T5', 'T6'], // tank, dangerous liquids
  TG: ['T7', 'T8', 'T9'], // tank, gases
  AS: ['A0'], // air/surface
};

// A size-type code may carry either a detailed type code (22G1) or, when the detail is not
// known, the type group code (22GP) — both occur in EDI messages (BAPLIE, COPRAR, DCSA).
const TYPE_CODES: ReadonlySet<string> = new Set(
  Object.entries(TYPE_GROUPS).flatMap(([group, details]) => [group, ...details]),
);

/** The type group (e.g. `GP`) a detailed or group type code belongs to, or undefined. */
export function typeGroupOf(typeCode: string): string | undefined {
  for (const [group, details] of Object.entries(TYPE_GROUPS)) {
    if (group === typeCode || details.includes(typeCode)) return group;
  }
  return undefined;
}

/**
 * Validates an ISO 6346:1995 size-type code such as `22G1`, `45R1` or `42GP`: length code,
 * height/width code and a detailed or group type code from Annex E. The value is the code
 * unchanged. Pre-1995 numeric codes (e.g. `2210`, `4510`) are rejected.
 */
export function isoSizeTypeCode(value: unknown): ValidationResult {
  if (typeof value !== 'string' || !/^[0-9A-Z]{4}$/.test(value)) {
    const hint = typeof value === 'string' && /^[0-9A-Za-z]{4}$/.test(value) ? ' (uppercase only)' : '';
    return invalid(
      'iso6346.sizeType.format',
      `expected a 4-character ISO 6346 size-type code such as 22G1 or 45R1${hint}, got ${show(value)}`,
    );
  }
  const [length, heightWidth] = value;
  const type = value.slice(2);
  if (!(length in LENGTH_CODES)) {
    return invalid(
      'iso6346.sizeType.length',
      `the 1st character is the length code and must be one of ${Object.keys(LENGTH_CODES).join(', ')}, got ${length}`,
    );
  }
  if (!(heightWidth in HEIGHT_WIDTH_CODES)) {
    return invalid(
      'iso6346.sizeType.heightWidth',
      `the 2nd character is the height/width code and must be one of ${Object.keys(HEIGHT_WIDTH_CODES).join(', ')}, got ${heightWidth}`,
    );
  }
  if (!TYPE_CODES.has(type)) {
    return invalid(
      'iso6346.sizeType.type',
      `the last 2 characters must be an ISO 6346:1995 type code (e.g. G1, R1, U1, T6) or type group code (${Object.keys(TYPE_GROUPS).join(', ')}), got ${type}`,
    );
  }
  return valid(value);
}
