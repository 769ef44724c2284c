// Webhook delivery: the outbox rows written with each write of a topic are sent to the subscribers'
// callback URLs, at least once and in order per subscription, signed with HMAC-SHA256 of the
// shared secret (DCSA `Notification-Signature: sha256=<hex>`). A failed delivery is retried with
// exponential backoff; after MAX_ATTEMPTS the batch is parked as dead letters for an operator to
// replay. State lives in the database, so a restart resumes where the last process stopped.
// Who may read what is decided again when a notification is sent, not only when it was queued:
// the topic's provider (topics.ts) reads the items through its module's access predicate.
import { createHmac } from 'node:crypto';
import { CallbackAddressError, postCallback } from './callbacks.js';
import { audit } from './audit.js';
import type { Db } from './db.js';
import { PlatformSecrets, subscriptionSecretContext } from './secrets.js';
import { isAuthority, type Role } from './identity.js';
import { nowIso } from './time.js';
import type { Topics } from './topics.js';

export interface DeliveryOptions {
  pollIntervalMs: number;
  baseBackoffMs: number;
  maxBackoffMs: number;
  maxAttempts: number;
  requestTimeoutMs: number;
  maxEventsPerNotification: number;
  /** Callbacks may go to local addresses (JIAOZHOU_WEBHOOKS_ALLOW_LOCAL; see core/callbacks.ts). */
  allowLocalCallbacks: boolean;
  /** Opens the subscriptions' sealed secrets. */
  secrets: Pick<PlatformSecrets, 'open'>;
}

export const DEFAULT_DELIVERY: DeliveryOptions = {
  pollIntervalMs: 1000,
  baseBackoffMs: 1000,
  maxBackoffMs: 10 * 60_000,
  maxAttempts: 10,
  requestTimeoutMs: 10_000,
  maxEventsPerNotification: 100,
  allowLocalCallbacks: false,
  // The platform passes its own; this one opens only secrets stored before sealing existed.
  secrets: { open: (stored) => { if (PlatformSecrets.isSealed(stored)) throw new Error('no key to open sealed secrets'); return stored; } },
};

export function sign(secretBase64: string, body: string): string {
  return `sha256=${createHmac('sha256', Buffer.from(secretBase64, 'base64')).update(body, 'utf8').digest('hex')}`;
}

/**
 * The signature headers of a notification: DCSA's `Notification-Signature` (the body alone, kept
 * for receivers that know only that), and a signature over the send time and the body, so that a
 * receiver can refuse a notification recorded and sent again later (a replay).
 */
export function signatureHeaders(secretBase64: string, body: string, unixSeconds = Math.floor(Date.now() / 1000)): Record<string, string> {
  const timed = createHmac('sha256', Buffer.from(secretBase64, 'base64')).update(`${unixSeconds}.`, 'utf8').update(body, 'utf8').digest('hex');
  return {
    'Notification-Signature': sign(secretBase64, body),
    'Notification-Timestamp': String(unixSeconds),
    'Notification-Signature-V2': `t=${unixSeconds},sha256=${timed}`,
  };
}

/** Thrown to roll a partial claim back. */
const CLAIM_LOST = new Error('another node claimed some of these rows');

export function backoffMs(attempts: number, o: Pick<DeliveryOptions, 'baseBackoffMs' | 'maxBackoffMs'>): number {
  return Math.min(o.maxBackoffMs, o.baseBackoffMs * 2 ** Math.max(0, attempts - 1));
}

export class DeliveryWorker {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = true;
  private wakeRequested = false;

