/**
 * Expected outcomes are DomainErrors (typed results in the schema); everything else is unexpected and masked.
 */
import { GraphQLError } from 'graphql';

/** The fixed list of error codes clients can branch on. */
export const ErrorCode = {
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  FORBIDDEN: 'FORBIDDEN',
  NOT_FOUND: 'NOT_FOUND',
  INVALID_INPUT: 'INVALID_INPUT',
  CONFLICT: 'CONFLICT',
  RATE_LIMITED: 'RATE_LIMITED',
  UNAVAILABLE: 'UNAVAILABLE',
  INTERNAL: 'INTERNAL',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];
export const ERROR_CODES: readonly ErrorCode[] = Object.values(ErrorCode);

export interface FieldError {
  /** Path of the offending input field, e.g. ['input', 'email']. */
  path: string[];
  message: string;
}

/** Base of every expected, typed failure. Thrown inside a service, it rolls the transaction back. */
export class DomainError extends Error {
  readonly code: ErrorCode;
  /** Path of the input field at fault, when one is. */
  readonly field?: string[];
  /** A finer, domain-specific reason (e.g. ACCOUNT_LOCKED) for clients that want it. */
  readonly reason?: string;
  constructor(code: ErrorCode, message: string, opts: { field?: string[]; reason?: string } = {}) {
    super(message);
    this.name = new.target.name;
    this.code = code;
    this.field = opts.field;
    this.reason = opts.reason;
  }
}

/** Invalid input: one entry per offending field. */
export class ValidationError extends DomainError {
  readonly fieldErrors: FieldError[];
  constructor(message: string, fieldErrors: FieldError[] = []) {
    super(ErrorCode.INVALID_INPUT, message, { field: fieldErrors[0]?.path });
    this.fieldErrors = fieldErrors;
  }
  /** Builds a ValidationError from zod issues, prefixing paths with `root` (e.g. ['input']). */
  static fromZod(issues: { path: (string | number)[]; message: string }[], root: string[] = ['input']): ValidationError {
    const fieldErrors = issues.map((i) => ({ path: [...root, ...i.path.map(String)], message: i.message }));
    const summary = fieldErrors.map((f) => `${f.path.join('.')}: ${f.message}`).join('; ');
    return new ValidationError(`Invalid input. ${summary}`, fieldErrors);
  }
}

export class NotFoundError extends DomainError {
  constructor(message: string, opts: { field?: string[]; reason?: string } = {}) {
    super(ErrorCode.NOT_FOUND, message, opts);
  }
}

export class ConflictError extends DomainError {
  constructor(message: string, opts: { field?: string[]; reason?: string } = {}) {
    super(ErrorCode.CONFLICT, message, opts);
  }
}

/** Expected refusals that are part of a field's result type (e.g. an invalid state transition). */
export class RuleViolationError extends DomainError {
  constructor(message: string, opts: { field?: string[]; reason?: string } = {}) {
    super(ErrorCode.CONFLICT, message, opts);
  }
}

