// Configuration comes from the environment only, so that a deployment script can set it
// without files. Defaults make `npm start` work on a fresh machine.
import { resolve } from 'node:path';

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  /** PostgreSQL connection string; when absent the embedded SQLite file under dataDir is used. */
  databaseUrl: string | undefined;
  /** Demo parties and the simulated port feed (off with JIAOZHOU_DEMO=0). */
  demo: boolean;
  /** When set and no admin party exists yet, one is created with this API key. */
  bootstrapAdminKey: string | undefined;
  /** Where the built web app lives; served at `/`. */
  webDir: string;
  logLevel: string;
  /** Webhook callbacks may go to loopback and private addresses (see core/callbacks.ts). */
  webhooksAllowLocal: boolean;
  /**
   * Base64 of the 32-byte master key that seals webhook secrets and signs cursors; when absent,
   * DATA_DIR/secret.key (created on first start). Nodes sharing a database must share it.
   */
  secretKey: string | undefined;
  /** Below this free space in the data directory `/ready` answers 503 (embedded database). */
  minFreeDiskMb: number;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const port = Number(env.PORT ?? 8080);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`PORT must be an integer between 0 and 65535, got ${env.PORT}`);
  }
  return {
    port,
    host: env.HOST ?? '127.0.0.1',
    dataDir: resolve(env.DATA_DIR ?? './data'),
    databaseUrl: env.DATABASE_URL || undefined,
    demo: env.JIAOZHOU_DEMO !== '0',
    bootstrapAdminKey: env.JIAOZHOU_BOOTSTRAP_ADMIN_KEY || undefined,
    webDir: resolve(env.JIAOZHOU_WEB_DIR ?? new URL('../../web/dist', import.meta.url).pathname),
    logLevel: env.LOG_LEVEL ?? 'warn',
    webhooksAllowLocal: env.JIAOZHOU_WEBHOOKS_ALLOW_LOCAL === '1',
    secretKey: env.JIAOZHOU_SECRET_KEY || undefined,
    minFreeDiskMb: nonNegative(env, 'JIAOZHOU_MIN_FREE_DISK_MB', 256),
  };
}

function nonNegative(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) throw new Error(`${name} must be a number of at least 0, got ${raw}`);
  return value;
}
