// The Store type (a federation entity) with its queries and mutations.
import { ConflictError, NotFoundError, RuleViolationError, ValidationError } from '@ecomify/kernel/errors';
import { builder } from '../builder';
import type { StoresContext } from '../context';
import { canViewStore, isAdmin, requireUser } from '../domain/store/access';
import { DEFAULT_SETTINGS, type StoreSettings } from '../domain/store/rules';
import {
  changeStoreStatus,
  createStore,
  getStore,
  getStoreBySlug,
  storeLoader,
  updateStore,
  updateStoreTheme,
} from '../domain/store/service';
import { DEFAULT_THEME, type Theme } from '../domain/store/theme';
import type { Prisma } from '../generated-client';

export const StoreStatusEnum = builder.enumType('StoreStatus', {
  values: ['ACTIVE', 'PAUSED', 'SUSPENDED', 'CLOSED'] as const,
  description: 'ACTIVE → PAUSED (owner) ↔ ACTIVE; SUSPENDED and reinstating are for platform admins; CLOSED is final.',
});

const StoreSettingsRef = builder.objectRef<StoreSettings>('StoreSettings').implement({
  fields: (t) => ({
    orderNumberPrefix: t.exposeString('orderNumberPrefix'),
    guestCheckout: t.exposeBoolean('guestCheckout'),
    taxesIncluded: t.exposeBoolean('taxesIncluded'),
    weightUnit: t.exposeString('weightUnit'),
    lowStockThreshold: t.exposeInt('lowStockThreshold'),
  }),
});

const HeaderStyle = builder.enumType('ThemeHeaderStyle', { values: { FIXED: { value: 'fixed' }, STATIC: { value: 'static' } } as const });
const SidebarPosition = builder.enumType('ThemeSidebarPosition', {
  values: { LEFT: { value: 'left' }, RIGHT: { value: 'right' } } as const,
});

const ThemeColorsRef = builder.objectRef<Theme['colors']>('ThemeColors').implement({
  fields: (t) => ({
    primary: t.exposeString('primary'),
    secondary: t.exposeString('secondary'),
    accent: t.exposeString('accent'),
    background: t.exposeString('background'),
    text: t.exposeString('text'),
  }),
});
const ThemeTypographyRef = builder.objectRef<Theme['typography']>('ThemeTypography').implement({
  fields: (t) => ({ fontFamily: t.exposeString('fontFamily'), headingFont: t.exposeString('headingFont') }),
});
const ThemeLayoutRef = builder.objectRef<Theme['layout']>('ThemeLayout').implement({
  fields: (t) => ({
    headerStyle: t.field({ type: HeaderStyle, resolve: (l) => l.headerStyle }),
    sidebarPosition: t.field({ type: SidebarPosition, resolve: (l) => l.sidebarPosition }),
  }),
});
const StoreThemeRef = builder.objectRef<Theme>('StoreTheme').implement({
  fields: (t) => ({
    colors: t.field({ type: ThemeColorsRef, resolve: (th) => th.colors }),
    typography: t.field({ type: ThemeTypographyRef, resolve: (th) => th.typography }),
    layout: t.field({ type: ThemeLayoutRef, resolve: (th) => th.layout }),
    customCSS: t.string({ nullable: true, resolve: (th) => th.customCSS ?? null }),
  }),
});

// Identity's User, by reference only: stores holds the owner's id and the gateway fetches the rest
// from identity. Not resolvable here (stores cannot answer `_entities` for users).
const UserRef = builder
  .externalRef('User', builder.keyDirective(builder.selection<{ id: string }>('id'), false))
  .implement({ fields: (t) => ({ id: t.exposeID('id') }) });

// Owner, staff and admins see everything; anyone else (a storefront reaching Store through an entity
// reference) sees only what a shopper would.
const privateField = {
  authScopes: (store: { id: string; ownerId: string }, _args: unknown, ctx: StoresContext) => canViewStore(ctx, store),
};

