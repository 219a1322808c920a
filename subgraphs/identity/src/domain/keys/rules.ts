// Pure rules for signing keys: which key signs now, which keys verifiers must still see.

export interface KeyTimes {
  kid: string;
  createdAt: Date;
  activatesAt: Date;
  retiredAt: Date | null;
}

/** The key that signs at `now`: the most recently activated one that is not retired. */
export function signingKeyAt<K extends KeyTimes>(keys: K[], now: Date): K | undefined {
  return keys
    .filter((k) => k.activatesAt.getTime() <= now.getTime() && (!k.retiredAt || k.retiredAt.getTime() > now.getTime()))
    .sort((a, b) => b.activatesAt.getTime() - a.activatesAt.getTime() || b.createdAt.getTime() - a.createdAt.getTime())[0];
}

/**
 * Keys the JWKS publishes: keys about to activate (so verifiers know them before the first token),
 * the signing key, and retired keys until every token they signed has expired (plus clock skew).
 */
export function publishedKeys<K extends KeyTimes>(keys: K[], now: Date, accessTokenTtlSeconds: number, skewSeconds = 60): K[] {
  const graceMs = (accessTokenTtlSeconds + skewSeconds) * 1000;
  return keys.filter((k) => !k.retiredAt || k.retiredAt.getTime() + graceMs > now.getTime());
}
