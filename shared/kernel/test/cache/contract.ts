/**
 * Behaviour every cache runtime keeps (Redis and embedded), run by redis.test.ts and embedded.test.ts.
 */
import { randomUUID } from 'node:crypto';
import { metrics } from '../../src/metrics';
import type { CacheRuntime } from '../../src/cache/types';

/** A namespace no other test run shares, so parallel runs never see each other's keys. */
export function randomNamespace(): string {
  return `test_${randomUUID().slice(0, 12)}`;
}

/** Current value of the hit/miss counter for one cache name. */
export async function cacheCount(name: string, result: 'hit' | 'miss'): Promise<number> {
  const { values } = await metrics.cacheRequests().get();
  return values.find((v) => v.labels.cache === name && v.labels.result === result)?.value ?? 0;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function describeCacheRuntime(kind: string, make: (service: string) => Promise<CacheRuntime>): void {
  describe(`${kind} cache runtime`, () => {
    let rt: CacheRuntime;
    let other: CacheRuntime;

    beforeAll(async () => {
      rt = await make('catalog');
      // A second runtime for another service in the same namespace: what a second process sees.
      other = await make('orders');
    });
    afterAll(async () => {
      await rt.close();
      await other.close();
    });

    it('reports its kind and answers ping', async () => {
      expect(rt.kind).toBe(kind);
      await expect(rt.ping()).resolves.toBeUndefined();
    });

    it('reads through: loads once, then serves hits, counting both', async () => {
      const name = `products_${randomUUID().slice(0, 6)}`;
      const load = jest.fn(async () => ({ id: 'p1', price: '9.99', tags: ['a'] }));
      const first = await rt.cache.readThrough('product:p1', 60, load, name);
      const second = await rt.cache.readThrough('product:p1', 60, load, name);
      expect(first).toEqual({ id: 'p1', price: '9.99', tags: ['a'] });
      expect(second).toEqual(first);
      expect(load).toHaveBeenCalledTimes(1);
      expect(await cacheCount(name, 'miss')).toBe(1);
      expect(await cacheCount(name, 'hit')).toBe(1);
    });

    it('shares one load between concurrent misses on a key', async () => {
      let calls = 0;
      const load = async () => {
        calls += 1;
        await sleep(30);
        return { n: calls };
      };
      const results = await Promise.all([1, 2, 3, 4].map(() => rt.cache.readThrough('slow', 60, load, 'slow')));
      expect(calls).toBe(1);
      expect(results.every((r) => r.n === 1)).toBe(true);
    });

    it('expires entries after their TTL', async () => {
      await rt.cache.set('short', { v: 1 }, 1);
      expect(await rt.cache.get('short')).toEqual({ v: 1 });
      await sleep(1_100);
      expect(await rt.cache.get('short')).toBeUndefined();
    });

    it('invalidates single keys and whole prefixes, literally (no glob matching)', async () => {
      await rt.cache.set('store:s1:page:1', [1], 60);
      await rt.cache.set('store:s1:page:2', [2], 60);
      await rt.cache.set('store:s2:page:1', [3], 60);
      await rt.cache.set('store:s*:page:1', [4], 60);
      await rt.cache.del('store:s1:page:2');
      expect(await rt.cache.get('store:s1:page:2')).toBeUndefined();
      expect(await rt.cache.get('store:s1:page:1')).toEqual([1]);
      await rt.cache.delPrefix('store:s*');
      expect(await rt.cache.get('store:s*:page:1')).toBeUndefined();
      expect(await rt.cache.get('store:s1:page:1')).toEqual([1]);
      await rt.cache.delPrefix('store:s1:');
      expect(await rt.cache.get('store:s1:page:1')).toBeUndefined();
      expect(await rt.cache.get('store:s2:page:1')).toEqual([3]);
    });

    it("keeps each service's cache apart", async () => {
      await rt.cache.set('same-key', 'catalog', 60);
      await other.cache.set('same-key', 'orders', 60);
      expect(await rt.cache.get('same-key')).toBe('catalog');
      expect(await other.cache.get('same-key')).toBe('orders');
    });

    it('returns values as JSON round-trips them (no shared references)', async () => {
      const value = { list: [1, 2] };
      await rt.cache.set('json', value, 60);
      value.list.push(3);
      const read = await rt.cache.get<{ list: number[] }>('json');
      expect(read).toEqual({ list: [1, 2] });
    });

    it('rate limits in fixed windows shared across services, and resets', async () => {
      const key = `ip:${randomUUID()}`;
      const results = [];
      for (let i = 0; i < 3; i++) results.push(await rt.rateLimiter.hit(key, 2, 2));
      expect(results.map((r) => r.allowed)).toEqual([true, true, false]);
      expect(results.map((r) => r.remaining)).toEqual([1, 0, 0]);
      expect(results[0].retryAfterSeconds).toBe(0);
      expect(results[2].retryAfterSeconds).toBeGreaterThanOrEqual(1);
      expect(results[2].retryAfterSeconds).toBeLessThanOrEqual(2);
      // Another service (process) sees the same counter: limits are platform-wide.
      expect((await other.rateLimiter.hit(key, 2, 2)).allowed).toBe(false);
      await sleep(2_100);
      expect(await rt.rateLimiter.hit(key, 2, 2)).toMatchObject({ allowed: true, remaining: 1 });
      await other.rateLimiter.hit(key, 2, 2);
      expect((await rt.rateLimiter.hit(key, 2, 2)).allowed).toBe(false);
      await rt.rateLimiter.reset(key);
      expect((await rt.rateLimiter.hit(key, 2, 2)).allowed).toBe(true);
    });

    it('counts concurrent hits exactly', async () => {
      const key = `burst:${randomUUID()}`;
      const results = await Promise.all(Array.from({ length: 20 }, () => rt.rateLimiter.hit(key, 10, 60)));
      expect(results.filter((r) => r.allowed)).toHaveLength(10);
    });

    it('revokes token ids platform-wide until their TTL passes', async () => {
      const jti = randomUUID();
      expect(await rt.revocations.isRevoked(jti)).toBe(false);
      await other.revocations.revoke(jti, 1);
      expect(await rt.revocations.isRevoked(jti)).toBe(true);
      expect(await rt.revocations.isRevoked(randomUUID())).toBe(false);
      await sleep(1_200);
      expect(await rt.revocations.isRevoked(jti)).toBe(false);
    });
  });
}
