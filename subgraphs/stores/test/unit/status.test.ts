import { RuleViolationError } from '@ecomify/kernel/errors';
import { allowedTransitions, assertTransition } from '../../src/domain/store/status';

const reasonOf = (fn: () => void) => {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(RuleViolationError);
    return (e as RuleViolationError).reason;
  }
  return 'ALLOWED';
};

describe('store status state machine', () => {
  it('lets the owner pause, resume and close', () => {
    expect(allowedTransitions('ACTIVE', 'OWNER')).toEqual(['PAUSED', 'CLOSED']);
    expect(allowedTransitions('PAUSED', 'OWNER')).toEqual(['ACTIVE', 'CLOSED']);
  });

  it('keeps suspending and reinstating for platform admins', () => {
    expect(reasonOf(() => assertTransition('ACTIVE', 'SUSPENDED', 'OWNER'))).toBe('PLATFORM_ADMIN_REQUIRED');
    expect(reasonOf(() => assertTransition('SUSPENDED', 'ACTIVE', 'OWNER'))).toBe('PLATFORM_ADMIN_REQUIRED');
    expect(reasonOf(() => assertTransition('SUSPENDED', 'ACTIVE', 'PLATFORM_ADMIN'))).toBe('ALLOWED');
    expect(reasonOf(() => assertTransition('PAUSED', 'SUSPENDED', 'PLATFORM_ADMIN'))).toBe('ALLOWED');
  });

  it('does not let an owner escape a suspension by closing or pausing', () => {
    expect(allowedTransitions('SUSPENDED', 'OWNER')).toEqual([]);
    expect(reasonOf(() => assertTransition('SUSPENDED', 'PAUSED', 'PLATFORM_ADMIN'))).toBe('INVALID_TRANSITION');
  });

  it('makes closing final, for everyone', () => {
    expect(allowedTransitions('CLOSED', 'PLATFORM_ADMIN')).toEqual([]);
    expect(() => assertTransition('CLOSED', 'ACTIVE', 'PLATFORM_ADMIN')).toThrow(/final/);
  });

  it('refuses a change to the same status', () => {
    expect(reasonOf(() => assertTransition('ACTIVE', 'ACTIVE', 'OWNER'))).toBe('INVALID_TRANSITION');
  });
});
