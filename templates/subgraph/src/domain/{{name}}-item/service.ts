// Writes to {{Name}}Item: validate with rules, change and record the event in one transaction.
import { recordEvent } from '@ecomify/kernel/events';
import { {{nameCamel}}ItemCreated } from '@ecomify/contracts/{{name}}';
import type { {{Name}}Context } from '../../context';
import { assertValidName } from './rules';

export async function create{{Name}}Item(ctx: {{Name}}Context, input: { name: string }) {
  const name = assertValidName(input.name);
  return ctx.db.$transaction(async (tx) => {
    const item = await tx.{{nameCamel}}Item.create({ data: { name, storeId: ctx.storeId } });
    await recordEvent(tx, {{nameCamel}}ItemCreated, { {{nameCamel}}ItemId: item.id, name: item.name }, {
      correlationId: ctx.correlationId,
      storeId: ctx.storeId,
      actor: ctx.principal ? { kind: ctx.principal.kind, id: ctx.principal.subject } : undefined,
    });
    return item;
  });
}