export const StoreRef = builder.prismaObject('Store', {
  description: 'A store: one tenant of the platform.',
  fields: (t) => ({
    id: t.exposeID('id'),
    name: t.exposeString('name'),
    slug: t.exposeString('slug'),
    domain: t.exposeString('domain', { description: 'The platform subdomain, `<slug>.<platform domain>`.' }),
    customDomain: t.exposeString('customDomain', { nullable: true }),
    currency: t.exposeString('currency', { description: 'ISO 4217 code.' }),
    locale: t.exposeString('locale', { description: 'BCP 47 tag.' }),
    timezone: t.exposeString('timezone', { description: 'IANA time zone.' }),
    status: t.field({ type: StoreStatusEnum, resolve: (s) => s.status }),
    theme: t.field({ type: StoreThemeRef, resolve: (s) => ({ ...DEFAULT_THEME, ...(s.theme as Partial<Theme>) }) }),
    ownerId: t.exposeID('ownerId', { ...privateField }),
    owner: t.field({
      type: UserRef,
      description: "The store's owner: a User of the identity service (the gateway resolves its fields there).",
      ...privateField,
      resolve: (s) => ({ id: s.ownerId }),
    }),
    email: t.exposeString('email', { ...privateField }),
    phone: t.exposeString('phone', { nullable: true, ...privateField }),
    settings: t.field({
      type: StoreSettingsRef,
      ...privateField,
      resolve: (s) => ({ ...DEFAULT_SETTINGS, ...(s.settings as Partial<StoreSettings>) }),
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime', ...privateField }),
    staff: t.relation('staff', { ...privateField, query: { orderBy: { createdAt: 'asc' } } }),
    statusHistory: t.prismaConnection(
      {
        type: 'StoreStatusChange',
        cursor: 'id',
        ...privateField,
        description: 'Status changes, newest first: who, when and why.',
        // A tenant table: read through the store-scoped client, so row-level security backs the filter.
        totalCount: (store, _args, ctx) => ctx.tenantDb(store.id).storeStatusChange.count({ where: { storeId: store.id } }),
        resolve: (query, store, _args, ctx) =>
          ctx.tenantDb(store.id).storeStatusChange.findMany({
            ...query,
            where: { storeId: store.id },
            orderBy: [{ changedAt: 'desc' }, { id: 'desc' }],
          }),
      },
      {},
    ),
  }),
});

builder.prismaObject('StoreStatusChange', {
  description: 'One status change of a store.',
  fields: (t) => ({
    id: t.exposeID('id'),
    from: t.field({ type: StoreStatusEnum, resolve: (c) => c.from }),
    to: t.field({ type: StoreStatusEnum, resolve: (c) => c.to }),
    reason: t.exposeString('reason', { nullable: true }),
    changedBy: t.exposeID('changedBy', { description: 'User id of whoever made the change.' }),
    changedAt: t.expose('changedAt', { type: 'DateTime' }),
  }),
});

builder.asEntity(StoreRef, {
  key: builder.selection<{ id: string }>('id'),
  resolveReference: (ref, ctx) => storeLoader(ctx).load(ref.id),
});

builder.queryField('store', (t) =>
  t.field({
    type: StoreRef,
    description: 'A store by id. Only its owner, staff and platform admins may read it (others get FORBIDDEN).',
    authScopes: { authenticated: true },
    errors: { types: [NotFoundError] },
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, { id }, ctx) => getStore(ctx, String(id)),
  }),
);

builder.queryField('storeBySlug', (t) =>
  t.field({
    type: StoreRef,
    description: 'A store by its slug, with the same access rules as `store`.',
    authScopes: { authenticated: true },
    errors: { types: [NotFoundError] },
    args: { slug: t.arg.string({ required: true }) },
    resolve: (_root, { slug }, ctx) => getStoreBySlug(ctx, slug),
  }),
);

builder.queryField('stores', (t) =>
  t.prismaConnection(
    {
      type: 'Store',
      cursor: 'id',
      description: 'Stores the caller owns or is staff of (platform admins: every store), oldest first.',
      authScopes: { authenticated: true },
      args: { ownerId: t.arg.id({ required: false }) },
      totalCount: (_parent, args, ctx) => ctx.db.store.count({ where: storesFilter(ctx, args.ownerId) }),
      resolve: (query, _parent, args, ctx) =>
        ctx.db.store.findMany({ ...query, where: storesFilter(ctx, args.ownerId), orderBy: { id: 'asc' } }),
    },
    {},
  ),
);

function storesFilter(ctx: StoresContext, ownerId?: string | number | null): Prisma.StoreWhereInput {
  const me = requireUser(ctx).subject;
  const owner = ownerId ? { ownerId: String(ownerId) } : {};
  if (isAdmin(ctx)) return owner;
  return { AND: [owner, { OR: [{ ownerId: me }, { staff: { some: { userId: me } } }] }] };
}

const CreateStoreInput = builder.inputType('CreateStoreInput', {
  fields: (t) => ({
    name: t.string({ required: true }),
    email: t.string({ required: true }),
    currency: t.string({ description: 'ISO 4217, default USD.' }),
    locale: t.string({ description: 'BCP 47, default en-US.' }),
    timezone: t.string({ description: 'IANA, default UTC.' }),
  }),
});

builder.mutationField('createStore', (t) =>
  t.field({
    type: StoreRef,
    description: 'Creates a store owned by the caller, with a unique slug and its subdomain.',
    authScopes: { roles: ['MERCHANT', 'PLATFORM_ADMIN'] },
    errors: { types: [ValidationError, ConflictError] },
    args: { input: t.arg({ type: CreateStoreInput, required: true }) },
    resolve: (_root, { input }, ctx) => createStore(ctx, input),
  }),
);

const StoreSettingsInput = builder.inputType('StoreSettingsInput', {
  description: 'Settings to change; omitted ones keep their value.',
  fields: (t) => ({
    orderNumberPrefix: t.string(),
    guestCheckout: t.boolean(),
    taxesIncluded: t.boolean(),
    weightUnit: t.string({ description: 'g, kg, oz or lb.' }),
    lowStockThreshold: t.int(),
  }),
});

const UpdateStoreInput = builder.inputType('UpdateStoreInput', {
  description: 'Fields to change; omitted ones keep their value. An empty phone or customDomain clears it.',
  fields: (t) => ({
    name: t.string(),
    email: t.string(),
    phone: t.string(),
    currency: t.string(),
    locale: t.string(),
    timezone: t.string(),
    customDomain: t.string(),
    settings: t.field({ type: StoreSettingsInput }),
  }),
});

builder.mutationField('updateStore', (t) =>
  t.field({
    type: StoreRef,
    description: "Changes a store's details (owner or platform admin).",
    authScopes: { authenticated: true },
    errors: { types: [ValidationError, NotFoundError, ConflictError, RuleViolationError] },
    args: { id: t.arg.id({ required: true }), input: t.arg({ type: UpdateStoreInput, required: true }) },
    resolve: (_root, { id, input }, ctx) => updateStore(ctx, String(id), { ...input, settings: input.settings ?? undefined }),
  }),
);

const ThemeColorsInput = builder.inputType('ThemeColorsInput', {
  fields: (t) => ({
    primary: t.string({ required: true }),
    secondary: t.string({ required: true }),
    accent: t.string({ required: true }),
    background: t.string({ required: true }),
    text: t.string({ required: true }),
  }),
});
const ThemeTypographyInput = builder.inputType('ThemeTypographyInput', {
  fields: (t) => ({ fontFamily: t.string({ required: true }), headingFont: t.string({ required: true }) }),
});
const ThemeLayoutInput = builder.inputType('ThemeLayoutInput', {
  fields: (t) => ({
    headerStyle: t.field({ type: HeaderStyle, required: true }),
    sidebarPosition: t.field({ type: SidebarPosition, required: true }),
  }),
});
const StoreThemeInput = builder.inputType('StoreThemeInput', {
  fields: (t) => ({
    colors: t.field({ type: ThemeColorsInput, required: true }),
    typography: t.field({ type: ThemeTypographyInput, required: true }),
    layout: t.field({ type: ThemeLayoutInput, required: true }),
    customCSS: t.string({ description: 'At most 50,000 characters; no <style> or <script> tags.' }),
  }),
});

builder.mutationField('updateStoreTheme', (t) =>
  t.field({
    type: StoreRef,
    description: "Replaces the store's theme (owner or platform admin).",
    authScopes: { authenticated: true },
    errors: { types: [ValidationError, NotFoundError, RuleViolationError] },
    args: { id: t.arg.id({ required: true }), theme: t.arg({ type: StoreThemeInput, required: true }) },
    resolve: (_root, { id, theme }, ctx) => updateStoreTheme(ctx, String(id), theme),
  }),
);

builder.mutationField('changeStoreStatus', (t) =>
  t.field({
    type: StoreRef,
    description: 'Owners pause, resume and close; only platform admins suspend and reinstate. Closing is final.',
    authScopes: { authenticated: true },
    errors: { types: [ValidationError, NotFoundError, RuleViolationError] },
    args: {
      id: t.arg.id({ required: true }),
      status: t.arg({ type: StoreStatusEnum, required: true }),
      reason: t.arg.string({ description: 'Why; required to suspend. Kept in the status history.' }),
    },
    resolve: (_root, { id, status, reason }, ctx) => changeStoreStatus(ctx, String(id), status, reason),
  }),
);
