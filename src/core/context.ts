import type { Config } from './config.js';
import type { CursorSigner } from './cursors.js';
import type { Db, Dialect } from './db.js';
import type { DeliveryWorker } from './delivery.js';
import type { EventStore } from './events.js';
import type { MigrationSet } from './migrations.js';
import type { OwnershipDirectory } from './ownership.js';
import type { PlatformSecrets } from './secrets.js';
import type { LiveStream } from './stream.js';
import type { FastifyInstance } from 'fastify';

/** What a module gets from the core: the database, the event store and the live channels. */
export interface AppContext {
  config: Config;
  db: Db;
  dialect: Dialect;
  /** Resolves once every commit so far is on disk (see DbHandle.flush). */
  flush(): Promise<void>;
  events: EventStore;
  /** Carriers' registered codes and the parties acting for them (ownership.ts). */
  ownership: OwnershipDirectory;
  stream: LiveStream;
  delivery?: DeliveryWorker;
  /** Keys derived from the master key: sealing of stored secrets. */
  secrets: PlatformSecrets;
  /** Signs and checks paging cursors. */
  cursors: CursorSigner;
}

/** A module of the platform; `index.ts` of each module exports one. */
export interface PlatformModule {
  name: string;
  migrations?: MigrationSet;
  /** Called once at start: add projections to the event store and routes to the app. */
  register(app: FastifyInstance, ctx: AppContext): Promise<void>;
}
