import type { BaseContext } from '@ecomify/kernel/graphql';
import type { PrismaClient } from './generated-client';

/** What every {{name}} resolver and service receives first. */
export interface {{Name}}Context extends BaseContext {
  /**
   * The {{name}} database scoped to the request's store: row-level security shows tenant rows of
   * that store only (none without a store). Writes go through services, which open transactions on it.
   */
  db: PrismaClient;
  /** The unscoped client, for reads across stores (the store projection, health checks). */
  platformDb: PrismaClient;
}
