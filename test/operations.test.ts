// Operations: database files only their owner may read, `/ready` on a disk running full, writes
// that find no room (503, not 500), and the public status page with its notices.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify from 'fastify';
import { sql } from 'kysely';
import { openDb } from '../src/core/db.js';
import { replaceStatfs } from '../src/core/disk.js';
import { registerProblemHandlers } from '../src/core/errors.js';
import { migrate } from '../src/core/migrations.js';
import type { ComponentHealth } from '../src/core/status.js';
import { ADMIN_KEY, containerNumber, equipmentEvent, testPlatform, type Payload, type TestParty, type TestPlatform } from './helpers.js';
import { trackingDb } from '../src/modules/tracking/index.js';

const onPostgres = Boolean(process.env.DATABASE_URL);
const admin = { authorization: `Bearer ${ADMIN_KEY}` };
const mode = (file: string) => statSync(file).mode & 0o777;
/** A file system that reports `freeMb` left. */
const fakeDisk = (freeMb: number) => async () => ({ bavail: freeMb * 256, blocks: 1_000_000, bsize: 4096 });

describe('file permissions of the embedded database', { skip: onPostgres && 'the embedded database only: PostgreSQL keeps its own files' }, () => {
  const root = mkdtempSync(join(tmpdir(), 'jiaozhou-perm-'));
  after(() => rmSync(root, { recursive: true, force: true }));

  it('creates the data directory 0700 and the database, its -wal and -shm 0600 (whatever the umask)', async () => {
    const dataDir = join(root, 'data');
    const umask = process.umask(0o022);
    try {
      const handle = await openDb({ dataDir, flushedCommits: true });
      await migrate(handle.db, handle.dialect);
      const file = join(dataDir, 'jiaozhou.sqlite');
      assert.equal(mode(dataDir), 0o700);
      assert.equal(mode(file), 0o600);
      assert.equal(mode(`${file}-wal`), 0o600);
      assert.equal(mode(`${file}-shm`), 0o600);
      await handle.close();
    } finally {
      process.umask(umask);
    }
  });

  it('narrows a database and data directory left readable by others', async () => {
    const dataDir = join(root, 'old');
    const first = await openDb({ dataDir });
    await first.close();
    const file = join(dataDir, 'jiaozhou.sqlite');
    chmodSync(dataDir, 0o755);
    chmodSync(file, 0o644);
    const again = await openDb({ dataDir });
    await again.close();
    assert.equal(mode(dataDir), 0o700);
    assert.equal(mode(file), 0o600);
  });
});

describe('/ready and the disk', () => {
  let t: TestPlatform;
  before(async () => { t = await testPlatform(); });
  after(() => t.close());

  it('answers 503 with a problem saying why when the data directory is short of space', { skip: onPostgres && 'the embedded database only: the data directory holds no database with PostgreSQL' }, async () => {
    const restore = replaceStatfs(fakeDisk(100));
    try {
      const res = await t.inject({ method: 'GET', url: '/ready' });
      assert.equal(res.statusCode, 503);
      assert.match(res.headers['content-type'] as string, /application\/problem\+json/);
      const problem = res.json();
      assert.equal(problem.type, 'urn:jiaozhou:problem:unavailable');
      assert.match(problem.detail, /low disk space: 100 MB free .* minimum of 256 MB/);
    } finally {
      restore();
    }
    const undo = replaceStatfs(fakeDisk(300));
    try {
      assert.equal((await t.inject({ method: 'GET', url: '/ready' })).statusCode, 200);
    } finally {
      undo();
    }
  });

  it('a write that finds the embedded database full answers 503, and nothing of it is stored', { skip: onPostgres && 'a full SQLite database is made with max_page_count; PostgreSQL disk-full (53100) is checked on the error handler below' }, async () => {
    const carrier = await t.party('COSCO Shipping Lines', ['carrier']);
    const db = t.platform.ctx.db;
    const { rows: [{ page_count: pages }] } = await sql<{ page_count: number }>`pragma page_count`.execute(db);
    await sql.raw(`pragma max_page_count = ${pages}`).execute(db);
    const events = Array.from({ length: 200 }, (_, i) => equipmentEvent({ equipmentReference: containerNumber('CSQU', 900_000 + i) }));
    try {
      const res = await t.inject({ method: 'POST', url: '/v2/events', headers: carrier.auth, payload: events });
      assert.equal(res.statusCode, 503, res.body);
      assert.equal(res.json().type, 'urn:jiaozhou:problem:unavailable');
      assert.match(res.json().detail, /no disk space/);
    } finally {
      await sql.raw('pragma max_page_count = 4294967294').execute(db);
    }
    const stored = await trackingDb(db).selectFrom('events').select((eb) => eb.fn.countAll<number>().as('n')).where('event_id', 'in', events.map((e) => e.eventID as string)).executeTakeFirst();
    assert.equal(Number(stored!.n), 0);
    const retry = await t.inject({ method: 'POST', url: '/v2/events', headers: carrier.auth, payload: events });
    assert.equal(retry.statusCode, 200, 'the same request succeeds once there is room');
  });

  it('maps SQLITE_FULL, PostgreSQL disk_full (53100) and ENOSPC to 503 unavailable, never 500', async () => {
    const app = Fastify();
    registerProblemHandlers(app);
    for (const code of ['SQLITE_FULL', '53100', 'ENOSPC']) {
      app.get(`/fail/${code}`, async () => { throw Object.assign(new Error('could not extend file: No space left on device'), { code }); });
    }
    app.get('/fail/other', async () => { throw Object.assign(new Error('boom'), { code: '42P01' }); });
    for (const code of ['SQLITE_FULL', '53100', 'ENOSPC']) {
      const res = await app.inject({ method: 'GET', url: `/fail/${code}` });
      assert.equal(res.statusCode, 503, code);
      assert.equal(res.json().type, 'urn:jiaozhou:problem:unavailable');
    }
    assert.equal((await app.inject({ method: 'GET', url: '/fail/other' })).statusCode, 500);
    await app.close();
  });
});

