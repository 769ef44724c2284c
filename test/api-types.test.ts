// The web client's types (web/src/api.gen.ts) are generated from the OpenAPI document: a route
// schema changed without regenerating them fails here.
import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { API_TYPES_FILE, apiTypesSource } from '../scripts/api-types.js';
import { ADMIN_KEY, testPlatform, type TestPlatform } from './helpers.js';

let t: TestPlatform;
before(async () => { t = await testPlatform(); });
after(() => t.close());

it('web/src/api.gen.ts is generated from the current OpenAPI document', async () => {
  const res = await t.inject({ method: 'GET', url: '/docs/json', headers: { authorization: `Bearer ${ADMIN_KEY}` } });
  assert.equal(res.statusCode, 200);
  const fresh = await apiTypesSource(res.json());
  const committed = readFileSync(API_TYPES_FILE, 'utf8');
  assert.ok(fresh === committed, 'web/src/api.gen.ts is stale: run npm run api:types (and commit the file)');
});
