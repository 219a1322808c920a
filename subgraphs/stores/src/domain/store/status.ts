// The store status state machine: who may move a store from which status to which.
import { RuleViolationError } from '@ecomify/kernel/errors';
import type { StoreStatus } from '@ecomify/kernel/tenancy';

/** Who is asking: the store's owner, or a platform administrator. */
export type StatusActor = 'OWNER' | 'PLATFORM_ADMIN';

interface Transition {
  from: StoreStatus;
  to: StoreStatus;
  /** Roles allowed to make it. */
  by: readonly StatusActor[];
  verb: string;
}

/** Every allowed transition. CLOSED has none out: closing is final. */
export const STORE_TRANSITIONS: readonly Transition[] = [
  { from: 'ACTIVE', to: 'PAUSED', by: ['OWNER', 'PLATFORM_ADMIN'], verb: 'pause' },
  { from: 'PAUSED', to: 'ACTIVE', by: ['OWNER', 'PLATFORM_ADMIN'], verb: 'resume' },
  { from: 'ACTIVE', to: 'SUSPENDED', by: ['PLATFORM_ADMIN'], verb: 'suspend' },
  { from: 'PAUSED', to: 'SUSPENDED', by: ['PLATFORM_ADMIN'], verb: 'suspend' },
  { from: 'SUSPENDED', to: 'ACTIVE', by: ['PLATFORM_ADMIN'], verb: 'reinstate' },
  { from: 'ACTIVE', to: 'CLOSED', by: ['OWNER', 'PLATFORM_ADMIN'], verb: 'close' },
  { from: 'PAUSED', to: 'CLOSED', by: ['OWNER', 'PLATFORM_ADMIN'], verb: 'close' },
  { from: 'SUSPENDED', to: 'CLOSED', by: ['PLATFORM_ADMIN'], verb: 'close' },
];

/** Statuses `actor` may move a store in `from` to. */
export function allowedTransitions(from: StoreStatus, actor: StatusActor): StoreStatus[] {
  return STORE_TRANSITIONS.filter((t) => t.from === from && t.by.includes(actor)).map((t) => t.to);
}

/**
 * Checks one transition; throws RuleViolationError (reason INVALID_TRANSITION, or
 * PLATFORM_ADMIN_REQUIRED when only an administrator could make it) otherwise.
 */
export function assertTransition(from: StoreStatus, to: StoreStatus, actor: StatusActor): void {
  const transition = STORE_TRANSITIONS.find((t) => t.from === from && t.to === to);
  const field = ['status'];
  if (from === to) {
    throw new RuleViolationError(`The store is already ${from}.`, { field, reason: 'INVALID_TRANSITION' });
  }
  if (!transition) {
    const why = from === 'CLOSED' ? ' Closing a store is final.' : '';
    const options = STORE_TRANSITIONS.filter((t) => t.from === from).map((t) => t.to);
    throw new RuleViolationError(
      `A ${from} store cannot become ${to}.${why}${options.length ? ` From ${from} it may become ${options.join(' or ')}.` : ''}`,
      { field, reason: 'INVALID_TRANSITION' },
    );
  }
  if (!transition.by.includes(actor)) {
    throw new RuleViolationError(`Only a platform administrator may ${transition.verb} a store (${from} → ${to}).`, {
      field,
      reason: 'PLATFORM_ADMIN_REQUIRED',
    });
  }
}
