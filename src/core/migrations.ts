// Migrations are written once with Kysely's schema builder and run on both dialects.
// Each module adds its own list; names sort in the order they must run.
import { randomUUID } from 'node:crypto';
import { Migrator, sql, type Kysely, type Migration } from 'kysely';
import type { Db, Dialect } from './db.js';

// A copy of the authority roles as this migration was written (identity.ts may change later).
const AUTHORITY_ROLE_NAMES = ['customs', 'border', 'msa', 'port_authority', 'shipping_center'];

/**
 * The publisher members migration 0005 added to stored events, as that migration wrote them (the
 * tracking module writes them since, modules/tracking/publisher.ts; a migration's body is frozen).
 */
function publisherSuffix0005(p: { partyId: string; partyName: string; roles: string[] }): string {
  const codes: [string, string][] = [['carrier', 'CA'], ['terminal', 'TR'], ['customs', 'ATH'], ['border', 'ATH'], ['msa', 'ATH'], ['port_authority', 'ATH'], ['shipping_center', 'ATH'], ['bunker_supplier', 'BUK']];
  const publisher = { partyName: p.partyName, identifyingCodes: [{ DCSAResponsibleAgencyCode: 'ZZZ', partyCode: p.partyId, codeListName: 'Jiaozhou party' }] };
  return `,"publisher":${JSON.stringify(publisher)},"publisherRole":${JSON.stringify(codes.find(([role]) => p.roles.includes(role))?.[1] ?? 'SVP')}}`;
}

export type MigrationSet = Record<string, (dialect: Dialect) => Migration>;

/** `seq` columns: one global, gap-tolerant, increasing order of insertion. */
function autoId(dialect: Dialect) {
  return dialect === 'postgres' ? ('bigserial' as const) : ('integer' as const);
}

/**
 * Makes every text column of these tables compare byte by byte on PostgreSQL (collation "C"),
 * as SQLite's do: codes, keys and ISO 8601 times then sort alike on both databases, whatever
 * locale the database was created with, and each index compares with memcmp instead of the
 * locale's rules (a bare insert took 15–40 % longer with C.UTF-8, measured). A column keeps its data;
 * its indexes are rebuilt. A migration that makes a table or text column calls this for it too;
 * a storage test checks that no text column is left in the locale's order.
 */
export async function byteOrderText(db: Kysely<any>, dialect: Dialect, tables: string[]): Promise<void> {
  if (dialect !== 'postgres') return;
  const { rows } = await sql<{ table_name: string; column_name: string }>`select table_name, column_name from information_schema.columns
    where table_schema = current_schema() and data_type = 'text' and collation_name is distinct from 'C'
      and table_name = any(${tables}) order by table_name, ordinal_position`.execute(db);
  for (const { table_name: table, column_name: column } of rows) {
    await sql`alter table ${sql.table(table)} alter column ${sql.ref(column)} type text collate "C"`.execute(db);
  }
}

