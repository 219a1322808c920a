/**
 * Database work for `db *` and `dev`: per-subgraph migrate, status, seed (only when empty) and reset,
 * through the kernel's migration runner. Each subgraph has its own database.
 */
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { UnreachableError, isConnectionError } from './errors';
import { databaseUrlFor, redactUrl, serviceEnv, type DatabaseTarget } from './env';
import { messages } from './messages';
import type { Progress } from './progress';
import type { Subgraph } from './project';
import { runTsScript } from './tasks';

type KernelDb = typeof import('@ecomify/kernel/db');
const kernelDb = (): KernelDb => require('@ecomify/kernel/db') as KernelDb;

export const migrationsDir = (s: Subgraph) => path.join(s.dir, 'prisma', 'migrations');

/** Rethrows "nothing listens there" as exit 3 with the server named. */
export async function reachable<T>(url: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (isConnectionError(err) || /ECONNREFUSED|connect ETIMEDOUT|Connection terminated unexpectedly/.test((err as Error).message)) {
      throw new UnreachableError(messages.db.unreachable(redactUrl(url)), messages.db.unreachableHint, 'DATABASE_UNREACHABLE');
    }
    throw err;
  }
}

export interface MigrateEntry {
  service: string;
  database: string;
  created: boolean;
  applied: string[];
}

export async function migrate(subgraphs: Subgraph[], target: DatabaseTarget, progress: Progress): Promise<MigrateEntry[]> {
  const { applyMigrations, databaseName } = kernelDb();
  const out: MigrateEntry[] = [];
  for (const s of subgraphs) {
    const url = databaseUrlFor(s.name, target);
    progress.start(messages.db.migrating(s.name));
    const res = await reachable(url, () =>
      applyMigrations(url, migrationsDir(s), (e) => progress.info(`  ${s.name}: ${e.migration} (${e.index}/${e.total})`)),
    );
    progress.done(messages.db.migrated(s.name, res.applied.length));
    out.push({ service: s.name, database: databaseName(url), created: res.created, applied: res.applied });
  }
  return out;
}

export interface StatusEntry {
  service: string;
  database: string;
  exists: boolean;
  applied: { name: string; appliedAt: string | null }[];
  pending: string[];
  modified: string[];
  unknown: string[];
  upToDate: boolean;
}

async function databaseExists(url: string): Promise<boolean> {
  const { databaseName, withDatabase } = kernelDb();
  const c = new pg.Client({ connectionString: withDatabase(url, 'postgres') });
  await c.connect();
  try {
    return !!(await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [databaseName(url)])).rowCount;
  } finally {
    await c.end();
  }
}

export async function status(subgraphs: Subgraph[], target: DatabaseTarget): Promise<StatusEntry[]> {
  const { migrationStatus, databaseName } = kernelDb();
  const out: StatusEntry[] = [];
  for (const s of subgraphs) {
    const url = databaseUrlFor(s.name, target);
    const exists = await reachable(url, () => databaseExists(url));
    if (!exists) {
      const names = fs.existsSync(migrationsDir(s))
        ? fs
            .readdirSync(migrationsDir(s))
            .filter((n) => fs.existsSync(path.join(migrationsDir(s), n, 'migration.sql')))
            .sort()
        : [];
      out.push({
        service: s.name,
        database: databaseName(url),
        exists,
        applied: [],
        pending: names,
        modified: [],
        unknown: [],
        upToDate: names.length === 0,
      });
      continue;
    }
    const st = await reachable(url, () => migrationStatus(url, migrationsDir(s)));
    out.push({
      service: s.name,
      database: databaseName(url),
      exists,
      applied: st.applied.map((m) => ({ name: m.name, appliedAt: m.appliedAt ? new Date(m.appliedAt).toISOString() : null })),
      pending: st.pending.map((m) => m.name),
      modified: st.modified,
      unknown: st.unknown,
      upToDate: st.pending.length === 0 && st.modified.length === 0,
    });
  }
  return out;
}

/** Bookkeeping tables that do not make a database "not empty". */
const INFRA_TABLES = new Set(['_prisma_migrations', 'outbox_event', 'processed_event']);

/** True when every domain table of the database is empty. */
export async function isEmpty(url: string): Promise<boolean> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const { rows } = await c.query<{ t: string }>(
      "SELECT quote_ident(table_schema) || '.' || quote_ident(table_name) AS t, table_name FROM information_schema.tables WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema')",
    );
    for (const r of rows as { t: string; table_name: string }[]) {
      if (INFRA_TABLES.has(r.table_name)) continue;
      if ((await c.query(`SELECT 1 FROM ${r.t} LIMIT 1`)).rowCount) return false;
    }
    return true;
  } finally {
    await c.end();
  }
}

export interface SeedCredential {
  label: string;
  email: string;
  password: string;
}

export interface SeedEntry {
  service: string;
  seeded: boolean;
  /** no-seed: the subgraph has no prisma/seed.ts; not-empty: it already has data (use --force). */
  skipped?: 'no-seed' | 'not-empty';
  credentials: SeedCredential[];
}

export async function seed(
  subgraphs: Subgraph[],
  target: DatabaseTarget,
  progress: Progress,
  opts: { force?: boolean } = {},
): Promise<SeedEntry[]> {
  const out: SeedEntry[] = [];
  const script = path.join(__dirname, '..', 'scripts', 'run-seed.ts');
  for (const s of subgraphs) {
    if (!fs.existsSync(path.join(s.dir, 'prisma', 'seed.ts'))) {
      out.push({ service: s.name, seeded: false, skipped: 'no-seed', credentials: [] });
      continue;
    }
    const url = databaseUrlFor(s.name, target);
    if (!opts.force && !(await reachable(url, () => isEmpty(url)))) {
      progress.info(messages.db.seedSkipped(s.name));
      out.push({ service: s.name, seeded: false, skipped: 'not-empty', credentials: [] });
      continue;
    }
    progress.start(messages.db.seeding(s.name));
    const res = await runTsScript<{ credentials?: SeedCredential[] }>(script, {
      cwd: s.dir,
      env: { ...serviceEnv(s, target), LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn' },
      onLog: (line) => progress.info(`  ${s.name}: ${line}`),
      label: `${s.name} seed`,
    });
    progress.done();
    out.push({ service: s.name, seeded: true, credentials: res?.credentials ?? [] });
  }
  return out;
}

export async function reset(subgraphs: Subgraph[], target: DatabaseTarget, progress: Progress): Promise<string[]> {
  const { dropDatabase, databaseName } = kernelDb();
  const dropped: string[] = [];
  for (const s of subgraphs) {
    const url = databaseUrlFor(s.name, target);
    progress.start(messages.db.resetting(s.name));
    await reachable(url, () => dropDatabase(url));
    progress.done();
    dropped.push(databaseName(url));
  }
  return dropped;
}
