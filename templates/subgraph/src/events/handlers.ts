// Event handlers the {{name}} subgraph runs: one EventHandlerDef per durable consumer.
// Each runs in a transaction of this subgraph's database together with its processed-event record.
import type { EventHandlerDef } from '@ecomify/kernel/events';
import { storeProjectionHandlers } from '@ecomify/kernel/tenancy';

// The store projection (membership and status) answers ctx.storeAccess without calling stores.
export const handlers: EventHandlerDef[] = [...storeProjectionHandlers('{{name}}')];
