import type { Logger } from 'pino';
import type { Principal } from '../auth/principal';

/** What every resolver and service receives first. Subgraphs extend it with their own fields. */
export interface BaseContext {
  requestId: string;
  correlationId: string;
  logger: Logger;
  /** The verified caller, or null when anonymous. */
  principal: Principal | null;
  /** The store this request acts on (from `x-store-id` or the token), or null. */
  storeId: string | null;
  /** Per-request memo (DataLoaders and the like), so entity references batch. */
  memo: Map<unknown, unknown>;
  /**
   * Answers "may the principal act on ctx.storeId with this permission", from the subgraph's local
   * membership projection. Subgraphs without one leave it undefined and store-scoped checks fail closed.
   */
  storeAccess?: (permission: string | null) => Promise<boolean>;
}

/** Returns the per-request value for `key`, creating it once. */
export function memo<T>(ctx: BaseContext, key: unknown, create: () => T): T {
  if (!ctx.memo.has(key)) ctx.memo.set(key, create());
  return ctx.memo.get(key) as T;
}
