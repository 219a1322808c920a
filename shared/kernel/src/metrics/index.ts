/**
 * Prometheus metrics every service exposes on /metrics: request rate, latency, errors, DB pool,
 * cache hits/misses, outbox backlog and consumer lag. One registry per process.
 */
import client from 'prom-client';

export const registry = new client.Registry();
let defaultsRegistered = false;

/** Registers process metrics (CPU, memory, event loop) once, labelled with the service name. */
export function initMetrics(service: string): void {
  if (defaultsRegistered) return;
  defaultsRegistered = true;
  registry.setDefaultLabels({ service });
  client.collectDefaultMetrics({ register: registry });
}

function getOrCreate<T>(name: string, create: () => T): T {
  return (registry.getSingleMetric(name) as T | undefined) ?? create();
}

export const metrics = {
  httpRequests: () =>
    getOrCreate(
      'ecomify_http_requests_total',
      () =>
        new client.Counter({
          name: 'ecomify_http_requests_total',
          help: 'HTTP requests',
          labelNames: ['route', 'status'] as const,
          registers: [registry],
        }),
    ),
  httpDuration: () =>
    getOrCreate(
      'ecomify_http_request_duration_seconds',
      () =>
        new client.Histogram({
          name: 'ecomify_http_request_duration_seconds',
          help: 'HTTP request latency',
          labelNames: ['route'] as const,
          buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
          registers: [registry],
        }),
    ),
  graphqlErrors: () =>
    getOrCreate(
      'ecomify_graphql_errors_total',
      () =>
        new client.Counter({
          name: 'ecomify_graphql_errors_total',
          help: 'GraphQL errors by code',
          labelNames: ['code'] as const,
          registers: [registry],
        }),
    ),
  cacheRequests: () =>
    getOrCreate(
      'ecomify_cache_requests_total',
      () =>
        new client.Counter({
          name: 'ecomify_cache_requests_total',
          help: 'Cache lookups by result (hit/miss)',
          labelNames: ['cache', 'result'] as const,
          registers: [registry],
        }),
    ),
  dbQueries: () =>
    getOrCreate(
      'ecomify_db_reads_total',
      () =>
        new client.Counter({
          name: 'ecomify_db_reads_total',
          help: 'Database reads issued by cached read paths (what a cache miss costs)',
          labelNames: ['entity'] as const,
          registers: [registry],
        }),
    ),
  outboxBacklog: () =>
    getOrCreate(
      'ecomify_outbox_backlog',
      () => new client.Gauge({ name: 'ecomify_outbox_backlog', help: 'Outbox events not yet published', registers: [registry] }),
    ),
  consumerLag: () =>
    getOrCreate(
      'ecomify_consumer_lag',
      () =>
        new client.Gauge({
          name: 'ecomify_consumer_lag',
          help: 'Events pending for a durable consumer',
          labelNames: ['consumer'] as const,
          registers: [registry],
        }),
    ),
  eventsHandled: () =>
    getOrCreate(
      'ecomify_events_handled_total',
      () =>
        new client.Counter({
          name: 'ecomify_events_handled_total',
          help: 'Events handled by consumers',
          labelNames: ['consumer', 'result'] as const,
          registers: [registry],
        }),
    ),
};

/** Gauges the pg pool's use (total, idle, waiting) at scrape time. */
export function registerPoolMetrics(pool: {
  totalCount: number;
  idleCount: number;
  waitingCount: number;
  options?: { max?: number };
}): void {
  if (registry.getSingleMetric('ecomify_db_pool_connections')) return;
  new client.Gauge({
    name: 'ecomify_db_pool_connections',
    help: 'Database pool connections by state',
    labelNames: ['state'] as const,
    registers: [registry],
    collect() {
      this.set({ state: 'total' }, pool.totalCount);
      this.set({ state: 'idle' }, pool.idleCount);
      this.set({ state: 'waiting' }, pool.waitingCount);
      this.set({ state: 'max' }, pool.options?.max ?? 0);
    },
  });
}

export { client as promClient };
