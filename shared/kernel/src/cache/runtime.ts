/**
 * Picks the cache runtime for a process: Redis when REDIS_URL is set, embedded otherwise (never in
 * production, where loadConfig already requires REDIS_URL).
 */
import type { BaseConfig } from '../config';
import type { Logger } from '../logging';
import { createEmbeddedCacheRuntime } from './embedded';
import { createRedisCacheRuntime } from './redis';
import type { CacheRuntime } from './types';

export interface CacheRuntimeOptions {
  config: Pick<BaseConfig, 'REDIS_URL' | 'PLATFORM_DATABASE_URL' | 'DATABASE_URL' | 'env'>;
  /** Service name: the service cache's keys are scoped to it; rate limits and revocations are not. */
  service: string;
  logger: Logger;
  /** Separates installations (and parallel test runs) sharing one Redis or database. Default "default". */
  namespace?: string;
  /** Most entries of the embedded in-process cache. */
  maxEntries?: number;
}

/** Creates the cache, rate limiter and revocation list for one process. Resolves even when the backing store is down. */
export async function createCacheRuntime(opts: CacheRuntimeOptions): Promise<CacheRuntime> {
  const namespace = opts.namespace ?? 'default';
  if (/[\s:*?[\]]/.test(namespace)) throw new Error(`cache namespace "${namespace}" may not contain spaces, ':' or glob characters`);
  const { config } = opts;
  if (config.REDIS_URL) {
    return createRedisCacheRuntime({ url: config.REDIS_URL, service: opts.service, logger: opts.logger, namespace });
  }
  if (config.env === 'production') {
    throw new Error('REDIS_URL is required in production: the embedded cache is for development only.');
  }
  const databaseUrl = config.PLATFORM_DATABASE_URL ?? config.DATABASE_URL;
  if (!databaseUrl) {
    throw new Error(
      'No cache is configured: set REDIS_URL, or PLATFORM_DATABASE_URL for the embedded cache (`ecomify dev` sets it for you).',
    );
  }
  return createEmbeddedCacheRuntime({ databaseUrl, service: opts.service, logger: opts.logger, namespace, maxEntries: opts.maxEntries });
}
