/**
 * NATS JetStream transport: one stream per domain, `Nats-Msg-Id` de-duplication, durable pull consumers
 * with explicit ack and backoff, and a dead-letter stream an operator can list and replay.
 */
import {
  AckPolicy,
  connect,
  DeliverPolicy,
  DiscardPolicy,
  headers as natsHeaders,
  nanos,
  RetentionPolicy,
  StorageType,
  type ConsumerMessages,
  type JetStreamClient,
  type JetStreamManager,
  type JsMsg,
  type MsgHdrs,
  type MsgRequest,
  type NatsConnection,
  type StoredMsg,
} from 'nats';
import type { Logger } from 'pino';
import { domainOf, envelopeSchema, streamName, type EventEnvelope } from './envelope';
import {
  ACK_WAIT_MS,
  backoffFor,
  checkDurable,
  checkNamespace,
  DUPLICATE_WINDOW_MS,
  errorText,
  oneLine,
  RETENTION_MS,
  sleep,
  traceHeaders,
  withTimeout,
} from './support';
import { isPoison, type DeadLetter, type EventTransport, type PublishResult, type SubscribeOptions, type Subscription } from './types';

export interface JetStreamTransportOptions {
  url: string;
  service: string;
  logger: Logger;
  /** Prefix for subjects (`<ns>.ecomify...`) and stream names, so deployments and test runs can share one NATS. */
  namespace?: string;
  /** Deliveries before dead-lettering when a subscriber does not say (EVENTS_MAX_DELIVER). */
  maxDeliver: number;
  /** How long publish and ping wait for a connection before failing (the relay retries later). */
  connectWaitMs?: number;
}

const H = {
  consumer: 'Ecomify-Consumer',
  subject: 'Ecomify-Subject',
  deliveries: 'Ecomify-Deliveries',
  error: 'Ecomify-Error',
  deadAt: 'Ecomify-Dead-At',
  replayFor: 'Ecomify-Replay-For',
} as const;

const NOT_FOUND = 404;

function apiCode(err: unknown): number | undefined {
  const e = err as { api_error?: { code?: number }; code?: string | number };
  return e?.api_error?.code ?? (typeof e?.code === 'string' ? Number(e.code) : e?.code);
}

