// The simulated port, day by day: vessel calls from the liner schedule, and the boxes they
// discharge and load — imports, exports, water-to-water transshipment, sea-rail boxes to and from
// the inland ports — each with the events the right party publishes on its way.
//
// Volume is counted as port statistics count it: every box discharged or loaded over the quay
// counts once per move (a transshipped box twice), in TEU. Each day's moves are planned to the
// configured annual figure ÷ 365 × sample, with the rounding error carried from call to call.
import { INLAND_PORTS, MAINLINE_GROUPS, PORT_LOCODE, RAIL_OPERATOR, ROUTE_GROUPS, TERMINALS, makeContainerNumber, buildServices, FORWARDERS, type Berth, type Carrier, type Service, type Vessel } from './world.js';
import { Random } from './random.js';

const HOUR_MS = 3600_000;
const DAY_MS = 24 * HOUR_MS;
/** The plan's 2028 target share of water-to-water transshipment in container throughput. */
export const TRANSSHIPMENT_SHARE = 0.26;
/** Sea-rail share of throughput (plan: 2.55 of 30.87 million TEU in 2024, 3.5 of 41 in 2028). */
export const SEA_RAIL_SHARE = 0.085;
const EMPTY_SHARE = 0.2;
const REEFER_SHARE = 0.08;
const DANGEROUS_SHARE = 0.03;
const FORWARDER_SHARE = 0.7;
const CRANE_MOVES_PER_HOUR = 28;

export interface SimOptions {
  seed: number;
  /** Seed of the liner network (services and vessels); the seed when absent. */
  networkSeed?: number;
  /** Container throughput a year, TEU. */
  annualTeu: number;
  /** Share of the boxes simulated (ships are always all simulated). */
  sample: number;
  /** UTC midnight of simulated day 0. */
  startMs: number;
}

export interface PublishAction {
  kind: 'event';
  at: number;
  party: string;
  event: Record<string, unknown>;
  /** For quay moves and vessel arrivals/departures: the simulated day of the call. */
  callDay?: number;
}
/**
 * The port call exchange between a carrier and a terminal (DCSA Port Call 2.0): creating the
 * call, a timestamp of a milestone, or the terminal's update of berth, cranes and moves.
 *
 * Two of the terminal's steps depend on its berth plan on the platform, so the client decides
 * them when they are due (client.ts): `allocate` gives the call a berth and PTA-Berth only when no
 * accepted plan holds the call (the plan is the terminal's decision); `berth` is the ship's actual
 * berth arrival, at the berth the call holds (the planned one) when no ship is alongside there.
 */
export interface PortCallAction {
  kind: 'portcall';
  at: number;
  party: string;
  callRef: string;
  op: 'create' | 'timestamp' | 'update' | 'allocate' | 'berth';
  body: Record<string, unknown>;
  callDay?: number;
}

/**
 * The body of `allocate` and `berth`: the timestamp to send (PTA-Berth or ATA-Berth), the
 * simulator's own berth for the call (used when no plan holds it, or its planned berth is taken),
 * the berths the ship fits with their cranes, and the cranes the ship would like.
 */
export interface BerthingBody {
  terminalCode: string;
  eventID: string;
  service: string;
  eventType: string;
  phase: string;
  classifier: string;
  serviceDateTime: string;
  berthId: string;
  cranes: number;
  berths: { id: string; cranes: number }[];
}

