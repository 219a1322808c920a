/**
 * store-reads: repeated `store(id)` reads through the gateway, and how many of them reach the stores
 * database. Store reads are cached in Redis (1 h TTL, invalidated on change); without the cache every
 * read is one database read, so the reduction is 1 - dbReads / storeReads.
 */
import { load, machine, writeReport, DURATION, CONNECTIONS } from '../lib';
import { call, counter, GATEWAY, PORTS, signUp, startPlatform } from '../platform';

export const scenario = {
  name: 'store-reads',
  description: 'store(id) through the gateway: throughput and database reads saved by the Redis cache',
  async run(): Promise<string> {
    const platform = await startPlatform();
    const idle = Object.fromEntries(Object.values(platform.procs).map((p) => [p.name, p.rssMb()]));
    const token = await signUp(`bench-merchant-${Date.now()}@example.com`, 'MERCHANT');
    const auth = { authorization: `Bearer ${token}` };
    const created = await call(
      GATEWAY,
      `mutation($i: CreateStoreInput!) { createStore(input: $i) { __typename ... on MutationCreateStoreSuccess { data { id } } } }`,
      { i: { name: 'Bench Store', email: 'bench@example.com' } },
      auth,
    );
    const storeId = created.createStore.data.id as string;
    const metricsUrl = `http://127.0.0.1:${PORTS.stores}/metrics`;
    const before = {
      db: await counter(metricsUrl, 'ecomify_db_reads_total', 'entity="store"'),
      hits: await counter(metricsUrl, 'ecomify_cache_requests_total', 'result="hit"'),
      misses: await counter(metricsUrl, 'ecomify_cache_requests_total', 'result="miss"'),
    };
    const result = await load({
      label: 'store(id) (gateway → stores, cached)',
      url: GATEWAY,
      headers: { ...auth, 'x-store-id': storeId },
      body: JSON.stringify({
        query:
          'query($id: ID!) { store(id: $id) { __typename ... on QueryStoreSuccess { data { id name slug domain status currency locale timezone } } } }',
        variables: { id: storeId },
      }),
      validate: (j) => {
        if (j.data.store.data?.id !== storeId) throw new Error(JSON.stringify(j));
      },
    });
    const dbReads = (await counter(metricsUrl, 'ecomify_db_reads_total', 'entity="store"')) - before.db;
    const hits = (await counter(metricsUrl, 'ecomify_cache_requests_total', 'result="hit"')) - before.hits;
    const misses = (await counter(metricsUrl, 'ecomify_cache_requests_total', 'result="miss"')) - before.misses;
    const reads = result.requests + 1; // the validation request before the load
    const reduction = Math.round((1 - dbReads / reads) * 10000) / 100;
    const rssMb = Object.fromEntries(Object.values(platform.procs).map((p) => [p.name, { idle: idle[p.name], afterLoad: p.rssMb() }]));
    return writeReport({
      scenario: 'store-reads',
      description: this.description,
      date: new Date().toISOString(),
      machine: machine(),
      duration: DURATION,
      connections: CONNECTIONS,
      results: [result],
      rssMb,
      notes: {
        'store reads served': reads,
        'stores database reads': dbReads,
        'cache hits / misses': `${hits} / ${misses}`,
        'database reads saved by the cache (target ≥ 70%)': `${reduction}%`,
      },
    });
  },
};
