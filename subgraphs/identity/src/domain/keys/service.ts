// Signing keys: ES256 pairs stored in the identity database (private half encrypted), the signer,
// the published JWKS, rotation, and the verifier identity itself uses.
import { randomUUID } from 'node:crypto';
import { createTokenVerifier, type TokenVerifier } from '@ecomify/kernel/auth';
import { UnauthenticatedError } from '@ecomify/kernel/errors';
import { exportJWK, generateKeyPair, importJWK, SignJWT, type JWK, type JSONWebKeySet, type KeyLike } from 'jose';
import { decrypt, encrypt, type KeyRing } from '../crypto/keyring';
import type { PrismaClient } from '../../generated-client';
import { publishedKeys, signingKeyAt } from './rules';

export const SIGNING_ALG = 'ES256';
/** How long key rows are reused from memory before the database is asked again. */
const KEY_CACHE_MS = 30_000;
/** Serialises key creation across replicas (two starting at once must not both create a first key). */
const KEY_LOCK_ID = 73_100_001;

export interface AccessTokenInput {
  userId: string;
  roles: string[];
  permissions: string[];
  sessionId: string;
}

export interface KeyStore {
  /** Signs an access token with the current key; returns it with its id and expiry (seconds). */
  signAccessToken(input: AccessTokenInput): Promise<{ token: string; jti: string; exp: number; expiresIn: number }>;
  jwks(): Promise<JSONWebKeySet>;
  /**
   * Creates a new key. It is published at once and signs after the propagation delay (so every
   * verifier can fetch it first); the old key stops signing then and stays published until its
   * tokens expire. `immediate` skips the delay (a suspected leak: accept a short verification gap).
   */
  rotate(opts?: { immediate?: boolean }): Promise<{ kid: string; activatesAt: Date; retired: string[] }>;
  /** Forgets cached key rows (after a rotation done by another process, or in tests). */
  invalidate(): void;
}

type KeyRow = Awaited<ReturnType<PrismaClient['signingKey']['findMany']>>[number];

