// Configures the identity subgraph's Pothos builder from the kernel preset. Defines no types.
import { createSubgraphBuilder } from '@ecomify/kernel/graphql';
import type PrismaTypes from './generated/pothos-types';
import { getDatamodel } from './generated/pothos-types';
import type { IdentityContext } from './context';

export const builder = createSubgraphBuilder<PrismaTypes, IdentityContext>({
  // Resolvers use the request's client, never a global one.
  prismaClient: (ctx: IdentityContext) => ctx.db,
  dmmf: getDatamodel(),
});
