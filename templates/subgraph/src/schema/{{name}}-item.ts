// The {{Name}}Item type with its queries and mutations.
import { memo } from '@ecomify/kernel/graphql';
import { ValidationError } from '@ecomify/kernel/errors';
import { assertStoreOpen, requireStore } from '@ecomify/kernel/tenancy';
import DataLoader from 'dataloader';
import { builder } from '../builder';
import type { {{Name}}Context } from '../context';
import { create{{Name}}Item } from '../domain/{{name}}-item/service';

export const {{Name}}ItemRef = builder.prismaObject('{{Name}}Item', {
  fields: (t) => ({
    id: t.exposeID('id'),
    name: t.exposeString('name'),
    storeId: t.exposeString('storeId'),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

// Entity references arrive one per representation: batch them into one query per request. They
// resolve within the request's store (ctx.db is store-scoped), like every other read.
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
    description: "The request store's {{Name}} items, oldest first (needs x-store-id; the store must be open).",
    totalCount: (_parent, _args, ctx) => ctx.db.{{nameCamel}}Item.count({ where: { storeId: requireStore(ctx) } }),
    resolve: async (query, _parent, _args, ctx) => {
      const storeId = requireStore(ctx);
      await assertStoreOpen(ctx, ctx.platformDb, storeId, 'read');
      return ctx.db.{{nameCamel}}Item.findMany({ ...query, where: { storeId }, orderBy: { id: 'asc' } });
    },
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
    // Any member of the request's store (owner, staff) or a platform admin; pick a permission for real writes.
    authScopes: { storePermission: null },
    errors: { types: [ValidationError] },
    args: { input: t.arg({ type: Create{{Name}}ItemInput, required: true }) },
    resolve: (_root, { input }, ctx) => create{{Name}}Item(ctx, input),
  }),
);
