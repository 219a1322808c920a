// Builds the {{name}} HTTP app (no listener), so tests and the server share it.
import { createSubgraphApp } from '@ecomify/kernel/graphql';
import type { TokenVerifier } from '@ecomify/kernel/auth';
import type { Logger } from '@ecomify/kernel/logging';
import { createStoreAccess, createTenantClients, type TenantClients } from '@ecomify/kernel/tenancy';
import { PrismaClient } from './generated-client';
import type { {{Name}}Context } from './context';
import { schema } from './schema';

export const SERVICE_NAME = '{{name}}';

export interface {{Name}}AppDeps {
  db: PrismaClient;
  logger: Logger;
  verifier?: TokenVerifier;
  graphiql?: boolean;
  /** Store-scoped clients; created from config.DATABASE_URL when not given. */
  tenants?: TenantClients<PrismaClient>;
  config?: { DATABASE_URL?: string; DATABASE_POOL_SIZE?: number };
}

export function createApp(deps: {{Name}}AppDeps) {
  const tenants = deps.tenants ?? tenantClientsFromConfig(deps);
  // Membership comes from the store projection this subgraph keeps from stores events.
  const storeAccess = createStoreAccess(deps.db);
  return createSubgraphApp<{{Name}}Context>({
    name: SERVICE_NAME,
    schema,
    logger: deps.logger,
    verifier: deps.verifier,
    graphiql: deps.graphiql,
    extendContext: (base) => ({ ...base, db: tenants.forStore(base.storeId), platformDb: deps.db, storeAccess: storeAccess(base) }),
    readiness: { database: () => deps.db.$queryRaw`SELECT 1` },
  });
}

function tenantClientsFromConfig(deps: {{Name}}AppDeps): TenantClients<PrismaClient> {
  const url = deps.config?.DATABASE_URL;
  if (!url) throw new Error('{{name}}: DATABASE_URL is needed for the store-scoped (row-level security) database clients.');
  return createTenantClients(PrismaClient, { url, poolSize: deps.config?.DATABASE_POOL_SIZE, applicationName: 'ecomify-{{name}}' });
}
