/**
 * One typed, validated configuration loader for every Ecomify process.
 * A missing or malformed setting stops start-up with a message naming the variable.
 */
import { z } from 'zod';

export type RuntimeEnv = 'development' | 'test' | 'production';

/** Thrown at start-up when configuration is missing or malformed; lists every bad variable. */
export class ConfigError extends Error {
  constructor(public readonly problems: { variable: string; problem: string }[]) {
    super(
      'Invalid configuration:\n' +
        problems.map((p) => `  - ${p.variable}: ${p.problem}`).join('\n') +
        '\nSet the variables above (see README "Configuration") and start again.',
    );
    this.name = 'ConfigError';
  }
}

const url = (protocols: string[]) =>
  z
    .string()
    .trim()
    .refine(
      (v) => {
        try {
          return protocols.includes(new URL(v).protocol.replace(/:$/, ''));
        } catch {
          return false;
        }
      },
      `must be a URL starting with ${protocols.map((p) => p + '://').join(' or ')}`,
    );

const bool = z.enum(['true', 'false', '1', '0', 'yes', 'no']).transform((v) => v === 'true' || v === '1' || v === 'yes');

/** Settings every service shares. Service-specific ones extend this with `loadConfig(extra)`. */
export const baseConfigShape = {
  ECOMIFY_ENV: z.enum(['development', 'test', 'production']).optional(),
  NODE_ENV: z.string().optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  HOST: z.string().default('127.0.0.1'),
  DATABASE_URL: url(['postgres', 'postgresql']).optional(),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  /** Shared database of the embedded event transport and cache (embedded mode only). */
  PLATFORM_DATABASE_URL: url(['postgres', 'postgresql']).optional(),
  NATS_URL: url(['nats', 'tls']).optional(),
  REDIS_URL: url(['redis', 'rediss']).optional(),
  JWKS_URL: url(['http', 'https']).optional(),
  JWT_ISSUER: z.string().default('ecomify-identity'),
  JWT_AUDIENCE: z.string().default('ecomify'),
  EVENTS_MAX_DELIVER: z.coerce.number().int().min(1).max(100).default(5),
  METRICS_ENABLED: bool.default('true'),
};

export type BaseConfig = z.infer<z.ZodObject<typeof baseConfigShape>> & {
  env: RuntimeEnv;
  /** True when the event transport and cache run embedded (no NATS/Redis configured, not production). */
  embedded: { events: boolean; cache: boolean };
};

/**
 * Loads and validates configuration from `source` (default process.env).
 * In production, DATABASE_URL, NATS_URL, REDIS_URL and JWKS_URL are required: nothing falls back to embedded defaults.
 */
export function loadConfig<E extends z.ZodRawShape = {}>(
  extra: E = {} as E,
  source: Record<string, string | undefined> = process.env,
  /** What the process uses; a process without its own database or events (the gateway) passes false for them. */
  needs: { database?: boolean; events?: boolean } = {},
): BaseConfig & z.infer<z.ZodObject<E>> {
  const needsDatabase = needs.database ?? true;
  const needsEvents = needs.events ?? true;
  const schema = z.object({ ...baseConfigShape, ...extra });
  // Empty strings mean "unset": shells and compose files often export VAR= for optional settings.
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = schema.safeParse(cleaned);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((i) => ({
        variable: String(i.path[0] ?? '(root)'),
        problem: i.code === 'invalid_type' && i.received === 'undefined' ? 'is required' : i.message,
      })),
    );
  }
  const data = parsed.data as Record<string, unknown> & z.infer<z.ZodObject<typeof baseConfigShape>>;
  const env: RuntimeEnv =
    data.ECOMIFY_ENV ?? (data.NODE_ENV === 'production' ? 'production' : data.NODE_ENV === 'test' ? 'test' : 'development');
  if (env === 'production') {
    const required = ['DATABASE_URL', 'NATS_URL', 'REDIS_URL', 'JWKS_URL'] as const;
    const missing = required.filter((k) => !data[k] && !(k === 'DATABASE_URL' && !needsDatabase) && !(k === 'NATS_URL' && !needsEvents));
    if (missing.length) {
      throw new ConfigError(
        missing.map((variable) => ({
          variable,
          problem: 'is required in production (embedded defaults are for development only)',
        })),
      );
    }
  }
  const embedded = { events: needsEvents && !data.NATS_URL, cache: !data.REDIS_URL };
  if ((embedded.events || embedded.cache) && !data.PLATFORM_DATABASE_URL && !data.DATABASE_URL) {
    throw new ConfigError([
      {
        variable: 'NATS_URL / REDIS_URL / PLATFORM_DATABASE_URL',
        problem:
          'no event transport or cache is configured: set NATS_URL and REDIS_URL, or PLATFORM_DATABASE_URL for the embedded ones (`ecomify dev` sets it for you)',
      },
    ]);
  }
  return { ...(data as object), env, embedded } as BaseConfig & z.infer<z.ZodObject<E>>;
}

export { z };
