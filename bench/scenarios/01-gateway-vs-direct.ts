/**
 * The gateway hop: the same 50-product × 3-variant listing straight to a subgraph and through the real
 * gateway process (supergraph/src/server.ts) with real Redis rate limiting, anonymous and with a bearer
 * token verified against a JWKS served by this process. The gateway runs twice: with the single-subgraph
 * pass-through switched off (GATEWAY_PASSTHROUGH=false: Apollo's planned path) and on (the default).
 */
import { execSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createTestIssuer } from '@ecomify/kernel/testing';
import { composeSdl } from '../../supergraph/src/compose';
import { sdl as catalogSdl } from '../fixtures/catalog-subgraph';
import { CONNECTIONS, DURATION, load, machine, ROOT, startProcess, writeReport, type LoadResult, type Proc, type Target } from '../lib';

const SUBGRAPH_PORT = Number(process.env.BENCH_SUBGRAPH_PORT ?? 4601);
const GATEWAY_PORT = Number(process.env.BENCH_GATEWAY_PORT ?? 4600);
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
/**
 * Node flags for the gateway under test. Default none, as the CLI and the image start it; e.g.
 * BENCH_GATEWAY_NODE_OPTIONS=--max-semi-space-size=32 to compare (it did not pay: see supergraph/README.md).
 */
const GATEWAY_NODE_OPTIONS = process.env.BENCH_GATEWAY_NODE_OPTIONS ?? '';

const QUERY = `query Listing($first: Int) {
  products(first: $first) { id name slug description variants { id sku price { amount currencyCode } stock } }
}`;
const BODY = JSON.stringify({ query: QUERY, variables: { first: 50 }, operationName: 'Listing' });

const validate = (json: any) => {
  const products = json?.data?.products;
  if (!Array.isArray(products) || products.length !== 50 || products.some((p: any) => p.variants?.length !== 3)) {
    throw new Error(`unexpected listing: ${JSON.stringify(json).slice(0, 300)}`);
  }
};

const uptime = () => {
  try {
    return execSync('uptime', { encoding: 'utf8' }).trim();
  } catch {
    return os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(', ');
  }
};

/** CPU seconds (user + system) a process has used so far, from /proc (Linux). */
function cpuSeconds(pid: number | undefined): number {
  if (!pid) return 0;
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}

/** Loads a target and notes each process's CPU milliseconds per request: less sensitive to a busy machine than req/s. */
async function measured(target: Target, procs: Proc[], notes: Record<string, string | number>): Promise<LoadResult> {
  const before = procs.map((p) => cpuSeconds(p.child.pid));
  const result = await load(target);
  procs.forEach((p, i) => {
    const ms = ((cpuSeconds(p.child.pid) - before[i]) * 1000) / Math.max(1, result.requests);
    notes[`CPU ms/request, ${p.name}, ${target.label}`] = ms.toFixed(2);
  });
  return result;
}

async function serveJwks(jwks: unknown): Promise<http.Server> {
  const body = JSON.stringify(jwks);
  const server = http.createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(body));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return server;
}

async function warm(target: Target): Promise<void> {
  await load(target, { duration: 3 });
}

async function stop(proc: Proc): Promise<void> {
  if (proc.child.exitCode !== null) return;
  await new Promise<void>((resolve) => {
    proc.child.once('exit', () => resolve());
    proc.child.kill('SIGTERM');
  });
}

