// This module's migrations (numbered 02xx). Its first tables were made by the core's migrations
// 0001–0005, written before the module had a set of its own; those keep their names and bodies.
import type { Kysely } from 'kysely';
import { byteOrderText, type MigrationSet } from '../../core/migrations.js';

export const trackingMigrations: MigrationSet = {
  // The spine turned round (the port call module's berth arrivals and departures become transport
  // events here): whom such an event is addressed to, and which shipments are on a voyage.
  '0201_event_audience': (dialect) => ({
    async up(db: Kysely<any>) {
      await db.schema.createTable('event_audience')
        .addColumn('seq', 'bigint', (c) => c.notNull())
        .addColumn('party_id', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('event_audience_pk', ['seq', 'party_id'])
        .execute();
      await db.schema.createTable('voyage_documents')
        .addColumn('vessel_imo_number', 'text', (c) => c.notNull())
        .addColumn('un_location_code', 'text', (c) => c.notNull())
        .addColumn('export_voyage_number', 'text', (c) => c.notNull())
        .addColumn('ref_type', 'text', (c) => c.notNull())
        .addColumn('ref_value', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('voyage_documents_pk', ['vessel_imo_number', 'un_location_code', 'export_voyage_number', 'ref_type', 'ref_value'])
        .execute();
      await byteOrderText(db, dialect, ['event_audience', 'voyage_documents']);
    },
  }),
};
