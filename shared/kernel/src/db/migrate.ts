/**
 * Applies a subgraph's Prisma migrations (prisma/migrations/<name>/migration.sql) without the Prisma CLI:
 * milliseconds instead of the ~10 s the JS schema engine idles at exit, and it records them in
 * `_prisma_migrations` exactly as `prisma migrate deploy` does, so `prisma migrate status` agrees.
 */
import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { ensureDatabase } from './client';

export interface MigrationInfo {
  name: string;
  checksum: string;
  appliedAt: Date | null;
}

export interface MigrationStatus {
  applied: MigrationInfo[];
  pending: MigrationInfo[];
  /** Migrations whose file changed after being applied. */
  modified: string[];
  /** Migrations recorded in the database but missing from disk. */
  unknown: string[];
}

const MIGRATIONS_TABLE = `
CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
  "id" VARCHAR(36) PRIMARY KEY NOT NULL,
  "checksum" VARCHAR(64) NOT NULL,
  "finished_at" TIMESTAMPTZ,
  "migration_name" VARCHAR(255) NOT NULL,
  "logs" TEXT,
  "rolled_back_at" TIMESTAMPTZ,
  "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
  "applied_steps_count" INTEGER NOT NULL DEFAULT 0
)`;

function readMigrations(dir: string): { name: string; sql: string; checksum: string }[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && fs.existsSync(path.join(dir, d.name, 'migration.sql')))
    .map((d) => d.name)
    .sort()
    .map((name) => {
      const sql = fs.readFileSync(path.join(dir, name, 'migration.sql'), 'utf8');
      return { name, sql, checksum: createHash('sha256').update(sql).digest('hex') };
    });
}

async function withClient<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Reports which migrations are applied, pending, modified or unknown. */
export async function migrationStatus(url: string, migrationsDir: string): Promise<MigrationStatus> {
  const onDisk = readMigrations(migrationsDir);
  return withClient(url, async (c) => {
    const { rows: exists } = await c.query(`SELECT to_regclass('"_prisma_migrations"') AS t`);
    const rows: { migration_name: string; checksum: string; finished_at: Date | null }[] = exists[0].t
      ? (
          await c.query(
            'SELECT migration_name, checksum, finished_at FROM "_prisma_migrations" WHERE rolled_back_at IS NULL AND finished_at IS NOT NULL',
          )
        ).rows
      : [];
    const byName = new Map(rows.map((r) => [r.migration_name, r]));
    const applied: MigrationInfo[] = [];
    const pending: MigrationInfo[] = [];
    const modified: string[] = [];
    for (const m of onDisk) {
      const row = byName.get(m.name);
      if (row) {
        applied.push({ name: m.name, checksum: m.checksum, appliedAt: row.finished_at });
        if (row.checksum !== m.checksum) modified.push(m.name);
      } else pending.push({ name: m.name, checksum: m.checksum, appliedAt: null });
    }
    const unknown = rows.map((r) => r.migration_name).filter((n) => !onDisk.some((m) => m.name === n));
    return { applied, pending, modified, unknown };
  });
}

/**
 * Creates the database if needed and applies pending migrations, each in its own transaction,
 * under an advisory lock so replicas starting together do not race.
 */
export async function applyMigrations(
  url: string,
  migrationsDir: string,
  onProgress?: (event: { migration: string; index: number; total: number }) => void,
): Promise<{ applied: string[]; database: string; created: boolean }> {
  const created = await ensureDatabase(url);
  const all = readMigrations(migrationsDir);
  return withClient(url, async (c) => {
    await c.query('SELECT pg_advisory_lock(72707369)');
    try {
      await c.query(MIGRATIONS_TABLE);
      const { rows } = await c.query<{ migration_name: string }>(
        'SELECT migration_name FROM "_prisma_migrations" WHERE rolled_back_at IS NULL AND finished_at IS NOT NULL',
      );
      const done = new Set(rows.map((r) => r.migration_name));
      const pending = all.filter((m) => !done.has(m.name));
      const applied: string[] = [];
      for (const [i, m] of pending.entries()) {
        onProgress?.({ migration: m.name, index: i + 1, total: pending.length });
        try {
          await c.query('BEGIN');
          await c.query(m.sql);
          await c.query(
            'INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, applied_steps_count) VALUES ($1, $2, now(), $3, 1)',
            [randomUUID(), m.checksum, m.name],
          );
          await c.query('COMMIT');
          applied.push(m.name);
        } catch (err) {
          await c.query('ROLLBACK').catch(() => undefined);
          const e = err as Error;
          throw new Error(
            `Migration ${m.name} failed and was rolled back: ${e.message}. Fix the SQL in ${path.join(migrationsDir, m.name, 'migration.sql')} and run the migration again.`,
          );
        }
      }
      return { applied, database: new URL(url).pathname.slice(1), created };
    } finally {
      await c.query('SELECT pg_advisory_unlock(72707369)').catch(() => undefined);
    }
  });
}