type Milestone = 'ETA-Berth' | 'PTA-Berth' | 'ATA-PBP' | 'ATA-Berth' | 'ATS-Cargo Ops' | 'ATC-Cargo Ops' | 'ATD-Berth';
/** The DCSA Port Call 2.0 service fields of the timestamps the simulated parties exchange. */
const MILESTONES: Record<Milestone, { service: string; eventType: string; phase: string; classifier: string }> = {
  'ETA-Berth': { service: 'BERTH', eventType: 'ARRI', phase: 'INBD', classifier: 'EST' },
  'PTA-Berth': { service: 'BERTH', eventType: 'ARRI', phase: 'INBD', classifier: 'PLN' },
  'ATA-PBP': { service: 'PILOT_BOARDING_PLACE', eventType: 'ARRI', phase: 'INBD', classifier: 'ACT' },
  'ATA-Berth': { service: 'BERTH', eventType: 'ARRI', phase: 'INBD', classifier: 'ACT' },
  'ATS-Cargo Ops': { service: 'CARGO_OPERATIONS', eventType: 'STRT', phase: 'ALGS', classifier: 'ACT' },
  'ATC-Cargo Ops': { service: 'CARGO_OPERATIONS', eventType: 'CMPL', phase: 'ALGS', classifier: 'ACT' },
  'ATD-Berth': { service: 'BERTH', eventType: 'DEPA', phase: 'OUTB', classifier: 'ACT' },
};
export interface GrantAction { kind: 'grant'; at: number; party: string; grantee: string; referenceType: 'BKG'; referenceValue: string }
/**
 * The terminal's planner looks at its berth plan: none yet, or one running out → propose and
 * accept a plan for the next `windowHours`; stale (a carrier's new ETA broke it) → re-plan and
 * accept. What it finds depends on the platform, so the client decides (client.ts).
 */
export interface BerthPlanAction { kind: 'berthplan'; at: number; party: string; terminalCode: string; windowHours: number }
export type SimAction = PublishAction | GrantAction | PortCallAction | BerthPlanAction;

/** How often each terminal's planner checks its berth plan, and how far ahead it plans. */
const BERTH_PLAN_EVERY_HOURS = 6;
const BERTH_PLAN_WINDOW_HOURS = 48;
/**
 * When the terminal gives a berth to a call no accepted plan holds. By then the planner's plan
 * (re-proposed once it covers less than the next 24 hours) holds nearly every call due, so the
 * plan, not this step, decides the berths.
 */
const FALLBACK_ALLOCATION_HOURS = 12;
/** When the carrier revises its ETA to the ship's real arrival (drift included). */
const ETA_REVISION_HOURS = 8;

interface Call {
  id: string;
  service: Service;
  vessel: Vessel;
  voyage: string;
  /** Scheduled berth arrival. */
  scheduled: number;
  /** Actual berth arrival and departure. */
  ata: number;
  atd: number;
  day: number;
  /** Arrival at the pilot boarding place; the berth and cranes the terminal gives the call. */
  pbp?: number;
  berth?: Berth;
  cranes?: number;
  moves?: { load: number; discharge: number };
}

/** Pilotage from the pilot boarding place to the berth. */
const PILOTAGE_HOURS = 1.5;

type BoxSize = { iso: string; teu: number };
const SIZES: { size: BoxSize; weight: number }[] = [
  { size: { iso: '22G1', teu: 1 }, weight: 0.33 },
  { size: { iso: '42G1', teu: 2 }, weight: 0.22 },
  { size: { iso: '45G1', teu: 2 }, weight: 0.38 },
  { size: { iso: 'L5G1', teu: 2.25 }, weight: 0.07 },
];

interface Box {
  id: string;
  size: BoxSize;
  empty: boolean;
  reefer: boolean;
  dangerous: boolean;
  carrier: Carrier;
  booking: string;
  billOfLading: string;
}

interface Booking { ref: string; bl: string; carrier: Carrier; left: number; forwarder: string | undefined }

export interface PortStats {
  teu: number;
  moves: number;
  transshipmentTeu: number;
  seaRailTeu: number;
  /** Distinct boxes the simulation has produced so far. */
  boxes: number;
  events: number;
  calls: number;
}

export class PortSimulation {
  readonly services: Service[];
  readonly stats: PortStats = { teu: 0, moves: 0, transshipmentTeu: 0, seaRailTeu: 0, boxes: 0, events: 0, calls: 0 };
  /** Quay TEU per simulated day, as planned for that day's calls. */
  readonly teuByDay: number[] = [];
  private readonly rng: Random;
  private readonly pendingLoads = new Map<string, Box[]>();
  private readonly callCache = new Map<number, Call[]>();
  private readonly bookings = new Map<string, Booking>();
  /** When each berth is next free (epoch ms), across days. */
  private readonly berthFree = new Map<string, number>();
  private serial = 0;
  private bookingSerial = 0;
  private nextDay = 0;

