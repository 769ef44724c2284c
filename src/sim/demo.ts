// The demo port behind `npm start`: on an empty platform it creates the parties of the port with
// a demo user each (printed once), back-fills a few simulated days with a progress bar, then keeps
// the port running live. What it needs to resume lives in DATA_DIR/demo.json.
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../core/config.js';
import type { Db } from '../core/db.js';
import { createApiKey, createParty } from '../core/identity.js';
import { PlatformClient, type PartyCredentials } from './client.js';
import { progressBar } from './progress.js';
import { LivePort, type LiveState } from './runner.js';
import { ALL_PARTIES, annualTeuForYear, buildServices } from './world.js';

const DAY_MS = 24 * 3600_000;
const HOUR_MS = 3600_000;

export interface DemoSettings {
  year: number;
  sample: number;
  speed: number;
  backfillDays: number;
  /** Simulated days between the end of the back-fill and now, run at `speed` before real time. */
  headroomDays: number;
  seed: number;
}

export function demoSettings(env: NodeJS.ProcessEnv = process.env): DemoSettings {
  const num = (name: string, fallback: number) => {
    const v = env[name];
    if (v === undefined || v === '') return fallback;
    const n = Number(v);
    if (!Number.isFinite(n) || n < 0) throw new Error(`${name} must be a non-negative number, got ${v}`);
    return n;
  };
  return {
    year: num('JIAOZHOU_DEMO_YEAR', new Date().getUTCFullYear()),
    sample: num('JIAOZHOU_DEMO_SAMPLE', 0.1),
    speed: num('JIAOZHOU_DEMO_SPEED', 60),
    backfillDays: num('JIAOZHOU_DEMO_BACKFILL_DAYS', 3),
    headroomDays: num('JIAOZHOU_DEMO_HEADROOM_DAYS', 1),
    seed: num('JIAOZHOU_DEMO_SEED', 2035),
  };
}

interface DemoState {
  adminKey: string;
  /** Each demo user's own password, by username: a shared one would let any party (a carrier, say) log in as customs. */
  passwords: Record<string, string>;
  parties: Record<string, PartyCredentials>;
  live: LiveState;
}

export interface Demo { stop(): Promise<void> }

export async function startDemo(config: Config, db: Db, baseUrl: string, settings = demoSettings()): Promise<Demo> {
  const statePath = join(config.dataDir, 'demo.json');
  let state = existsSync(statePath) ? (JSON.parse(readFileSync(statePath, 'utf8')) as DemoState) : undefined;
  if (state) {
    // The database may have been replaced while the state file stayed: start over then.
    const check = await fetch(`${baseUrl}/admin/parties`, { headers: { authorization: `Bearer ${state.adminKey}` } });
    if (check.status !== 200) state = undefined;
  }
  const save = (s: DemoState) => writeFileSync(statePath, JSON.stringify(s, null, 2), { mode: 0o600 });

  let backfill = false;
  if (!state) {
    const admin = await createParty(db, { name: 'Port simulator (demo)', roles: ['admin'] });
    const { key: adminKey } = await createApiKey(db, { partyId: admin.id, label: 'demo simulator' });
    const passwords = demoPasswords(ALL_PARTIES.map((p) => p.username));
    const client = new PlatformClient(baseUrl, adminKey);
    const parties = await client.createParties(ALL_PARTIES, (username) => passwords[username]);
    const start = Math.floor((Date.now() - (settings.backfillDays + settings.headroomDays) * DAY_MS) / HOUR_MS) * HOUR_MS;
    state = { adminKey, passwords, parties, live: { seed: settings.seed, segment: 0, cursorMs: start } };
    save(state);
    printLogins(baseUrl, state);
    backfill = true;
  } else {
    state = { ...state, live: { ...state.live, segment: state.live.segment + 1 } };
    console.log(`Demo port resumes (logins in ${statePath}).`);
  }

  const client = new PlatformClient(baseUrl, state.adminKey);
  await client.registerPort(buildServices(state.live.seed), state.parties);
  const current = state;
  const live = new LivePort(client, current.parties, current.live, {
    annualTeu: annualTeuForYear(settings.year), sample: settings.sample, speed: settings.speed,
    onState: (s) => save({ ...current, live: s }),
    onError: (e) => console.error(`demo port: ${(e as Error).message}`),
  });
  if (backfill) {
    const from = current.live.cursorMs;
    const until = from + settings.backfillDays * DAY_MS;
    for (let t = from + HOUR_MS; t <= until; t += HOUR_MS) {
      await live.advanceTo(t);
      progressBar('Back-filling the demo port', t - from, until - from, `${live.published.events.toLocaleString('en')} events`);
    }
    console.log(`Demo port is live: ${settings.speed}× simulated time until it reaches the present, then real time.`);
  }
  live.start();
  return { stop: () => live.stop() };
}

/** A random password for each demo user (18 characters of base64url: 108 bits). */
export function demoPasswords(usernames: string[]): Record<string, string> {
  return Object.fromEntries(usernames.map((u) => [u, randomBytes(14).toString('base64url').slice(0, 18)]));
}

function printLogins(baseUrl: string, state: DemoState) {
  const rows = ALL_PARTIES.map((p) => `  ${p.username.padEnd(16)} ${(state.passwords[p.username] ?? '').padEnd(20)} ${p.roles.join(', ').padEnd(20)} ${p.name}`);
  console.log([
    '',
    'Demo port created. Log in at ' + baseUrl + ' with any of these users, each with its own password',
    '(kept in DATA_DIR/demo.json):',
    '',
    `  ${'username'.padEnd(16)} ${'password'.padEnd(20)} ${'roles'.padEnd(20)} party`,
    ...rows,
    '',
  ].join('\n'));
}
