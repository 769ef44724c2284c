// Live updates for the web app over server-sent events. The stream follows the event table by
// `seq` (so it also sees events written by other server nodes), wakes at once on local commits,
// and sends each connection only what its party may read and its filter asks for.
import type { FastifyReply } from 'fastify';
import type { Db } from './db.js';
import { queryEvents, type EventFilter } from './events.js';
import type { Principal } from './auth.js';

const POLL_INTERVAL_MS = 1000;
const HEARTBEAT_MS = 15_000;
const MAX_EVENTS_PER_TICK = 1000;

interface Listener {
  viewer: Principal;
  filter: EventFilter;
  reply: FastifyReply;
}

export class LiveStream {
  private readonly listeners = new Set<Listener>();
  private lastSeq = 0;
  private timer: NodeJS.Timeout | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  private ticking: Promise<void> | undefined;

  /** `flush`: see DeliveryWorker — events go out only once their commit is on disk. */
  constructor(private readonly db: Db, private readonly flush: () => Promise<void> = async () => {}) {}

  async open(viewer: Principal, filter: EventFilter, reply: FastifyReply): Promise<void> {
    if (this.listeners.size === 0) await this.startFollowing();
    const listener: Listener = { viewer, filter, reply };
    this.listeners.add(listener);
    reply.raw.on('close', () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0) this.stopFollowing();
    });
  }

  /** New events were committed here: look now instead of at the next poll. */
  poke(): void {
    if (this.listeners.size) void this.tick();
  }

  /** Connections listening now, for `/metrics`. */
  get listenerCount(): number {
    return this.listeners.size;
  }

  close(): void {
    for (const l of this.listeners) l.reply.raw.end();
    this.listeners.clear();
    this.stopFollowing();
  }

  private async startFollowing() {
    const row = await this.db.selectFrom('events').select((eb) => eb.fn.max('seq').as('max')).executeTakeFirst();
    this.lastSeq = Number(row?.max ?? 0);
    this.timer = setInterval(() => void this.tick(), POLL_INTERVAL_MS);
    this.heartbeat = setInterval(() => { for (const l of this.listeners) l.reply.raw.write(': keep-alive\n\n'); }, HEARTBEAT_MS);
  }

  private stopFollowing() {
    clearInterval(this.timer);
    clearInterval(this.heartbeat);
  }

  private tick(): Promise<void> {
    this.ticking ??= this.forward().catch(() => {}).finally(() => { this.ticking = undefined; });
    return this.ticking;
  }

  private async forward() {
    const rows = await this.db.selectFrom('events').select('seq').where('seq', '>', this.lastSeq).orderBy('seq').limit(MAX_EVENTS_PER_TICK).execute();
    if (!rows.length) return;
    const seqs = rows.map((r) => Number(r.seq));
    this.lastSeq = seqs.at(-1)!;
    await this.flush();
    for (const l of this.listeners) {
      const page = await queryEvents(this.db, l.viewer, l.filter, { seqIn: seqs, limit: MAX_EVENTS_PER_TICK });
      for (const e of page.events) l.reply.raw.write(`id: ${e.seq}\nevent: event\ndata: ${e.body}\n\n`);
    }
  }
}
