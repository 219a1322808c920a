/**
 * Structured pino logging with request/correlation ids on every line and secrets redacted.
 */
import pino, { type Logger, type LoggerOptions } from 'pino';

export type { Logger };

/** Paths whose values never reach a log line. Pino redaction matches exact paths with `*` for one level. */
export const REDACT_PATHS = [
  'authorization',
  'password',
  'newPassword',
  'currentPassword',
  'token',
  'accessToken',
  'refreshToken',
  'secret',
  'apiKey',
  'code',
  'cookie',
  'headers.authorization',
  'headers.cookie',
  'headers["x-api-key"]',
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  '*.authorization',
  '*.password',
  '*.newPassword',
  '*.currentPassword',
  '*.token',
  '*.accessToken',
  '*.refreshToken',
  '*.secret',
  '*.mfaSecret',
  '*.apiKey',
  '*.recoveryCodes',
  'variables.*.password',
  'variables.*.newPassword',
  'variables.*.token',
  'variables.*.refreshToken',
  'variables.*.code',
];

/** Replaces anything that looks like a bearer token or JWT inside free-text messages. */
export function scrubSecrets(text: string): string {
  return text
    .replace(/Bearer\s+[A-Za-z0-9._~+/=-]+/g, 'Bearer [Redacted]')
    .replace(/eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]+/g, '[Redacted JWT]');
}

/** Creates the process logger for a service. */
export function createLogger(service: string, options: { level?: string; destination?: pino.DestinationStream } = {}): Logger {
  const opts: LoggerOptions = {
    name: service,
    level: options.level ?? process.env.LOG_LEVEL ?? 'info',
    base: { service },
    redact: { paths: REDACT_PATHS, censor: '[Redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    hooks: {
      // Free-text messages can carry tokens (an error message quoting a header): scrub them too.
      logMethod(args, method) {
        const scrubbed = args.map((a) => (typeof a === 'string' ? scrubSecrets(a) : a)) as Parameters<typeof method>;
        return method.apply(this, scrubbed);
      },
    },
  };
  return options.destination ? pino(opts, options.destination) : pino(opts);
}

/** A child logger bound to one request. */
export function requestLogger(logger: Logger, ids: { requestId: string; correlationId: string }): Logger {
  return logger.child({ requestId: ids.requestId, correlationId: ids.correlationId });
}
