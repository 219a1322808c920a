// Events the stores subgraph publishes. Other subgraphs build their store-access projection from them
// (kernel tenancy), so every field here is a fact that will not change for that event.
import { defineEvent } from './define';
import { z } from 'zod';

export const storeStatus = z.enum(['ACTIVE', 'PAUSED', 'SUSPENDED', 'CLOSED']);

export const storeCreated = defineEvent({
  subject: 'ecomify.stores.store.created',
  version: 1,
  description: 'A store was created; `ownerId` is its owner and first member.',
  schema: z.object({
    storeId: z.string(),
    ownerId: z.string(),
    name: z.string(),
    slug: z.string(),
    domain: z.string(),
    currency: z.string(),
    locale: z.string(),
    timezone: z.string(),
    status: storeStatus,
  }),
});

export const storeUpdated = defineEvent({
  subject: 'ecomify.stores.store.updated',
  version: 1,
  description: 'Store fields changed; `changedFields` lists them and `changes` carries their new values (settings/theme excluded).',
  schema: z.object({
    storeId: z.string(),
    changedFields: z.array(z.string()),
    changes: z.record(z.unknown()),
  }),
});

export const storeThemeUpdated = defineEvent({
  subject: 'ecomify.stores.theme.updated',
  version: 1,
  description: 'The store theme was replaced.',
  schema: z.object({ storeId: z.string() }),
});

export const storeStatusChanged = defineEvent({
  subject: 'ecomify.stores.store.status-changed',
  version: 1,
  description: 'The store moved between ACTIVE, PAUSED, SUSPENDED and CLOSED.',
  schema: z.object({ storeId: z.string(), from: storeStatus, to: storeStatus, reason: z.string().nullable(), changedBy: z.string() }),
});

export const staffMemberAdded = defineEvent({
  subject: 'ecomify.stores.staff-member.added',
  version: 1,
  description: 'A user became a staff member of a store with these permissions (replaces any earlier grant).',
  schema: z.object({ storeId: z.string(), userId: z.string(), permissions: z.array(z.string()), addedBy: z.string() }),
});

export const staffMemberRemoved = defineEvent({
  subject: 'ecomify.stores.staff-member.removed',
  version: 1,
  description: 'A user stopped being a staff member of a store.',
  schema: z.object({ storeId: z.string(), userId: z.string(), removedBy: z.string() }),
});
