/**
 * The Redis cache runtime (ioredis): the service cache, the platform-wide rate limiter and revocation
 * list. Redis being away degrades the service; it never stops it from starting or answering.
 */
import Redis from 'ioredis';
import type { Logger } from '../logging';
import { createFailOpenRevocations, createReadThrough, LocalRateLimiter, toResult } from './memory';
import type { Cache, CacheRuntime, RateLimiter, RateLimitResult } from './types';

export interface RedisCacheOptions {
  url: string;
  service: string;
  logger: Logger;
  namespace: string;
  /**
   * Milliseconds a command may take before it counts as failed. A hung Redis must cost a request
   * this much at most, then the caller falls back.
   */
  commandTimeoutMs?: number;
}

// Atomic INCR + EXPIRE: a crash between the two in a client-side sequence would leave a counter
// that never expires and locks its caller out for good. The window starts at the key's first hit.
const HIT_SCRIPT = `
local count = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return { count, ttl }`;

type RedisWithHit = Redis & { ecomifyHit(key: string, windowMs: number): Promise<[number, number]> };

/** Escapes SCAN MATCH glob characters so a prefix matches literally. */
function globEscape(s: string): string {
  return s.replace(/[*?[\]\\]/g, (c) => '\\' + c);
}

export async function createRedisCacheRuntime(opts: RedisCacheOptions): Promise<CacheRuntime> {
  const { logger } = opts;
  const redis = new Redis(opts.url, {
    lazyConnect: true,
    // Without these, commands issued while Redis is down queue up and the request waits for it.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    commandTimeout: opts.commandTimeoutMs ?? 500,
    connectTimeout: 2_000,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
    // Concurrent requests' commands share one round trip: most of the gateway's Redis cost at load.
    enableAutoPipelining: true,
    connectionName: `ecomify-${opts.service}`,
  }) as RedisWithHit;
  redis.defineCommand('ecomifyHit', { numberOfKeys: 1, lua: HIT_SCRIPT });

  const prefix = `ecomify:${opts.namespace}:`;
  const cachePrefix = `${prefix}${opts.service}:`;
  const rateKey = (key: string) => `${prefix}ratelimit:${key}`;
  const revokedKey = (id: string) => `${prefix}revoked:${id}`;

  // One warning per outage, not one per request: a down Redis under load would flood the logs.
  let degraded = false;
  const degrade = (op: string, err: unknown) => {
    if (!degraded) {
      degraded = true;
      logger.warn({ err, op }, 'Redis unavailable: cache reads fall back to the database, rate limits count per process');
    }
  };
  // Fails open while Redis is away (see createFailOpenRevocations for why).
  const revocations = createFailOpenRevocations(
    {
      write: (id, ttl) => redis.set(revokedKey(id), '1', 'EX', ttl),
      read: async (id) => (await redis.exists(revokedKey(id))) === 1,
    },
    degrade,
  );
  redis.on('error', (err) => degrade('connection', err));
  redis.on('ready', () => {
    if (degraded) logger.info('Redis available again');
    degraded = false;
    void revocations.flushPending();
  });

  try {
    await redis.connect();
  } catch (err) {
    // Starting without Redis is allowed (ioredis keeps reconnecting); readiness reports it via ping().
    degrade('connect', err);
  }

  const getRaw = async (key: string): Promise<string | undefined> => {
    try {
      return (await redis.get(cachePrefix + key)) ?? undefined;
    } catch (err) {
      degrade('get', err);
      return undefined;
    }
  };
  const setRaw = async (key: string, json: string, ttlSeconds: number): Promise<void> => {
    try {
      await redis.set(cachePrefix + key, json, 'EX', Math.max(1, Math.ceil(ttlSeconds)));
    } catch (err) {
      degrade('set', err);
    }
  };

  // Invalidation that fails is logged, not thrown: the write that triggered it has committed, and
  // the entry's TTL bounds how long a stale value can be served once Redis is back.
  const cache: Cache = {
    async get<T>(key: string) {
      const raw = await getRaw(key);
      return raw === undefined ? undefined : (JSON.parse(raw) as T);
    },
    async set<T>(key: string, value: T, ttlSeconds: number) {
      if (value === undefined) return;
      await setRaw(key, JSON.stringify(value), ttlSeconds);
    },
    async del(...keys: string[]) {
      if (!keys.length) return;
      try {
        await redis.unlink(...keys.map((k) => cachePrefix + k));
      } catch (err) {
        degrade('del', err);
      }
    },
    readThrough: createReadThrough({ getRaw, setRaw }),
    async delPrefix(keyPrefix: string) {
      try {
        let cursor = '0';
        do {
          const [next, keys] = await redis.scan(cursor, 'MATCH', globEscape(cachePrefix + keyPrefix) + '*', 'COUNT', 500);
          cursor = next;
          if (keys.length) await redis.unlink(...keys);
        } while (cursor !== '0');
      } catch (err) {
        degrade('delPrefix', err);
      }
    },
  };

  // Redis down → count in this process. Failing closed would turn a Redis blip into refusing every
  // client; failing fully open would drop brute-force protection on login. Per-process counting keeps a
  // limit in force (at worst `replicas × limit`) until Redis is back.
  const local = new LocalRateLimiter();
  const rateLimiter: RateLimiter = {
    async hit(key: string, limit: number, windowSeconds: number): Promise<RateLimitResult> {
      try {
        const [count, ttl] = await redis.ecomifyHit(rateKey(key), windowSeconds * 1000);
        return toResult(count, limit, ttl);
      } catch (err) {
        degrade('rateLimit', err);
        return local.hit(key, limit, windowSeconds);
      }
    },
    async reset(key: string) {
      local.reset(key);
      try {
        await redis.del(rateKey(key));
      } catch (err) {
        degrade('rateLimit.reset', err);
      }
    },
  };

  return {
    kind: 'redis',
    cache,
    rateLimiter,
    revocations,
    async ping() {
      await redis.ping();
    },
    async close() {
      if (redis.status === 'ready') await redis.quit().catch(() => redis.disconnect());
      else redis.disconnect();
    },
  };
}
