// The simulator talks to Jiaozhou only through its public HTTP API, as the parties' own systems
// would: the admin API to set up parties, each party's API key to publish and to grant.
import type { BerthingBody, BerthPlanAction, PortCallAction } from './port.js';
import { CARRIERS, RAIL_OPERATOR, TERMINALS, type Service, type SimParty } from './world.js';

export interface PartyCredentials {
  id: string;
  apiKey: string;
  username: string;
}

const RETRIES = 5;
/** The optimiser's budget for a simulated terminal's plan (the demo's calls are few per window). */
const SIM_PLAN_SECONDS = 0.3;

export class PlatformClient {
  constructor(readonly baseUrl: string, private readonly adminKey: string) {}

  private async request(path: string, init: { method: string; key: string; body?: unknown; headers?: Record<string, string> }): Promise<{ status: number; body: unknown }> {
    let lastError: unknown;
    for (let attempt = 0; attempt < RETRIES; attempt++) {
      try {
        const res = await fetch(`${this.baseUrl}${path}`, {
          method: init.method,
          headers: { authorization: `Bearer ${init.key}`, ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}), ...init.headers },
          body: init.body === undefined ? undefined : typeof init.body === 'string' ? init.body : JSON.stringify(init.body),
        });
        const text = await res.text();
        if (res.status >= 500) throw new Error(`${init.method} ${path}: ${res.status} ${text.slice(0, 200)}`);
        return { status: res.status, body: text ? JSON.parse(text) : null };
      } catch (e) {
        // Every write we make is idempotent (eventIDs, Idempotency-Key), so retrying is safe.
        lastError = e;
        await new Promise((r) => setTimeout(r, 200 * 2 ** attempt));
      }
    }
    throw lastError;
  }

  /** Creates the parties with an API key each and, when `password` is given, a demo user (with that password, or the one it gives for the username). */
  async createParties(parties: SimParty[], password?: string | ((username: string) => string)): Promise<Record<string, PartyCredentials>> {
    const out: Record<string, PartyCredentials> = {};
    // A rerun against the same server drives the port's parties it made before (a carrier's
    // registered codes are one party's); each run has keys of its own.
    const listed = await this.request('/admin/parties', { method: 'GET', key: this.adminKey });
    if (listed.status !== 200) throw new Error(`listing parties: ${listed.status} ${JSON.stringify(listed.body).slice(0, 300)}`);
    const existing = new Map((listed.body as { id: string; name: string }[]).map((p) => [p.name, p.id]));
    for (const p of parties) {
      let id = existing.get(p.name);
      if (!id) {
        const created = await this.request('/admin/parties', { method: 'POST', key: this.adminKey, body: { name: p.name, roles: p.roles } });
        if (created.status !== 201) throw new Error(`creating party ${p.name}: ${JSON.stringify(created.body)}`);
        id = (created.body as { id: string }).id;
      }
      const key = await this.request(`/admin/parties/${id}/api-keys`, { method: 'POST', key: this.adminKey, body: { label: 'port simulator' } });
      if (key.status !== 201) throw new Error(`creating API key for ${p.name}: ${JSON.stringify(key.body)}`);
      let username = '';
      if (password) {
        username = p.username;
        const user = await this.request(`/admin/parties/${id}/users`, { method: 'POST', key: this.adminKey, body: { username, password: typeof password === 'string' ? password : password(username) } });
        // A rerun against the same server finds its demo users already there.
        if (user.status !== 201 && user.status !== 409) throw new Error(`creating user ${username}: ${JSON.stringify(user.body)}`);
      }
      out[p.key] = { id, apiKey: (key.body as { key: string }).key, username };
    }
    return out;
  }

  /** The port's reference data: its vessels, the terminals and their berths (admin API). */
  async registerPort(services: Service[], parties: Record<string, PartyCredentials>): Promise<void> {
    const put = async (path: string, body: unknown) => {
      const res = await this.request(path, { method: 'PUT', key: this.adminKey, body });
      if (res.status >= 300) throw new Error(`PUT ${path}: ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`);
    };
    // Whose bookings, B/Ls and boxes are whose, and who acts for each carrier: its terminals
    // and the sea-rail operator report the gate and rail moves of its boxes.
    for (const c of CARRIERS) {
      await put(`/admin/parties/${parties[c.key].id}/codes`, { referencePrefixes: [c.code], equipmentOwnerCodes: c.boxPrefixes });
      for (const agent of [...TERMINALS, RAIL_OPERATOR]) {
        const named = await this.request('/v1/agents', { method: 'POST', key: parties[c.key].apiKey, body: { agentPartyId: parties[agent.key].id } });
        if (named.status !== 201) throw new Error(`${c.name} naming ${agent.name}: ${named.status} ${JSON.stringify(named.body).slice(0, 300)}`);
      }
    }
    for (const t of TERMINALS) {
      await put(`/v1/terminals/${t.code}`, { name: t.name, UNLocationCode: 'CNTAO', operatorPartyId: parties[t.key].id });
      for (const b of t.berths) await put(`/v1/terminals/${t.code}/berths/${b.id}`, { name: b.id, lengthM: b.lengthM, depthM: b.depthM, craneCount: b.cranes, maxLoaM: b.lengthM });
    }
    for (const v of new Map(services.flatMap((s) => s.vessels).map((v) => [v.imo, v])).values()) {
      await put(`/v1/vessels/${v.imo}`, {
        name: v.name, mmsi: v.mmsi, callSign: v.callSign, vesselTypeCode: 'CONT', lengthOverallM: v.lengthM, beamM: v.beamM,
        maxDraughtM: v.draughtM, teuCapacity: v.teu,
      });
    }
  }

  /**
   * One step of a port call's exchange. `callIds` maps the carrier's call reference to the
   * platform's port call id (learnt when the call is created; a retried creation, with the same
   * Idempotency-Key, answers with the same id).
   */
  async portCall(a: PortCallAction, apiKey: string, callIds: Map<string, string>): Promise<void> {
    const fail = (res: { status: number; body: unknown }) => new Error(`port call ${a.callRef} ${a.op}: ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`);
    if (a.op === 'create') {
      const res = await this.request('/v1/port-calls', { method: 'POST', key: apiKey, body: a.body, headers: { 'idempotency-key': `sim-call-${a.callRef}` } });
      if (res.status !== 201) throw fail(res);
      callIds.set(a.callRef, (res.body as { portCallID: string }).portCallID);
      return;
    }
    const id = callIds.get(a.callRef);
    if (!id) return; // created before this run's window (a resumed demo): nothing to attach to
    if (a.op === 'update') {
      const res = await this.request(`/v1/port-calls/${id}`, { method: 'PATCH', key: apiKey, body: a.body });
      if (res.status !== 200) throw fail(res);
      return;
    }
    if (a.op === 'allocate' || a.op === 'berth') {
      const go = await (a.op === 'allocate' ? this.allocate(id, a.body as unknown as BerthingBody, apiKey) : this.berthShip(id, a.body as unknown as BerthingBody, apiKey));
      if (!go) return;
    }
    const { eventID, service, eventType, phase, classifier, serviceDateTime } = a.body as Record<string, string>;
    const res = await this.request('/port-call/v2/events', {
      method: 'POST', key: apiKey,
      body: { events: [{
        eventID, terminalCall: { terminalCallID: id },
        portCallService: { portCallServiceTypeCode: service, portCallServiceEventTypeCode: eventType, portCallPhaseTypeCode: phase },
        timestamp: { classifierCode: classifier, serviceDateTime },
      }] },
    });
    if (res.status !== 200 && res.status !== 201) throw fail(res);
  }

  /**
   * A day before arrival: a call the terminal's accepted berth plan holds keeps the plan's berth
   * and PTA-Berth (the plan is the terminal's decision); any other call still to come gets the
   * simulator's berth and cranes, and the caller then sends its PTA-Berth. True: send it.
   */
  private async allocate(id: string, b: BerthingBody, apiKey: string): Promise<boolean> {
    const call = await this.request(`/v1/port-calls/${id}`, { method: 'GET', key: apiKey });
    if (call.status !== 200) throw new Error(`port call ${id}: ${call.status} ${JSON.stringify(call.body).slice(0, 300)}`);
    // A call already in port (a replay of past days) keeps what it has.
    if ((call.body as { status: string }).status !== 'PLANNED') return false;
    const plan = await this.request(`/v1/terminals/${b.terminalCode}/berth-plans/current`, { method: 'GET', key: apiKey });
    if (plan.status !== 200 && plan.status !== 404) throw new Error(`berth plan ${b.terminalCode} read: ${plan.status} ${JSON.stringify(plan.body).slice(0, 300)}`);
    if (plan.status === 200 && (plan.body as { calls: { portCallID: string }[] }).calls.some((c) => c.portCallID === id)) return false;
    await this.patchCall(id, { berthId: b.berthId, cranesUsed: b.cranes }, apiKey);
    return true;
  }

  /**
   * The ship's actual berth arrival, at the berth the call holds on the platform — its accepted
   * plan's — when no other ship is alongside there; else at the simulator's own berth, or another
   * berth it fits, whichever is free (when none is, the simulator's own: its times are fixed).
   * Cranes are set for the berth it takes. The caller then sends the ATA-Berth. True: send it.
   */
  private async berthShip(id: string, b: BerthingBody, apiKey: string): Promise<boolean> {
    const res = await this.request(`/v1/port-calls/${id}`, { method: 'GET', key: apiKey });
    if (res.status !== 200) throw new Error(`port call ${id}: ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`);
    const call = res.body as { status: string; berthId: string | null; cranesUsed: number | null };
    // Already alongside or gone (a replay): the ATA-Berth again is a duplicate, the berth stays.
    if (call.status === 'ALONGSIDE' || call.status === 'DEPARTED') return true;
    const alongside = await this.request(`/v1/port-calls?terminal=${b.terminalCode}&status=ALONGSIDE&limit=1000`, { method: 'GET', key: apiKey });
    if (alongside.status !== 200) throw new Error(`port calls alongside at ${b.terminalCode}: ${alongside.status}`);
    const taken = new Set((alongside.body as { portCallID: string; berthId: string | null }[]).filter((c) => c.portCallID !== id).map((c) => c.berthId));
    const fits = new Map(b.berths.map((x) => [x.id, x.cranes]));
    const free = (berth: string | null): berth is string => berth !== null && fits.has(berth) && !taken.has(berth);
    const berth = [call.berthId, b.berthId, ...b.berths.map((x) => x.id)].find(free) ?? b.berthId;
    const cranes = Math.min(b.cranes, fits.get(berth) ?? b.cranes);
    if (berth !== call.berthId || cranes !== call.cranesUsed) await this.patchCall(id, { berthId: berth, cranesUsed: cranes }, apiKey);
    return true;
  }

  private async patchCall(id: string, body: { berthId: string; cranesUsed: number }, apiKey: string): Promise<void> {
    const res = await this.request(`/v1/port-calls/${id}`, { method: 'PATCH', key: apiKey, body });
    if (res.status !== 200) throw new Error(`port call ${id} berth: ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`);
  }

  /**
   * The terminal planner's look at its berth plan at simulated time `a.at` (berthPlanRoutes.ts):
   * a stale plan is re-planned, a missing or running-out one proposed for the next window, and
   * the proposal accepted. Windows are in simulated time, so a replay of past days plans them too.
   */
  async berthPlan(a: BerthPlanAction, apiKey: string): Promise<'none' | 'planned' | 'replanned'> {
    const base = `/v1/terminals/${a.terminalCode}/berth-plans`;
    const fail = (what: string, res: { status: number; body: unknown }) => new Error(`berth plan ${a.terminalCode} ${what}: ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`);
    const from = Math.floor(a.at / 3600_000) * 3600_000;
    const window = { from: new Date(from).toISOString(), to: new Date(from + a.windowHours * 3600_000).toISOString() };
    const current = await this.request(`${base}/current`, { method: 'GET', key: apiKey });
    if (current.status !== 200 && current.status !== 404) throw fail('read', current);
    const plan = current.status === 200 ? (current.body as { id: string; stale: boolean; to: string }) : undefined;
    const stale = plan?.stale === true;
    // A plan still holding and covering the next day stays.
    if (plan && !stale && Date.parse(plan.to) >= a.at + 24 * 3600_000) return 'none';
    const proposed = stale
      ? await this.request(`${base}/${plan!.id}/replan`, { method: 'POST', key: apiKey, body: { ...window, timeLimitSeconds: SIM_PLAN_SECONDS } })
      : await this.request(base, { method: 'POST', key: apiKey, body: { ...window, timeLimitSeconds: SIM_PLAN_SECONDS } });
    if (proposed.status !== 201) throw fail('propose', proposed);
    const proposal = proposed.body as { id: string; calls: unknown[] };
    if (!proposal.calls.length) {
      await this.request(`${base}/${proposal.id}`, { method: 'DELETE', key: apiKey });
      return 'none';
    }
    const accepted = await this.request(`${base}/${proposal.id}/accept`, { method: 'POST', key: apiKey });
    if (accepted.status !== 200) throw fail('accept', accepted);
    return stale ? 'replanned' : 'planned';
  }

  /** Publishes a batch; returns how many were rejected (with the first problem). */
  async publish(apiKey: string, events: Record<string, unknown>[]): Promise<{ rejected: number; firstProblem?: unknown }> {
    const res = await this.request('/v2/events', { method: 'POST', key: apiKey, body: JSON.stringify(events) });
    if (res.status !== 200) throw new Error(`publishing: ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`);
    const results = res.body as { result: string; problem?: unknown }[];
    const rejected = results.filter((r) => r.result === 'rejected');
    return { rejected: rejected.length, firstProblem: rejected[0]?.problem };
  }

  /** Grants in one transaction; granting again what is granted changes nothing. */
  async grant(apiKey: string, grants: { granteePartyId: string; referenceType: string; referenceValue: string }[]): Promise<void> {
    const res = await this.request('/v1/grants/batch', { method: 'POST', key: apiKey, body: grants });
    if (res.status !== 200) throw new Error(`granting: ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`);
  }
}
