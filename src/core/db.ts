// The database: Kysely over embedded SQLite (default) or PostgreSQL (DATABASE_URL).
// Everything else talks SQL only through the `Db` returned here.
import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { createHash } from 'node:crypto';
import { CompiledQuery, Kysely, PostgresDialect, SqliteDialect, sql, type LogEvent, type RawBuilder, type Transaction } from 'kysely';
import type { Database } from './tables.js';

export type Dialect = 'sqlite' | 'postgres';

const SQLITE_CACHE_MIB = 256;
export type Db = Kysely<Database>;
export type Tx = Transaction<Database>;
/** A store function takes either the database or a transaction: the command decides. */
export type Executor = Kysely<Database>;

/**
 * A module's database or transaction (the core's tables plus its own, `withTables`) handed to a
 * core function, which knows only the core's tables: the same connection, the narrower type.
 */
export const coreOf = <D extends Database>(db: ModuleExecutor<D>): Executor => db as unknown as Executor;
/** A module's database or transaction: the core's tables and the module's own. */
export type ModuleExecutor<D extends Database> = Kysely<D> | Transaction<D>;

export interface DbHandle {
  db: Db;
  dialect: Dialect;
  /**
   * Resolves once every commit made so far is on disk. With `flushedCommits` the embedded
   * database leaves that to this call; otherwise (and on PostgreSQL) commits are durable already.
   */
  flush(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Time spent in the database, for `/metrics` and the benchmarks' "outside the database" share.
 * `seconds` adds up every statement; `busySeconds` counts wall time with at least one statement
 * running, so statements that overlap on a connection pool are not counted twice.
 */
export const dbMetrics = { queries: 0, errors: 0, seconds: 0, busySeconds: 0 };
let busyUntilMs = 0;

// Statements that may have written: a flush with none since the last one has nothing to do.
let writes = 0;
const READ_ONLY = /^\s*(select|with|pragma)\b/i;

const logQueries = (event: LogEvent) => {
  if (!READ_ONLY.test(event.query.sql)) writes++;
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
  /**
   * Embedded database only: commits write the WAL without waiting for the disk, and `flush()`
   * syncs it off the main thread — once for all the commits made meanwhile (group commit). The
   * server answers a write only after that flush (app.ts), so what it acknowledged is as durable
   * as with synchronous=FULL, while the event loop keeps working during the sync. Checkpoints
   * (copying the log into the database file) run on a background thread for the same reason.
   */
  flushedCommits?: boolean;
}

/** The embedded database in a data directory. */
export const sqliteFileIn = (dataDir: string): string => join(dataDir, 'jiaozhou.sqlite');

// PostgreSQL returns int8 (bigserial, count) as strings; our values stay far below 2^53.
pg.types.setTypeParser(20, (v) => Number(v));

export async function openDb(options: OpenDbOptions): Promise<DbHandle> {
  if (options.databaseUrl) return openPostgres(options.databaseUrl, options);
  const file = options.sqliteFile ?? sqliteFileIn(options.dataDir ?? './data');
  if (file !== ':memory:') {
    if (options.sqliteFile) mkdirSync(dirname(file), { recursive: true, mode: PRIVATE_DIR });
    else privateDataDir(options.dataDir ?? './data');
    ownerOnlyDatabaseFile(file);
  }
  const sqlite = new SQLite(file);
  // WAL lets readers run beside the writer. An acknowledged write must survive a crash or power
  // loss: either every commit waits for the disk (synchronous=FULL), or the server waits for
  // `flush()` before it answers (flushedCommits).
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma(options.flushedCommits ? 'synchronous = NORMAL' : 'synchronous = FULL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  // A multi-row write that may fail alone copies each page it is about to change into a
  // statement journal, to undo just that statement. The event store's writes need none (see
  // insertMany); for the others it is kept in memory rather than in a temporary file.
  sqlite.pragma('temp_store = MEMORY');
  // Indexes on random keys (eventID) touch pages all over the file: keep them in memory.
  sqlite.pragma(`cache_size = -${SQLITE_CACHE_MIB * 1024}`);
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }), log: logQueries });
  const background = options.flushedCommits && file !== ':memory:';
  const wal = background ? walFlusher(`${file}-wal`) : undefined;
  const checkpoints = background ? checkpointer(sqlite, file) : undefined;
  return {
    db, dialect: 'sqlite',
    flush: wal ? wal.flush : async () => {},
    async close() {
      await checkpoints?.stop();
      await wal?.close();
      await db.destroy();
    },
  };
}

