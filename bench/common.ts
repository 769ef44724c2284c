// Shared pieces of the benchmarks: a platform on a fresh database, event generators, statistics.
import { execFile } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { loadConfig } from '../src/core/config.js';
import { dropPgSchema } from '../src/core/db.js';
import { startPlatform, type Platform } from '../src/platform.js';
import { startEmbeddedServer, type EmbeddedServer } from '../src/sim/embedded.js';
import { checkDigit } from '../src/standards/index.js';

export const BENCH_ADMIN_KEY = 'jz_bench_admin_key_0123456789abcdefghijklmnopqrst';

export interface BenchPlatform {
  platform: Platform;
  dir: string;
  schema?: string;
  close(): Promise<void>;
}

/**
 * A platform on a fresh database: SQLite in a temp dir, or a fresh schema of DATABASE_URL.
 * With BENCH_KEEP=<name> the database is named, reused if it exists and kept afterwards (to
 * measure again without loading millions of events again).
 */
export async function benchPlatform(): Promise<BenchPlatform> {
  const url = process.env.DATABASE_URL;
  const keep = process.env.BENCH_KEEP;
  if (keep && !/^[a-z0-9_]+$/.test(keep)) throw new Error('BENCH_KEEP: lowercase letters, digits and _');
  const schema = url ? (keep ? `bench_keep_${keep}` : `bench_${randomBytes(5).toString('hex')}`) : undefined;
  const base = process.env.BENCH_DIR ?? tmpdir();
  const dir = keep ? join(base, `jiaozhou-bench-keep-${keep}`) : mkdtempSync(join(base, 'jiaozhou-bench-'));
  mkdirSync(dir, { recursive: true });
  const config = { ...loadConfig({ DATA_DIR: dir, JIAOZHOU_DEMO: '0' }), databaseUrl: url, bootstrapAdminKey: BENCH_ADMIN_KEY };
  const platform = await startPlatform(config, {
    db: url ? { databaseUrl: url, pgSchema: schema, poolSize: 8 } : { sqliteFile: join(dir, 'bench.sqlite') },
    delivery: false,
  });
  return {
    platform, dir, schema,
    async close() {
      await platform.close();
      if (keep) return;
      if (url && schema) await dropPgSchema(url, schema);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function container(n: number): string {
  const owner = ['COSU', 'MSCU', 'MAEU', 'CMAU', 'OOLU', 'EGHU', 'HLXU', 'ONEU'][n % 8];
  const base = `${owner}${String(Math.floor(n / 8) % 1_000_000).padStart(6, '0')}`;
  return `${base}${checkDigit(base)}`;
}

const CODES = ['PICK', 'GTIN', 'LOAD', 'DISC', 'GTOT', 'DROP'];
const EPOCH_MS = Date.parse('2025-01-01T00:00:00Z');

/** The i-th event of a realistic stream: boxes move through six steps on a booking each. */
export function benchEvent(i: number, boxes: number): Record<string, unknown> {
  const box = i % boxes;
  const step = Math.floor(i / boxes);
  const code = CODES[step % CODES.length];
  const at = new Date(EPOCH_MS + i * 1000).toISOString();
  return {
    eventID: randomUUID(),
    eventType: 'EQUIPMENT',
    eventClassifierCode: 'ACT',
    eventDateTime: at,
    eventCreatedDateTime: at,
    equipmentEventTypeCode: code,
    equipmentReference: container(box),
    ISOEquipmentCode: '45G1',
    emptyIndicatorCode: 'LADEN',
    eventLocation: { locationName: 'Qianwan Container Terminal', UNLocationCode: 'CNTAO' },
    ...(code === 'LOAD' || code === 'DISC' ? {
      transportCall: {
        transportCallID: `TC-${step}`, carrierServiceCode: 'AEX', exportVoyageNumber: `26${step}E`, UNLocationCode: 'CNTAO',
        modeOfTransport: 'VESSEL', vessel: { vesselIMONumber: '9321483', vesselName: 'COSCO Qingdao' },
      },
    } : {}),
    documentReferences: [{ documentReferenceType: 'BKG', documentReferenceValue: `BKG${Math.floor(box / 4)}-${Math.floor(step / CODES.length)}` }],
  };
}

export function percentile(sortedMs: number[], p: number): number {
  return sortedMs[Math.min(sortedMs.length - 1, Math.floor((p / 100) * sortedMs.length))];
}

export function saveResult(name: string, result: object): void {
  const dir = new URL('./results/', import.meta.url).pathname;
  mkdirSync(dir, { recursive: true });
  const db = process.env.DATABASE_URL ? 'postgres' : 'sqlite';
  writeFileSync(join(dir, `${name}-${db}.json`), `${JSON.stringify({ ...result, database: db, at: new Date().toISOString() }, null, 2)}\n`);
}

export const round = (n: number, digits = 0) => Number(n.toFixed(digits));

let built: Promise<unknown> | undefined;

/**
 * `jiaozhou serve` in a process of its own on a fresh database, compiled as `npm start` runs it
 * (built here first, so it is the code of this checkout): under tsx, the loader's thread and its
 * helpers took a tenth of the server's time. BENCH_NODE_ARGS (e.g. '--cpu-prof') are passed to it.
 */
export async function serverProcess(): Promise<EmbeddedServer> {
  const root = new URL('..', import.meta.url).pathname;
  built ??= promisify(execFile)(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, 'tsconfig.json')]);
  await built;
  return startEmbeddedServer({ compiled: true, nodeArgs: process.env.BENCH_NODE_ARGS ? process.env.BENCH_NODE_ARGS.split(' ') : [] });
}

/** Wall seconds the server has had a database statement running, from its `/metrics` (an admin's). */
export async function serverDbSeconds(server: EmbeddedServer): Promise<number> {
  const text = await (await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${server.adminKey}` } })).text();
  return Number(/^jiaozhou_db_busy_seconds_total (\S+)$/m.exec(text)?.[1] ?? NaN);
}