describe('the public status page', () => {
  let t: TestPlatform;
  let carrier: TestParty;
  before(async () => {
    t = await testPlatform();
    carrier = await t.party('COSCO Shipping Lines', ['carrier']);
  });
  after(() => t.close());

  const status = async () => {
    const res = await t.inject({ method: 'GET', url: '/v1/status' });
    assert.equal(res.statusCode, 200, res.body);
    return res.json();
  };
  const component = (page: { components: ComponentHealth[] }, name: string) => page.components.find((c) => c.component === name) as ComponentHealth;

  it('answers without credentials: every component operational, with its figures', async () => {
    await t.inject({ method: 'POST', url: '/v2/events', headers: carrier.auth, payload: [equipmentEvent({ equipmentReference: containerNumber('MSCU', 1) })] });
    const page = await status();
    assert.deepEqual(page.components.map((c: { component: string }) => c.component), ['api', 'ingest', 'webhookDelivery', 'liveStream', 'database']);
    // The API's state follows the event loop's delay, which a loaded test machine may stretch.
    const api = component(page, 'api');
    assert.equal(api.state, (api.figures.eventLoopDelayP99Ms as number) > 500 ? 'degraded' : 'operational');
    for (const c of page.components.filter((c: { component: string }) => c.component !== 'api')) assert.equal(c.state, 'operational', JSON.stringify(c));
    assert.equal(typeof component(page, 'database').figures.pingMs, 'number');
    assert.equal(component(page, 'database').figures.dialect, t.dialect);
    if (t.dialect === 'sqlite') assert.equal(typeof component(page, 'database').figures.freeDiskMb, 'number');
    assert.equal(typeof component(page, 'ingest').figures.lastEventAt, 'string');
    assert.equal(component(page, 'webhookDelivery').figures.lagSeconds, 0);
    assert.deepEqual(component(page, 'liveStream').figures, { following: false, listeners: 0 });
    assert.deepEqual(page.notices, { active: [], upcoming: [], history: [] });
  });

  it('webhook delivery: late, then stalled, by the age of the oldest due notification at a subscription head', async () => {
    const db = t.platform.ctx.db;
    const ago = (s: number) => new Date(Date.now() - s * 1000).toISOString();
    const later = new Date(Date.now() + 3600_000).toISOString();
    // A receiver that fails: its head waits for a retry, the rows behind it are not the platform's lag.
    await db.insertInto('outbox').values([
      { subscription_id: 'sub-failing', seq: 1, status: 'pending', attempts: 3, next_attempt_at: later, last_error: 'callback answered 500', delivered_at: null },
      { subscription_id: 'sub-failing', seq: 2, status: 'pending', attempts: 0, next_attempt_at: ago(3600), last_error: null, delivered_at: null },
      { subscription_id: 'sub-dead', seq: 1, status: 'dead', attempts: 10, next_attempt_at: ago(7200), last_error: 'callback unreachable', delivered_at: null },
    ]).execute();
    let delivery = component(await status(), 'webhookDelivery');
    assert.equal(delivery.state, 'operational');
    assert.equal(delivery.figures.pending, 2);
    assert.equal(delivery.figures.deadLetters, 1);

    await db.insertInto('outbox').values({ subscription_id: 'sub-late', seq: 1, status: 'pending', attempts: 0, next_attempt_at: ago(120), last_error: null, delivered_at: null }).execute();
    delivery = component(await status(), 'webhookDelivery');
    assert.equal(delivery.state, 'degraded');
    assert.deepEqual(delivery.reasons, ['deliveryLate']);
    assert.ok((delivery.figures.lagSeconds as number) >= 120);

    await db.updateTable('outbox').set({ next_attempt_at: ago(1200) }).where('subscription_id', '=', 'sub-late').execute();
    const page = await status();
    assert.equal(component(page, 'webhookDelivery').state, 'outage');
    assert.equal(page.overall, 'outage');
    await db.deleteFrom('outbox').execute();
  });

  it('the database and ingest are degraded when the data directory is short of space', { skip: onPostgres && 'free disk is measured for the embedded database only' }, async () => {
    const restore = replaceStatfs(fakeDisk(10));
    try {
      const page = await status();
      assert.equal(component(page, 'database').state, 'degraded');
      assert.deepEqual(component(page, 'database').reasons, ['lowDisk']);
      assert.equal(component(page, 'database').figures.freeDiskMb, 10);
      assert.equal(component(page, 'ingest').state, 'degraded');
    } finally {
      restore();
    }
  });

  const incident = {
    kind: 'incident', severity: 'major',
    title: { zh: '船舶到港事件延迟', en: 'Vessel arrival events delayed' },
    body: { zh: '部分承运人的事件延迟到达。', en: 'Events of some carriers arrive late.' },
    components: ['ingest'],
  };

  it('an admin posts an incident (Idempotency-Key), updates it and resolves it; the page shows it, then its history', async () => {
    const post = (payload: Payload, key?: string) => t.inject({ method: 'POST', url: '/admin/status/notices', headers: { ...admin, ...(key ? { 'idempotency-key': key } : {}) }, payload });
    const created = await post(incident, 'incident-1');
    assert.equal(created.statusCode, 201, created.body);
    const notice = created.json();
    assert.equal(notice.status, 'investigating');
    assert.equal(notice.resolvedAt, null);
    assert.equal(notice.updates.length, 1);
    const again = await post(incident, 'incident-1');
    assert.equal(again.json().id, notice.id, 'a retry with the same key returns the first answer');

    let page = await status();
    assert.deepEqual(page.notices.active.map((n: { id: string }) => n.id), [notice.id]);
    assert.equal(page.notices.active[0].title.zh, '船舶到港事件延迟');

    const update = (payload: Payload) => t.inject({ method: 'POST', url: `/admin/status/notices/${notice.id}/updates`, headers: admin, payload });
    assert.equal((await update({ status: 'identified', message: { zh: '已查明原因。', en: 'Cause identified.' } })).statusCode, 201);
    const patched = await t.inject({ method: 'PATCH', url: `/admin/status/notices/${notice.id}`, headers: admin, payload: { severity: 'minor' } });
    assert.equal(patched.statusCode, 200, patched.body);
    assert.equal(patched.json().severity, 'minor');
    const resolved = await update({ status: 'resolved', message: { zh: '已恢复。', en: 'Recovered.' } });
    assert.equal(resolved.statusCode, 201);
    assert.equal(resolved.json().status, 'resolved');
    assert.ok(resolved.json().resolvedAt);
    assert.deepEqual(resolved.json().updates.map((u: { status: string }) => u.status), ['resolved', 'identified', 'investigating']);

    page = await status();
    assert.deepEqual(page.notices.active, []);
    assert.deepEqual(page.notices.history.map((n: { id: string }) => n.id), [notice.id]);

    const late = await update({ status: 'monitoring', message: { zh: '观察中', en: 'Monitoring' } });
    assert.equal(late.statusCode, 409, 'a resolved incident takes no more updates');

    const audit = await t.inject({ method: 'GET', url: '/admin/audit?action=status.notice.update', headers: admin });
    assert.equal(audit.json().length, 2);
    assert.equal((await t.inject({ method: 'GET', url: '/admin/audit?action=status.notice.create', headers: admin })).json().length, 1);
  });

  it('maintenance announced for later is upcoming', async () => {
    const startsAt = new Date(Date.now() + 86_400_000).toISOString();
    const endsAt = new Date(Date.now() + 90_000_000).toISOString();
    const res = await t.inject({
      method: 'POST', url: '/admin/status/notices', headers: admin,
      payload: { kind: 'maintenance', severity: 'minor', title: { zh: '数据库维护', en: 'Database maintenance' }, body: { zh: '计划维护。', en: 'Planned maintenance.' }, startsAt, endsAt },
    });
    assert.equal(res.statusCode, 201, res.body);
    assert.equal(res.json().status, 'scheduled');
    const page = await status();
    assert.deepEqual(page.notices.upcoming.map((n: { id: string }) => n.id), [res.json().id]);
  });

  it('refuses bad notices with problems naming the field and the rule, and writes nothing', async () => {
    const count = async () => Number((await t.platform.ctx.db.selectFrom('status_notices').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst())!.n);
    const before = await count();
    const soon = new Date(Date.now() + 3600_000).toISOString();
    const cases: [unknown, string, string][] = [
      [{ ...incident, title: { zh: '标题' } }, '/body/title/en', 'required'],
      [{ ...incident, title: { zh: '标题', en: '   ' } }, '/body/title/en', 'pattern'],
      [{ ...incident, body: { zh: '说明', en: 'nul \u0000 here' } }, '/body/body/en', 'noNul'],
      [{ ...incident, kind: 'outage' }, '/body/kind', 'enum'],
      [{ ...incident, components: ['api', 'api'] }, '/body/components', 'uniqueItems'],
      [{ ...incident, colour: 'red' }, '/body/colour', 'additionalProperties'],
      [{ ...incident, status: 'completed' }, '/body/status', 'notice.status'],
      [{ ...incident, startsAt: 'yesterday' }, '/body/startsAt', 'datetime.format'],
      [{ ...incident, startsAt: soon, endsAt: new Date(Date.now() - 3600_000).toISOString() }, '/body/endsAt', 'notice.endsAfterStart'],
      [{ ...incident, kind: 'maintenance', startsAt: soon }, '/body/endsAt', 'required'],
      [{ ...incident, title: { zh: 'x'.repeat(201), en: 'x' } }, '/body/title/zh', 'maxLength'],
    ];
    for (const [payload, pointer, rule] of cases) {
      const res = await t.inject({ method: 'POST', url: '/admin/status/notices', headers: admin, payload: payload as object });
      assert.equal(res.statusCode, 400, `${pointer}: ${res.body}`);
      const errors = res.json().errors as { pointer: string; rule: string }[];
      assert.ok(errors.some((e) => e.pointer === pointer && e.rule === rule), `expected ${pointer} ${rule}, got ${JSON.stringify(errors)}`);
    }
    assert.equal(await count(), before);

    const created = (await t.inject({ method: 'POST', url: '/admin/status/notices', headers: admin, payload: incident })).json();
    const badUpdate = await t.inject({ method: 'POST', url: `/admin/status/notices/${created.id}/updates`, headers: admin, payload: { status: 'in_progress', message: { zh: '进行中', en: 'In progress' } } });
    assert.equal(badUpdate.statusCode, 400);
    assert.equal(badUpdate.json().errors[0].pointer, '/body/status');
    const empty = await t.inject({ method: 'PATCH', url: `/admin/status/notices/${created.id}`, headers: admin, payload: {} });
    assert.equal(empty.statusCode, 400);
    const missing = await t.inject({ method: 'POST', url: '/admin/status/notices/nope/updates', headers: admin, payload: { status: 'resolved', message: { zh: '好', en: 'ok' } } });
    assert.equal(missing.statusCode, 404);
  });

  it('only an admin posts notices', async () => {
    assert.equal((await t.inject({ method: 'POST', url: '/admin/status/notices', payload: incident })).statusCode, 401);
    assert.equal((await t.inject({ method: 'POST', url: '/admin/status/notices', headers: carrier.auth, payload: incident })).statusCode, 403);
  });
});
