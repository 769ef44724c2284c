// ISO 8601 date-times that carry their UTC offset, e.g. 2021-01-09T14:12:56+01:00. Port events
// happen in many time zones and a local time without an offset is ambiguous, so the offset is
// mandatory. Callers store `utc` and keep `offsetMinutes` to show the time as it was reported.
//
// Accepted profile (RFC 3339 style, extended format): YYYY-MM-DDThh:mm:ss, optional fraction of
// 1–9 digits, then `Z`, `±hh:mm` or `±hhmm`. Deliberately rejected:
// - lowercase `t`/`z`, a space instead of `T`, basic format dates (20210109), missing seconds;
// - hour 24 (including 24:00:00): write 00:00:00 of the next day instead;
// - second 60: leap seconds are legal in ISO 8601 but a JavaScript Date cannot represent them,
//   and silently moving the event to the next second would change the data;
// - offset -00:00, which RFC 3339 uses to mean "local offset unknown" — the opposite of what this
//   validator promises; write Z or +00:00 for UTC;
// - offsets outside -12:00..+14:00, the range of real-world zones.
// Fractions beyond milliseconds are truncated (not rounded) because Date holds milliseconds.
import { invalid, show, valid, type ValidationResult } from './result.js';

export interface OffsetDateTime {
  /** The instant in UTC as produced by `Date.prototype.toISOString()`, e.g. 2021-01-09T13:12:56.000Z. */
  utc: string;
  /** The offset written in the input, in minutes east of UTC: +01:00 → 60, -03:30 → -210, Z → 0. */
  offsetMinutes: number;
  /** Milliseconds since the Unix epoch. */
  epochMs: number;
}

const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2}|[+-]\d{4})$/;
// The accepted shape minus the offset: recognised to give the more helpful offsetRequired error.
const WITHOUT_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?$/;

const MIN_OFFSET = -12 * 60;
const MAX_OFFSET = 14 * 60;
const EXAMPLE = 'e.g. 2021-01-09T14:12:56+01:00 or 2021-01-09T14:12:56.123Z';

const isLeapYear = (year: number): boolean => year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);

/** Days in a month of the proleptic Gregorian calendar (month 1–12). */
export function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** Validates an ISO 8601 date-time with an explicit offset; see the file header for the profile. */
export function validateDateTime(value: unknown): ValidationResult<OffsetDateTime> {
  if (typeof value !== 'string') {
    return invalid('datetime.format', `expected an ISO 8601 date-time string, ${EXAMPLE}, got ${show(value)}`);
  }
  const match = DATE_TIME.exec(value);
  if (!match) {
    if (WITHOUT_OFFSET.test(value)) {
      return invalid(
        'datetime.offsetRequired',
        `a UTC offset is required (Z, ±hh:mm or ±hhmm) because a local time alone is ambiguous, ${EXAMPLE}, got ${show(value)}`,
      );
    }
    return invalid(
      'datetime.format',
      `expected YYYY-MM-DDThh:mm:ss[.fraction] followed by Z or ±hh:mm (uppercase T and Z), ${EXAMPLE}, got ${show(value)}`,
    );
  }
  const [, y, mo, d, h, mi, s, fraction, offset] = match;
  const [year, month, day, hour, minute, second] = [y, mo, d, h, mi, s].map(Number);

  if (month < 1 || month > 12) {
    return invalid('datetime.invalidDate', `month must be 01-12, got ${mo}`);
  }
  if (day < 1 || day > daysInMonth(year, month)) {
    return invalid(
      'datetime.invalidDate',
      `day must be 01-${daysInMonth(year, month)} for ${y}-${mo}${month === 2 && day === 29 ? ` (${y} is not a leap year)` : ''}, got ${d}`,
    );
  }
  if (hour > 23) {
    return invalid('datetime.invalidTime', `hour must be 00-23 (write 24:00:00 as 00:00:00 of the next day), got ${h}`);
  }
  if (minute > 59) {
    return invalid('datetime.invalidTime', `minute must be 00-59, got ${mi}`);
  }
  if (second > 59) {
    return invalid(
      'datetime.invalidTime',
      `second must be 00-59 (leap second 60 is not accepted: JavaScript dates cannot represent it), got ${s}`,
    );
  }

  const offsetMinutes = parseOffset(offset);
  if (offset === '-00:00' || offset === '-0000') {
    return invalid(
      'datetime.offsetRequired',
      `offset ${offset} means "local offset unknown"; write Z or +00:00 for UTC`,
    );
  }
  if (Number(offset.slice(-2)) > 59) {
    return invalid('datetime.offsetRange', `offset minutes must be 00-59, got ${offset}`);
  }
  if (offsetMinutes < MIN_OFFSET || offsetMinutes > MAX_OFFSET) {
    return invalid('datetime.offsetRange', `offset must be between -12:00 and +14:00, got ${offset}`);
  }

  // Already UTC (what most systems send): the text is the answer, without building dates.
  if (offset === 'Z' && year >= 100) {
    const ms = fraction === undefined ? '000' : fraction.padEnd(3, '0').slice(0, 3);
    return valid({ utc: `${y}-${mo}-${d}T${h}:${mi}:${s}.${ms}Z`, offsetMinutes: 0, epochMs: Date.UTC(year, month - 1, day, hour, minute, second, Number(ms)) });
  }

  // Build the wall-clock time as if it were UTC, then shift by the offset. setUTCFullYear is used
  // rather than Date.UTC because Date.UTC maps years 0–99 to 1900–1999.
  const milliseconds = fraction === undefined ? 0 : Number(fraction.padEnd(3, '0').slice(0, 3));
  const wallClock = new Date(0);
  wallClock.setUTCFullYear(year, month - 1, day);
  wallClock.setUTCHours(hour, minute, second, milliseconds);
  const epochMs = wallClock.getTime() - offsetMinutes * 60_000;

  return valid({ utc: new Date(epochMs).toISOString(), offsetMinutes, epochMs });
}

// "Z" → 0, "+05:45" / "+0545" → 345, "-03:30" → -210.
function parseOffset(offset: string): number {
  if (offset === 'Z') return 0;
  const sign = offset[0] === '-' ? -1 : 1;
  const digits = offset.slice(1).replace(':', '');
  return sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2)));
}
