/**
 * The gateway process: `node -r tsx/cjs supergraph/src/server.ts`. Loads configuration, the cache
 * runtime (rate limits, revocations), the token verifier and the composed supergraph, then listens
 * until SIGINT/SIGTERM.
 */
import fs from 'node:fs';
import path from 'node:path';
import { createTokenVerifier } from '@ecomify/kernel/auth';
import { createCacheRuntime } from '@ecomify/kernel/cache';
import { createLogger } from '@ecomify/kernel/logging';
import { initMetrics } from '@ecomify/kernel/metrics';
import { createGatewayApp } from './app';
import { loadGatewayConfig, subgraphUrlOverridesFromEnv, supergraphServices } from './config';
import { createCachingVerifier } from './token-cache';

async function start() {
  const config = loadGatewayConfig();
  const logger = createLogger('gateway', { level: config.LOG_LEVEL });
  initMetrics('gateway');

  const supergraphPath = path.resolve(config.SUPERGRAPH_PATH);
  if (!fs.existsSync(supergraphPath)) {
    throw new Error(
      `The supergraph file ${supergraphPath} does not exist: run \`ecomify supergraph compose\` first (or set SUPERGRAPH_PATH).`,
    );
  }
  const supergraphSdl = fs.readFileSync(supergraphPath, 'utf8');
  const subgraphUrlOverrides = subgraphUrlOverridesFromEnv(supergraphServices(supergraphSdl));

  const cache = await createCacheRuntime({ config, service: 'gateway', logger });
  const jwksUrl = config.JWKS_URL ?? (config.env === 'production' ? undefined : 'http://127.0.0.1:3001/.well-known/jwks.json');
  // Signatures are checked once per token (LRU until exp); revocation is asked on every request.
  const verifier = jwksUrl
    ? createCachingVerifier(createTokenVerifier({ jwksUrl, issuer: config.JWT_ISSUER, audience: config.JWT_AUDIENCE }), {
        isRevoked: (jti) => cache.revocations.isRevoked(jti),
      })
    : undefined;

  let app;
  try {
    app = await createGatewayApp({ supergraphSdl, config, logger, cache, verifier, subgraphUrlOverrides });
  } catch (err) {
    await cache.close();
    throw new Error(`${supergraphPath} could not be loaded (${(err as Error).message}); run \`ecomify supergraph compose\` to rebuild it.`);
  }
  await app.listen(config.PORT, config.HOST);
  const url = `http://${config.HOST}:${config.PORT}/graphql`;
  logger.info({ url, cache: cache.kind, subgraphs: app.subgraphs }, 'gateway ready');

  let stopping = false;
  const shutdown = async () => {
    if (stopping) return;
    stopping = true;
    logger.info('gateway stopping');
    try {
      await app.stop();
      await cache.close();
      process.exit(0);
    } catch (err) {
      logger.error({ err }, 'gateway stop failed');
      process.exit(1);
    }
  };
  process.once('SIGINT', () => void shutdown());
  process.once('SIGTERM', () => void shutdown());
}

start().catch((err: Error) => {
  process.stderr.write(`\ngateway failed to start: ${err.message}\n`);
  process.exit(1);
});
