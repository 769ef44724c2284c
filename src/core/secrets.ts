// The platform's master key and what is derived from it: the key that seals webhook secrets in
// the database and the key that signs paging cursors. The master key is never stored in the
// database, so that a copy of the database (a backup, a read through some other flaw) reveals
// neither the subscribers' secrets nor a way to forge cursors.
//
// Where it comes from: JIAOZHOU_SECRET_KEY (Base64 of 32 bytes), else the file `secret.key` in
// DATA_DIR, created on first start readable by the owner only. Nodes that share one PostgreSQL
// database must share the key (set the variable on every node): `checkKeyFingerprint` refuses to
// start a node whose key differs from the one the database was first used with.
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Executor } from './db.js';
import { nowIso } from './time.js';

export const MASTER_KEY_BYTES = 32;
export const SECRET_KEY_FILE = 'secret.key';
/** Sealed values start with this; Base64 (a plaintext secret) never holds a colon. */
const SEALED_PREFIX = 'sealed:v1:';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** Reads a master key given as Base64; throws naming where it came from when it is not 32 bytes. */
export function parseMasterKey(text: string, source: string): Buffer {
  const trimmed = text.trim();
  const key = Buffer.from(trimmed, 'base64');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(trimmed) || key.length !== MASTER_KEY_BYTES) {
    throw new Error(`${source} must be Base64 of ${MASTER_KEY_BYTES} bytes (e.g. \`openssl rand -base64 32\`)`);
  }
  return key;
}

/**
 * The master key: from `secretKey` (JIAOZHOU_SECRET_KEY) when given, else from DATA_DIR's key
 * file, which is created (mode 0600) when missing. Two processes starting together on an empty
 * DATA_DIR agree: the file is created exclusively, and the loser reads the winner's key.
 */
export function loadMasterKey(config: { secretKey?: string; dataDir: string }): Buffer {
  if (config.secretKey) return parseMasterKey(config.secretKey, 'JIAOZHOU_SECRET_KEY');
  const file = join(config.dataDir, SECRET_KEY_FILE);
  mkdirSync(config.dataDir, { recursive: true });
  try {
    writeFileSync(file, `${randomBytes(MASTER_KEY_BYTES).toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  if ((statSync(file).mode & 0o077) !== 0) console.warn(`${file} is readable by others than its owner; chmod 600 it`);
  return parseMasterKey(readFileSync(file, 'utf8'), file);
}

const derive = (master: Buffer, purpose: string) => Buffer.from(hkdfSync('sha256', master, Buffer.alloc(0), `jiaozhou ${purpose}`, 32));

/** Keys derived from the master key, one per purpose, and sealing with the first. */
export class PlatformSecrets {
  /** HMAC-SHA256 key of paging cursors. */
  readonly cursorKey: Buffer;
  /** Names the master key without revealing it (stored to detect nodes with different keys). */
  readonly fingerprint: string;
  private readonly sealKey: Buffer;

  constructor(master: Buffer) {
    if (master.length !== MASTER_KEY_BYTES) throw new Error(`the master key must have ${MASTER_KEY_BYTES} bytes`);
    this.sealKey = derive(master, 'sealed secrets v1');
    this.cursorKey = derive(master, 'cursor signatures v1');
    this.fingerprint = derive(master, 'key fingerprint v1').subarray(0, 16).toString('hex');
  }

  static isSealed(stored: string): boolean {
    return stored.startsWith(SEALED_PREFIX);
  }

  /**
   * AES-256-GCM under the derived key, bound to `context` (e.g. the subscription's ID): a sealed
   * value copied to another row does not open there.
   */
  seal(plain: string, context: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.sealKey, iv);
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const sealed = Buffer.concat([iv, cipher.update(plain, 'utf8'), cipher.final(), cipher.getAuthTag()]);
    return `${SEALED_PREFIX}${sealed.toString('base64url')}`;
  }

  /** The plaintext of a sealed value; a value stored before sealing existed is returned as is. */
  open(stored: string, context: string): string {
    if (!PlatformSecrets.isSealed(stored)) return stored;
    const sealed = Buffer.from(stored.slice(SEALED_PREFIX.length), 'base64url');
    if (sealed.length < IV_BYTES + TAG_BYTES) throw new Error('sealed value is truncated');
    const decipher = createDecipheriv('aes-256-gcm', this.sealKey, sealed.subarray(0, IV_BYTES));
    decipher.setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
    try {
      return Buffer.concat([decipher.update(sealed.subarray(IV_BYTES, sealed.length - TAG_BYTES)), decipher.final()]).toString('utf8');
    } catch {
      throw new Error('sealed value does not open with this platform\'s key (another JIAOZHOU_SECRET_KEY?)');
    }
  }
}

/**
 * Records the key's fingerprint in the database the first time, and refuses a key that differs
 * from the recorded one: a node with its own key would sign cursors the others refuse and could
 * not open the secrets they sealed.
 */
export async function checkKeyFingerprint(db: Executor, secrets: PlatformSecrets): Promise<void> {
  await db.insertInto('platform_keys').values({ name: 'master', fingerprint: secrets.fingerprint, created_at: nowIso() })
    .onConflict((oc) => oc.column('name').doNothing()).execute();
  const row = await db.selectFrom('platform_keys').select('fingerprint').where('name', '=', 'master').executeTakeFirstOrThrow();
  if (row.fingerprint !== secrets.fingerprint) {
    throw new Error('this database was first used with another master key: give every node the same JIAOZHOU_SECRET_KEY '
      + '(or the secret.key file of the node that created the database)');
  }
}

/** Seals webhook secrets stored in plaintext (before sealing existed, or by an older node). */
export async function sealStoredSecrets(db: Executor, secrets: PlatformSecrets): Promise<number> {
  const rows = await db.selectFrom('subscriptions').select(['id', 'secret']).where('secret', 'not like', `${SEALED_PREFIX}%`).execute();
  for (const r of rows) {
    // Only a row still holding the plaintext read here is changed (a concurrent node may have
    // sealed it meanwhile).
    await db.updateTable('subscriptions').set({ secret: secrets.seal(r.secret, subscriptionSecretContext(r.id)) })
      .where('id', '=', r.id).where('secret', '=', r.secret).execute();
  }
  return rows.length;
}

/** What a subscription's sealed secret is bound to. */
export const subscriptionSecretContext = (subscriptionId: string) => `subscriptions.secret:${subscriptionId}`;
