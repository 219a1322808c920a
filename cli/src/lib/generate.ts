/**
 * `ecomify subgraph create`: renders templates/subgraph into subgraphs/<name> with the name and port
 * tokens replaced in file contents and paths, moves its event contracts into @ecomify/contracts, and
 * registers it in rover.yaml.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { CliError, ExitCode, UsageError } from './errors';
import { messages } from './messages';
import { GATEWAY_PORT, listSubgraphs } from './project';
import { EMBEDDED_PG_PORT } from './env';

const NAME = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
const RESERVED = new Set([
  'all',
  'define',
  'cli',
  'contracts',
  'gateway',
  'graphql',
  'index',
  'kernel',
  'node-modules',
  'platform',
  'postgres',
  'shared',
  'subgraph',
  'subgraphs',
  'supergraph',
  'template',
  'templates',
  'test',
]);
const SKIP = new Set(['node_modules', 'generated']);

export interface Tokens {
  name: string;
  Name: string;
  nameCamel: string;
  name_snake: string;
  NAME: string;
  port: string;
}

export function tokensFor(name: string, port: number): Tokens {
  const parts = name.split('-');
  const pascal = parts.map((p) => p[0].toUpperCase() + p.slice(1)).join('');
  return {
    name,
    Name: pascal,
    nameCamel: pascal[0].toLowerCase() + pascal.slice(1),
    name_snake: parts.join('_'),
    NAME: parts.join('_').toUpperCase(),
    port: String(port),
  };
}

export function render(text: string, tokens: Tokens): string {
  return text.replace(/\{\{(name|Name|nameCamel|name_snake|NAME|port)\}\}/g, (_m, key: keyof Tokens) => tokens[key]);
}

/** Checks the name and port before anything is written; returns the port to use. */
export function validate(root: string, name: string, port?: number): number {
  if (!NAME.test(name) || name.length > 40) throw new UsageError(messages.subgraphCreate.invalidName(name), undefined, 'INVALID_NAME');
  if (RESERVED.has(name)) throw new UsageError(messages.subgraphCreate.reservedName(name), undefined, 'RESERVED_NAME');
  const existing = listSubgraphs(root);
  const rover = YAML.parse(fs.readFileSync(path.join(root, 'rover.yaml'), 'utf8')) as { subgraphs?: Record<string, unknown> } | null;
  if (fs.existsSync(path.join(root, 'subgraphs', name)) || existing.some((s) => s.name === name) || rover?.subgraphs?.[name]) {
    throw new UsageError(messages.subgraphCreate.taken(name), undefined, 'NAME_TAKEN');
  }
  if (fs.existsSync(path.join(root, 'shared', 'contracts', 'src', `${name}.ts`))) {
    throw new UsageError(messages.subgraphCreate.contractTaken(name), undefined, 'NAME_TAKEN');
  }
  const chosen = port ?? Math.max(3000, ...existing.map((s) => s.port)) + 1;
  if (!Number.isInteger(chosen) || chosen < 1024 || chosen > 65535 || chosen === GATEWAY_PORT || chosen === EMBEDDED_PG_PORT) {
    throw new UsageError(messages.subgraphCreate.invalidPort(chosen), undefined, 'INVALID_PORT');
  }
  const clash = existing.find((s) => s.port === chosen);
  if (clash) throw new UsageError(messages.subgraphCreate.portTaken(chosen, clash.name), undefined, 'PORT_TAKEN');
  return chosen;
}

/** Copies the template with tokens replaced; returns the files written, relative to the project root. */
export function renderTemplate(root: string, tokens: Tokens): string[] {
  const from = path.join(root, 'templates', 'subgraph');
  const to = path.join(root, 'subgraphs', tokens.name);
  const written: string[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      if (SKIP.has(entry.name)) continue;
      const src = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        walk(src);
        continue;
      }
      const rel = path.relative(from, src);
      // Contracts belong to @ecomify/contracts, one file per publishing domain.
      const target = rel.startsWith(`contracts${path.sep}`)
        ? path.join(root, 'shared', 'contracts', 'src', render(path.basename(rel), tokens))
        : path.join(to, render(rel, tokens));
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.writeFileSync(target, render(fs.readFileSync(src, 'utf8'), tokens));
      written.push(path.relative(root, target));
    }
  };
  walk(from);
  return written.sort();
}

/** Lists the new domain in @ecomify/contracts' CONTRACT_DOMAINS when that list is present. */
export function registerContractDomain(root: string, name: string): boolean {
  const index = path.join(root, 'shared', 'contracts', 'src', 'index.ts');
  if (!fs.existsSync(index)) return false;
  const text = fs.readFileSync(index, 'utf8');
  const match = /CONTRACT_DOMAINS\s*=\s*\[([^\]]*)\]/.exec(text);
  if (!match) return false;
  const names = [...match[1].matchAll(/'([^']+)'/g)].map((m) => m[1]);
  if (names.includes(name)) return false;
  const list = [...names, name].map((n) => `'${n}'`).join(', ');
  fs.writeFileSync(index, text.replace(match[0], `CONTRACT_DOMAINS = [${list}]`));
  return true;
}

/** Adds the subgraph to rover.yaml, keeping its comments. */
export function registerInRover(root: string, name: string, port: number): void {
  const file = path.join(root, 'rover.yaml');
  const doc = YAML.parseDocument(fs.readFileSync(file, 'utf8'));
  let subgraphs = doc.get('subgraphs');
  if (!YAML.isMap(subgraphs)) {
    subgraphs = doc.createNode({});
    doc.set('subgraphs', subgraphs);
  }
  const map = subgraphs as YAML.YAMLMap;
  map.flow = false;
  map.set(name, doc.createNode({ routing_url: `http://127.0.0.1:${port}/graphql`, schema: { file: `subgraphs/${name}/schema.graphql` } }));
  fs.writeFileSync(file, doc.toString());
}

/** Runs a command, streaming its output to our stderr (progress), failing with the last lines. */
export function runStep(cmd: string, args: string[], cwd: string, label: (detail: string) => string, code: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, env: process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let tail = '';
    const keep = (d: Buffer) => (tail = (tail + d.toString('utf8')).slice(-1500));
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.on('error', (err) => reject(new CliError(label(err.message), { code, exit: ExitCode.failed })));
    child.on('close', (status) => {
      if (status === 0) resolve();
      else reject(new CliError(label(tail.trim().split('\n').slice(-5).join('\n') || `exit ${status}`), { code, exit: ExitCode.failed }));
    });
  });
}
