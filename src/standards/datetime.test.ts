import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { daysInMonth, validateDateTime } from './datetime.js';
import type { ValidationResult } from './result.js';

function assertFails(result: ValidationResult<unknown>, rule: string, messagePart?: string): void {
  assert.equal(result.ok, false, `expected failure ${rule}, got ${JSON.stringify(result)}`);
  if (result.ok) return;
  assert.equal(result.rule, rule, result.message);
  if (messagePart) assert.ok(result.message.includes(messagePart), `message "${result.message}" lacks "${messagePart}"`);
}

function accepted(value: string): { utc: string; offsetMinutes: number; epochMs: number } {
  const result = validateDateTime(value);
  assert.equal(result.ok, true, `${value}: ${JSON.stringify(result)}`);
  if (!result.ok) throw new Error('unreachable');
  assert.equal(result.value.utc, new Date(result.value.epochMs).toISOString(), 'utc and epochMs agree');
  return result.value;
}

// Deterministic pseudo-random numbers (mulberry32).
function prng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('datetime validateDateTime: accepted values', () => {
  it('keeps the offset and converts to UTC', () => {
    assert.deepEqual(validateDateTime('2021-01-09T14:12:56+01:00'), {
      ok: true,
      value: { utc: '2021-01-09T13:12:56.000Z', offsetMinutes: 60, epochMs: Date.UTC(2021, 0, 9, 13, 12, 56) },
    });
    assert.deepEqual(validateDateTime('2021-01-09T14:12:56.123Z'), {
      ok: true,
      value: { utc: '2021-01-09T14:12:56.123Z', offsetMinutes: 0, epochMs: Date.UTC(2021, 0, 9, 14, 12, 56, 123) },
    });
  });

  it('accepts ±hhmm as well as ±hh:mm', () => {
    assert.deepEqual(accepted('2021-01-09T14:12:56+0100'), accepted('2021-01-09T14:12:56+01:00'));
    assert.deepEqual(accepted('2021-01-09T14:12:56-0330'), accepted('2021-01-09T14:12:56-03:30'));
  });

  it('reads negative and fractional-hour offsets', () => {
    assert.deepEqual(accepted('2021-07-01T08:00:00-03:30'), { utc: '2021-07-01T11:30:00.000Z', offsetMinutes: -210, epochMs: Date.UTC(2021, 6, 1, 11, 30) });
    assert.deepEqual(accepted('2021-07-01T08:00:00+05:45'), { utc: '2021-07-01T02:15:00.000Z', offsetMinutes: 345, epochMs: Date.UTC(2021, 6, 1, 2, 15) });
    assert.equal(accepted('2021-07-01T08:00:00+08:00').utc, '2021-07-01T00:00:00.000Z'); // Qingdao
  });

  it('treats Z and +00:00 as UTC', () => {
    assert.deepEqual(accepted('2021-01-09T14:12:56Z'), accepted('2021-01-09T14:12:56+00:00'));
    assert.deepEqual(accepted('2021-01-09T14:12:56+0000'), accepted('2021-01-09T14:12:56Z'));
    assert.ok(Object.is(accepted('2021-01-09T14:12:56+00:00').offsetMinutes, 0), 'offset is +0, not -0');
  });

  it('crosses day, month and year boundaries', () => {
    assert.equal(accepted('2020-12-31T23:30:00-01:00').utc, '2021-01-01T00:30:00.000Z');
    assert.equal(accepted('2021-01-01T00:30:00+14:00').utc, '2020-12-31T10:30:00.000Z');
    assert.equal(accepted('2024-02-28T23:00:00-12:00').utc, '2024-02-29T11:00:00.000Z');
    assert.equal(accepted('2024-03-01T05:00:00+08:00').utc, '2024-02-29T21:00:00.000Z');
  });

  it('accepts the offset range -12:00 to +14:00', () => {
    assert.equal(accepted('2021-01-09T12:00:00+14:00').offsetMinutes, 840);
    assert.equal(accepted('2021-01-09T12:00:00-12:00').offsetMinutes, -720);
    assert.equal(accepted('2021-01-09T12:00:00+12:45').offsetMinutes, 765); // Chatham Islands DST
    assert.equal(accepted('2021-01-09T12:00:00-09:30').offsetMinutes, -570); // Marquesas
  });

  it('accepts fractions of 1 to 9 digits, truncated to milliseconds', () => {
    const ms = (fraction: string) => accepted(`2021-01-09T14:12:56.${fraction}Z`).epochMs - Date.UTC(2021, 0, 9, 14, 12, 56);
    assert.equal(ms('1'), 100);
    assert.equal(ms('12'), 120);
    assert.equal(ms('123'), 123);
    assert.equal(ms('1239'), 123);
    assert.equal(ms('123456789'), 123);
    assert.equal(ms('000'), 0);
    assert.equal(ms('9999'), 999, 'truncated, not rounded into the next second');
    assert.equal(accepted('2021-12-31T23:59:59.9999999Z').utc, '2021-12-31T23:59:59.999Z');
  });

  it('accepts the first and last moment of every day', () => {
    assert.equal(accepted('2021-01-09T00:00:00Z').utc, '2021-01-09T00:00:00.000Z');
    assert.equal(accepted('2021-01-09T23:59:59Z').utc, '2021-01-09T23:59:59.000Z');
  });

  it('handles years 0000-0099 without the Date.UTC 1900 mapping', () => {
    assert.equal(accepted('0099-06-15T12:00:00Z').utc, '0099-06-15T12:00:00.000Z');
    assert.equal(accepted('0001-01-01T00:00:00Z').utc, '0001-01-01T00:00:00.000Z');
    assert.equal(accepted('0000-02-29T00:00:00Z').utc, '0000-02-29T00:00:00.000Z'); // year 0 is a leap year
    assert.equal(accepted('9999-12-31T23:59:59.999Z').utc, '9999-12-31T23:59:59.999Z');
  });

  it('agrees with Date.parse on 5 000 random instants in random offsets', () => {
    const random = prng(8601);
    const pad = (n: number, width = 2) => String(Math.abs(n)).padStart(width, '0');
    for (let i = 0; i < 5_000; i++) {
      const epochMs = Math.floor(random() * Date.UTC(2100, 0, 1));
      const offsetMinutes = Math.floor(random() * (840 + 720 + 1)) - 720;
      const local = new Date(epochMs + offsetMinutes * 60_000); // wall clock, read with getUTC*
      const sign = offsetMinutes < 0 ? '-' : '+';
      const offset = `${sign}${pad(Math.trunc(offsetMinutes / 60))}:${pad(offsetMinutes % 60)}`;
      const text =
        `${pad(local.getUTCFullYear(), 4)}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())}` +
        `T${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}:${pad(local.getUTCSeconds())}.${pad(local.getUTCMilliseconds(), 3)}${offset}`;
      const value = accepted(text);
      assert.equal(value.epochMs, epochMs, text);
      assert.equal(value.epochMs, Date.parse(text), text);
      assert.equal(value.offsetMinutes, offsetMinutes, text);
    }
  });
});