  constructor(readonly options: SimOptions) {
    this.services = buildServices(options.networkSeed ?? options.seed);
    this.rng = new Random(options.seed, 2);
  }

  /** The daily TEU target: annual ÷ 365 × sample. */
  get dailyTeuTarget(): number {
    return (this.options.annualTeu / 365) * this.options.sample;
  }

  /** The vessel calls of a day, from the weekly schedule with arrival drift; fixed by the seed. */
  callsOn(day: number): Call[] {
    const cached = this.callCache.get(day);
    if (cached) return cached;
    const dayStart = this.options.startMs + day * DAY_MS;
    const weekday = (new Date(dayStart).getUTCDay() + 6) % 7;
    const calls: Call[] = [];
    this.services.forEach((service, si) => {
      service.callHours.forEach((hourOfWeek, k) => {
        if (Math.floor(hourOfWeek / 24) !== weekday) return;
        const rng = new Random(this.options.seed, 1_000_000 + day * 1000 + si * 10 + k);
        const scheduled = dayStart + (hourOfWeek % 24) * HOUR_MS;
        // Ships run early or late: most within a few hours, some by most of a day.
        const drift = rng.chance(0.15) ? rng.normal(0, 14) : rng.normal(0, 3);
        const absoluteWeek = Math.floor((dayStart - Date.UTC(2024, 0, 1)) / (7 * DAY_MS));
        const callNo = absoluteWeek * service.callsPerWeek + k;
        const vessel = service.vessels[callNo % service.vessels.length];
        const cranes = Math.min(6, Math.max(2, Math.round(vessel.teu / 3000)));
        const hoursAtBerth = 2 + Math.max(4, (vessel.teu * ROUTE_GROUPS[service.group].exchange) / 1.6 / (cranes * CRANE_MOVES_PER_HOUR));
        const ata = scheduled + drift * HOUR_MS;
        calls.push({
          id: `${service.code}-${callNo}`, service, vessel, day, scheduled,
          voyage: `${String(callNo % 1000).padStart(3, '0')}${k % 2 ? 'W' : 'E'}`,
          ata, atd: ata + hoursAtBerth * HOUR_MS,
        });
      });
    });
    calls.sort((a, b) => a.ata - b.ata);
    this.callCache.set(day, calls);
    return calls;
  }

  /**
   * The actions of the next simulated day, in time order (some lie on later days: a box
   * discharged today leaves the gate the day after tomorrow). Days are generated in sequence.
   */
  nextDayActions(): SimAction[] {
    const day = this.nextDay++;
    this.callCache.delete(day - 8);
    const calls = this.callsOn(day);
    const actions: SimAction[] = [];
    const weights = calls.map((c) => c.vessel.teu * ROUTE_GROUPS[c.service.group].exchange);
    const totalWeight = weights.reduce((s, w) => s + w, 0);
    let carried = 0; // planned minus moved so far today, passed on to the next part
    let dayTeu = 0;
    calls.forEach((call, i) => {
      this.stats.calls++;
      this.allocateBerth(call);
      const callTeu = (this.dailyTeuTarget * weights[i]) / totalWeight;
      const dischargeShare = this.rng.between(0.45, 0.55);
      const movesBefore = this.stats.moves;
      const discharged = this.discharge(call, callTeu * dischargeShare + carried, actions);
      const movesDischarged = this.stats.moves - movesBefore;
      carried += callTeu * dischargeShare - discharged;
      const loaded = this.load(call, callTeu * (1 - dischargeShare) + carried, actions);
      carried += callTeu * (1 - dischargeShare) - loaded;
      dayTeu += discharged + loaded;
      call.moves = { discharge: movesDischarged, load: this.stats.moves - movesBefore - movesDischarged };
      actions.push(...this.portCallExchange(call));
    });
    const dayStart = this.options.startMs + day * DAY_MS;
    for (const terminal of TERMINALS) {
      for (let h = 0; h < 24; h += BERTH_PLAN_EVERY_HOURS) {
        actions.push({ kind: 'berthplan', at: dayStart + h * HOUR_MS, party: terminal.key, terminalCode: terminal.code, windowHours: BERTH_PLAN_WINDOW_HOURS });
      }
    }
    this.teuByDay[day] = dayTeu;
    this.stats.teu += dayTeu;
    actions.sort((a, b) => a.at - b.at);
    this.stats.events += actions.filter((a) => a.kind === 'event').length;
    return actions;
  }

