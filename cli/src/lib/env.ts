/**
 * Which PostgreSQL each service uses and the environment a service process gets.
 * Precedence per service: <SERVICE>_DATABASE_URL, then ECOMIFY_DATABASE_URL (a server URL; the database
 * is ecomify_<service>), then the embedded PostgreSQL under <project>/.ecomify/postgres.
 */
import fs from 'node:fs';
import path from 'node:path';
import { CliError } from './errors';
import { messages } from './messages';
import { databaseNameFor, envPrefix, type Service } from './project';

export const EMBEDDED_PG_PORT = 54329;

export interface DatabaseTarget {
  /** True when nothing is configured and the CLI runs (or expects) the embedded PostgreSQL. */
  embedded: boolean;
  /** Server URL (database part ignored) for services without their own URL. */
  serverUrl: string;
}

export function stateDir(root: string): string {
  return path.join(root, '.ecomify');
}

export function isProduction(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.ECOMIFY_ENV === 'production' || (!env.ECOMIFY_ENV && env.NODE_ENV === 'production');
}

export function embeddedPort(env: NodeJS.ProcessEnv = process.env): number {
  return Number(env.ECOMIFY_PG_PORT ?? EMBEDDED_PG_PORT);
}

/** The password the embedded cluster was initialised with (created on first start, kept with the data). */
export function embeddedPassword(root: string): string | undefined {
  const file = path.join(stateDir(root), 'postgres.password');
  return fs.existsSync(file) ? fs.readFileSync(file, 'utf8').trim() : undefined;
}

export function databaseTarget(root: string, env: NodeJS.ProcessEnv = process.env): DatabaseTarget {
  if (env.ECOMIFY_DATABASE_URL) return { embedded: false, serverUrl: env.ECOMIFY_DATABASE_URL };
  if (isProduction(env)) {
    throw new CliError(messages.dev.production, { code: 'EMBEDDED_REFUSED_IN_PRODUCTION', exit: 2, hint: messages.dev.productionHint });
  }
  const password = embeddedPassword(root);
  const auth = password ? `postgres:${encodeURIComponent(password)}` : 'postgres';
  return { embedded: true, serverUrl: `postgresql://${auth}@127.0.0.1:${embeddedPort(env)}/postgres` };
}

export function withDatabaseName(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = '/' + database;
  return u.toString();
}

/** True when the service's database comes from the server URL (embedded or ECOMIFY_DATABASE_URL), not its own variable. */
export function usesSharedServer(service: string, env: NodeJS.ProcessEnv = process.env): boolean {
  return !env[`${envPrefix(service)}_DATABASE_URL`];
}

export function databaseUrlFor(service: string, target: DatabaseTarget, env: NodeJS.ProcessEnv = process.env): string {
  return env[`${envPrefix(service)}_DATABASE_URL`] ?? withDatabaseName(target.serverUrl, databaseNameFor(service, env));
}

export function platformDatabaseUrl(target: DatabaseTarget, env: NodeJS.ProcessEnv = process.env): string {
  return env.PLATFORM_DATABASE_URL ?? withDatabaseName(target.serverUrl, databaseNameFor('platform', env));
}

/** Shows a URL without its password (for progress lines and JSON results). */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return url;
  }
}

/** The environment of one service process: the parent's environment plus its database, port and platform settings. */
export function serviceEnv(service: Service, target: DatabaseTarget, env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = {
    ...env,
    PORT: String(service.port),
    ECOMIFY_ENV: env.ECOMIFY_ENV ?? 'development',
    LOG_LEVEL: env.LOG_LEVEL ?? 'info',
    JWKS_URL: env.JWKS_URL ?? 'http://127.0.0.1:3001/.well-known/jwks.json',
  };
  // Embedded transports and cache live in the platform database; with NATS and Redis set it is not needed.
  if (!env.NATS_URL || !env.REDIS_URL) out.PLATFORM_DATABASE_URL = platformDatabaseUrl(target, env);
  if (service.kind === 'subgraph') out.DATABASE_URL = databaseUrlFor(service.name, target, env);
  else delete out.DATABASE_URL;
  return out;
}
