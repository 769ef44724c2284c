// Whether a berth takes a ship: one rule for the berth planner, for a berth given to a call by
// hand, and for the re-check when a plan is accepted — so a plan the planner would never propose
// cannot be accepted either, and a hand-given berth leaves the same water under the keel.
import type { BerthRow } from '../schema.js';

/** Water the berth's depth must leave below the ship's maximum draught, in metres. */
export const UNDER_KEEL_M = 1;

export interface ShipSize { lengthOverallM: number; maxDraughtM: number }

/** The longest ship a berth takes: its maximum LOA, and never more than its length. */
export const berthLengthM = (berth: Pick<BerthRow, 'length_m' | 'max_loa_m'>) => Math.min(berth.length_m, berth.max_loa_m);

/** The first rule the ship breaks at this berth: too long, or too deep with the under-keel clearance. */
export function berthMisfit(ship: ShipSize, berth: Pick<BerthRow, 'length_m' | 'max_loa_m' | 'depth_m'>): 'length' | 'depth' | undefined {
  if (ship.lengthOverallM > berthLengthM(berth)) return 'length';
  if (ship.maxDraughtM + UNDER_KEEL_M > berth.depth_m) return 'depth';
  return undefined;
}
