import { GraphQLError } from 'graphql';
import { createSchema, createYoga } from 'graphql-yoga';
import { ConflictError, maskError, translateInfrastructureError, ValidationError, RateLimitedError } from '../../src/errors';
import { DateTimeScalar } from '../../src/graphql/builder';

// A schema served by Yoga with the kernel's masking, as every subgraph app does.
const yoga = createYoga({
  schema: createSchema({
    typeDefs: `
      scalar DateTime
      enum AccountType { CUSTOMER MERCHANT }
      input RegisterInput { email: String!, accountType: AccountType }
      type Query { ping: String }
      type Mutation {
        register(input: RegisterInput!): String!
        schedule(at: DateTime!): String!
        leakGraphQLError(input: RegisterInput!): String!
        leakError: String!
      }`,
    resolvers: {
      DateTime: DateTimeScalar,
      Mutation: {
        register: (_: unknown, { input }: { input: { accountType?: string } }) => input.accountType ?? 'CUSTOMER',
        schedule: () => 'ok',
        leakGraphQLError: () => {
          throw new GraphQLError('Variable "$input" failed: SELECT password_hash FROM users', { extensions: { code: 'BAD_USER_INPUT' } });
        },
        leakError: () => {
          throw new Error('Variable "$input" got invalid value: relation "users" does not exist');
        },
      },
    },
  }),
  logging: false,
  maskedErrors: { maskError: (error: unknown) => maskError(error, 'req-9') },
});

async function run(query: string, variables: Record<string, unknown> = {}) {
  const res = await yoga.fetch('http://x/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  return (await res.json()) as { data?: unknown; errors?: { message: string; extensions?: Record<string, unknown> }[] };
}

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

  describe('input errors in variables', () => {
    const register = 'mutation ($input: RegisterInput!) { register(input: $input) }';

    it('reports an unknown enum value as INVALID_INPUT with its message, not INTERNAL', async () => {
      const res = await run(register, { input: { email: 'a@b.co', accountType: 'PLATFORM_ADMIN' } });
      expect(res.data ?? null).toBeNull();
      expect(res.errors).toHaveLength(1);
      expect(res.errors![0].extensions).toEqual({ code: 'INVALID_INPUT' });
      expect(res.errors![0].message).toMatch(/^Variable "\$input" got invalid value "PLATFORM_ADMIN" at "input.accountType"/);
      expect(res.errors![0].message).toContain('AccountType');
    });

    it('reports a wrong type, a missing required field and a bad scalar as INVALID_INPUT', async () => {
      const wrongType = await run(register, { input: { email: 42 } });
      expect(wrongType.errors![0]).toMatchObject({
        extensions: { code: 'INVALID_INPUT' },
        message: expect.stringContaining('input.email'),
      });
      const missing = await run(register, { input: {} });
      expect(missing.errors![0].extensions).toEqual({ code: 'INVALID_INPUT' });
      const scalar = await run('mutation ($at: DateTime!) { schedule(at: $at) }', { at: 'not a date' });
      expect(scalar.errors![0]).toMatchObject({ extensions: { code: 'INVALID_INPUT' }, message: expect.stringContaining('ISO-8601') });
      const valid = await run(register, { input: { email: 'a@b.co', accountType: 'MERCHANT' } });
      expect(valid).toEqual({ data: { register: 'MERCHANT' } });
    });

    it('still masks resolver exceptions, even ones that look like input errors', async () => {
      const gqlErr = await run('mutation ($input: RegisterInput!) { leakGraphQLError(input: $input) }', { input: { email: 'a@b.co' } });
      expect(gqlErr.errors![0]).toMatchObject({ extensions: { code: 'INTERNAL', requestId: 'req-9' } });
      expect(gqlErr.errors![0].message).not.toContain('password_hash');
      const plain = await run('mutation { leakError }');
      expect(plain.errors![0].extensions).toMatchObject({ code: 'INTERNAL' });
      expect(plain.errors![0].message).not.toContain('relation');
    });

    it('masks a coercion error whose cause is not a GraphQLError (a bug in a scalar, a driver error)', () => {
      const wrapped = new GraphQLError(
        'Variable "$at" got invalid value "x"; Expected type "DateTime". connect ECONNREFUSED 10.0.0.5:5432',
        {
          originalError: new GraphQLError('Expected type "DateTime". connect ECONNREFUSED 10.0.0.5:5432', {
            originalError: new Error('connect ECONNREFUSED 10.0.0.5:5432'),
          }),
        },
      );
      const masked = maskError(wrapped, 'req-2');
      expect(masked.extensions).toMatchObject({ code: 'INTERNAL' });
      expect(masked.message).not.toContain('10.0.0.5');
    });
  });
});
