// The storage layer's own contract, on the database CI selects: what `insertMany` writes is what
// it is given, byte for byte, whatever the values hold.
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { concatPgColumns, createPgSchemaUrl, dropPgSchema, insertMany, insertPgColumns, openDb, pgColumns } from '../src/core/db.js';
import { testPlatform, type TestPlatform } from './helpers.js';

describe('insertMany', () => {
  let t: TestPlatform;
  before(async () => {
    t = await testPlatform();
    await sql`create table insert_probe (n integer not null, a text, b text)`.execute(t.platform.handle.db);
  });
  after(() => t.close());

  const read = async () => (await sql<{ n: number; a: string | null; b: string | null }>`select n, a, b from insert_probe order by n`
    .execute(t.platform.handle.db)).rows.map((r) => ({ ...r, n: Number(r.n) }));
  const clear = () => sql`delete from insert_probe`.execute(t.platform.handle.db);

  it('keeps empty strings, nulls, quotes, backslashes, control characters and non-ASCII text as given', async () => {
    await clear();
    const rows = [
      { n: 1, a: '', b: null },
      { n: 2, a: '{"x":"a \\"quoted\\" \\\\ word"}', b: 'NULL' },
      { n: 3, a: 'unit\x1fseparator', b: '\x1e' },
      { n: 4, a: '青岛港 Qingdao', b: 'tab\tnewline\nend' },
      { n: 5, a: null, b: '' },
    ];
    await insertMany(t.platform.handle.db, t.dialect, 'insert_probe', rows);
    assert.deepEqual(await read(), rows);
  });

  it('keeps a lone empty string, and a column that is null in every row', async () => {
    await clear();
    await insertMany(t.platform.handle.db, t.dialect, 'insert_probe', [{ n: 1, a: '', b: null }]);
    await insertMany(t.platform.handle.db, t.dialect, 'insert_probe', [{ n: 2, a: 'x', b: null }, { n: 3, a: 'y', b: null }]);
    assert.deepEqual(await read(), [{ n: 1, a: '', b: null }, { n: 2, a: 'x', b: null }, { n: 3, a: 'y', b: null }]);
  });

  it('a failed insert fails its whole transaction, which leaves nothing behind, and the database takes the next one', async () => {
    await clear();
    const db = t.platform.handle.db;
    await assert.rejects(db.transaction().execute(async (tx) => {
      await insertMany(tx, t.dialect, 'insert_probe', [{ n: 1, a: 'kept?', b: null }]);
      await insertMany(tx, t.dialect, 'insert_probe', [{ n: 2, a: 'fine', b: null }, { n: null, a: 'breaks a rule', b: null }]);
    }), /null|NOT NULL/i);
    assert.deepEqual(await read(), []);
    await db.transaction().execute((tx) => insertMany(tx, t.dialect, 'insert_probe', [{ n: 3, a: 'next', b: null }]));
    assert.deepEqual(await read(), [{ n: 3, a: 'next', b: null }]);
  });

  it('on PostgreSQL, joins the columns of row sets built apart into one insert of all their rows, in order', { skip: !process.env.DATABASE_URL && 'PostgreSQL only (DATABASE_URL unset)' }, async () => {
    await clear();
    const first = [{ n: 1, a: 'one', b: null }, { n: 2, a: '', b: null }];
    const second = [{ n: 3, a: '青岛', b: null }, { n: 4, a: '"q"', b: null }];
    const joined = concatPgColumns([pgColumns('insert_probe', first), pgColumns('insert_probe', second)]);
    assert.ok(joined);
    await insertPgColumns(t.platform.handle.db, joined);
    assert.deepEqual(await read(), [...first, ...second]);
    // Columns that travel differently (all nulls in one set, text in the other) are not joined.
    assert.equal(concatPgColumns([pgColumns('insert_probe', first), pgColumns('insert_probe', [{ n: 5, a: 'x', b: 'y' }])]), undefined);
  });
});

describe('PostgreSQL connections', { skip: !process.env.DATABASE_URL && 'PostgreSQL only (DATABASE_URL unset)' }, () => {
  it('keep the platform\'s settings when the URL carries options of its own', async () => {
    const url = process.env.DATABASE_URL!;
    const schema = `t_${randomBytes(6).toString('hex')}`;
    const handle = await openDb({ databaseUrl: await createPgSchemaUrl(url, schema) });
    try {
      const show = async (name: string) => (await sql<Record<string, string>>`${sql.raw(`show ${name}`)}`.execute(handle.db)).rows[0][name];
      assert.equal(await show('search_path'), schema);
      assert.equal(await show('jit'), 'off');
    } finally {
      await handle.close();
      await dropPgSchema(url, schema);
    }
  });
});

describe('PostgreSQL schema', { skip: !process.env.DATABASE_URL && 'PostgreSQL only (DATABASE_URL unset)' }, () => {
  it('compares every text column byte by byte, as SQLite does, whatever the database\'s locale', async () => {
    const t = await testPlatform();
    try {
      const { rows } = await sql<{ column: string }>`select table_name || '.' || column_name as column from information_schema.columns
        where table_schema = current_schema() and data_type = 'text' and collation_name is distinct from 'C'`.execute(t.platform.handle.db);
      assert.deepEqual(rows.map((r) => r.column), []);
      const { rows: [{ n }] } = await sql<{ n: number }>`select count(*)::int as n from information_schema.columns
        where table_schema = current_schema() and table_name in ('events', 'pc_port_calls') and collation_name = 'C'`.execute(t.platform.handle.db);
      assert.ok(n > 10, 'the core and module tables are both there');
    } finally {
      await t.close();
    }
  });
});