describe('datetime validateDateTime: calendar', () => {
  it('knows leap years: 2024 and 2000 yes, 2023, 1900 and 2100 no', () => {
    for (const ok of ['2024-02-29', '2000-02-29', '2400-02-29', '1600-02-29', '2020-02-29']) {
      assert.ok(accepted(`${ok}T12:00:00Z`), ok);
    }
    for (const bad of ['2023-02-29', '1900-02-29', '2100-02-29', '2019-02-29']) {
      assertFails(validateDateTime(`${bad}T12:00:00Z`), 'datetime.invalidDate', 'is not a leap year), got 29');
    }
    assertFails(validateDateTime('2024-02-30T12:00:00Z'), 'datetime.invalidDate', 'day must be 01-29');
    assertFails(validateDateTime('2023-02-30T12:00:00Z'), 'datetime.invalidDate', 'day must be 01-28');
  });

  it('daysInMonth agrees with the JavaScript calendar for 1583-2500', () => {
    for (let year = 1583; year <= 2500; year++) {
      for (let month = 1; month <= 12; month++) {
        assert.equal(daysInMonth(year, month), new Date(Date.UTC(year, month, 0)).getUTCDate(), `${year}-${month}`);
      }
    }
  });

  it('accepts the last day of every month and rejects the day after', () => {
    for (const year of [2023, 2024]) {
      for (let month = 1; month <= 12; month++) {
        const mm = String(month).padStart(2, '0');
        const last = daysInMonth(year, month);
        assert.ok(accepted(`${year}-${mm}-${last}T00:00:00Z`));
        assertFails(validateDateTime(`${year}-${mm}-${last + 1}T00:00:00Z`), 'datetime.invalidDate', `got ${last + 1}`);
      }
    }
  });

  it('rejects month 00 and 13, day 00 and 32', () => {
    assertFails(validateDateTime('2021-13-01T00:00:00Z'), 'datetime.invalidDate', 'month must be 01-12, got 13');
    assertFails(validateDateTime('2021-00-01T00:00:00Z'), 'datetime.invalidDate', 'got 00');
    assertFails(validateDateTime('2021-01-00T00:00:00Z'), 'datetime.invalidDate', 'got 00');
    assertFails(validateDateTime('2021-01-32T00:00:00Z'), 'datetime.invalidDate', 'day must be 01-31');
    assertFails(validateDateTime('2021-04-31T00:00:00Z'), 'datetime.invalidDate', 'day must be 01-30');
  });

  it('rejects hour 24 (also 24:00:00), minute 60 and the leap second 60', () => {
    assertFails(validateDateTime('2021-01-09T24:00:00Z'), 'datetime.invalidTime', 'hour must be 00-23');
    assertFails(validateDateTime('2021-01-09T24:00:01Z'), 'datetime.invalidTime', 'hour');
    assertFails(validateDateTime('2021-01-09T25:00:00Z'), 'datetime.invalidTime', 'hour');
    assertFails(validateDateTime('2021-01-09T12:60:00Z'), 'datetime.invalidTime', 'minute must be 00-59');
    assertFails(validateDateTime('2016-12-31T23:59:60Z'), 'datetime.invalidTime', 'leap second');
    assertFails(validateDateTime('2021-01-09T12:00:61+01:00'), 'datetime.invalidTime', 'second must be 00-59');
  });
});