export const coreMigrations: MigrationSet = {
  '0001_core': (dialect) => ({
    async up(db: Kysely<any>) {
      const id = autoId(dialect);
      const auto = (c: any) => (dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement());

      await db.schema.createTable('parties')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('roles', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();

      await db.schema.createTable('users')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('party_id', 'text', (c) => c.notNull().references('parties.id'))
        .addColumn('username', 'text', (c) => c.notNull().unique())
        .addColumn('password_hash', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();

      await db.schema.createTable('api_keys')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('party_id', 'text', (c) => c.notNull().references('parties.id'))
        .addColumn('key_hash', 'text', (c) => c.notNull().unique())
        .addColumn('label', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('revoked_at', 'text')
        .execute();

      await db.schema.createTable('sessions')
        .addColumn('token_hash', 'text', (c) => c.primaryKey())
        .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
        .addColumn('party_id', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'text', (c) => c.notNull())
        .execute();

      await db.schema.createTable('audit_log')
        .addColumn('id', id, auto)
        .addColumn('at', 'text', (c) => c.notNull())
        .addColumn('party_id', 'text')
        .addColumn('actor', 'text')
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('resource', 'text')
        .addColumn('detail', 'text')
        .execute();
      await db.schema.createIndex('audit_log_party_at').on('audit_log').columns(['party_id', 'at']).execute();
      await db.schema.createIndex('audit_log_at').on('audit_log').column('at').execute();

      await db.schema.createTable('events')
        .addColumn('seq', id, auto)
        .addColumn('event_id', 'text', (c) => c.notNull().unique())
        .addColumn('publisher_party_id', 'text', (c) => c.notNull())
        .addColumn('event_type', 'text', (c) => c.notNull())
        .addColumn('event_classifier_code', 'text', (c) => c.notNull())
        .addColumn('event_date_time', 'text', (c) => c.notNull())
        .addColumn('event_created_date_time', 'text', (c) => c.notNull())
        .addColumn('equipment_event_type_code', 'text')
        .addColumn('transport_event_type_code', 'text')
        .addColumn('shipment_event_type_code', 'text')
        .addColumn('equipment_reference', 'text')
        .addColumn('vessel_imo_number', 'text')
        .addColumn('un_location_code', 'text')
        .addColumn('document_type_code', 'text')
        .addColumn('transport_call_id', 'text')
        .addColumn('export_voyage_number', 'text')
        .addColumn('carrier_service_code', 'text')
        .addColumn('content_hash', 'text', (c) => c.notNull())
        .addColumn('body', 'text', (c) => c.notNull())
        .addColumn('received_at', 'text', (c) => c.notNull())
        .execute();
      // Few indexes on purpose: each one costs every write. The container index serves timelines
      // and the access policy; the others serve the selective DCSA filters.
      await db.schema.createIndex('events_equipment').on('events').columns(['equipment_reference', 'event_date_time']).execute();
      await db.schema.createIndex('events_vessel').on('events').columns(['vessel_imo_number', 'seq']).execute();
      await db.schema.createIndex('events_created').on('events').columns(['event_created_date_time']).execute();

      await db.schema.createTable('event_refs')
        .addColumn('seq', 'bigint', (c) => c.notNull())
        .addColumn('ref_type', 'text', (c) => c.notNull())
        .addColumn('ref_value', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('event_refs_pk', ['ref_type', 'ref_value', 'seq'])
        .execute();
      await db.schema.createIndex('event_refs_seq').on('event_refs').column('seq').execute();

      await db.schema.createTable('document_owners')
        .addColumn('ref_type', 'text', (c) => c.notNull())
        .addColumn('ref_value', 'text', (c) => c.notNull())
        .addColumn('owner_party_id', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('document_owners_pk', ['ref_type', 'ref_value'])
        .execute();
      await db.schema.createIndex('document_owners_owner').on('document_owners').columns(['owner_party_id']).execute();

      await db.schema.createTable('document_links')
        .addColumn('ref_type', 'text', (c) => c.notNull())
        .addColumn('ref_value', 'text', (c) => c.notNull())
        .addColumn('other_type', 'text', (c) => c.notNull())
        .addColumn('other_value', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('document_links_pk', ['ref_type', 'ref_value', 'other_type', 'other_value'])
        .execute();

      await db.schema.createTable('shipment_equipment')
        .addColumn('ref_type', 'text', (c) => c.notNull())
        .addColumn('ref_value', 'text', (c) => c.notNull())
        .addColumn('equipment_reference', 'text', (c) => c.notNull())
        .addColumn('first_at', 'text', (c) => c.notNull())
        .addColumn('last_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('shipment_equipment_pk', ['ref_type', 'ref_value', 'equipment_reference'])
        .execute();
      await db.schema.createIndex('shipment_equipment_box').on('shipment_equipment')
        .columns(['equipment_reference', 'ref_type', 'first_at']).execute();

      await db.schema.createTable('container_status')
        .addColumn('equipment_reference', 'text', (c) => c.primaryKey())
        .addColumn('seq', 'bigint', (c) => c.notNull())
        .addColumn('event_date_time', 'text', (c) => c.notNull())
        .addColumn('event_type_code', 'text', (c) => c.notNull())
        .addColumn('un_location_code', 'text')
        .addColumn('empty_indicator_code', 'text')
        .execute();

      await db.schema.createTable('grants')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('granter_party_id', 'text', (c) => c.notNull())
        .addColumn('grantee_party_id', 'text', (c) => c.notNull())
        .addColumn('ref_type', 'text', (c) => c.notNull())
        .addColumn('ref_value', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'text')
        .addColumn('revoked_at', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('grants_grantee').on('grants').columns(['grantee_party_id', 'ref_type', 'ref_value']).execute();
      await db.schema.createIndex('grants_ref').on('grants').columns(['ref_type', 'ref_value']).execute();

      await db.schema.createTable('subscriptions')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('party_id', 'text', (c) => c.notNull())
        .addColumn('callback_url', 'text', (c) => c.notNull())
        .addColumn('secret', 'text', (c) => c.notNull())
        .addColumn('filters', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('subscriptions_party').on('subscriptions').column('party_id').execute();

      await db.schema.createTable('outbox')
        .addColumn('id', id, auto)
        .addColumn('subscription_id', 'text', (c) => c.notNull())
        .addColumn('seq', 'bigint', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull())
        .addColumn('next_attempt_at', 'text', (c) => c.notNull())
        .addColumn('last_error', 'text')
        .addColumn('delivered_at', 'text')
        .execute();
      await db.schema.createIndex('outbox_subscription').on('outbox').columns(['subscription_id', 'status', 'id']).execute();
      await db.schema.createIndex('outbox_due').on('outbox').columns(['status', 'next_attempt_at']).execute();

      await db.schema.createTable('idempotency_keys')
        .addColumn('party_id', 'text', (c) => c.notNull())
        .addColumn('key', 'text', (c) => c.notNull())
        .addColumn('request_hash', 'text', (c) => c.notNull())
        .addColumn('status_code', 'integer', (c) => c.notNull())
        .addColumn('response', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('idempotency_keys_pk', ['party_id', 'key'])
        .execute();
    },
  }),
  // Journey windows are kept whole (start and end) at write time, so that the access policy reads
  // them with a range check instead of searching for the next journey on every event.
  '0002_journey_windows': () => ({
    async up(db: Kysely<any>) {
      await db.schema.alterTable('shipment_equipment').addColumn('end_at', 'text').execute();
      await db.schema.alterTable('shipment_equipment').dropColumn('last_at').execute();
      await db.schema.dropIndex('shipment_equipment_box').execute();
      await db.schema.createIndex('shipment_equipment_box').on('shipment_equipment').columns(['equipment_reference', 'first_at']).execute();
      // The journey ends of the rows already there, as `updateJourneyEnds` computed them when
      // this migration was written: a copy, so that later changes to the live code cannot
      // change what this migration did.
      await sql`update shipment_equipment set end_at = (select min(n.first_at) from shipment_equipment n
        where n.equipment_reference = shipment_equipment.equipment_reference and n.first_at > shipment_equipment.first_at
          and not (n.ref_type = shipment_equipment.ref_type and n.ref_value = shipment_equipment.ref_value)
          and not exists (select 1 from document_links l where l.ref_type = shipment_equipment.ref_type and l.ref_value = shipment_equipment.ref_value
            and l.other_type = n.ref_type and l.other_value = n.ref_value))`.execute(db);
    },
  }),
  '0003_lighter_event_writes': (dialect) => ({
    async up(db: Kysely<any>) {
      // Most events carry no vessel (gate moves, shipment events): an index of only those that
      // do costs the other writes nothing, and still serves `vesselIMONumber=` (an equality
      // implies IS NOT NULL on both databases).
      await db.schema.dropIndex('events_vessel').execute();
      await db.schema.createIndex('events_vessel').on('events').columns(['vessel_imo_number', 'seq'])
        .where(sql.ref('vessel_imo_number'), 'is not', null).execute();
      // Every event of a box rewrites its status row, and a new journey the end of the box's
      // previous one: room left on each page lets PostgreSQL update in place (a heap-only
      // tuple) instead of adding index entries that every later read steps over until vacuum.
      if (dialect === 'postgres') {
        await sql`alter table container_status set (fillfactor = 70)`.execute(db);
        await sql`alter table shipment_equipment set (fillfactor = 70)`.execute(db);
      }
      // A retry is told from other content by the stored text itself (`sameContent`): the hash
      // of it cost every event a column and the validator a SHA-256.
      await db.schema.alterTable('events').dropColumn('content_hash').execute();
    },
  }),
  '0004_byte_order_text': (dialect) => ({
    async up(db: Kysely<any>) {
      await byteOrderText(db, dialect, ['parties', 'users', 'api_keys', 'sessions', 'audit_log', 'events', 'event_refs', 'document_owners',
        'document_links', 'shipment_equipment', 'container_status', 'grants', 'subscriptions', 'outbox', 'idempotency_keys']);
    },
  }),
  // Who may bind boxes to documents and speak for a shipment (docs/SECURITY.md, "Ownership"):
  // carriers' registered codes (the prefix of their booking and B/L numbers, the BIC owner codes
  // of their boxes), the parties a carrier names to act for it, publish-scoped grants, and the
  // publisher written into every stored event.
  '0005_ownership': (dialect) => ({
    async up(db: Kysely<any>) {
      await db.schema.createTable('party_codes')
        .addColumn('code', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('party_id', 'text', (c) => c.notNull().references('parties.id'))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('party_codes_pk', ['kind', 'code'])
        .execute();
      await db.schema.createTable('agents')
        .addColumn('principal_party_id', 'text', (c) => c.notNull().references('parties.id'))
        .addColumn('agent_party_id', 'text', (c) => c.notNull().references('parties.id'))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('revoked_at', 'text')
        .addPrimaryKeyConstraint('agents_pk', ['principal_party_id', 'agent_party_id', 'created_at'])
        .execute();
      await db.schema.createIndex('agents_agent').on('agents').columns(['agent_party_id', 'principal_party_id']).execute();
      await db.schema.alterTable('grants').addColumn('scope', 'text', (c) => c.notNull().defaultTo('read')).execute();
      await db.schema.alterTable('parties').addColumn('authority', 'integer', (c) => c.notNull().defaultTo(0)).execute();
      await byteOrderText(db, dialect, ['party_codes', 'agents', 'grants']);

      // Every event served names its publisher; events stored before carry it from now on too.
      const parties = await db.selectFrom('parties').select(['id', 'name', 'roles']).execute();
      for (const p of parties as { id: string; name: string; roles: string }[]) {
        const roles = JSON.parse(p.roles) as string[];
        if (roles.some((r) => AUTHORITY_ROLE_NAMES.includes(r))) await db.updateTable('parties').set({ authority: 1 }).where('id', '=', p.id).execute();
        const suffix = publisherSuffix0005({ partyId: p.id, partyName: p.name, roles });
        await sql`update events set body = substr(body, 1, length(body) - 1) || ${suffix} where publisher_party_id = ${p.id}`.execute(db);
      }
    },
  }),
  // The master key's fingerprint (never the key): nodes sharing the database must share the key
  // that seals webhook secrets and signs cursors (core/secrets.ts).
  '0006_sealed_secrets': (dialect) => ({
    async up(db: Kysely<any>) {
      await db.schema.createTable('platform_keys')
        .addColumn('name', 'text', (c) => c.primaryKey())
        .addColumn('fingerprint', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await byteOrderText(db, dialect, ['platform_keys']);
    },
  }),
  // The public status page's notices (core/status.ts): incidents and maintenance an operator
  // posts, each with its history of updates, in Chinese and English.
  '0007_status_notices': (dialect) => ({
    async up(db: Kysely<any>) {
      await db.schema.createTable('status_notices')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('severity', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('title_zh', 'text', (c) => c.notNull())
        .addColumn('title_en', 'text', (c) => c.notNull())
        .addColumn('body_zh', 'text', (c) => c.notNull())
        .addColumn('body_en', 'text', (c) => c.notNull())
        .addColumn('components', 'text', (c) => c.notNull())
        .addColumn('starts_at', 'text', (c) => c.notNull())
        .addColumn('ends_at', 'text')
        .addColumn('resolved_at', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('status_notices_resolved').on('status_notices').columns(['resolved_at', 'starts_at']).execute();
      await db.schema.createTable('status_notice_updates')
        .addColumn('id', autoId(dialect), (c) => (dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement()))
        .addColumn('notice_id', 'text', (c) => c.notNull().references('status_notices.id'))
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('message_zh', 'text', (c) => c.notNull())
        .addColumn('message_en', 'text', (c) => c.notNull())
        .addColumn('at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('status_notice_updates_notice').on('status_notice_updates').columns(['notice_id', 'id']).execute();
      await byteOrderText(db, dialect, ['status_notices', 'status_notice_updates']);
    },
  }),
  // Sessions get an id of their own (the token hash is a secret's digest and never leaves the
  // server), so that a user can list and end them; API keys get an optional expiry, which also
  // lets a rotated key keep working for a grace period.
  '0008_sessions_and_key_expiry': (dialect) => ({
    async up(db: Kysely<any>) {
      await db.schema.alterTable('sessions').addColumn('id', 'text').execute();
      await db.schema.alterTable('sessions').addColumn('user_agent', 'text').execute();
      await db.schema.alterTable('sessions').addColumn('address', 'text').execute();
      const open = await db.selectFrom('sessions').select('token_hash').execute();
      for (const { token_hash } of open) {
        await db.updateTable('sessions').set({ id: randomUUID() }).where('token_hash', '=', token_hash).execute();
      }
      await db.schema.createIndex('sessions_id').on('sessions').column('id').unique().execute();
      await db.schema.createIndex('sessions_user').on('sessions').columns(['user_id', 'expires_at']).execute();
      await db.schema.alterTable('api_keys').addColumn('expires_at', 'text').execute();
      await byteOrderText(db, dialect, ['sessions', 'api_keys']);
    },
  }),
  // Subscriptions and the live stream serve any module's topic (core/topics.ts): a subscription
  // names its topic (those made before are Track & Trace's). Facts that commands emit are kept in
  // one log, in commit order (core/commands.ts).
  '0009_topics_and_facts': (dialect) => ({
    async up(db: Kysely<any>) {
      await db.schema.alterTable('subscriptions').addColumn('topic', 'text', (c) => c.notNull().defaultTo('tracking.event')).execute();
      await db.schema.createIndex('subscriptions_topic').on('subscriptions').columns(['topic', 'party_id']).execute();
      await db.schema.createTable('facts')
        .addColumn('seq', autoId(dialect), (c) => (dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement()))
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('subject', 'text', (c) => c.notNull())
        .addColumn('data', 'text', (c) => c.notNull())
        .addColumn('party_id', 'text')
        .addColumn('actor', 'text')
        .addColumn('at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('facts_subject').on('facts').columns(['subject', 'seq']).execute();
      await byteOrderText(db, dialect, ['subscriptions', 'facts']);
    },
  }),
};

/**
 * On PostgreSQL the migration bookkeeping lives in the connection's current schema, named
 * explicitly: otherwise Kysely may find another schema's bookkeeping tables (several
 * deployments, or tests, sharing one database) and skip creating its own.
 */
async function migrationTableSchema(db: Db, dialect: Dialect): Promise<string | undefined> {
  if (dialect !== 'postgres') return undefined;
  const { rows } = await sql<{ schema: string }>`select current_schema() as schema`.execute(db);
  return rows[0].schema;
}

export async function migrate(db: Db, dialect: Dialect, sets: MigrationSet[] = [coreMigrations]): Promise<void> {
  const all: Record<string, Migration> = {};
  for (const set of sets) for (const [name, make] of Object.entries(set)) all[name] = make(dialect);
  // Each module numbers its own migrations, so a core migration may come after a module's.
  const migrator = new Migrator({
    db, provider: { getMigrations: async () => all }, migrationTableSchema: await migrationTableSchema(db, dialect), allowUnorderedMigrations: true,
  });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error || failed) {
    throw new Error(`migration ${failed?.migrationName ?? ''} failed: ${String((error as Error)?.message ?? error)}`);
  }
}

/** True when every known migration has been applied (for `/ready`). */
export async function migrationsApplied(db: Db, dialect: Dialect, sets: MigrationSet[] = [coreMigrations]): Promise<boolean> {
  const names = sets.flatMap((s) => Object.keys(s));
  const migrator = new Migrator({
    db, provider: { getMigrations: async () => Object.fromEntries(names.map((n) => [n, { up: async () => {} }])) },
    migrationTableSchema: await migrationTableSchema(db, dialect),
  });
  const infos = await migrator.getMigrations();
  return infos.every((m) => m.executedAt !== undefined);
}
