/**
 * The gateway's settings: the kernel's base configuration plus its own. Per-subgraph URL overrides
 * (`<NAME>_SUBGRAPH_URL`) are read against the names found in the supergraph.
 */
import { loadConfig, z, ConfigError } from '@ecomify/kernel/config';

const bool = z.enum(['true', 'false', '1', '0', 'yes', 'no']).transform((v) => v === 'true' || v === '1' || v === 'yes');

export const gatewayConfigShape = {
  PORT: z.coerce.number().int().min(0).max(65535).default(4000),
  SUPERGRAPH_PATH: z.string().default('supergraph/supergraph.graphql'),
  /** Comma-separated allowed origins; unset means same-origin only in production and any origin in development. */
  CORS_ORIGINS: z.string().optional(),
  /** Requests per minute per client (signed-in subject, else IP). */
  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(100),
  MAX_QUERY_DEPTH: z.coerce.number().int().min(1).default(15),
  MAX_QUERY_COST: z.coerce.number().int().min(1).default(10_000),
  /** Milliseconds a subgraph may take to answer before its fields error with UNAVAILABLE. */
  SUBGRAPH_TIMEOUT_MS: z.coerce.number().int().min(100).default(10_000),
  /** Behind a load balancer: take the client IP from the first X-Forwarded-For entry instead of the socket. */
  TRUST_PROXY: bool.default('false'),
  /**
   * Operations whose query plan is one fetch to one subgraph go to it as they are and its answer is
   * forwarded unparsed when it has no errors (see src/passthrough.ts). `false` always takes Apollo's planned path.
   */
  GATEWAY_PASSTHROUGH: bool.default('true'),
};

export type GatewayConfig = ReturnType<typeof loadGatewayConfig>;

/**
 * Loads and validates the gateway configuration (throws ConfigError naming each bad variable). The
 * gateway has no database of its own and publishes no events: it needs REDIS_URL (or the platform
 * database for the embedded cache) and JWKS_URL, not DATABASE_URL or NATS_URL.
 */
export function loadGatewayConfig(source: Record<string, string | undefined> = process.env) {
  return loadConfig(gatewayConfigShape, source, { database: false, events: false });
}

/** Subgraph names and routing URLs declared in a supergraph SDL (`@join__graph`). */
export function supergraphServices(supergraphSdl: string): { name: string; url: string }[] {
  const out: { name: string; url: string }[] = [];
  for (const m of supergraphSdl.matchAll(/@join__graph\(\s*name:\s*"([^"]+)"\s*,\s*url:\s*"([^"]*)"\s*\)/g)) {
    out.push({ name: m[1], url: m[2] });
  }
  return out;
}

/** The env variable that overrides one subgraph's URL: `stores` → `STORES_SUBGRAPH_URL`. */
export function subgraphUrlVariable(name: string): string {
  return `${name.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_SUBGRAPH_URL`;
}

/** Reads `<NAME>_SUBGRAPH_URL` overrides for the supergraph's subgraphs; a malformed URL is a ConfigError. */
export function subgraphUrlOverridesFromEnv(
  services: { name: string }[],
  source: Record<string, string | undefined> = process.env,
): Record<string, string> {
  const overrides: Record<string, string> = {};
  const problems: { variable: string; problem: string }[] = [];
  for (const { name } of services) {
    const variable = subgraphUrlVariable(name);
    const value = source[variable];
    if (!value) continue;
    try {
      const u = new URL(value);
      if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('protocol');
      overrides[name] = value;
    } catch {
      problems.push({ variable, problem: 'must be a URL starting with http:// or https://' });
    }
  }
  if (problems.length) throw new ConfigError(problems);
  return overrides;
}
