import net from 'node:net';
import Redis from 'ioredis';
import { createCacheRuntime } from '../../src/cache';
import { createLogger } from '../../src/logging';
import { cacheCount, describeCacheRuntime, randomNamespace } from './contract';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const namespace = randomNamespace();
const logger = createLogger('cache-test', { level: 'silent' });
const config = { REDIS_URL, env: 'test' as const };

describeCacheRuntime('redis', (service) => createCacheRuntime({ config, service, logger, namespace }));

describe('redis cache runtime: keys', () => {
  it('namespaces service keys, rate limits and revocations under ecomify:<namespace>:', async () => {
    const rt = await createCacheRuntime({ config, service: 'catalog', logger, namespace });
    const raw = new Redis(REDIS_URL);
    try {
      await rt.cache.set('k', 1, 60);
      await rt.rateLimiter.hit('ip:1.2.3.4', 5, 60);
      await rt.revocations.revoke('jti-1', 60);
      expect(await raw.get(`ecomify:${namespace}:catalog:k`)).toBe('1');
      expect(await raw.get(`ecomify:${namespace}:ratelimit:ip:1.2.3.4`)).toBe('1');
      expect(await raw.ttl(`ecomify:${namespace}:ratelimit:ip:1.2.3.4`)).toBeGreaterThan(50);
      expect(await raw.ttl(`ecomify:${namespace}:revoked:jti-1`)).toBeGreaterThan(50);
    } finally {
      const keys = await raw.keys(`ecomify:${namespace}:*`);
      if (keys.length) await raw.del(...keys);
      raw.disconnect();
      await rt.close();
    }
  });
});

/** A port nothing listens on: Redis is "down". */
async function unusedPort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  const { port } = srv.address() as net.AddressInfo;
  await new Promise((r) => srv.close(r));
  return port;
}

describe('redis cache runtime with Redis down', () => {
  it('starts, serves reads from the loader, limits per process, and reports not ready', async () => {
    const port = await unusedPort();
    const warnings: unknown[] = [];
    const spyLogger = createLogger('cache-test', { level: 'silent' });
    spyLogger.warn = ((obj: unknown) => warnings.push(obj)) as never;
    const rt = await createCacheRuntime({
      config: { REDIS_URL: `redis://127.0.0.1:${port}`, env: 'test' },
      service: 'catalog',
      logger: spyLogger,
      namespace,
    });
    try {
      expect(rt.kind).toBe('redis');
      await expect(rt.ping()).rejects.toThrow();
      const load = jest.fn(async () => ({ fromDb: true }));
      expect(await rt.cache.readThrough('p', 60, load, 'down')).toEqual({ fromDb: true });
      expect(await rt.cache.readThrough('p', 60, load, 'down')).toEqual({ fromDb: true });
      expect(load).toHaveBeenCalledTimes(2);
      expect(await cacheCount('down', 'miss')).toBe(2);
      await expect(rt.cache.del('p')).resolves.toBeUndefined();
      await expect(rt.cache.delPrefix('p')).resolves.toBeUndefined();
      expect(warnings.length).toBeGreaterThanOrEqual(1);

      const hits = [];
      for (let i = 0; i < 3; i++) hits.push(await rt.rateLimiter.hit('ip:down', 2, 60));
      expect(hits.map((h) => h.allowed)).toEqual([true, true, false]);

      // Fails open for ids it has not seen, but a revocation made here applies here at once.
      expect(await rt.revocations.isRevoked('unknown')).toBe(false);
      await rt.revocations.revoke('jti-down', 60);
      expect(await rt.revocations.isRevoked('jti-down')).toBe(true);
    } finally {
      await rt.close();
    }
  });
});
