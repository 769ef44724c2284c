// Live updates over server-sent events, for any module's topic (topics.ts). The stream follows
// each topic's log by `seq` (so it also sees items written by other server nodes), wakes at once on
// local commits, and sends each connection only what its party may read (the topic provider's
// access predicate) and its filter asks for.
//
// A stream lives for hours, so what allowed it at the start is checked again while it runs: the
// credential (API key not revoked or expired, session not ended or expired) before every batch
// and every few seconds, the visibility per batch (the provider's `read` applies the access policy
// as it is now). A listener that does not read is ended rather than buffered for without limit, and a
// party holds only so many streams at once.
import type { FastifyReply } from 'fastify';
import { audit } from './audit.js';
import { lapsedPrincipals, type Principal } from './auth.js';
import type { Db } from './db.js';
import { ProblemError } from './errors.js';
import type { TopicItem, Topics } from './topics.js';

const POLL_INTERVAL_MS = 1000;
const HEARTBEAT_MS = 15_000;
const MAX_EVENTS_PER_TICK = 1000;

export interface StreamLimits {
  /** Open streams of one party on this node. */
  maxStreamsPerParty: number;
  /** Bytes written to a connection and not yet taken by its socket; above it the listener is ended. */
  maxUnreadBytes: number;
  /** How often open streams' credentials are checked when no events flow. */
  recheckMs: number;
}

export const DEFAULT_STREAM_LIMITS: StreamLimits = { maxStreamsPerParty: 20, maxUnreadBytes: 4 * 1024 * 1024, recheckMs: 5000 };

interface Listener {
  topic: string;
  viewer: Principal;
  filter: unknown;
  reply: FastifyReply;
  /** The route the stream was opened on (named in the audit record of an authority's batch). */
  resource: string;
}

export class LiveStream {
  private readonly listeners = new Set<Listener>();
  /** Per topic followed: the last `seq` looked at. */
  private readonly lastSeq = new Map<string, number>();
  private following: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  private checker: NodeJS.Timeout | undefined;
  private ticking: Promise<void> | undefined;

  /** `flush`: see DeliveryWorker — events go out only once their commit is on disk. */
  constructor(
    private readonly db: Db,
    private readonly topics: Topics,
    private readonly flush: () => Promise<void> = async () => {},
    readonly limits: StreamLimits = { ...DEFAULT_STREAM_LIMITS },
  ) {}

  /** Open streams on this node. */
  get size(): number {
    return this.listeners.size;
  }

  /** Refuses a party that holds its maximum of streams already; call right before `open`. */
  admit(viewer: Principal): void {
    let open = 0;
    for (const l of this.listeners) if (l.viewer.partyId === viewer.partyId) open++;
    if (open >= this.limits.maxStreamsPerParty) {
      const detail = `a party may hold at most ${this.limits.maxStreamsPerParty} live streams at once; close one first`;
      throw new ProblemError('rate-limited', detail, [{ pointer: '', rule: 'streams.max', detail }]);
    }
  }

  /**
   * Serves an admitted stream of a topic, hijacked by the route, with the filter the topic's
   * provider parsed. Writes the answer's head itself.
   */
  async open(topic: string, viewer: Principal, filter: unknown, reply: FastifyReply, resource: string): Promise<void> {
    const provider = this.topics.get(topic);
    reply.raw.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive', 'API-Version': provider.apiVersion });
    // Admitted again: other streams of the party may have opened during the route's awaits.
    try {
      this.admit(viewer);
    } catch (e) {
      reply.raw.end(`event: end\ndata: ${JSON.stringify({ reason: (e as Error).message })}\n\n`);
      return;
    }
    // Added before any await, so that `admit` just before counts it for the next request.
    const listener: Listener = { topic, viewer, filter, reply, resource };
    this.listeners.add(listener);
    reply.raw.on('close', () => this.remove(listener));
    if (!this.lastSeq.has(topic)) this.lastSeq.set(topic, await provider.lastSeq(this.db));
    this.following ??= this.startFollowing();
    await this.following;
    // Written (and with it the headers, which fire EventSource's `open`, where the web app catches
    // up) only once the stream follows the topic: whatever commits after the client sees it, through
    // any node, is sent. Written first, an item committed before the stream had read its starting
    // point was never sent.
    if (!reply.raw.writableEnded && !reply.raw.destroyed) reply.raw.write(': connected\n\n');
  }

