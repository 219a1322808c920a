// Resolver helpers shared by identity's type files.

type ErrorClass = abstract new (...args: never[]) => Error;

/**
 * Runs a service call for a field whose type is a hand-written result union: expected failures of
 * the listed classes become union members, anything else propagates (UNAUTHENTICATED, unexpected).
 */
export async function asResult<T>(run: () => Promise<T>, expected: ErrorClass[]): Promise<T | Error> {
  try {
    return await run();
  } catch (err) {
    if (expected.some((cls) => err instanceof cls)) return err as Error;
    throw err;
  }
}
