/**
 * The one Pothos builder preset every subgraph uses: plugin set and order, scalars, the Error
 * interface and its shareable error types, Money, and auth scopes. Subgraphs call it; they do not
 * assemble their own.
 */
import SchemaBuilder from '@pothos/core';
import DirectivesPlugin from '@pothos/plugin-directives';
import ErrorsPlugin from '@pothos/plugin-errors';
import FederationPlugin from '@pothos/plugin-federation';
import PrismaPlugin from '@pothos/plugin-prisma';
import RelayPlugin from '@pothos/plugin-relay';
import ScopeAuthPlugin, { AuthScopeFailureType, type AuthFailure } from '@pothos/plugin-scope-auth';
import { GraphQLError, GraphQLScalarType, Kind, type ValueNode } from 'graphql';
import { hasPermissions, hasRole } from '../auth/principal';
import type { Role } from '../auth/roles';
import {
  ConflictError,
  DomainError,
  ForbiddenError,
  NotFoundError,
  RateLimitedError,
  RuleViolationError,
  UnauthenticatedError,
  ValidationError,
  type FieldError,
} from '../errors';
import { StoreContextRequiredError } from '../tenancy/context';
import type { BaseContext } from './context';
import NullableRootQueryPlugin from './nullable-root';

/** Names of the scopes that failed anywhere in a scope-auth failure tree ($any / $all nest). */
function failedScopes(failure: AuthFailure): string[] {
  switch (failure.kind) {
    case AuthScopeFailureType.AuthScope:
    case AuthScopeFailureType.GrantedScope:
      return [failure.scope];
    case AuthScopeFailureType.AnyAuthScopes:
    case AuthScopeFailureType.AllAuthScopes:
      return failure.failures.flatMap(failedScopes);
    default:
      return [];
  }
}

/** Scopes a field may require. `roles` means any of; `permissions` means all of. */
export interface AuthScopes {
  authenticated: boolean;
  roles: Role[];
  permissions: string[];
  /** The caller may act on the request's store (member with this permission, or owner, or admin); null = any member. */
  storePermission: string | null;
}

export interface Money {
  amount: string;
  currencyCode: string;
}

export interface SubgraphSchemaTypes<PrismaTypes extends object, Ctx extends BaseContext> {
  PrismaTypes: PrismaTypes;
  Context: Ctx;
  AuthScopes: AuthScopes;
  DefaultFieldNullability: false;
  Scalars: {
    DateTime: { Input: Date; Output: Date | string };
    Decimal: { Input: string; Output: string | number | { toString(): string } };
    JSON: { Input: unknown; Output: unknown };
    ID: { Input: string; Output: string };
  };
}

const DECIMAL = /^-?\d{1,20}(\.\d{1,12})?$/;

function parseJsonLiteral(ast: ValueNode): unknown {
  switch (ast.kind) {
    case Kind.STRING:
    case Kind.BOOLEAN:
      return ast.value;
    case Kind.INT:
    case Kind.FLOAT:
      return Number(ast.value);
    case Kind.OBJECT:
      return Object.fromEntries(ast.fields.map((f) => [f.name.value, parseJsonLiteral(f.value)]));
    case Kind.LIST:
      return ast.values.map(parseJsonLiteral);
    default:
      return null;
  }
}

function parseDateTime(v: unknown): Date {
  const d = new Date(String(v));
  if (Number.isNaN(d.getTime()))
    throw new GraphQLError('DateTime must be an ISO-8601 date-time string.', { extensions: { code: 'INVALID_INPUT' } });
  return d;
}

function parseDecimal(v: unknown): string {
  const s = String(v);
  if (!DECIMAL.test(s)) throw new GraphQLError('Decimal must be a decimal string like "19.99".', { extensions: { code: 'INVALID_INPUT' } });
  return s;
}

export const DateTimeScalar: GraphQLScalarType = new GraphQLScalarType({
  name: 'DateTime',
  description: 'ISO-8601 date-time in UTC, e.g. 2026-01-31T12:00:00.000Z.',
  serialize: (v) => (v instanceof Date ? v.toISOString() : new Date(String(v)).toISOString()),
  parseValue: parseDateTime,
  parseLiteral: (ast) => {
    if (ast.kind !== Kind.STRING) throw new GraphQLError('DateTime must be a string.', { extensions: { code: 'INVALID_INPUT' } });
    return parseDateTime(ast.value);
  },
});

export const DecimalScalar: GraphQLScalarType = new GraphQLScalarType({
  name: 'Decimal',
  description: 'An exact decimal number as a string (money is never a float), e.g. "19.99".',
  serialize: (v) => String(v),
  parseValue: parseDecimal,
  parseLiteral: (ast) => {
    if (ast.kind !== Kind.STRING && ast.kind !== Kind.INT && ast.kind !== Kind.FLOAT)
      throw new GraphQLError('Decimal must be a string.', { extensions: { code: 'INVALID_INPUT' } });
    return parseDecimal(ast.value);
  },
});

export const JSONScalar = new GraphQLScalarType({
  name: 'JSON',
  description: 'Arbitrary JSON value.',
  serialize: (v) => v,
  parseValue: (v) => v,
  parseLiteral: parseJsonLiteral,
});

/**
 * Creates a subgraph's Pothos builder with the Ecomify preset.
 * `prismaClient` may be a function of the context (e.g. a tenant-scoped client per request).
 */