describe('datetime validateDateTime: offsets', () => {
  it('requires an offset', () => {
    for (const value of ['2021-01-09T14:12:56', '2021-01-09T14:12:56.123', '2021-01-09T14:12:56.123456789']) {
      assertFails(validateDateTime(value), 'datetime.offsetRequired', 'UTC offset is required');
    }
  });

  it('rejects -00:00, which means "offset unknown"', () => {
    assertFails(validateDateTime('2021-01-09T14:12:56-00:00'), 'datetime.offsetRequired', 'write Z or +00:00');
    assertFails(validateDateTime('2021-01-09T14:12:56-0000'), 'datetime.offsetRequired');
  });

  it('rejects offsets beyond -12:00 and +14:00', () => {
    for (const offset of ['+15:00', '+14:01', '+14:30', '-12:01', '-12:30', '-13:00', '+23:59', '+99:00', '+1500', '-1201']) {
      assertFails(validateDateTime(`2021-01-09T14:12:56${offset}`), 'datetime.offsetRange', `got ${offset}`);
    }
  });

  it('rejects offset minutes above 59', () => {
    assertFails(validateDateTime('2021-01-09T14:12:56+05:60'), 'datetime.offsetRange', 'minutes must be 00-59');
    assertFails(validateDateTime('2021-01-09T14:12:56+0599'), 'datetime.offsetRange', 'minutes');
  });
});

describe('datetime validateDateTime: format', () => {
  it('rejects values outside the profile with datetime.format and an example', () => {
    const malformed = [
      '', '2021-01-09', '2021-01-09T14:12Z', '2021-01-09T14Z', '2021-01-09t14:12:56Z', '2021-01-09T14:12:56z',
      '2021-01-09 14:12:56Z', '20210109T141256Z', '2021-01-09T141256Z', '2021-1-9T14:12:56Z', '21-01-09T14:12:56Z',
      '+002021-01-09T14:12:56Z', '2021-01-09T14:12:56+01', '2021-01-09T14:12:56+1:00', '2021-01-09T14:12:56+01:0',
      '2021-01-09T14:12:56.Z', '2021-01-09T14:12:56.1234567890Z', '2021-01-09T14:12:56,123Z', ' 2021-01-09T14:12:56Z',
      '2021-01-09T14:12:56Z ', '2021-01-09T14:12:56 +01:00', '2021-01-09T14:12:56+01:00[Europe/Berlin]',
      'Sat, 09 Jan 2021 14:12:56 GMT', '1610201576', '２０２１-01-09T14:12:56Z',
    ];
    for (const value of malformed) assertFails(validateDateTime(value), 'datetime.format', 'e.g. 2021-01-09T14:12:56+01:00');
  });

  it('rejects non-strings, including Date objects and epoch numbers', () => {
    for (const value of [undefined, null, 1610201576000, new Date(), {}]) assertFails(validateDateTime(value), 'datetime.format');
  });
});
