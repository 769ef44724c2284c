// Name-based identifiers: the platform derives an item's ID from what it stands for (a plan and a
// call, a timestamp), so that a retried command finds the same ID and writes nothing new.
import { createHash } from 'node:crypto';

// A fixed namespace of this platform for name-based (version 5, RFC 9562) UUIDs.
const NAMESPACE = Buffer.from('6f1c1b0e4a7d5b2c9e3f0a1b2c3d4e5f', 'hex');

/** RFC 9562 UUID version 5 of `name` in the platform's namespace. */
export function uuidV5(name: string): string {
  const hash = createHash('sha1').update(NAMESPACE).update(name).digest();
  hash[6] = (hash[6] & 0x0f) | 0x50;
  hash[8] = (hash[8] & 0x3f) | 0x80;
  const h = hash.subarray(0, 16).toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