// The database holds every party's shipments, password hashes and webhook secrets: only the
// account the server runs as may read it.
const PRIVATE_DIR = 0o700;
const PRIVATE_FILE = 0o600;

/** The data directory is the platform's own: created 0700, and narrowed to it if it was wider. */
export function privateDataDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR });
  narrow(dir, PRIVATE_DIR);
}

/**
 * The database file is created 0600 before SQLite opens it (an existing one is narrowed to it):
 * SQLite gives its -wal and -shm files the mode of the database file, so they follow.
 */
export function ownerOnlyDatabaseFile(file: string): void {
  closeSync(openSync(file, 'a', PRIVATE_FILE));
  for (const f of [file, `${file}-wal`, `${file}-shm`]) if (existsSync(f)) narrow(f, PRIVATE_FILE);
}

// A directory or file another account owns (a mounted volume, say) cannot be changed by the
// server; it then starts as before, and the deployment sets the modes itself.
function narrow(path: string, mode: number) {
  try {
    chmodSync(path, mode);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EPERM') throw e;
  }
}

const CHECKPOINT_EVERY_MS = 1_000;
// Should the background thread fall behind or stop, the writer checkpoints itself past this size.
const BACKSTOP_CHECKPOINT_PAGES = 25_000;

/**
 * SQLite checkpoints, by default, on the connection that commits once the log passes 1,000
 * pages: with batches of events that is nearly every commit, and the main thread would wait for
 * the copy and its two fsyncs. A second connection on a worker thread checkpoints instead;
 * PASSIVE never blocks the writer or readers.
 */
function checkpointer(sqlite: SQLite.Database, file: string) {
  sqlite.pragma(`wal_autocheckpoint = ${BACKSTOP_CHECKPOINT_PAGES}`);
  const worker = new Worker(`
    const { parentPort, workerData } = require('node:worker_threads');
    const Database = require(workerData.driver);
    const db = new Database(workerData.file);
    db.pragma('busy_timeout = 5000');
    db.pragma('synchronous = NORMAL');
    const timer = setInterval(() => { try { db.pragma('wal_checkpoint(PASSIVE)'); } catch {} }, workerData.everyMs);
    parentPort.once('message', () => { clearInterval(timer); db.close(); parentPort.close(); });
  `, { eval: true, workerData: { file, driver: createRequire(import.meta.url).resolve('better-sqlite3'), everyMs: CHECKPOINT_EVERY_MS } });
  worker.unref();
  return {
    async stop() {
      const exited = new Promise((resolve) => worker.once('exit', resolve));
      worker.ref(); // keep the process alive until the thread has closed its connection
      worker.postMessage('stop');
      await exited;
    },
  };
}

/**
 * fsync of the write-ahead log, on libuv's thread pool. A call made while a sync runs may have
 * commits that sync does not cover, so it waits for the next one; all such calls share it.
 */
function walFlusher(walFile: string) {
  let handle: FileHandle | undefined;
  let running: Promise<void> | undefined;
  let next: Promise<void> | undefined;
  let flushedWrites = -1;

  const sync = async () => {
    const upTo = writes;
    if (upTo === flushedWrites) return;
    if (!handle) {
      try {
        handle = await open(walFile, 'r');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return; // nothing written yet
        throw error;
      }
      // The log file is new: its directory entry must be on disk too.
      const dir = await open(dirname(walFile), 'r');
      await dir.sync().finally(() => dir.close());
    }
    await handle.sync();
    flushedWrites = upTo;
  };
  const start = (): Promise<void> => {
    running = sync().finally(() => { running = undefined; });
    return running;
  };
  return {
    flush(): Promise<void> {
      if (next) return next;
      if (running) {
        next = running.catch(() => {}).then(() => { next = undefined; return start(); });
        return next;
      }
      return start();
    },
    async close() {
      await running?.catch(() => {});
      await handle?.close();
    },
  };
}

