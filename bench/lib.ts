/**
 * Benchmark harness: starts the real processes (subgraphs and gateway, as `ecomify dev` would) against
 * bench databases on the configured PostgreSQL, drives load with autocannon from this process, and
 * records rps, latency percentiles, errors and each process's RSS.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import autocannon from 'autocannon';
import { applyMigrations, dropDatabase, withDatabase } from '@ecomify/kernel/db';

export const ROOT = path.resolve(__dirname, '..');
export const SERVER_URL =
  process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
export const DURATION = Number(process.env.BENCH_DURATION ?? 10);
export const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);

export interface Target {
  label: string;
  url: string;
  body: string;
  headers?: Record<string, string>;
  /** Checked once before load so a broken query is not benchmarked as fast errors. */
  validate?: (json: any) => void;
}

export interface LoadResult {
  label: string;
  rps: number;
  p50: number;
  p95: number;
  p99: number;
  errors: number;
  non2xx: number;
  requests: number;
}

export interface Proc {
  name: string;
  child: ChildProcess;
  port: number;
  rssMb(): number;
}

export function rssMbOf(pid: number | undefined): number {
  if (!pid) return 0;
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
    return Math.round(kb / 102.4) / 10;
  } catch {
    return 0;
  }
}

export function benchDatabaseUrl(service: string): string {
  return withDatabase(SERVER_URL, `ecomify_bench_${service}`);
}

/** Fresh, migrated bench database for a subgraph. */
export async function freshDatabase(service: string): Promise<string> {
  const url = benchDatabaseUrl(service);
  await dropDatabase(url);
  await applyMigrations(url, path.join(ROOT, 'subgraphs', service, 'prisma', 'migrations'));
  return url;
}

const procs: Proc[] = [];

async function waitReady(url: string, name: string, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${name} exited during start-up:\n${log()}`);
    try {
      const res = await fetch(url);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${name} not ready after 60s:\n${log()}`);
}

/** Starts a process (subgraph or gateway) and waits for its /readyz. */
export async function startProcess(name: string, cwd: string, entry: string, port: number, env: Record<string, string>): Promise<Proc> {
  let output = '';
  const child = spawn(process.execPath, ['-r', 'tsx/cjs', entry], {
    cwd,
    env: { ...process.env, PORT: String(port), LOG_LEVEL: 'warn', ECOMIFY_ENV: 'development', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (d) => (output = (output + d).slice(-8000)));
  child.stderr!.on('data', (d) => (output = (output + d).slice(-8000)));
  const proc: Proc = { name, child, port, rssMb: () => rssMbOf(child.pid) };
  procs.push(proc);
  await waitReady(`http://127.0.0.1:${port}/readyz`, name, child, () => output);
  return proc;
}

export async function stopAll(): Promise<void> {
  await Promise.all(
    procs.splice(0).map(
      (p) =>
        new Promise<void>((resolve) => {
          if (p.child.exitCode !== null) return resolve();
          p.child.once('exit', () => resolve());
          p.child.kill('SIGTERM');
          setTimeout(() => p.child.kill('SIGKILL'), 5000).unref();
        }),
    ),
  );
}

/** Sends one request and runs the target's validation, so only working queries are measured. */
export async function check(target: Target): Promise<void> {
  const res = await fetch(target.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...target.headers },
    body: target.body,
  });
  const json = await res.json();
  if (!res.ok || json.errors) throw new Error(`${target.label}: ${res.status} ${JSON.stringify(json).slice(0, 500)}`);
  target.validate?.(json);
}

/** Runs autocannon against a target; p95 is computed from every response time. */
export async function load(target: Target, opts: { duration?: number; connections?: number } = {}): Promise<LoadResult> {
  await check(target);
  const times: number[] = [];
  let finish!: (r: autocannon.Result) => void;
  let fail!: (e: unknown) => void;
  const done = new Promise<autocannon.Result>((resolve, reject) => ((finish = resolve), (fail = reject)));
  const instance = autocannon(
    {
      url: target.url,
      method: 'POST',
      headers: { 'content-type': 'application/json', ...target.headers },
      body: target.body,
      duration: opts.duration ?? DURATION,
      connections: opts.connections ?? CONNECTIONS,
    },
    (err, res) => (err ? fail(err) : finish(res)),
  );
  instance.on('response', (_client, _status, _bytes, responseTime) => times.push(responseTime));
  const result = await done;
  times.sort((a, b) => a - b);
  const pct = (p: number) =>
    times.length ? Math.round(times[Math.min(times.length - 1, Math.floor((p / 100) * times.length))] * 100) / 100 : 0;
  return {
    label: target.label,
    rps: Math.round(result.requests.average),
    p50: pct(50),
    p95: pct(95),
    p99: pct(99),
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
    requests: result.requests.total,
  };
}

export interface ScenarioReport {
  scenario: string;
  description: string;
  date: string;
  machine: string;
  duration: number;
  connections: number;
  results: LoadResult[];
  rssMb: Record<string, { idle: number; afterLoad: number }>;
  notes: Record<string, string | number>;
}

export function writeReport(report: ScenarioReport): string {
  const dir = path.join(ROOT, 'bench', 'results');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${report.scenario}.json`);
  fs.writeFileSync(file, JSON.stringify(report, null, 2) + '\n');
  const lines = [
    `## ${report.scenario} (${report.date})`,
    '',
    report.description,
    '',
    `${report.duration}s per target, ${report.connections} connections, ${report.machine}`,
    '',
    '| target | req/s | p50 ms | p95 ms | p99 ms | errors | non-2xx |',
    '|---|---:|---:|---:|---:|---:|---:|',
    ...report.results.map((r) => `| ${r.label} | ${r.rps} | ${r.p50} | ${r.p95} | ${r.p99} | ${r.errors} | ${r.non2xx} |`),
    '',
    '| process | RSS idle (MB) | RSS after load (MB) |',
    '|---|---:|---:|',
    ...Object.entries(report.rssMb).map(([k, v]) => `| ${k} | ${v.idle} | ${v.afterLoad} |`),
    '',
    ...Object.entries(report.notes).map(([k, v]) => `- ${k}: ${v}`),
    '',
  ];
  fs.writeFileSync(path.join(dir, `${report.scenario}.md`), lines.join('\n'));
  return lines.join('\n');
}

export function machine(): string {
  const os = require('node:os') as typeof import('node:os');
  return `${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, node ${process.version}`;
}
