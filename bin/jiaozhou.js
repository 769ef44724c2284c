#!/usr/bin/env -S node --max-semi-space-size=64
// The `jiaozhou` command. Runs the compiled CLI; in a checkout without a build, falls back to tsx.
// A larger young generation (the flag above; also in `npm start` and src/sim/embedded.ts): each
// request's short-lived objects then die before a collection instead of being copied by one, so
// fewer scavenge pauses land in a request (see docs/ARCHITECTURE.md, Runtime).
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
