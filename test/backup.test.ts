// Backups: the embedded database copied while the server writes and restored to exactly that
// state (`jiaozhou admin backup | restore`), the refusals that keep a restore safe, and the
// PostgreSQL procedure of the README with the standard tools (pg_dump -Fc, pg_restore).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import SQLite from 'better-sqlite3';
import { sql } from 'kysely';
import { backupDatabase, restoreDatabase, verifyBackup } from '../src/core/backup.js';
import { loadConfig } from '../src/core/config.js';
import { sqliteFileIn } from '../src/core/db.js';
import { coreMigrations } from '../src/core/migrations.js';
import { MODULES, startPlatform, type Platform } from '../src/platform.js';
import { ADMIN_KEY, containerNumber, equipmentEvent, testPlatform } from './helpers.js';

const onPostgres = Boolean(process.env.DATABASE_URL);
const SQLITE_ONLY = onPostgres ? 'the embedded database only: PostgreSQL is backed up with pg_dump (see the PostgreSQL test below)' : false;
const KNOWN = [coreMigrations, ...MODULES.flatMap((m) => (m.migrations ? [m.migrations] : []))].flatMap((s) => Object.keys(s));
const admin = { authorization: `Bearer ${ADMIN_KEY}` };

/** A platform on the embedded database of `dir`, as `jiaozhou serve` opens it. */
async function serveFrom(dir: string): Promise<Platform> {
  return startPlatform({ ...loadConfig({ DATA_DIR: dir, JIAOZHOU_DEMO: '0' }), databaseUrl: undefined, bootstrapAdminKey: ADMIN_KEY }, { delivery: false });
}

async function carrierOf(p: Platform) {
  const party = await p.app.inject({ method: 'POST', url: '/admin/parties', headers: admin, payload: { name: 'COSCO Shipping Lines', roles: ['carrier'] } });
  const key = await p.app.inject({ method: 'POST', url: `/admin/parties/${party.json().id}/api-keys`, headers: admin, payload: {} });
  return { authorization: `Bearer ${key.json().key}` };
}

let box = 0;
async function publish(p: Platform, auth: { authorization: string }, n: number) {
  const events = Array.from({ length: n }, () => equipmentEvent({ equipmentReference: containerNumber('CSQU', ++box) }));
  const res = await p.app.inject({ method: 'POST', url: '/v2/events', headers: auth, payload: events });
  assert.equal(res.statusCode, 200, res.body);
}

/** The stored events in order: what "exactly the same state" compares. */
function eventsIn(file: string): string[] {
  const db = new SQLite(file, { fileMustExist: true });
  try {
    return (db.prepare('select seq, event_id from events order by seq').all() as { seq: number; event_id: string }[]).map((r) => `${r.seq}:${r.event_id}`);
  } finally {
    db.close();
  }
}

describe('backup and restore of the embedded database', { skip: SQLITE_ONLY }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'jiaozhou-backup-'));
  const database = sqliteFileIn(dir);
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('a backup taken while events are written restores to exactly its own state', async () => {
    const platform = await serveFrom(dir);
    let backupEvents: string[] = [];
    const backup = join(dir, 'backups', 'while-writing.sqlite');
    try {
      const carrier = await carrierOf(platform);
      await publish(platform, carrier, 50);
      // Publishing goes on while the backup is taken.
      const writing = (async () => { for (let i = 0; i < 10; i++) await publish(platform, carrier, 20); })();
      const check = await backupDatabase(database, backup, KNOWN);
      await writing;
      assert.deepEqual(check.migrations, [...KNOWN].sort());
      await publish(platform, carrier, 30);
      backupEvents = eventsIn(backup);
      assert.ok(backupEvents.length >= 50, 'the backup holds what was committed before it');
      assert.ok(backupEvents.length < 280, 'and not what was published after it');
      assert.equal(statSync(backup).mode & 0o777, 0o600, 'a backup is readable by its owner only');
    } finally {
      await platform.close();
    }
    assert.equal(eventsIn(database).length, 280);

    const result = restoreDatabase(backup, database, KNOWN);
    assert.ok(result.previous && existsSync(result.previous), 'the replaced database is kept aside');
    assert.equal(eventsIn(result.previous).length, 280, 'whole, with what its log held');
    assert.equal(statSync(database).mode & 0o777, 0o600);
    assert.ok(!existsSync(`${database}-wal`), 'no log of the old database is left to be replayed into the new one');

    const restored = await serveFrom(dir);
    try {
      assert.equal((await restored.app.inject({ method: 'GET', url: '/ready' })).statusCode, 200);
    } finally {
      await restored.close();
    }
    assert.deepEqual(eventsIn(database), backupEvents, 'exactly the events of the backup, in the same order');
  });

  it('refuses to restore while a server has the database open, and changes nothing', async () => {
    const platform = await serveFrom(dir);
    try {
      const backup = join(dir, 'backups', 'refused.sqlite');
      await backupDatabase(database, backup, KNOWN);
      const before = readdirSync(dir).sort();
      assert.throws(() => restoreDatabase(backup, database, KNOWN), /in use: stop the server/);
      assert.deepEqual(readdirSync(dir).sort(), before);
      assert.equal((await platform.app.inject({ method: 'GET', url: '/ready' })).statusCode, 200);
    } finally {
      await platform.close();
    }
  });

  it('refuses a backup that is damaged, not a platform database, or from a newer version', async () => {
    const garbage = join(dir, 'garbage.sqlite');
    writeFileSync(garbage, randomBytes(8192));
    assert.throws(() => restoreDatabase(garbage, database, KNOWN), /not a sound database|cannot be opened/);
    const other = join(dir, 'other.sqlite');
    const db = new SQLite(other);
    db.exec('create table t (x)');
    db.close();
    assert.throws(() => restoreDatabase(other, database, KNOWN), /no migrations table/);
    const backup = join(dir, 'backups', 'newer.sqlite');
    await backupDatabase(database, backup, KNOWN);
    assert.throws(() => verifyBackup(backup, KNOWN.slice(1)), /newer version/);
    // A damaged page: the integrity check finds it before anything is replaced.
    const damaged = join(dir, 'damaged.sqlite');
    const copy = new SQLite(backup);
    await copy.backup(damaged);
    copy.close();
    const bytes = readFileSync(damaged);
    bytes.fill(0xff, 4096 * 3, 4096 * 3 + 512);
    writeFileSync(damaged, bytes);
    const before = eventsIn(database);
    assert.throws(() => restoreDatabase(damaged, database, KNOWN), /integrity|not a sound database|malformed/);
    assert.deepEqual(eventsIn(database), before);
  });

  it('`jiaozhou admin backup` and `restore` on the command line', async () => {
    const env = { ...process.env, DATA_DIR: dir, DATABASE_URL: '' };
    const cli = (...args: string[]) => promisify(execFile)(process.execPath, ['bin/jiaozhou.js', ...args], { env });
    const taken = JSON.parse((await cli('admin', 'backup')).stdout);
    assert.match(taken.backup, /backups\/jiaozhou-.*\.sqlite$/);
    assert.equal(statSync(join(dir, 'backups')).mode & 0o777, 0o700);
    const platform = await serveFrom(dir);
    try {
      await assert.rejects(cli('admin', 'restore', '--from', taken.backup), /error: the database .* is in use/);
    } finally {
      await platform.close();
    }
    const restored = JSON.parse((await cli('admin', 'restore', '--from', taken.backup)).stdout);
    assert.match(restored.previous, /before-restore-/);
  });
});