export function createKeyStore(opts: {
  db: PrismaClient;
  ring: KeyRing;
  issuer: string;
  audience: string;
  accessTokenTtlSeconds: number;
  propagationSeconds: number;
  now: () => Date;
}): KeyStore {
  let cached: { rows: KeyRow[]; at: number } | undefined;
  const privateKeys = new Map<string, Promise<KeyLike | Uint8Array>>();

  async function rows(): Promise<KeyRow[]> {
    const nowMs = opts.now().getTime();
    if (cached && Math.abs(nowMs - cached.at) < KEY_CACHE_MS) return cached.rows;
    const found = await opts.db.signingKey.findMany({ orderBy: { activatesAt: 'asc' } });
    cached = { rows: found, at: nowMs };
    return found;
  }

  async function newKeyData(activatesAt: Date) {
    const now = opts.now();
    const kid = `es256-${now.toISOString().slice(0, 10)}-${randomUUID().slice(0, 8)}`;
    const { publicKey, privateKey } = await generateKeyPair(SIGNING_ALG, { extractable: true });
    const publicJwk: JWK = { ...(await exportJWK(publicKey)), kid, alg: SIGNING_ALG, use: 'sig' };
    return {
      kid,
      alg: SIGNING_ALG,
      publicJwk: publicJwk as object,
      // The kid is bound as associated data: a ciphertext moved to another row does not decrypt.
      privateKeyEncrypted: encrypt(opts.ring, JSON.stringify(await exportJWK(privateKey)), kid),
      createdAt: now,
      activatesAt,
    };
  }

  async function currentKey(): Promise<KeyRow> {
    const now = opts.now();
    let key = signingKeyAt(await rows(), now);
    if (key) return key;
    // First start (or every key retired): create one under a lock so replicas agree on it.
    await opts.db.$transaction(async (tx) => {
      await tx.$executeRawUnsafe(`SELECT pg_advisory_xact_lock(${KEY_LOCK_ID})`);
      const existing = await tx.signingKey.findMany();
      // Nobody can hold a token from a key that did not exist yet: no propagation delay is needed.
      if (!signingKeyAt(existing, now)) await tx.signingKey.create({ data: await newKeyData(now) });
    });
    cached = undefined;
    key = signingKeyAt(await rows(), now);
    if (!key) throw new Error('no signing key could be created');
    return key;
  }

  function privateKeyOf(row: KeyRow) {
    let key = privateKeys.get(row.kid);
    if (!key) {
      key = importJWK(JSON.parse(decrypt(opts.ring, row.privateKeyEncrypted, row.kid)) as JWK, row.alg);
      privateKeys.set(row.kid, key);
    }
    return key;
  }

  return {
    async signAccessToken(input) {
      const row = await currentKey();
      const nowSeconds = Math.floor(opts.now().getTime() / 1000);
      const exp = nowSeconds + opts.accessTokenTtlSeconds;
      const jti = randomUUID();
      const token = await new SignJWT({ roles: input.roles, perms: input.permissions, sid: input.sessionId, kind: 'user' })
        .setProtectedHeader({ alg: row.alg, kid: row.kid, typ: 'JWT' })
        .setSubject(input.userId)
        .setIssuer(opts.issuer)
        .setAudience(opts.audience)
        .setIssuedAt(nowSeconds)
        .setJti(jti)
        .setExpirationTime(exp)
        .sign(await privateKeyOf(row));
      return { token, jti, exp, expiresIn: opts.accessTokenTtlSeconds };
    },

    async jwks() {
      // Before the first sign-in there may be no key yet; creating it here means the JWKS is never empty.
      await currentKey();
      const keys = publishedKeys(await rows(), opts.now(), opts.accessTokenTtlSeconds);
      return { keys: keys.map((k) => k.publicJwk as unknown as JWK) };
    },

    async rotate({ immediate = false } = {}) {
      const now = opts.now();
      const activatesAt = new Date(now.getTime() + (immediate ? 0 : opts.propagationSeconds * 1000));
      const data = await newKeyData(activatesAt);
      const retired = await opts.db.$transaction(async (tx) => {
        await tx.$executeRawUnsafe(`SELECT pg_advisory_xact_lock(${KEY_LOCK_ID})`);
        // Older keys stop signing when the new one starts; they stay published until their tokens expire.
        const older = await tx.signingKey.findMany({ where: { retiredAt: null }, select: { kid: true } });
        await tx.signingKey.updateMany({ where: { kid: { in: older.map((k) => k.kid) } }, data: { retiredAt: activatesAt } });
        await tx.signingKey.create({ data });
        return older.map((k) => k.kid);
      });
      cached = undefined;
      return { kid: data.kid, activatesAt, retired };
    },

    invalidate() {
      cached = undefined;
    },
  };
}

/**
 * identity verifies its own tokens against the keys in its database (no HTTP round trip to itself),
 * through the kernel verifier so the algorithm allow-list and claim checks are the same everywhere.
 */
export function createIdentityVerifier(opts: {
  keys: KeyStore;
  issuer: string;
  audience: string;
  isRevoked?: (jti: string) => Promise<boolean>;
}): TokenVerifier {
  let current: { verifier: TokenVerifier; kids: string } | undefined;
  const build = async () => {
    const jwks = await opts.keys.jwks();
    const kids = jwks.keys.map((k) => k.kid).join(',');
    if (!current || current.kids !== kids) {
      current = { verifier: createTokenVerifier({ jwks, issuer: opts.issuer, audience: opts.audience, isRevoked: opts.isRevoked }), kids };
    }
    return current.verifier;
  };
  return {
    async verify(token) {
      try {
        return await (await build()).verify(token);
      } catch (err) {
        // A key rotated by another replica: look again once before refusing.
        if (err instanceof UnauthenticatedError && err.reason === 'TOKEN_UNKNOWN_KEY') {
          opts.keys.invalidate();
          return (await build()).verify(token);
        }
        throw err;
      }
    },
  };
}
