import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';

export interface PrismaClientOptions {
  url: string;
  poolSize?: number;
  /** Name that shows in pg_stat_activity, handy when twelve services share one server. */
  applicationName?: string;
}

/** A created client together with the pool behind it (the pool feeds the pool-use metrics). */
export interface PrismaHandle<T> {
  prisma: T;
  pool: pg.Pool;
  close(): Promise<void>;
}

/** A bounded pg pool with Ecomify's timeouts; a dropped connection is replaced, never a crash. */
export function createPool(opts: PrismaClientOptions): pg.Pool {
  const pool = new pg.Pool({
    connectionString: opts.url,
    max: opts.poolSize ?? 10,
    idleTimeoutMillis: 30_000,
    connectionTimeoutMillis: 10_000,
    application_name: opts.applicationName,
  });
  pool.on('error', () => undefined);
  return pool;
}

/**
 * Creates a Prisma client on the pg driver adapter (no native engine), with its own bounded pool.
 * `Client` is the subgraph's generated PrismaClient class.
 */
export function createPrismaClient<T extends { $disconnect(): Promise<void> }>(
  Client: new (opts: { adapter: PrismaPg }) => T,
  opts: PrismaClientOptions,
): PrismaHandle<T> {
  const pool = createPool(opts);
  const prisma = new Client({ adapter: new PrismaPg(pool) });
  return {
    prisma,
    pool,
    async close() {
      await prisma.$disconnect();
      await pool.end().catch(() => undefined);
    },
  };
}

/** Replaces the database name in a PostgreSQL URL. */
export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = '/' + database;
  return u.toString();
}

/** The database name of a PostgreSQL URL. */
export function databaseName(url: string): string {
  return decodeURIComponent(new URL(url).pathname.replace(/^\//, '')) || 'postgres';
}

/** Creates the database of `url` when it does not exist (connects to the server's `postgres` database). */
export async function ensureDatabase(url: string): Promise<boolean> {
  const name = databaseName(url);
  const admin = new pg.Client({ connectionString: withDatabase(url, 'postgres') });
  await admin.connect();
  try {
    const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (rowCount) return false;
    try {
      await admin.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
    } catch (err) {
      // Two processes racing to create it is fine.
      if ((err as { code?: string }).code !== '42P04') throw err;
      return false;
    }
    return true;
  } finally {
    await admin.end();
  }
}

/** Drops the database of `url` if it exists, closing other connections to it first. */
export async function dropDatabase(url: string): Promise<void> {
  const name = databaseName(url);
  const admin = new pg.Client({ connectionString: withDatabase(url, 'postgres') });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS "${name.replace(/"/g, '""')}" WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}
