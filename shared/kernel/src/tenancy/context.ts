/**
 * The store a request acts on, and the typed errors for "no store" and "store not open".
 * The kernel app sets `ctx.storeId` from the `x-store-id` header, else the token's `store` claim.
 */
import { ForbiddenError, ValidationError } from '../errors';
import type { BaseContext } from '../graphql/context';

/** Store lifecycle states, as published by the stores subgraph. */
export const STORE_STATUSES = ['ACTIVE', 'PAUSED', 'SUSPENDED', 'CLOSED'] as const;
export type StoreStatus = (typeof STORE_STATUSES)[number];

/** The operation needs a store and the request names none (the sprint plan's 400). */
export class StoreContextRequiredError extends ValidationError {
  constructor() {
    super('This operation needs a store: send the `x-store-id` header (or use a token bound to a store).', [
      { path: ['headers', 'x-store-id'], message: 'is required for this operation' },
    ]);
    // DomainError keeps `reason` readonly for consumers; this subclass is where it is decided.
    (this as { reason?: string }).reason = 'STORE_CONTEXT_REQUIRED';
  }
}

/** The store exists but is not open for this kind of operation (paused, suspended or closed). */
export class StoreUnavailableError extends ForbiddenError {
  readonly storeStatus: StoreStatus | 'UNKNOWN';
  constructor(storeId: string, status: StoreStatus | 'UNKNOWN', mode: 'read' | 'write') {
    super(unavailableMessage(storeId, status, mode), { reason: `STORE_${status}` });
    this.storeStatus = status;
  }
}

function unavailableMessage(storeId: string, status: StoreStatus | 'UNKNOWN', mode: 'read' | 'write'): string {
  switch (status) {
    case 'SUSPENDED':
      return `Store ${storeId} is suspended by the platform; its ${mode === 'read' ? 'storefront is offline' : 'changes are refused'} until an administrator reinstates it.`;
    case 'CLOSED':
      return `Store ${storeId} is closed permanently; it no longer serves ${mode === 'read' ? 'its storefront' : 'changes'}.`;
    case 'PAUSED':
      return `Store ${storeId} is paused by its owner and takes no orders until it is resumed.`;
    default:
      return `Store ${storeId} is not known here yet (its creation event has not arrived); retry shortly.`;
  }
}

/** Returns the request's store id, or throws StoreContextRequiredError when it has none. */
export function requireStore(ctx: Pick<BaseContext, 'storeId'>): string {
  if (!ctx.storeId) throw new StoreContextRequiredError();
  return ctx.storeId;
}

/**
 * Whether a store in `status` serves storefront operations of this kind: suspended and closed stores
 * serve nothing; a paused store still shows its storefront but takes no writes (orders, carts).
 */
export function isStoreOpen(status: StoreStatus, mode: 'read' | 'write'): boolean {
  if (status === 'ACTIVE') return true;
  if (status === 'PAUSED') return mode === 'read';
  return false;
}

/** Throws StoreUnavailableError unless a store with this status serves `mode` operations. */
export function assertStatusOpen(storeId: string, status: StoreStatus | null | undefined, mode: 'read' | 'write'): void {
  if (!status) throw new StoreUnavailableError(storeId, 'UNKNOWN', mode);
  if (!isStoreOpen(status, mode)) throw new StoreUnavailableError(storeId, status, mode);
}
