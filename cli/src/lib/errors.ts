/**
 * Errors a command reports to the user. Each carries a stable code (for `--json` consumers), an exit
 * code from the documented set, and a hint saying what to do next.
 */
export const ExitCode = {
  ok: 0,
  /** The command ran and failed, or a check it performs failed. */
  failed: 1,
  /** Bad usage or missing input (a flag that could not be prompted for). */
  usage: 2,
  /** A service the command needs (PostgreSQL, NATS, a subgraph) cannot be reached. */
  unreachable: 3,
} as const;

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

export class CliError extends Error {
  constructor(
    message: string,
    readonly options: {
      code: string;
      exit?: ExitCodeValue;
      hint?: string;
      /** Data still worth printing with the failure (e.g. the breaking changes a check found). */
      result?: unknown;
    },
  ) {
    super(message);
    this.name = 'CliError';
  }

  get code(): string {
    return this.options.code;
  }

  get exit(): ExitCodeValue {
    return this.options.exit ?? ExitCode.failed;
  }
}

export class UsageError extends CliError {
  constructor(message: string, hint?: string, code = 'USAGE') {
    super(message, { code, exit: ExitCode.usage, hint });
  }
}

export class UnreachableError extends CliError {
  constructor(message: string, hint?: string, code = 'SERVICE_UNREACHABLE') {
    super(message, { code, exit: ExitCode.unreachable, hint });
  }
}

const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', 'CONNECTION_REFUSED']);

/** True for the errors pg, nats and fetch raise when nothing answers at the address. */
export function isConnectionError(err: unknown): boolean {
  let e = err as { code?: string; cause?: unknown; errors?: unknown[] } | undefined;
  for (let depth = 0; e && depth < 4; depth++) {
    if (e.code && CONNECTION_CODES.has(e.code)) return true;
    if (Array.isArray(e.errors) && e.errors.some(isConnectionError)) return true;
    e = e.cause as typeof e;
  }
  return false;
}