describe('backup of PostgreSQL with pg_dump and pg_restore', () => {
  const url = process.env.DATABASE_URL;
  const tools = (() => { try { execFileSync('pg_dump', ['--version']); execFileSync('pg_restore', ['--version']); return true; } catch { return false; } })();
  const skip = !url ? 'PostgreSQL only (set DATABASE_URL): the embedded database has `jiaozhou admin backup`'
    : !tools ? 'pg_dump and pg_restore are not on PATH (apt-get install postgresql-client)' : false;

  it('a schema dumped with `pg_dump -Fc -n` and restored into a new database holds the same rows', { skip }, async () => {
    const t = await testPlatform();
    const restoredDb = `jz_restore_${randomBytes(5).toString('hex')}`;
    const dir = mkdtempSync(join(tmpdir(), 'jiaozhou-pgdump-'));
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    try {
      const carrier = await carrierOf(t.platform);
      await publish(t.platform, carrier, 40);
      const { rows: [{ schema }] } = await sql<{ schema: string }>`select current_schema() as schema`.execute(t.platform.handle.db);
      const dump = join(dir, 'jiaozhou.dump');
      execFileSync('pg_dump', ['-Fc', '-n', schema, '-f', dump, url!]);
      await admin.query(`create database ${restoredDb}`);
      const target = new URL(url!);
      target.pathname = `/${restoredDb}`;
      execFileSync('pg_restore', ['--no-owner', '--exit-on-error', '-d', target.toString(), dump]);

      const counts = async (conn: string) => {
        const c = new pg.Client({ connectionString: conn });
        await c.connect();
        try {
          const n = async (table: string) => Number((await c.query(`select count(*) as n from ${schema}.${table}`)).rows[0].n);
          return { events: await n('events'), parties: await n('parties'), auditLog: await n('audit_log'), migrations: await n('kysely_migration') };
        } finally {
          await c.end();
        }
      };
      const original = await counts(url!);
      assert.equal(original.events, 40);
      assert.deepEqual(await counts(target.toString()), original);

      // The restored database serves: the platform opens it, migrated, ready — with the same
      // master key, which is backed up apart from the database (docs/SECURITY.md, Operations).
      copyFileSync(join(t.platform.ctx.config.dataDir, 'secret.key'), join(dir, 'secret.key'));
      const restored = await startPlatform({ ...loadConfig({ DATA_DIR: dir, JIAOZHOU_DEMO: '0' }), databaseUrl: target.toString() }, { db: { databaseUrl: target.toString(), pgSchema: schema, poolSize: 2 }, delivery: false });
      try {
        assert.equal((await restored.app.inject({ method: 'GET', url: '/ready' })).statusCode, 200);
        const events = await restored.app.inject({ method: 'GET', url: '/v2/events?limit=100', headers: carrier });
        assert.equal(events.statusCode, 200, events.body);
        assert.equal(events.json().length, 40);
      } finally {
        await restored.close();
      }
    } finally {
      await t.close();
      await admin.query(`drop database if exists ${restoredDb}`);
      await admin.end();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
