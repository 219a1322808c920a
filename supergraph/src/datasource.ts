/**
 * How the gateway calls a subgraph: one POST over Node's keep-alive fetch (undici), with the caller's
 * identity and trace headers. A subgraph that cannot be reached, times out or answers without a
 * GraphQL body becomes an UNAVAILABLE error naming it, so the other subgraphs' fields still answer.
 */
import type { GraphQLDataSource, GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { Logger } from '@ecomify/kernel/logging';
import { unavailableError } from './errors';

/** What the gateway knows about the incoming request; the data source forwards it. */
export interface ForwardedRequest {
  requestId: string;
  correlationId: string;
  clientIp: string;
  authorization?: string;
  storeId?: string;
  traceparent?: string;
  tracestate?: string;
}

export interface GatewayContext extends Record<string, unknown> {
  forwarded: ForwardedRequest;
  logger: Logger;
}

export class SubgraphDataSource implements GraphQLDataSource<GatewayContext> {
  constructor(
    readonly name: string,
    readonly url: string,
    private readonly timeoutMs: number,
    private readonly logger: Logger,
  ) {}

  async process(options: GraphQLDataSourceProcessOptions<GatewayContext>) {
    const { request } = options;
    const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
    const f = (options.context as GatewayContext | undefined)?.forwarded;
    if (f) {
      headers['x-request-id'] = f.requestId;
      headers['x-correlation-id'] = f.correlationId;
      headers['x-forwarded-for'] = f.clientIp;
      if (f.authorization) headers.authorization = f.authorization;
      if (f.storeId) headers['x-store-id'] = f.storeId;
      if (f.traceparent) headers.traceparent = f.traceparent;
      if (f.tracestate) headers.tracestate = f.tracestate;
    }
    const body = JSON.stringify({ query: request.query, variables: request.variables, operationName: request.operationName });
    const log = (options.context as GatewayContext | undefined)?.logger ?? this.logger;

    let res: Response;
    try {
      res = await fetch(this.url, { method: 'POST', headers, body, signal: AbortSignal.timeout(this.timeoutMs) });
    } catch (err) {
      const timedOut = (err as Error).name === 'TimeoutError';
      log.warn({ err, service: this.name, url: this.url }, `subgraph ${this.name} ${timedOut ? 'timed out' : 'unreachable'}`);
      throw unavailableError(this.name, timedOut ? `no answer within ${this.timeoutMs} ms` : 'not reachable');
    }
    // A GraphQL body is used whatever the status: a subgraph refusing a token answers 401 with typed errors.
    if ((res.headers.get('content-type') ?? '').includes('json')) {
      try {
        const parsed = (await res.json()) as { data?: unknown; errors?: unknown };
        if (parsed && typeof parsed === 'object' && ('data' in parsed || 'errors' in parsed)) return parsed as never;
      } catch (err) {
        log.warn({ err, service: this.name, status: res.status }, `subgraph ${this.name} sent malformed JSON`);
        throw unavailableError(this.name, 'malformed answer');
      }
    } else {
      await res.text().catch(() => undefined);
    }
    log.warn({ service: this.name, status: res.status }, `subgraph ${this.name} answered without a GraphQL body`);
    throw unavailableError(this.name, `answered HTTP ${res.status}`);
  }
}
