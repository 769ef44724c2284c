// Maritime Mobile Service Identities, ITU-R M.585 (Annex 1 assigns the formats). An MMSI is 9
// digits; which station it identifies follows from its leading digits, and most formats embed a
// 3-digit Maritime Identification Digits (MID) country code whose first digit is 2–7 (the ITU
// region). Whether a MID is actually allocated to a country is not checked: the ITU table changes
// and a wrong-but-well-formed MID is a data-quality issue, not a malformed identity.
import { invalid, show, valid, type ValidationResult } from './result.js';

export type MmsiKind =
  | 'ship' //           MIDxxxxxx   ship station
  | 'group' //          0MIDxxxxx   group of ship stations
  | 'coast' //          00MIDxxxx   coast station
  | 'sarAircraft' //    111MIDxxx   search-and-rescue aircraft
  | 'handheld' //       8MIDxxxxx   handheld VHF with DSC and GNSS (nationally assigned)
  | 'craftAssociated' // 98MIDxxxx  craft associated with a parent ship (tender, RIB, ...)
  | 'aidToNavigation' // 99MIDxxxx  AIS aid to navigation
  | 'aisSart' //        970xxyyyy   AIS search-and-rescue transmitter
  | 'mob' //            972xxyyyy   man-overboard device
  | 'epirbAis'; //      974xxyyyy   EPIRB with AIS

export interface MmsiInfo {
  /** The 9 digits as given. */
  mmsi: string;
  kind: MmsiKind;
  /** The embedded Maritime Identification Digits, or null for the 97x devices, which carry a manufacturer code instead. */
  mid: string | null;
}

// Ordered: the more specific prefixes first (00 before 0, 111, 97x, 98, 99). `(MID)` is 3 digits
// starting 2–7; the remaining digits are free.
const FORMATS: ReadonlyArray<{ pattern: RegExp; kind: MmsiKind }> = [
  { pattern: /^00([2-7]\d\d)\d{4}$/, kind: 'coast' },
  { pattern: /^0([2-7]\d\d)\d{5}$/, kind: 'group' },
  { pattern: /^111([2-7]\d\d)\d{3}$/, kind: 'sarAircraft' },
  { pattern: /^([2-7]\d\d)\d{6}$/, kind: 'ship' },
  { pattern: /^8([2-7]\d\d)\d{5}$/, kind: 'handheld' },
  { pattern: /^970\d{6}$/, kind: 'aisSart' },
  { pattern: /^972\d{6}$/, kind: 'mob' },
  { pattern: /^974\d{6}$/, kind: 'epirbAis' },
  { pattern: /^98([2-7]\d\d)\d{4}$/, kind: 'craftAssociated' },
  { pattern: /^99([2-7]\d\d)\d{4}$/, kind: 'aidToNavigation' },
];

/**
 * Validates an MMSI and tells what kind of station it identifies, e.g. `413000000` →
 * `{ mmsi: '413000000', kind: 'ship', mid: '413' }`. Nine digits that fit none of the ITU-R M.585
 * formats (e.g. `1` not followed by `11`, `9` followed by 0–6, `0`/`00` not followed by a MID
 * starting 2–7) are rejected with rule `mmsi.prefix`.
 */
export function validateMmsi(value: unknown): ValidationResult<MmsiInfo> {
  if (typeof value !== 'string' || !/^\d{9}$/.test(value)) {
    return invalid('mmsi.format', `expected exactly 9 digits, got ${show(value)}`);
  }
  for (const { pattern, kind } of FORMATS) {
    const match = pattern.exec(value);
    if (match) return valid({ mmsi: value, kind, mid: match[1] ?? null });
  }
  return invalid(
    'mmsi.prefix',
    `${value} fits no ITU-R M.585 format: expected MID (2xx-7xx) for a ship, 0+MID group, 00+MID coast, ` +
      `111+MID SAR aircraft, 8+MID handheld, 970/972/974 AIS-SART/MOB/EPIRB, 98+MID associated craft or 99+MID aid to navigation`,
  );
}
