import { createHash } from 'node:crypto';

/** JSON with object keys sorted, so that the same content always gives the same text. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortedKeys(value));
}

// Copies objects with their keys in sorted order and lets the native JSON.stringify do the rest:
// several times faster than building the text by hand.
function sortedKeys(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(sortedKeys);
  const obj = value as Record<string, unknown>;
  // No prototype: a key named __proto__ is kept as data, not taken as the object's prototype.
  const out: Record<string, unknown> = Object.create(null);
  for (const k of Object.keys(obj).sort()) out[k] = sortedKeys(obj[k]);
  return out;
}

export const contentHash = (value: unknown) => createHash('sha256').update(canonicalJson(value)).digest('hex');
