/**
 * Offline composition of the supergraph from rover.yaml (Apollo Rover's supergraph config format),
 * with @apollo/composition. Used by `ecomify supergraph compose`, `ecomify schema check` and tests.
 */
import fs from 'node:fs';
import path from 'node:path';
import { composeServices } from '@apollo/composition';
import { parse, printSchema } from 'graphql';
import YAML from 'yaml';

export interface SubgraphConfig {
  name: string;
  routingUrl: string;
  schemaFile: string;
}

export interface ComposeResult {
  ok: boolean;
  supergraphSdl?: string;
  /** Client-facing API schema (what `schema check` diffs). */
  apiSchemaSdl?: string;
  errors: { code: string; message: string }[];
  hints: { code: string; message: string }[];
  subgraphs: SubgraphConfig[];
}

/** Reads rover.yaml: `{ federation_version, subgraphs: { <name>: { routing_url, schema: { file } } } }`. */
export function readRoverConfig(configPath: string): SubgraphConfig[] {
  const raw = YAML.parse(fs.readFileSync(configPath, 'utf8')) as {
    subgraphs?: Record<string, { routing_url?: string; schema?: { file?: string } }>;
  };
  const base = path.dirname(configPath);
  return Object.entries(raw.subgraphs ?? {}).map(([name, def]) => {
    if (!def.schema?.file) throw new Error(`rover.yaml: subgraph "${name}" needs schema.file (the committed schema.graphql)`);
    if (!def.routing_url) throw new Error(`rover.yaml: subgraph "${name}" needs routing_url`);
    return { name, routingUrl: def.routing_url, schemaFile: path.resolve(base, def.schema.file) };
  });
}

/** Composes SDL strings. */
export function composeSdl(subgraphs: { name: string; url: string; sdl: string }[]): Omit<ComposeResult, 'subgraphs'> {
  const errors: { code: string; message: string }[] = [];
  const services = subgraphs.map((s) => {
    try {
      return { name: s.name, url: s.url, typeDefs: parse(s.sdl) };
    } catch (err) {
      errors.push({ code: 'INVALID_GRAPHQL', message: `${s.name}: ${(err as Error).message}` });
      return null;
    }
  });
  if (errors.length) return { ok: false, errors, hints: [] };
  const result = composeServices(services.filter((s): s is NonNullable<typeof s> => !!s));
  const hints = (result.hints ?? []).map((h) => ({ code: h.definition.code, message: h.message }));
  if (result.errors) {
    return {
      ok: false,
      errors: result.errors.map((e) => ({ code: String(e.extensions?.code ?? 'COMPOSITION_ERROR'), message: e.message })),
      hints,
    };
  }
  return {
    ok: true,
    supergraphSdl: result.supergraphSdl,
    apiSchemaSdl: printSchema(result.schema.toAPISchema().toGraphQLJSSchema()),
    errors: [],
    hints,
  };
}

/** Composes every subgraph listed in rover.yaml from its schema file. */
export function composeFromConfig(configPath: string): ComposeResult {
  const subgraphs = readRoverConfig(configPath);
  const missing = subgraphs.filter((s) => !fs.existsSync(s.schemaFile));
  if (missing.length) {
    return {
      ok: false,
      errors: missing.map((s) => ({
        code: 'SCHEMA_FILE_MISSING',
        message: `${s.name}: ${s.schemaFile} does not exist; run the subgraph's schema print (ecomify supergraph compose --print-subgraphs) first`,
      })),
      hints: [],
      subgraphs,
    };
  }
  const res = composeSdl(subgraphs.map((s) => ({ name: s.name, url: s.routingUrl, sdl: fs.readFileSync(s.schemaFile, 'utf8') })));
  return { ...res, subgraphs };
}
