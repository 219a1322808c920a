// Row-level security on the real PostgreSQL: the same query without a store context, or with another
// store's, returns none of the first store's rows, even though the SQL has no store filter.
import pg from 'pg';
import { dropDatabase, ensureDatabase } from '../../src/db';
import { storeScopedPool, tenantRoleSql, tenantTableRlsSql, TENANT_ROLE, withStore } from '../../src/tenancy/rls';
import { testDatabaseUrl } from '../../src/testing';

let url: string;
let admin: pg.Pool;
let tenantPool: pg.Pool;

const UNFILTERED = 'SELECT "id", "store_id" FROM "tenant_item" ORDER BY "id"';

/** withStore's contract is Prisma's interactive transaction; this is the same shape over plain pg. */
function pgTransactions(pool: pg.Pool) {
  return {
    async $transaction<R>(
      fn: (tx: { $executeRawUnsafe(q: string, ...v: unknown[]): Promise<number>; query: pg.PoolClient['query'] }) => Promise<R>,
    ) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const tx = {
          $executeRawUnsafe: async (q: string, ...v: unknown[]) => (await client.query(q, v)).rowCount ?? 0,
          query: client.query.bind(client) as pg.PoolClient['query'],
        };
        const out = await fn(tx);
        await client.query('COMMIT');
        return out;
      } catch (err) {
        await client.query('ROLLBACK');
        throw err;
      } finally {
        client.release();
      }
    },
  };
}

beforeAll(async () => {
  url = testDatabaseUrl('kernel_tenancy');
  await dropDatabase(url);
  await ensureDatabase(url);
  admin = new pg.Pool({ connectionString: url, max: 2 });
  tenantPool = new pg.Pool({ connectionString: url, max: 2 });
  await admin.query(`
    CREATE TABLE "outbox_event" ("id" TEXT PRIMARY KEY, "subject" TEXT NOT NULL, "envelope" JSONB NOT NULL, "created_at" TIMESTAMP(3) NOT NULL DEFAULT now());
    CREATE TABLE "tenant_item" ("id" TEXT PRIMARY KEY, "store_id" TEXT NOT NULL, "name" TEXT NOT NULL);`);
  // Applied twice: migrations must be idempotent on a cluster where the role already exists.
  for (let i = 0; i < 2; i++) await admin.query(tenantRoleSql() + tenantTableRlsSql('tenant_item'));
  await admin.query(`INSERT INTO "tenant_item" VALUES ('a1', 'store_a', 'A one'), ('a2', 'store_a', 'A two'), ('b1', 'store_b', 'B one')`);
});

afterAll(async () => {
  await admin?.end();
  await tenantPool?.end();
  await dropDatabase(url);
});

describe('row-level security on tenant tables', () => {
  it('is enabled and forced on the table', async () => {
    const { rows } = await admin.query(`SELECT relrowsecurity, relforcerowsecurity FROM pg_class WHERE relname = 'tenant_item'`);
    expect(rows[0]).toEqual({ relrowsecurity: true, relforcerowsecurity: true });
  });

  it('the superuser bypasses it, which is why tenant queries switch role', async () => {
    expect((await admin.query(UNFILTERED)).rowCount).toBe(3);
  });

  it('without a store context the unfiltered query sees nothing', async () => {
    const { rows } = await storeScopedPool(tenantPool, null).query(UNFILTERED);
    expect(rows).toEqual([]);
  });

  it("with another store's context it sees only that store's rows, none of the first store", async () => {
    const { rows } = await storeScopedPool(tenantPool, 'store_b').query(UNFILTERED);
    expect(rows).toEqual([{ id: 'b1', store_id: 'store_b' }]);
  });

  it("with the store's own context it sees exactly its rows", async () => {
    const { rows } = await storeScopedPool(tenantPool, 'store_a').query(UNFILTERED);
    expect(rows.map((r) => r.id)).toEqual(['a1', 'a2']);
  });

  it("refuses to write a row into another store's scope", async () => {
    await expect(
      storeScopedPool(tenantPool, 'store_b').query(`INSERT INTO "tenant_item" VALUES ('x', 'store_a', 'sneaky')`),
    ).rejects.toMatchObject({ code: '42501' });
    await expect(storeScopedPool(tenantPool, 'store_b').query(`UPDATE "tenant_item" SET "name" = 'hijacked'`)).resolves.toMatchObject({
      rowCount: 1,
    });
    expect((await admin.query(`SELECT "name" FROM "tenant_item" WHERE "id" = 'a1'`)).rows[0].name).toBe('A one');
  });

  it('a connection reused for another store never keeps the previous store', async () => {
    const one = storeScopedPool(tenantPool, 'store_a');
    const none = storeScopedPool(tenantPool, null);
    for (let i = 0; i < 4; i++) {
      expect((await one.query(UNFILTERED)).rowCount).toBe(2);
      expect((await none.query(UNFILTERED)).rowCount).toBe(0);
    }
  });

  it('withStore scopes one transaction as the tenant role and leaves the session as it was', async () => {
    const db = pgTransactions(admin);
    const seen = await withStore(db, 'store_a', async (tx) => {
      const who = await tx.query('SELECT current_user AS u');
      const rows = await tx.query(UNFILTERED);
      return { user: who.rows[0].u, ids: rows.rows.map((r: { id: string }) => r.id) };
    });
    expect(seen).toEqual({ user: TENANT_ROLE, ids: ['a1', 'a2'] });
    const after = await db.$transaction(
      async (tx) => (await tx.query(`SELECT current_user AS u, current_setting('app.store_id', true) AS s`)).rows[0],
    );
    expect(after.u).toBe('postgres');
    expect(after.s || null).toBeNull();
  });

  it('withStore rolls back everything when the work throws', async () => {
    await expect(
      withStore(pgTransactions(admin), 'store_b', async (tx) => {
        await tx.query(`INSERT INTO "tenant_item" VALUES ('b2', 'store_b', 'B two')`);
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect((await admin.query(`SELECT 1 FROM "tenant_item" WHERE "id" = 'b2'`)).rowCount).toBe(0);
  });

  it('withStore lets the tenant role record outbox events', async () => {
    await withStore(pgTransactions(admin), 'store_a', (tx) =>
      tx.$executeRawUnsafe(`INSERT INTO "outbox_event" ("id", "subject", "envelope") VALUES ('e1', 'ecomify.test.item.created', '{}')`),
    );
    expect((await admin.query(`SELECT 1 FROM "outbox_event" WHERE "id" = 'e1'`)).rowCount).toBe(1);
  });

  it('refuses to start without a store id', async () => {
    await expect(withStore(pgTransactions(admin), '', async () => 1)).rejects.toThrow(/requireStore/);
  });
});
