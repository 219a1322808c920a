import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { applyMigrations, dropDatabase, migrationStatus } from '../../src/db';
import { testDatabaseUrl } from '../../src/testing';

describe('migration runner', () => {
  const url = testDatabaseUrl('kernel_migrate');
  let dir: string;

  beforeAll(async () => {
    await dropDatabase(url);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ecomify-mig-'));
    fs.mkdirSync(path.join(dir, '0001_init'));
    fs.writeFileSync(path.join(dir, '0001_init', 'migration.sql'), 'CREATE TABLE thing (id text primary key);');
  });

  afterAll(async () => {
    await dropDatabase(url);
  });

  it('creates the database, applies pending migrations once and reports status', async () => {
    const first = await applyMigrations(url, dir);
    expect(first).toMatchObject({ applied: ['0001_init'], created: true });
    const again = await applyMigrations(url, dir);
    expect(again.applied).toEqual([]);
    fs.mkdirSync(path.join(dir, '0002_more'));
    fs.writeFileSync(path.join(dir, '0002_more', 'migration.sql'), 'ALTER TABLE thing ADD COLUMN name text;');
    const status = await migrationStatus(url, dir);
    expect(status.applied.map((m) => m.name)).toEqual(['0001_init']);
    expect(status.pending.map((m) => m.name)).toEqual(['0002_more']);
    await applyMigrations(url, dir);
    expect((await migrationStatus(url, dir)).pending).toEqual([]);
  });

  it('rolls a failing migration back completely and names it', async () => {
    fs.mkdirSync(path.join(dir, '0003_broken'));
    fs.writeFileSync(path.join(dir, '0003_broken', 'migration.sql'), 'CREATE TABLE half (id text); SELECT * FROM no_such_table;');
    await expect(applyMigrations(url, dir)).rejects.toThrow(/0003_broken failed and was rolled back/);
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    const { rows } = await c.query(`SELECT to_regclass('half') AS t`);
    await c.end();
    expect(rows[0].t).toBeNull();
    expect((await migrationStatus(url, dir)).pending.map((m) => m.name)).toEqual(['0003_broken']);
    fs.rmSync(path.join(dir, '0003_broken'), { recursive: true });
  });

  it('detects a migration edited after it was applied', async () => {
    fs.appendFileSync(path.join(dir, '0001_init', 'migration.sql'), '\n-- edited');
    expect((await migrationStatus(url, dir)).modified).toEqual(['0001_init']);
  });
});
