// Starts the {{name}} subgraph process (config, database, events, cache, HTTP). See @ecomify/kernel/runtime.
import { main } from '@ecomify/kernel/runtime';
import { createApp } from './app';
import { handlers } from './events/handlers';
import { PrismaClient } from './generated-client';

main({ name: '{{name}}', defaultPort: {{port}}, PrismaClient, handlers, createApp });
