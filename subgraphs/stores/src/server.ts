// Starts the stores subgraph process (config, database, events, cache, HTTP). See @ecomify/kernel/runtime.
import { main } from '@ecomify/kernel/runtime';
import { createApp } from './app';
import { handlers } from './events/handlers';
import { PrismaClient } from './generated-client';

main({ name: 'stores', defaultPort: 3002, PrismaClient, handlers, createApp });
