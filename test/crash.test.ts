// Durability: the server process is killed with SIGKILL while a client sends batches. Every
// batch the server acknowledged must be there after a restart, and retrying the batches that were
// not acknowledged must not create a single duplicate.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPgSchemaUrl, dropPgSchema } from '../src/core/db.js';
import { freePort } from '../src/sim/embedded.js';
import { containerNumber, equipmentEvent } from './helpers.js';

const ADMIN = 'jz_crash_test_admin_key_0123456789abcdefghijklmno';
const BATCHES = 40;
const EVENTS_PER_BATCH = 100;
const SENDERS = 3;

function startServer(env: NodeJS.ProcessEnv): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'serve'], { env: { ...process.env, ...env, LOG_LEVEL: 'warn' }, stdio: ['ignore', 'ignore', 'inherit'] });
}

async function waitReady(base: string) {
  const until = Date.now() + 60_000;
  while (Date.now() < until) {
    try {
      if ((await fetch(`${base}/ready`)).ok) return;
    } catch { /* not up yet */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('server did not become ready within 60 s');
}

describe('crash safety (SIGKILL during ingest)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'jiaozhou-crash-'));
  const pgUrl = process.env.DATABASE_URL;
  const schema = `crash_${randomBytes(5).toString('hex')}`;
  let child: ChildProcess | undefined;
  after(async () => {
    child?.kill('SIGKILL');
    if (pgUrl) await dropPgSchema(pgUrl, schema);
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps every acknowledged event and takes retries without duplicates', async () => {
    let databaseUrl: string | undefined;
    if (pgUrl) {
      databaseUrl = await createPgSchemaUrl(pgUrl, schema);
    }
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const env = { PORT: String(port), DATA_DIR: dir, JIAOZHOU_DEMO: '0', JIAOZHOU_BOOTSTRAP_ADMIN_KEY: ADMIN, DATABASE_URL: databaseUrl ?? '' };
    child = startServer(env);
    await waitReady(base);

    const admin = { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' };
    const party = await (await fetch(`${base}/admin/parties`, { method: 'POST', headers: admin, body: JSON.stringify({ name: 'Crash Carrier', roles: ['carrier'] }) })).json() as { id: string };
    await fetch(`${base}/admin/parties/${party.id}/codes`, { method: 'PUT', headers: admin, body: JSON.stringify({ referencePrefixes: ['BKG-CRASH'], equipmentOwnerCodes: [] }) });
    const { key } = await (await fetch(`${base}/admin/parties/${party.id}/api-keys`, { method: 'POST', headers: admin, body: '{}' })).json() as { key: string };
    const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };

    const batches = Array.from({ length: BATCHES }, (_, b) =>
      Array.from({ length: EVENTS_PER_BATCH }, (_, i) => equipmentEvent({ equipmentReference: containerNumber('CRSU', b * EVENTS_PER_BATCH + i), bookings: [`BKG-CRASH-${b}`] })));
    const acknowledged = new Set<number>();
    let next = 0;
    let killed = false;
    const sender = async () => {
      while (next < batches.length) {
        const b = next++;
        try {
          const res = await fetch(`${base}/v2/events`, { method: 'POST', headers, body: JSON.stringify(batches[b]) });
          if (res.status === 200) {
            const results = await res.json() as { result: string }[];
            assert.ok(results.every((r) => r.result === 'created'));
            acknowledged.add(b);
            // Kill the server in the middle of the stream, while other batches are in flight.
            if (acknowledged.size === 8 && !killed) { killed = true; child!.kill('SIGKILL'); }
          }
        } catch { /* connection reset by the kill: this batch is not acknowledged */ }
      }
    };
    await Promise.all(Array.from({ length: SENDERS }, sender));
    assert.ok(killed, 'the server was killed during ingest');
    await new Promise((r) => child!.once('exit', r).kill('SIGKILL') || setTimeout(r, 0));
    assert.ok(acknowledged.size >= 8 && acknowledged.size < BATCHES, `acknowledged ${acknowledged.size} of ${BATCHES}`);

    child = startServer(env);
    await waitReady(base);

    // Every acknowledged event is there.
    for (const b of acknowledged) {
      const res = await fetch(`${base}/v2/events?carrierBookingReference=BKG-CRASH-${b}&limit=1000`, { headers });
      const got = new Set((await res.json() as { eventID: string }[]).map((e) => e.eventID));
      for (const e of batches[b]) assert.ok(got.has(e.eventID as string), `acknowledged event ${e.eventID} of batch ${b} lost`);
    }
    // Retrying everything that was not acknowledged creates each event exactly once.
    for (let b = 0; b < batches.length; b++) {
      if (acknowledged.has(b)) continue;
      const res = await fetch(`${base}/v2/events`, { method: 'POST', headers, body: JSON.stringify(batches[b]) });
      assert.equal(res.status, 200);
      const results = await res.json() as { result: string }[];
      assert.ok(results.every((r) => r.result === 'created' || r.result === 'duplicate'), JSON.stringify(results.find((r) => r.result === 'rejected')));
    }
    let total = 0;
    let url: string | undefined = '/v2/events?limit=1000';
    const seen = new Set<string>();
    for (let pages = 0; url && pages < 100; pages++) {
      const res: Response = await fetch(`${base}${url}`, { headers });
      const events = await res.json() as { eventID: string }[];
      total += events.length;
      for (const e of events) seen.add(e.eventID);
      url = res.headers.get('next-page') ?? undefined;
    }
    assert.equal(total, BATCHES * EVENTS_PER_BATCH, 'each event stored exactly once');
    assert.equal(seen.size, BATCHES * EVENTS_PER_BATCH);
    child.kill('SIGTERM');
  });
});
