/**
 * In-process building blocks shared by both runtimes: the LRU behind the embedded Cache, a local
 * fixed-window limiter (the embedded fallback when the shared store is unreachable), and the
 * read-through logic with hit/miss metrics and single-flight loading.
 */
import { metrics } from '../metrics';
import type { RateLimitResult, RevocationList } from './types';

/** Entries store serialized JSON, not the live object (see LruStore.set). */
interface Entry {
  json: string;
  expiresAt: number;
}

/** A bounded map with per-entry TTL; least recently used entries go first. */
export class LruStore {
  private readonly map = new Map<string, Entry>();
  constructor(private readonly maxEntries: number) {}

  get(key: string): string | undefined {
    const entry = this.map.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= Date.now()) {
      this.map.delete(key);
      return undefined;
    }
    // Map keeps insertion order: re-inserting marks the entry most recently used.
    this.map.delete(key);
    this.map.set(key, entry);
    return entry.json;
  }

  /**
   * Stores JSON rather than the object so embedded mode behaves like Redis: callers cannot mutate a
   * cached value through a shared reference, and a Date comes back as a string in both modes.
   */
  set(key: string, json: string, ttlSeconds: number): void {
    this.map.delete(key);
    this.map.set(key, { json, expiresAt: Date.now() + ttlSeconds * 1000 });
    while (this.map.size > this.maxEntries) {
      const oldest = this.map.keys().next().value as string;
      this.map.delete(oldest);
    }
  }

  delete(key: string): void {
    this.map.delete(key);
  }

  deletePrefix(prefix: string): void {
    for (const key of this.map.keys()) if (key.startsWith(prefix)) this.map.delete(key);
  }

  get size(): number {
    return this.map.size;
  }
}

/** A per-process fixed-window counter. Windows start at a key's first hit, as in the shared limiters. */
export class LocalRateLimiter {
  private readonly windows = new Map<string, { count: number; resetAt: number }>();
  private lastSweep = Date.now();

  hit(key: string, limit: number, windowSeconds: number): RateLimitResult {
    const now = Date.now();
    this.sweep(now);
    let w = this.windows.get(key);
    if (!w || w.resetAt <= now) {
      w = { count: 0, resetAt: now + windowSeconds * 1000 };
      this.windows.set(key, w);
    }
    w.count += 1;
    return toResult(w.count, limit, w.resetAt - now);
  }

  reset(key: string): void {
    this.windows.delete(key);
  }

  private sweep(now: number): void {
    if (now - this.lastSweep < 60_000) return;
    this.lastSweep = now;
    for (const [key, w] of this.windows) if (w.resetAt <= now) this.windows.delete(key);
  }
}

/** Drops entries whose expiry (ms epoch) has passed. */
export function sweepExpired(map: Map<string, number>): void {
  const now = Date.now();
  for (const [k, expiresAt] of map) if (expiresAt <= now) map.delete(k);
}

/** Turns a window's count and remaining time into the interface's result. */
export function toResult(count: number, limit: number, msLeft: number): RateLimitResult {
  const allowed = count <= limit;
  return {
    allowed,
    remaining: Math.max(0, limit - count),
    retryAfterSeconds: allowed ? 0 : Math.max(1, Math.ceil(msLeft / 1000)),
  };
}

/** The raw string operations a runtime provides; `readThrough` is built on them. */
export interface RawStore {
  getRaw(key: string): Promise<string | undefined>;
  setRaw(key: string, json: string, ttlSeconds: number): Promise<void>;
}

/**
 * Read-through with hit/miss counting. Concurrent misses on one key share a single load, so a
 * popular page expiring does not send every waiting request to the database at once.
 */
export function createReadThrough(store: RawStore) {
  const inflight = new Map<string, Promise<unknown>>();
  const counter = metrics.cacheRequests();
  return async function readThrough<T>(key: string, ttlSeconds: number, load: () => Promise<T>, name = 'default'): Promise<T> {
    const cached = await store.getRaw(key);
    if (cached !== undefined) {
      counter.inc({ cache: name, result: 'hit' });
      return JSON.parse(cached) as T;
    }
    counter.inc({ cache: name, result: 'miss' });
    const pending = inflight.get(key);
    if (pending) return pending as Promise<T>;
    const loading = (async () => {
      try {
        const value = await load();
        // `undefined` has no JSON form; not caching it means the next read asks the loader again.
        if (value !== undefined) await store.setRaw(key, JSON.stringify(value), ttlSeconds);
        return value;
      } finally {
        inflight.delete(key);
      }
    })();
    inflight.set(key, loading);
    return loading;
  };
}

/**
 * A RevocationList over a shared store (Redis or the platform database) that fails open while the
 * store is away: access tokens live 15 minutes and their signature and expiry are still checked,
 * whereas failing closed would sign every user out during a blip. A revocation made meanwhile applies
 * in this process at once and is written to the store by `flushPending` when it answers again.
 */
export function createFailOpenRevocations(
  store: { write(tokenId: string, ttlSeconds: number): Promise<unknown>; read(tokenId: string): Promise<boolean> },
  degrade: (op: string, err: unknown) => void,
): RevocationList & { flushPending(): Promise<void> } {
  const revokedHere = new Map<string, number>();
  const pending = new Map<string, number>();
  return {
    async revoke(tokenId: string, ttlSeconds: number) {
      const ttl = Math.max(1, Math.ceil(ttlSeconds));
      sweepExpired(revokedHere);
      revokedHere.set(tokenId, Date.now() + ttl * 1000);
      try {
        await store.write(tokenId, ttl);
      } catch (err) {
        degrade('revoke', err);
        pending.set(tokenId, Date.now() + ttl * 1000);
      }
    },
    async isRevoked(tokenId: string) {
      const here = revokedHere.get(tokenId);
      if (here !== undefined) {
        if (here > Date.now()) return true;
        revokedHere.delete(tokenId);
      }
      try {
        return await store.read(tokenId);
      } catch (err) {
        degrade('isRevoked', err);
        return false;
      }
    },
    async flushPending() {
      for (const [id, expiresAt] of pending) {
        const ttl = Math.ceil((expiresAt - Date.now()) / 1000);
        try {
          if (ttl > 0) await store.write(id, ttl);
          pending.delete(id);
        } catch {
          return;
        }
      }
    },
  };
}
