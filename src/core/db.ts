// The database: Kysely over embedded SQLite (default) or PostgreSQL (DATABASE_URL).
// Everything else talks SQL only through the `Db` returned here.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { CompiledQuery, Kysely, PostgresDialect, SqliteDialect, sql, type LogEvent, type Transaction } from 'kysely';
import type { Database } from './tables.js';

export type Dialect = 'sqlite' | 'postgres';

const SQLITE_CACHE_MIB = 256;
export type Db = Kysely<Database>;
export type Tx = Transaction<Database>;
/** A store function takes either the database or a transaction: the command decides. */
export type Executor = Kysely<Database>;

export interface DbHandle {
  db: Db;
  dialect: Dialect;
  close(): Promise<void>;
}

/**
 * Time spent in the database, for `/metrics` and the benchmarks' "outside the database" share.
 * `seconds` adds up every statement; `busySeconds` counts wall time with at least one statement
 * running, so statements that overlap on a connection pool are not counted twice.
 */
export const dbMetrics = { queries: 0, errors: 0, seconds: 0, busySeconds: 0 };
let busyUntilMs = 0;

const logQueries = (event: LogEvent) => {
  const end = performance.now();
  const start = end - event.queryDurationMillis;
  dbMetrics.queries++;
  dbMetrics.seconds += event.queryDurationMillis / 1000;
  dbMetrics.busySeconds += Math.max(0, end - Math.max(start, busyUntilMs)) / 1000;
  busyUntilMs = Math.max(busyUntilMs, end);
  if (event.level === 'error') dbMetrics.errors++;
};

export interface OpenDbOptions {
  databaseUrl?: string;
  /** Embedded database file; `:memory:` for a throwaway one. */
  sqliteFile?: string;
  dataDir?: string;
  /** PostgreSQL schema to use (created if missing); tests get one each. */
  pgSchema?: string;
  poolSize?: number;
}

// PostgreSQL returns int8 (bigserial, count) as strings; our values stay far below 2^53.
pg.types.setTypeParser(20, (v) => Number(v));

export async function openDb(options: OpenDbOptions): Promise<DbHandle> {
  if (options.databaseUrl) return openPostgres(options.databaseUrl, options);
  const file = options.sqliteFile ?? join(options.dataDir ?? './data', 'jiaozhou.sqlite');
  if (file !== ':memory:') mkdirSync(join(file, '..'), { recursive: true });
  const sqlite = new SQLite(file);
  // WAL lets readers run beside the writer; synchronous=FULL makes every commit durable
  // before we acknowledge it, so an acknowledged write survives a crash or power loss.
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = FULL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  // Indexes on random keys (eventID) touch pages all over the file: keep them in memory.
  sqlite.pragma(`cache_size = -${SQLITE_CACHE_MIB * 1024}`);
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }), log: logQueries });
  return { db, dialect: 'sqlite', close: () => db.destroy() };
}

const STATEMENT_CACHE_SIZE = 200;

/**
 * Kysely prepares every query anew; parsing a 500-row insert costs more than running it. The
 * embedded database keeps the most recent prepared statements by their text (SQLite statements
 * run one at a time on this connection, so reuse is safe).
 */
function withStatementCache(sqlite: SQLite.Database) {
  const cache = new Map<string, SQLite.Statement>();
  return {
    close: () => sqlite.close(),
    prepare(text: string) {
      let stmt = cache.get(text);
      if (stmt) cache.delete(text);
      else stmt = sqlite.prepare(text);
      cache.set(text, stmt);
      if (cache.size > STATEMENT_CACHE_SIZE) cache.delete(cache.keys().next().value!);
      return stmt;
    },
  };
}

async function openPostgres(url: string, options: OpenDbOptions): Promise<DbHandle> {
  const schema = options.pgSchema;
  if (schema) {
    if (!/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error(`invalid schema name ${schema}`);
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query(`create schema if not exists ${schema}`);
    await admin.end();
  }
  // JIT compilation pays off for long analytical queries, not for the short indexed lookups this
  // platform makes: with it on, a 1 ms timeline query can spend 30 ms compiling.
  const settings = ['-c jit=off', ...(schema ? [`-c search_path=${schema}`] : [])];
  const fromUrl = new URL(url).searchParams.get('options');
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? 10,
    options: [fromUrl, ...settings].filter(Boolean).join(' '),
  });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }), log: logQueries });
  return { db, dialect: 'postgres', close: () => db.destroy() };
}

/**
 * Creates a schema and returns a connection string whose connections use it: for a server in a
 * process of its own (tests, benchmarks) that only takes DATABASE_URL. Drop it with dropPgSchema.
 */
export async function createPgSchemaUrl(url: string, schema: string): Promise<string> {
  if (!/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error(`invalid schema name ${schema}`);
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`create schema ${schema}`);
  await admin.end();
  return `${url}${url.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${schema}`)}`;
}

/** Drops a test schema created with `pgSchema`. */
export async function dropPgSchema(url: string, schema: string): Promise<void> {
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`drop schema if exists ${schema} cascade`);
  await admin.end();
}

export async function ping(db: Db): Promise<void> {
  await sql`select 1`.execute(db);
}

/**
 * A multi-row insert compiled by hand: for batches of hundreds of rows, building Kysely's syntax
 * tree costs more than the insert itself. Column names come from our code, never from input;
 * values are bound parameters. `suffix` is a trusted clause such as `on conflict … do nothing`.
 */
export async function insertMany<T extends Record<string, unknown>>(
  db: Executor,
  dialect: Dialect,
  table: string,
  rows: readonly T[],
  options: { suffix?: string; returning?: string } = {},
): Promise<Record<string, unknown>[]> {
  if (!rows.length) return [];
  const columns = Object.keys(rows[0]);
  const parameters: unknown[] = [];
  const tuples = rows.map((row) => `(${columns.map((c) => {
    parameters.push(row[c]);
    return dialect === 'postgres' ? `$${parameters.length}` : '?';
  }).join(',')})`);
  const text = `insert into ${table} (${columns.join(',')}) values ${tuples.join(',')}${options.suffix ? ` ${options.suffix}` : ''}${options.returning ? ` returning ${options.returning}` : ''}`;
  const result = await db.executeQuery(CompiledQuery.raw(text, parameters));
  return result.rows as Record<string, unknown>[];
}
