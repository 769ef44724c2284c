// The public status page: the health of each part of the platform, computed from live
// measurements and shown with the figures that justify it, and the incidents and maintenance
// windows an operator posts (statusNotices.ts). `GET /v1/status` needs no credentials: it is
// what a party looks at when the platform does not answer it as it should.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { FastifyInstance } from 'fastify';
import { Type, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { sql } from 'kysely';
import { audit } from './audit.js';
import { requireRole } from './auth.js';
import type { AppContext } from './context.js';
import { ping } from './db.js';
import { diskSpace, MIB } from './disk.js';
import { idempotent } from './idempotency.js';
import { nowIso } from './time.js';
import {
  addUpdate, changeNotice, COMPONENTS, createNotice, INCIDENT_STATUSES, MAINTENANCE_STATUSES, NOTICE_KINDS, noticeBoard, SEVERITIES,
  type Component,
} from './statusNotices.js';

export type ComponentState = 'operational' | 'degraded' | 'outage';

export interface ComponentHealth {
  component: Component;
  state: ComponentState;
  /** Why the state is not `operational`: codes the web app words in both languages. */
  reasons: string[];
  /** The measurements the state comes from. */
  figures: Record<string, number | boolean | string | null>;
}

// Where a component stops being operational. A database answering `select 1` in a second is
// slow enough that every request feels it; webhook notifications a minute late are noticeably
// late, ten minutes late are not being delivered.
const SLOW_PING_MS = 1_000;
const SLOW_EVENT_LOOP_MS = 500;
const LATE_DELIVERY_SECONDS = 60;
const STALLED_DELIVERY_SECONDS = 600;
/** Ingest rate: events stored by this node over about this window. */
const RATE_WINDOW_MS = 60_000;

const SEVERITY: Record<ComponentState, number> = { operational: 0, degraded: 1, outage: 2 };
const worst = (states: ComponentState[]): ComponentState =>
  states.reduce<ComponentState>((a, b) => (SEVERITY[b] > SEVERITY[a] ? b : a), 'operational');

/**
 * The data directory is short of space (embedded database only: it holds the database and its
 * log; PostgreSQL's disk is the database server's). Returns why, or undefined.
 */
export async function lowDiskSpace(ctx: AppContext): Promise<string | undefined> {
  if (ctx.dialect !== 'sqlite') return undefined;
  const free = await freeDiskMb(ctx);
  if (free === null || free >= ctx.config.minFreeDiskMb) return undefined;
  return `low disk space: ${free.toFixed(0)} MB free in the data directory, below the minimum of ${ctx.config.minFreeDiskMb} MB (JIAOZHOU_MIN_FREE_DISK_MB)`;
}

async function freeDiskMb(ctx: AppContext): Promise<number | null> {
  if (ctx.dialect !== 'sqlite') return null;
  try {
    return (await diskSpace(ctx.config.dataDir)).freeBytes / MIB;
  } catch {
    return null;
  }
}

/** Events this node stored, sampled at each status read: the rate over the last minute or so. */
class IngestRate {
  private samples: { at: number; stored: number }[] = [];

  perSecond(stored: number, now = Date.now()): number | null {
    // One sample a second at most, so that many readers keep a minute's worth of a few dozen.
    const last = this.samples.at(-1);
    if (!last || now - last.at >= 1000) this.samples.push({ at: now, stored });
    // Keep the newest sample at least a window old, and every one since.
    while (this.samples.length > 2 && now - this.samples[1].at >= RATE_WINDOW_MS) this.samples.shift();
    const first = this.samples[0];
    if (now - first.at < 1000) return null;
    return Math.round(((stored - first.stored) / ((now - first.at) / 1000)) * 10) / 10;
  }
}

async function measure(ctx: AppContext, loopDelay: ReturnType<typeof monitorEventLoopDelay>, rate: IngestRate): Promise<ComponentHealth[]> {
  const now = nowIso();

  // The database: one round trip, and the room left to write.
  let pingMs: number | null = null;
  try {
    const start = performance.now();
    await ping(ctx.db);
    pingMs = Math.round((performance.now() - start) * 100) / 100;
  } catch { /* unreachable: pingMs stays null */ }
  const reachable = pingMs !== null;
  const freeMb = await freeDiskMb(ctx);
  const lowDisk = freeMb !== null && freeMb < ctx.config.minFreeDiskMb;
  const database: ComponentHealth = {
    component: 'database',
    state: !reachable ? 'outage' : lowDisk || pingMs! > SLOW_PING_MS ? 'degraded' : 'operational',
    reasons: [...(!reachable ? ['databaseUnreachable'] : []), ...(reachable && pingMs! > SLOW_PING_MS ? ['databaseSlow'] : []), ...(lowDisk ? ['lowDisk'] : [])],
    figures: {
      dialect: ctx.dialect, pingMs,
      freeDiskMb: freeMb === null ? null : Math.floor(freeMb), minFreeDiskMb: ctx.dialect === 'sqlite' ? ctx.config.minFreeDiskMb : null,
    },
  };

  const delayMs = loopDelay.count ? loopDelay.percentile(99) / 1e6 : 0;
  const api: ComponentHealth = {
    component: 'api',
    state: delayMs > SLOW_EVENT_LOOP_MS ? 'degraded' : 'operational',
    reasons: delayMs > SLOW_EVENT_LOOP_MS ? ['eventLoopSlow'] : [],
    figures: { uptimeSeconds: Math.floor(process.uptime()), eventLoopDelayP99Ms: Math.round(delayMs * 10) / 10 },
  };

  // Ingest writes to the database: it fails with it, and a full disk refuses its writes.
  const lastAt = reachable ? await lastReceivedAt(ctx).catch(() => undefined) : undefined;
  const last = lastAt ? { received_at: lastAt } : undefined;
  const ingest: ComponentHealth = {
    component: 'ingest',
    state: !reachable ? 'outage' : lowDisk ? 'degraded' : 'operational',
    reasons: !reachable ? ['databaseUnreachable'] : lowDisk ? ['lowDisk'] : [],
    figures: {
      lastEventAt: last?.received_at ?? null,
      lastEventAgeSeconds: last ? Math.max(0, Math.round((Date.parse(now) - Date.parse(last.received_at)) / 1000)) : null,
      eventsPerSecond: rate.perSecond(ctx.ingest.reduce((n, i) => n + i.stored, 0)),
    },
  };

  const delivery = reachable ? await deliveryFigures(ctx, now).catch(() => undefined) : undefined;
  const lag = delivery?.lagSeconds ?? 0;
  const webhookDelivery: ComponentHealth = {
    component: 'webhookDelivery',
    state: !delivery ? 'outage' : lag > STALLED_DELIVERY_SECONDS ? 'outage' : lag > LATE_DELIVERY_SECONDS ? 'degraded' : 'operational',
    reasons: !delivery ? ['databaseUnreachable'] : lag > STALLED_DELIVERY_SECONDS ? ['deliveryStalled'] : lag > LATE_DELIVERY_SECONDS ? ['deliveryLate'] : [],
    figures: { lagSeconds: delivery?.lagSeconds ?? null, pending: delivery?.pending ?? null, deadLetters: delivery?.deadLetters ?? null, workerOnThisNode: ctx.delivery !== undefined },
  };

  // The stream follows the event table while someone listens; it reads what ingest wrote.
  const listeners = ctx.stream.listenerCount;
  const liveStream: ComponentHealth = {
    component: 'liveStream',
    state: !reachable ? 'outage' : 'operational',
    reasons: !reachable ? ['databaseUnreachable'] : [],
    figures: { following: listeners > 0, listeners },
  };

  return [api, ingest, webhookDelivery, liveStream, database];
}

/**
 * Delivery lag: how long the oldest notification that is due has waited. Only the head of each
 * subscription counts — notifications go out in order, so those behind a receiver that fails
 * (its head waits for its retry) are held back by that receiver, not by the platform.
 */
/** The newest item any intake received. */
async function lastReceivedAt(ctx: AppContext): Promise<string | undefined> {
  const times = (await Promise.all(ctx.ingest.map((i) => i.lastReceivedAt()))).filter((t): t is string => t !== undefined);
  return times.length ? times.reduce((a, b) => (a > b ? a : b)) : undefined;
}

async function deliveryFigures(ctx: AppContext, now: string) {
  const { db } = ctx;
  const head = await db.selectFrom('outbox as o').select((eb) => eb.fn.min('o.next_attempt_at').as('oldest'))
    .where('o.status', '=', 'pending').where('o.next_attempt_at', '<=', now)
    .where('o.id', '=', (eb) => eb.selectFrom('outbox as h').select((h) => h.fn.min('h.id').as('head'))
      .whereRef('h.subscription_id', '=', 'o.subscription_id').where('h.status', '=', 'pending'))
    .executeTakeFirst();
  const counts = await db.selectFrom('outbox').select(['status', sql<number>`count(*)`.as('n')])
    .where('status', 'in', ['pending', 'dead']).groupBy('status').execute();
  const count = (status: string) => Number(counts.find((c) => c.status === status)?.n ?? 0);
  const oldest = head?.oldest as string | null | undefined;
  return {
    lagSeconds: oldest ? Math.max(0, Math.round((Date.parse(now) - Date.parse(oldest)) / 1000)) : 0,
    pending: count('pending'),
    deadLetters: count('dead'),
  };
}

// ---- HTTP ----------------------------------------------------------------------------------

const Strict = { additionalProperties: false };
// One of a list: an `enum` (a union of literals would have Ajv report every branch that failed).
const literals = <T extends string>(values: readonly T[]) => Type.Unsafe<T>({ type: 'string', enum: [...values] });
// A text must say something (a character that is not white space) and hold no NUL, which
// PostgreSQL cannot store in text.
const Text = (maxLength: number) => Type.String({ minLength: 1, maxLength, pattern: '^(?=[^\\u0000]*\\S)[^\\u0000]*$' });
const Bilingual = (maxLength: number) => Type.Object({ zh: Text(maxLength), en: Text(maxLength) }, Strict);
const Time = Type.String({ description: 'ISO 8601 date-time with offset', maxLength: 64 });
const NoticeStatusSchema = literals([...INCIDENT_STATUSES, ...MAINTENANCE_STATUSES]);
const ComponentsSchema = Type.Array(literals(COMPONENTS), { uniqueItems: true, maxItems: COMPONENTS.length });

const NoticeUpdateSchema = Type.Object({ id: Type.Integer(), status: NoticeStatusSchema, message: Bilingual(5000), at: Type.String() });
const NoticeSchema = Type.Object({
  id: Type.String(), kind: literals(NOTICE_KINDS), severity: literals(SEVERITIES), status: NoticeStatusSchema,
  title: Bilingual(200), body: Bilingual(5000), components: ComponentsSchema,
  startsAt: Type.String(), endsAt: Type.Union([Type.String(), Type.Null()]), resolvedAt: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String(), updatedAt: Type.String(), updates: Type.Array(NoticeUpdateSchema, { description: 'newest first' }),
});
const StateSchema = literals(['operational', 'degraded', 'outage'] as const);
const StatusPageSchema = Type.Object({
  generatedAt: Type.String(),
  overall: StateSchema,
  components: Type.Array(Type.Object({
    component: literals(COMPONENTS), state: StateSchema, reasons: Type.Array(Type.String()),
    figures: Type.Record(Type.String(), Type.Union([Type.Number(), Type.Boolean(), Type.String(), Type.Null()])),
  })),
  notices: Type.Object({ active: Type.Array(NoticeSchema), upcoming: Type.Array(NoticeSchema), history: Type.Array(NoticeSchema) }),
});

const NewNoticeBody = Type.Object({
  kind: literals(NOTICE_KINDS),
  severity: literals(SEVERITIES),
  title: Bilingual(200),
  body: Bilingual(5000),
  components: Type.Optional(ComponentsSchema),
  startsAt: Type.Optional(Time),
  endsAt: Type.Optional(Type.Union([Time, Type.Null()])),
  status: Type.Optional(NoticeStatusSchema),
}, Strict);
const NoticeChangesBody = Type.Object({
  severity: Type.Optional(literals(SEVERITIES)),
  title: Type.Optional(Bilingual(200)),
  body: Type.Optional(Bilingual(5000)),
  components: Type.Optional(ComponentsSchema),
  startsAt: Type.Optional(Time),
  endsAt: Type.Optional(Type.Union([Time, Type.Null()])),
}, { ...Strict, minProperties: 1 });
const NewUpdateBody = Type.Object({ status: NoticeStatusSchema, message: Bilingual(5000) }, Strict);
const NoticeId = Type.Object({ id: Type.String({ maxLength: 64 }) }, Strict);

export async function statusRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const { db } = ctx;
  const loopDelay = monitorEventLoopDelay({ resolution: 20 });
  loopDelay.enable();
  // The event loop's delay over about the last minute, not since the process started.
  const resetLoopDelay = setInterval(() => loopDelay.reset(), RATE_WINDOW_MS).unref();
  // Starting (loading modules, migrating) blocks the loop by design: measure from ready on.
  app.addHook('onReady', async () => loopDelay.reset());
  app.addHook('onClose', async () => { clearInterval(resetLoopDelay); loopDelay.disable(); });
  const rate = new IngestRate();

  r.get('/v1/status', {
    schema: {
      tags: ['Status'], summary: 'Public status: the health of each component with its figures, and incidents and maintenance (no credentials needed)',
      security: [], response: { 200: StatusPageSchema },
    },
  }, async () => {
    const generatedAt = nowIso();
    const components = await measure(ctx, loopDelay, rate);
    const notices = await noticeBoard(db, generatedAt).catch(() => ({ active: [], upcoming: [], history: [] }));
    return { generatedAt, overall: worst(components.map((c) => c.state)), components, notices };
  });

  const admin = { tags: ['Status'] };

  r.post('/admin/status/notices', {
    schema: { ...admin, summary: 'Post an incident or a maintenance window on the status page', body: NewNoticeBody, response: { 201: NoticeSchema } },
  }, async (request, reply) => {
    const p = requireRole(request, 'admin');
    const res = await idempotent(db, request, p, async (tx) => {
      const notice = await createNotice(tx, request.body);
      await audit(tx, p, { action: 'status.notice.create', resource: `status-notice:${notice.id}`, detail: { kind: notice.kind, severity: notice.severity, status: notice.status, title: notice.title } });
      return { status: 201, body: notice };
    });
    return reply.code(res.status as 201).send(res.body);
  });

  r.patch('/admin/status/notices/:id', {
    schema: { ...admin, summary: 'Correct a notice: severity, texts, components, its window', params: NoticeId, body: NoticeChangesBody, response: { 200: NoticeSchema } },
  }, async (request) => {
    const p = requireRole(request, 'admin');
    return db.transaction().execute(async (tx) => {
      const notice = await changeNotice(tx, request.params.id, request.body);
      await audit(tx, p, { action: 'status.notice.change', resource: `status-notice:${notice.id}`, detail: request.body });
      return notice;
    });
  });

  r.post('/admin/status/notices/:id/updates', {
    schema: {
      ...admin, summary: 'Post an update of a notice; `resolved` (incident) or `completed` (maintenance) closes it',
      params: NoticeId, body: NewUpdateBody, response: { 201: NoticeSchema },
    },
  }, async (request, reply) => {
    const p = requireRole(request, 'admin');
    const res = await idempotent(db, request, p, async (tx) => {
      const notice = await addUpdate(tx, request.params.id, request.body);
      await audit(tx, p, { action: 'status.notice.update', resource: `status-notice:${notice.id}`, detail: { status: notice.status } });
      return { status: 201, body: notice };
    });
    return reply.code(res.status as 201).send(res.body);
  });
}
