// Builds the {{name}} HTTP app (no listener), so tests and the server share it.
import { createSubgraphApp } from '@ecomify/kernel/graphql';
import type { TokenVerifier } from '@ecomify/kernel/auth';
import type { Logger } from '@ecomify/kernel/logging';
import type { PrismaClient } from './generated-client';
import type { {{Name}}Context } from './context';
import { schema } from './schema';

export const SERVICE_NAME = '{{name}}';

export function createApp(deps: { db: PrismaClient; logger: Logger; verifier?: TokenVerifier; graphiql?: boolean }) {
  return createSubgraphApp<{{Name}}Context>({
    name: SERVICE_NAME,
    schema,
    logger: deps.logger,
    verifier: deps.verifier,
    graphiql: deps.graphiql,
    extendContext: (base) => ({ ...base, db: deps.db }),
    readiness: { database: () => deps.db.$queryRaw`SELECT 1` },
  });
}
