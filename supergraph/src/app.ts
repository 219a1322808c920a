/**
 * The gateway app: @apollo/gateway over a static supergraph, served by graphql-yoga. Before a query is
 * planned the gateway assigns a request id, verifies the bearer token (revocations included), applies
 * the per-client rate limit, and checks depth and cost; errors are masked on the way out. The app is
 * separate from the listener so tests and benchmarks call `fetch` in-process.
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { ApolloGateway } from '@apollo/gateway';
import type { TokenVerifier } from '@ecomify/kernel/auth';
import { bearerToken } from '@ecomify/kernel/auth';
import type { CacheRuntime } from '@ecomify/kernel/cache';
import { DomainError } from '@ecomify/kernel/errors';
import type { Logger } from '@ecomify/kernel/logging';
import { metrics, registry } from '@ecomify/kernel/metrics';
import { useApolloFederation } from '@envelop/apollo-federation';
import { GraphQLError } from 'graphql';
import { createYoga, type Plugin } from 'graphql-yoga';
import type { GatewayConfig } from './config';
import { SubgraphDataSource, type ForwardedRequest, type GatewayContext } from './datasource';
import { maskGatewayError } from './errors';
import { estimateQuery } from './limits';
import { createPassthrough, type PassthroughStats } from './passthrough';

export interface GatewayAppOptions {
  supergraphSdl: string;
  config: GatewayConfig;
  logger: Logger;
  cache: CacheRuntime;
  /** Verifies bearer tokens; without it any request carrying a token is refused. */
  verifier?: TokenVerifier;
  /** Subgraph name → URL, replacing the routing URL composed into the supergraph. */
  subgraphUrlOverrides?: Record<string, string>;
}

export interface GatewayApp {
  /** In-process request handling (tests, benchmarks). The client IP is then taken from X-Forwarded-For or "local". */
  fetch: (input: string | URL | Request, init?: RequestInit) => Promise<Response>;
  listen(port: number, host?: string): Promise<http.Server>;
  /** Stops the listener (if any) and the gateway. The cache runtime belongs to the caller. */
  stop(): Promise<void>;
  /** Subgraph names and the URLs the gateway calls. */
  subgraphs: { name: string; url: string }[];
  /** Counters of the single-subgraph pass-through (undefined when it is off). */
  passthrough?: PassthroughStats;
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;
const RATE_WINDOW_SECONDS = 60;

/** Per-request facts computed in onRequest, read by the context factory and onResponse. */
interface RequestState {
  forwarded: ForwardedRequest;
  rate?: { limit: number; remaining: number };
}

function errorResponse(status: number, requestId: string, error: GraphQLError, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify({ errors: [error.toJSON()] }), {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', 'x-request-id': requestId, ...headers },
  });
}

function socketAddress(serverContext: unknown): string | undefined {
  const req = (serverContext as { req?: http.IncomingMessage } | undefined)?.req;
  return req?.socket?.remoteAddress;
}

