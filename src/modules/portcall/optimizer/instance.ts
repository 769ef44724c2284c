// The discrete dynamic berth allocation problem (DBAP) as the optimiser sees it, and the parser of
// the plain-text benchmark format of Cordeau et al. (2005) / Kramer et al. (2019):
//
//   N, M, a_1…a_N, s_1…s_M, N rows of h_i1…h_iM (99999 = forbidden), e_1…e_M, b_1…b_N v_1…v_N
//
// The format is a stream of whitespace-separated integers; line breaks carry no meaning (the
// weights share the line of the latest departures, files use CRLF), so the parser reads tokens and
// only keeps line numbers to point at the culprit in its errors.
import { readFileSync } from 'node:fs';

/** Handling time that marks a berth the vessel may not use (the vessel does not fit there). */
export const FORBIDDEN = 99999;

export interface BerthInstance {
  /** N: number of vessels. */
  readonly vessels: number;
  /** M: number of berths. */
  readonly berths: number;
  /** a_i: arrival time of vessel i. */
  readonly arrival: Int32Array;
  /** b_i: latest departure (end of handling) of vessel i. */
  readonly latestDeparture: Int32Array;
  /** v_i: weight of vessel i in the objective. */
  readonly weight: Int32Array;
  /** s_k: time berth k opens. */
  readonly opening: Int32Array;
  /** e_k: time berth k closes (handling must end by then). */
  readonly closing: Int32Array;
  /** h_ik at [i * berths + k]: handling time of vessel i on berth k, FORBIDDEN if not allowed. */
  readonly handling: Int32Array;
}

export class InstanceFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InstanceFormatError';
  }
}

export function handlingTime(instance: BerthInstance, vessel: number, berth: number): number {
  return instance.handling[vessel * instance.berths + berth];
}

export function isAllowed(instance: BerthInstance, vessel: number, berth: number): boolean {
  return handlingTime(instance, vessel, berth) < FORBIDDEN;
}

/** Parses the text of an instance file; `source` names it in error messages. */
export function parseInstance(text: string, source = 'instance'): BerthInstance {
  const tokens: string[] = [];
  const lines: number[] = [];
  text.split(/\r\n|\r|\n/).forEach((line, index) => {
    for (const token of line.trim().split(/\s+/)) {
      if (token) {
        tokens.push(token);
        lines.push(index + 1);
      }
    }
  });
  let next = 0;
  const read = (what: string): number => {
    if (next >= tokens.length) {
      const where = lines.length ? `after line ${lines[lines.length - 1]}` : 'at the start';
      throw new InstanceFormatError(`${source}: the file ends ${where}, expected ${what}`);
    }
    const token = tokens[next];
    const line = lines[next++];
    if (!/^[+-]?\d+$/.test(token)) throw new InstanceFormatError(`${source}:${line}: expected ${what}, got '${token}' (not an integer)`);
    const value = Number(token);
    if (value < 0 || !Number.isSafeInteger(value)) throw new InstanceFormatError(`${source}:${line}: ${what} must be a non-negative integer, got ${token}`);
    return value;
  };
  const readArray = (count: number, what: (i: number) => string): Int32Array => {
    const out = new Int32Array(count);
    for (let i = 0; i < count; i++) {
      const value = read(what(i));
      // Int32Array would silently wrap larger values.
      if (value > 0x7fffffff) throw new InstanceFormatError(`${source}:${lines[next - 1]}: ${what(i)} is too large (${value})`);
      out[i] = value;
    }
    return out;
  };

  const vessels = read('the number of vessels N');
  if (vessels < 1) throw new InstanceFormatError(`${source}:${lines[0]}: the number of vessels must be at least 1`);
  const berths = read('the number of berths M');
  if (berths < 1) throw new InstanceFormatError(`${source}:${lines[1]}: the number of berths must be at least 1`);
  // Guards against a corrupt header asking for gigabytes before the token count is checked.
  const expected = 2 + vessels + berths + vessels * berths + berths + 2 * vessels;
  if (expected > tokens.length + 1_000_000) {
    throw new InstanceFormatError(`${source}: header says ${vessels} vessels and ${berths} berths (${expected} numbers), but the file has only ${tokens.length}`);
  }
  const arrival = readArray(vessels, (i) => `the arrival time of vessel ${i + 1}`);
  const opening = readArray(berths, (k) => `the opening time of berth ${k + 1}`);
  const handling = readArray(vessels * berths, (x) => `the handling time of vessel ${Math.floor(x / berths) + 1} on berth ${(x % berths) + 1}`);
  const closing = readArray(berths, (k) => `the closing time of berth ${k + 1}`);
  const latestDeparture = readArray(vessels, (i) => `the latest departure of vessel ${i + 1}`);
  const weight = readArray(vessels, (i) => `the weight of vessel ${i + 1}`);
  if (next < tokens.length) {
    throw new InstanceFormatError(`${source}:${lines[next]}: unexpected data after the ${vessels} weights (${tokens.length - next} more numbers): is the header (N=${vessels}, M=${berths}) right?`);
  }
  for (let i = 0; i < vessels; i++) {
    let allowed = false;
    for (let k = 0; k < berths; k++) if (handling[i * berths + k] < FORBIDDEN) allowed = true;
    if (!allowed) throw new InstanceFormatError(`${source}: vessel ${i + 1} may not use any berth (every handling time is ${FORBIDDEN})`);
  }
  for (let k = 0; k < berths; k++) {
    if (closing[k] < opening[k]) throw new InstanceFormatError(`${source}: berth ${k + 1} closes (${closing[k]}) before it opens (${opening[k]})`);
  }
  return { vessels, berths, arrival, latestDeparture, weight, opening, closing, handling };
}

