// Writes and cached reads of stores. Each write validates with the pure rules, changes the row and
// records its event in one transaction, then invalidates the cached reads.
import { ConflictError, NotFoundError, RuleViolationError, translateInfrastructureError, ValidationError } from '@ecomify/kernel/errors';
import { recordEvent } from '@ecomify/kernel/events';
import { memo } from '@ecomify/kernel/graphql';
import { metrics } from '@ecomify/kernel/metrics';
import { scopeTransaction } from '@ecomify/kernel/tenancy';
import { storeCreated, storeStatusChanged, storeThemeUpdated, storeUpdated } from '@ecomify/contracts/stores';
import DataLoader from 'dataloader';
import type { StoresContext } from '../../context';
import type { Store, StoreStatus } from '../../generated-client';
import { assertCanManage, assertCanView } from './access';
import { baseSlug, DEFAULT_SETTINGS, mergeSettings, nextFreeSlug, normaliseStoreFields, type StoreFieldsInput } from './rules';
import { assertTransition } from './status';
import { DEFAULT_THEME, parseTheme } from './theme';

/** Store reads stay cached for an hour; every change deletes the keys. */
export const STORE_CACHE_TTL_SECONDS = 3600;
export const storeCacheKey = (id: string) => `store:${id}`;
export const slugCacheKey = (slug: string) => `store-slug:${slug}`;

const REASON_MAX_LENGTH = 500;

function meta(ctx: StoresContext, storeId: string) {
  return {
    correlationId: ctx.correlationId,
    storeId,
    actor: ctx.principal ? { kind: ctx.principal.kind, id: ctx.principal.subject } : undefined,
  };
}

/** Cached rows come back from JSON: dates as strings. */
function revive(row: Store | null): Store | null {
  if (!row) return null;
  return { ...row, createdAt: new Date(row.createdAt), updatedAt: new Date(row.updatedAt) };
}

/**
 * Per-request loader of stores by id: each id is read through the cache, and the misses of one tick
 * are fetched from the database in one query (entity references arrive in batches).
 */
export function storeLoader(ctx: StoresContext) {
  return memo(ctx, 'stores:storeLoader', () => {
    const dbReads = metrics.dbQueries();
    const fromDb = new DataLoader<string, Store | null>(async (ids: readonly string[]) => {
      dbReads.inc({ entity: 'store' });
      const rows = await ctx.db.store.findMany({ where: { id: { in: [...ids] } } });
      const byId = new Map(rows.map((r) => [r.id, r]));
      return ids.map((id) => byId.get(id) ?? null);
    });
    return new DataLoader<string, Store | null>(async (ids: readonly string[]) =>
      Promise.all(
        ids.map(async (id) =>
          revive(await ctx.cache.readThrough(storeCacheKey(id), STORE_CACHE_TTL_SECONDS, () => fromDb.load(id), 'store')),
        ),
      ),
    );
  });
}

async function invalidate(ctx: StoresContext, store: { id: string; slug: string }): Promise<void> {
  await ctx.cache.del(storeCacheKey(store.id), slugCacheKey(store.slug));
}

/** A store the caller may see; typed not-found, FORBIDDEN for someone else's store. */
export async function getStore(ctx: StoresContext, id: string): Promise<Store> {
  const store = await storeLoader(ctx).load(id);
  if (!store) throw new NotFoundError(`No store has the id "${id}".`, { field: ['id'] });
  await assertCanView(ctx, store);
  return store;
}

export async function getStoreBySlug(ctx: StoresContext, rawSlug: string): Promise<Store> {
  const slug = rawSlug.trim().toLowerCase();
  const id = await ctx.cache.readThrough(
    slugCacheKey(slug),
    STORE_CACHE_TTL_SECONDS,
    async () => {
      metrics.dbQueries().inc({ entity: 'store-slug' });
      return (await ctx.db.store.findUnique({ where: { slug }, select: { id: true } }))?.id ?? null;
    },
    'store-slug',
  );
  const store = id ? await storeLoader(ctx).load(id) : null;
  if (!store) throw new NotFoundError(`No store has the address "${slug}".`, { field: ['slug'] });
  await assertCanView(ctx, store);
  return store;
}

