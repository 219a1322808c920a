import { ValidationError, ForbiddenError } from '../../src/errors';
import { assertStatusOpen, isStoreOpen, requireStore, StoreContextRequiredError, StoreUnavailableError } from '../../src/tenancy/context';
import { SCOPE_SQL, tenantRoleSql, tenantTableRlsSql, TENANT_ROLE } from '../../src/tenancy/rls';

describe('requireStore', () => {
  it('returns the request store id', () => {
    expect(requireStore({ storeId: 'store_1' })).toBe('store_1');
  });

  it('refuses a request without a store with a typed validation error naming the header', () => {
    let caught: unknown;
    try {
      requireStore({ storeId: null });
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(StoreContextRequiredError);
    expect(caught).toBeInstanceOf(ValidationError);
    const err = caught as StoreContextRequiredError;
    expect(err.code).toBe('INVALID_INPUT');
    expect(err.reason).toBe('STORE_CONTEXT_REQUIRED');
    expect(err.fieldErrors).toEqual([{ path: ['headers', 'x-store-id'], message: expect.any(String) }]);
    expect(err.message).toMatch(/x-store-id/);
  });
});

describe('store status for storefront operations', () => {
  it.each([
    ['ACTIVE', 'read', true],
    ['ACTIVE', 'write', true],
    ['PAUSED', 'read', true],
    ['PAUSED', 'write', false],
    ['SUSPENDED', 'read', false],
    ['SUSPENDED', 'write', false],
    ['CLOSED', 'read', false],
    ['CLOSED', 'write', false],
  ] as const)('%s serves %s: %s', (status, mode, open) => {
    expect(isStoreOpen(status, mode)).toBe(open);
  });

  it('refuses a suspended store with a FORBIDDEN that says why and what happens next', () => {
    expect(() => assertStatusOpen('s1', 'SUSPENDED', 'read')).toThrow(StoreUnavailableError);
    try {
      assertStatusOpen('s1', 'SUSPENDED', 'read');
    } catch (e) {
      expect(e).toBeInstanceOf(ForbiddenError);
      expect((e as StoreUnavailableError).reason).toBe('STORE_SUSPENDED');
      expect((e as Error).message).toMatch(/suspended.*reinstates/);
    }
  });

  it('refuses a store it has not heard of (fails closed)', () => {
    expect(() => assertStatusOpen('s1', null, 'read')).toThrow(/not known here yet/);
  });
});

describe('row-level security SQL', () => {
  it('enables and forces RLS with a policy on the store setting, and grants the tenant role', () => {
    const sql = tenantTableRlsSql('product');
    expect(sql).toContain('ALTER TABLE "product" ENABLE ROW LEVEL SECURITY;');
    expect(sql).toContain('ALTER TABLE "product" FORCE ROW LEVEL SECURITY;');
    expect(sql).toContain(`USING ("store_id" = NULLIF(current_setting('app.store_id', true), ''))`);
    expect(sql).toContain(`WITH CHECK ("store_id" = NULLIF(current_setting('app.store_id', true), ''))`);
    expect(sql).toContain(`TO ${TENANT_ROLE};`);
  });

  it('refuses identifiers that could inject SQL', () => {
    expect(() => tenantTableRlsSql('product"; DROP TABLE x; --')).toThrow(/identifier/);
    expect(() => tenantTableRlsSql('product', { column: 'Store Id' })).toThrow(/identifier/);
  });

  it('creates the role idempotently and can leave out the outbox grant', () => {
    expect(tenantRoleSql()).toMatch(/IF NOT EXISTS .*pg_roles/);
    expect(tenantRoleSql()).toContain('"outbox_event"');
    expect(tenantRoleSql({ outbox: false })).not.toContain('outbox_event');
  });

  it('scopes the role and store in one statement, transaction-local or session-wide', () => {
    expect(SCOPE_SQL(true)).toBe(`SELECT set_config('role', $1, true), set_config('app.store_id', $2, true)`);
    expect(SCOPE_SQL(false)).toContain(', false)');
  });
});
