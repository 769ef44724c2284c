// Incidents and maintenance windows an operator posts on the public status page, each with the
// history of its updates, in Chinese and English. An incident goes investigating → identified →
// monitoring → resolved; a maintenance window scheduled → in_progress → completed. The last
// status of each kind closes the notice: it then stays in the page's history for 90 days.
import { randomUUID } from 'node:crypto';
import type { Db, Executor } from './db.js';
import { conflict, invalid, notFound } from './errors.js';
import type { Selectable } from 'kysely';
import type { StatusNoticeRow, StatusNoticeUpdateRow } from './tables.js';
import { nowIso } from './time.js';
import { validateDateTime } from '../standards/index.js';

export const NOTICE_KINDS = ['incident', 'maintenance'] as const;
export type NoticeKind = (typeof NOTICE_KINDS)[number];
export const SEVERITIES = ['minor', 'major', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];
export const INCIDENT_STATUSES = ['investigating', 'identified', 'monitoring', 'resolved'] as const;
export const MAINTENANCE_STATUSES = ['scheduled', 'in_progress', 'completed'] as const;
export type NoticeStatus = (typeof INCIDENT_STATUSES)[number] | (typeof MAINTENANCE_STATUSES)[number];
export const COMPONENTS = ['api', 'ingest', 'webhookDelivery', 'liveStream', 'database'] as const;
export type Component = (typeof COMPONENTS)[number];

const STATUSES: Record<NoticeKind, readonly NoticeStatus[]> = { incident: INCIDENT_STATUSES, maintenance: MAINTENANCE_STATUSES };
const CLOSING: Record<NoticeKind, NoticeStatus> = { incident: 'resolved', maintenance: 'completed' };
export const HISTORY_DAYS = 90;
/** The page shows at most this many notices of its history. */
const HISTORY_LIMIT = 200;

export interface Bilingual {
  zh: string;
  en: string;
}

export interface NoticeUpdate {
  id: number;
  status: NoticeStatus;
  message: Bilingual;
  at: string;
}

export interface Notice {
  id: string;
  kind: NoticeKind;
  severity: Severity;
  status: NoticeStatus;
  title: Bilingual;
  body: Bilingual;
  components: Component[];
  startsAt: string;
  endsAt: string | null;
  resolvedAt: string | null;
  createdAt: string;
  updatedAt: string;
  /** Newest first. */
  updates: NoticeUpdate[];
}

export interface NewNotice {
  kind: NoticeKind;
  severity: Severity;
  title: Bilingual;
  body: Bilingual;
  components?: Component[];
  startsAt?: string;
  endsAt?: string | null;
  status?: NoticeStatus;
}

export type NoticeChanges = Partial<Pick<NewNotice, 'severity' | 'title' | 'body' | 'components' | 'startsAt' | 'endsAt'>>;

export interface NewUpdate {
  status: NoticeStatus;
  message: Bilingual;
}

/** An ISO 8601 time with offset, as UTC text (times are stored so, and sort as text). */
function utcTime(value: string, pointer: string): string {
  const v = validateDateTime(value);
  if (!v.ok) throw invalid(pointer, v.rule, v.message);
  return v.value.utc;
}

function checkStatus(kind: NoticeKind, status: NoticeStatus, pointer: string) {
  if (!STATUSES[kind].includes(status)) {
    throw invalid(pointer, 'notice.status', `a${kind === 'incident' ? 'n' : ''} ${kind} takes one of ${STATUSES[kind].join(', ')}`);
  }
}

function checkWindow(startsAt: string, endsAt: string | null, pointer: string) {
  if (endsAt !== null && endsAt <= startsAt) throw invalid(pointer, 'notice.endsAfterStart', 'endsAt must be later than startsAt');
}

export async function createNotice(tx: Executor, input: NewNotice): Promise<Notice> {
  const now = nowIso();
  const status = input.status ?? STATUSES[input.kind][0];
  checkStatus(input.kind, status, '/body/status');
  if (input.kind === 'maintenance') {
    // A maintenance window is announced ahead: the page shows when it starts and ends.
    if (input.startsAt === undefined) throw invalid('/body/startsAt', 'required', 'a maintenance window needs startsAt');
    if (input.endsAt === undefined || input.endsAt === null) throw invalid('/body/endsAt', 'required', 'a maintenance window needs endsAt');
  }
  const startsAt = input.startsAt === undefined ? now : utcTime(input.startsAt, '/body/startsAt');
  const endsAt = input.endsAt === undefined || input.endsAt === null ? null : utcTime(input.endsAt, '/body/endsAt');
  checkWindow(startsAt, endsAt, '/body/endsAt');
  const row: StatusNoticeRow = {
    id: randomUUID(), kind: input.kind, severity: input.severity, status,
    title_zh: input.title.zh, title_en: input.title.en, body_zh: input.body.zh, body_en: input.body.en,
    components: JSON.stringify(input.components ?? []), starts_at: startsAt, ends_at: endsAt,
    resolved_at: status === CLOSING[input.kind] ? now : null, created_at: now, updated_at: now,
  };
  await tx.insertInto('status_notices').values(row).execute();
  // The first entry of the history is the announcement itself.
  await tx.insertInto('status_notice_updates').values({ notice_id: row.id, status, message_zh: row.body_zh, message_en: row.body_en, at: now }).execute();
  return (await getNotice(tx, row.id))!;
}

