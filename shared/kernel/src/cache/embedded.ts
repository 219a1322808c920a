/**
 * The embedded cache runtime (no Redis, not production). Cached reads live in an in-process LRU: a
 * miss only costs a database read, so sharing them is not worth a network hop. Rate-limit counters
 * and revoked token ids must be seen by every process (a logout in identity has to stop the token at
 * the gateway), so they live in the platform PostgreSQL database, in unlogged tables: they are cheap
 * to write and losing them in a crash only resets counters and revocations of short-lived tokens.
 */
import pg from 'pg';
import type { Logger } from '../logging';
import { createFailOpenRevocations, createReadThrough, LocalRateLimiter, LruStore, toResult } from './memory';
import type { Cache, CacheRuntime, RateLimiter, RateLimitResult } from './types';

export interface EmbeddedCacheOptions {
  databaseUrl: string;
  service: string;
  logger: Logger;
  namespace: string;
  /** Most entries the in-process LRU keeps. */
  maxEntries?: number;
}

const SCHEMA = `
CREATE UNLOGGED TABLE IF NOT EXISTS ecomify_rate_limits (
  key text PRIMARY KEY,
  hits integer NOT NULL,
  expires_at timestamptz NOT NULL
);
CREATE UNLOGGED TABLE IF NOT EXISTS ecomify_revoked_tokens (
  token_id text PRIMARY KEY,
  expires_at timestamptz NOT NULL
);`;

// One statement, so concurrent hits from several processes serialise on the row lock; an expired
// window restarts at 1 instead of needing a separate delete.
const HIT_SQL = `
INSERT INTO ecomify_rate_limits AS r (key, hits, expires_at)
VALUES ($1, 1, clock_timestamp() + make_interval(secs => $2))
ON CONFLICT (key) DO UPDATE SET
  hits = CASE WHEN r.expires_at <= clock_timestamp() THEN 1 ELSE r.hits + 1 END,
  expires_at = CASE WHEN r.expires_at <= clock_timestamp() THEN EXCLUDED.expires_at ELSE r.expires_at END
RETURNING hits, (extract(epoch FROM expires_at - clock_timestamp()) * 1000)::float8 AS ms_left`;

const CLEANUP_EVERY_MS = 60_000;

export async function createEmbeddedCacheRuntime(opts: EmbeddedCacheOptions): Promise<CacheRuntime> {
  const { logger } = opts;
  const pool = new pg.Pool({
    connectionString: opts.databaseUrl,
    max: 4,
    idleTimeoutMillis: 30_000,
    // A stopped database must cost a request about a second, then the caller falls back.
    connectionTimeoutMillis: 1_000,
    query_timeout: 1_000,
    application_name: `ecomify-${opts.service}-cache`,
  });
  pool.on('error', () => undefined);

  const prefix = `${opts.namespace}:`;
  let degraded = false;
  const degrade = (op: string, err: unknown) => {
    if (!degraded) {
      degraded = true;
      logger.warn({ err, op }, 'platform database unavailable: rate limits count per process, revocations are checked locally');
    }
  };
  const recovered = () => {
    if (!degraded) return;
    logger.info('platform database available again (cache runtime)');
    degraded = false;
    void revocations.flushPending();
  };

  let schemaReady: Promise<void> | null = null;
  const ensureSchema = () =>
    (schemaReady ??= pool.query(SCHEMA).then(
      () => undefined,
      (err: { code?: string }) => {
        // Two processes creating the tables at once race on the catalog; the loser's tables exist anyway.
        if (err.code === '23505' || err.code === '42P07') return;
        schemaReady = null;
        throw err;
      },
    ));

  let lastCleanup = 0;
  const cleanupLazily = () => {
    const now = Date.now();
    if (now - lastCleanup < CLEANUP_EVERY_MS) return;
    lastCleanup = now;
    pool
      .query(
        'DELETE FROM ecomify_rate_limits WHERE expires_at < clock_timestamp(); DELETE FROM ecomify_revoked_tokens WHERE expires_at < clock_timestamp();',
      )
      .catch((err) => degrade('cleanup', err));
  };

  const query = async <R extends pg.QueryResultRow>(sql: string, params: unknown[]): Promise<pg.QueryResult<R>> => {
    await ensureSchema();
    const res = await pool.query<R>(sql, params);
    recovered();
    cleanupLazily();
    return res;
  };

  const lru = new LruStore(opts.maxEntries ?? 10_000);
  const getRaw = async (key: string) => lru.get(key);
  const setRaw = async (key: string, json: string, ttlSeconds: number) => lru.set(key, json, ttlSeconds);
  // Each process has its own LRU: invalidation reaches this process only. One process serves a
  // service in embedded mode, and TTLs bound staleness where that is not so.
  const cache: Cache = {
    async get<T>(key: string) {
      const raw = lru.get(key);
      return raw === undefined ? undefined : (JSON.parse(raw) as T);
    },
    async set<T>(key: string, value: T, ttlSeconds: number) {
      if (value !== undefined) lru.set(key, JSON.stringify(value), ttlSeconds);
    },
    async del(...keys: string[]) {
      for (const k of keys) lru.delete(k);
    },
    readThrough: createReadThrough({ getRaw, setRaw }),
    async delPrefix(keyPrefix: string) {
      lru.deletePrefix(keyPrefix);
    },
  };

  // Same failure policy as the Redis runtime (see redis.ts): count per process while the database is away.
  const local = new LocalRateLimiter();
  const rateLimiter: RateLimiter = {
    async hit(key: string, limit: number, windowSeconds: number): Promise<RateLimitResult> {
      try {
        const { rows } = await query<{ hits: number; ms_left: number }>(HIT_SQL, [prefix + key, windowSeconds]);
        return toResult(rows[0].hits, limit, rows[0].ms_left);
      } catch (err) {
        degrade('rateLimit', err);
        return local.hit(key, limit, windowSeconds);
      }
    },
    async reset(key: string) {
      local.reset(key);
      try {
        await query('DELETE FROM ecomify_rate_limits WHERE key = $1', [prefix + key]);
      } catch (err) {
        degrade('rateLimit.reset', err);
      }
    },
  };

  const REVOKE_SQL = `INSERT INTO ecomify_revoked_tokens (token_id, expires_at) VALUES ($1, clock_timestamp() + make_interval(secs => $2))
    ON CONFLICT (token_id) DO UPDATE SET expires_at = GREATEST(ecomify_revoked_tokens.expires_at, EXCLUDED.expires_at)`;
  // Fails open while the database is away (see createFailOpenRevocations for why).
  const revocations = createFailOpenRevocations(
    {
      write: (id, ttl) => query(REVOKE_SQL, [prefix + id, ttl]),
      read: async (id) =>
        ((await query('SELECT 1 FROM ecomify_revoked_tokens WHERE token_id = $1 AND expires_at > clock_timestamp()', [prefix + id]))
          .rowCount ?? 0) > 0,
    },
    degrade,
  );

  return {
    kind: 'embedded',
    cache,
    rateLimiter,
    revocations,
    async ping() {
      await ensureSchema();
      await pool.query('SELECT 1');
    },
    async close() {
      await pool.end().catch(() => undefined);
    },
  };
}
