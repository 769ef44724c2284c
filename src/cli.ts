// `jiaozhou serve | migrate | admin …` — the operator's command line.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from './core/config.js';
import { backupDatabase, BackupError, restoreDatabase } from './core/backup.js';
import { openDb, sqliteFileIn } from './core/db.js';
import { createApiKey, createParty, createUser, requireParty, ROLES, type Role } from './core/identity.js';
import { partyCodes, setPartyCodes } from './core/ownership.js';
import { coreMigrations, migrate } from './core/migrations.js';
import { ProblemError } from './core/errors.js';
import { validateDateTime } from './standards/index.js';
import { passwordWeakness, WEAK_PASSWORD_RULE } from './core/passwords.js';
import { MODULES, startPlatform } from './platform.js';
import { berthCommand, BERTH_USAGE } from './modules/portcall/index.js';
import { simulateCommand, SIMULATE_USAGE } from './sim/command.js';
import { startDemo } from './sim/demo.js';

const USAGE = `Usage: jiaozhou <command>

  serve                                   start the platform (API + web app) on HOST:PORT
  migrate                                 apply database migrations and exit
  admin create-party --name N --role R [--role R2 ...]
  admin create-user --party ID --username U [--password P]   (P: 12+ characters, not a common one)
  admin create-api-key --party ID [--label L] [--expires ISO-8601]   (prints the key once)
  admin set-codes --party ID [--reference-prefix P ...] [--equipment-code XXXU ...]
                                          a carrier's booking/B/L prefixes and container owner codes
  admin backup [--to FILE]                a consistent copy of the embedded database, also while the
                                          server runs (default DATA_DIR/backups/jiaozhou-<time>.sqlite)
  admin restore --from FILE               put a backup in place of the embedded database (the server
                                          must be stopped; the replaced file is kept beside it)
${SIMULATE_USAGE}
${BERTH_USAGE}

Environment: PORT (8080), HOST (127.0.0.1), DATA_DIR (./data), DATABASE_URL (PostgreSQL),
JIAOZHOU_BOOTSTRAP_ADMIN_KEY, JIAOZHOU_DEMO=0 (no demo port), JIAOZHOU_DEMO_SAMPLE (0.1),
JIAOZHOU_DEMO_SPEED (60), JIAOZHOU_DEMO_BACKFILL_DAYS (3), JIAOZHOU_DEMO_YEAR, JIAOZHOU_MIN_FREE_DISK_MB (256).
Roles: ${ROLES.join(', ')}.`;

