/**
 * The subgraph app factory: `/graphql`, `/healthz`, `/readyz`, `/metrics`, request logging with ids,
 * bearer-token verification, the store context, and error masking. The app is separate from the
 * listener so tests call `app.fetch` in-process.
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { GraphQLError, type GraphQLSchema } from 'graphql';
import { createYoga, type Plugin, type YogaServerInstance } from 'graphql-yoga';
import type { Logger } from 'pino';
import { bearerToken, type TokenVerifier } from '../auth/verifier';
import { DomainError, isInputCoercionError, maskError, toGraphQLError, ValidationError } from '../errors';
import { metrics, registry } from '../metrics';
import type { BaseContext } from './context';

export interface SubgraphAppOptions<Ctx extends BaseContext> {
  /** Service name, e.g. "identity". */
  name: string;
  schema: GraphQLSchema;
  logger: Logger;
  /** Verifies bearer tokens; without it every request is anonymous. */
  verifier?: TokenVerifier;
  /** Adds subgraph-specific fields (db client, loaders, store access) to the base context. */
  extendContext?: (base: BaseContext, request: Request) => Promise<Ctx> | Ctx;
  /** Readiness checks by name; each throws when its dependency is not ready. */
  readiness?: Record<string, () => Promise<unknown>>;
  /** GraphiQL is for development only. */
  graphiql?: boolean;
  /** Extra Yoga/envelop plugins. */
  plugins?: Plugin[];
}

export interface SubgraphApp {
  yoga: YogaServerInstance<Record<string, unknown>, Record<string, unknown>>;
  /** In-process request handling (tests, benchmarks). */
  fetch: (input: string | URL | Request, init?: RequestInit) => Promise<Response>;
  /** Starts an HTTP listener. */
  listen(port: number, host?: string): Promise<http.Server>;
}

const STORE_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** Creates the HTTP app every subgraph (and the template) serves. */
export function createSubgraphApp<Ctx extends BaseContext>(opts: SubgraphAppOptions<Ctx>): SubgraphApp {
  const startedAt = Date.now();
  const httpRequests = metrics.httpRequests();
  const httpDuration = metrics.httpDuration();
  const graphqlErrors = metrics.graphqlErrors();

  const opsPlugin: Plugin = {
    async onRequest({ url, endResponse }) {
      if (url.pathname === '/healthz') {
        endResponse(Response.json({ status: 'ok', service: opts.name, uptimeSeconds: Math.round((Date.now() - startedAt) / 1000) }));
        return;
      }
      if (url.pathname === '/readyz') {
        const checks: Record<string, string> = {};
        let ready = true;
        await Promise.all(
          Object.entries(opts.readiness ?? {}).map(async ([name, check]) => {
            try {
              await check();
              checks[name] = 'ok';
            } catch (err) {
              ready = false;
              checks[name] = `failing: ${(err as Error).message}`;
            }
          }),
        );
        endResponse(Response.json({ status: ready ? 'ready' : 'not ready', service: opts.name, checks }, { status: ready ? 200 : 503 }));
        return;
      }
      if (url.pathname === '/metrics') {
        endResponse(new Response(await registry.metrics(), { headers: { 'content-type': registry.contentType } }));
      }
    },
  };

  const observePlugin: Plugin = {
    onExecute() {
      return {
        onExecuteDone({ result }) {
          const errors = 'errors' in result ? result.errors : undefined;
          for (const e of errors ?? []) graphqlErrors.inc({ code: String(e.extensions?.code ?? 'INTERNAL') });
        },
      };
    },
  };

  const yoga = createYoga<Record<string, unknown>, Record<string, unknown>>({
    schema: opts.schema,
    graphqlEndpoint: '/graphql',
    landingPage: false,
    healthCheckEndpoint: '/livez',
    graphiql: opts.graphiql ?? false,
    logging: false,
    // Masking stays on: DomainErrors and known codes pass; anything else is INTERNAL with the request id.
    maskedErrors: {
      maskError: (error: unknown, _message: string) => {
        const original = (error as { originalError?: unknown })?.originalError;
        const reqId = (error as { extensions?: { requestId?: string } })?.extensions?.requestId;
        // Input coercion errors (e.g. a custom scalar's parse error wrapping an original) are the client's
        // mistake, not ours, and their message can echo the value sent: never log them as server faults.
        if (
          !(original instanceof DomainError) &&
          !(error instanceof DomainError) &&
          original &&
          !(error instanceof GraphQLError && isInputCoercionError(error))
        ) {
          opts.logger.error({ err: original }, 'unexpected error in resolver');
        }
        return maskError(error, reqId);
      },
    },
    plugins: [opsPlugin, observePlugin, ...(opts.plugins ?? [])],
    context: async ({ request }) => {
      const requestId = request.headers.get('x-request-id') || randomUUID();
      const correlationId = request.headers.get('x-correlation-id') || requestId;
      const logger = opts.logger.child({ requestId, correlationId });
      let principal = null;
      const token = bearerToken(request.headers.get('authorization'));
      if (token) {
        if (!opts.verifier)
          throw toGraphQLError(new DomainError('UNAVAILABLE', 'This service cannot verify tokens (JWKS_URL not configured).'));
        try {
          principal = await opts.verifier.verify(token);
        } catch (err) {
          if (err instanceof DomainError) throw toGraphQLError(err);
          throw err;
        }
      }
      const rawStore = request.headers.get('x-store-id');
      if (rawStore && !STORE_ID.test(rawStore)) {
        throw toGraphQLError(
          new ValidationError('The x-store-id header is not a valid store id.', [
            { path: ['headers', 'x-store-id'], message: 'must be a store id' },
          ]),
        );
      }
      const base: BaseContext = {
        requestId,
        correlationId,
        logger,
        principal,
        storeId: rawStore || principal?.storeId || null,
        memo: new Map(),
      };
      return (opts.extendContext ? await opts.extendContext(base, request) : base) as unknown as Record<string, unknown>;
    },
  });

  const fetchHandler = (input: string | URL | Request, init?: RequestInit) =>
    Promise.resolve(yoga.fetch(input as never, init as never)) as Promise<Response>;

  return {
    yoga: yoga as never,
    fetch: fetchHandler,
    listen(port: number, host = '127.0.0.1') {
      const server = http.createServer((req, res) => {
        const start = process.hrtime.bigint();
        const route = (req.url ?? '/').split('?')[0];
        res.on('finish', () => {
          const seconds = Number(process.hrtime.bigint() - start) / 1e9;
          httpRequests.inc({ route, status: String(res.statusCode) });
          httpDuration.observe({ route }, seconds);
          if (route === '/graphql') {
            opts.logger.debug(
              { method: req.method, route, status: res.statusCode, ms: Math.round(seconds * 1000), requestId: req.headers['x-request-id'] },
              'request',
            );
          }
        });
        yoga(req, res);
      });
      server.keepAliveTimeout = 65_000;
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => resolve(server));
      });
    },
  };
}
