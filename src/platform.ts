// Starts the platform: database, migrations, first admin, event store, delivery, HTTP app.
import type { FastifyInstance } from 'fastify';
import { buildApp } from './core/app.js';
import type { Config } from './core/config.js';
import type { AppContext, PlatformModule } from './core/context.js';
import { openDb, type DbHandle, type OpenDbOptions } from './core/db.js';
import { DeliveryWorker, DEFAULT_DELIVERY, type DeliveryOptions } from './core/delivery.js';
import { Commands } from './core/commands.js';
import { createApiKey, createParty, hasAdminParty, sha256 } from './core/identity.js';
import { coreMigrations, migrate } from './core/migrations.js';
import { OwnershipDirectory } from './core/ownership.js';
import { CursorSigner } from './core/cursors.js';
import { checkKeyFingerprint, loadMasterKey, PlatformSecrets, sealStoredSecrets } from './core/secrets.js';
import { LiveStream } from './core/stream.js';
import { Topics } from './core/topics.js';
import { portcallModule } from './modules/portcall/index.js';
import { trackingModule } from './modules/tracking/index.js';

export const MODULES: PlatformModule[] = [trackingModule, portcallModule];

export interface Platform {
  app: FastifyInstance;
  ctx: AppContext;
  handle: DbHandle;
  close(): Promise<void>;
}

export interface PlatformOptions {
  db?: OpenDbOptions;
  /** Run the webhook delivery worker (default true). */
  delivery?: boolean | Partial<DeliveryOptions>;
  logger?: boolean | object;
}

export async function startPlatform(config: Config, options: PlatformOptions = {}): Promise<Platform> {
  const secrets = new PlatformSecrets(loadMasterKey(config));
  const handle = await openDb({ ...(options.db ?? { databaseUrl: config.databaseUrl, dataDir: config.dataDir }), flushedCommits: true });
  const migrationSets = [coreMigrations, ...MODULES.flatMap((m) => (m.migrations ? [m.migrations] : []))];
  try {
    await migrate(handle.db, handle.dialect, migrationSets);
    await checkKeyFingerprint(handle.db, secrets);
    await sealStoredSecrets(handle.db, secrets);
    if (config.bootstrapAdminKey) await bootstrapAdmin(handle, config.bootstrapAdminKey);
  } catch (e) {
    await handle.close();
    throw e;
  }

  const ownership = new OwnershipDirectory(handle.db);
  const topics = new Topics(handle.dialect);
  const commands = new Commands(handle.db, handle.dialect, topics);
  const stream = new LiveStream(handle.db, topics, handle.flush);
  const deliveryOn = options.delivery !== false;
  const delivery = deliveryOn ? new DeliveryWorker(handle.db, topics, { ...DEFAULT_DELIVERY, allowLocalCallbacks: config.webhooksAllowLocal, secrets, ...(typeof options.delivery === 'object' ? options.delivery : {}) }, handle.flush) : undefined;
  const ctx: AppContext = {
    config, db: handle.db, dialect: handle.dialect, flush: handle.flush, commands, topics, ingest: [], ownership, stream, delivery, secrets, cursors: new CursorSigner(secrets.cursorKey),
  };
  topics.onCommitted(() => { stream.poke(); delivery?.wake(); });

  const app = await buildApp(ctx, MODULES, migrationSets, { logger: options.logger });
  delivery?.start();
  return {
    app, ctx, handle,
    async close() {
      stream.close();
      await delivery?.stop();
      await app.close();
      await handle.close();
    },
  };
}

/** For automated deployments: the first admin party, with a key the deployment already knows. */
async function bootstrapAdmin(handle: DbHandle, key: string) {
  if (await hasAdminParty(handle.db)) return;
  await handle.db.transaction().execute(async (tx) => {
    const party = await createParty(tx, { name: 'Platform administration', roles: ['admin'] });
    const existing = await tx.selectFrom('api_keys').select('id').where('key_hash', '=', sha256(key)).executeTakeFirst();
    if (!existing) await createApiKey(tx, { partyId: party.id, label: 'bootstrap', key });
  });
}
