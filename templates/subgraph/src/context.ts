import type { BaseContext } from '@ecomify/kernel/graphql';
import type { PrismaClient } from './generated-client';

/** What every {{name}} resolver and service receives first. */
export interface {{Name}}Context extends BaseContext {
  /** The {{name}} database. Writes go through services, which open transactions on it. */
  db: PrismaClient;
}
