// Configures the {{name}} subgraph's Pothos builder from the kernel preset. Defines no types.
import { createSubgraphBuilder } from '@ecomify/kernel/graphql';
import type PrismaTypes from './generated/pothos-types';
import { getDatamodel } from './generated/pothos-types';
import type { {{Name}}Context } from './context';

export const builder = createSubgraphBuilder<PrismaTypes, {{Name}}Context>({
  // Resolvers use the request's client, never a global one.
  prismaClient: (ctx: {{Name}}Context) => ctx.db,
  dmmf: getDatamodel(),
});
