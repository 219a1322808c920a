// Resolver helpers shared by identity's type files.
import { wrapOrThrow } from '@pothos/plugin-errors';

type ErrorClass = new (...args: never[]) => Error;

/**
 * Runs a service call for a field whose type is a hand-written result union: expected failures of
 * the listed classes become union members, anything else propagates (UNAUTHENTICATED, unexpected).
 * The errors plugin's wrapper is used because graphql-js treats a returned Error as thrown.
 */
export async function asResult<T>(run: () => Promise<T>, expected: ErrorClass[]): Promise<T> {
  try {
    return await run();
  } catch (err) {
    return wrapOrThrow(err as Error, expected as never, undefined) as T;
  }
}
