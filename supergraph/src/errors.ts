/**
 * What clients see of errors. Typed codes from the fixed list pass through with their message and a
 * few safe extensions; everything else (gateway internals, subgraph errors without a known code,
 * stack traces Apollo attaches outside production) becomes INTERNAL with the request id.
 */
import { GraphQLError } from 'graphql';
import { ERROR_CODES, isInputCoercionError, type ErrorCode } from '@ecomify/kernel/errors';

/** Extensions a client may see. Anything else (exception, stacktrace, response bodies) is dropped. */
const SAFE_EXTENSIONS = ['code', 'serviceName', 'reason', 'field', 'fieldErrors', 'retryAfter', 'requestId', 'limit', 'actual', 'max'];

function pickSafe(ext: Record<string, unknown> | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (!ext) return out;
  for (const k of SAFE_EXTENSIONS) if (ext[k] !== undefined) out[k] = ext[k];
  return out;
}

/** Builds the client-facing error and says whether the original was unexpected (worth logging). */
export function maskGatewayError(error: unknown, requestId?: string): { error: GraphQLError; unexpected: boolean } {
  if (error instanceof GraphQLError) {
    const code = error.extensions?.code as string | undefined;
    if (code && ERROR_CODES.includes(code as ErrorCode)) {
      return { error: new GraphQLError(error.message, { path: error.path, extensions: pickSafe(error.extensions) }), unexpected: false };
    }
    // Variables that do not fit the operation (unknown enum value, wrong type): the client's mistake.
    if (isInputCoercionError(error)) {
      return { error: new GraphQLError(error.message, { nodes: error.nodes, extensions: { code: 'INVALID_INPUT' } }), unexpected: false };
    }
    // Parse and validation errors of the client's document: raised by graphql-js here, no original error.
    if (
      !error.originalError &&
      (!code || code === 'GRAPHQL_PARSE_FAILED' || code === 'GRAPHQL_VALIDATION_FAILED' || code === 'BAD_USER_INPUT')
    ) {
      return {
        error: new GraphQLError(error.message, {
          nodes: error.nodes,
          path: error.path,
          extensions: { code: code ?? 'GRAPHQL_VALIDATION_FAILED' },
        }),
        unexpected: false,
      };
    }
  }
  const serviceName = error instanceof GraphQLError ? (error.extensions?.serviceName as string | undefined) : undefined;
  return {
    error: new GraphQLError(
      `Unexpected error${serviceName ? ` in the ${serviceName} service` : ''}${requestId ? ` (request ${requestId})` : ''}. It has been logged; retry, and report the request id if it persists.`,
      {
        path: error instanceof GraphQLError ? error.path : undefined,
        extensions: { code: 'INTERNAL', ...(serviceName ? { serviceName } : {}), ...(requestId ? { requestId } : {}) },
      },
    ),
    unexpected: true,
  };
}

/** The message of a subgraph that cannot be reached: names the service so clients and operators know what is missing. */
export function unavailableError(serviceName: string, reason: string): GraphQLError {
  return new GraphQLError(
    `The ${serviceName} service is unavailable (${reason}); its fields are missing from this response. Retry shortly.`,
    {
      extensions: { code: 'UNAVAILABLE', serviceName },
    },
  );
}
