/**
 * Cache and shared-state interfaces. Implementations: Redis (ioredis) when REDIS_URL is set; embedded
 * otherwise (in-process LRU for local reads, the platform PostgreSQL database for what must be shared
 * across processes: rate limits and revoked tokens). Production never falls back to embedded.
 */

/** Read-through cache for public reads. Keys are namespaced per service by the implementation. */
export interface Cache {
  get<T>(key: string): Promise<T | undefined>;
  set<T>(key: string, value: T, ttlSeconds: number): Promise<void>;
  del(...keys: string[]): Promise<void>;
  /** Returns the cached value or loads, caches and returns it. Counts hits and misses (metric label = `name`). */
  readThrough<T>(key: string, ttlSeconds: number, load: () => Promise<T>, name?: string): Promise<T>;
  /** Drops every key with this prefix (e.g. all cached pages of one store). */
  delPrefix(prefix: string): Promise<void>;
}

export interface RateLimitResult {
  allowed: boolean;
  /** Hits left in the current window. */
  remaining: number;
  /** Seconds until a refused caller may try again (0 when allowed). */
  retryAfterSeconds: number;
}

/** Fixed-window rate limiter shared by every replica. */
export interface RateLimiter {
  /** Counts one hit on `key` and says whether it is within `limit` per `windowSeconds`. */
  hit(key: string, limit: number, windowSeconds: number): Promise<RateLimitResult>;
  /** Clears a key's counter (e.g. after a successful login). */
  reset(key: string): Promise<void>;
}

/** Revoked access-token ids, kept until the token would have expired anyway. */
export interface RevocationList {
  revoke(tokenId: string, ttlSeconds: number): Promise<void>;
  isRevoked(tokenId: string): Promise<boolean>;
}

/** Everything a process gets from `createCacheRuntime`. */
export interface CacheRuntime {
  cache: Cache;
  rateLimiter: RateLimiter;
  revocations: RevocationList;
  /** 'redis' or 'embedded' */
  kind: 'redis' | 'embedded';
  /** Throws when the backing store does not answer (readiness check). */
  ping(): Promise<void>;
  close(): Promise<void>;
}