export class RateLimitedError extends DomainError {
  readonly retryAfterSeconds: number;
  constructor(message: string, retryAfterSeconds: number, opts: { reason?: string } = {}) {
    super(ErrorCode.RATE_LIMITED, message, opts);
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/** Not signed in, or credentials not accepted. Surfaces as a top-level GraphQL error with code UNAUTHENTICATED. */
export class UnauthenticatedError extends DomainError {
  constructor(
    message = 'Authentication required: send a valid access token as `Authorization: Bearer <token>`.',
    opts: { reason?: string } = {},
  ) {
    super(ErrorCode.UNAUTHENTICATED, message, opts);
  }
}

/** Signed in but not allowed. Surfaces as a top-level GraphQL error with code FORBIDDEN. */
export class ForbiddenError extends DomainError {
  constructor(message = 'You are not allowed to do this.', opts: { reason?: string } = {}) {
    super(ErrorCode.FORBIDDEN, message, opts);
  }
}

export class UnavailableError extends DomainError {
  constructor(message: string, opts: { reason?: string } = {}) {
    super(ErrorCode.UNAVAILABLE, message, opts);
  }
}

/** Converts a DomainError into a client-safe GraphQLError carrying `extensions.code`. */
export function toGraphQLError(err: DomainError): GraphQLError {
  const extensions: Record<string, unknown> = { code: err.code };
  if (err.reason) extensions.reason = err.reason;
  if (err.field) extensions.field = err.field;
  if (err instanceof RateLimitedError) extensions.retryAfter = err.retryAfterSeconds;
  if (err instanceof ValidationError) extensions.fieldErrors = err.fieldErrors;
  return new GraphQLError(err.message, { extensions });
}

/**
 * Error masking for Yoga: DomainErrors and GraphQL errors carrying a known code pass through;
 * anything else becomes INTERNAL with the request id, so no stack trace or SQL leaks.
 */
export function maskError(error: unknown, requestId?: string): GraphQLError {
  const original = error instanceof GraphQLError ? (error.originalError ?? error) : error;
  if (original instanceof DomainError) {
    const gql = toGraphQLError(original);
    if (error instanceof GraphQLError) {
      return new GraphQLError(gql.message, { nodes: error.nodes, path: error.path, extensions: gql.extensions });
    }
    return gql;
  }
  if (error instanceof GraphQLError && isInputCoercionError(error)) {
    // The client's variables did not fit the schema (unknown enum value, wrong type, bad scalar):
    // the message names the variable, the path and graphql-js' reason, all about the client's input.
    return new GraphQLError(error.message, { nodes: error.nodes, extensions: { code: ErrorCode.INVALID_INPUT } });
  }
  if (error instanceof GraphQLError) {
    const code = error.extensions?.code as string | undefined;
    // Parse/validation errors from graphql-js have no originalError and are safe to show.
    if (
      !error.originalError &&
      (!code ||
        ERROR_CODES.includes(code as ErrorCode) ||
        code === 'GRAPHQL_VALIDATION_FAILED' ||
        code === 'GRAPHQL_PARSE_FAILED' ||
        code === 'BAD_USER_INPUT')
    ) {
      return error;
    }
    if (code && ERROR_CODES.includes(code as ErrorCode) && error.originalError instanceof GraphQLError) {
      return error;
    }
  }
  return new GraphQLError(
    `Unexpected error${requestId ? ` (request ${requestId})` : ''}. It has been logged; retry, and report the request id if it persists.`,
    {
      nodes: error instanceof GraphQLError ? error.nodes : undefined,
      path: error instanceof GraphQLError ? error.path : undefined,
      extensions: { code: ErrorCode.INTERNAL, ...(requestId ? { requestId } : {}) },
    },
  );
}

/** Codes graphql-js, Yoga and Apollo give errors about the client's request (not the server). */
const INPUT_ERROR_CODES = new Set(['BAD_USER_INPUT', ErrorCode.INVALID_INPUT]);

/**
 * True for an error about the request's variables, raised before any resolver ran: it has no field
 * path, every error in its originalError chain is a GraphQLError (graphql-js' coercion, or a scalar's
 * parseValue that throws GraphQLError on purpose), and it is marked as an input error — graphql-js'
 * `Variable "$x" got invalid value ...` message, a BAD_USER_INPUT/INVALID_INPUT code, or HTTP 400.
 * A resolver's exception always has a path, and a plain Error anywhere in the chain (a bug in a
 * scalar, a driver error) keeps the whole error masked.
 */
export function isInputCoercionError(error: GraphQLError): boolean {
  if (error.path && error.path.length > 0) return false;
  if (!error.originalError) return false;
  for (let e: unknown = error; e; e = (e as GraphQLError).originalError) {
    if (!(e instanceof GraphQLError)) return false;
  }
  const codes = chainOf(error).map((e) => e.extensions?.code);
  const status = (error.extensions?.http as { status?: number } | undefined)?.status;
  return (
    /^Variable "\$[_A-Za-z][_0-9A-Za-z]*" /.test(error.message) ||
    codes.some((c) => typeof c === 'string' && INPUT_ERROR_CODES.has(c)) ||
    status === 400
  );
}

function chainOf(error: GraphQLError): GraphQLError[] {
  const out: GraphQLError[] = [];
  for (let e: GraphQLError | undefined = error; e; e = e.originalError as GraphQLError | undefined) out.push(e);
  return out;
}

/** Translates known infrastructure errors (Prisma unique violations, etc.) into DomainErrors at the boundary. */
export function translateInfrastructureError(err: unknown): unknown {
  const e = err as { code?: string; meta?: { target?: string[] | string } } | undefined;
  if (e && typeof e === 'object' && e.code === 'P2002') {
    const target = Array.isArray(e.meta?.target) ? e.meta!.target.join(', ') : String(e.meta?.target ?? 'value');
    return new ConflictError(`A record with this ${target} already exists.`, { reason: 'UNIQUE_VIOLATION' });
  }
  if (e && typeof e === 'object' && e.code === 'P2025') {
    return new NotFoundError('The record does not exist (it may have been deleted).');
  }
  return err;
}