export function createSubgraphBuilder<PrismaTypes extends object, Ctx extends BaseContext = BaseContext>(opts: {
  prismaClient: unknown;
  dmmf: unknown;
}) {
  const builder = new SchemaBuilder<SubgraphSchemaTypes<PrismaTypes, Ctx>>({
    plugins: [ScopeAuthPlugin, ErrorsPlugin, RelayPlugin, PrismaPlugin, NullableRootQueryPlugin, DirectivesPlugin, FederationPlugin],
    defaultFieldNullability: false,
    scopeAuth: {
      authScopes: async (ctx) => ({
        authenticated: !!ctx.principal,
        roles: (roles: Role[]) => hasRole(ctx.principal, ...roles),
        permissions: (perms: string[]) => hasPermissions(ctx.principal, ...perms),
        storePermission: async (perm: string | null) => {
          if (!ctx.principal) return false;
          if (!ctx.storeId) return false;
          if (hasRole(ctx.principal, 'PLATFORM_ADMIN')) return true;
          return ctx.storeAccess ? ctx.storeAccess(perm) : false;
        },
      }),
      // Anonymous callers get UNAUTHENTICATED; a signed-in caller refused a store scope because the
      // request names no store gets the typed STORE_CONTEXT_REQUIRED (INVALID_INPUT on x-store-id);
      // any other missing scope is FORBIDDEN.
      unauthorizedError: (_parent, ctx, _info, result) => {
        if (!ctx.principal) return new UnauthenticatedError();
        if (!ctx.storeId && failedScopes(result.failure).includes('storePermission')) return new StoreContextRequiredError();
        return new ForbiddenError('You do not have permission for this operation.');
      },
      treatErrorsAsUnauthorized: false,
    },
    errors: { defaultTypes: [] },
    relay: {
      clientMutationId: 'omit',
      cursorType: 'String',
      // Only one subgraph may own node/nodes; Ecomify uses raw ids as entity keys instead.
      nodeQueryOptions: false,
      nodesQueryOptions: false,
      pageInfoTypeOptions: { shareable: true },
    } as never,
    prisma: {
      client: opts.prismaClient as never,
      dmmf: opts.dmmf as never,
      exposeDescriptions: false,
      filterConnectionTotalCount: true,
      onUnusedQuery: process.env.NODE_ENV === 'production' ? null : 'warn',
    },
  });

  builder.addScalarType('DateTime', DateTimeScalar);
  builder.addScalarType('Decimal', DecimalScalar);
  builder.addScalarType('JSON', JSONScalar);

  const ErrorInterface = builder.interfaceRef<DomainError>('Error').implement({
    description: 'An expected failure clients can branch on: `code` is from a fixed list, `field` names the input at fault.',
    fields: (t) => ({
      code: t.string({ resolve: (e) => e.code }),
      message: t.exposeString('message'),
      field: t.stringList({ nullable: true, resolve: (e) => e.field ?? null }),
    }),
  });

  const FieldErrorRef = builder.objectRef<FieldError>('FieldError').implement({
    shareable: true,
    fields: (t: any) => ({
      path: t.exposeStringList('path'),
      message: t.exposeString('message'),
    }),
  } as never);

  const errorObject = <T extends DomainError>(
    cls: new (...args: never[]) => T,
    name: string,
    description: string,
    extra?: (t: never) => object,
  ) =>
    builder.objectType(
      cls as never,
      {
        name,
        description,
        interfaces: [ErrorInterface],
        isTypeOf: (value: unknown) => value instanceof cls,
        shareable: true,
        fields: (t: never) => ({ ...(extra ? extra(t) : {}) }),
      } as never,
    );

  errorObject(ValidationError, 'ValidationError', 'Input was invalid; `fieldErrors` lists each offending field.', (t: any) => ({
    fieldErrors: t.field({ type: [FieldErrorRef], resolve: (e: ValidationError) => e.fieldErrors }),
  }));
  errorObject(NotFoundError, 'NotFoundError', 'The requested record does not exist.');
  errorObject(ConflictError, 'ConflictError', 'The change conflicts with existing data (e.g. a value that must be unique).');
  errorObject(
    RuleViolationError,
    'RuleViolationError',
    'A business rule refused the change (e.g. an invalid state transition).',
    (t: any) => ({
      reason: t.string({ nullable: true, resolve: (e: RuleViolationError) => e.reason ?? null }),
    }),
  );
  errorObject(RateLimitedError, 'RateLimitedError', 'Too many attempts; retry after `retryAfterSeconds`.', (t: any) => ({
    retryAfterSeconds: t.int({ resolve: (e: RateLimitedError) => e.retryAfterSeconds }),
    reason: t.string({ nullable: true, resolve: (e: RateLimitedError) => e.reason ?? null }),
  }));

  builder.objectRef<Money>('Money').implement({
    shareable: true,
    description: 'An amount of money: a decimal string and an ISO 4217 currency code.',
    fields: (t: any) => ({
      amount: t.field({ type: 'Decimal', resolve: (m: Money) => m.amount }),
      currencyCode: t.exposeString('currencyCode'),
    }),
  } as never);

  builder.queryType({});
  builder.mutationType({});

  return builder;
}

export type SubgraphBuilder<PrismaTypes extends object, Ctx extends BaseContext = BaseContext> = ReturnType<
  typeof createSubgraphBuilder<PrismaTypes, Ctx>
>;

/** The errors every mutation can return as typed results. Mutations add their own on top. */
export const COMMON_MUTATION_ERRORS = [ValidationError] as const;

/** Federation version every subgraph links. */
export const FEDERATION_LINK = 'https://specs.apollo.dev/federation/v2.6';
