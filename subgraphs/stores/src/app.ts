// Builds the stores HTTP app (no listener), so tests and the server share it.
import type { TokenVerifier } from '@ecomify/kernel/auth';
import type { Cache } from '@ecomify/kernel/cache';
import { loadConfig } from '@ecomify/kernel/config';
import { createSubgraphApp } from '@ecomify/kernel/graphql';
import type { Logger } from '@ecomify/kernel/logging';
import { createStoreAccess, createTenantClients, type StoreMembership, type TenantClients } from '@ecomify/kernel/tenancy';
import { storesConfigShape } from './config';
import type { StoresContext } from './context';
import { PrismaClient } from './generated-client';
import { schema } from './schema';

export const SERVICE_NAME = 'stores';

export interface StoresAppDeps {
  db: PrismaClient;
  logger: Logger;
  /** The cache runtime (runSubgraph passes it); only its read-through cache is used. */
  cache: { cache: Cache };
  verifier?: TokenVerifier;
  graphiql?: boolean;
  /** Store-scoped clients; created from config.DATABASE_URL when not given. */
  tenants?: TenantClients<PrismaClient>;
  config?: { DATABASE_URL?: string; DATABASE_POOL_SIZE?: number };
  /** Parent domain of store subdomains; PLATFORM_DOMAIN from the environment when not given. */
  platformDomain?: string;
}

export function createApp(deps: StoresAppDeps) {
  const platformDomain = deps.platformDomain ?? loadConfig(storesConfigShape).PLATFORM_DOMAIN;
  const tenants = deps.tenants ?? tenantClientsFromConfig(deps);
  // Stores answers membership from its own tables; other subgraphs use the kernel projection instead.
  const storeAccess = createStoreAccess(deps.db, {
    load: async (storeId, userId): Promise<StoreMembership> => {
      const store = await deps.db.store.findUnique({
        where: { id: storeId },
        select: { status: true, ownerId: true, staff: { where: { userId }, select: { permissions: true } } },
      });
      if (!store) return { status: null, ownerId: null, role: null, permissions: [] };
      const staff = store.staff[0];
      return {
        status: store.status,
        ownerId: store.ownerId,
        role: store.ownerId === userId ? 'OWNER' : staff ? 'STAFF' : null,
        permissions: staff?.permissions ?? [],
      };
    },
  });
  return createSubgraphApp<StoresContext>({
    name: SERVICE_NAME,
    schema,
    logger: deps.logger,
    verifier: deps.verifier,
    graphiql: deps.graphiql,
    extendContext: (base) => ({
      ...base,
      db: deps.db,
      tenantDb: (storeId: string) => tenants.forStore(storeId),
      cache: deps.cache.cache,
      platformDomain,
      storeAccess: storeAccess(base),
    }),
    readiness: { database: () => deps.db.$queryRaw`SELECT 1` },
  });
}

function tenantClientsFromConfig(deps: StoresAppDeps): TenantClients<PrismaClient> {
  const url = deps.config?.DATABASE_URL;
  if (!url) throw new Error('stores: DATABASE_URL is needed for the store-scoped (row-level security) database clients.');
  return createTenantClients(PrismaClient, { url, poolSize: deps.config?.DATABASE_POOL_SIZE, applicationName: 'ecomify-stores' });
}
