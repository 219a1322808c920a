import path from 'node:path';
import { defineConfig } from 'prisma/config';
import { subgraphPrismaConfig } from '@ecomify/kernel/db/prisma-config';

export default defineConfig(subgraphPrismaConfig(path.join(__dirname, 'prisma', 'schema.prisma')));
