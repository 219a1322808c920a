/**
 * What `dev` and `services start` share before any service runs: the database (embedded or
 * configured), the platform database, migrations, seeds of empty databases and a fresh supergraph.
 */
import fs from 'node:fs';
import path from 'node:path';
import { CliError } from './errors';
import { composeSupergraph, supergraphIsStale } from './compose';
import { databaseTarget, platformDatabaseUrl, redactUrl, stateDir, type DatabaseTarget } from './env';
import { migrate, reachable, seed, type SeedCredential } from './db';
import { messages } from './messages';
import type { Progress } from './progress';
import { listSubgraphs, type Subgraph } from './project';
import { embeddedPaths, startEmbedded, stopEmbedded } from './postgres';

export interface Prepared {
  target: DatabaseTarget;
  subgraphs: Subgraph[];
  /** True when this call started the embedded PostgreSQL (so it should stop it). */
  startedPostgres: boolean;
  credentials: (SeedCredential & { service: string })[];
  composed: boolean;
}

export async function preparePlatform(
  root: string,
  progress: Progress,
  opts: { seed?: boolean; stopOnFailure?: boolean } = {},
): Promise<Prepared> {
  const state = { startedPostgres: false };
  try {
    return await prepare(root, progress, opts, state);
  } catch (err) {
    // `dev` owns what it started: a failed start must not leave its database running.
    if (opts.stopOnFailure && state.startedPostgres) await stopEmbedded(root);
    throw err;
  }
}

async function prepare(root: string, progress: Progress, opts: { seed?: boolean }, state: { startedPostgres: boolean }): Promise<Prepared> {
  let target = databaseTarget(root);
  let startedPostgres = false;
  if (target.embedded) {
    progress.start(messages.dev.startingPostgres(embeddedPaths(root).dataDir));
    startedPostgres = (await startEmbedded(root)).started;
    state.startedPostgres = startedPostgres;
    target = databaseTarget(root);
    progress.done(messages.dev.postgresReady(redactUrl(target.serverUrl)));
  }
  const subgraphs = listSubgraphs(root);
  if (!process.env.NATS_URL || !process.env.REDIS_URL) {
    const { ensureDatabase } = require('@ecomify/kernel/db') as typeof import('@ecomify/kernel/db');
    const url = platformDatabaseUrl(target);
    await reachable(url, () => ensureDatabase(url));
  }
  await migrate(subgraphs, target, progress);
  const seeds = opts.seed === false ? [] : await seed(subgraphs, target, progress);
  let composed = false;
  if (supergraphIsStale(root)) {
    progress.info(messages.dev.composing);
    const res = await composeSupergraph(root, progress);
    if (!res.ok) {
      for (const e of res.errors) process.stderr.write(`  ${e.code}: ${e.message}\n`);
      throw new CliError(messages.compose.failed(res.errors.length), { code: 'COMPOSITION_FAILED', hint: messages.compose.failedHint });
    }
    composed = true;
  }
  // Seeds run once per database; keep what they printed so later runs can show the demo logins again.
  const file = path.join(stateDir(root), 'credentials.json');
  let credentials = seeds.flatMap((s) => s.credentials.map((c) => ({ ...c, service: s.service })));
  if (credentials.length) fs.writeFileSync(file, JSON.stringify(credentials, null, 2), { mode: 0o600 });
  else if (fs.existsSync(file)) credentials = JSON.parse(fs.readFileSync(file, 'utf8'));
  return {
    target,
    subgraphs,
    startedPostgres,
    credentials,
    composed,
  };
}
