// The architecture's rules (docs/ARCHITECTURE.md, Guards) over the project's resolved import graph
// and its modules' SQL, and over a fixture that breaks each rule once, so we know the check can fail.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { checkArchitecture, tablesNamed, type Rule, type Violation } from './architecture/check.js';

const projectRoot = fileURLToPath(new URL('..', import.meta.url));
const fixtureRoot = fileURLToPath(new URL('./fixtures/architecture/', import.meta.url));

interface Allowed extends Violation {
  why: string;
}

// Violations that exist today, each with its reason. An entry that no longer matches fails the
// test too: the list can only shrink.
const ALLOWED: Allowed[] = [
  { rule: 'module-tables', from: 'src/modules/portcall/schema.ts', to: 'parties', why: 'foreign keys of a call\'s carrier and terminal to the core\'s parties' },
  { rule: 'module-tables', from: 'src/modules/tracking/access.ts', to: 'agents', why: 'the access policy asks, inside one SQL condition per event, whether the publisher acted for the document\'s owner when it published (the core\'s agents, by time)' },
  { rule: 'module-tables', from: 'src/modules/tracking/access.ts', to: 'parties', why: 'the same condition asks whether the publisher is an authority (the core\'s parties.authority flag)' },
];

const key = (v: Violation) => `${v.rule}: ${v.from} → ${v.to}`;

describe('architecture', () => {
  const found = checkArchitecture(projectRoot);

  it('the project breaks no rule beyond the allowed, named exceptions', () => {
    const allowed = new Set(ALLOWED.map(key));
    assert.deepEqual(found.map(key).filter((k) => !allowed.has(k)), []);
  });

  it('every allowed exception still exists (fixed ones leave the list)', () => {
    const present = new Set(found.map(key));
    assert.deepEqual(ALLOWED.map(key).filter((k) => !present.has(k)), []);
  });

  it('the fixture breaks each rule once, and the check reports each', () => {
    const expected: Violation[] = [
      { rule: 'core-imports-no-module', from: 'src/core/store.ts', to: 'src/modules/alpha/index.ts' },
      { rule: 'standards-import-nothing', from: 'src/standards/iso.ts', to: 'src/core/time.ts' },
      { rule: 'module-entry-only', from: 'src/sim/run.ts', to: 'src/modules/alpha/internal.ts' },
      { rule: 'no-cycles', from: 'src/core/left.ts', to: 'src/core/left.ts -> src/core/right.ts' },
      { rule: 'web-stays-in-web', from: 'web/src/page.ts', to: 'src/standards/iso.ts' },
      { rule: 'module-tables', from: 'src/modules/beta/store.ts', to: 'alpha_items' },
    ];
    assert.deepEqual(checkArchitecture(fixtureRoot).map(key).sort(), expected.map(key).sort());
    const rules: Rule[] = ['core-imports-no-module', 'standards-import-nothing', 'module-entry-only', 'no-cycles', 'web-stays-in-web', 'module-tables'];
    assert.deepEqual([...new Set(expected.map((v) => v.rule))].sort(), [...rules].sort());
  });

  it('finds a table in the builder\'s table arguments, qualified columns and sql text, not in other strings', () => {
    const tables = new Set(['events', 'outbox', 'grants', 'agents']);
    const source = `
      db.selectFrom('events as e').where('outbox.seq', '>', 1);
      await insertMany(tx, dialect, 'grants', rows);
      await sql\`update agents set x = \${1}\`.execute(db);
      const body = { events: 1, action: 'events.read' };
      if (k !== 'outbox') log(\`could not update agents\`);
    `;
    assert.deepEqual([...tablesNamed(source, tables)].sort(), ['agents', 'events', 'grants', 'outbox']);
    assert.deepEqual([...tablesNamed("const body = { action: 'events.read' }; if (k !== 'outbox') log(`update grants`);", tables)], []);
  });
});
