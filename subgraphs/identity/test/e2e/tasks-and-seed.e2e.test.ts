// The task scripts the CLI runs (create-user, list-users, rotate-keys) as real child processes, and the seed.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { DEMO_USERS, seed } from '../../prisma/seed';
import { createHarness, doc, root, type Harness } from '../support/harness';

let h: Harness;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  h = await createHarness('tasks');
  env = {
    ...process.env,
    ECOMIFY_ENV: 'test',
    DATABASE_URL: h.url,
    REDIS_URL: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379',
    ARGON2_MEMORY_KIB: '1024',
    ARGON2_ITERATIONS: '1',
    LOG_LEVEL: 'warn',
  };
});

afterAll(async () => {
  await h?.close();
});

function task(name: string, args: string[] = [], stdin?: unknown) {
  const res = spawnSync(process.execPath, ['-r', 'tsx/cjs', path.join(root, 'src', 'tasks', `${name}.ts`), ...args], {
    cwd: root,
    env,
    input: stdin === undefined ? '' : JSON.stringify(stdin),
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: res.status, json: res.stdout.trim() ? JSON.parse(res.stdout.trim().split('\n').pop()!) : undefined, stderr: res.stderr };
}

describe('identity tasks', () => {
  it('creates a verified user with a role from stdin JSON, who can sign in', async () => {
    const created = task('create-user', [], { email: 'Ops@Example.com', role: 'PLATFORM_ADMIN', password: 'operator passphrase' });
    expect(created.status).toBe(0);
    expect(created.json).toEqual({ id: expect.any(String), email: 'ops@example.com', roles: ['PLATFORM_ADMIN'] });
    expect(created.stderr).not.toContain('operator passphrase');
    const signedIn = await h.signIn('ops@example.com', 'operator passphrase');
    expect(signedIn.user.id).toBe(created.json.id);
  });

  it('generates a password when none is given, and exits 2 on bad input or a taken email', () => {
    const gen = task('create-user', ['--email', 'gen@example.com', '--role', 'MERCHANT']);
    expect(gen.status).toBe(0);
    expect(gen.json.generatedPassword).toHaveLength(24);
    expect(task('create-user', ['--email', 'x@example.com', '--role', 'KING']).status).toBe(2);
    expect(task('create-user', [], { email: 'weak@example.com', role: 'CUSTOMER', password: '1234567890' }).status).toBe(2);
    const dup = task('create-user', ['--email', 'gen@example.com', '--role', 'MERCHANT']);
    expect(dup.status).toBe(2);
    expect(dup.stderr).toMatch(/already exists/);
  });

  it('lists users with roles, filtered by role', () => {
    const all = task('list-users');
    expect(all.status).toBe(0);
    expect(all.json.total).toBeGreaterThanOrEqual(2);
    const merchants = task('list-users', ['--role', 'MERCHANT']);
    expect(merchants.json.users.map((u: { email: string }) => u.email)).toEqual(['gen@example.com']);
    expect(merchants.json.users[0]).toMatchObject({ roles: ['MERCHANT'], emailVerified: true, mfaEnabled: false, locked: false });
  });

  it('rotates the signing key without signing anyone out', async () => {
    const before = await h.signIn('ops@example.com', 'operator passphrase');
    const rotated = task('rotate-keys');
    expect(rotated.status).toBe(0);
    expect(rotated.json).toEqual({ kid: expect.any(String), activatesAt: expect.any(String), retired: expect.any(Array) });
    h.runtime.keys.invalidate();
    const jwks = (await (await h.app.fetch('http://x/.well-known/jwks.json')).json()) as { keys: { kid: string }[] };
    expect(jwks.keys.map((k) => k.kid)).toContain(rotated.json.kid);
    expect((await h.call(doc('me'), {}, { token: before.accessToken })).data.me.id).toBe(before.user.id);
    expect(await h.db.auditEvent.count({ where: { action: 'SIGNING_KEY_ROTATED' } })).toBe(1);
  });
});

describe('identity seed', () => {
  it('creates the three demo users once and returns their credentials every time', async () => {
    const logs: string[] = [];
    const first = await seed({ databaseUrl: env.DATABASE_URL!, log: (m) => logs.push(m) });
    expect(first.credentials?.map((c) => c.email)).toEqual(['admin@ecomify.local', 'merchant@ecomify.local', 'customer@ecomify.local']);
    const second = await seed({ databaseUrl: env.DATABASE_URL!, log: (m) => logs.push(m) });
    expect(second).toEqual(first);
    expect(logs.filter((l) => l.includes('already exists'))).toHaveLength(3);
    for (const demo of DEMO_USERS) {
      const signedIn = await h.signIn(demo.email, demo.password);
      expect(signedIn.user).toMatchObject({ roles: [demo.role] });
    }
  });
});
