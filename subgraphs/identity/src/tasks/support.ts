// What identity's task scripts share: a context on the service's own database (DATABASE_URL), JSON
// in (stdin, or argv as `--key value`), JSON out on stdout, logs on stderr, and the CLI's exit codes
// (2 bad input, 3 unreachable service, 1 anything else).
import { randomUUID } from 'node:crypto';
import { createCacheRuntime } from '@ecomify/kernel/cache';
import { createPrismaClient } from '@ecomify/kernel/db';
import { DomainError, ValidationError } from '@ecomify/kernel/errors';
import { createLogger, type Logger } from '@ecomify/kernel/logging';
import { loadIdentityConfig, type IdentityConfig } from '../config';
import type { IdentityContext } from '../context';
import { PrismaClient } from '../generated-client';
import { createIdentityRuntime } from '../runtime';

/** Parses `--key value` / `--flag` pairs; a value of JSON on stdin wins over nothing, argv wins over stdin. */
export async function readInput(argv = process.argv.slice(2)): Promise<Record<string, unknown>> {
  const fromStdin = process.stdin.isTTY
    ? ''
    : await new Promise<string>((resolve) => {
        let text = '';
        process.stdin.setEncoding('utf8');
        process.stdin.on('data', (d) => (text += d));
        process.stdin.on('end', () => resolve(text));
      });
  let input: Record<string, unknown> = {};
  if (fromStdin.trim()) {
    try {
      input = JSON.parse(fromStdin) as Record<string, unknown>;
    } catch {
      throw new ValidationError('stdin must be a JSON object.', [{ path: ['stdin'], message: 'is not JSON' }]);
    }
  }
  for (let i = 0; i < argv.length; i++) {
    const m = /^--([a-zA-Z][\w-]*)(?:=(.*))?$/.exec(argv[i]);
    if (!m) continue;
    const key = m[1].replace(/-([a-z])/g, (_s, c: string) => c.toUpperCase());
    if (m[2] !== undefined) input[key] = m[2];
    else if (argv[i + 1] !== undefined && !argv[i + 1].startsWith('--')) input[key] = argv[++i];
    else input[key] = true;
  }
  return input;
}

/**
 * An identity context acting as the operator (no principal) on the service's own database, as the
 * CLI's tasks and the demo seed use it. `close` releases the database and cache connections.
 */
export async function openOperatorContext(opts: {
  config: IdentityConfig;
  databaseUrl: string;
  logger: Logger;
  agent: string;
}): Promise<{ ctx: IdentityContext; close(): Promise<void> }> {
  const handle = createPrismaClient(PrismaClient, { url: opts.databaseUrl, poolSize: 2, applicationName: opts.agent.replace(/\W+/g, '-') });
  const cache = await createCacheRuntime({ config: opts.config, service: 'identity', logger: opts.logger });
  const runtime = createIdentityRuntime({
    db: handle.prisma,
    config: opts.config,
    rateLimiter: cache.rateLimiter,
    revocations: cache.revocations,
  });
  const ctx: IdentityContext = {
    requestId: randomUUID(),
    correlationId: randomUUID(),
    logger: opts.logger,
    principal: null,
    storeId: null,
    memo: new Map(),
    db: handle.prisma,
    identity: runtime,
    ipAddress: null,
    userAgent: opts.agent,
  };
  return {
    ctx,
    async close() {
      await cache.close();
      await handle.close();
    },
  };
}

/** Runs a task with an identity context acting as the operator, prints its result, sets the exit code. */
export async function runTask<T>(name: string, task: (ctx: IdentityContext, input: Record<string, unknown>) => Promise<T>): Promise<void> {
  const logger = createLogger(`identity-task-${name}`, { level: process.env.LOG_LEVEL ?? 'warn', destination: process.stderr as never });
  let exit = 0;
  let close: (() => Promise<void>) | undefined;
  try {
    const config = loadIdentityConfig();
    if (!config.DATABASE_URL) throw new ValidationError('DATABASE_URL is not set: run this through `ecomify`, which sets it.', []);
    const operator = await openOperatorContext({ config, databaseUrl: config.DATABASE_URL, logger, agent: `ecomify-cli/${name}` });
    close = operator.close;
    const ctx = operator.ctx;
    const result = await task(ctx, await readInput());
    process.stdout.write(JSON.stringify(result) + '\n');
  } catch (err) {
    const e = err as Error & { code?: string };
    exit =
      err instanceof ValidationError || (err instanceof DomainError && err.code === 'CONFLICT')
        ? 2
        : /ECONNREFUSED|ENOTFOUND|ETIMEDOUT/.test(`${e.code} ${e.message}`)
          ? 3
          : 1;
    const detail =
      err instanceof ValidationError && err.fieldErrors.length
        ? ` (${err.fieldErrors.map((f) => `${f.path.join('.')}: ${f.message}`).join('; ')})`
        : '';
    process.stderr.write(`identity ${name}: ${e.message}${detail}\n`);
  } finally {
    await close?.().catch(() => undefined);
  }
  process.exit(exit);
}
