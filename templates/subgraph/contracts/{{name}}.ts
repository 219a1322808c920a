// Events the {{name}} subgraph publishes. Additive changes keep the version; breaking ones add a new version beside the old.
import { defineEvent } from './define';
import { z } from 'zod';

export const {{nameCamel}}ItemCreated = defineEvent({
  subject: 'ecomify.{{name}}.{{name}}-item.created',
  version: 1,
  description: 'A {{Name}}Item was created.',
  schema: z.object({ {{nameCamel}}ItemId: z.string(), name: z.string() }),
});
