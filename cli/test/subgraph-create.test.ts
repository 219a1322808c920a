// `subgraph create` into a throwaway copy of the repo: the new subgraph composes, passes schema check
// against the previous supergraph, and its generated tests pass. Also the check's breaking-change path.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { copyRepo, ecomify, randomLetters } from './helpers';

jest.setTimeout(180_000);

let copy: string;
const name = `cli-${randomLetters()}`;
const PG_URL = process.env.TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const dbPrefix = `ecomify_clitest_${randomLetters()}_`;

beforeAll(() => {
  copy = copyRepo();
});

afterAll(async () => {
  if (copy) fs.rmSync(copy, { recursive: true, force: true });
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  try {
    const { rows } = await client.query<{ datname: string }>('SELECT datname FROM pg_database WHERE datname LIKE $1', [`${dbPrefix}%`]);
    for (const r of rows) await client.query(`DROP DATABASE IF EXISTS "${r.datname}" WITH (FORCE)`);
  } finally {
    await client.end();
  }
});

describe('subgraph create, compose and schema check (in a copy of the repo)', () => {
  it('rejects invalid and reserved names with exit 2 before writing anything', async () => {
    const bad = await ecomify(['subgraph', 'create', 'Bad_Name', '--no-install', '--json'], { root: copy });
    expect(bad.code).toBe(2);
    expect(bad.json.error).toMatchObject({ code: 'INVALID_NAME' });
    const reserved = await ecomify(['subgraph', 'create', 'gateway', '--no-install', '--json'], { root: copy });
    expect(reserved.json.error).toMatchObject({ code: 'RESERVED_NAME' });
    expect(fs.existsSync(path.join(copy, 'subgraphs', 'Bad_Name'))).toBe(false);
  });

  it('fails with exit 2 naming the name argument when it is missing under CI', async () => {
    const run = await ecomify(['subgraph', 'create', '--json'], { root: copy });
    expect(run.code).toBe(2);
    expect(run.json.error!.message).toContain('<name>');
  });

  it('generates a subgraph that composes into the supergraph', async () => {
    const run = await ecomify(['subgraph', 'create', name, '--port', '3999', '--no-install', '--json'], { root: copy });
    expect(run.json.error).toBeUndefined();
    expect(run.code).toBe(0);
    expect(run.json.result).toMatchObject({ name, port: 3999, composed: true, routingUrl: 'http://127.0.0.1:3999/graphql' });
    const rover = fs.readFileSync(path.join(copy, 'rover.yaml'), 'utf8');
    expect(rover).toContain(`subgraphs/${name}/schema.graphql`);
    expect(fs.existsSync(path.join(copy, 'shared', 'contracts', 'src', `${name}.ts`))).toBe(true);
    expect(fs.existsSync(path.join(copy, 'subgraphs', name, 'contracts'))).toBe(false);
    const supergraph = fs.readFileSync(path.join(copy, 'supergraph', 'supergraph.graphql'), 'utf8');
    expect(supergraph).toContain(`http://127.0.0.1:3999/graphql`);

    const again = await ecomify(['subgraph', 'create', name, '--no-install', '--json'], { root: copy });
    expect(again.json.error).toMatchObject({ code: 'NAME_TAKEN' });
    const clash = await ecomify(['subgraph', 'create', 'other', '--port', '3999', '--no-install', '--json'], { root: copy });
    expect(clash.json.error).toMatchObject({ code: 'PORT_TAKEN' });
  });

  it("passes the generated subgraph's own tests with no edits", () => {
    const res = spawnSync(process.execPath, [path.join(copy, 'node_modules', 'jest', 'bin', 'jest.js'), `subgraphs/${name}`, '--ci'], {
      cwd: copy,
      encoding: 'utf8',
      env: { ...process.env, CI: 'true' },
      timeout: 180_000,
    });
    expect(`${res.stderr}`).toMatch(/Tests:\s+\d+ passed, \d+ total/);
    expect(res.status).toBe(0);
  });

  it('supergraph compose reprints every subgraph and reports the files', async () => {
    const run = await ecomify(['supergraph', 'compose', '--json'], { root: copy });
    expect(run.code).toBe(0);
    expect(run.json.result.subgraphs).toEqual(
      expect.arrayContaining([{ name, schemaFile: `subgraphs/${name}/schema.graphql`, changed: false }]),
    );
    expect(run.json.result.supergraph).toBe('supergraph/supergraph.graphql');
  });

  it('schema check: removing a client-facing field is BREAKING (exit 1), adding one is SAFE (exit 0)', async () => {
    const supergraph = fs.readFileSync(path.join(copy, 'supergraph', 'supergraph.graphql'), 'utf8');
    const camel = name.replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase());
    const pascal = camel[0].toUpperCase() + camel.slice(1);

    // Baseline with an extra field: the current graph lacks it, as if it were removed.
    const withExtra = supergraph.replace(
      new RegExp(`(type ${pascal}Item\\b[^{]*\\{)`),
      `$1\n  legacyCode: String @join__field(graph: ${name.replace(/-/g, '_').toUpperCase()})`,
    );
    expect(withExtra).not.toBe(supergraph);
    const removedBaseline = path.join(copy, 'baseline-removed.graphql');
    fs.writeFileSync(removedBaseline, withExtra);
    const breaking = await ecomify<any>(['schema', 'check', '--against', removedBaseline, '--no-print-subgraphs', '--json'], {
      root: copy,
    });
    expect(breaking.code).toBe(1);
    expect(breaking.json).toMatchObject({ ok: false, error: { code: 'BREAKING_CHANGES' } });
    expect(breaking.json.result.changes).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ criticality: 'BREAKING', type: 'FIELD_REMOVED', path: `${pascal}Item.legacyCode` }),
      ]),
    );

    // Baseline without a field the current graph has: an addition.
    const without = supergraph.replace(new RegExp(`(type ${pascal}Item\\b[^{]*\\{[^}]*?)\\n\\s*createdAt: DateTime![^\\n]*`), '$1');
    expect(without).not.toBe(supergraph);
    const addedBaseline = path.join(copy, 'baseline-added.graphql');
    fs.writeFileSync(addedBaseline, without);
    const safe = await ecomify<any>(['schema', 'check', '--against', addedBaseline, '--no-print-subgraphs', '--json'], { root: copy });
    expect(safe.code).toBe(0);
    expect(safe.json.ok).toBe(true);
    expect(safe.json.result.safe).toBe(true);
    expect(safe.json.result.changes).toEqual(
      expect.arrayContaining([expect.objectContaining({ criticality: 'SAFE', type: 'FIELD_ADDED', path: `${pascal}Item.createdAt` })]),
    );
  });

  it('db status, migrate and reset drive its own database on the real PostgreSQL', async () => {
    const env = { ECOMIFY_DATABASE_URL: PG_URL, ECOMIFY_DATABASE_PREFIX: dbPrefix };
    const database = `${dbPrefix}${name.replace(/-/g, '_')}`;
    const before = await ecomify<any>(['db', 'status', '--service', name, '--json'], { root: copy, env });
    expect(before.code).toBe(0);
    expect(before.json.result.databases).toEqual([
      expect.objectContaining({ service: name, database, exists: false, pending: ['0001_init'], upToDate: false }),
    ]);

    const migrated = await ecomify<any>(['db', 'migrate', '--service', name, '--json'], { root: copy, env });
    expect(migrated.code).toBe(0);
    expect(migrated.json.result.databases).toEqual([{ service: name, database, created: true, applied: ['0001_init'] }]);

    const after = await ecomify<any>(['db', 'status', '--service', name, '--json'], { root: copy, env });
    expect(after.json.result).toMatchObject({
      upToDate: true,
      databases: [{ exists: true, pending: [], modified: [], applied: [{ name: '0001_init' }] }],
    });

    const reset = await ecomify<any>(['db', 'reset', '--service', name, '--yes', '--json'], { root: copy, env });
    expect(reset.code).toBe(0);
    expect(reset.json.result).toMatchObject({
      dropped: [database],
      databases: [{ applied: ['0001_init'], created: true }],
      seeds: [{ seeded: false, skipped: 'no-seed' }],
    });
  });

  it('db commands exit 3 when PostgreSQL does not answer', async () => {
    const run = await ecomify(['db', 'status', '--json'], {
      root: copy,
      env: { ECOMIFY_DATABASE_URL: 'postgresql://postgres@127.0.0.1:1/postgres' },
    });
    expect(run.code).toBe(3);
    expect(run.json.error).toMatchObject({ code: 'DATABASE_UNREACHABLE' });
  });

  it('schema check: an unknown baseline is a usage error (exit 2)', async () => {
    const run = await ecomify(['schema', 'check', '--against', 'no-such-ref-xyz', '--no-print-subgraphs', '--json'], { root: copy });
    expect(run.code).toBe(2);
    expect(run.json.error).toMatchObject({ code: 'BASELINE_NOT_FOUND' });
  });
});
