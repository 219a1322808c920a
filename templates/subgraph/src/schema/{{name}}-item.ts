// The {{Name}}Item type with its queries and mutations.
import { memo } from '@ecomify/kernel/graphql';
import { ValidationError } from '@ecomify/kernel/errors';
import DataLoader from 'dataloader';
import { builder } from '../builder';
import type { {{Name}}Context } from '../context';
import { create{{Name}}Item } from '../domain/{{name}}-item/service';

export const {{Name}}ItemRef = builder.prismaObject('{{Name}}Item', {
  fields: (t) => ({
    id: t.exposeID('id'),
    name: t.exposeString('name'),
    storeId: t.exposeString('storeId', { nullable: true }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

// Entity references arrive one per representation: batch them into one query per request.
const itemLoader = (ctx: {{Name}}Context) =>
  memo(ctx, '{{nameCamel}}ItemLoader', () =>
    new DataLoader(async (ids: readonly string[]) => {
      const rows = await ctx.db.{{nameCamel}}Item.findMany({ where: { id: { in: [...ids] } } });
      const byId = new Map(rows.map((r) => [r.id, r]));
      return ids.map((id) => byId.get(id) ?? null);
    }),
  );

builder.asEntity({{Name}}ItemRef, {
  key: builder.selection<{ id: string }>('id'),
  resolveReference: (ref, ctx) => itemLoader(ctx).load(ref.id),
});

builder.queryField('{{nameCamel}}Items', (t) =>
  t.prismaConnection({
    type: '{{Name}}Item',
    cursor: 'id',
    description: '{{Name}} items, oldest first.',
    totalCount: (_parent, _args, ctx) => ctx.db.{{nameCamel}}Item.count(),
    resolve: (query, _parent, _args, ctx) => ctx.db.{{nameCamel}}Item.findMany({ ...query, orderBy: { id: 'asc' } }),
  }),
);

const Create{{Name}}ItemInput = builder.inputType('Create{{Name}}ItemInput', {
  fields: (t) => ({
    name: t.string({ required: true }),
  }),
});

builder.mutationField('create{{Name}}Item', (t) =>
  t.field({
    type: {{Name}}ItemRef,
    authScopes: { authenticated: true },
    errors: { types: [ValidationError] },
    args: { input: t.arg({ type: Create{{Name}}ItemInput, required: true }) },
    resolve: (_root, { input }, ctx) => create{{Name}}Item(ctx, input),
  }),
);
