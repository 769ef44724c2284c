// The simulator talks to Jiaozhou only through its public HTTP API, as the parties' own systems
// would: the admin API to set up parties, each party's API key to publish and to grant.
import type { SimParty } from './world.js';

export interface PartyCredentials {
  id: string;
  apiKey: string;
  username: string;
}

const RETRIES = 5;

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

  /** Creates the parties with an API key each and, when `password` is given, a demo user. */
  async createParties(parties: SimParty[], password?: string): Promise<Record<string, PartyCredentials>> {
    const out: Record<string, PartyCredentials> = {};
    for (const p of parties) {
      const created = await this.request('/admin/parties', { method: 'POST', key: this.adminKey, body: { name: p.name, roles: p.roles } });
      if (created.status !== 201) throw new Error(`creating party ${p.name}: ${JSON.stringify(created.body)}`);
      const id = (created.body as { id: string }).id;
      const key = await this.request(`/admin/parties/${id}/api-keys`, { method: 'POST', key: this.adminKey, body: { label: 'port simulator' } });
      if (key.status !== 201) throw new Error(`creating API key for ${p.name}: ${JSON.stringify(key.body)}`);
      let username = '';
      if (password) {
        username = p.username;
        const user = await this.request(`/admin/parties/${id}/users`, { method: 'POST', key: this.adminKey, body: { username, password } });
        // A rerun against the same server finds its demo users already there.
        if (user.status !== 201 && user.status !== 409) throw new Error(`creating user ${username}: ${JSON.stringify(user.body)}`);
      }
      out[p.key] = { id, apiKey: (key.body as { key: string }).key, username };
    }
    return out;
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