const STATEMENT_CACHE_SIZE = 200;
/** What the driver's `rollback` runs when the transaction has already ended (see insertMany). */
const ALREADY_ROLLED_BACK = { reader: false, run: () => ({ changes: 0, lastInsertRowid: 0 }) } as unknown as SQLite.Statement;

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
      // An `insert or rollback` that failed has ended the transaction itself (see insertMany).
      if (text === 'rollback' && !sqlite.inTransaction) return ALREADY_ROLLED_BACK;
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
  // The URL's own `options` are merged with ours and taken out of it: pg lets a connection
  // string's parameters override the configuration object, which would drop these settings.
  const connection = new URL(url);
  const fromUrl = connection.searchParams.get('options');
  connection.searchParams.delete('options');
  const pool = new pg.Pool({
    connectionString: connection.toString(),
    max: options.poolSize ?? 10,
    options: [fromUrl, ...settings].filter(Boolean).join(' '),
  });
  pool.on('connect', preparesMarkedQueries);
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }), log: logQueries });
  pools.set(db, pool);
  return { db, dialect: 'postgres', flush: async () => {}, close: () => db.destroy() };
}

const pools = new WeakMap<Db, pg.Pool>();

/** The PostgreSQL pool's connections, for `/metrics`; undefined on SQLite (one connection). */
export function poolStats(db: Db): { total: number; idle: number; waiting: number } | undefined {
  const pool = pools.get(db);
  return pool && { total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount };
}

const PREPARED_MARK = '/* prepared */';

/**
 * Marks a hot read (e.g. `.modifyEnd(prepared)`) whose plan PostgreSQL should keep: the access
 * policy's nested conditions take longer to plan (1–2 ms) than to run for one container.
 * SQLite caches every statement already (see withStatementCache).
 */
export const prepared: RawBuilder<unknown> = sql.raw(PREPARED_MARK);

// Statement names by text: the marked queries are a handful, asked for on every request.
const statementNames = new Map<string, string>();

/**
 * Sends marked queries as named statements, each prepared once per connection, with a kept
 * generic plan. PostgreSQL's own choice would go on planning them for each container (it does
 * not estimate the generic plan cheaper), and `plan_cache_mode` is a session setting that also
 * holds for every other query with parameters, where a generic plan can be a disaster: a
 * created-time filter that matches nothing scanned the whole events table (16 s instead of 7
 * ms). So a connection switches the setting only when the kind of query it runs changes.
 */
