import type { Config } from './config.js';
import type { CursorSigner } from './cursors.js';
import type { Db, Dialect } from './db.js';
import type { DeliveryWorker } from './delivery.js';
import type { Commands } from './commands.js';
import type { MigrationSet } from './migrations.js';
import type { OwnershipDirectory } from './ownership.js';
import type { PlatformSecrets } from './secrets.js';
import type { LiveStream } from './stream.js';
import type { Topics } from './topics.js';
import type { FastifyInstance } from 'fastify';

/**
 * A module's intake of data from outside (Track & Trace's event store): what `/metrics` and the
 * status page's "ingest" component report, summed over the modules that register one.
 */
export interface IngestSource {
  /** Items stored by this process. */
  stored: number;
  /** Transactions committed, and the requests they carried. */
  commits: number;
  groupedRequests: number;
  /** When the newest item was received (on any node). */
  lastReceivedAt(): Promise<string | undefined>;
}

/** What a module gets from the core: the database, the write path and the live channels. */
export interface AppContext {
  config: Config;
  db: Db;
  dialect: Dialect;
  /** Resolves once every commit so far is on disk (see DbHandle.flush). */
  flush(): Promise<void>;
  /** The write path: commands in one transaction, facts and their handlers (commands.ts). */
  commands: Commands;
  /** Topics for webhooks and the live stream (topics.ts). */
  topics: Topics;
  /** Intakes registered by modules (metrics, status page). */
  ingest: IngestSource[];
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
  /** Called once at start: register topics, fact handlers and intakes with the core, and routes with the app. */
  register(app: FastifyInstance, ctx: AppContext): Promise<void>;
}