  /** Open connections; the stream follows the event table while there is at least one (status page). */
  get listenerCount(): number {
    return this.listeners.size;
  }

  /** New events were committed here: look now instead of at the next poll. */
  poke(): void {
    if (this.listeners.size) void this.tick();
  }

  /**
   * Ends the streams whose key or session no longer works. Called after a revocation or logout
   * on this node (at once), and every `recheckMs` for those made on other nodes.
   */
  async recheck(): Promise<void> {
    if (!this.listeners.size) return;
    const listeners = [...this.listeners];
    const lapsed = new Set(await lapsedPrincipals(this.db, listeners.map((l) => l.viewer)));
    for (const l of listeners) {
      if (lapsed.has(l.viewer)) this.end(l, 'the API key or session of this stream no longer works');
    }
  }

  close(): void {
    for (const l of this.listeners) l.reply.raw.end();
    this.listeners.clear();
    this.stopFollowing();
  }

  private async startFollowing() {
    this.timer = setInterval(() => void this.tick(), POLL_INTERVAL_MS);
    this.heartbeat = setInterval(() => { for (const l of this.listeners) this.write(l, ': keep-alive\n\n'); }, HEARTBEAT_MS);
    this.checker = setInterval(() => void this.recheck().catch(() => {}), this.limits.recheckMs);
  }

  private stopFollowing() {
    clearInterval(this.timer);
    clearInterval(this.heartbeat);
    clearInterval(this.checker);
    this.timer = this.heartbeat = this.checker = undefined;
    this.following = undefined;
    // A new first listener starts from what is stored then.
    this.lastSeq.clear();
  }

  private remove(listener: Listener) {
    if (!this.listeners.delete(listener)) return;
    // A topic nobody follows any more starts afresh with its next listener.
    if (![...this.listeners].some((l) => l.topic === listener.topic)) this.lastSeq.delete(listener.topic);
    if (this.listeners.size === 0) this.stopFollowing();
  }

  /** Ends a stream with a last `end` event saying why (an EventSource reconnects, and is then refused). */
  private end(listener: Listener, reason: string) {
    this.remove(listener);
    listener.reply.raw.end(`event: end\ndata: ${JSON.stringify({ reason })}\n\n`);
  }

  /** Writes unless the listener has left too much unread: then it is cut off, not buffered for. */
  private write(listener: Listener, text: string) {
    if (!this.listeners.has(listener)) return;
    listener.reply.raw.write(text);
    if (listener.reply.raw.writableLength > this.limits.maxUnreadBytes) {
      this.remove(listener);
      listener.reply.raw.destroy();
    }
  }

  private tick(): Promise<void> {
    if (!this.timer) return Promise.resolve();
    this.ticking ??= this.forward().catch(() => {}).finally(() => { this.ticking = undefined; });
    return this.ticking;
  }

  private async forward() {
    const batches: [Listener, TopicItem[]][] = [];
    let rechecked = false;
    for (const [topic, last] of [...this.lastSeq]) {
      const listeners = [...this.listeners].filter((l) => l.topic === topic);
      const provider = this.topics.get(topic);
      const seqs = await provider.seqsAfter(this.db, last, MAX_EVENTS_PER_TICK);
      if (!seqs.length || !listeners.length) continue;
      this.lastSeq.set(topic, seqs.at(-1)!);
      if (!rechecked) { await this.recheck(); rechecked = true; }
      for (const l of listeners) {
        if (!this.listeners.has(l)) continue;
        const items = await provider.read(this.db, l.viewer, seqs, l.filter);
        if (items.length) batches.push([l, items]);
      }
    }
    // An authority's stream is a read across parties like any other: on record before it leaves.
    for (const [l, items] of batches) {
      if (!l.viewer.authority) continue;
      await audit(this.db, l.viewer, {
        action: 'events.streamed', resource: l.resource, detail: { topic: l.topic, events: items.length, ...this.topics.get(l.topic).auditDetail(items) },
      });
    }
    if (!batches.length) return;
    await this.flush();
    for (const [l, items] of batches) {
      const name = this.topics.get(l.topic).streamEvent;
      this.write(l, items.map((i) => `id: ${i.seq}\nevent: ${name}\ndata: ${i.body}\n\n`).join(''));
    }
  }
}
