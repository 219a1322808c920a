/**
 * Row-level security, the safety net under the application's store checks: tenant tables only show
 * rows whose `store_id` equals the transaction's (or session's) `app.store_id`, to a role that cannot
 * bypass RLS. Tests and development connect as the superuser `postgres`, which bypasses RLS, so every
 * tenant query also switches to the least-privileged TENANT_ROLE first.
 */
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { createPool } from '../db/client';

/** The non-superuser role tenant queries run as. Cluster-wide, created idempotently by migrations. */
export const TENANT_ROLE = 'ecomify_tenant';
/** The setting RLS policies compare `store_id` with. */
export const STORE_ID_SETTING = 'app.store_id';

const IDENT = /^[a-z_][a-z0-9_]{0,62}$/;

function ident(name: string, what: string): string {
  if (!IDENT.test(name)) throw new Error(`${what} "${name}" must be a lower-case SQL identifier (letters, digits, underscores).`);
  return `"${name}"`;
}

/**
 * Migration SQL that creates TENANT_ROLE if missing, lets the migrating user switch to it, and lets it
 * use the schema and write the outbox (events are recorded inside tenant transactions).
 */
export function tenantRoleSql(opts: { outbox?: boolean } = {}): string {
  const outbox = opts.outbox ?? true;
  return `-- Tenant role (kernel tenancy): least privilege for store-scoped queries; RLS applies to it.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${TENANT_ROLE}') THEN
    CREATE ROLE ${TENANT_ROLE} NOLOGIN NOSUPERUSER NOBYPASSRLS;
  END IF;
EXCEPTION
  -- Roles are cluster-wide: another database's migration may create it at the same moment.
  WHEN duplicate_object OR unique_violation THEN NULL;
END
$$;
DO $$
BEGIN
  IF NOT pg_has_role(current_user, '${TENANT_ROLE}', 'MEMBER') THEN
    EXECUTE format('GRANT ${TENANT_ROLE} TO %I', current_user);
  END IF;
END
$$;
GRANT USAGE ON SCHEMA public TO ${TENANT_ROLE};${outbox ? `\nGRANT SELECT, INSERT ON TABLE "outbox_event" TO ${TENANT_ROLE};` : ''}
`;
}

/**
 * Migration SQL that puts one tenant table under row-level security: enabled and forced (so the
 * table owner is subject to it too), one policy comparing `column` with `app.store_id` for reads and
 * writes, and DML granted to TENANT_ROLE. No store set, or another store's, means no rows.
 */
export function tenantTableRlsSql(table: string, opts: { column?: string } = {}): string {
  const t = ident(table, 'Table');
  const c = ident(opts.column ?? 'store_id', 'Column');
  const policy = ident(`${table}_store_isolation`.slice(0, 63), 'Policy');
  const predicate = `${c} = NULLIF(current_setting('${STORE_ID_SETTING}', true), '')`;
  return `-- Row-level security (kernel tenancy): ${table} rows are visible only within their store.
ALTER TABLE ${t} ENABLE ROW LEVEL SECURITY;
ALTER TABLE ${t} FORCE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS ${policy} ON ${t};
CREATE POLICY ${policy} ON ${t} USING (${predicate}) WITH CHECK (${predicate});
GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE ${t} TO ${TENANT_ROLE};
`;
}

/** Sets the tenant role and store id; `local` = until the end of the current transaction. */
export const SCOPE_SQL = (local: boolean) => `SELECT set_config('role', $1, ${local}), set_config('${STORE_ID_SETTING}', $2, ${local})`;

/** Minimal Prisma surface withStore needs: an interactive transaction whose client runs raw SQL. */
export interface InteractiveTransactions<Tx> {
  $transaction<R>(fn: (tx: Tx) => Promise<R>, options?: { maxWait?: number; timeout?: number; isolationLevel?: never }): Promise<R>;
}

/**
 * Runs `fn` in an interactive transaction scoped to one store: TENANT_ROLE plus `app.store_id`, both
 * transaction-local, set in one extra statement. Throwing inside rolls everything back.
 */
export async function withStore<Tx extends { $executeRawUnsafe(query: string, ...values: unknown[]): Promise<number> }, T>(
  db: InteractiveTransactions<Tx>,
  storeId: string,
  fn: (tx: Tx) => Promise<T>,
  options?: { maxWait?: number; timeout?: number },
): Promise<T> {
  if (!storeId) throw new Error('withStore needs a store id; call requireStore(ctx) first.');
  return db.$transaction(async (tx) => {
    await scopeTransaction(tx, storeId);
    return fn(tx);
  }, options);
}

