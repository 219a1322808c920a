/**
 * Printing subgraph SDL and composing the supergraph. Composition itself is supergraph/src/compose.ts
 * of the project being worked on (loaded from the project root, so a generated copy composes with its own).
 */
import fs from 'node:fs';
import path from 'node:path';
import { CliError } from './errors';
import { messages } from './messages';
import type { Progress } from './progress';
import { listSubgraphs } from './project';
import { runTsScript } from './tasks';

type ComposeModule = typeof import('../../../supergraph/src/compose');
export type ComposeResult = ReturnType<ComposeModule['composeFromConfig']>;

export function composeModule(root: string): ComposeModule {
  return require(path.join(root, 'supergraph', 'src', 'compose.ts')) as ComposeModule;
}

export const roverPath = (root: string) => path.join(root, 'rover.yaml');
export const supergraphPath = (root: string) => path.join(root, 'supergraph', 'supergraph.graphql');

/** Writes `content` unless the file already holds it; returns whether it changed. */
export function writeIfChanged(file: string, content: string): boolean {
  if (fs.existsSync(file) && fs.readFileSync(file, 'utf8') === content) return false;
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content);
  return true;
}

/** Prints one subgraph's SDL in a child process. */
export async function printSubgraphSdl(dir: string, name: string): Promise<string> {
  const script = path.join(__dirname, '..', 'scripts', 'print-subgraph-schema.ts');
  const stderr: string[] = [];
  try {
    const out = await runTsScript<{ sdl: string }>(script, {
      cwd: dir,
      env: { ...process.env, LOG_LEVEL: 'silent' },
      onLog: (line) => stderr.push(line),
      label: `printing ${name}`,
    });
    return out.sdl;
  } catch (err) {
    const detail = stderr.find((l) => /Error|error/.test(l)) ?? (err as Error).message;
    throw new CliError(messages.compose.printFailed(name, detail.trim()), {
      code: 'SCHEMA_PRINT_FAILED',
      hint: messages.compose.printFailedHint(name),
    });
  }
}

export interface PrintedSubgraph {
  name: string;
  schemaFile: string;
  /** False when printing without writing (schema check) or when the file already held this SDL. */
  changed: boolean;
}

/** Prints the SDL of every subgraph listed in rover.yaml into its schema file (two at a time: two cores). */
export async function printSubgraphs(
  root: string,
  progress: Progress,
  opts: { only?: string[]; write?: boolean } = {},
): Promise<(PrintedSubgraph & { sdl: string })[]> {
  const { only, write = true } = opts;
  const { readRoverConfig } = composeModule(root);
  const listed = readRoverConfig(roverPath(root));
  const dirs = new Map(listSubgraphs(root).map((s) => [path.join(s.dir, 'schema.graphql'), s.dir]));
  const targets = listed.filter((s) => dirs.has(s.schemaFile) && (!only || only.includes(s.name)));
  const results: (PrintedSubgraph & { sdl: string })[] = [];
  const queue = [...targets];
  const worker = async () => {
    for (let next = queue.shift(); next; next = queue.shift()) {
      progress.info(messages.compose.printing(next.name));
      const sdl = await printSubgraphSdl(dirs.get(next.schemaFile)!, next.name);
      const text = sdl.trimEnd() + '\n';
      const changed = write ? writeIfChanged(next.schemaFile, text) : false;
      results.push({ name: next.name, schemaFile: path.relative(root, next.schemaFile), changed, sdl: text });
    }
  };
  await Promise.all([worker(), worker()]);
  return results.sort((a, b) => a.name.localeCompare(b.name));
}

export interface SupergraphComposeResult {
  ok: boolean;
  supergraph: string;
  written: boolean;
  subgraphs: PrintedSubgraph[];
  errors: { code: string; message: string }[];
  hints: { code: string; message: string }[];
}

/** Prints (optionally) and composes; writes supergraph.graphql when composition succeeds. */
export async function composeSupergraph(
  root: string,
  progress: Progress,
  opts: { print?: boolean; write?: boolean } = {},
): Promise<SupergraphComposeResult & { compose: ComposeResult }> {
  const write = opts.write !== false;
  const printed = opts.print === false ? [] : await printSubgraphs(root, progress, { write });
  progress.start(messages.compose.composing);
  const mod = composeModule(root);
  let compose: ComposeResult;
  if (write) compose = mod.composeFromConfig(roverPath(root));
  else {
    // Compose what was just printed without touching the committed schema files.
    const listed = mod.readRoverConfig(roverPath(root));
    const fresh = new Map(printed.map((p) => [path.resolve(root, p.schemaFile), p.sdl]));
    const missing = listed.filter((s) => !fresh.has(s.schemaFile) && !fs.existsSync(s.schemaFile));
    compose = missing.length
      ? { ...mod.composeFromConfig(roverPath(root)), subgraphs: listed }
      : {
          ...mod.composeSdl(
            listed.map((s) => ({ name: s.name, url: s.routingUrl, sdl: fresh.get(s.schemaFile) ?? fs.readFileSync(s.schemaFile, 'utf8') })),
          ),
          subgraphs: listed,
        };
  }
  const out = supergraphPath(root);
  let written = false;
  if (compose.ok && compose.supergraphSdl && write) written = writeIfChanged(out, compose.supergraphSdl.trimEnd() + '\n');
  if (compose.ok && write)
    progress.done(written ? messages.compose.wrote(path.relative(root, out)) : messages.compose.upToDate(path.relative(root, out)));
  else if (compose.ok) progress.done();
  else progress.fail(messages.compose.failed(compose.errors.length));
  return {
    ok: compose.ok,
    supergraph: path.relative(root, out),
    written,
    subgraphs: printed.map(({ sdl: _sdl, ...p }) => p),
    errors: compose.errors,
    hints: compose.hints,
    compose,
  };
}

/** True when supergraph.graphql is missing or older than a subgraph's schema source or rover.yaml. */
export function supergraphIsStale(root: string): boolean {
  const out = supergraphPath(root);
  if (!fs.existsSync(out)) return true;
  const built = fs.statSync(out).mtimeMs;
  const newest = (dir: string): number => {
    if (!fs.existsSync(dir)) return 0;
    let max = 0;
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) {
        if (e.name !== 'generated') max = Math.max(max, newest(p));
      } else max = Math.max(max, fs.statSync(p).mtimeMs);
    }
    return max;
  };
  if (fs.statSync(roverPath(root)).mtimeMs > built) return true;
  return listSubgraphs(root).some(
    (s) =>
      newest(path.join(s.dir, 'src', 'schema')) > built ||
      (fs.existsSync(path.join(s.dir, 'schema.graphql')) && fs.statSync(path.join(s.dir, 'schema.graphql')).mtimeMs > built),
  );
}