  /**
   * The terminal gives the call the suitable berth that frees first (long and deep enough); a
   * ship that finds every suitable berth busy waits at anchorage. Cargo work takes as long as the
   * call's share of the vessel's exchange needs at the cranes' rate.
   */
  private allocateBerth(call: Call) {
    const candidates = this.suitableBerths(call);
    const free = (b: Berth) => this.berthFree.get(b.id) ?? 0;
    const berth = candidates.reduce((best, b) => (free(b) < free(best) ? b : best));
    const hoursAtBerth = (call.atd - call.ata) / HOUR_MS;
    call.pbp = call.ata - PILOTAGE_HOURS * HOUR_MS;
    call.ata = Math.max(call.ata, free(berth));
    call.atd = call.ata + hoursAtBerth * HOUR_MS;
    call.berth = berth;
    call.cranes = Math.min(berth.cranes, Math.max(2, Math.round(call.vessel.teu / 3000)));
    this.berthFree.set(berth.id, call.atd + HOUR_MS);
  }

  /** The berths long and deep enough for the call's ship (all of the terminal's when none is). */
  private suitableBerths(call: Call): Berth[] {
    const terminal = call.service.terminal;
    const suitable = terminal.berths.filter((b) => b.lengthM >= call.vessel.lengthM && b.depthM >= call.vessel.draughtM + 1);
    return suitable.length ? suitable : terminal.berths;
  }

  /** The carrier's and the terminal's messages about one call, from its announcement to departure. */
  private portCallExchange(call: Call): PortCallAction[] {
    const carrier = call.service.carrier.key;
    const terminal = call.service.terminal.key;
    const pbp = call.pbp!;
    const estimate = call.scheduled + this.rng.normal(0, 2) * HOUR_MS;
    const action = (party: string, at: number, op: PortCallAction['op'], body: Record<string, unknown>): PortCallAction =>
      ({ kind: 'portcall', at, party, callRef: call.id, op, body });
    const timestamp = (party: string, at: number, milestone: Milestone, serviceAt: number) =>
      action(party, at, 'timestamp', { eventID: this.rng.uuid(), ...MILESTONES[milestone], serviceDateTime: this.iso(serviceAt) });
    const terminalCall = call.service.terminal;
    const berthing = (at: number, op: 'allocate' | 'berth', milestone: Milestone, serviceAt: number): PortCallAction => {
      const body: BerthingBody = {
        terminalCode: terminalCall.code, eventID: this.rng.uuid(), ...MILESTONES[milestone], serviceDateTime: this.iso(serviceAt),
        berthId: call.berth!.id, cranes: call.cranes!, berths: this.suitableBerths(call).map((b) => ({ id: b.id, cranes: b.cranes })),
      };
      return action(terminal, at, op, body as unknown as Record<string, unknown>);
    };
    return [
      action(carrier, pbp - 72 * HOUR_MS, 'create', {
        terminalCode: call.service.terminal.code, vesselIMONumber: call.vessel.imo, carrierServiceCode: call.service.code,
        importVoyageNumber: call.voyage, exportVoyageNumber: call.voyage, terminalCallReference: call.id,
        isMainlineService: MAINLINE_GROUPS.includes(call.service.group),
      }),
      timestamp(carrier, pbp - 48 * HOUR_MS, 'ETA-Berth', estimate),
      // Closer in, the carrier knows the ship's drift: the revised ETA is its real arrival, which
      // may make the terminal's accepted berth plan stale (the terminal then re-plans).
      timestamp(carrier, pbp - ETA_REVISION_HOURS * HOUR_MS, 'ETA-Berth', pbp + PILOTAGE_HOURS * HOUR_MS),
      // Half a day ahead the terminal gives a berth to a call its accepted berth plan does not hold.
      berthing(pbp - FALLBACK_ALLOCATION_HOURS * HOUR_MS, 'allocate', 'PTA-Berth', Math.max(estimate, call.ata - this.rng.between(0, 2) * HOUR_MS)),
      timestamp(terminal, pbp, 'ATA-PBP', pbp),
      // The ship berths at its planned berth when it is free (client.ts decides against the platform).
      berthing(call.ata, 'berth', 'ATA-Berth', call.ata),
      timestamp(terminal, call.ata + HOUR_MS, 'ATS-Cargo Ops', call.ata + HOUR_MS),
      timestamp(terminal, call.atd - HOUR_MS, 'ATC-Cargo Ops', call.atd - HOUR_MS),
      timestamp(terminal, call.atd, 'ATD-Berth', call.atd),
      action(terminal, call.atd + 60_000, 'update', { actualMoves: { load: call.moves!.load, discharge: call.moves!.discharge, restow: 0 } }),
    ].map((a) => ({ ...a, callDay: call.day }));
  }

