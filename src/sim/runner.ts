// Runs the simulated port against a Jiaozhou server: a replay of whole days as fast as the
// platform takes them, or the live demo that back-fills recent history and then keeps going.
import type { PartyCredentials, PlatformClient } from './client.js';
import { PortSimulation, type SimAction } from './port.js';

const DAY_MS = 24 * 3600_000;
const EVENTS_PER_REQUEST = 500;
const ACTIONS_PER_ROUND = 20_000;
const PARALLEL_REQUESTS = 4;

/** Actions ordered by time: a binary min-heap. */
export class ActionQueue {
  private readonly items: SimAction[] = [];

  get size(): number { return this.items.length; }

  push(a: SimAction): void {
    const h = this.items;
    h.push(a);
    let i = h.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (h[parent].at <= h[i].at) break;
      [h[parent], h[i]] = [h[i], h[parent]];
      i = parent;
    }
  }

  peek(): SimAction | undefined { return this.items[0]; }

  pop(): SimAction | undefined {
    const h = this.items;
    const top = h[0];
    const last = h.pop();
    if (h.length && last) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1, r = l + 1;
        let m = i;
        if (l < h.length && h[l].at < h[m].at) m = l;
        if (r < h.length && h[r].at < h[m].at) m = r;
        if (m === i) break;
        [h[m], h[i]] = [h[i], h[m]];
        i = m;
      }
    }
    return top;
  }

  /** Removes and returns the actions due before `until`, in time order. */
  takeUntil(until: number, max = Infinity): SimAction[] {
    const out: SimAction[] = [];
    while (out.length < max && this.items.length && this.items[0].at < until) out.push(this.pop()!);
    return out;
  }
}

async function inParallel<T>(items: T[], limit: number, work: (t: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await work(items[next++]);
  }));
}

export interface Published {
  events: number;
  grants: number;
  rejected: number;
  boxes: Set<string>;
  portCallMessages: number;
  /** Berth plans the terminals accepted, and how many of them were re-plans of a stale plan. */
  berthPlans: { accepted: number; replans: number };
}

/**
 * Sends actions in time order: each party's events go in batches, parties in parallel; the grants
 * of a round follow its events, so that the carrier owns a booking before sharing it.
 */
export class Publisher {
  readonly published: Published = { events: 0, grants: 0, rejected: 0, boxes: new Set(), portCallMessages: 0, berthPlans: { accepted: 0, replans: 0 } };
  private readonly callIds = new Map<string, string>();

  /**
   * `tolerant`: a port call message the platform refuses is reported and skipped instead of
   * stopping the run (the live demo, which resumes mid-call after a restart).
   */
  constructor(
    private readonly client: PlatformClient,
    private readonly parties: Record<string, PartyCredentials>,
    private readonly tolerant: ((e: unknown) => void) | undefined = undefined,
  ) {}

  async send(actions: SimAction[]): Promise<void> {
    for (let i = 0; i < actions.length; i += ACTIONS_PER_ROUND) await this.round(actions.slice(i, i + ACTIONS_PER_ROUND));
  }

  private async round(actions: SimAction[]) {
    const byParty = new Map<string, Record<string, unknown>[]>();
    const grants: SimAction[] = [];
    // Port call messages and the terminals' berth planning go one by one, in time order: a call
    // exists before its timestamps, and a plan sees the ETAs sent before it.
    for (const a of actions) {
      if (a.kind !== 'portcall' && a.kind !== 'berthplan') continue;
      try {
        if (a.kind === 'berthplan') {
          const done = await this.client.berthPlan(a, this.parties[a.party].apiKey);
          if (done !== 'none') this.published.berthPlans.accepted++;
          if (done === 'replanned') this.published.berthPlans.replans++;
          continue;
        }
        await this.client.portCall(a, this.parties[a.party].apiKey, this.callIds);
        this.published.portCallMessages++;
      } catch (e) {
        if (!this.tolerant) throw e;
        this.tolerant(e);
      }
    }
    for (const a of actions) {
      if (a.kind === 'portcall' || a.kind === 'berthplan') continue;
      if (a.kind === 'grant') { grants.push(a); continue; }
      const list = byParty.get(a.party) ?? [];
      list.push(a.event);
      byParty.set(a.party, list);
      if (typeof a.event.equipmentReference === 'string') this.published.boxes.add(a.event.equipmentReference);
    }
    const requests: { party: string; events: Record<string, unknown>[] }[] = [];
    for (const [party, events] of byParty) {
      for (let i = 0; i < events.length; i += EVENTS_PER_REQUEST) requests.push({ party, events: events.slice(i, i + EVENTS_PER_REQUEST) });
    }
    // One request per party at a time keeps each party's events in order.
    const queues = [...new Set(requests.map((r) => r.party))].map((party) => requests.filter((r) => r.party === party));
    await inParallel(queues, PARALLEL_REQUESTS, async (queue) => {
      for (const r of queue) {
        const res = await this.client.publish(this.parties[r.party].apiKey, r.events);
        this.published.events += r.events.length - res.rejected;
        if (res.rejected) {
          this.published.rejected += res.rejected;
          throw new Error(`the platform rejected ${res.rejected} simulated events: ${JSON.stringify(res.firstProblem)}`);
        }
      }
    });
    const grantsByParty = new Map<string, { granteePartyId: string; referenceType: string; referenceValue: string }[]>();
    for (const g of grants) {
      if (g.kind !== 'grant') continue;
      const list = grantsByParty.get(g.party) ?? [];
      list.push({ granteePartyId: this.parties[g.grantee].id, referenceType: g.referenceType, referenceValue: g.referenceValue });
      grantsByParty.set(g.party, list);
    }
    await inParallel([...grantsByParty], PARALLEL_REQUESTS, async ([party, list]) => {
      for (let i = 0; i < list.length; i += EVENTS_PER_REQUEST) {
        const part = list.slice(i, i + EVENTS_PER_REQUEST);
        await this.client.grant(this.parties[party].apiKey, part);
        this.published.grants += part.length;
      }
    });
  }
}

