// The HTTP edge (issue 17): browser security headers, request rates, login throttling and hash
// slots, the password policy (API and CLI), operators' metrics, the API documentation behind a
// login, request ids and logs without secrets, Secure cookies behind a TLS proxy, and the demo's
// own password per user. On SQLite, and on PostgreSQL when DATABASE_URL is set.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { loadConfig, type Config } from '../src/core/config.js';
import { dropPgSchema } from '../src/core/db.js';
import { startDemo } from '../src/sim/demo.js';
import { startPlatform, type Platform } from '../src/platform.js';
import { ADMIN_KEY, cliWorkspace, testPlatform, type TestParty } from './helpers.js';

const admin = { authorization: `Bearer ${ADMIN_KEY}` };
const STRONG = 'quay-crane-gantry-42';

interface Edge {
  platform: Platform;
  inject: Platform['app']['inject'];
  dir: string;
  party(name: string, roles: string[]): Promise<TestParty>;
  user(partyId: string, username: string, password?: string): Promise<void>;
  close(): Promise<void>;
}

/** A platform with some settings of its own (and, when given, its JSON log written to `log`). */
async function edge(settings: Partial<Config> & { limits?: Partial<Config['limits']> } = {}, log?: string[]): Promise<Edge> {
  const url = process.env.DATABASE_URL;
  const schema = url ? `t_${randomBytes(6).toString('hex')}` : undefined;
  const dir = mkdtempSync(join(tmpdir(), 'jiaozhou-edge-'));
  const base = loadConfig({ DATA_DIR: dir, JIAOZHOU_DEMO: '0' });
  const config: Config = { ...base, ...settings, limits: { ...base.limits, ...settings.limits }, databaseUrl: url, bootstrapAdminKey: ADMIN_KEY };
  const stream = new Writable({ write(chunk, _enc, done) { log?.push(...String(chunk).split('\n').filter(Boolean)); done(); } });
  const platform = await startPlatform(config, {
    db: url ? { databaseUrl: url, pgSchema: schema, poolSize: 4 } : { sqliteFile: join(dir, 'test.sqlite') },
    delivery: false,
    logger: log ? { level: 'info', stream } : false,
  });
  const inject = platform.app.inject.bind(platform.app) as Platform['app']['inject'];
  return {
    platform, inject, dir,
    async party(name, roles) {
      const p = await inject({ method: 'POST', url: '/admin/parties', headers: admin, payload: { name, roles } });
      assert.equal(p.statusCode, 201, p.body);
      const k = await inject({ method: 'POST', url: `/admin/parties/${p.json().id}/api-keys`, headers: admin, payload: {} });
      return { id: p.json().id, key: k.json().key, auth: { authorization: `Bearer ${k.json().key}` } };
    },
    async user(partyId, username, password = STRONG) {
      const res = await inject({ method: 'POST', url: `/admin/parties/${partyId}/users`, headers: admin, payload: { username, password } });
      assert.equal(res.statusCode, 201, res.body);
    },
    async close() {
      await platform.close();
      if (url && schema) await dropPgSchema(url, schema);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const login = (e: Edge, username: string, password: string, extra: { remoteAddress?: string; headers?: Record<string, string> } = {}) =>
  e.inject({ method: 'POST', url: '/v1/session', payload: { username, password }, remoteAddress: extra.remoteAddress, headers: extra.headers });

const isProblem = (res: { headers: Record<string, unknown> }) => /application\/problem\+json/.test(String(res.headers['content-type']));

describe('browser security headers', () => {
  let e: Edge;
  before(async () => {
    const webDir = mkdtempSync(join(tmpdir(), 'jiaozhou-web-'));
    writeFileSync(join(webDir, 'index.html'), '<!doctype html><title>web app</title>');
    e = await edge({ webDir });
  });
  after(() => e.close());

  it('the web app, the API, its errors and the documentation carry a strict CSP, nosniff and a referrer policy', async () => {
    const carrier = await e.party('Carrier', ['carrier']);
    const answers = {
      'web app': await e.inject({ url: '/port-calls' }),
      'API': await e.inject({ url: '/v1/grants', headers: carrier.auth }),
      'API problem': await e.inject({ url: '/v1/session' }),
      'documentation': await e.inject({ url: '/docs/json', headers: carrier.auth }),
    };
    assert.match(answers['web app'].body, /web app/);
    for (const [what, res] of Object.entries(answers)) {
      const csp = String(res.headers['content-security-policy'] ?? '');
      assert.match(csp, /frame-ancestors 'none'/, `${what}: ${csp}`);
      assert.match(csp, /script-src 'self'(;|$)/, `${what}: scripts only from the platform's files`);
      assert.match(csp, /object-src 'none'/, what);
      assert.doesNotMatch(csp, /script-src[^;]*unsafe-inline/, what);
      assert.equal(res.headers['x-content-type-options'], 'nosniff', what);
      assert.equal(res.headers['referrer-policy'], 'no-referrer', what);
      assert.equal(res.headers['x-frame-options'], 'DENY', what);
    }
  });
});

describe('request rates per API key and per address', () => {
  let e: Edge;
  before(async () => { e = await edge({ limits: { requestsPerMinutePerKey: 5, requestsPerMinutePerAddress: 3 } } as Partial<Config>); });
  after(() => e.close());

  it('answers 429 problem+json with Retry-After past the limit, counting each key and each address apart', async () => {
    const a = await e.party('Carrier A', ['carrier']);
    const b = await e.party('Carrier B', ['carrier']);
    for (let i = 0; i < 5; i++) assert.equal((await e.inject({ url: '/v1/grants', headers: a.auth })).statusCode, 200);
    const over = await e.inject({ url: '/v1/grants', headers: a.auth });
    assert.equal(over.statusCode, 429, over.body);
    assert.ok(isProblem(over));
    assert.equal(over.json().type, 'urn:jiaozhou:problem:rate-limited');
    assert.ok(Number(over.headers['retry-after']) >= 1, `Retry-After: ${over.headers['retry-after']}`);
    assert.equal((await e.inject({ url: '/v1/grants', headers: b.auth })).statusCode, 200, 'another key has its own budget');

    // Without a key, the address counts.
    for (let i = 0; i < 3; i++) assert.equal((await e.inject({ url: '/v1/session', remoteAddress: '203.0.113.7' })).statusCode, 401);
    const anon = await e.inject({ url: '/v1/session', remoteAddress: '203.0.113.7' });
    assert.equal(anon.statusCode, 429);
    assert.ok(isProblem(anon) && Number(anon.headers['retry-after']) >= 1);
    assert.equal((await e.inject({ url: '/v1/session', remoteAddress: '203.0.113.8' })).statusCode, 401, 'another address has its own budget');
    // Probes are never limited.
    for (let i = 0; i < 5; i++) assert.equal((await e.inject({ url: '/health', remoteAddress: '203.0.113.7' })).statusCode, 200);
  });
});

describe('logins', () => {
  let e: Edge;
  let partyId: string;
  before(async () => {
    e = await edge({ limits: { loginFailuresPerAddress: 12 } } as Partial<Config>);
    partyId = (await e.party('Terminal', ['terminal'])).id;
    await e.user(partyId, 'planner');
    await e.user(partyId, 'gate.clerk');
  });
  after(() => e.close());

  it('a username that failed 5 times is refused with 429 and Retry-After, even with the right password; others are not', async () => {
    for (let i = 0; i < 5; i++) assert.equal((await login(e, 'planner', `wrong-guess-${i}`, { remoteAddress: `198.51.100.${i}` })).statusCode, 401);
    const locked = await login(e, 'planner', STRONG, { remoteAddress: '198.51.100.99' });
    assert.equal(locked.statusCode, 429, locked.body);
    assert.ok(isProblem(locked));
    assert.equal(locked.json().type, 'urn:jiaozhou:problem:rate-limited');
    assert.ok(Number(locked.headers['retry-after']) > 60, `Retry-After ${locked.headers['retry-after']}: until the window of failures passes`);
    assert.equal((await login(e, 'PLANNER', STRONG, { remoteAddress: '198.51.100.99' })).statusCode, 429, 'case does not make another username');
    assert.equal((await login(e, 'gate.clerk', STRONG, { remoteAddress: '198.51.100.0' })).statusCode, 200, 'another user logs in');
  });

  it('an address that failed too often (on any usernames) is refused', async () => {
    for (let i = 0; i < 12; i++) assert.equal((await login(e, `nobody-${i}`, 'whatever-it-is', { remoteAddress: '192.0.2.50' })).statusCode, 401);
    const refused = await login(e, 'gate.clerk', STRONG, { remoteAddress: '192.0.2.50' });
    assert.equal(refused.statusCode, 429);
    assert.ok(Number(refused.headers['retry-after']) >= 1);
    assert.equal((await login(e, 'gate.clerk', STRONG, { remoteAddress: '192.0.2.51' })).statusCode, 200);
  });

  it('a right password clears the username\'s failures', async () => {
    await e.user(partyId, 'berth.planner');
    for (let i = 0; i < 4; i++) assert.equal((await login(e, 'berth.planner', 'not-it-at-all', { remoteAddress: '192.0.2.60' })).statusCode, 401);
    assert.equal((await login(e, 'berth.planner', STRONG, { remoteAddress: '192.0.2.60' })).statusCode, 200);
    for (let i = 0; i < 4; i++) assert.equal((await login(e, 'berth.planner', 'not-it-at-all', { remoteAddress: '192.0.2.61' })).statusCode, 401);
    assert.equal((await login(e, 'berth.planner', STRONG, { remoteAddress: '192.0.2.61' })).statusCode, 200);
  });
});

describe('password hashes at once', () => {
  let e: Edge;
  before(async () => { e = await edge({ limits: { concurrentPasswordHashes: 1 } } as Partial<Config>); });
  after(() => e.close());

  it('logins beyond the hash slots are answered 503 with Retry-After at once, never queued or failed with 500', async () => {
    const partyId = (await e.party('Forwarder', ['forwarder'])).id;
    await e.user(partyId, 'ops.forwarder');
    const answers = await Promise.all(Array.from({ length: 12 }, (_, i) => login(e, `stranger-${i}`, 'some-password-here', { remoteAddress: `10.9.0.${i}` })));
    const statuses = answers.map((r) => r.statusCode);
    assert.ok(statuses.every((s) => s === 401 || s === 503), statuses.join());
    const busy = answers.filter((r) => r.statusCode === 503);
    assert.ok(busy.length > 0, `some logins find no free slot: ${statuses.join()}`);
    for (const r of busy) {
      assert.ok(isProblem(r));
      assert.equal(r.json().type, 'urn:jiaozhou:problem:unavailable');
      assert.equal(r.headers['retry-after'], '1');
    }
    // The slots are given back.
    assert.equal((await login(e, 'ops.forwarder', STRONG)).statusCode, 200);
  });
});

describe('password policy', () => {
  let e: Edge;
  before(async () => { e = await edge(); });
  after(() => e.close());

  it('refuses short, common and repetitive passwords at user creation, with rule password.weak', async () => {
    const partyId = (await e.party('Customs', ['customs'])).id;
    for (const password of ['password', 'short-pw', 'password1234', 'Password2024!', '123456789012', '1qaz2wsx3edc', 'Administrator', 'aaaaaaaaaaaaaa', 'abcabcabcabcabc']) {
      const res = await e.inject({ method: 'POST', url: `/admin/parties/${partyId}/users`, headers: admin, payload: { username: 'inspector', password } });
      assert.equal(res.statusCode, 400, `${password}: ${res.body}`);
      assert.deepEqual(res.json().errors.map((x: { pointer: string; rule: string }) => [x.pointer, x.rule]), [['/body/password', 'password.weak']], password);
    }
    assert.equal((await e.inject({ url: '/admin/audit?action=user.create', headers: admin })).json().length, 0, 'no user was half-made');
    const ok = await e.inject({ method: 'POST', url: `/admin/parties/${partyId}/users`, headers: admin, payload: { username: 'inspector', password: STRONG } });
    assert.equal(ok.statusCode, 201, ok.body);
  });

  it('the CLI refuses them too, and creates no user', async () => {
    const workspace = await cliWorkspace();
    const cli = workspace.run;
    try {
      const party = JSON.parse((await cli('admin', 'create-party', '--name', 'Qingdao Customs', '--role', 'customs')).stdout);
      await assert.rejects(cli('admin', 'create-user', '--party', party.id, '--username', 'officer', '--password', 'password1234'), /password\.weak/);
      const user = JSON.parse((await cli('admin', 'create-user', '--party', party.id, '--username', 'officer', '--password', STRONG)).stdout);
      assert.equal(user.username, 'officer', 'the name was still free: the refused call made nothing');
    } finally {
      await workspace.close();
    }
  });
});

describe('documentation and metrics for whom they are meant', () => {
  let e: Edge;
  const TOKEN = 'metrics-scraper-token-0123456789';
  before(async () => { e = await edge({ metricsToken: TOKEN }); });
  after(() => e.close());

  it('/docs and /docs/json need a login or an API key', async () => {
    const carrier = await e.party('Carrier', ['carrier']);
    await e.user(carrier.id, 'ops.carrier');
    for (const url of ['/docs', '/docs/json']) {
      const anon = await e.inject({ url });
      assert.equal(anon.statusCode, 401, url);
      assert.ok(isProblem(anon));
      assert.ok((await e.inject({ url, headers: carrier.auth })).statusCode < 400, url);
    }
    const session = await login(e, 'ops.carrier', STRONG);
    const cookie = String(session.headers['set-cookie']).split(';')[0];
    assert.equal((await e.inject({ url: '/docs/json', headers: { cookie } })).json().openapi, '3.1.0', 'the browser with its session sees the documentation');
  });

  it('/metrics answers an admin or the metrics token only, in the Prometheus format with the counters kept', async () => {
    const carrier = await e.party('Carrier 2', ['carrier']);
    assert.equal((await e.inject({ url: '/metrics' })).statusCode, 401);
    assert.equal((await e.inject({ url: '/metrics', headers: carrier.auth })).statusCode, 403);
    assert.equal((await e.inject({ url: '/metrics', headers: { authorization: 'Bearer not-the-token' } })).statusCode, 401);
    await e.inject({ url: '/v1/grants', headers: carrier.auth });
    for (const headers of [admin, { authorization: `Bearer ${TOKEN}` }]) {
      const res = await e.inject({ url: '/metrics', headers });
      assert.equal(res.statusCode, 200, res.body);
      assert.match(String(res.headers['content-type']), /^text\/plain; version=0\.0\.4/);
      for (const line of [
        /^jiaozhou_db_busy_seconds_total \S+$/m, /^jiaozhou_event_requests_total \S+$/m, /^jiaozhou_event_commits_total \S+$/m, /^jiaozhou_events_stored_total \S+$/m,
        /^jiaozhou_http_request_duration_seconds_count\{method="GET",route="\/v1\/grants",status="200"\} 1$/m,
        /^jiaozhou_delivery_outbox\{status="dead"\} 0$/m, /^jiaozhou_delivery_outbox\{status="pending"\} 0$/m,
        /^jiaozhou_stream_listeners 0$/m, /^nodejs_eventloop_lag_seconds \S+$/m,
      ]) assert.match(res.body, line);
    }
  });
});

describe('request ids and logs', () => {
  let e: Edge;
  const log: string[] = [];
  before(async () => { e = await edge({}, log); });
  after(() => e.close());

  it('echoes a caller\'s X-Request-Id (or makes one), logs JSON lines carrying it, and never a credential', async () => {
    const carrier = await e.party('Carrier', ['carrier']);
    await e.user(carrier.id, 'ops.carrier');
    const given = await e.inject({ url: '/v1/grants', headers: { ...carrier.auth, 'x-request-id': 'edge-proxy-4711' } });
    assert.equal(given.headers['x-request-id'], 'edge-proxy-4711');
    const made = await e.inject({ url: '/v1/grants', headers: carrier.auth });
    assert.match(String(made.headers['x-request-id']), /^[0-9a-f-]{36}$/);
    const unsafe = await e.inject({ url: '/v1/grants', headers: { ...carrier.auth, 'x-request-id': 'a b\u0007<script>' } });
    assert.match(String(unsafe.headers['x-request-id']), /^[0-9a-f-]{36}$/, 'a request id that is not a plain token is replaced');
    const session = await login(e, 'ops.carrier', STRONG, { headers: { 'x-request-id': 'login-1' } });
    const token = String(session.headers['set-cookie']).split(';')[0].split('=')[1];

    const lines = log.map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.ok(lines.some((l) => l.requestId === 'edge-proxy-4711'), 'the request\'s log lines carry its id');
    const all = log.join('\n');
    for (const secret of [carrier.key, ADMIN_KEY, STRONG, token]) assert.ok(!all.includes(secret), `a credential in the log: ${secret.slice(0, 6)}…`);
  });
});

describe('behind a TLS proxy', () => {
  it('the session cookie is Secure when a trusted proxy says https, or when forced; an untrusted X-Forwarded-Proto changes nothing', async () => {
    const cases: [Partial<Config>, Record<string, string>, boolean][] = [
      [{}, {}, false],
      [{}, { 'x-forwarded-proto': 'https' }, false],
      [{ trustProxy: 1 }, { 'x-forwarded-proto': 'https' }, true],
      [{ trustProxy: 1 }, {}, false],
      [{ cookieSecure: true }, {}, true],
    ];
    for (const [settings, headers, secure] of cases) {
      const e = await edge(settings);
      try {
        await e.user((await e.party('Haulier', ['haulier'])).id, 'driver');
        const res = await login(e, 'driver', STRONG, { headers });
        assert.equal(res.statusCode, 200);
        const cookie = String(res.headers['set-cookie']);
        assert.equal(/;\s*Secure/i.test(cookie), secure, `${JSON.stringify(settings)} ${JSON.stringify(headers)}: ${cookie}`);
        assert.match(cookie, /HttpOnly/);
      } finally {
        await e.close();
      }
    }
  });
});

describe('the demo port', () => {
  it('gives every demo user a password of its own, kept in demo.json', async () => {
    const t = await testPlatform({ listen: true });
    const dir = mkdtempSync(join(tmpdir(), 'jiaozhou-demo-'));
    const originalLog = console.log;
    try {
      console.log = () => {};
      const demo = await startDemo({ ...t.platform.ctx.config, dataDir: dir }, t.platform.ctx.db, t.url!, { year: 2026, sample: 0.001, speed: 1, backfillDays: 0, headroomDays: 0, seed: 7 });
      await demo.stop();
      console.log = originalLog;
      const state = JSON.parse(readFileSync(join(dir, 'demo.json'), 'utf8')) as { passwords: Record<string, string> };
      const passwords = Object.values(state.passwords);
      assert.ok(passwords.length >= 10);
      assert.equal(new Set(passwords).size, passwords.length, 'no two demo users share a password');
      const customs = Object.keys(state.passwords).find((u) => /customs/i.test(u))!;
      const carrier = Object.keys(state.passwords).find((u) => u !== customs)!;
      const as = (username: string, password: string) => t.inject({ method: 'POST', url: '/v1/session', payload: { username, password } });
      assert.equal((await as(customs, state.passwords[customs])).statusCode, 200);
      assert.equal((await as(customs, state.passwords[carrier])).statusCode, 401, 'another demo user\'s password does not open customs');
    } finally {
      console.log = originalLog;
      await t.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
