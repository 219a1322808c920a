/**
 * Where the project is and which services it has. Subgraphs are discovered from
 * subgraphs/<folder>/package.json (`"ecomify": { "service", "port" }`); the gateway is supergraph/.
 */
import fs from 'node:fs';
import path from 'node:path';
import { CliError, UsageError } from './errors';
import { messages } from './messages';

export interface Subgraph {
  kind: 'subgraph';
  /** Service name from package.json (also the database suffix and log prefix). */
  name: string;
  port: number;
  dir: string;
  packageName: string;
}

export interface Gateway {
  kind: 'gateway';
  name: 'gateway';
  port: number;
  dir: string;
}

export type Service = Subgraph | Gateway;

export const GATEWAY_PORT = 4000;

function isProjectRoot(dir: string): boolean {
  return fs.existsSync(path.join(dir, 'rover.yaml')) && fs.existsSync(path.join(dir, 'package.json'));
}

/** The project root: ECOMIFY_ROOT, else the nearest folder at or above cwd with rover.yaml, else this CLI's own repository. */
export function findRoot(cwd = process.cwd()): string {
  if (process.env.ECOMIFY_ROOT) return path.resolve(process.env.ECOMIFY_ROOT);
  for (let dir = path.resolve(cwd); ; dir = path.dirname(dir)) {
    if (isProjectRoot(dir)) return dir;
    if (path.dirname(dir) === dir) break;
  }
  const own = path.resolve(__dirname, '..', '..', '..');
  if (isProjectRoot(own)) return own;
  throw new CliError(messages.projectNotFound(cwd), { code: 'PROJECT_NOT_FOUND', exit: 2, hint: messages.projectNotFoundHint });
}

/** Every subgraph, ordered by port (identity first: the others fetch its JWKS). */
export function listSubgraphs(root: string): Subgraph[] {
  const base = path.join(root, 'subgraphs');
  if (!fs.existsSync(base)) return [];
  const found: Subgraph[] = [];
  for (const entry of fs.readdirSync(base, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const pkgPath = path.join(base, entry.name, 'package.json');
    if (!fs.existsSync(pkgPath)) continue;
    let pkg: { name?: string; ecomify?: { service?: string; port?: number } };
    try {
      pkg = JSON.parse(fs.readFileSync(pkgPath, 'utf8'));
    } catch {
      continue;
    }
    if (!pkg.ecomify?.service || !pkg.ecomify.port) continue;
    found.push({
      kind: 'subgraph',
      name: pkg.ecomify.service,
      port: Number(pkg.ecomify.port),
      dir: path.join(base, entry.name),
      packageName: pkg.name ?? entry.name,
    });
  }
  return found.sort((a, b) => a.port - b.port);
}

export function gateway(root: string): Gateway {
  return { kind: 'gateway', name: 'gateway', port: Number(process.env.GATEWAY_PORT ?? GATEWAY_PORT), dir: path.join(root, 'supergraph') };
}

/** The subgraphs a `--service` flag selects (all when unset). */
export function selectSubgraphs(root: string, service?: string): Subgraph[] {
  const all = listSubgraphs(root);
  if (!service) return all;
  const match = all.find((s) => s.name === service);
  if (!match)
    throw new UsageError(
      messages.unknownService(
        service,
        all.map((s) => s.name),
      ),
      messages.unknownServiceHint,
      'UNKNOWN_SERVICE',
    );
  return [match];
}

/** `gift-cards` → `GIFT_CARDS`, the prefix of per-service environment variables. */
export function envPrefix(service: string): string {
  return service.replace(/-/g, '_').toUpperCase();
}

/**
 * `gift-cards` → `ecomify_gift_cards`. ECOMIFY_DATABASE_PREFIX changes the prefix so several checkouts
 * (or test runs) can share one PostgreSQL server.
 */
export function databaseNameFor(service: string, env: NodeJS.ProcessEnv = process.env): string {
  return `${env.ECOMIFY_DATABASE_PREFIX ?? 'ecomify_'}${service.replace(/-/g, '_')}`;
}
