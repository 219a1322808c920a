/**
 * Single-subgraph pass-through. When Apollo's query planner turns an operation into one fetch to one
 * subgraph (no entity step, no rewrites, no @defer), the client's document and variables go to that
 * subgraph as they are and its answer is returned byte for byte: no JSON parse, no result shaping, no
 * re-serialisation. Everything before execution (token, rate limit, parse/validate against the API
 * schema, depth/cost limits) has already run. Whatever the gateway would change falls back to the
 * planned path, so behaviour stays the gateway's:
 *  - an answer with `errors` (or top-level `extensions`) is not forwarded: the operation runs again on
 *    the planned path, which masks errors and applies the supergraph's null propagation;
 *  - a subgraph that rejects the client's document (API-schema differences, fragments on types it does
 *    not know) is remembered for that document and operation, which then always take the planned path;
 *  - an unreachable subgraph is recorded in the context, so the planned path answers its partial result
 *    (fields null, UNAVAILABLE naming the service) without calling it a second time;
 *  - variables are coerced against the API schema first (an @inaccessible enum value is refused as the
 *    planned path would refuse it); mutations, subscriptions and introspection are never passed through.
 */
import type { ApolloGateway } from '@apollo/gateway';
import type { Logger } from '@ecomify/kernel/logging';
import {
  getOperationAST,
  getVariableValues,
  Kind,
  print,
  type DocumentNode,
  type ExecutionArgs,
  type FragmentDefinitionNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { GatewayContext, RawResponse, SubgraphDataSource } from './datasource';

type Outcome = 'raw' | 'errors' | 'rejected' | 'unavailable' | 'not_json';

interface PlannerInternals {
  queryPlanner?: { buildQueryPlan(operation: unknown): { node?: Record<string, any> } };
  apiSchema?: unknown;
}

/** The federation-internals copy the gateway itself uses (not a dependency of ours to drift from it). */
function federationInternals(): { operationFromDocument(schema: unknown, doc: DocumentNode, opts: { operationName?: string }): unknown } {
  const gatewayEntry = require.resolve('@apollo/gateway');
  return require(require.resolve('@apollo/federation-internals', { paths: [gatewayEntry] }));
}

/** Root fields starting with `__` (introspection, root __typename) are answered by the gateway, not a subgraph. */
function selectsMetaFieldAtRoot(set: SelectionSetNode, fragments: Map<string, FragmentDefinitionNode>, seen = new Set<string>()): boolean {
  for (const sel of set.selections) {
    if (sel.kind === Kind.FIELD) {
      if (sel.name.value.startsWith('__')) return true;
    } else if (sel.kind === Kind.INLINE_FRAGMENT) {
      if (selectsMetaFieldAtRoot(sel.selectionSet, fragments, seen)) return true;
    } else {
      const frag = fragments.get(sel.name.value);
      if (!frag || seen.has(sel.name.value)) continue;
      seen.add(sel.name.value);
      if (selectsMetaFieldAtRoot(frag.selectionSet, fragments, seen)) return true;
    }
  }
  return false;
}

/**
 * Which of Yoga's JSON media types the response would carry (mirrors Yoga's own choice: the first
 * acceptable entry of Accept), or undefined when the client wants something else (SSE, multipart).
 */
export function jsonMediaType(accept: string | null): string | undefined {
  const entries = (accept || '*/*').replace(/\s/g, '').toLowerCase().split(',');
  for (const entry of entries) {
    const [type, ...params] = entry.split(';');
    const charset = params.find((p) => p.includes('charset=')) ?? 'charset=utf-8';
    if (charset !== 'charset=utf-8') continue;
    const [pre, suf] = type.split('/');
    if (pre === 'application' && suf === 'graphql-response+json') return 'application/graphql-response+json';
    if ((pre === '*' || pre === 'application') && (suf === '*' || suf === 'json')) return 'application/json';
    if (type === 'text/event-stream' || type === 'multipart/mixed') return undefined;
  }
  return undefined;
}

const DATA_PREFIX = Buffer.from('{"data":');
const ERRORS_KEY = Buffer.from('"errors"');
const EXTENSIONS_KEY = Buffer.from('"extensions"');

/**
 * True when the answer is certainly `{"data": ...}` alone: it starts with `{"data":` and the byte
 * sequences `"errors"` and `"extensions"` appear nowhere (inside JSON strings the quotes would be
 * escaped, so a hit is a key or a value that is exactly that word: rare, and then the planned path runs).
 */
export function isPlainData(res: RawResponse): boolean {
  return (
    res.status === 200 &&
    res.contentType.includes('json') &&
    res.body.length > DATA_PREFIX.length &&
    res.body.subarray(0, DATA_PREFIX.length).equals(DATA_PREFIX) &&
    res.body.indexOf(ERRORS_KEY) === -1 &&
    res.body.indexOf(EXTENSIONS_KEY) === -1
  );
}

/** The subgraph refused the document itself (validation), as opposed to errors while executing it. */
function rejectsDocument(res: RawResponse): boolean {
  try {
    const parsed = JSON.parse(res.body.toString('utf8')) as { data?: unknown; errors?: { extensions?: { code?: string } }[] };
    if (!parsed || typeof parsed !== 'object' || parsed.data !== undefined || !Array.isArray(parsed.errors)) return false;
    return parsed.errors.some((e) => e?.extensions?.code === 'GRAPHQL_VALIDATION_FAILED' || e?.extensions?.code === 'GRAPHQL_PARSE_FAILED');
  } catch {
    return false;
  }
}

export interface PassthroughStats {
  /** `<service>:<outcome>` → count. Outcomes: raw, errors, rejected, unavailable, not_json. */
  counts: Record<string, number>;
  /** Documents planned (a decision is cached per document and operation name). */
  planned: number;
}

export interface Passthrough {
  plugin: Plugin<GatewayContext>;
  stats: PassthroughStats;
  /** Prometheus text lines for /metrics. */
  metricsText(): string;
}

const RAW = Symbol('ecomify.passthrough.raw');
interface RawResult {
  [RAW]: { body: Buffer; service: string; mediaType: string };
}

export function createPassthrough(opts: {
  gateway: ApolloGateway;
  dataSources: Map<string, SubgraphDataSource>;
  logger: Logger;
  /** Adds `x-gateway-passthrough: <service>` to forwarded answers (never in production). */
  debugHeader: boolean;
}): Passthrough | undefined {
  const internals = opts.gateway as unknown as PlannerInternals;
  let operationFromDocument: ReturnType<typeof federationInternals>['operationFromDocument'];
  try {
    operationFromDocument = federationInternals().operationFromDocument;
  } catch (err) {
    opts.logger.warn({ err }, 'single-subgraph pass-through disabled: federation internals not found');
    return undefined;
  }
  if (!internals.queryPlanner || !internals.apiSchema || typeof operationFromDocument !== 'function') {
    opts.logger.warn('single-subgraph pass-through disabled: the gateway exposes no query planner (load() first)');
    return undefined;
  }

  const stats: PassthroughStats = { counts: {}, planned: 0 };
  const count = (service: string, outcome: Outcome) => {
    const key = `${service}:${outcome}`;
    stats.counts[key] = (stats.counts[key] ?? 0) + 1;
  };
  // Keyed by the parsed document: Yoga's parse cache hands out the same object for the same query text.
  const decisions = new WeakMap<DocumentNode, Map<string, string | null>>();
  const sources = new WeakMap<DocumentNode, string>();

  const plan = (document: DocumentNode, operation: OperationDefinitionNode, operationName: string | undefined): string | null => {
    if (operation.operation !== 'query') return null;
    const fragments = new Map<string, FragmentDefinitionNode>();
    for (const def of document.definitions) if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
    if (selectsMetaFieldAtRoot(operation.selectionSet, fragments)) return null;
    try {
      stats.planned++;
      // Both read at call time: a supergraph update replaces them.
      const qp = internals.queryPlanner!.buildQueryPlan(operationFromDocument(internals.apiSchema, document, { operationName }));
      const node = qp.node;
      if (
        node?.kind === 'Fetch' &&
        node.operationKind === 'query' &&
        !node.hasDefers &&
        !node.requires?.length &&
        !node.inputRewrites?.length &&
        !node.outputRewrites?.length &&
        !node.contextRewrites?.length &&
        opts.dataSources.has(node.serviceName)
      ) {
        return node.serviceName as string;
      }
    } catch (err) {
      opts.logger.debug({ err }, 'pass-through: planning failed, using the planned path');
    }
    return null;
  };

  const route = (document: DocumentNode, operation: OperationDefinitionNode, operationName: string | undefined) => {
    let byOperation = decisions.get(document);
    if (!byOperation) decisions.set(document, (byOperation = new Map()));
    const key = operationName ?? '';
    let service = byOperation.get(key);
    if (service === undefined) byOperation.set(key, (service = plan(document, operation, operationName)));
    return service;
  };

  const sourceOf = (document: DocumentNode) => {
    let source = sources.get(document);
    if (source === undefined) sources.set(document, (source = print(document)));
    return source;
  };

  const plugin: Plugin<GatewayContext> = {
    onExecute({ args, executeFn, setExecuteFn }) {
      const ctx = args.contextValue as GatewayContext & { request?: Request };
      const mediaType = jsonMediaType(ctx.request?.headers.get('accept') ?? null);
      if (!mediaType) return;
      const operationName = args.operationName ?? undefined;
      const operation = getOperationAST(args.document, operationName);
      if (!operation) return;
      const service = route(args.document, operation, operationName);
      if (!service) return;
      const source = opts.dataSources.get(service)!;
      const planned = executeFn;

      setExecuteFn(async (execArgs: ExecutionArgs) => {
        const variables = (args.variableValues ?? {}) as Record<string, unknown>;
        if (operation.variableDefinitions?.length) {
          const coerced = getVariableValues(args.schema as GraphQLSchema, operation.variableDefinitions, variables, { maxErrors: 1 });
          if (coerced.errors) return planned(execArgs); // reported by the planned path, as always
        }
        const body = JSON.stringify({ query: sourceOf(args.document), variables, operationName });
        let res: RawResponse;
        try {
          res = await source.forward(body, ctx, true);
        } catch (err) {
          count(service, 'unavailable');
          ctx.unavailable = { ...ctx.unavailable, [service]: err as Error };
          return planned(execArgs);
        }
        if (isPlainData(res)) {
          count(service, 'raw');
          return { [RAW]: { body: res.body, service, mediaType } } as never;
        }
        if (!res.contentType.includes('json')) {
          count(service, 'not_json');
        } else if (rejectsDocument(res)) {
          count(service, 'rejected');
          decisions.get(args.document)?.set(operationName ?? '', null);
          ctx.logger.info(
            { service, operationName },
            'pass-through: subgraph rejected the client document; this operation now takes the planned path',
          );
        } else {
          count(service, 'errors');
        }
        return planned(execArgs);
      });
    },
    onResultProcess({ result, setResultProcessor }) {
      const raw = (result as Partial<RawResult> | undefined)?.[RAW];
      if (!raw) return;
      const headers: Record<string, string> = { 'content-type': `${raw.mediaType}; charset=utf-8` };
      if (opts.debugHeader) headers['x-gateway-passthrough'] = raw.service;
      setResultProcessor(
        (_result, fetchAPI) => new fetchAPI.Response(raw.body as unknown as BodyInit, { status: 200, headers }),
        raw.mediaType,
      );
    },
  };

  return {
    plugin,
    stats,
    metricsText() {
      const lines = [
        '# HELP ecomify_gateway_passthrough_total Operations sent to one subgraph as they are, by outcome (raw = answer forwarded unparsed)',
        '# TYPE ecomify_gateway_passthrough_total counter',
      ];
      for (const [key, n] of Object.entries(stats.counts)) {
        const [service, outcome] = key.split(':');
        lines.push(`ecomify_gateway_passthrough_total{service="${service}",outcome="${outcome}"} ${n}`);
      }
      return lines.join('\n') + '\n';
    },
  };
}
