/**
 * Runs one subgraph process: validated config, its database, token verification (with revocation),
 * cache, event transport, outbox relay and consumers, the HTTP app, and a clean shutdown.
 * Every subgraph's src/server.ts is a call to `runSubgraph`.
 */
import type http from 'node:http';
import { createTokenVerifier, type TokenVerifier } from '../auth/verifier';
import { createCacheRuntime } from '../cache';
import type { CacheRuntime } from '../cache/types';
import { loadConfig, type BaseConfig } from '../config';
import { createPrismaClient } from '../db/client';
import { createEventTransport, startEventRuntime } from '../events';
import type { EventHandlerDef, EventRuntime, EventTransport } from '../events/types';
import type { SubgraphApp } from '../graphql/app';
import { createLogger, type Logger } from '../logging';
import { initMetrics, registerPoolMetrics } from '../metrics';

export interface SubgraphDeps<Db> {
  db: Db;
  config: BaseConfig;
  logger: Logger;
  verifier?: TokenVerifier;
  cache: CacheRuntime;
  transport: EventTransport;
}

export interface SubgraphDefinition<Db extends { $disconnect(): Promise<void> }> {
  /** Service name, e.g. "identity". */
  name: string;
  defaultPort: number;
  PrismaClient: new (opts: { adapter: never }) => Db;
  handlers?: EventHandlerDef[];
  createApp(deps: SubgraphDeps<Db>): SubgraphApp;
  /** Custom verifier (identity verifies against its own keys). */
  createVerifier?(deps: Omit<SubgraphDeps<Db>, 'verifier'>): TokenVerifier | Promise<TokenVerifier>;
}

export interface RunningSubgraph {
  url: string;
  server: http.Server;
  stop(): Promise<void>;
}

/** Starts a subgraph and returns once it listens. Exits the process with a clear message on bad config. */
export async function runSubgraph<Db extends { $disconnect(): Promise<void> }>(def: SubgraphDefinition<Db>): Promise<RunningSubgraph> {
  const config = loadConfig();
  const logger = createLogger(def.name, { level: config.LOG_LEVEL });
  initMetrics(def.name);
  const port = Number(process.env.PORT ?? def.defaultPort);
  if (!config.DATABASE_URL) {
    throw new Error(
      `${def.name}: DATABASE_URL is not set. Start the platform with \`ecomify dev\` (it sets it), or set DATABASE_URL to this service's PostgreSQL database.`,
    );
  }
  const handle = createPrismaClient(def.PrismaClient as never, {
    url: config.DATABASE_URL,
    poolSize: config.DATABASE_POOL_SIZE,
    applicationName: `ecomify-${def.name}`,
  }) as { prisma: Db; pool: import('pg').Pool; close(): Promise<void> };
  registerPoolMetrics(handle.pool);

  const cache = await createCacheRuntime({ config, service: def.name, logger });
  const transport = await createEventTransport({ config, service: def.name, logger });
  const base = { db: handle.prisma, config, logger, cache, transport };
  const jwksUrl = config.JWKS_URL ?? (config.env === 'production' ? undefined : 'http://127.0.0.1:3001/.well-known/jwks.json');
  const verifier = def.createVerifier
    ? await def.createVerifier(base)
    : jwksUrl
      ? createTokenVerifier({
          jwksUrl,
          issuer: config.JWT_ISSUER,
          audience: config.JWT_AUDIENCE,
          isRevoked: (jti) => cache.revocations.isRevoked(jti),
        })
      : undefined;

  const events: EventRuntime = await startEventRuntime({
    service: def.name,
    transport,
    db: handle.prisma as never,
    databaseUrl: config.DATABASE_URL,
    logger,
    handlers: def.handlers ?? [],
    maxDeliver: config.EVENTS_MAX_DELIVER,
  });

  const app = def.createApp({ ...base, verifier });
  const server = await app.listen(port, config.HOST);
  const url = `http://${config.HOST}:${port}/graphql`;
  logger.info({ url, events: transport.kind, cache: cache.kind }, `${def.name} subgraph ready`);

  let stopping: Promise<void> | null = null;
  const stop = () =>
    (stopping ??= (async () => {
      logger.info(`${def.name} stopping`);
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections?.();
      await events.stop().catch((err) => logger.warn({ err }, 'event runtime stop failed'));
      await transport.close().catch(() => undefined);
      await cache.close().catch(() => undefined);
      await handle.close().catch(() => undefined);
    })());
  return { url, server, stop };
}

/** Entry point helper for src/server.ts: runs the subgraph and stops cleanly on SIGINT/SIGTERM. */
export function main<Db extends { $disconnect(): Promise<void> }>(def: SubgraphDefinition<Db>): void {
  runSubgraph(def).then(
    (running) => {
      const shutdown = () =>
        running.stop().then(
          () => process.exit(0),
          () => process.exit(1),
        );
      process.once('SIGINT', shutdown);
      process.once('SIGTERM', shutdown);
    },
    (err: Error) => {
      process.stderr.write(`\n${def.name} failed to start: ${err.message}\n`);
      process.exit(1);
    },
  );
}