export const scenario = {
  name: 'gateway-vs-direct',
  description:
    'A 50-product × 3-variant listing (in-memory fixture subgraph) straight to the subgraph and through the real gateway process, anonymous and with a bearer token; the gateway with its single-subgraph pass-through off (planned path) and on.',
  async run(): Promise<string> {
    const notes: Record<string, string | number> = { 'load before': uptime() };
    const rssMb: Record<string, { idle: number; afterLoad: number }> = {};
    const results: LoadResult[] = [];

    const subgraphUrl = `http://127.0.0.1:${SUBGRAPH_PORT}/graphql`;
    const composed = composeSdl([{ name: 'catalog', url: subgraphUrl, sdl: catalogSdl }]);
    if (!composed.ok) throw new Error(`composition failed: ${composed.errors.map((e) => e.message).join('; ')}`);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ecomify-bench-'));
    const supergraphPath = path.join(dir, 'supergraph.graphql');
    fs.writeFileSync(supergraphPath, composed.supergraphSdl!);

    const issuer = await createTestIssuer();
    const jwksServer = await serveJwks(issuer.jwks);
    const jwksUrl = `http://127.0.0.1:${(jwksServer.address() as AddressInfo).port}/.well-known/jwks.json`;
    const token = await issuer.token({ sub: 'bench_user', expiresIn: '1h' });

    try {
      const subgraph = await startProcess('catalog subgraph', ROOT, 'bench/fixtures/catalog-subgraph.ts', SUBGRAPH_PORT, {});
      const subgraphIdle = subgraph.rssMb();
      const direct: Target = { label: 'direct to subgraph', url: subgraphUrl, body: BODY, validate };
      await warm(direct);
      results.push(await measured(direct, [subgraph], notes));

      const phases = [
        { key: 'planned', env: { GATEWAY_PASSTHROUGH: 'false' } },
        { key: 'pass-through', env: { GATEWAY_PASSTHROUGH: 'true' } },
      ];
      for (const phase of phases) {
        const gateway = await startProcess(`gateway (${phase.key})`, ROOT, 'supergraph/src/server.ts', GATEWAY_PORT, {
          SUPERGRAPH_PATH: supergraphPath,
          REDIS_URL,
          JWKS_URL: jwksUrl,
          // High enough that the bench never hits it: every request still counts in Redis.
          RATE_LIMIT_PER_MINUTE: '100000000',
          NODE_OPTIONS: GATEWAY_NODE_OPTIONS,
          ...phase.env,
        });
        const idle = gateway.rssMb();
        const url = `http://127.0.0.1:${GATEWAY_PORT}/graphql`;
        const probe = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: BODY });
        notes[`gateway (${phase.key}) x-gateway-passthrough`] = probe.headers.get('x-gateway-passthrough') ?? 'none';
        await probe.arrayBuffer();
        const anonymous: Target = { label: `gateway ${phase.key}, anonymous`, url, body: BODY, validate };
        const signedIn: Target = {
          label: `gateway ${phase.key}, bearer token`,
          url,
          body: BODY,
          headers: { authorization: `Bearer ${token}` },
          validate,
        };
        await warm(anonymous);
        results.push(await measured(anonymous, [gateway, subgraph], notes));
        await warm(signedIn);
        results.push(await measured(signedIn, [gateway, subgraph], notes));
        rssMb[`gateway (${phase.key})`] = { idle, afterLoad: gateway.rssMb() };
        await stop(gateway);
      }
      rssMb['catalog subgraph'] = { idle: subgraphIdle, afterLoad: subgraph.rssMb() };
    } finally {
      jwksServer.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }

    const directRps = results[0].rps;
    for (const r of results.slice(1)) notes[`ratio ${r.label} / direct`] = (r.rps / directRps).toFixed(2);
    notes['gateway node options'] = GATEWAY_NODE_OPTIONS || 'none';
    notes['rate limiting'] = 'real (Redis at ' + REDIS_URL + '), RATE_LIMIT_PER_MINUTE=100000000 so the bench is never refused';
    notes['token'] = 'one ES256 token for every request (JWKS served by the bench process), revocation checked in Redis per request';
    notes['warm-up'] = '3 s of load per target before each measurement';
    notes['load after'] = uptime();
    notes['machine sharing'] = '2 cores shared with another developer; autocannon, the gateway and the subgraph run on the same cores';

    return writeReport({
      scenario: 'gateway-vs-direct',
      description: scenario.description,
      date: new Date().toISOString(),
      machine: machine(),
      duration: DURATION,
      connections: CONNECTIONS,
      results,
      rssMb,
      notes,
    });
  },
};