  /** Discharges boxes worth about `targetTeu`; returns the TEU discharged. */
  private discharge(call: Call, targetTeu: number, out: SimAction[]): number {
    let teu = 0;
    while (teu < targetTeu - 0.5) {
      const outbound = this.rng.chance(TRANSSHIPMENT_SHARE) ? this.transshipmentCall(call) : undefined;
      const carrier = outbound ? outbound.service.carrier : call.service.carrier;
      const box = this.newBox(carrier, `${call.id}|in|${carrier.key}`, call.ata - this.rng.between(10, 30) * DAY_MS, out);
      const at = this.moveTime(call);
      teu += box.size.teu;
      this.stats.moves++;
      out.push(this.equipment(call.service.carrier.key, box, 'DISC', at, { call }));
      if (outbound) {
        this.stats.transshipmentTeu += box.size.teu;
        const list = this.pendingLoads.get(outbound.id) ?? [];
        list.push(box);
        this.pendingLoads.set(outbound.id, list);
      } else if (!box.empty && this.rng.chance(SEA_RAIL_SHARE / (1 - TRANSSHIPMENT_SHARE) / 0.5 * 0.5)) {
        // Sea-rail import: loaded on a train at the port's rail yard, discharged at the inland port.
        const inland = this.rng.pick(INLAND_PORTS);
        const railLoad = at + this.rng.between(12, 60) * HOUR_MS;
        const railArrive = railLoad + this.rng.between(18, 48) * HOUR_MS;
        this.stats.seaRailTeu += box.size.teu;
        out.push(this.equipment(RAIL_OPERATOR.key, box, 'LOAD', railLoad, { rail: { from: PORT_LOCODE, to: inland.locode } }));
        out.push(this.equipment(RAIL_OPERATOR.key, box, 'DISC', railArrive, { rail: { from: PORT_LOCODE, to: inland.locode }, location: inland.locode }));
      } else {
        out.push(this.equipment(call.service.terminal.key, box, 'GTOT', at + this.rng.between(8, 96) * HOUR_MS, {}));
      }
    }
    return teu;
  }