function preparesMarkedQueries(client: pg.PoolClient) {
  const query = client.query.bind(client) as (...args: unknown[]) => unknown;
  /** Whether the connection forces generic plans now; undefined once that is not known. */
  let generic: boolean | undefined = false;
  const planMode = (want: boolean) => {
    if (generic === want) return;
    generic = want;
    // Queued ahead of the query on the same connection; should it fail, so does the query.
    (query(want ? 'set plan_cache_mode = force_generic_plan' : 'reset plan_cache_mode') as Promise<unknown>)
      .catch(() => { generic = undefined; });
  };
  (client as unknown as { query: (...args: unknown[]) => unknown }).query = (text: unknown, ...rest: unknown[]) => {
    if (typeof text !== 'string') return query(text, ...rest);
    // A SET made inside a transaction that rolls back is undone with it.
    if (/^\s*rollback/i.test(text)) generic = undefined;
    const values = rest[0];
    if (!Array.isArray(values) || values.length === 0) return query(text, ...rest);
    if (!text.endsWith(PREPARED_MARK)) {
      planMode(false);
      return query(text, ...rest);
    }
    planMode(true);
    let name = statementNames.get(text);
    if (!name) statementNames.set(text, name = `jz_${createHash('sha1').update(text).digest('hex').slice(0, 20)}`);
    return query({ name, text, values }, ...rest.slice(1));
  };
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
  if (!/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error(`invalid schema name ${schema}`);
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
// The text of a multi-row insert depends only on its shape; building it (and, on SQLite, looking
// up its prepared statement by that text) costs more than the insert for 500 rows, so the same
// string is reused — V8 then hashes it once.
const insertTexts = new Map<string, string>();

/**
 * Inserts rows in one statement. SQLite takes a multi-row VALUES list. PostgreSQL gets one
 * parameter per column, unnested (`insert … select unnest(…), …`): a short text that
 * PostgreSQL parses and plans in a fraction of the time of 500 VALUES rows.
 *
 * A failed insert fails its whole transaction: on SQLite it is `insert or rollback`, which ends
 * the transaction at once. A statement that could fail alone would make SQLite copy every page
 * it changes into a statement journal first, to undo just that statement — with a batch's
 * random keys, hundreds of pages per statement that no caller needs, since none goes on with a
 * transaction after a failed write.
 */
export async function insertMany<T extends Record<string, unknown>, D extends Database>(
  db: ModuleExecutor<D>,
  dialect: Dialect,
  table: string,
  rows: readonly T[],
  options: InsertOptions = {},
): Promise<Record<string, unknown>[]> {
  if (!rows.length) return [];
  if (dialect === 'postgres') return insertPgColumns(db, pgColumns(table, rows), options);
  const columns = Object.keys(rows[0]);
  const shape = `sqlite|${table}|${columns.join(',')}|${rows.length}|${tail(options)}`;
  let text = insertTexts.get(shape);
  if (!text) {
    assertIdentifiers(table, columns);
    const tuple = `(${columns.map(() => '?').join(',')})`;
    text = `insert or rollback into ${table} (${columns.join(',')}) values ${rows.map(() => tuple).join(',')}${tail(options)}`;
    remember(shape, text);
  }
  const parameters = new Array(rows.length * columns.length);
  let i = 0;
  for (const row of rows) for (const c of columns) parameters[i++] = row[c];
  const result = await db.executeQuery(CompiledQuery.raw(text, parameters));
  return result.rows as Record<string, unknown>[];
}

export interface InsertOptions {
  /** A trusted clause such as `on conflict … do nothing`. */
  suffix?: string;
  returning?: string;
}

const tail = (options: InsertOptions) => `${options.suffix ? ` ${options.suffix}` : ''}${options.returning ? ` returning ${options.returning}` : ''}`;

/**
 * Rows of one table as PostgreSQL receives them: one parameter per column. Built apart from
 * the insert so that a caller can build them before its transaction, and join those of
 * several requests (`concatPgColumns`) inside it.
 */
export interface PgColumns {
  table: string;
  columns: string[];
  kinds: PgColumnKind[];
  /** Per column: the joined string, the array, or undefined for a column of nulls. */
  params: unknown[];
}

export function pgColumns<T extends Record<string, unknown>>(table: string, rows: readonly T[]): PgColumns {
  const columns = Object.keys(rows[0]);
  const kinds: PgColumnKind[] = [];
  const params: unknown[] = [];
  // One pass per column: its values, how they travel, and the parameter itself.
  for (const c of columns) {
    const values: unknown[] = new Array(rows.length);
    for (let i = 0; i < rows.length; i++) values[i] = rows[i][c];
    const kind = pgColumnKind(values);
    kinds.push(kind);
    if (kind === 'joined') {
      for (let i = 0; i < values.length; i++) values[i] ??= NULL_FIELD;
      params.push(values.join(FIELD_SEPARATOR));
    } else params.push(kind === 'nulls' ? undefined : values);
  }
  return { table, columns, kinds, params };
}

/**
 * The columns of several row sets of one table, in order, as one; undefined when their
 * columns travel differently (a column of nulls in one and of text in another, say), for the
 * caller to build them from the rows instead.
 */
export function concatPgColumns(parts: PgColumns[]): PgColumns | undefined {
  if (parts.length === 1) return parts[0];
  const [first] = parts;
  const sameShape = parts.every((p) => p.table === first.table && p.columns.join() === first.columns.join() && p.kinds.join() === first.kinds.join());
  if (!sameShape) return undefined;
  const params = first.kinds.map((kind, i) => {
    if (kind === 'nulls') return undefined;
    if (kind === 'joined') return parts.map((p) => p.params[i]).join(FIELD_SEPARATOR);
    return parts.flatMap((p) => p.params[i] as unknown[]);
  });
  return { ...first, params };
}

/** Runs the insert of `pgColumns`: `insert … select unnest(…), … `. */
export async function insertPgColumns<D extends Database>(db: ModuleExecutor<D>, { table, columns, kinds, params }: PgColumns, options: InsertOptions = {}): Promise<Record<string, unknown>[]> {
  const shape = `pg|${table}|${columns.join(',')}|${kinds.join(',')}|${tail(options)}`;
  let text = insertTexts.get(shape);
  if (!text) {
    assertIdentifiers(table, columns);
    let n = 0;
    const args = kinds.flatMap((k) => (k === 'nulls' ? [] : k === 'joined'
      ? [`string_to_array($${++n}, ${PG_FIELD_SEPARATOR}, ${PG_NULL_FIELD})`]
      : [`$${++n}::${k}[]`]));
    // A column of nulls only has no array type to name; a bare null takes the column's type.
    // The unnests sit in the select list, where PostgreSQL zips them row by row as it inserts;
    // in FROM it stored all their rows in a tuple store first.
    let k = 0;
    const select = kinds.map((t) => (t === 'nulls' ? 'null' : `unnest(${args[k++]})`));
    text = `insert into ${table} (${columns.join(',')}) select ${select.join(',')}${tail(options)}`;
    remember(shape, text);
  }
  const result = await db.executeQuery(CompiledQuery.raw(text, params.filter((_, i) => kinds[i] !== 'nulls')));
  return result.rows as Record<string, unknown>[];
}

/**
 * Table and column names go into the statement's text: they must be plain identifiers, so that a
 * row built from input by mistake (its keys) could never add SQL. Checked once per shape.
 */
function assertIdentifiers(table: string, columns: string[]) {
  const bad = [table, ...columns].find((name) => !/^[a-z_][a-z0-9_]*$/.test(name));
  if (bad !== undefined) throw new TypeError(`insertMany: ${JSON.stringify(bad)} is not a plain identifier`);
}

function remember(shape: string, text: string) {
  if (insertTexts.size > 1000) insertTexts.clear();
  insertTexts.set(shape, text);
}

/**
 * Rows per `insertMany` statement: SQLite binds a parameter per value (at most 32766), while
 * PostgreSQL binds one per column whatever the rows, so a whole group commit is one statement.
 */
export const insertChunkRows = (dialect: Dialect) => (dialect === 'postgres' ? 5_000 : 500);

// Text columns travel as one string each, the values joined by a control character that no
// JSON text holds unescaped, and are split by PostgreSQL's `string_to_array`: a text[] literal
// would have every quote of every event body escaped by the driver and unescaped by the server,
// which took more time than the insert itself (12 of 18 ms for the parameters of 500 events).
const FIELD_SEPARATOR = '\x1f';
const NULL_FIELD = '\x1e';
const PG_FIELD_SEPARATOR = "E'\\x1f'";
const PG_NULL_FIELD = "E'\\x1e'";

/**
 * How a column's values are sent to PostgreSQL: an array of a type, one joined string (text that
 * holds neither control character; a lone '' would split into no field at all), or nothing when
 * all are null.
 */
type PgColumnKind = 'boolean' | 'bigint' | 'float8' | 'text' | 'joined' | 'nulls';

function pgColumnKind(values: unknown[]): PgColumnKind {
  const sample = values.find((v) => v !== null && v !== undefined);
  if (sample === undefined) return 'nulls';
  if (typeof sample === 'boolean') return 'boolean';
  if (typeof sample === 'number') return values.every((v) => v === null || Number.isInteger(v)) ? 'bigint' : 'float8';
  const joinable = values.every((v) => v === null || v === undefined
    || (typeof v === 'string' && !v.includes(FIELD_SEPARATOR) && v !== NULL_FIELD && !(v === '' && values.length === 1)));
  return joinable ? 'joined' : 'text';
}

/** Items in parts of at most `size`: multi-row inserts and bound lists stay below the databases' parameter limits. */
export function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
