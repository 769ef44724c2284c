// Administration, sessions, operations endpoints, OpenAPI, the live stream and the CLI.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ADMIN_KEY, cliWorkspace, containerNumber, equipmentEvent, testPlatform, type TestParty, type TestPlatform } from './helpers.js';

const admin = { authorization: `Bearer ${ADMIN_KEY}` };

describe('admin API, sessions, operations', () => {
  let t: TestPlatform & { url?: string };
  let carrier: TestParty;
  before(async () => {
    t = await testPlatform({ listen: true });
    carrier = await t.party('Carrier', ['carrier'], { referencePrefixes: ['BKG', 'TRD'] });
  });
  after(() => t.close());

  it('POST /admin/parties: 401, 403 for a non-admin, 400 naming the field, 201', async () => {
    const url = '/admin/parties';
    assert.equal((await t.inject({ method: 'POST', url, payload: { name: 'X', roles: ['carrier'] } })).statusCode, 401);
    assert.equal((await t.inject({ method: 'POST', url, headers: carrier.auth, payload: { name: 'X', roles: ['carrier'] } })).statusCode, 403);
    const bad = await t.inject({ method: 'POST', url, headers: admin, payload: { name: 'X', roles: ['pirate'] } });
    assert.equal(bad.statusCode, 400);
    assert.match(bad.json().errors[0].pointer, /^\/body\/roles\/0/);
    const unknown = await t.inject({ method: 'POST', url, headers: admin, payload: { name: 'X', roles: ['carrier'], colour: 'red' } });
    assert.equal(unknown.statusCode, 400);
    assert.equal(unknown.json().errors[0].pointer, '/body/colour');
    const missing = await t.inject({ method: 'POST', url, headers: admin, payload: { roles: ['carrier'] } });
    assert.equal(missing.json().errors[0].pointer, '/body/name');
    const ok = await t.inject({ method: 'POST', url, headers: admin, payload: { name: 'Qingdao Port Authority', roles: ['port_authority', 'msa'] } });
    assert.equal(ok.statusCode, 201);
    assert.deepEqual(ok.json().roles, ['port_authority', 'msa']);
    assert.equal(ok.headers['api-version'], '1.0.0');
    const list = await t.inject({ method: 'GET', url, headers: admin });
    assert.ok(list.json().some((p: { id: string }) => p.id === ok.json().id));
  });

  it('users log in with an HttpOnly session cookie and log out', async () => {
    const user = await t.inject({ method: 'POST', url: `/admin/parties/${carrier.id}/users`, headers: admin, payload: { username: 'ops.carrier', password: 'correct horse battery' } });
    assert.equal(user.statusCode, 201);
    assert.equal(user.json().password_hash, undefined);
    const short = await t.inject({ method: 'POST', url: `/admin/parties/${carrier.id}/users`, headers: admin, payload: { username: 'u2', password: 'short' } });
    assert.equal(short.json().errors[0].pointer, '/body/password');
    const dup = await t.inject({ method: 'POST', url: `/admin/parties/${carrier.id}/users`, headers: admin, payload: { username: 'ops.carrier', password: 'another long one' } });
    assert.equal(dup.statusCode, 409);
    const noParty = await t.inject({ method: 'POST', url: '/admin/parties/nope/users', headers: admin, payload: { username: 'u3', password: 'long enough pw' } });
    assert.equal(noParty.statusCode, 404);

    const wrong = await t.inject({ method: 'POST', url: '/v1/session', payload: { username: 'ops.carrier', password: 'wrong password' } });
    assert.equal(wrong.statusCode, 401);
    const login = await t.inject({ method: 'POST', url: '/v1/session', payload: { username: 'ops.carrier', password: 'correct horse battery' } });
    assert.equal(login.statusCode, 200);
    const cookie = String(login.headers['set-cookie']);
    assert.match(cookie, /jz_session=/);
    assert.match(cookie, /HttpOnly/);
    assert.match(cookie, /SameSite=Lax/);
    const session = cookie.split(';')[0];
    const me = await t.inject({ method: 'GET', url: '/v1/session', headers: { cookie: session } });
    assert.equal(me.json().party.id, carrier.id);
    assert.equal((await t.inject({ method: 'DELETE', url: '/v1/session', headers: { cookie: session } })).statusCode, 204);
    assert.equal((await t.inject({ method: 'GET', url: '/v1/session', headers: { cookie: session } })).statusCode, 401);
  });

  it('API keys are shown once, stored hashed, and revocable', async () => {
    const created = await t.inject({ method: 'POST', url: `/admin/parties/${carrier.id}/api-keys`, headers: admin, payload: { label: 'TOS integration' } });
    assert.equal(created.statusCode, 201);
    const { key, id } = created.json();
    assert.match(key, /^jz_/);
    const listed = await t.inject({ method: 'GET', url: `/admin/parties/${carrier.id}/api-keys`, headers: admin });
    assert.ok(!listed.body.includes(key), 'the key is never listed');
    const stored = await t.platform.ctx.db.selectFrom('api_keys').select('key_hash').where('id', '=', id).executeTakeFirstOrThrow();
    assert.notEqual(stored.key_hash, key);
    assert.equal((await t.inject({ method: 'GET', url: '/v2/events', headers: { authorization: `Bearer ${key}` } })).statusCode, 200);
    assert.equal((await t.inject({ method: 'DELETE', url: `/admin/parties/${carrier.id}/api-keys/${id}`, headers: admin })).statusCode, 204);
    assert.equal((await t.inject({ method: 'GET', url: '/v2/events', headers: { authorization: `Bearer ${key}` } })).statusCode, 401);
  });

  it('the audit log is readable by party and time, by admins only', async () => {
    assert.equal((await t.inject({ method: 'GET', url: '/admin/audit', headers: carrier.auth })).statusCode, 403);
    const bad = await t.inject({ method: 'GET', url: '/admin/audit?from=yesterday', headers: admin });
    assert.equal(bad.json().errors[0].pointer, '/query/from');
    const from = new Date(Date.now() - 3600_000).toISOString();
    const res = await t.inject({ method: 'GET', url: `/admin/audit?from=${from}&action=party.create`, headers: admin });
    assert.ok(res.json().length >= 2);
    assert.ok(res.json().every((a: { action: string }) => a.action === 'party.create'));
  });

  it('health, readiness, OpenAPI 3.1 at /docs, problems for unknown routes', async () => {
    assert.deepEqual((await t.inject({ url: '/health' })).json(), { status: 'ok' });
    assert.equal((await t.inject({ url: '/ready' })).json().status, 'ready');
    const spec = (await t.inject({ url: '/docs/json', headers: carrier.auth })).json();
    assert.equal(spec.openapi, '3.1.0');
    for (const path of ['/v2/events', '/v2/event-subscriptions', '/v1/grants', '/admin/parties']) assert.ok(spec.paths[path], path);
    assert.equal((await t.inject({ url: '/docs', headers: carrier.auth })).statusCode < 400, true);
    const missing = await t.inject({ url: '/v1/nothing-here' });
    assert.equal(missing.statusCode, 404);
    assert.match(missing.headers['content-type'] as string, /problem\+json/);
  });

  it('the live stream sends new events the party may see, and only those', async () => {
    const other = await t.party('Other carrier', ['carrier']);
    const box = containerNumber('LIVU', 1);
    const controller = new AbortController();
    const res = await fetch(`${t.url}/v1/stream?equipmentReference=${box}`, { headers: carrier.auth, signal: controller.signal });
    assert.equal(res.headers.get('content-type'), 'text/event-stream');
    const reader = res.body!.getReader();
    let text = '';
    const mine = equipmentEvent({ equipmentReference: box });
    const theirs = equipmentEvent({ equipmentReference: box });
    await t.inject({ method: 'POST', url: '/v2/events', headers: other.auth, payload: theirs });
    await t.inject({ method: 'POST', url: '/v2/events', headers: carrier.auth, payload: mine });
    const until = Date.now() + 10_000;
    while (!text.includes(mine.eventID as string) && Date.now() < until) {
      const { value } = await reader.read();
      text += new TextDecoder().decode(value);
    }
    controller.abort();
    assert.ok(text.includes(mine.eventID as string));
    assert.ok(!text.includes(theirs.eventID as string));
  });
});

describe('jiaozhou CLI', () => {
  let workspace: Awaited<ReturnType<typeof cliWorkspace>>;
  before(async () => { workspace = await cliWorkspace(); });
  after(() => workspace.close());
  const cli = (...args: string[]) => workspace.run(...args);

  it('creates a party, a user and an API key', async () => {
    const party = JSON.parse((await cli('admin', 'create-party', '--name', 'Shandong Port Qingdao', '--role', 'terminal', '--role', 'port_authority')).stdout);
    assert.deepEqual(party.roles, ['terminal', 'port_authority']);
    const user = JSON.parse((await cli('admin', 'create-user', '--party', party.id, '--username', 'planner')).stdout);
    assert.equal(user.username, 'planner');
    assert.ok(user.password.length >= 12, 'a generated password is printed once');
    const key = JSON.parse((await cli('admin', 'create-api-key', '--party', party.id)).stdout);
    assert.match(key.key, /^jz_/);
    await assert.rejects(cli('admin', 'create-party', '--name', 'X', '--role', 'pirate'), /unknown role/);
  });
});
