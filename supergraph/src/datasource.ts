/**
 * How the gateway calls a subgraph: one POST over a keep-alive node:http agent, with the caller's
 * identity and trace headers. node:http rather than fetch: fetch's WHATWG streams and Request/Response
 * objects add allocations on the hottest path (the gateway's CPU goes to JSON and GC, see the profile
 * notes in supergraph/README.md). A subgraph that cannot be reached, times out or answers without a
 * GraphQL body becomes an UNAVAILABLE error naming it, so the other subgraphs' fields still answer.
 */
import http from 'node:http';
import https from 'node:https';
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
  /** identity records a session's user agent from it. */
  userAgent?: string;
}

export interface GatewayContext extends Record<string, unknown> {
  forwarded: ForwardedRequest;
  logger: Logger;
  /**
   * Subgraphs the pass-through already found unreachable for this request: the planned path then fails
   * their fetches with the same error at once instead of calling (and waiting for) them again.
   */
  unavailable?: Record<string, Error>;
}

export interface RawResponse {
  status: number;
  contentType: string;
  body: Buffer;
}

/** The headers every subgraph call carries: identity, store, trace, request ids, client IP and user agent. */
export function forwardHeaders(f: ForwardedRequest | undefined): Record<string, string> {
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
  if (f) {
    headers['x-request-id'] = f.requestId;
    headers['x-correlation-id'] = f.correlationId;
    headers['x-forwarded-for'] = f.clientIp;
    if (f.authorization) headers.authorization = f.authorization;
    if (f.storeId) headers['x-store-id'] = f.storeId;
    if (f.traceparent) headers.traceparent = f.traceparent;
    if (f.tracestate) headers.tracestate = f.tracestate;
    if (f.userAgent) headers['user-agent'] = f.userAgent;
  }
  return headers;
}

const agents = {
  'http:': new http.Agent({ keepAlive: true, maxSockets: 256, maxFreeSockets: 64, scheduling: 'lifo' }),
  'https:': new https.Agent({ keepAlive: true, maxSockets: 256, maxFreeSockets: 64, scheduling: 'lifo' }),
};

class TimeoutError extends Error {
  name = 'TimeoutError';
}

function postOnce(url: URL, headers: Record<string, string>, body: string, timeoutMs: number): Promise<RawResponse & { reused: boolean }> {
  return new Promise((resolve, reject) => {
    const mod = url.protocol === 'https:' ? https : http;
    const req = mod.request(
      url,
      {
        method: 'POST',
        headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
        agent: agents[url.protocol as 'http:'],
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            contentType: String(res.headers['content-type'] ?? ''),
            body: chunks.length === 1 ? chunks[0] : Buffer.concat(chunks),
            reused: req.reusedSocket,
          }),
        );
      },
    );
    req.setTimeout(timeoutMs, () => req.destroy(new TimeoutError(`no answer within ${timeoutMs} ms`)));
    req.on('error', (err) => reject(Object.assign(err, { reused: req.reusedSocket })));
    req.end(body);
  });
}

/**
 * Posts once more when a kept-alive socket turns out to have been closed by the subgraph just as it was
 * reused (ECONNRESET before any answer). Only for queries: a mutation may have been received.
 */
async function post(url: URL, headers: Record<string, string>, body: string, timeoutMs: number, idempotent: boolean): Promise<RawResponse> {
  try {
    return await postOnce(url, headers, body, timeoutMs);
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { reused?: boolean };
    if (idempotent && e.reused && e.code === 'ECONNRESET') return postOnce(url, headers, body, timeoutMs);
    throw err;
  }
}

export class SubgraphDataSource implements GraphQLDataSource<GatewayContext> {
  private readonly target: URL;
  constructor(
    readonly name: string,
    readonly url: string,
    private readonly timeoutMs: number,
    private readonly logger: Logger,
  ) {
    this.target = new URL(url);
  }

  /**
   * Posts a body as is and returns the subgraph's answer unparsed (the gateway's single-subgraph
   * pass-through). Throws the UNAVAILABLE error naming the service when it cannot be reached in time.
   */
  async forward(body: string, context: GatewayContext, idempotent: boolean): Promise<RawResponse> {
    try {
      return await post(this.target, forwardHeaders(context.forwarded), body, this.timeoutMs, idempotent);
    } catch (err) {
      throw this.failure(err, context.logger ?? this.logger);
    }
  }

  private failure(err: unknown, log: Logger): Error {
    const timedOut = (err as Error).name === 'TimeoutError';
    log.warn({ err, service: this.name, url: this.url }, `subgraph ${this.name} ${timedOut ? 'timed out' : 'unreachable'}`);
    return unavailableError(this.name, timedOut ? `no answer within ${this.timeoutMs} ms` : 'not reachable');
  }

  async process(options: GraphQLDataSourceProcessOptions<GatewayContext>) {
    const { request } = options;
    const context = options.context as GatewayContext | undefined;
    const known = context?.unavailable?.[this.name];
    if (known) throw known;
    const headers = forwardHeaders(context?.forwarded);
    const body = JSON.stringify({ query: request.query, variables: request.variables, operationName: request.operationName });
    const log = context?.logger ?? this.logger;

    let res: RawResponse;
    try {
      res = await post(this.target, headers, body, this.timeoutMs, !/^\s*mutation\b/.test(request.query ?? ''));
    } catch (err) {
      throw this.failure(err, log);
    }
    // A GraphQL body is used whatever the status: a subgraph refusing a token answers 401 with typed errors.
    if (res.contentType.includes('json')) {
      try {
        const parsed = JSON.parse(res.body.toString('utf8')) as { data?: unknown; errors?: unknown };
        if (parsed && typeof parsed === 'object' && ('data' in parsed || 'errors' in parsed)) return parsed as never;
      } catch (err) {
        log.warn({ err, service: this.name, status: res.status }, `subgraph ${this.name} sent malformed JSON`);
        throw unavailableError(this.name, 'malformed answer');
      }
    }
    log.warn({ service: this.name, status: res.status }, `subgraph ${this.name} answered without a GraphQL body`);
    throw unavailableError(this.name, `answered HTTP ${res.status}`);
  }
}