export async function changeNotice(tx: Executor, id: string, changes: NoticeChanges): Promise<Notice> {
  const row = await requireNotice(tx, id);
  const startsAt = changes.startsAt === undefined ? row.starts_at : utcTime(changes.startsAt, '/body/startsAt');
  const endsAt = changes.endsAt === undefined ? row.ends_at : changes.endsAt === null ? null : utcTime(changes.endsAt, '/body/endsAt');
  if (row.kind === 'maintenance' && endsAt === null) throw invalid('/body/endsAt', 'required', 'a maintenance window needs endsAt');
  checkWindow(startsAt, endsAt, changes.endsAt === undefined ? '/body/startsAt' : '/body/endsAt');
  await tx.updateTable('status_notices').set({
    ...(changes.severity ? { severity: changes.severity } : {}),
    ...(changes.title ? { title_zh: changes.title.zh, title_en: changes.title.en } : {}),
    ...(changes.body ? { body_zh: changes.body.zh, body_en: changes.body.en } : {}),
    ...(changes.components ? { components: JSON.stringify(changes.components) } : {}),
    starts_at: startsAt, ends_at: endsAt, updated_at: nowIso(),
  }).where('id', '=', id).execute();
  return (await getNotice(tx, id))!;
}

/** Adds an update; the closing status (resolved, completed) closes the notice. */
export async function addUpdate(tx: Executor, id: string, input: NewUpdate): Promise<Notice> {
  const row = await requireNotice(tx, id);
  checkStatus(row.kind, input.status, '/body/status');
  if (row.resolved_at !== null) throw conflict(`this ${row.kind} is ${row.status} already; post a new notice instead`);
  const now = nowIso();
  await tx.insertInto('status_notice_updates').values({ notice_id: id, status: input.status, message_zh: input.message.zh, message_en: input.message.en, at: now }).execute();
  await tx.updateTable('status_notices').set({
    status: input.status, updated_at: now, ...(input.status === CLOSING[row.kind] ? { resolved_at: now } : {}),
  }).where('id', '=', id).execute();
  return (await getNotice(tx, id))!;
}

async function requireNotice(db: Executor, id: string): Promise<StatusNoticeRow> {
  const row = await db.selectFrom('status_notices').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound(`status notice ${id}`);
  return row;
}

export async function getNotice(db: Executor, id: string): Promise<Notice | undefined> {
  const row = await db.selectFrom('status_notices').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) return undefined;
  return (await withUpdates(db, [row]))[0];
}

export interface NoticeBoard {
  /** Open and begun: incidents, and maintenance under way (or due and not yet completed). */
  active: Notice[];
  /** Maintenance announced for later. */
  upcoming: Notice[];
  /** Closed in the last 90 days, newest first. */
  history: Notice[];
}

export async function noticeBoard(db: Db, now = nowIso()): Promise<NoticeBoard> {
  const since = new Date(Date.parse(now) - HISTORY_DAYS * 86_400_000).toISOString();
  const open = await db.selectFrom('status_notices').selectAll().where('resolved_at', 'is', null).orderBy('starts_at', 'desc').execute();
  const closed = await db.selectFrom('status_notices').selectAll().where('resolved_at', '>=', since)
    .orderBy('resolved_at', 'desc').orderBy('id').limit(HISTORY_LIMIT).execute();
  const notices = await withUpdates(db, [...open, ...closed]);
  const byId = new Map(notices.map((n) => [n.id, n]));
  return {
    active: open.filter((r) => r.starts_at <= now).map((r) => byId.get(r.id)!),
    upcoming: open.filter((r) => r.starts_at > now).map((r) => byId.get(r.id)!).reverse(),
    history: closed.map((r) => byId.get(r.id)!),
  };
}

async function withUpdates(db: Executor, rows: StatusNoticeRow[]): Promise<Notice[]> {
  if (!rows.length) return [];
  const updates = await db.selectFrom('status_notice_updates').selectAll()
    .where('notice_id', 'in', rows.map((r) => r.id)).orderBy('id', 'desc').execute();
  const byNotice = new Map<string, NoticeUpdate[]>();
  for (const u of updates) {
    const list = byNotice.get(u.notice_id) ?? [];
    list.push(toUpdate(u));
    byNotice.set(u.notice_id, list);
  }
  return rows.map((r) => ({
    id: r.id, kind: r.kind, severity: r.severity, status: r.status as NoticeStatus,
    title: { zh: r.title_zh, en: r.title_en }, body: { zh: r.body_zh, en: r.body_en },
    components: JSON.parse(r.components) as Component[], startsAt: r.starts_at, endsAt: r.ends_at, resolvedAt: r.resolved_at,
    createdAt: r.created_at, updatedAt: r.updated_at, updates: byNotice.get(r.id) ?? [],
  }));
}

const toUpdate = (u: Selectable<StatusNoticeUpdateRow>): NoticeUpdate => ({
  id: Number(u.id), status: u.status as NoticeStatus, message: { zh: u.message_zh, en: u.message_en }, at: u.at,
});