async function main(argv: string[]) {
  const [command, sub, ...rest] = argv;
  const config = loadConfig();
  switch (command) {
    case 'serve': {
      const platform = await startPlatform(config, { logger: { level: config.logLevel } });
      const address = await platform.app.listen({ port: config.port, host: config.host });
      console.log(`Jiaozhou is listening on ${address} (${platform.ctx.dialect}); API documentation at ${address}/docs`);
      const demo = config.demo ? await startDemo(config, platform.ctx.db, `http://127.0.0.1:${config.port || new URL(address).port}`) : undefined;
      const shutdown = async () => { await demo?.stop(); await platform.close(); process.exit(0); };
      process.once('SIGINT', shutdown);
      process.once('SIGTERM', shutdown);
      return;
    }
    case 'migrate': {
      const handle = await openDb({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
      await migrate(handle.db, handle.dialect, [coreMigrations, ...MODULES.flatMap((m) => (m.migrations ? [m.migrations] : []))]);
      await handle.close();
      console.log('migrations applied');
      return;
    }
    case 'admin':
      return admin(sub, rest, config);
    case 'simulate':
      return simulateCommand(argv.slice(1));
    case 'berth':
      return berthCommand(argv.slice(1));
    default:
      console.log(USAGE);
      if (command && command !== 'help' && command !== '--help') process.exitCode = 2;
  }
}

async function admin(sub: string | undefined, args: string[], config: ReturnType<typeof loadConfig>) {
  const { values } = parseArgs({
    args,
    options: {
      name: { type: 'string' }, role: { type: 'string', multiple: true }, party: { type: 'string' },
      username: { type: 'string' }, password: { type: 'string' }, label: { type: 'string' }, expires: { type: 'string' },
      'reference-prefix': { type: 'string', multiple: true }, 'equipment-code': { type: 'string', multiple: true },
      to: { type: 'string' }, from: { type: 'string' },
    },
  });
  // Backup and restore work on the file, before (and without) opening the database for commands.
  if (sub === 'backup' || sub === 'restore') return backupCommand(sub, values, config);
  const handle = await openDb({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  try {
    await migrate(handle.db, handle.dialect, [coreMigrations, ...MODULES.flatMap((m) => (m.migrations ? [m.migrations] : []))]);
    const db = handle.db;
    const need = (v: string | undefined, flag: string) => {
      if (!v) throw new Error(`missing --${flag}\n\n${USAGE}`);
      return v;
    };
    switch (sub) {
      case 'create-party': {
        const party = await createParty(db, { name: need(values.name, 'name'), roles: (values.role ?? []) as Role[] });
        console.log(JSON.stringify(party, null, 2));
        return;
      }
      case 'create-user': {
        // The same policy as the API's (createUser checks again), said in the command line's terms.
        const weak = values.password === undefined ? undefined : passwordWeakness(values.password);
        if (weak) throw new Error(`--password: ${weak} (rule ${WEAK_PASSWORD_RULE})`);
        const password = values.password ?? randomBytes(12).toString('base64url');
        const user = await createUser(db, { partyId: need(values.party, 'party'), username: need(values.username, 'username'), password });
        console.log(JSON.stringify({ ...user, ...(values.password ? {} : { password }) }, null, 2));
        return;
      }
      case 'create-api-key': {
        const key = await createApiKey(db, { partyId: need(values.party, 'party'), label: values.label, expiresAt: expiry(values.expires) });
        console.log(JSON.stringify(key, null, 2));
        console.error('Store this key now: it is not shown again.');
        return;
      }
      case 'set-codes': {
        const party = await requireParty(db, need(values.party, 'party'));
        const codes = { referencePrefixes: values['reference-prefix'] ?? [], equipmentOwnerCodes: values['equipment-code'] ?? [] };
        await db.transaction().execute((tx) => setPartyCodes(tx, party, codes));
        console.log(JSON.stringify(await partyCodes(db, party.id), null, 2));
        return;
      }
      default:
        throw new Error(`unknown admin command ${sub ?? ''}\n\n${USAGE}`);
    }
  } finally {
    await handle.close();
  }
}

async function backupCommand(sub: 'backup' | 'restore', values: { to?: string; from?: string }, config: ReturnType<typeof loadConfig>) {
  if (config.databaseUrl) {
    throw new BackupError('the platform uses PostgreSQL (DATABASE_URL): back it up with pg_dump -Fc and restore it with pg_restore (README, Backups)');
  }
  const known = [coreMigrations, ...MODULES.flatMap((m) => (m.migrations ? [m.migrations] : []))].flatMap((set) => Object.keys(set));
  const database = sqliteFileIn(config.dataDir);
  if (sub === 'backup') {
    const file = values.to ?? join(config.dataDir, 'backups', `jiaozhou-${new Date().toISOString().replace(/[:.]/g, '-')}.sqlite`);
    const check = await backupDatabase(database, file, known);
    console.log(JSON.stringify({ backup: file, migrations: check.migrations.length }, null, 2));
    return;
  }
  if (!values.from) throw new BackupError(`missing --from\n\n${USAGE}`);
  const result = restoreDatabase(values.from, database, known);
  console.log(JSON.stringify({ restored: values.from, database, previous: result.previous, migrations: result.migrations.length }, null, 2));
}

/** `--expires`: an ISO 8601 date-time with offset, in the future. */
function expiry(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const v = validateDateTime(value);
  if (!v.ok) throw new Error(`--expires: ${v.message}`);
  if (v.value.utc <= new Date().toISOString()) throw new Error('--expires must lie in the future');
  return v.value.utc;
}

main(process.argv.slice(2)).catch((e) => {
  console.error(e instanceof ProblemError || e instanceof BackupError ? `error: ${e.message}` : e instanceof Error ? e.message : e);
  process.exit(1);
});