export interface ReplayOptions {
  seed: number;
  annualTeu: number;
  sample: number;
  days: number;
  /** UTC midnight of the first day; the whole window must lie in the past. */
  startMs: number;
  onDay?: (day: number, published: Published) => void;
}

export interface ReplayResult {
  portCallMessages: number;
  berthPlans: { accepted: number; replans: number };
  teu: number;
  boxes: number;
  events: number;
  grants: number;
  seconds: number;
  generatorSeconds: number;
  teuByDay: number[];
}

/** Replays `days` simulated days as fast as the platform takes them. */
export async function replay(client: PlatformClient, parties: Record<string, PartyCredentials>, o: ReplayOptions): Promise<ReplayResult> {
  const sim = new PortSimulation({ seed: o.seed, annualTeu: o.annualTeu, sample: o.sample, startMs: o.startMs });
  const queue = new ActionQueue();
  const publisher = new Publisher(client, parties);
  const started = performance.now();
  let generatorMs = 0;
  for (let day = 0; day < o.days; day++) {
    const g0 = performance.now();
    for (const a of sim.nextDayActions()) queue.push(a);
    const due = queue.takeUntil(o.startMs + (day + 1) * DAY_MS);
    generatorMs += performance.now() - g0;
    await publisher.send(due);
    o.onDay?.(day, publisher.published);
  }
  // The calls of the last day finish working after midnight: their quay moves belong to the window.
  const end = o.startMs + o.days * DAY_MS;
  const tail = queue.takeUntil(end + 2 * DAY_MS).filter((a) => a.kind !== 'grant' && a.kind !== 'berthplan' && a.callDay !== undefined && a.callDay < o.days);
  await publisher.send(tail);
  return {
    portCallMessages: publisher.published.portCallMessages,
    berthPlans: publisher.published.berthPlans,
    teu: sim.teuByDay.slice(0, o.days).reduce((s, t) => s + t, 0),
    boxes: publisher.published.boxes.size,
    events: publisher.published.events,
    grants: publisher.published.grants,
    seconds: (performance.now() - started) / 1000,
    generatorSeconds: generatorMs / 1000,
    teuByDay: sim.teuByDay.slice(0, o.days),
  };
}

export interface LiveState {
  seed: number;
  segment: number;
  /** Simulated time published up to. */
  cursorMs: number;
}

export interface LiveOptions {
  annualTeu: number;
  sample: number;
  /** Simulated milliseconds per real millisecond (60 = one simulated hour per real minute). */
  speed: number;
  tickMs?: number;
  onState?: (s: LiveState) => void;
  onError?: (e: unknown) => void;
}

/**
 * The live port: simulated time runs `speed` times faster than real time from the cursor on,
 * but never past the present (an actual event cannot lie in the future), so after catching up
 * it runs at real time. Each run starts a new segment of the port from the cursor.
 */
export class LivePort {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private readonly sim: PortSimulation;
  private readonly queue = new ActionQueue();
  private readonly publisher: Publisher;
  private generatedUntil: number;
  private lastTick = Date.now();
  private stopped = false;

  constructor(client: PlatformClient, parties: Record<string, PartyCredentials>, private state: LiveState, private readonly o: LiveOptions) {
    this.sim = new PortSimulation({ seed: state.seed + state.segment, networkSeed: state.seed, annualTeu: o.annualTeu, sample: o.sample, startMs: state.cursorMs });
    this.generatedUntil = state.cursorMs;
    this.publisher = new Publisher(client, parties, (e) => o.onError?.(e));
  }

  get published(): Published { return this.publisher.published; }

  /** Publishes everything up to `untilMs` of simulated time (the back-fill uses this). */
  async advanceTo(untilMs: number): Promise<void> {
    while (this.generatedUntil <= untilMs + DAY_MS) {
      for (const a of this.sim.nextDayActions()) this.queue.push(a);
      this.generatedUntil += DAY_MS;
    }
    await this.publisher.send(this.queue.takeUntil(untilMs));
    this.state = { ...this.state, cursorMs: untilMs };
    this.o.onState?.(this.state);
  }

  start(): void {
    this.lastTick = Date.now();
    const tick = () => {
      if (this.stopped) return;
      const now = Date.now();
      const next = Math.min(now - 60_000, this.state.cursorMs + (now - this.lastTick) * this.o.speed);
      this.lastTick = now;
      this.running = (next > this.state.cursorMs ? this.advanceTo(next) : Promise.resolve())
        .catch((e) => this.o.onError?.(e))
        .finally(() => { this.running = undefined; if (!this.stopped) this.timer = setTimeout(tick, this.o.tickMs ?? 1000); });
    };
    this.timer = setTimeout(tick, this.o.tickMs ?? 1000);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }
}
