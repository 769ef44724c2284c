// Backups of the embedded database (`jiaozhou admin backup | restore`). A backup is taken with
// SQLite's online backup API while the server runs and writes: it copies one consistent snapshot,
// the writers do not wait. A restore puts a verified backup in place of the database, only when
// no process has it open, and keeps the file it replaces. (PostgreSQL: pg_dump / pg_restore,
// README "Backups".)
import { chmodSync, closeSync, copyFileSync, existsSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import SQLite from 'better-sqlite3';

const PRIVATE_DIR = 0o700;
const PRIVATE_FILE = 0o600;
// Pages per step of the backup. All of them in one step: a step reads one snapshot of the
// database, while between steps a write by the server would make SQLite start the copy over.
const ALL_PAGES = 0x7fffffff;

/** A backup or a restore that was refused, and why: for the operator, no stack trace. */
export class BackupError extends Error {}

export interface BackupCheck {
  /** Migrations applied in the backup, oldest first. */
  migrations: string[];
}

/** Copies the database as it is now, while others go on writing, into a new file (0600). */
export async function backupDatabase(databaseFile: string, backupFile: string, knownMigrations: string[]): Promise<BackupCheck> {
  if (!existsSync(databaseFile)) throw new BackupError(`there is no database at ${databaseFile}`);
  mkdirSync(dirname(backupFile), { recursive: true, mode: PRIVATE_DIR });
  try {
    // Created owner-only before SQLite writes anything into it; never over an existing file.
    closeSync(openSync(backupFile, 'wx', PRIVATE_FILE));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') throw new BackupError(`${backupFile} exists already: choose another file`);
    throw e;
  }
  const source = new SQLite(databaseFile, { fileMustExist: true, timeout: 5_000 });
  try {
    await source.backup(backupFile, { progress: () => ALL_PAGES });
    syncFile(backupFile);
    return verifyBackup(backupFile, knownMigrations);
  } catch (e) {
    rmSync(backupFile, { force: true });
    throw e;
  } finally {
    source.close();
  }
}

/**
 * A backup fit to restore: SQLite finds it intact, and it holds the platform's tables as this
 * version knows them (a backup of a newer version would meet code that does not know its schema).
 */
export function verifyBackup(backupFile: string, knownMigrations: string[]): BackupCheck {
  if (!existsSync(backupFile)) throw new BackupError(`there is no backup at ${backupFile}`);
  let db: SQLite.Database;
  try {
    db = new SQLite(backupFile, { fileMustExist: true, timeout: 5_000 });
  } catch (e) {
    throw new BackupError(`${backupFile} cannot be opened as a database: ${(e as Error).message}`);
  }
  try {
    let problems: string[];
    try {
      problems = (db.pragma('integrity_check') as { integrity_check: string }[]).map((r) => r.integrity_check);
    } catch (e) {
      throw new BackupError(`${backupFile} is not a sound database: ${(e as Error).message}`);
    }
    if (problems.join() !== 'ok') throw new BackupError(`${backupFile} failed SQLite's integrity check: ${problems.slice(0, 5).join('; ')}`);
    const hasMigrations = db.prepare(`select 1 from sqlite_master where type = 'table' and name = 'kysely_migration'`).get();
    if (!hasMigrations) throw new BackupError(`${backupFile} is not a Jiaozhou database: it has no migrations table`);
    const migrations = (db.prepare('select name from kysely_migration order by name').all() as { name: string }[]).map((r) => r.name);
    if (!migrations.length) throw new BackupError(`${backupFile} is not a Jiaozhou database: no migration was applied to it`);
    const unknown = migrations.filter((m) => !knownMigrations.includes(m));
    if (unknown.length) throw new BackupError(`${backupFile} was made by a newer version (migrations ${unknown.join(', ')} are unknown to this one)`);
    return { migrations };
  } finally {
    db.close();
  }
}

export interface RestoreResult extends BackupCheck {
  /** Where the database that was replaced now lies; null when there was none. */
  previous: string | null;
}

/**
 * Replaces the database with a backup. Refused while any process has the database open: the
 * check takes SQLite's exclusive lock, which every open connection of a WAL database (a running
 * server, its checkpointer, another CLI command) prevents, and keeps it until the new file is in
 * place, so that no server starting meanwhile can open the old one.
 */
export function restoreDatabase(backupFile: string, databaseFile: string, knownMigrations: string[]): RestoreResult {
  const check = verifyBackup(backupFile, knownMigrations);
  const incoming = `${databaseFile}.restoring`;
  const put = () => {
    copyFileSync(backupFile, incoming);
    chmodSync(incoming, PRIVATE_FILE);
    syncFile(incoming);
  };
  if (!existsSync(databaseFile)) {
    mkdirSync(dirname(databaseFile), { recursive: true, mode: PRIVATE_DIR });
    put();
    renameSync(incoming, databaseFile);
    syncDir(dirname(databaseFile));
    return { ...check, previous: null };
  }

  // The copy is made before the lock is taken: the lock is then held for a checkpoint and two
  // renames, not for the copy of a large file, during which a server started by mistake would
  // wait on the lock and could then open the file being replaced.
  put();
  let lock: SQLite.Database;
  try {
    lock = new SQLite(databaseFile, { fileMustExist: true, timeout: 0 });
  } catch (e) {
    rmSync(incoming, { force: true });
    throw e;
  }
  try {
    try {
      lock.pragma('locking_mode = EXCLUSIVE');
      lock.exec('begin exclusive');
      lock.exec('commit');
    } catch (e) {
      if ((e as { code?: string }).code === 'SQLITE_BUSY' || (e as { code?: string }).code === 'SQLITE_LOCKED') {
        throw new BackupError(`the database ${databaseFile} is in use: stop the server (and any other jiaozhou command using it) before restoring`);
      }
      throw e;
    }
    // Everything committed to the old database goes into its file, which is kept whole, and its
    // log is removed now, while the name is still its own: closing a WAL connection later would
    // delete the -wal and -shm files by name, by then those of the restored database.
    lock.pragma('wal_checkpoint(TRUNCATE)');
    lock.pragma('journal_mode = DELETE');
    rmSync(`${databaseFile}-shm`, { force: true });
    const previous = `${databaseFile}.before-restore-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    renameSync(databaseFile, previous);
    renameSync(incoming, databaseFile);
    syncDir(dirname(databaseFile));
    return { ...check, previous };
  } finally {
    rmSync(incoming, { force: true });
    lock.close();
  }
}

function syncFile(file: string) {
  const fd = openSync(file, 'r+');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function syncDir(dir: string) {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
