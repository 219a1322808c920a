// Writes to {{Name}}Item: validate with rules, change and record the event in one transaction.
import { recordEvent } from '@ecomify/kernel/events';
import { requireStore } from '@ecomify/kernel/tenancy';
import { {{nameCamel}}ItemCreated } from '@ecomify/contracts/{{name}}';
import type { {{Name}}Context } from '../../context';
import { assertValidName } from './rules';

export async function create{{Name}}Item(ctx: {{Name}}Context, input: { name: string }) {
  const storeId = requireStore(ctx);
  const name = assertValidName(input.name);
  // ctx.db is scoped to the request's store: row-level security refuses a row for any other store.
  return ctx.db.$transaction(async (tx) => {
    const item = await tx.{{nameCamel}}Item.create({ data: { name, storeId } });
    await recordEvent(tx, {{nameCamel}}ItemCreated, { {{nameCamel}}ItemId: item.id, name: item.name }, {
      correlationId: ctx.correlationId,
      storeId,
      actor: ctx.principal ? { kind: ctx.principal.kind, id: ctx.principal.subject } : undefined,
    });
    return item;
  });
}
