// Unit tests of the master key and what derives from it (no database).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadMasterKey, parseMasterKey, PlatformSecrets, SECRET_KEY_FILE } from './secrets.js';

const key = () => randomBytes(32);

describe('the master key', () => {
  it('comes from JIAOZHOU_SECRET_KEY when set, and must be Base64 of 32 bytes', () => {
    const k = key();
    assert.deepEqual(loadMasterKey({ secretKey: k.toString('base64'), dataDir: '/nonexistent' }), k);
    for (const bad of ['', 'short', randomBytes(16).toString('base64'), randomBytes(33).toString('base64'), `${k.toString('base64')}!`]) {
      assert.throws(() => parseMasterKey(bad, 'JIAOZHOU_SECRET_KEY'), /JIAOZHOU_SECRET_KEY must be Base64 of 32 bytes/, bad);
    }
  });

  it('is otherwise created once in DATA_DIR, readable by its owner only, and read again later', () => {
    const dir = mkdtempSync(join(tmpdir(), 'jiaozhou-key-'));
    try {
      const first = loadMasterKey({ dataDir: dir });
      const file = join(dir, SECRET_KEY_FILE);
      assert.equal(statSync(file).mode & 0o777, 0o600);
      assert.equal(Buffer.from(readFileSync(file, 'utf8').trim(), 'base64').length, 32);
      assert.deepEqual(loadMasterKey({ dataDir: dir }), first);
      writeFileSync(file, 'not a key');
      assert.throws(() => loadMasterKey({ dataDir: dir }), /secret\.key must be Base64/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('PlatformSecrets', () => {
  const secrets = new PlatformSecrets(key());
  const plain = randomBytes(32).toString('base64');

  it('seals so that the sealed text reveals nothing of the secret, and opens it again', () => {
    const sealed = secrets.seal(plain, 'subscriptions.secret:a');
    assert.ok(PlatformSecrets.isSealed(sealed));
    assert.ok(!sealed.includes(plain));
    assert.ok(!sealed.includes(Buffer.from(plain, 'base64').toString('hex')));
    assert.notEqual(secrets.seal(plain, 'subscriptions.secret:a'), sealed, 'a fresh IV each time');
    assert.equal(secrets.open(sealed, 'subscriptions.secret:a'), plain);
  });

  it('does not open under another key, in another context, or when changed', () => {
    const sealed = secrets.seal(plain, 'subscriptions.secret:a');
    assert.throws(() => new PlatformSecrets(key()).open(sealed, 'subscriptions.secret:a'), /does not open/);
    assert.throws(() => secrets.open(sealed, 'subscriptions.secret:b'), /does not open/);
    const flipped = `${sealed.slice(0, -2)}${sealed.at(-2) === 'A' ? 'B' : 'A'}${sealed.at(-1)}`;
    assert.throws(() => secrets.open(flipped, 'subscriptions.secret:a'), /does not open/);
    assert.throws(() => secrets.open('sealed:v1:AAAA', 'subscriptions.secret:a'), /truncated/);
  });

  it('passes a secret stored before sealing existed through unchanged', () => {
    assert.equal(PlatformSecrets.isSealed(plain), false);
    assert.equal(secrets.open(plain, 'subscriptions.secret:a'), plain);
  });

  it('derives a different key per purpose, the same for the same master key', () => {
    const master = key();
    const a = new PlatformSecrets(master);
    const b = new PlatformSecrets(Buffer.from(master));
    assert.deepEqual(a.cursorKey, b.cursorKey);
    assert.equal(a.fingerprint, b.fingerprint);
    assert.notDeepEqual(a.cursorKey, master);
    assert.notEqual(a.fingerprint, new PlatformSecrets(key()).fingerprint);
    assert.equal(b.open(a.seal(plain, 'c'), 'c'), plain);
  });
});
