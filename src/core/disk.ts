// Free space of the data directory, where the embedded database, its log and its backups live.
// A full disk makes every write fail; `/ready` and the status page say so before it happens.
import { statfs } from 'node:fs/promises';

export interface DiskSpace {
  freeBytes: number;
  totalBytes: number;
}

type StatFs = (path: string) => Promise<{ bavail: number; blocks: number; bsize: number }>;

let source: StatFs = statfs;

/** Space left to an unprivileged process (`bavail`, not `bfree`: root's reserve is not ours). */
export async function diskSpace(dir: string): Promise<DiskSpace> {
  const s = await source(dir);
  return { freeBytes: s.bavail * s.bsize, totalBytes: s.blocks * s.bsize };
}

/** Tests replace the file system's answer instead of filling a disk; returns the undo. */
export function replaceStatfs(fake: StatFs): () => void {
  const previous = source;
  source = fake;
  return () => { source = previous; };
}

export const MIB = 1024 * 1024;
