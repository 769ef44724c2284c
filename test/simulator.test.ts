// A small port day through the real API, as the parties' systems would send it.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { PlatformClient } from '../src/sim/client.js';
import { replay } from '../src/sim/runner.js';
import { ALL_PARTIES, annualTeuForYear, buildServices } from '../src/sim/world.js';
import { ADMIN_KEY, testPlatform, type TestPlatform } from './helpers.js';

const DAY_MS = 86_400_000;

describe('simulated port through the API', () => {
  let t: TestPlatform & { url?: string };
  before(async () => { t = await testPlatform({ listen: true }); });
  after(() => t.close());

  it('publishes a port day that the platform accepts whole, and a replay adds nothing', async () => {
    const client = new PlatformClient(t.url!, ADMIN_KEY);
    const parties = await client.createParties(ALL_PARTIES, 'demo-password-1');
    await client.registerPort(buildServices(3), parties);
    const startMs = Math.floor(Date.now() / DAY_MS) * DAY_MS - 4 * DAY_MS;
    const options = { seed: 3, annualTeu: annualTeuForYear(2024), sample: 0.004, days: 1, startMs };
    const first = await replay(client, parties, options);
    assert.ok(first.events > 300, `${first.events} events`);
    assert.ok(Math.abs(first.teu - (30.87e6 / 365) * 0.004) < 0.02 * (30.87e6 / 365) * 0.004);

    const customs = { authorization: `Bearer ${parties.customs.apiKey}` };
    // The simulator publishes equipment and shipment events; vessel arrivals and departures come
    // onto the tracking spine from the port call timestamps.
    const countAll = async () => {
      let url: string | undefined = '/v2/events?eventType=EQUIPMENT,SHIPMENT&limit=1000';
      let n = 0;
      for (let i = 0; url && i < 100; i++) {
        const res = await t.inject({ method: 'GET', url, headers: customs });
        n += res.json().length;
        url = res.headers['next-page'] as string | undefined;
      }
      return n;
    };
    assert.equal(await countAll(), first.events);

    assert.ok(first.portCallMessages > 0, 'carriers and terminals exchanged port call messages');
    // The terminals plan their berths on the platform, and re-plan when revised ETAs break a plan.
    assert.ok(first.berthPlans.accepted > 0, 'the terminals accepted berth plans');
    assert.ok(first.berthPlans.replans > 0, 'revised ETAs made a plan stale and the terminal re-planned');
    const plan = await t.inject({ method: 'GET', url: '/v1/terminals/QQCT/berth-plans/current', headers: { authorization: `Bearer ${parties.qianwan.apiKey}` } });
    assert.equal(plan.statusCode, 200, plan.body);
    assert.ok(plan.json().calls.length > 0);
    const calls = (await t.inject({ method: 'GET', url: '/v1/port-calls?limit=100', headers: { authorization: `Bearer ${parties.authority.apiKey}` } })).json();
    const list = Array.isArray(calls) ? calls : calls.portCalls ?? calls.items;
    assert.ok(list.length > 0, 'the port authority sees the port calls');
    const arrivals = (await t.inject({ method: 'GET', url: '/v2/events?eventType=TRANSPORT&limit=1000', headers: customs })).json();
    assert.ok(arrivals.length > 0, 'arrivals and departures are on the tracking spine');
    // Each carrier sees the arrivals and departures of its own calls, and only those.
    const cosco = { authorization: `Bearer ${parties.cosco.apiKey}` };
    const coscoCalls = new Set(((await t.inject({ method: 'GET', url: '/v1/port-calls?limit=1000', headers: cosco })).json() as { portCallID: string }[]).map((c) => c.portCallID));
    const coscoSees = (await t.inject({ method: 'GET', url: '/v2/events?eventType=TRANSPORT&limit=1000', headers: cosco })).json() as { transportCall: { transportCallID: string } }[];
    assert.ok(coscoSees.length > 0, 'COSCO sees its ships arrive and leave');
    assert.ok(coscoSees.every((e) => coscoCalls.has(e.transportCall.transportCallID)), 'and no other carrier\'s');
    // The terminals berth by their accepted plans: a call whose latest PTA-Berth came from a berth
    // plan ("berth X, berth plan …") berths at X — unless another ship was alongside X at that
    // moment, when the terminal takes another free berth the ship fits (src/sim/client.ts).
    const authority = { authorization: `Bearer ${parties.authority.apiKey}` };
    type Listed = { portCallID: string; terminalCode: string; berthId: string | null; berthArrival: { actual: string | null }; berthDeparture: { actual: string | null } };
    const every = (await t.inject({ method: 'GET', url: '/v1/port-calls?limit=1000', headers: authority })).json() as Listed[];
    let underPlan = 0, atPlanned = 0;
    for (const c of every.filter((x) => x.berthArrival.actual)) {
      const detail = (await t.inject({ method: 'GET', url: `/v1/port-calls/${c.portCallID}`, headers: authority })).json();
      const pta = detail.latestTimestamps.find((x: { timestampDefinition: string }) => x.timestampDefinition === 'PTA-Berth');
      const planned = /^berth (\S+), berth plan /.exec(pta?.event?.timestamp?.remark ?? '')?.[1];
      if (!planned) continue;
      underPlan++;
      if (c.berthId === planned) { atPlanned++; continue; }
      const at = Date.parse(c.berthArrival.actual!);
      const occupant = every.find((o) => o.portCallID !== c.portCallID && o.terminalCode === c.terminalCode && o.berthId === planned && o.berthArrival.actual
        && Date.parse(o.berthArrival.actual) <= at && (!o.berthDeparture.actual || Date.parse(o.berthDeparture.actual) >= at));
      assert.ok(occupant, `${c.portCallID} berthed at ${c.berthId}, not at its planned ${planned}, though no ship was alongside there`);
    }
    assert.ok(underPlan > 0, 'calls berthed under an accepted plan');
    assert.ok(atPlanned >= underPlan / 2, `${atPlanned} of ${underPlan} calls under a plan berthed at the planned berth`);
    const kpis = await t.inject({ method: 'GET', url: `/v1/port-calls/kpis?from=${new Date(startMs - DAY_MS).toISOString()}&to=${new Date(startMs + 3 * DAY_MS).toISOString()}`, headers: { authorization: `Bearer ${parties.authority.apiKey}` } });
    assert.equal(kpis.statusCode, 200, kpis.body);

    // The same seed again: every event is a duplicate, nothing new is stored.
    const again = await replay(client, parties, options);
    assert.equal(again.events, first.events);
    assert.equal(await countAll(), first.events);

    // A forwarder sees the containers of the bookings shared with it, and only those.
    const forwarder = { authorization: `Bearer ${parties.sinotrans.apiKey}` };
    const seen = (await t.inject({ method: 'GET', url: '/v2/events?eventType=EQUIPMENT&limit=1000', headers: forwarder })).json();
    assert.ok(seen.length > 0, 'the forwarder sees its shipments');
    assert.ok(seen.length < first.events / 2, 'and not the whole port');
    const login = await t.inject({ method: 'POST', url: '/v1/session', payload: { username: 'sinotrans', password: 'demo-password-1' } });
    assert.equal(login.statusCode, 200, 'demo users can log in');
  });

  it('`jiaozhou simulate --json` ends with one JSON summary line', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [
      'bin/jiaozhou.js', 'simulate', '--year', '2028', '--days', '1', '--sample', '0.002', '--seed', '5', '--url', t.url!, '--admin-key', ADMIN_KEY, '--json',
    ]);
    const summary = JSON.parse(stdout.trim().split('\n').at(-1)!);
    assert.deepEqual(Object.keys(summary), ['seed', 'year', 'days', 'teu', 'boxes', 'events', 'seconds', 'eventsPerSecond']);
    assert.equal(summary.seed, 5);
    assert.equal(summary.year, 2028);
    assert.ok(Math.abs(summary.teu - (41e6 / 365) * 0.002) <= 0.02 * (41e6 / 365) * 0.002 + 1);
    assert.ok(summary.events > 0 && summary.boxes > 0);
  });

  it('rejects bad flags with a clear message', async () => {
    await assert.rejects(promisify(execFile)(process.execPath, ['bin/jiaozhou.js', 'simulate', '--sample', '2', '--url', t.url!, '--admin-key', ADMIN_KEY]), /--sample must be a fraction/);
  });
});