/**
 * Scopes the rest of an already open transaction to one store (TENANT_ROLE + `app.store_id`), for
 * work that first touches unprotected tables with the connection's own role and then tenant tables.
 */
export async function scopeTransaction(
  tx: { $executeRawUnsafe(query: string, ...values: unknown[]): Promise<number> },
  storeId: string,
): Promise<void> {
  if (!storeId) throw new Error('scopeTransaction needs a store id; call requireStore(ctx) first.');
  await tx.$executeRawUnsafe(SCOPE_SQL(true), TENANT_ROLE, storeId);
}

/**
 * A pg.Pool stand-in for one store over a shared pool: every checkout first switches the session to
 * TENANT_ROLE and the store (one round trip), then runs the query. The shared pool must be used for
 * tenant work only, because sessions keep the tenant role between checkouts.
 */
export function storeScopedPool(pool: pg.Pool, storeId: string | null): pg.Pool {
  const scoped = async (): Promise<pg.PoolClient> => {
    const client = await pool.connect();
    try {
      await client.query(SCOPE_SQL(false), [TENANT_ROLE, storeId ?? '']);
    } catch (err) {
      client.release(err as Error);
      throw err;
    }
    return client;
  };
  // PrismaPg only accepts a real pg.Pool (instanceof); the stand-in inherits the prototype and
  // overrides every member the adapter uses, so no Pool internals run on it.
  const facade = Object.create(pg.Pool.prototype) as pg.Pool;
  Object.defineProperties(facade, {
    options: { get: () => pool.options },
    connect: { value: scoped },
    query: {
      value: async (config: unknown, values?: unknown[]) => {
        const client = await scoped();
        let failed: Error | undefined;
        try {
          return await client.query(config as never, values as never);
        } catch (err) {
          failed = err as Error;
          throw err;
        } finally {
          // A connection-level failure must not go back to the pool; a SQL error is harmless.
          client.release(failed && !(failed as { code?: string }).code ? failed : undefined);
        }
      },
    },
    on: { value: (event: string, listener: (...a: unknown[]) => void) => (pool.on(event as never, listener as never), facade) },
    removeListener: {
      value: (event: string, listener: (...a: unknown[]) => void) => (pool.removeListener(event, listener), facade),
    },
    end: { value: async () => undefined },
  });
  return facade;
}

export interface TenantClients<Db> {
  /** The Prisma client scoped to one store; `null` gives a client that sees no tenant rows. */
  forStore(storeId: string | null): Db;
  /** The pool behind every tenant client (for pool metrics). */
  pool: pg.Pool;
  close(): Promise<void>;
}

/**
 * Store-scoped Prisma clients over one dedicated pool, kept per store (least recently used evicted).
 * One client per store, not one client switching stores, because Prisma batches `findUnique` calls
 * of concurrent requests together: a shared client could run one store's lookup in another's scope.
 * Each query costs one extra round trip (the scope statement); transactions cost one per transaction.
 */
export function createTenantClients<Db extends { $disconnect(): Promise<void> }>(
  Client: new (opts: { adapter: PrismaPg }) => Db,
  opts: { url: string; poolSize?: number; applicationName?: string; maxClients?: number },
): TenantClients<Db> {
  const pool = createPool({ ...opts, applicationName: opts.applicationName ? `${opts.applicationName}-tenant` : undefined });
  const max = opts.maxClients ?? 200;
  const clients = new Map<string, Db>();
  return {
    pool,
    forStore(storeId) {
      const key = storeId ?? '';
      let client = clients.get(key);
      if (client) {
        // Re-insert so Map order is least-recently-used first.
        clients.delete(key);
        clients.set(key, client);
        return client;
      }
      client = new Client({ adapter: new PrismaPg(storeScopedPool(pool, storeId)) });
      clients.set(key, client);
      if (clients.size > max) {
        const [oldestKey, oldest] = clients.entries().next().value as [string, Db];
        clients.delete(oldestKey);
        void oldest.$disconnect().catch(() => undefined);
      }
      return client;
    },
    async close() {
      await Promise.all([...clients.values()].map((c) => c.$disconnect().catch(() => undefined)));
      clients.clear();
      await pool.end().catch(() => undefined);
    },
  };
}
