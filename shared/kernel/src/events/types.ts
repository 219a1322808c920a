/**
 * Event transport and runtime interfaces. Implementations: JetStream when NATS_URL is set; embedded
 * (the platform PostgreSQL database, LISTEN/NOTIFY) otherwise, with the same guarantees: durable,
 * at-least-once, de-duplicated by event id, retried with backoff, dead-lettered after N deliveries.
 */
import type { Logger } from 'pino';
import type { EventContract, EventEnvelope } from './envelope';

export interface PublishResult {
  /** False when the transport recognised the event id as already published (de-duplicated). */
  stored: boolean;
}

/** A dead-lettered event as an operator sees it. */
export interface DeadLetter {
  /** Transport-level id of the dead letter (stream sequence or row id), used by replay. */
  id: string;
  /** Durable consumer that gave up on it. */
  consumer: string;
  subject: string;
  envelope: EventEnvelope;
  deliveries: number;
  lastError: string;
  deadAt: string;
}

export interface SubscribeOptions {
  /** Durable consumer name, unique per subgraph and handler, e.g. `stores.identity-user-created`. */
  durable: string;
  /** Subjects to receive (exact subjects from contracts). */
  subjects: string[];
  /** Deliveries before the event is dead-lettered (default EVENTS_MAX_DELIVER, 5). */
  maxDeliver?: number;
  /** Backoff between redeliveries, in ms (default 1s, 5s, 30s, 2m ...). */
  backoffMs?: number[];
  /** Handles one event; throwing means "not handled, redeliver later". */
  handler: (envelope: EventEnvelope) => Promise<void>;
}

/**
 * Thrown by a handler for an event that can never succeed (it breaks its contract): the transport
 * dead-letters it at once instead of spending the remaining deliveries on it.
 */
export class PoisonMessageError extends Error {
  readonly poison = true;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PoisonMessageError';
  }
}

/** True for a PoisonMessageError, also across duplicated module instances (jest, workspaces). */
export function isPoison(err: unknown): boolean {
  return err instanceof PoisonMessageError || (typeof err === 'object' && err !== null && (err as { poison?: unknown }).poison === true);
}

export interface Subscription {
  stop(): Promise<void>;
}

export interface EventTransport {
  kind: 'jetstream' | 'embedded';
  /** Publishes one envelope; the envelope id de-duplicates (JetStream `Nats-Msg-Id`). */
  publish(envelope: EventEnvelope): Promise<PublishResult>;
  subscribe(opts: SubscribeOptions): Promise<Subscription>;
  /** Events waiting for a durable consumer (consumer lag). */
  pending(durable: string): Promise<number>;
  dlq: {
    list(opts?: { consumer?: string; limit?: number }): Promise<DeadLetter[]>;
    /** Re-delivers dead letters to the consumer that gave up on them; returns how many. */
    replay(opts: { ids?: string[]; consumer?: string; all?: boolean }): Promise<number>;
  };
  /** Throws when the transport is unreachable (readiness check). */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** Minimal Prisma surface the idempotent consumer needs: an interactive transaction with raw SQL. */
export interface TransactionalDb {
  $transaction<T>(
    fn: (tx: { $executeRawUnsafe(query: string, ...values: unknown[]): Promise<number> } & any) => Promise<T>,
    options?: { maxWait?: number; timeout?: number },
  ): Promise<T>;
}

/** One handler a subgraph runs, declared in its src/events/handlers.ts. */
export interface EventHandlerDef<T = any> {
  contract: EventContract<T>;
  /** Durable consumer name, `<service>.<what-it-does>` in kebab-case. */
  durable: string;
  /**
   * Runs inside a transaction of the subgraph's own database, together with the processed-event
   * record: a redelivered event that was already handled is skipped, a failed one rolls back.
   */
  handle(event: EventEnvelope<T>, tx: any, log: Logger): Promise<void>;
}

export interface EventRuntimeOptions {
  service: string;
  transport: EventTransport;
  /** The subgraph's own Prisma client (its database holds outbox_event and processed_event). */
  db: TransactionalDb;
  /** The subgraph's own database URL (the relay LISTENs for outbox notifications on it). */
  databaseUrl: string;
  logger: Logger;
  handlers: EventHandlerDef[];
  maxDeliver?: number;
  /** Backoff between redeliveries, in ms (transport default when omitted). */
  backoffMs?: number[];
  /** Outbox poll interval in ms, the fallback when a NOTIFY is missed (default 1000). */
  pollMs?: number;
}

/** The outbox relay plus the subgraph's durable consumers. */
export interface EventRuntime {
  /** Publishes whatever is in the outbox now (the relay also does this on NOTIFY and on a timer). */
  flush(): Promise<number>;
  stop(): Promise<void>;
}
