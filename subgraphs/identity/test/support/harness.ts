// Builds the identity app for e2e tests: real PostgreSQL, the real Redis-backed rate limiter and
// revocation list (random namespace), a clock the test moves, and a logger whose every line is kept
// so tests can prove no secret reaches the logs.
import fs from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { createCacheRuntime } from '@ecomify/kernel/cache';
import type { CacheRuntime } from '@ecomify/kernel/cache';
import { createPrismaClient } from '@ecomify/kernel/db';
import { createLogger, type Logger } from '@ecomify/kernel/logging';
import { gql, prepareTestDatabase } from '@ecomify/kernel/testing';
import { authenticator } from 'otplib';
import { createApp } from '../../src/app';
import { loadIdentityConfig } from '../../src/config';
import { PrismaClient } from '../../src/generated-client';
import { createIdentityRuntime } from '../../src/runtime';

export const root = path.join(__dirname, '..', '..');
export const doc = (name: string) => fs.readFileSync(path.join(root, 'test', 'e2e', 'documents', `${name}.graphql`), 'utf8');

/** The strong test password every helper uses unless a test picks another. */
export const PASSWORD = 'correct horse battery staple';

export interface Harness {
  app: ReturnType<typeof createApp>;
  /** The test database's connection URL. */
  url: string;
  db: PrismaClient;
  cache: CacheRuntime;
  runtime: ReturnType<typeof createIdentityRuntime>;
  clock: { now: Date; advance(seconds: number): void };
  /** Every log line written so far. */
  logs: string[];
  /** The app's logger (its lines land in `logs`), for services called directly. */
  logger: Logger;
  /** Every secret a test handled (passwords, tokens, codes): none may appear in `logs`. */
  secrets: Set<string>;
  call<T = any>(
    document: string,
    variables?: Record<string, unknown>,
    opts?: { token?: string; ip?: string; userAgent?: string },
  ): Promise<ReturnType<typeof gql<T>> extends Promise<infer R> ? R : never>;
  /** Registers, verifies and returns a user's id, email and password. */
  newUser(opts?: {
    email?: string;
    password?: string;
    accountType?: 'CUSTOMER' | 'MERCHANT';
  }): Promise<{ id: string; email: string; password: string }>;
  /** Signs in (no MFA) and returns the LoginSuccess. */
  signIn(email: string, password?: string, ip?: string): Promise<{ accessToken: string; refreshToken: string; user: { id: string } }>;
  totp(secret: string): string;
  outbox(subject: string): Promise<{ envelope: any }[]>;
  close(): Promise<void>;
}

export async function createHarness(name: string, env: Record<string, string> = {}): Promise<Harness> {
  const url = await prepareTestDatabase(`identity_${name}`, path.join(root, 'prisma', 'migrations'));
  const handle = createPrismaClient(PrismaClient, { url, poolSize: 4 });
  const logs: string[] = [];
  const destination = new Writable({
    write(chunk, _enc, done) {
      logs.push(String(chunk));
      done();
    },
  });
  const logger = createLogger('identity', { level: 'trace', destination });
  // Light argon2 cost: the suite hashes hundreds of passwords; production parameters are enforced by config.
  const config = loadIdentityConfig({
    ECOMIFY_ENV: 'test',
    DATABASE_URL: url,
    REDIS_URL: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379',
    ARGON2_MEMORY_KIB: '1024',
    ARGON2_ITERATIONS: '1',
    ...env,
  });
  const cache = await createCacheRuntime({ config, service: 'identity', logger, namespace: `test-${randomUUID().slice(0, 8)}` });
  const clock = {
    now: new Date(),
    advance(seconds: number) {
      this.now = new Date(this.now.getTime() + seconds * 1000);
    },
  };
  const runtime = createIdentityRuntime({
    db: handle.prisma,
    config,
    rateLimiter: cache.rateLimiter,
    revocations: cache.revocations,
    now: () => clock.now,
  });
  const app = createApp({ db: handle.prisma, logger, runtime });
  const secrets = new Set<string>();
  let ipCounter = 0;
  // Each helper call gets its own address unless a test names one, so the per-address limit only bites where a test means it to.
  const freshIp = () => `10.${Math.floor(Math.random() * 200)}.${Math.floor(Math.random() * 250)}.${++ipCounter % 250}`;

  const harness: Harness = {
    app,
    url,
    db: handle.prisma,
    cache,
    runtime,
    clock,
    logs,
    logger,
    secrets,
    async call(document, variables = {}, opts = {}) {
      const headers: Record<string, string> = {
        'x-forwarded-for': opts.ip ?? freshIp(),
        'user-agent': opts.userAgent ?? 'jest-e2e/1.0',
      };
      if (opts.token) headers.authorization = `Bearer ${opts.token}`;
      collectSecrets(variables, secrets);
      const res = await gql(app, document, variables, headers);
      collectSecrets(res.data, secrets);
      return res as never;
    },
    async newUser(opts = {}) {
      const email = opts.email ?? `user-${randomUUID().slice(0, 8)}@example.com`;
      const password = opts.password ?? PASSWORD;
      const res = await harness.call(doc('register'), {
        input: { email, password, firstName: 'Ada', lastName: 'Lovelace', accountType: opts.accountType },
      });
      if (res.data?.register.__typename !== 'MutationRegisterSuccess') throw new Error(`register failed: ${JSON.stringify(res)}`);
      return { id: res.data.register.data.id, email: email.trim().toLowerCase(), password };
    },
    async signIn(email, password = PASSWORD, ip) {
      const res = await harness.call(doc('login'), { input: { email, password } }, { ip });
      if (res.data?.login.__typename !== 'LoginSuccess') throw new Error(`login failed: ${JSON.stringify(res)}`);
      return res.data.login;
    },
    totp(secret) {
      const code = authenticator.clone({ epoch: clock.now.getTime() }).generate(secret);
      secrets.add(code);
      return code;
    },
    async outbox(subject) {
      const rows = await handle.prisma.outboxEvent.findMany({ where: { subject }, orderBy: { createdAt: 'asc' } });
      for (const r of rows) {
        const data = (r.envelope as { data?: { token?: string } }).data;
        if (data?.token) secrets.add(data.token);
      }
      return rows as never;
    },
    async close() {
      await cache.close();
      await handle.close();
    },
  };
  return harness;
}

// Field names whose values are secrets in requests and responses.
const SECRET_KEYS = new Set([
  'password',
  'newPassword',
  'accessToken',
  'refreshToken',
  'token',
  'challenge',
  'code',
  'secret',
  'recoveryCodes',
  'otpauthUri',
]);

function collectSecrets(value: unknown, into: Set<string>, key?: string): void {
  if (value == null) return;
  if (typeof value === 'string') {
    if (key && SECRET_KEYS.has(key) && value.length >= 6) into.add(value);
    return;
  }
  if (Array.isArray(value)) {
    for (const v of value) collectSecrets(v, into, key);
    return;
  }
  if (typeof value === 'object') for (const [k, v] of Object.entries(value)) collectSecrets(v, into, k);
}

/** Secrets that appear in captured log output (should be none). */
export function leakedSecrets(h: Harness): string[] {
  const text = h.logs.join('\n');
  return [...h.secrets].filter((s) => text.includes(s));
}
