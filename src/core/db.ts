// The database: Kysely over embedded SQLite (default) or PostgreSQL (DATABASE_URL).
// Everything else talks SQL only through the `Db` returned here.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { Kysely, PostgresDialect, SqliteDialect, sql, type Transaction } from 'kysely';
import type { Database } from './tables.js';

export type Dialect = 'sqlite' | 'postgres';
export type Db = Kysely<Database>;
export type Tx = Transaction<Database>;
/** A store function takes either the database or a transaction: the command decides. */
export type Executor = Kysely<Database>;

export interface DbHandle {
  db: Db;
  dialect: Dialect;
  close(): Promise<void>;
}

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
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
  return { db, dialect: 'sqlite', close: () => db.destroy() };
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
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? 10,
    ...(schema ? { options: `-c search_path=${schema}` } : {}),
  });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return { db, dialect: 'postgres', close: () => db.destroy() };
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
