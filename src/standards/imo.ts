// IMO ship identification numbers (IMO Resolution A.1117(30), SOLAS XI-1/3): 7 digits, the last
// a check digit. IMO company and registered owner numbers use a different scheme and are out of
// scope here.
import { invalid, show, valid, type ValidationResult } from './result.js';

// "IMO 9321483" is how the number is painted on hulls and printed in certificates; the bare
// digits are what we store. Only the uppercase prefix, optionally followed by one space, is
// accepted so every validator in src/standards has the same canonical-case rule.
const IMO_NUMBER = /^(?:IMO ?)?(\d{7})$/;

/**
 * Check digit of an IMO ship number from its first six digits: each digit is multiplied by
 * 7, 6, 5, 4, 3, 2 in turn and the last digit of the sum is the check digit.
 * `imoCheckDigit('932148') === 3`. Throws a RangeError unless given exactly 6 digits.
 */
export function imoCheckDigit(firstSixDigits: string): number {
  if (!/^\d{6}$/.test(firstSixDigits)) {
    throw new RangeError(`imoCheckDigit expects 6 digits, got ${show(firstSixDigits)}`);
  }
  let sum = 0;
  for (let i = 0; i < 6; i++) sum += Number(firstSixDigits[i]) * (7 - i);
  return sum % 10;
}

/**
 * Validates an IMO ship number written as `9321483`, `IMO9321483` or `IMO 9321483`. The value on
 * success is the 7 digits without prefix.
 */
export function validateImoNumber(value: unknown): ValidationResult {
  const match = typeof value === 'string' ? IMO_NUMBER.exec(value) : null;
  if (!match) {
    return invalid('imo.format', `expected 7 digits, optionally prefixed "IMO " (e.g. IMO 9321483), got ${show(value)}`);
  }
  const digits = match[1];
  const expected = imoCheckDigit(digits.slice(0, 6));
  const actual = Number(digits[6]);
  if (expected !== actual) {
    return invalid('imo.checkDigit', `check digit should be ${expected}, got ${actual}`);
  }
  return valid(digits);
}
