/**
 * Service processes: how each one starts (node -r tsx/cjs <entry>), readiness and health probes,
 * log prefixing, and pid files under .ecomify/run for the background mode of `services start`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { stateDir } from './env';
import type { Service } from './project';

export const runDir = (root: string) => path.join(stateDir(root), 'run');
export const pidFile = (root: string, name: string) => path.join(runDir(root), `${name}.pid`);
export const logFile = (root: string, name: string) => path.join(runDir(root), `${name}.log`);

export function entryOf(service: Service, root: string): { cwd: string; args: string[] } {
  return service.kind === 'gateway'
    ? { cwd: root, args: ['-r', 'tsx/cjs', path.join('supergraph', 'src', 'server.ts')] }
    : { cwd: service.dir, args: ['-r', 'tsx/cjs', path.join('src', 'server.ts')] };
}

/** Starts a service attached to us (for `dev`): output is piped so it can be prefixed. */
export function spawnAttached(service: Service, root: string, env: NodeJS.ProcessEnv): ChildProcess {
  const { cwd, args } = entryOf(service, root);
  return spawn(process.execPath, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Starts a service detached (for `services start`): output to its log file, pid to its pid file. */
export function spawnDetached(service: Service, root: string, env: NodeJS.ProcessEnv): number {
  const { cwd, args } = entryOf(service, root);
  fs.mkdirSync(runDir(root), { recursive: true });
  const out = fs.openSync(logFile(root, service.name), 'a');
  const child = spawn(process.execPath, args, { cwd, env, stdio: ['ignore', out, out], detached: true });
  fs.closeSync(out);
  child.unref();
  fs.writeFileSync(pidFile(root, service.name), String(child.pid));
  return child.pid!;
}

export function isAlive(pid: number | undefined): boolean {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function readPid(root: string, name: string): number | undefined {
  const file = pidFile(root, name);
  if (!fs.existsSync(file)) return undefined;
  const pid = Number(fs.readFileSync(file, 'utf8').trim());
  return Number.isFinite(pid) && pid > 0 ? pid : undefined;
}

/** SIGTERM (to the process group when detached), then SIGKILL after `graceMs`. */
export async function stopPid(pid: number, opts: { group?: boolean; graceMs?: number } = {}): Promise<void> {
  const target = opts.group ? -pid : pid;
  try {
    process.kill(target, 'SIGTERM');
  } catch {
    return;
  }
  const deadline = Date.now() + (opts.graceMs ?? 10_000);
  while (Date.now() < deadline) {
    if (!isAlive(pid)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  try {
    process.kill(target, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

export async function portInUse(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.setTimeout(500);
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => (socket.destroy(), resolve(false)));
  });
}

export async function probe(port: number, route: '/healthz' | '/readyz'): Promise<{ status: number | null; body?: unknown }> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}${route}`, { signal: AbortSignal.timeout(2000) });
    const text = await res.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // Plain-text health answers are fine.
    }
    return { status: res.status, body };
  } catch {
    return { status: null };
  }
}

/** Polls /readyz until it answers 200, the process dies, or time runs out. */
export async function waitReady(port: number, timeoutMs: number, alive: () => boolean): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!alive()) return false;
    if ((await probe(port, '/readyz')).status === 200) return true;
    await new Promise((r) => setTimeout(r, 300));
  }
  return false;
}

const LEVELS: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };
const COLOURS = [36, 35, 33, 32, 34, 91, 92, 93, 94, 95, 96];
const LEVEL_COLOURS: Record<string, number> = { WARN: 33, ERROR: 31, FATAL: 31 };
const OMIT = new Set(['level', 'time', 'msg', 'pid', 'hostname', 'service', 'v', 'name']);

/** One pino JSON line as `hh:mm:ss LEVEL message key=value …`; other lines unchanged. */
export function prettyLine(line: string, colour: boolean): string {
  if (!line.startsWith('{')) return line;
  try {
    const rec = JSON.parse(line) as Record<string, unknown>;
    const level = LEVELS[Number(rec.level)] ?? String(rec.level ?? '');
    const time = rec.time ? new Date(rec.time as string | number).toISOString().slice(11, 19) : '';
    const extra = Object.entries(rec)
      .filter(([k]) => !OMIT.has(k))
      .map(([k, v]) => `${k}=${typeof v === 'object' ? JSON.stringify(v) : String(v)}`)
      .join(' ');
    const lvl = colour && LEVEL_COLOURS[level] ? `\x1b[${LEVEL_COLOURS[level]}m${level.padEnd(5)}\x1b[0m` : level.padEnd(5);
    return `${time} ${lvl} ${String(rec.msg ?? '')}${extra ? `  ${colour ? '\x1b[2m' : ''}${extra}${colour ? '\x1b[0m' : ''}` : ''}`;
  } catch {
    return line;
  }
}

/** Writes a child's output line by line to `out`, each prefixed with the service name. */
export function pipeWithPrefix(child: ChildProcess, name: string, index: number, out: NodeJS.WriteStream, width: number): void {
  const colour = !!out.isTTY && !process.env.NO_COLOR;
  const label = name.padEnd(width);
  const prefix = colour ? `\x1b[${COLOURS[index % COLOURS.length]}m${label} |\x1b[0m ` : `${label} | `;
  for (const stream of [child.stdout, child.stderr]) {
    let pending = '';
    stream?.on('data', (d: Buffer) => {
      pending += d.toString('utf8');
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) if (line) out.write(prefix + prettyLine(line, colour) + '\n');
    });
    stream?.on('end', () => pending && out.write(prefix + prettyLine(pending, colour) + '\n'));
  }
}
