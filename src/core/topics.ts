// Topics: what a module offers to webhooks and the live stream. A topic is a module's own ordered
// log of items (Track & Trace's events, the port call timestamps, …), each with a `seq` that
// becomes visible in order. The module registers a provider that knows its log: which filters a
// subscriber may set, who may see an item, and the item's text. The core does the rest for every
// topic alike: outbox rows written in the module's transaction, the delivery worker's signed
// webhooks with retries and dead letters (delivery.ts), and the server-sent-events stream
// (stream.ts).
import type { Principal } from './auth.js';
import { chunks, insertChunkRows, insertMany, type Dialect, type Executor } from './db.js';
import { isAuthority, type Role } from './identity.js';
import { nowIso } from './time.js';

/** Who reads: the access predicates of the modules take this much of a principal. */
export type Reader = Pick<Principal, 'partyId' | 'authority' | 'roles'>;

export interface TopicItem {
  seq: number;
  /** The item's own identifier (an eventID), named in dead letters and audit records. */
  id: string;
  /** The item's JSON text, as a subscriber receives it. */
  body: string;
}

export interface TopicProvider<F = unknown> {
  /** `<module>.<entity>`, e.g. `tracking.event`. */
  topic: string;
  /** The `API-Version` of the notifications and streams of this topic. */
  apiVersion: string;
  /** The server-sent-event name of an item. */
  streamEvent: string;
  /**
   * Checks a subscriber's filter (a subscription's body, a stream's query) and returns it in the
   * shape `read` takes; throws a ProblemError naming the field and the rule. `skip`: members that are
   * not filters (the callback, the secret).
   */
  parseFilter(raw: Record<string, unknown>, pointer: string, skip?: readonly string[]): F;
  /** The highest `seq` stored, where a new stream starts. */
  lastSeq(db: Executor): Promise<number>;
  /** The `seq`s stored after this one, in order (how the stream follows the log, on every node). */
  seqsAfter(db: Executor, seq: number, limit: number): Promise<number[]>;
  /**
   * The items of these `seq`s the reader may see now (the module's access predicate) and, when a
   * filter is given, that match it; in `seq` order.
   */
  read(db: Executor, reader: Reader, seqs: number[], filter?: F): Promise<TopicItem[]>;
  /** The item ids of these `seq`s, whoever may read them (for the subscriber's own dead letters). */
  ids(db: Executor, seqs: number[]): Promise<Map<number, string>>;
  /** What an authority's push of these items read, for the audit record. */
  auditDetail(items: TopicItem[]): Record<string, unknown>;
}

/** Each subscription is a query in every write of its topic: a party gets a bounded number. */
export const MAX_SUBSCRIPTIONS_PER_PARTY = 100;

/**
 * The registry of topics, and the outbox: `enqueue` runs in the writing transaction of a module,
 * `committed` after its commit (wakes the stream and the delivery worker of this node; other
 * nodes find the rows by polling).
 */
export class Topics {
  private readonly providers = new Map<string, TopicProvider<never>>();
  private readonly listeners: ((topic: string) => void)[] = [];

  constructor(private readonly dialect: Dialect) {}

  register<F>(provider: TopicProvider<F>): void {
    if (this.providers.has(provider.topic)) throw new Error(`topic ${provider.topic} is registered twice`);
    this.providers.set(provider.topic, provider as TopicProvider<never>);
  }

  get(topic: string): TopicProvider<unknown> {
    const p = this.providers.get(topic);
    if (!p) throw new Error(`no provider for topic ${topic}`);
    return p as TopicProvider<unknown>;
  }

  has(topic: string): boolean {
    return this.providers.has(topic);
  }

  /** Called with the topic after a commit that wrote its items. */
  onCommitted(listener: (topic: string) => void): void {
    this.listeners.push(listener);
  }

  committed(topic: string): void {
    for (const l of this.listeners) {
      try { l(topic); } catch (error) { console.error('topic listener failed', error); }
    }
  }

  /**
   * Inside the transaction that wrote these items of `topic`: an outbox row for each subscription
   * of the topic whose party may see the item and whose filter matches it. Committed together, so a
   * notification is neither lost nor sent for a write that rolled back.
   */
  async enqueue(tx: Executor, topic: string, seqs: number[]): Promise<void> {
    if (!seqs.length) return;
    const subscriptions = await tx.selectFrom('subscriptions').innerJoin('parties', 'parties.id', 'subscriptions.party_id')
      .select(['subscriptions.id', 'subscriptions.party_id', 'subscriptions.filters', 'parties.roles'])
      .where('subscriptions.topic', '=', topic).execute();
    if (!subscriptions.length) return;
    const provider = this.get(topic);
    const now = nowIso();
    for (const s of subscriptions) {
      const roles = JSON.parse(s.roles) as Role[];
      const reader: Reader = { partyId: s.party_id, authority: isAuthority(roles), roles };
      const matching = await provider.read(tx, reader, seqs, JSON.parse(s.filters));
      for (const part of chunks(matching, insertChunkRows(this.dialect))) {
        await insertMany(tx, this.dialect, 'outbox', part.map((m) => ({
          subscription_id: s.id, seq: m.seq, status: 'pending', attempts: 0, next_attempt_at: now, last_error: null, delivered_at: null,
        })));
      }
    }
  }
}