/** Connects to NATS JetStream. Resolves at once even when NATS is away: the connection is made in the background. */
export async function createJetStreamTransport(opts: JetStreamTransportOptions): Promise<EventTransport> {
  const ns = checkNamespace(opts.namespace);
  const subjectPrefix = ns ? `${ns}.` : '';
  const streamPrefix = ns ? `${ns.toUpperCase().replace(/-/g, '_')}_` : '';
  const dlqStream = `${streamPrefix}ECOMIFY_DLQ`;
  const log = opts.logger.child({ component: 'events', transport: 'jetstream' });
  const connectWaitMs = opts.connectWaitMs ?? 5_000;
  const closing = new AbortController();

  let nc: NatsConnection | undefined;
  let js: JetStreamClient;
  let jsm: JetStreamManager;
  let markConnected!: () => void;
  const connected = new Promise<void>((resolve) => (markConnected = resolve));
  const streams = new Map<string, Promise<void>>();
  const subscriptions = new Set<Subscription>();

  // Our own first-connect loop rather than waitOnFirstConnect: a pending nats connect() cannot be cancelled,
  // and close() must be able to give up on a server that never came.
  const connecting = (async () => {
    for (let attempt = 1; !closing.signal.aborted; attempt++) {
      try {
        const conn = await connect({
          servers: opts.url,
          name: `ecomify-${opts.service}`,
          maxReconnectAttempts: -1,
          reconnectTimeWait: 1_000,
          timeout: 5_000,
          pingInterval: 10_000,
          maxPingOut: 3,
        });
        if (closing.signal.aborted) {
          await conn.close();
          return;
        }
        nc = conn;
        js = conn.jetstream();
        jsm = await conn.jetstreamManager();
        void watchStatus(conn);
        markConnected();
        log.info({ server: conn.getServer() }, 'connected to NATS');
        return;
      } catch (err) {
        if (attempt === 1 || attempt % 30 === 0) log.warn({ err: errorText(err), url: opts.url }, 'NATS unreachable, retrying');
        await sleep(1_000, closing.signal);
      }
    }
  })();

  async function watchStatus(conn: NatsConnection) {
    for await (const s of conn.status()) {
      if (s.type === 'disconnect') log.warn('NATS disconnected; reconnecting');
      else if (s.type === 'reconnect') log.info('NATS reconnected');
    }
  }

  async function ready(waitMs = connectWaitMs): Promise<NatsConnection> {
    if (!nc) await withTimeout(connected, waitMs, `NATS at ${opts.url} is not reachable yet`);
    if (!nc || nc.isClosed()) throw new Error('NATS connection is closed');
    return nc;
  }

  const natsSubject = (subject: string) => subjectPrefix + subject;
  const plainSubject = (subject: string) => (subject.startsWith(subjectPrefix) ? subject.slice(subjectPrefix.length) : subject);
  const dlqSubject = (consumer: string) => `${subjectPrefix}ecomify.dlq.${consumer}`;

  async function upsertStream(name: string, config: Record<string, unknown>, subjects: string[]) {
    try {
      const info = await jsm.streams.info(name);
      const same = info.config.subjects?.length === subjects.length && subjects.every((s) => info.config.subjects.includes(s));
      if (!same) await jsm.streams.update(name, { ...info.config, ...config, subjects });
    } catch (err) {
      if (apiCode(err) !== NOT_FOUND) throw err;
      try {
        await jsm.streams.add({ name, subjects, ...config });
      } catch (addErr) {
        // Another process created it between our info and add; that one is as good as ours.
        await jsm.streams.info(name).catch(() => Promise.reject(addErr));
      }
    }
  }

  /** Creates or updates a domain's stream once per process. */
  function ensureStream(domain: string): Promise<void> {
    let p = streams.get(domain);
    if (!p) {
      // Dead letters wait for an operator however long that takes; domain events age out.
      const config = domain === 'dlq' ? { ...streamConfig(), max_age: 0 } : streamConfig();
      p = upsertStream(`${streamPrefix}${streamName(domain)}`, config, [`${subjectPrefix}ecomify.${domain}.>`]);
      p.catch(() => streams.delete(domain));
      streams.set(domain, p);
    }
    return p;
  }

  function ensureDlq(): Promise<void> {
    return ensureStream('dlq');
  }

  function streamConfig() {
    return {
      storage: StorageType.File,
      retention: RetentionPolicy.Limits,
      discard: DiscardPolicy.Old,
      max_age: nanos(RETENTION_MS),
      duplicate_window: nanos(DUPLICATE_WINDOW_MS),
      num_replicas: 1,
    };
  }

  function buildHeaders(envelope: EventEnvelope, msgId: string, extra: Record<string, string> = {}): MsgHdrs {
    const h = natsHeaders();
    h.set('Nats-Msg-Id', msgId);
    for (const [k, v] of Object.entries({ ...traceHeaders(envelope), ...extra })) h.set(k, v);
    return h;
  }

  async function publishRaw(subject: string, body: Uint8Array, msgId: string, h: MsgHdrs): Promise<PublishResult> {
    await ready();
    await ensureStream(domainOf(subject));
    const ack = await js.publish(natsSubject(subject), body, { msgID: msgId, headers: h, timeout: 5_000 });
    return { stored: !ack.duplicate };
  }

  async function deadLetter(m: JsMsg, durable: string, lastError: string): Promise<void> {
    await ensureDlq();
    const h = natsHeaders();
    // Keyed on the stream sequence: the same delivery dead-lettered twice (crash before term) is stored once,
    // while the same event failing again after a replay (a new sequence) is a new dead letter.
    h.set('Nats-Msg-Id', `dlq:${durable}:${m.info.stream}:${m.seq}`);
    h.set(H.consumer, durable);
    h.set(H.subject, plainSubject(m.subject));
    h.set(H.deliveries, String(m.info.redeliveryCount));
    h.set(H.error, oneLine(lastError));
    h.set(H.deadAt, new Date().toISOString());
    await js.publish(dlqSubject(durable), m.data, { msgID: h.get('Nats-Msg-Id'), headers: h, timeout: 5_000 });
  }

  function toDeadLetter(m: StoredMsg): DeadLetter {
    const text = new TextDecoder().decode(m.data);
    let envelope: EventEnvelope;
    try {
      envelope = JSON.parse(text) as EventEnvelope;
    } catch {
      envelope = { id: '', type: m.header.get(H.subject), version: 0, occurredAt: '', correlationId: '', data: text };
    }
    return {
      id: String(m.seq),
      consumer: m.header.get(H.consumer),
      subject: m.header.get(H.subject),
      envelope,
      deliveries: Number(m.header.get(H.deliveries)),
      lastError: m.header.get(H.error),
      deadAt: m.header.get(H.deadAt),
    };
  }

  async function listDead(filter: { consumer?: string; limit?: number }): Promise<DeadLetter[]> {
    await ready();
    const subject = filter.consumer ? dlqSubject(filter.consumer) : `${subjectPrefix}ecomify.dlq.>`;
    const limit = filter.limit ?? 100;
    const out: DeadLetter[] = [];
    let seq = 1;
    while (out.length < limit) {
      let m: StoredMsg;
      try {
        // The server's STREAM.MSG.GET takes next_by_subj (2.9+); the client only types it for direct get,
        // which would need allow_direct on the stream.
        m = await jsm.streams.getMessage(dlqStream, { seq, next_by_subj: subject } as unknown as MsgRequest);
      } catch (err) {
        if (apiCode(err) === NOT_FOUND) break;
        throw err;
      }
      out.push(toDeadLetter(m));
      seq = m.seq + 1;
    }
    return out;
  }

  function subscribeDomain(domain: string, subjects: string[], sub: SubscribeOptions, stopSignal: AbortSignal): Promise<void> {
    const stream = `${streamPrefix}${streamName(domain)}`;
    // JetStream durable names cannot contain dots; ours are `<service>.<what>`.
    const durableName = sub.durable.replace(/\./g, '_');
    const maxDeliver = sub.maxDeliver ?? opts.maxDeliver;
    const filter = subjects.map(natsSubject);
    const slog = log.child({ consumer: sub.durable, stream });
    let messages: ConsumerMessages | undefined;
    stopSignal.addEventListener('abort', () => void messages?.close().catch(() => undefined), { once: true });

    async function ensureConsumer() {
      const config = {
        durable_name: durableName,
        ack_policy: AckPolicy.Explicit,
        deliver_policy: DeliverPolicy.All,
        ack_wait: nanos(ACK_WAIT_MS),
        // The server's own max_deliver would silently stop redelivering (only an advisory records it), so the
        // limit is enforced here, where the event can be moved to the dead-letter stream first.
        max_deliver: -1,
        max_ack_pending: 1_000,
        ...(filter.length === 1 ? { filter_subject: filter[0] } : { filter_subjects: filter }),
      };
      try {
        const info = await jsm.consumers.info(stream, durableName);
        const current = info.config.filter_subject ? [info.config.filter_subject] : (info.config.filter_subjects ?? []);
        if (current.length !== filter.length || !filter.every((s) => current.includes(s))) {
          await jsm.consumers.update(stream, durableName, config);
        }
      } catch (err) {
        if (apiCode(err) !== NOT_FOUND) throw err;
        await jsm.consumers.add(stream, config).catch(async (addErr) => {
          await jsm.consumers.info(stream, durableName).catch(() => Promise.reject(addErr));
        });
      }
    }

    async function handle(m: JsMsg) {
      const deliveries = m.info.redeliveryCount;
      const replayFor = m.headers?.get(H.replayFor);
      if (replayFor && replayFor !== sub.durable) {
        m.ack();
        return;
      }
      const parsed = (() => {
        try {
          return envelopeSchema.safeParse(JSON.parse(new TextDecoder().decode(m.data)));
        } catch (err) {
          return { success: false as const, error: err };
        }
      })();
      let failure: { error: string; final: boolean } | undefined;
      if (!parsed.success) {
        failure = { error: `malformed envelope: ${errorText(parsed.error)}`, final: true };
      } else {
        const heartbeat = setInterval(() => m.working(), ACK_WAIT_MS / 3);
        try {
          await sub.handler(parsed.data as EventEnvelope);
        } catch (err) {
          failure = { error: errorText(err), final: isPoison(err) || deliveries >= maxDeliver };
        } finally {
          clearInterval(heartbeat);
        }
      }
      if (!failure) {
        m.ack();
      } else if (failure.final) {
        try {
          await deadLetter(m, sub.durable, failure.error);
          m.term(oneLine(failure.error, 200));
          slog.error({ seq: m.seq, deliveries, error: failure.error }, 'event dead-lettered');
        } catch (err) {
          // Not recorded anywhere yet: keep it in the stream and try again later.
          slog.warn({ err: errorText(err) }, 'dead-lettering failed; will redeliver');
          m.nak(backoffFor(deliveries, sub.backoffMs));
        }
      } else {
        slog.warn({ seq: m.seq, deliveries, error: failure.error }, 'event handler failed; will redeliver');
        m.nak(backoffFor(deliveries, sub.backoffMs));
      }
    }

    return (async () => {
      while (!stopSignal.aborted) {
        try {
          await connectedOrStopped(stopSignal);
          if (stopSignal.aborted) break;
          await ensureStream(domain);
          await ensureConsumer();
          const consumer = await js.consumers.get(stream, durableName);
          messages = await consumer.consume({ max_messages: 32 });
          if (stopSignal.aborted) await messages.close();
          for await (const m of messages) {
            await handle(m);
            if (stopSignal.aborted) break;
          }
        } catch (err) {
          if (!stopSignal.aborted) slog.warn({ err: errorText(err) }, 'consumer interrupted; restarting');
        }
        await sleep(1_000, stopSignal);
      }
    })();
  }

  async function connectedOrStopped(signal: AbortSignal): Promise<void> {
    if (nc) return;
    await Promise.race([connected, new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }))]);
  }

  const transport: EventTransport = {
    kind: 'jetstream',

    async publish(envelope) {
      return publishRaw(
        envelope.type,
        new TextEncoder().encode(JSON.stringify(envelope)),
        envelope.id,
        buildHeaders(envelope, envelope.id),
      );
    },

    async subscribe(sub) {
      checkDurable(sub.durable);
      if (sub.subjects.length === 0) throw new Error(`Consumer ${sub.durable} subscribes to no subjects`);
      const byDomain = new Map<string, string[]>();
      for (const s of sub.subjects) byDomain.set(domainOf(s), [...(byDomain.get(domainOf(s)) ?? []), s]);
      const stop = new AbortController();
      closing.signal.addEventListener('abort', () => stop.abort(), { once: true });
      // Consuming starts in the background so a service comes up while NATS is away.
      const loops = [...byDomain].map(([domain, subjects]) => subscribeDomain(domain, subjects, sub, stop.signal));
      const subscription: Subscription = {
        async stop() {
          stop.abort();
          await Promise.all(loops);
          subscriptions.delete(subscription);
        },
      };
      subscriptions.add(subscription);
      return subscription;
    },

    async pending(durable) {
      await ready();
      const durableName = durable.replace(/\./g, '_');
      let total = 0;
      for await (const stream of jsm.streams.names()) {
        if (stream === dlqStream || !stream.startsWith(`${streamPrefix}ECOMIFY_`)) continue;
        try {
          total += (await jsm.consumers.info(stream, durableName)).num_pending;
        } catch (err) {
          if (apiCode(err) !== NOT_FOUND) throw err;
        }
      }
      return total;
    },

    dlq: {
      list: (filter = {}) => listDead(filter),

      async replay(sel) {
        if (!sel.ids?.length && !sel.consumer && !sel.all) throw new Error('dlq.replay needs ids, a consumer or all: true');
        await ready();
        const targets: DeadLetter[] = [];
        if (sel.ids?.length) {
          for (const id of sel.ids) {
            try {
              const dead = toDeadLetter(await jsm.streams.getMessage(dlqStream, { seq: Number(id) }));
              if (!sel.consumer || dead.consumer === sel.consumer) targets.push(dead);
            } catch (err) {
              if (apiCode(err) !== NOT_FOUND) throw err;
            }
          }
        } else {
          targets.push(...(await listDead({ consumer: sel.consumer, limit: Number.MAX_SAFE_INTEGER })));
        }
        let replayed = 0;
        for (const dead of targets) {
          const msg = await jsm.streams.getMessage(dlqStream, { seq: Number(dead.id) });
          // Same envelope (consumers de-duplicate on its id), a message id of its own so the stream stores it
          // again, and addressed to the consumer that gave up so the others do not see it twice.
          const msgId = `${dead.envelope.id}:replay:${dead.id}`;
          const h = buildHeaders(dead.envelope, msgId, { [H.replayFor]: dead.consumer });
          await publishRaw(dead.subject, msg.data, msgId, h);
          await jsm.streams.deleteMessage(dlqStream, Number(dead.id), false);
          replayed++;
        }
        return replayed;
      },
    },

    async ping() {
      const conn = await ready(1_000);
      await withTimeout(conn.flush(), 2_000, 'NATS did not answer a ping');
      await withTimeout(jsm.getAccountInfo(), 2_000, 'JetStream did not answer');
    },

    async close() {
      closing.abort();
      await Promise.all([...subscriptions].map((s) => s.stop()));
      await connecting;
      if (nc && !nc.isClosed()) await nc.drain().catch(() => nc?.close());
    },
  };
  return transport;
}