export interface CreateStoreInput {
  name: string;
  email: string;
  currency?: string | null;
  locale?: string | null;
  timezone?: string | null;
}

/** Creates a store owned by the caller, with a unique slug, its subdomain and default settings. */
export async function createStore(ctx: StoresContext, input: CreateStoreInput): Promise<Store> {
  const owner = ctx.principal!;
  const fields = normaliseStoreFields(input, { required: ['name', 'email'] });
  const base = baseSlug(fields.name!);
  // Two creations racing for the same slug: the loser's insert hits the unique index and retries.
  for (let attempt = 0; ; attempt++) {
    try {
      const store = await ctx.db.$transaction(async (tx) => {
        const taken = await tx.store.findMany({ where: { slug: { startsWith: base } }, select: { slug: true } });
        const slug = nextFreeSlug(
          base,
          taken.map((t) => t.slug),
        );
        const created = await tx.store.create({
          data: {
            ownerId: owner.subject,
            name: fields.name!,
            email: fields.email!,
            slug,
            domain: `${slug}.${ctx.platformDomain}`,
            currency: fields.currency ?? 'USD',
            locale: fields.locale ?? 'en-US',
            timezone: fields.timezone ?? 'UTC',
            settings: DEFAULT_SETTINGS,
            theme: DEFAULT_THEME,
          },
        });
        await recordEvent(
          tx,
          storeCreated,
          {
            storeId: created.id,
            ownerId: created.ownerId,
            name: created.name,
            slug: created.slug,
            domain: created.domain,
            currency: created.currency,
            locale: created.locale,
            timezone: created.timezone,
            status: created.status,
          },
          meta(ctx, created.id),
        );
        return created;
      });
      // A lookup of this slug before it existed may have cached "not found".
      await invalidate(ctx, store);
      return store;
    } catch (err) {
      const e = err as { code?: string; meta?: { target?: unknown } };
      if (e?.code === 'P2002' && attempt < 4) continue;
      throw translateInfrastructureError(err);
    }
  }
}

export interface UpdateStoreInput extends StoreFieldsInput {
  settings?: Record<string, unknown> | null;
}

/** Refuses changes by the owner to a suspended or closed store (admins may still correct it). */
function assertOpenForOwner(store: Store, actor: 'OWNER' | 'PLATFORM_ADMIN'): void {
  if (store.status === 'CLOSED') {
    throw new RuleViolationError('This store is closed; closed stores cannot be changed.', { reason: 'STORE_CLOSED' });
  }
  if (store.status === 'SUSPENDED' && actor === 'OWNER') {
    throw new RuleViolationError('This store is suspended by the platform; contact support to have it reinstated before changing it.', {
      reason: 'STORE_SUSPENDED',
    });
  }
}

async function lockStore(tx: Pick<StoresContext['db'], '$queryRawUnsafe' | 'store'>, id: string): Promise<Store> {
  // Row lock: concurrent changes to one store apply one after the other, each seeing the last.
  await tx.$queryRawUnsafe('SELECT 1 FROM "store" WHERE "id" = $1 FOR UPDATE', id);
  const store = await tx.store.findUnique({ where: { id } });
  if (!store) throw new NotFoundError(`No store has the id "${id}".`, { field: ['id'] });
  return store;
}

const json = (v: unknown) => JSON.stringify(v);

