// Event handlers the identity subgraph runs: one EventHandlerDef per durable consumer.
// Each runs in a transaction of this subgraph's database together with its processed-event record.
import type { EventHandlerDef } from '@ecomify/kernel/events';

export const handlers: EventHandlerDef[] = [];
