// UN/LOCODE (UNECE Recommendation No. 16): 2-letter ISO 3166-1 country code + 3-character
// location code, e.g. CNTAO (Qingdao). The location part uses letters and the digits 2–9; 0 and 1
// are excluded so they cannot be confused with O and I.
import { invalid, show, valid, type ValidationResult } from './result.js';

// ISO 3166-1 alpha-2, officially assigned codes only (249 codes, as maintained by the ISO 3166
// Maintenance Agency). Exceptionally reserved (e.g. UK, EU, AC, IC), transitionally reserved
// (e.g. AN, CS, YU, ZR), user-assigned (AA, QM–QZ, XA–XZ, ZZ) and unofficial codes such as XK
// are deliberately absent. Update this list when ISO adds or withdraws a code.
const ISO_3166_ALPHA2_CODES = [
  'AD', 'AE', 'AF', 'AG', 'AI', 'AL', 'AM', 'AO', 'AQ', 'AR', 'AS', 'AT', 'AU', 'AW', 'AX', 'AZ',
  'BA', 'BB', 'BD', 'BE', 'BF', 'BG', 'BH', 'BI', 'BJ', 'BL', 'BM', 'BN', 'BO', 'BQ', 'BR', 'BS',
  'BT', 'BV', 'BW', 'BY', 'BZ',
  'CA', 'CC', 'CD', 'CF', 'CG', 'CH', 'CI', 'CK', 'CL', 'CM', 'CN', 'CO', 'CR', 'CU', 'CV', 'CW',
  'CX', 'CY', 'CZ',
  'DE', 'DJ', 'DK', 'DM', 'DO', 'DZ',
  'EC', 'EE', 'EG', 'EH', 'ER', 'ES', 'ET',
  'FI', 'FJ', 'FK', 'FM', 'FO', 'FR',
  'GA', 'GB', 'GD', 'GE', 'GF', 'GG', 'GH', 'GI', 'GL', 'GM', 'GN', 'GP', 'GQ', 'GR', 'GS', 'GT',
  'GU', 'GW', 'GY',
  'HK', 'HM', 'HN', 'HR', 'HT', 'HU',
  'ID', 'IE', 'IL', 'IM', 'IN', 'IO', 'IQ', 'IR', 'IS', 'IT',
  'JE', 'JM', 'JO', 'JP',
  'KE', 'KG', 'KH', 'KI', 'KM', 'KN', 'KP', 'KR', 'KW', 'KY', 'KZ',
  'LA', 'LB', 'LC', 'LI', 'LK', 'LR', 'LS', 'LT', 'LU', 'LV', 'LY',
  'MA', 'MC', 'MD', 'ME', 'MF', 'MG', 'MH', 'MK', 'ML', 'MM', 'MN', 'MO', 'MP', 'MQ', 'MR', 'MS',
  'MT', 'MU', 'MV', 'MW', 'MX', 'MY', 'MZ',
  'NA', 'NC', 'NE', 'NF', 'NG', 'NI', 'NL', 'NO', 'NP', 'NR', 'NU', 'NZ',
  'OM',
  'PA', 'PE', 'PF', 'PG', 'PH', 'PK', 'PL', 'PM', 'PN', 'PR', 'PS', 'PT', 'PW', 'PY',
  'QA',
  'RE', 'RO', 'RS', 'RU', 'RW',
  'SA', 'SB', 'SC', 'SD', 'SE', 'SG', 'SH', 'SI', 'SJ', 'SK', 'SL', 'SM', 'SN', 'SO', 'SR', 'SS',
  'ST', 'SV', 'SX', 'SY', 'SZ',
  'TC', 'TD', 'TF', 'TG', 'TH', 'TJ', 'TK', 'TL', 'TM', 'TN', 'TO', 'TR', 'TT', 'TV', 'TW', 'TZ',
  'UA', 'UG', 'UM', 'US', 'UY', 'UZ',
  'VA', 'VC', 'VE', 'VG', 'VI', 'VN', 'VU',
  'WF', 'WS',
  'YE', 'YT',
  'ZA', 'ZM', 'ZW',
] as const;

export const ISO_3166_ALPHA2: ReadonlySet<string> = new Set(ISO_3166_ALPHA2_CODES);

// UN/LOCODE's own addition: XZ is used for installations in international waters (offshore
// platforms, anchorages outside territorial seas). It is user-assigned in ISO 3166, not a country.
const UNLOCODE_EXTRA_COUNTRIES: ReadonlySet<string> = new Set(['XZ']);

/** True for an officially assigned ISO 3166-1 alpha-2 code (uppercase), e.g. `CN`. */
export function isIsoCountryCode(code: string): boolean {
  return ISO_3166_ALPHA2.has(code);
}

/**
 * Validates a UN/LOCODE written `CNTAO` or `CN TAO` (one space between country and location, as
 * printed in the UNECE code list). The value on success is the 5 characters without the space.
 */
export function validateUnLocode(value: unknown): ValidationResult {
  const match = typeof value === 'string' ? /^([A-Z]{2}) ?([A-Z2-9]{3})$/.exec(value) : null;
  if (!match) {
    const hint =
      typeof value === 'string' && /^[A-Z]{2} ?[A-Z2-9]{3}$/.test(value.toUpperCase()) ? ' (uppercase only)' : '';
    return invalid(
      'unlocode.format',
      `expected a 2-letter country code and 3 characters A-Z or 2-9, e.g. CNTAO or CN TAO${hint}, got ${show(value)}`,
    );
  }
  const [, country, location] = match;
  if (!ISO_3166_ALPHA2.has(country) && !UNLOCODE_EXTRA_COUNTRIES.has(country)) {
    return invalid(
      'unlocode.country',
      `the first 2 letters must be an ISO 3166-1 alpha-2 country code (or XZ for international waters), got ${country}`,
    );
  }
  return valid(country + location);
}
