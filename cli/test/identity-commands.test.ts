// Identity administration as an operator runs it: `ecomify user create|list` and `ecomify keys rotate`
// through the real binary, against a real identity database (IDENTITY_DATABASE_URL).
import { spawn } from 'node:child_process';
import path from 'node:path';
import pg from 'pg';
import { prepareTestDatabase } from '@ecomify/kernel/testing';
import { ecomify, REPO, type Run } from './helpers';

jest.setTimeout(120_000);

let env: Record<string, string>;
let url: string;

beforeAll(async () => {
  url = await prepareTestDatabase('cli_identity', path.join(REPO, 'subgraphs', 'identity', 'prisma', 'migrations'));
  // Light argon2 cost keeps the suite fast; production refuses these values.
  env = { IDENTITY_DATABASE_URL: url, ARGON2_MEMORY_KIB: '1024', ARGON2_ITERATIONS: '1' };
});

/** Runs the binary with `input` piped to stdin (what --password-stdin reads). */
function withStdin(args: string[], input: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(REPO, 'cli', 'bin', 'run.js'), ...args], {
      cwd: REPO,
      env: { ...process.env, CI: 'true', ECOMIFY_ROOT: REPO, ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr, json: JSON.parse(stdout) }));
    child.stdin.end(input);
  });
}

async function passwordHashOf(email: string): Promise<string> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const { rows } = await c.query('SELECT password_hash FROM "user" WHERE email = $1', [email]);
    return rows[0]?.password_hash;
  } finally {
    await c.end();
  }
}

it('creates an admin with a generated password shown once, and refuses the same email again', async () => {
  const created = await ecomify(['user', 'create', '--email', 'Ops@Example.com', '--role', 'PLATFORM_ADMIN', '--json'], { env });
  expect(created.code).toBe(0);
  expect(created.json.result).toMatchObject({ email: 'ops@example.com', roles: ['PLATFORM_ADMIN'], generatedPassword: expect.any(String) });
  expect(created.json.result.generatedPassword.length).toBeGreaterThanOrEqual(16);

  const again = await ecomify(['user', 'create', '--email', 'ops@example.com', '--role', 'MERCHANT', '--json'], { env });
  expect(again.code).toBe(2);
  expect(again.json.ok).toBe(false);
});

it('takes a password from stdin, hashes it, and never echoes it', async () => {
  const password = 'piped-in-secret-password-77';
  const created = await withStdin(
    ['user', 'create', '--email', 'merchant@example.com', '--role', 'MERCHANT', '--password-stdin', '--json'],
    password,
  );
  expect(created.code).toBe(0);
  expect(created.json.result).toMatchObject({ email: 'merchant@example.com', roles: ['MERCHANT'] });
  expect(created.json.result.generatedPassword).toBeUndefined();
  expect(created.stdout + created.stderr).not.toContain(password);
  const hash = await passwordHashOf('merchant@example.com');
  expect(hash).toMatch(/^\$argon2id\$/);
});

it('refuses a password that breaks the policy with a usage error naming the problem', async () => {
  const weak = await withStdin(
    ['user', 'create', '--email', 'weak@example.com', '--role', 'CUSTOMER', '--password-stdin', '--json'],
    'short',
  );
  expect(weak.code).toBe(2);
  expect(weak.json.error?.message).toMatch(/password/i);
});

it('lists users with their roles, without secrets', async () => {
  const listed = await ecomify(['user', 'list', '--json'], { env });
  expect(listed.code).toBe(0);
  const emails = JSON.stringify(listed.json.result);
  expect(emails).toContain('ops@example.com');
  expect(emails).toContain('merchant@example.com');
  expect(emails).not.toMatch(/argon2|passwordHash|password_hash/);
});

it('rotates the signing key', async () => {
  const first = await ecomify(['keys', 'rotate', '--json'], { env });
  expect(first.code).toBe(0);
  const second = await ecomify(['keys', 'rotate', '--json'], { env });
  expect(second.code).toBe(0);
  expect(JSON.stringify(second.json.result)).not.toEqual(JSON.stringify(first.json.result));
  expect(JSON.stringify(second.json.result)).not.toMatch(/PRIVATE|"d":/);
});
