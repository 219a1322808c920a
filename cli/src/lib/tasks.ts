/**
 * Runs a task a subgraph provides (src/tasks/<name>.ts) as a child process with the service's
 * environment. The CLI never imports subgraph code: the task prints its JSON result on stdout and
 * exits 0; anything on stderr is its log. Exit 2 from a task means bad input, 3 an unreachable service.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { CliError, ExitCode, type ExitCodeValue } from './errors';
import { messages } from './messages';
import { databaseTarget, serviceEnv } from './env';
import { findRoot, selectSubgraphs, type Subgraph } from './project';

export interface TaskOptions {
  /** Arguments after the script path. Pass secrets through `input` or env, never here (they show in `ps`). */
  args?: string[];
  /** Written to the task's stdin as JSON, then stdin is closed. */
  input?: unknown;
  /** Extra environment on top of the service's. */
  env?: NodeJS.ProcessEnv;
  /** Receives the task's stderr lines (default: forwarded to our stderr). */
  onLog?: (line: string) => void;
  root?: string;
}

/** Spawns `node -r tsx/cjs <script>` in `cwd` and returns its parsed JSON stdout. */
export function runTsScript<T>(
  script: string,
  opts: { cwd: string; env: NodeJS.ProcessEnv; args?: string[]; input?: unknown; onLog?: (line: string) => void; label: string },
): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-r', 'tsx/cjs', script, ...(opts.args ?? [])], {
      cwd: opts.cwd,
      env: opts.env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderrTail = '';
    let pending = '';
    const log = opts.onLog ?? ((line: string) => process.stderr.write(line + '\n'));
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => {
      const text = d.toString('utf8');
      stderrTail = (stderrTail + text).slice(-2000);
      pending += text;
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) if (line.trim()) log(line);
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (pending.trim()) log(pending);
      if (code !== 0) {
        const exit: ExitCodeValue = code === 2 ? ExitCode.usage : code === 3 ? ExitCode.unreachable : ExitCode.failed;
        const lastLine = stderrTail.trim().split('\n').slice(-3).join(' ').slice(0, 600);
        reject(
          new CliError(`${opts.label} failed (exit ${code ?? 'signal'})${lastLine ? `: ${lastLine}` : ''}`, { code: 'TASK_FAILED', exit }),
        );
        return;
      }
      const text = stdout.trim();
      if (!text) return resolve(undefined as T);
      try {
        resolve(JSON.parse(text) as T);
      } catch {
        // Tolerate stray lines before the result: the last line must be the JSON.
        try {
          resolve(JSON.parse(text.split('\n').pop() ?? '') as T);
        } catch {
          reject(new CliError(`${opts.label} did not print JSON on stdout.`, { code: 'TASK_BAD_OUTPUT' }));
        }
      }
    });
    if (opts.input !== undefined) child.stdin.end(JSON.stringify(opts.input));
    else child.stdin.end();
  });
}

/**
 * Runs `subgraphs/<service>/src/tasks/<task>.ts` with the service's environment (DATABASE_URL and the
 * rest, as `ecomify dev` would give it) and returns its JSON result.
 */
export async function runSubgraphTask<T = unknown>(service: string, task: string, opts: TaskOptions = {}): Promise<T> {
  const root = opts.root ?? findRoot();
  const [subgraph] = selectSubgraphs(root, service);
  return runTaskIn<T>(subgraph, root, task, opts);
}

export async function runTaskIn<T>(subgraph: Subgraph, root: string, task: string, opts: TaskOptions = {}): Promise<T> {
  const script = path.join(subgraph.dir, 'src', 'tasks', `${task}.ts`);
  if (!fs.existsSync(script)) {
    throw new CliError(messages.taskMissing(subgraph.name, task), { code: 'TASK_NOT_FOUND', exit: ExitCode.usage });
  }
  const env = { ...serviceEnv(subgraph, databaseTarget(root)), LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn', ...opts.env };
  try {
    return await runTsScript<T>(script, {
      cwd: subgraph.dir,
      env,
      args: opts.args,
      input: opts.input,
      onLog: opts.onLog,
      label: `${subgraph.name} task "${task}"`,
    });
  } catch (err) {
    if (err instanceof CliError && !err.options.hint) err.options.hint = messages.taskHint;
    throw err;
  }
}
