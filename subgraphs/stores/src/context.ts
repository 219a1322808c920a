import type { Cache } from '@ecomify/kernel/cache';
import type { BaseContext } from '@ecomify/kernel/graphql';
import type { PrismaClient } from './generated-client';

/** What every stores resolver and service receives first. */
export interface StoresContext extends BaseContext {
  /**
   * The store registry. Stores is the tenancy authority and its registry reads are cross-store by
   * nature (a merchant's stores, admin listings), so this client is not store-scoped; services
   * check access themselves and scope tenant-table work with scopeTransaction/tenantDb.
   */
  db: PrismaClient;
  /** A client scoped (row-level security) to one store, for reads of tenant tables. */
  tenantDb(storeId: string): PrismaClient;
  /** Read-through cache for store reads (1 hour), invalidated on every change. */
  cache: Cache;
  /** Stores get the subdomain `<slug>.<platformDomain>`. */
  platformDomain: string;
}
