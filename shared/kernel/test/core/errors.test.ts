import { GraphQLError } from 'graphql';
import { ConflictError, maskError, translateInfrastructureError, ValidationError, RateLimitedError } from '../../src/errors';

describe('errors', () => {
  it('builds field paths from zod issues', () => {
    const e = ValidationError.fromZod([{ path: ['email'], message: 'Invalid email' }]);
    expect(e.code).toBe('INVALID_INPUT');
    expect(e.fieldErrors).toEqual([{ path: ['input', 'email'], message: 'Invalid email' }]);
    expect(e.message).toContain('input.email');
  });

  it('masks unexpected errors without leaking their message', () => {
    const masked = maskError(new GraphQLError('boom', { originalError: new Error('relation "users" does not exist') }), 'req-1');
    expect(masked.message).not.toContain('relation');
    expect(masked.extensions).toMatchObject({ code: 'INTERNAL', requestId: 'req-1' });
  });

  it('passes domain errors through with their code', () => {
    const masked = maskError(new GraphQLError('x', { originalError: new RateLimitedError('Slow down', 30) }));
    expect(masked.extensions).toMatchObject({ code: 'RATE_LIMITED', retryAfter: 30 });
    expect(masked.message).toBe('Slow down');
  });

  it('translates a Prisma unique violation into a ConflictError', () => {
    const e = translateInfrastructureError({ code: 'P2002', meta: { target: ['email'] } });
    expect(e).toBeInstanceOf(ConflictError);
  });
});
