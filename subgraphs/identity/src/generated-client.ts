// One import path for the generated Prisma client (src/generated is build output, not committed).
export { PrismaClient, Prisma } from './generated/prisma/client';
export type * from './generated/prisma/models';
