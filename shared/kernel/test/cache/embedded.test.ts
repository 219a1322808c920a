import pg from 'pg';
import { createCacheRuntime } from '../../src/cache';
import { ensureDatabase } from '../../src/db';
import { createLogger } from '../../src/logging';
import { testDatabaseUrl } from '../../src/testing';
import { describeCacheRuntime, randomNamespace } from './contract';

const PLATFORM_DATABASE_URL = testDatabaseUrl('kernel_cache_platform');
const namespace = randomNamespace();
const logger = createLogger('cache-test', { level: 'silent' });
const config = { PLATFORM_DATABASE_URL, env: 'test' as const };

beforeAll(async () => {
  await ensureDatabase(PLATFORM_DATABASE_URL);
});

describeCacheRuntime('embedded', (service) => createCacheRuntime({ config, service, logger, namespace }));

describe('embedded cache runtime: storage', () => {
  it('keeps shared state in unlogged tables and cleans expired rows lazily', async () => {
    const rt = await createCacheRuntime({ config, service: 'identity', logger, namespace });
    const c = new pg.Client({ connectionString: PLATFORM_DATABASE_URL });
    await c.connect();
    try {
      await rt.revocations.revoke('jti-stored', 60);
      const { rows } = await c.query(
        `SELECT relname, relpersistence FROM pg_class WHERE relname IN ('ecomify_rate_limits', 'ecomify_revoked_tokens') ORDER BY relname`,
      );
      expect(rows).toEqual([
        { relname: 'ecomify_rate_limits', relpersistence: 'u' },
        { relname: 'ecomify_revoked_tokens', relpersistence: 'u' },
      ]);
      const stored = await c.query('SELECT 1 FROM ecomify_revoked_tokens WHERE token_id = $1', [`${namespace}:jti-stored`]);
      expect(stored.rowCount).toBe(1);
    } finally {
      await c.end();
      await rt.close();
    }
  });

  it('evicts least recently used entries beyond its bound', async () => {
    const rt = await createCacheRuntime({ config, service: 'lru', logger, namespace, maxEntries: 2 });
    try {
      await rt.cache.set('a', 1, 60);
      await rt.cache.set('b', 2, 60);
      await rt.cache.get('a');
      await rt.cache.set('c', 3, 60);
      expect(await rt.cache.get('b')).toBeUndefined();
      expect(await rt.cache.get('a')).toBe(1);
      expect(await rt.cache.get('c')).toBe(3);
    } finally {
      await rt.close();
    }
  });

  it('refuses to run embedded in production', async () => {
    await expect(createCacheRuntime({ config: { PLATFORM_DATABASE_URL, env: 'production' }, service: 'x', logger })).rejects.toThrow(
      /REDIS_URL is required in production/,
    );
  });
});

describe('embedded cache runtime with the platform database down', () => {
  it('starts and answers: reads from the loader, limits per process, revocations local', async () => {
    const rt = await createCacheRuntime({
      config: { PLATFORM_DATABASE_URL: 'postgresql://postgres@127.0.0.1:1/nothing', env: 'test' },
      service: 'catalog',
      logger,
      namespace,
    });
    try {
      await expect(rt.ping()).rejects.toThrow();
      expect(await rt.cache.readThrough('p', 60, async () => 'db', 'emb-down')).toBe('db');
      const hits = [];
      for (let i = 0; i < 3; i++) hits.push(await rt.rateLimiter.hit('ip:down', 2, 60));
      expect(hits.map((h) => h.allowed)).toEqual([true, true, false]);
      await rt.revocations.revoke('jti-down', 60);
      expect(await rt.revocations.isRevoked('jti-down')).toBe(true);
      expect(await rt.revocations.isRevoked('other')).toBe(false);
    } finally {
      await rt.close();
    }
  });
});