  /** Loads the transshipment boxes waiting for this call, then export boxes up to `targetTeu`. */
  private load(call: Call, targetTeu: number, out: SimAction[]): number {
    let teu = 0;
    for (const box of this.pendingLoads.get(call.id) ?? []) {
      teu += box.size.teu;
      this.stats.moves++;
      this.stats.transshipmentTeu += box.size.teu;
      out.push(this.equipment(call.service.carrier.key, box, 'LOAD', this.moveTime(call), { call }));
    }
    this.pendingLoads.delete(call.id);
    while (teu < targetTeu - 0.5) {
      const loadAt = this.moveTime(call);
      const box = this.newBox(call.service.carrier, `${call.id}|out`, loadAt - this.rng.between(5, 12) * DAY_MS, out);
      teu += box.size.teu;
      this.stats.moves++;
      if (!box.empty && this.rng.chance(SEA_RAIL_SHARE / (1 - TRANSSHIPMENT_SHARE) / 0.5 * 0.5)) {
        const inland = this.rng.pick(INLAND_PORTS);
        const railArrive = loadAt - this.rng.between(12, 72) * HOUR_MS;
        const railLoad = railArrive - this.rng.between(18, 48) * HOUR_MS;
        this.stats.seaRailTeu += box.size.teu;
        // The carrier releases the box to the shipper first: that event ties box and booking.
        out.push(this.equipment(call.service.carrier.key, box, 'PICK', railLoad - this.rng.between(12, 48) * HOUR_MS, { location: inland.locode }));
        out.push(this.equipment(RAIL_OPERATOR.key, box, 'LOAD', railLoad, { rail: { from: inland.locode, to: PORT_LOCODE }, location: inland.locode }));
        out.push(this.equipment(RAIL_OPERATOR.key, box, 'DISC', railArrive, { rail: { from: inland.locode, to: PORT_LOCODE } }));
      } else {
        const gateIn = loadAt - this.rng.between(10, 100) * HOUR_MS;
        out.push(this.equipment(call.service.carrier.key, box, 'PICK', gateIn - this.rng.between(6, 48) * HOUR_MS, {}));
        out.push(this.equipment(call.service.terminal.key, box, 'GTIN', gateIn, {}));
      }
      out.push(this.equipment(call.service.carrier.key, box, 'LOAD', loadAt, { call }));
      if (!box.empty) out.push(this.shipment(call.service.carrier.key, box.billOfLading, 'TRD', 'ISSU', loadAt + this.rng.between(2, 20) * HOUR_MS));
    }
    return teu;
  }

  /** A later call (1–6 days on) to carry a transshipment box, preferably of the same carrier. */
  private transshipmentCall(inbound: Call): Call | undefined {
    const candidates: Call[] = [];
    for (let d = inbound.day + 1; d <= inbound.day + 6; d++) {
      for (const c of this.callsOn(d)) if (c.ata > inbound.atd + 12 * HOUR_MS && c.service.group !== inbound.service.group) candidates.push(c);
    }
    if (!candidates.length) return undefined;
    const same = candidates.filter((c) => c.service.carrier === inbound.service.carrier);
    return this.rng.pick(same.length ? same : candidates);
  }

  private moveTime(call: Call): number {
    return call.ata + HOUR_MS + this.rng.next() * (call.atd - call.ata - 2 * HOUR_MS);
  }

  /**
   * A new box on a booking of `carrier`. Boxes of one direction of one call share bookings of
   * one to eight boxes; a new booking is confirmed (and shared with its forwarder) when needed.
   */
  private newBox(carrier: Carrier, bookingGroup: string, bookedAt: number, out: SimAction[]): Box {
    let booking = this.bookings.get(bookingGroup);
    if (!booking || booking.left <= 0) {
      this.bookingSerial++;
      const ref = `${carrier.code}${String(this.options.seed % 100).padStart(2, '0')}${String(this.bookingSerial).padStart(7, '0')}`;
      booking = {
        ref, bl: `${carrier.code}B${ref.slice(4)}`, carrier, left: Math.min(8, 1 + Math.floor(-Math.log(1 - this.rng.next()) * 2)),
        forwarder: this.rng.chance(FORWARDER_SHARE) ? this.rng.pick(FORWARDERS).key : undefined,
      };
      this.bookings.set(bookingGroup, booking);
      out.push(this.shipment(carrier.key, ref, 'BKG', 'CONF', bookedAt));
      if (booking.forwarder) out.push({ kind: 'grant', at: bookedAt, party: carrier.key, grantee: booking.forwarder, referenceType: 'BKG', referenceValue: ref });
    }
    if (booking.left === 1) this.bookings.delete(bookingGroup);
    booking.left--;
    this.serial++;
    this.stats.boxes++;
    const size = this.rng.weighted(SIZES.map((s) => s.size), SIZES.map((s) => s.weight));
    const reefer = this.rng.chance(REEFER_SHARE);
    // Serials walk a fixed permutation of 0…999,999 per prefix, so no box is on two journeys at once.
    const prefix = carrier.boxPrefixes[this.serial % carrier.boxPrefixes.length];
    return {
      id: makeContainerNumber(prefix, (this.serial * 7919 + this.options.seed * 104_729) % 1_000_000),
      size: reefer ? { iso: size.teu === 1 ? '22R1' : '45R1', teu: size.teu === 1 ? 1 : 2 } : size,
      empty: this.rng.chance(EMPTY_SHARE), reefer, dangerous: this.rng.chance(DANGEROUS_SHARE),
      carrier, booking: booking.ref, billOfLading: booking.bl,
    };
  }