/** Partial update of contact, locale and settings fields; the event lists what changed. */
export async function updateStore(ctx: StoresContext, id: string, input: UpdateStoreInput): Promise<Store> {
  const fields = normaliseStoreFields(input);
  const result = await ctx.db
    .$transaction(async (tx) => {
      const store = await lockStore(tx, id);
      const actor = assertCanManage(ctx, store);
      assertOpenForOwner(store, actor);
      const data: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(fields)) {
        if (value !== undefined && value !== store[key as keyof Store]) data[key] = value;
      }
      if (input.settings) {
        const settings = mergeSettings(store.settings, input.settings);
        if (json(settings) !== json(store.settings)) data.settings = settings;
      }
      if (typeof data.customDomain === 'string') {
        if (data.customDomain === ctx.platformDomain || data.customDomain.endsWith(`.${ctx.platformDomain}`)) {
          throw new ValidationError('A custom domain cannot be under the platform domain; every store already has its subdomain.', [
            { path: ['input', 'customDomain'], message: `must not end with ${ctx.platformDomain}` },
          ]);
        }
        const holder = await tx.store.findFirst({ where: { customDomain: data.customDomain, id: { not: id } }, select: { id: true } });
        if (holder) {
          throw new ConflictError(`The domain ${data.customDomain} is already used by another store.`, {
            field: ['input', 'customDomain'],
            reason: 'DOMAIN_TAKEN',
          });
        }
      }
      const changedFields = Object.keys(data);
      if (!changedFields.length) return { store, changed: false };
      const updated = await tx.store.update({ where: { id }, data });
      const changes = Object.fromEntries(Object.entries(data).filter(([k]) => k !== 'settings'));
      await recordEvent(tx, storeUpdated, { storeId: id, changedFields, changes }, meta(ctx, id));
      return { store: updated, changed: true };
    })
    .catch((err) => {
      throw translateDomainConflict(err);
    });
  if (result.changed) await invalidate(ctx, result.store);
  return result.store;
}

function translateDomainConflict(err: unknown): unknown {
  const e = err as { code?: string };
  if (e?.code === 'P2002') {
    return new ConflictError('That custom domain is already used by another store.', {
      field: ['input', 'customDomain'],
      reason: 'DOMAIN_TAKEN',
    });
  }
  return translateInfrastructureError(err);
}

/** Replaces the theme after validating it as a whole. */
export async function updateStoreTheme(ctx: StoresContext, id: string, rawTheme: unknown): Promise<Store> {
  const theme = parseTheme(rawTheme);
  const store = await ctx.db.$transaction(async (tx) => {
    const current = await lockStore(tx, id);
    assertOpenForOwner(current, assertCanManage(ctx, current));
    const updated = await tx.store.update({ where: { id }, data: { theme } });
    await recordEvent(tx, storeThemeUpdated, { storeId: id }, meta(ctx, id));
    return updated;
  });
  await invalidate(ctx, store);
  return store;
}

/** Moves the store through its state machine and records who, when and why. */
export async function changeStoreStatus(ctx: StoresContext, id: string, to: StoreStatus, rawReason?: string | null): Promise<Store> {
  const reason = rawReason?.trim() || null;
  if (reason && reason.length > REASON_MAX_LENGTH) {
    throw new ValidationError('The reason is too long.', [
      { path: ['reason'], message: `must be at most ${REASON_MAX_LENGTH} characters` },
    ]);
  }
  const store = await ctx.db.$transaction(async (tx) => {
    const current = await lockStore(tx, id);
    const actor = assertCanManage(ctx, current);
    assertTransition(current.status, to, actor);
    if (to === 'SUSPENDED' && !reason) {
      throw new ValidationError('Say why the store is suspended; the owner sees the reason.', [
        { path: ['reason'], message: 'is required to suspend a store' },
      ]);
    }
    const updated = await tx.store.update({ where: { id }, data: { status: to } });
    // The history is a tenant table: the rest of this transaction runs under the store's RLS scope.
    await scopeTransaction(tx, id);
    await tx.storeStatusChange.create({ data: { storeId: id, from: current.status, to, reason, changedBy: ctx.principal!.subject } });
    await recordEvent(
      tx,
      storeStatusChanged,
      { storeId: id, from: current.status, to, reason, changedBy: ctx.principal!.subject },
      meta(ctx, id),
    );
    return updated;
  });
  await invalidate(ctx, store);
  return store;
}

export { lockStore, assertOpenForOwner, invalidate, meta };
