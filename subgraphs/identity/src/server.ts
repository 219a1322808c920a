// Starts the identity subgraph process (config, database, events, cache, HTTP). See @ecomify/kernel/runtime.
import { main, type SubgraphDeps } from '@ecomify/kernel/runtime';
import { createApp, identityVerifier } from './app';
import { loadIdentityConfig } from './config';
import type { IdentityRuntime } from './context';
import { handlers } from './events/handlers';
import { PrismaClient } from './generated-client';
import { createIdentityRuntime } from './runtime';

// Validated before anything connects, so a bad identity setting stops start-up with its name.
const config = loadIdentityConfig();

// The verifier and the app must share one key store (one cache of keys, one rotation view).
let runtime: IdentityRuntime | undefined;
const runtimeFor = (deps: Omit<SubgraphDeps<PrismaClient>, 'verifier'>) =>
  (runtime ??= createIdentityRuntime({
    db: deps.db,
    config,
    rateLimiter: deps.cache.rateLimiter,
    revocations: deps.cache.revocations,
  }));

main<PrismaClient>({
  name: 'identity',
  defaultPort: 3001,
  PrismaClient,
  handlers,
  createVerifier: (deps) => identityVerifier(runtimeFor(deps)),
  createApp: (deps) =>
    createApp({
      db: deps.db,
      logger: deps.logger,
      runtime: runtimeFor(deps),
      verifier: deps.verifier,
      readiness: { cache: () => deps.cache.ping() },
    }),
});