  /**
   * `flush` makes every commit so far durable (DbHandle.flush): nothing read from the database
   * leaves the process before the commit that wrote it is on disk.
   */
  constructor(private readonly db: Db, private readonly topics: Topics, private readonly options: DeliveryOptions = DEFAULT_DELIVERY, private readonly flush: () => Promise<void> = async () => {}) {}

  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  /** Deliver soon: new outbox rows were committed. */
  wake(): void {
    if (this.stopped) return;
    if (this.running) this.wakeRequested = true;
    else this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  private schedule(ms: number) {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.running = this.runOnce().then(() => {}, () => {}).finally(() => {
        this.running = undefined;
        if (!this.stopped) this.schedule(this.wakeRequested ? 0 : this.options.pollIntervalMs);
        this.wakeRequested = false;
      });
    }, ms);
  }

  /** One pass over every subscription whose oldest pending notification is due. */
  async runOnce(): Promise<number> {
    const now = nowIso();
    const due = await this.db.selectFrom('outbox').select('subscription_id').distinct()
      .where('status', '=', 'pending').where('next_attempt_at', '<=', now).limit(100).execute();
    let sent = 0;
    await Promise.all(due.map(async ({ subscription_id }) => {
      while (!this.stopped) {
        const head = await this.deliverHead(subscription_id);
        sent += head.delivered;
        if (!head.again) break;
      }
    }));
    return sent;
  }

  /**
   * Sends the oldest pending rows of one subscription. `again`: rows were taken off the queue
   * (delivered or withheld), so the next ones may be due too.
   */
  private async deliverHead(subscriptionId: string): Promise<{ delivered: number; again: boolean }> {
    const none = { delivered: 0, again: false };
    const now = nowIso();
    let rows = await this.db.selectFrom('outbox')
      .select(['outbox.id', 'outbox.seq', 'outbox.attempts', 'outbox.next_attempt_at'])
      .where('outbox.subscription_id', '=', subscriptionId).where('outbox.status', '=', 'pending')
      .orderBy('outbox.id').limit(this.options.maxEventsPerNotification).execute();
    // Order per subscription: nothing overtakes a head that waits for its retry.
    if (!rows.length || rows[0].next_attempt_at > now) return none;
    const subscription = await this.db.selectFrom('subscriptions').selectAll().where('id', '=', subscriptionId).executeTakeFirst();
    if (!subscription) {
      await this.db.deleteFrom('outbox').where('id', 'in', rows.map((r) => Number(r.id))).execute();
      return none;
    }
    // A topic whose module this node does not run waits for a node that does.
    if (!this.topics.has(subscription.topic)) return none;
    const provider = this.topics.get(subscription.topic);
    const party = await this.db.selectFrom('parties').select('roles').where('id', '=', subscription.party_id).executeTakeFirst();
    if (!party) {
      await this.dropSubscription(subscriptionId);
      return none;
    }
    // The outbox row was written when the item was; what the subscriber may read is decided
    // now, when it is sent: a grant revoked meanwhile withholds what it had shared.
    const roles = JSON.parse(party.roles) as Role[];
    const viewer = { partyId: subscription.party_id, authority: isAuthority(roles), roles };
    const items = new Map((await provider.read(this.db, viewer, rows.map((r) => Number(r.seq)))).map((i) => [i.seq, i]));
    const hidden = rows.filter((r) => !items.has(Number(r.seq))).map((r) => Number(r.id));
    if (hidden.length) {
      await this.db.updateTable('outbox').set({ status: 'withheld', last_error: 'the subscriber may no longer read this item' })
        .where('id', 'in', hidden).where('status', '=', 'pending').where('next_attempt_at', '<=', now).execute();
      rows = rows.filter((r) => items.has(Number(r.seq)));
      // The rows behind the withheld ones may belong in this notification: look again.
      if (!rows.length || rows[0].next_attempt_at > now) return { delivered: 0, again: true };
    }
    const sending = rows.map((r) => items.get(Number(r.seq))!);
    const ids = rows.map((r) => Number(r.id));
    // Claim the rows for the length of one request so that another node does not send them too:
    // all of them or none (a node that lost some to another would otherwise leave the rest leased,
    // unsent, until the lease ran out).
    const lease = new Date(Date.now() + this.options.requestTimeoutMs + 1000).toISOString();
    const claimed = await this.db.transaction().execute(async (tx) => {
      const taken = await tx.updateTable('outbox').set({ next_attempt_at: lease })
        .where('id', 'in', ids).where('status', '=', 'pending').where('next_attempt_at', '<=', now).executeTakeFirst();
      if (Number(taken.numUpdatedRows) !== ids.length) throw CLAIM_LOST;
    }).then(() => true, (e) => { if (e === CLAIM_LOST) return false; throw e; });
    if (!claimed) return none;

    // A notification to an authority is a read across parties: on record before it is sent
    // (each attempt: a receiver may have read one whose answer was lost).
    if (viewer.authority) {
      await audit(this.db, { partyId: subscription.party_id, actor: `subscription:${subscription.id}` }, {
        action: 'events.notified', resource: `subscription:${subscription.id}`,
        detail: { callbackUrl: subscription.callback_url, attempt: rows[0].attempts + 1, topic: subscription.topic, ...provider.auditDetail(sending) },
      });
    }
    const body = `[${sending.map((i) => i.body).join(',')}]`;
    await this.flush();
    let error: string | undefined;
    try {
      const status = await postCallback(subscription.callback_url, {
        'content-type': 'application/json',
        // Stored sealed (core/secrets.ts); opened only to sign.
        ...signatureHeaders(this.options.secrets.open(subscription.secret, subscriptionSecretContext(subscription.id)), body),
        'Subscription-ID': subscription.id,
        'API-Version': provider.apiVersion,
      }, body, { timeoutMs: this.options.requestTimeoutMs, allowLocal: this.options.allowLocalCallbacks });
      if (status < 200 || status > 299) error = `callback answered ${status}`;
    } catch (e) {
      error = e instanceof CallbackAddressError ? `callback address refused: ${e.message}` : `callback unreachable: ${(e as Error).message}`;
    }

    if (!error) {
      await this.db.updateTable('outbox').set({ status: 'delivered', delivered_at: nowIso(), last_error: null })
        .where('id', 'in', ids).execute();
      return { delivered: ids.length, again: true };
    }
    const attempts = rows[0].attempts + 1;
    if (attempts >= this.options.maxAttempts) {
      await this.db.updateTable('outbox').set({ status: 'dead', attempts, last_error: error }).where('id', 'in', ids).execute();
    } else {
      const next = new Date(Date.now() + backoffMs(attempts, this.options)).toISOString();
      await this.db.updateTable('outbox').set({ attempts, next_attempt_at: next, last_error: error }).where('id', 'in', ids).execute();
    }
    return none;
  }

  /** The subscriber's party is gone: nobody may receive its notifications any more. */
  private async dropSubscription(subscriptionId: string) {
    await this.db.transaction().execute(async (tx) => {
      await tx.deleteFrom('outbox').where('subscription_id', '=', subscriptionId).where('status', '!=', 'delivered').execute();
      await tx.deleteFrom('subscriptions').where('id', '=', subscriptionId).execute();
      await audit(tx, null, { action: 'subscription.drop', resource: `subscription:${subscriptionId}`, detail: { reason: 'the subscriber party no longer exists' } });
    });
  }
}

