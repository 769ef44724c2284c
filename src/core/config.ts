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
  /** Fastify's `trustProxy`: whose X-Forwarded-For/-Proto to believe (false: nobody's). */
  trustProxy: boolean | number | string;
  /** The session cookie is always `Secure` (else only when the request came over HTTPS). */
  cookieSecure: boolean;
  /** Bearer token that may read `/metrics` besides an admin (see core/metrics.ts). */
  metricsToken: string | undefined;
  limits: Limits;
}

/** Request rates and login throttling (core/limits.ts, core/loginGuard.ts); 0 turns a limit off. */
export interface Limits {
  requestsPerMinutePerKey: number;
  requestsPerMinutePerAddress: number;
  loginFailuresPerUsername: number;
  loginFailuresPerAddress: number;
  loginWindowMinutes: number;
  /** Password hashes (scrypt, on libuv's thread pool) a node runs at once; beyond, logins get 503. */
  concurrentPasswordHashes: number;
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
    trustProxy: trustProxy(env.JIAOZHOU_TRUST_PROXY),
    cookieSecure: env.JIAOZHOU_COOKIE_SECURE === '1',
    metricsToken: env.JIAOZHOU_METRICS_TOKEN || undefined,
    limits: {
      requestsPerMinutePerKey: count(env, 'JIAOZHOU_RATE_LIMIT_PER_KEY', 60_000),
      requestsPerMinutePerAddress: count(env, 'JIAOZHOU_RATE_LIMIT_PER_ADDRESS', 6_000),
      loginFailuresPerUsername: count(env, 'JIAOZHOU_LOGIN_FAILURES_PER_USERNAME', 5),
      loginFailuresPerAddress: count(env, 'JIAOZHOU_LOGIN_FAILURES_PER_ADDRESS', 50),
      loginWindowMinutes: count(env, 'JIAOZHOU_LOGIN_WINDOW_MINUTES', 15),
      concurrentPasswordHashes: count(env, 'JIAOZHOU_PASSWORD_HASH_CONCURRENCY', 2),
    },
  };
}

function nonNegative(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) throw new Error(`${name} must be a number of at least 0, got ${raw}`);
  return value;
}

function count(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const v = env[name];
  if (v === undefined || v === '') return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer, got ${v}`);
  return n;
}

/** `true`, a number of proxy hops, or the proxies' addresses/CIDRs (comma-separated); unset: none. */
function trustProxy(v: string | undefined): boolean | number | string {
  if (v === undefined || v === '' || v === '0' || v === 'false') return false;
  if (v === 'true') return true;
  if (/^[0-9]+$/.test(v)) return Number(v);
  return v;
}
