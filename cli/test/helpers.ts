// Runs the real `ecomify` binary and parses its --json envelope; makes throwaway copies of the repo.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const REPO = path.resolve(__dirname, '..', '..');

export interface Run<T = any> {
  code: number | null;
  stdout: string;
  stderr: string;
  json: { schemaVersion: number; command: string; ok: boolean; result?: T; error?: { code: string; message: string; hint?: string } };
}

/** `node <root>/cli/bin/run.js ...args` in `root` (default: this repo), without a TTY and with CI set. */
export function ecomify<T = any>(
  args: string[],
  opts: { root?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<Run<T>> {
  const root = opts.root ?? REPO;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(root, 'cli', 'bin', 'run.js'), ...args], {
      cwd: root,
      env: { ...process.env, CI: 'true', ECOMIFY_ROOT: root, ...opts.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 120_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      let json: Run<T>['json'];
      try {
        json = JSON.parse(stdout);
      } catch {
        return reject(new Error(`ecomify ${args.join(' ')} printed no JSON (exit ${code}).\nstdout: ${stdout}\nstderr: ${stderr}`));
      }
      resolve({ code, stdout, stderr, json });
    });
  });
}

/**
 * A copy of the repository in a temp folder, without .git, .ecomify and node_modules. Its node_modules
 * links every package to the real one except the workspace links (@ecomify/*), which point inside the
 * copy, so code generated there runs against the copy's own kernel and contracts and nothing in the
 * real repository is written.
 */
export function copyRepo(prefix = 'ecomify-cli-'): string {
  const dst = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  // mkdtemp makes it 0700; the embedded PostgreSQL's OS user must be able to reach .ecomify inside it.
  fs.chmodSync(dst, 0o755);
  fs.cpSync(REPO, dst, {
    recursive: true,
    filter: (p) => {
      const rel = path.relative(REPO, p);
      const top = rel.split(path.sep)[0];
      return !(top === 'node_modules' || top === '.git' || top === '.ecomify' || top === '.jest-cache');
    },
  });
  const nm = path.join(dst, 'node_modules');
  fs.mkdirSync(path.join(nm, '@ecomify'), { recursive: true });
  for (const entry of fs.readdirSync(path.join(REPO, 'node_modules'))) {
    if (entry !== '@ecomify') fs.symlinkSync(path.join(REPO, 'node_modules', entry), path.join(nm, entry));
  }
  for (const entry of fs.readdirSync(path.join(REPO, 'node_modules', '@ecomify'))) {
    fs.symlinkSync(fs.readlinkSync(path.join(REPO, 'node_modules', '@ecomify', entry)), path.join(nm, '@ecomify', entry));
  }
  return dst;
}

/** Lowercase letters only: valid in subgraph names and database names alike. */
export function randomLetters(n = 6): string {
  return Array.from({ length: n }, () => String.fromCharCode(97 + Math.floor(Math.random() * 26))).join('');
}
