// Live updates for the web app over server-sent events. The stream follows the event table by
// `seq` (so it also sees events written by other server nodes), wakes at once on local commits,
// and sends each connection only what its party may read and its filter asks for.
//
// A stream lives for hours, so what allowed it at the start is checked again while it runs: the
// credential (API key not revoked or expired, session not ended or expired) before every batch
// and every few seconds, the visibility per batch (`queryEvents` applies the access policy as it
// is now). A listener that does not read is ended rather than buffered for without limit, and a
// party holds only so many streams at once.
import type { FastifyReply } from 'fastify';
import { audit } from './audit.js';
import { lapsedPrincipals, type Principal } from './auth.js';
import type { Db } from './db.js';
import { ProblemError } from './errors.js';
import { queryEvents, type EventFilter, type StoredEvent } from './events.js';

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
  viewer: Principal;
  filter: EventFilter;
  reply: FastifyReply;
}

export class LiveStream {
  private readonly listeners = new Set<Listener>();
  private lastSeq = 0;
  private following: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  private checker: NodeJS.Timeout | undefined;
  private ticking: Promise<void> | undefined;

  /** `flush`: see DeliveryWorker — events go out only once their commit is on disk. */
  constructor(
    private readonly db: Db,
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

  async open(viewer: Principal, filter: EventFilter, reply: FastifyReply): Promise<void> {
    // Added before any await, so that `admit` just before counts it for the next request.
    const listener: Listener = { viewer, filter, reply };
    this.listeners.add(listener);
    reply.raw.on('close', () => this.remove(listener));
    this.following ??= this.startFollowing();
    await this.following;
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
    const row = await this.db.selectFrom('events').select((eb) => eb.fn.max('seq').as('max')).executeTakeFirst();
    if (!this.listeners.size) {
      this.following = undefined;
      return;
    }
    this.lastSeq = Number(row?.max ?? 0);
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
  }

  private remove(listener: Listener) {
    if (!this.listeners.delete(listener)) return;
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
    const rows = await this.db.selectFrom('events').select('seq').where('seq', '>', this.lastSeq).orderBy('seq').limit(MAX_EVENTS_PER_TICK).execute();
    if (!rows.length) return;
    const seqs = rows.map((r) => Number(r.seq));
    this.lastSeq = seqs.at(-1)!;
    await this.recheck();
    const batches: [Listener, StoredEvent[]][] = [];
    for (const l of this.listeners) {
      const page = await queryEvents(this.db, l.viewer, l.filter, { seqIn: seqs, limit: MAX_EVENTS_PER_TICK });
      if (page.events.length) batches.push([l, page.events]);
    }
    // An authority's stream is a read across parties like any other: on record before it leaves.
    for (const [l, events] of batches) {
      if (!l.viewer.authority) continue;
      await audit(this.db, l.viewer, {
        action: 'events.streamed', resource: '/v1/stream',
        detail: { events: events.length, eventIDs: events.map((e) => e.eventId), equipmentReferences: [...new Set(events.map((e) => e.equipmentReference).filter(Boolean))] },
      });
    }
    await this.flush();
    for (const [l, events] of batches) {
      this.write(l, events.map((e) => `id: ${e.seq}\nevent: event\ndata: ${e.body}\n\n`).join(''));
    }
  }
}