/** Dead letters named in one replay: one bound parameter each, and SQLite takes 32,766 at most. */
export const MAX_REPLAY_IDS = 1000;

/** Puts dead letters back in the queue (oldest first); returns how many. */
export async function replayDeadLetters(db: Db, subscriptionIds: string[], ids?: number[]): Promise<number> {
  if (!subscriptionIds.length) return 0;
  const res = await db.updateTable('outbox').set({ status: 'pending', attempts: 0, next_attempt_at: nowIso(), last_error: null })
    .where('status', '=', 'dead').where('subscription_id', 'in', subscriptionIds)
    .$if(ids !== undefined, (q) => q.where('id', 'in', ids!.length ? ids! : [-1]))
    .executeTakeFirst();
  return Number(res.numUpdatedRows);
}

export async function listDeadLetters(db: Db, topics: Topics, subscriptionIds: string[], limit = 100) {
  if (!subscriptionIds.length) return [];
  const rows = await db.selectFrom('outbox').innerJoin('subscriptions', 'subscriptions.id', 'outbox.subscription_id')
    .select(['outbox.id', 'outbox.seq', 'outbox.subscription_id', 'outbox.attempts', 'outbox.last_error', 'subscriptions.topic'])
    .where('outbox.status', '=', 'dead').where('outbox.subscription_id', 'in', subscriptionIds)
    .orderBy('outbox.id').limit(limit).execute();
  const ids = new Map<string, Map<number, string>>();
  for (const topic of new Set(rows.map((r) => r.topic))) {
    if (topics.has(topic)) ids.set(topic, await topics.get(topic).ids(db, rows.filter((r) => r.topic === topic).map((r) => Number(r.seq))));
  }
  return rows.map((r) => ({
    id: Number(r.id), subscriptionId: r.subscription_id, eventID: ids.get(r.topic)?.get(Number(r.seq)) ?? null, attempts: r.attempts, lastError: r.last_error,
  }));
}