  private iso(at: number): string {
    return new Date(Math.round(at / 1000) * 1000).toISOString().replace('.000Z', 'Z');
  }

  private transportCallOf(call: Call) {
    return {
      transportCallID: call.id,
      carrierServiceCode: call.service.code,
      exportVoyageNumber: call.voyage,
      importVoyageNumber: call.voyage,
      UNLocationCode: PORT_LOCODE,
      facilityCode: call.service.terminal.code,
      facilityCodeListProvider: 'SMDG',
      facilityTypeCode: 'POTE',
      modeOfTransport: 'VESSEL',
      vessel: {
        vesselIMONumber: call.vessel.imo, vesselName: call.vessel.name, vesselFlag: call.vessel.flag,
        vesselCallSignNumber: call.vessel.callSign, vesselOperatorCarrierCode: call.service.carrier.code, vesselOperatorCarrierCodeListProvider: 'NMFTA',
      },
    };
  }

  private shipment(party: string, documentID: string, documentTypeCode: 'BKG' | 'TRD', code: string, at: number): PublishAction {
    return {
      kind: 'event', at, party,
      event: {
        eventID: this.rng.uuid(), eventType: 'SHIPMENT', eventClassifierCode: 'ACT', eventDateTime: this.iso(at),
        eventCreatedDateTime: this.iso(at + 60_000), shipmentEventTypeCode: code, documentID, documentTypeCode,
      },
    };
  }

  private equipment(party: string, box: Box, code: string, at: number, where: { call?: Call; rail?: { from: string; to: string }; location?: string }): PublishAction {
    const location = where.location ?? PORT_LOCODE;
    const terminal = where.call?.service.terminal;
    const event: Record<string, unknown> = {
      eventID: this.rng.uuid(), eventType: 'EQUIPMENT', eventClassifierCode: 'ACT', eventDateTime: this.iso(at),
      eventCreatedDateTime: this.iso(at + 60_000), equipmentEventTypeCode: code, equipmentReference: box.id,
      ISOEquipmentCode: box.size.iso, emptyIndicatorCode: box.empty ? 'EMPTY' : 'LADEN',
      eventLocation: { locationName: terminal?.name ?? (location === PORT_LOCODE ? 'Port of Qingdao' : INLAND_PORTS.find((p) => p.locode === location)?.name), UNLocationCode: location },
      documentReferences: [
        { documentReferenceType: 'BKG', documentReferenceValue: box.booking },
        ...(box.empty ? [] : [{ documentReferenceType: 'TRD', documentReferenceValue: box.billOfLading }]),
      ],
    };
    if (where.call) event.transportCall = this.transportCallOf(where.call);
    if (where.rail) event.transportCall = { transportCallID: `RAIL-${where.rail.from}-${where.rail.to}`, UNLocationCode: location, modeOfTransport: 'RAIL' };
    // Terminals and rail operators know the box, not the carrier's documents.
    if (party !== box.carrier.key) delete event.documentReferences;
    return { kind: 'event', at, party, event, ...(where.call ? { callDay: where.call.day } : {}) };
  }
}
