#!/usr/bin/env -S node --max-semi-space-size=64 --no-allocation-site-pretenuring
// The `jiaozhou` command. Runs the compiled CLI; in a checkout without a build, falls back to tsx.
// The heap settings above (also in `npm start` and src/sim/embedded.ts): a larger young generation,
// so that each request's short-lived objects die before a collection instead of being copied by
// one, and no pretenuring, which kept rows read from PostgreSQL alive through scavenges (see
// docs/ARCHITECTURE.md, Runtime).
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const compiled = join(root, 'dist', 'cli.js');
if (existsSync(compiled)) {
  await import(pathToFileURL(compiled).href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import(pathToFileURL(join(root, 'src', 'cli.ts')).href);
}
