// Builds the identity HTTP app (no listener), so tests and the server share it. Besides /graphql it
// serves the JWKS every other service verifies access tokens with.
import type { TokenVerifier } from '@ecomify/kernel/auth';
import { createSubgraphApp } from '@ecomify/kernel/graphql';
import type { Logger } from '@ecomify/kernel/logging';
import type { Plugin } from 'graphql-yoga';
import type { IdentityContext, IdentityRuntime } from './context';
import { cleanUserAgent, clientAddress } from './domain/auth/rules';
import { createIdentityVerifier } from './domain/keys/service';
import type { PrismaClient } from './generated-client';
import { schema } from './schema';

export const SERVICE_NAME = 'identity';
export const JWKS_PATH = '/.well-known/jwks.json';

/** identity's verifier: its own keys from its database, and the shared revocation list. */
export function identityVerifier(runtime: IdentityRuntime): TokenVerifier {
  return createIdentityVerifier({
    keys: runtime.keys,
    issuer: runtime.config.JWT_ISSUER,
    audience: runtime.config.JWT_AUDIENCE,
    isRevoked: (jti) => runtime.revocations.isRevoked(jti),
  });
}

export function createApp(deps: {
  db: PrismaClient;
  logger: Logger;
  runtime: IdentityRuntime;
  verifier?: TokenVerifier;
  graphiql?: boolean;
  readiness?: Record<string, () => Promise<unknown>>;
}) {
  const { runtime } = deps;
  const jwksPlugin: Plugin = {
    async onRequest({ url, request, endResponse }) {
      if (url.pathname !== JWKS_PATH) return;
      if (request.method !== 'GET' && request.method !== 'HEAD') {
        endResponse(new Response(null, { status: 405, headers: { allow: 'GET, HEAD' } }));
        return;
      }
      // Short cache: verifiers refetch on an unknown kid anyway, and a new key is published before it signs.
      endResponse(Response.json(await runtime.keys.jwks(), { headers: { 'cache-control': 'public, max-age=60' } }));
    },
  };
  return createSubgraphApp<IdentityContext>({
    name: SERVICE_NAME,
    schema,
    logger: deps.logger,
    verifier: deps.verifier ?? identityVerifier(runtime),
    graphiql: deps.graphiql,
    plugins: [jwksPlugin],
    extendContext: (base, request) => ({
      ...base,
      db: deps.db,
      identity: runtime,
      ipAddress: clientAddress(request.headers, runtime.config.trustProxy),
      userAgent: cleanUserAgent(request.headers.get('user-agent')),
    }),
    readiness: { database: () => deps.db.$queryRaw`SELECT 1`, ...deps.readiness },
  });
}
