/**
 * Child-process entry (cwd = a subgraph folder, env = the service's): runs prisma/seed.ts's
 * `seed({ databaseUrl, log })` and prints its result as JSON on stdout; its log lines go to stderr.
 */
import path from 'node:path';

async function main(): Promise<void> {
  const mod = require(path.join(process.cwd(), 'prisma', 'seed.ts')) as {
    seed?: (ctx: { databaseUrl: string; log: (msg: string) => void }) => Promise<unknown>;
  };
  if (typeof mod.seed !== 'function') throw new Error('prisma/seed.ts does not export `async function seed(ctx)`');
  const result = (await mod.seed({ databaseUrl: process.env.DATABASE_URL!, log: (msg) => process.stderr.write(`${msg}\n`) })) ?? {};
  process.stdout.write(JSON.stringify(result) + '\n');
}

main().then(
  () => process.exit(0),
  (err) => {
    process.stderr.write(`${(err as Error).stack ?? err}\n`);
    process.exit(1);
  },
);