/** Builds the gateway app and loads the supergraph (query plans are built lazily and cached). */
export async function createGatewayApp(opts: GatewayAppOptions): Promise<GatewayApp> {
  const { config, logger, cache } = opts;
  const startedAt = Date.now();
  const httpRequests = metrics.httpRequests();
  const httpDuration = metrics.httpDuration();
  const graphqlErrors = metrics.graphqlErrors();

  const subgraphs: { name: string; url: string }[] = [];
  const dataSources = new Map<string, SubgraphDataSource>();
  const gateway = new ApolloGateway({
    supergraphSdl: opts.supergraphSdl,
    logger: logger.child({ component: 'apollo-gateway' }),
    buildService: ({ name, url }) => {
      const target = opts.subgraphUrlOverrides?.[name] ?? url;
      if (!target) throw new Error(`Subgraph "${name}" has no routing URL: set it in rover.yaml or ${name.toUpperCase()}_SUBGRAPH_URL.`);
      subgraphs.push({ name, url: target });
      const source = new SubgraphDataSource(name, target, config.SUBGRAPH_TIMEOUT_MS, logger);
      dataSources.set(name, source);
      return source;
    },
  });
  await gateway.load();

  const states = new WeakMap<Request, RequestState>();
  const production = config.env === 'production';
  const passthrough = config.GATEWAY_PASSTHROUGH
    ? createPassthrough({ gateway, dataSources, logger, debugHeader: !production })
    : undefined;

  const opsPlugin: Plugin = {
    async onRequest({ url, endResponse }) {
      if (url.pathname === '/healthz') {
        endResponse(Response.json({ status: 'ok', service: 'gateway', uptimeSeconds: Math.round((Date.now() - startedAt) / 1000) }));
      } else if (url.pathname === '/readyz') {
        // The gateway serves with the cache store down (rate limits count per process, see the kernel
        // cache), so a failing ping is reported but does not take the gateway out of rotation.
        let cacheState = 'ok';
        await cache.ping().catch((err: Error) => (cacheState = `degraded: ${err.message}`));
        endResponse(Response.json({ status: 'ready', service: 'gateway', checks: { supergraph: 'ok', cache: cacheState }, subgraphs }));
      } else if (url.pathname === '/metrics') {
        const text = (await registry.metrics()) + (passthrough?.metricsText() ?? '');
        endResponse(new Response(text, { headers: { 'content-type': registry.contentType } }));
      }
    },
  };

  const guardPlugin: Plugin = {
    async onRequest({ request, url, serverContext, endResponse }) {
      if (url.pathname !== '/graphql' || request.method === 'OPTIONS') return;
      const h = request.headers;
      const incomingId = h.get('x-request-id');
      const requestId = incomingId && REQUEST_ID.test(incomingId) ? incomingId : randomUUID();
      const forwardedFor = h.get('x-forwarded-for');
      const fromProxy = forwardedFor ? forwardedFor.split(',')[0].trim() : undefined;
      // Without a trusted proxy the header is the client's word: using it would let anyone pick a fresh rate-limit key.
      const clientIp = (config.TRUST_PROXY ? fromProxy : undefined) ?? socketAddress(serverContext) ?? fromProxy ?? 'local';
      const forwarded: ForwardedRequest = {
        requestId,
        correlationId: h.get('x-correlation-id') || requestId,
        clientIp,
        authorization: h.get('authorization') ?? undefined,
        storeId: h.get('x-store-id') ?? undefined,
        traceparent: h.get('traceparent') ?? undefined,
        tracestate: h.get('tracestate') ?? undefined,
        userAgent: h.get('user-agent') ?? undefined,
      };
      const state: RequestState = { forwarded };
      states.set(request, state);

      let subject: string | undefined;
      if (forwarded.authorization) {
        const token = bearerToken(forwarded.authorization);
        try {
          if (!token) throw new DomainError('UNAUTHENTICATED', 'The Authorization header must be `Bearer <access token>`.');
          if (!opts.verifier) throw new DomainError('UNAVAILABLE', 'The gateway cannot verify tokens (JWKS_URL is not configured).');
          subject = (await opts.verifier.verify(token)).subject;
        } catch (err) {
          const e = err instanceof DomainError ? err : new DomainError('UNAUTHENTICATED', 'Access token is invalid: sign in again.');
          const unavailable = e.code === 'UNAVAILABLE' || e.reason === 'JWKS_UNAVAILABLE';
          graphqlErrors.inc({ code: unavailable ? 'UNAVAILABLE' : 'UNAUTHENTICATED' });
          endResponse(
            errorResponse(
              unavailable ? 503 : 401,
              requestId,
              new GraphQLError(e.message, {
                extensions: { code: unavailable ? 'UNAVAILABLE' : 'UNAUTHENTICATED', ...(e.reason ? { reason: e.reason } : {}), requestId },
              }),
              unavailable ? {} : { 'www-authenticate': 'Bearer' },
            ),
          );
          return;
        }
      }

      const limit = config.RATE_LIMIT_PER_MINUTE;
      const rate = await cache.rateLimiter.hit(subject ? `gateway:sub:${subject}` : `gateway:ip:${clientIp}`, limit, RATE_WINDOW_SECONDS);
      state.rate = { limit, remaining: rate.remaining };
      if (!rate.allowed) {
        graphqlErrors.inc({ code: 'RATE_LIMITED' });
        endResponse(
          errorResponse(
            429,
            requestId,
            new GraphQLError(
              `Too many requests: the limit is ${limit} per minute (RATE_LIMIT_PER_MINUTE). Retry in ${rate.retryAfterSeconds} s.`,
              { extensions: { code: 'RATE_LIMITED', retryAfter: rate.retryAfterSeconds, requestId } },
            ),
            { 'retry-after': String(rate.retryAfterSeconds), 'ratelimit-limit': String(limit), 'ratelimit-remaining': '0' },
          ),
        );
      }
    },
    onResponse({ request, response }) {
      const state = states.get(request);
      if (!state) return;
      response.headers.set('x-request-id', state.forwarded.requestId);
      if (state.rate) {
        response.headers.set('ratelimit-limit', String(state.rate.limit));
        response.headers.set('ratelimit-remaining', String(state.rate.remaining));
      }
    },
  };

  const mask = (error: unknown, requestId: string | undefined, log: Logger) => {
    const { error: masked, unexpected } = maskGatewayError(error, requestId);
    graphqlErrors.inc({ code: String(masked.extensions.code) });
    if (unexpected) {
      const original = error as GraphQLError;
      log.error(
        { err: original?.originalError ?? original, path: original?.path, serviceName: original?.extensions?.serviceName },
        'unexpected error',
      );
    }
    return masked;
  };

  // Limits are checked at execution, not validation: the cost of `first: $n` depends on the variables.
  const executionPlugin: Plugin<GatewayContext> = {
    onExecute({ args, setResultAndStopExecution }) {
      const { depth, cost } = estimateQuery(args.document, args.operationName, args.variableValues ?? undefined);
      const refuse = (reason: string, message: string, limit: string, actual: number, max: number) => {
        graphqlErrors.inc({ code: 'INVALID_INPUT' });
        setResultAndStopExecution({
          errors: [new GraphQLError(message, { extensions: { code: 'INVALID_INPUT', reason, limit, actual, max } })],
        });
      };
      if (depth > config.MAX_QUERY_DEPTH) {
        refuse(
          'QUERY_TOO_DEEP',
          `Query depth ${depth} exceeds the limit of ${config.MAX_QUERY_DEPTH} (MAX_QUERY_DEPTH): select fewer nested levels.`,
          'MAX_QUERY_DEPTH',
          depth,
          config.MAX_QUERY_DEPTH,
        );
        return;
      }
      if (cost > config.MAX_QUERY_COST) {
        refuse(
          'QUERY_TOO_COSTLY',
          `Query cost ${cost} exceeds the limit of ${config.MAX_QUERY_COST} (MAX_QUERY_COST): ask for smaller pages (first/last) or fewer fields.`,
          'MAX_QUERY_COST',
          cost,
          config.MAX_QUERY_COST,
        );
        return;
      }
      const ctx = args.contextValue;
      return {
        // Masked here rather than only in Yoga's maskError, which does not see the request id.
        onExecuteDone({ result, setResult }) {
          if (!('errors' in result) || !result.errors?.length) return;
          setResult({ ...result, errors: result.errors.map((e) => mask(e, ctx.forwarded.requestId, ctx.logger)) });
        },
      };
    },
  };

  const corsOrigins = config.CORS_ORIGINS?.split(',')
    .map((o) => o.trim())
    .filter(Boolean);
  const cors = corsOrigins?.length
    ? {
        origin: corsOrigins,
        credentials: true,
        allowedHeaders: ['authorization', 'content-type', 'x-request-id', 'x-correlation-id', 'x-store-id', 'traceparent', 'tracestate'],
        exposedHeaders: ['x-request-id', 'retry-after', 'ratelimit-limit', 'ratelimit-remaining'],
        maxAge: 600,
      }
    : production
      ? false
      : { origin: '*', exposedHeaders: ['x-request-id', 'retry-after', 'ratelimit-limit', 'ratelimit-remaining'] };

  const yoga = createYoga<Record<string, unknown>, GatewayContext>({
    graphqlEndpoint: '/graphql',
    landingPage: false,
    healthCheckEndpoint: '/livez',
    graphiql: config.env === 'development',
    logging: false,
    // Parsed documents and validation results cached per query text (Yoga's default, kept explicit: the
    // pass-through's per-document decisions are keyed by the cached document object).
    parserAndValidationCache: true,
    cors,
    // Anything not masked with its request id by executionPlugin (already-masked errors pass unchanged).
    maskedErrors: { maskError: (error: unknown) => mask(error, undefined, logger) },
    plugins: [
      opsPlugin,
      guardPlugin,
      executionPlugin as Plugin,
      useApolloFederation({ gateway, logger: logger.child({ component: 'apollo-gateway' }) }),
      // After useApolloFederation: it wraps the federated executor and falls back to it.
      ...(passthrough ? [passthrough.plugin as Plugin] : []),
    ],
    context: ({ request }) => {
      const state = states.get(request);
      const forwarded = state?.forwarded ?? { requestId: randomUUID(), correlationId: '', clientIp: 'local' };
      // The request logger is made on first use: most requests never log.
      let requestLogger: Logger | undefined;
      return {
        forwarded,
        get logger() {
          return (requestLogger ??= logger.child({ requestId: forwarded.requestId, correlationId: forwarded.correlationId }));
        },
      };
    },
  });

  let server: http.Server | undefined;
  return {
    subgraphs,
    passthrough: passthrough?.stats,
    fetch: (input, init) => Promise.resolve(yoga.fetch(input as never, init as never)) as Promise<Response>,
    listen(port: number, host = '127.0.0.1') {
      server = http.createServer((req, res) => {
        const start = process.hrtime.bigint();
        const route = (req.url ?? '/').split('?')[0];
        // Fixed here, before Yoga, so the request log line and the GraphQL handling share one id.
        const incoming = req.headers['x-request-id'];
        const requestId = typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
        req.headers['x-request-id'] = requestId;
        res.on('finish', () => {
          const seconds = Number(process.hrtime.bigint() - start) / 1e9;
          httpRequests.inc({ route, status: String(res.statusCode) });
          httpDuration.observe({ route }, seconds);
          if (route === '/graphql') {
            logger.info({ method: req.method, status: res.statusCode, ms: Math.round(seconds * 1000), requestId }, 'request');
          }
        });
        yoga(req, res);
      });
      server.keepAliveTimeout = 65_000;
      const s = server;
      return new Promise((resolve, reject) => {
        s.once('error', reject);
        s.listen(port, host, () => resolve(s));
      });
    },
    async stop() {
      if (server) {
        const s = server;
        await new Promise<void>((resolve) => s.close(() => resolve()));
        s.closeAllConnections?.();
      }
      await gateway.stop();
    },
  };
}
