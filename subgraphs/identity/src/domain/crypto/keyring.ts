// AES-256-GCM with a key ring: values carry the id of the key that encrypted them, so keys can be
// rotated (new writes use the first key) while values written under older keys still decrypt.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

export interface KeyRing {
  /** Id of the key new values are encrypted with. */
  activeKeyId: string;
  keys: Map<string, Buffer>;
}

const KEY_ID = /^[A-Za-z0-9_.-]{1,64}$/;

/** Parses `kid1:base64key,kid2:base64key` (first = active). Throws naming the bad entry. */
export function parseKeyRing(spec: string): KeyRing {
  const keys = new Map<string, Buffer>();
  const entries = spec
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean);
  if (!entries.length) throw new Error('must list at least one `keyId:base64key` entry');
  for (const [index, entry] of entries.entries()) {
    const sep = entry.indexOf(':');
    const id = sep > 0 ? entry.slice(0, sep) : '';
    if (!KEY_ID.test(id)) throw new Error(`entry ${index + 1} needs a key id (letters, digits, . _ -) before ':'`);
    const key = Buffer.from(entry.slice(sep + 1), 'base64');
    if (key.length !== 32) throw new Error(`key "${id}" must be 32 bytes, base64-encoded (got ${key.length} bytes)`);
    if (keys.has(id)) throw new Error(`key id "${id}" appears twice`);
    keys.set(id, key);
  }
  return { activeKeyId: entries[0].slice(0, entries[0].indexOf(':')), keys };
}

/** Encrypts with the active key: `<keyId>:<iv>:<ciphertext>:<tag>` (base64url parts). */
export function encrypt(ring: KeyRing, plaintext: string, associatedData?: string): string {
  const key = ring.keys.get(ring.activeKeyId)!;
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  if (associatedData) cipher.setAAD(Buffer.from(associatedData, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return [ring.activeKeyId, iv.toString('base64url'), ciphertext.toString('base64url'), cipher.getAuthTag().toString('base64url')].join(
    ':',
  );
}

/**
 * Decrypts a value written by `encrypt` with whichever ring key it names. `associatedData` binds the
 * value to its owner (e.g. the user id), so a ciphertext copied onto another row does not decrypt.
 */
export function decrypt(ring: KeyRing, value: string, associatedData?: string): string {
  const parts = value.split(':');
  if (parts.length !== 4) throw new Error('encrypted value is malformed');
  const [keyId, iv, ciphertext, tag] = parts;
  const key = ring.keys.get(keyId);
  if (!key) throw new Error(`encrypted value uses key "${keyId}", which is not in the configured key ring`);
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
  if (associatedData) decipher.setAAD(Buffer.from(associatedData, 'utf8'));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8');
}

/** The id of the key a stored value was encrypted with (to find values due for re-encryption). */
export function keyIdOf(value: string): string {
  return value.split(':')[0];
}