/** Reads and parses an instance file. */
export function readInstance(path: string): BerthInstance {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new InstanceFormatError(code === 'ENOENT' ? `${path}: no such file` : `${path}: cannot read (${code ?? (e as Error).message})`);
  }
  return parseInstance(text, path);
}

/**
 * The instance restricted to some vessels and berths, renumbered in the order given: small
 * sub-problems of a benchmark, e.g. for the exact solver. Vessels that may use none of the kept
 * berths are an error (the sub-problem would be infeasible by construction).
 */
export function subInstance(instance: BerthInstance, vessels: readonly number[], berths: readonly number[]): BerthInstance {
  const n = vessels.length;
  const m = berths.length;
  const handling = new Int32Array(n * m);
  vessels.forEach((i, x) => {
    let allowed = false;
    berths.forEach((k, y) => {
      const h = handlingTime(instance, i, k);
      handling[x * m + y] = h;
      if (h < FORBIDDEN) allowed = true;
    });
    if (!allowed) throw new InstanceFormatError(`vessel ${i + 1} may use none of berths ${berths.map((k) => k + 1).join(', ')}`);
  });
  const pick = (array: Int32Array, indices: readonly number[]) => Int32Array.from(indices, (i) => array[i]);
  return {
    vessels: n,
    berths: m,
    arrival: pick(instance.arrival, vessels),
    latestDeparture: pick(instance.latestDeparture, vessels),
    weight: pick(instance.weight, vessels),
    opening: pick(instance.opening, berths),
    closing: pick(instance.closing, berths),
    handling,
  };
}

/** Writes an instance in the text format (tests and sub-instances handed to other tools). */
export function formatInstance(instance: BerthInstance): string {
  const rows: string[] = [String(instance.vessels), String(instance.berths), instance.arrival.join(' '), instance.opening.join(' ')];
  for (let i = 0; i < instance.vessels; i++) rows.push(instance.handling.subarray(i * instance.berths, (i + 1) * instance.berths).join(' '));
  rows.push(instance.closing.join(' '), `${instance.latestDeparture.join(' ')} ${instance.weight.join(' ')}`);
  return `${rows.join('\r\n')}\r\n`;
}
