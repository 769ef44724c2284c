// A throwaway Jiaozhou server in a process of its own — for `jiaozhou simulate` without `--url`
// and for the benchmarks — on a temporary SQLite file, or on a fresh schema of DATABASE_URL.
// Its own process, so that the load it takes is not slowed by the generator that sends it.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createPgSchemaUrl, dropPgSchema } from '../core/db.js';

export interface EmbeddedServer {
  url: string;
  adminKey: string;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', () => r()));
  const port = (probe.address() as { port: number }).port;
  await new Promise((r) => probe.close(r));
  return port;
}

/** The heap settings `jiaozhou serve` runs with (bin/jiaozhou.js, docs/ARCHITECTURE.md, Runtime). */
export const SERVER_HEAP_FLAGS = ['--max-semi-space-size=64', '--no-allocation-site-pretenuring'];

export async function startEmbeddedServer(options: { nodeArgs?: string[]; compiled?: boolean } = {}): Promise<EmbeddedServer> {
  const port = await freePort();
  const adminKey = `jz_${randomBytes(24).toString('base64url')}`;
  const dir = mkdtempSync(join(tmpdir(), 'jiaozhou-embedded-'));
  const pgUrl = process.env.DATABASE_URL;
  const schema = `sim_${randomBytes(5).toString('hex')}`;
  let databaseUrl = '';
  if (pgUrl) {
    databaseUrl = await createPgSchemaUrl(pgUrl, schema);
  }
  // Run the same code as the caller (the TypeScript sources under tsx, or the compiled CLI), or
  // the compiled CLI when asked, as `npm start` does (the benchmarks).
  const sourceTree = import.meta.url.endsWith('.ts');
  const fromSource = sourceTree && !options.compiled;
  const cli = fileURLToPath(new URL(!sourceTree ? '../cli.js' : fromSource ? '../cli.ts' : '../../dist/cli.js', import.meta.url));
  const child = spawn(process.execPath, [...SERVER_HEAP_FLAGS, ...(options.nodeArgs ?? []), ...(fromSource ? ['--import', 'tsx'] : []), cli, 'serve'], {
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dir, DATABASE_URL: databaseUrl, JIAOZHOU_DEMO: '0', JIAOZHOU_BOOTSTRAP_ADMIN_KEY: adminKey, LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const exited = new Promise((r) => child.once('exit', r));
  const cleanup = async () => {
    if (pgUrl) await dropPgSchema(pgUrl, schema);
    rmSync(dir, { recursive: true, force: true });
  };
  const url = `http://127.0.0.1:${port}`;
  const until = Date.now() + 120_000;
  for (;;) {
    try {
      if ((await fetch(`${url}/ready`)).ok) break;
    } catch { /* still starting */ }
    if (child.exitCode !== null || Date.now() > until) {
      child.kill('SIGKILL');
      await cleanup();
      throw new Error('the embedded server did not start');
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url, adminKey,
    async stop() {
      child.kill('SIGTERM');
      await exited;
      await cleanup();
    },
  };
}
