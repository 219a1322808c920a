/**
 * Pieces both transports share: defaults, namespace rules, trace headers, backoff and small async helpers.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { EventEnvelope } from './envelope';

/** Redelivery backoff when a subscriber gives none (the n-th failure waits the n-th value; the last repeats). */
export const DEFAULT_BACKOFF_MS = [1_000, 5_000, 30_000, 120_000, 600_000];
/** How long a delivered event may stay unacknowledged before it is redelivered; handlers extend it while working. */
export const ACK_WAIT_MS = 30_000;
/** JetStream duplicate window: longer than any relay retry, so a republished outbox row is recognised. */
export const DUPLICATE_WINDOW_MS = 60 * 60_000;
/** How long events stay in a stream (and in the embedded log): a consumer may be down this long without losing events. */
export const RETENTION_MS = 7 * 24 * 60 * 60_000;

const NAMESPACE = /^[a-z0-9][a-z0-9_-]{0,62}$/i;
const DURABLE = /^[a-z0-9][a-z0-9._-]{0,127}$/i;

/** Validates a namespace; empty string means none. */
export function checkNamespace(namespace: string | undefined): string {
  const ns = namespace ?? '';
  if (ns && !NAMESPACE.test(ns)) throw new Error(`Event namespace "${ns}" must be letters, digits, "_" or "-" (at most 63)`);
  return ns;
}

/** Validates a durable consumer name (it becomes part of subjects and consumer names). */
export function checkDurable(durable: string): void {
  if (!DURABLE.test(durable)) throw new Error(`Durable consumer name "${durable}" must be letters, digits, ".", "_" or "-"`);
}

/** Delay before the next delivery after `deliveries` failed ones. */
export function backoffFor(deliveries: number, backoffMs: number[] = DEFAULT_BACKOFF_MS): number {
  if (backoffMs.length === 0) return 0;
  return backoffMs[Math.min(Math.max(deliveries, 1), backoffMs.length) - 1];
}

/**
 * W3C trace context derived from the envelope. There is no tracer in the kernel, so the correlation id
 * (the request id that caused the event) is the trace id, which is what lets logs and traces line up.
 */
export function traceHeaders(envelope: EventEnvelope): Record<string, string> {
  const hex = (s: string, n: number) =>
    /^[0-9a-f]+$/.test(s) && s.length === n ? s : createHash('sha256').update(s).digest('hex').slice(0, n);
  const headers: Record<string, string> = {
    traceparent: `00-${hex(envelope.correlationId.replace(/-/g, ''), 32)}-${hex(envelope.id, 16)}-01`,
    'Ecomify-Correlation-Id': envelope.correlationId,
    'Ecomify-Event-Type': envelope.type,
  };
  if (envelope.causationId) headers['Ecomify-Causation-Id'] = envelope.causationId;
  return headers;
}

/** Header values cannot hold line breaks, and a dead letter's error need not be a novel. */
export function oneLine(text: string, max = 1000): string {
  const flat = text.replace(/[\r\n]+/g, ' ').trim();
  return flat.length > max ? flat.slice(0, max - 1) + '…' : flat;
}

export function errorText(err: unknown): string {
  if (err instanceof Error) return oneLine(`${err.name}: ${err.message}`);
  return oneLine(String(err));
}

/** A sleep that ends early when `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** Rejects with `message` when `promise` takes longer than `ms`. */
export function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(message)), ms);
    }),
  ]);
}

/**
 * A wake-up latch: `wait(ms, since)` resolves on the next `wake()` or after `ms`. Passing the `generation`
 * read before doing the work means a wake that arrived meanwhile is not lost.
 */
export class Waker {
  generation = 0;
  private waiters = new Set<() => void>();
  wake(): void {
    this.generation++;
    const waiters = [...this.waiters];
    this.waiters.clear();
    for (const w of waiters) w();
  }
  wait(ms: number, signal?: AbortSignal, since?: number): Promise<void> {
    return new Promise((resolve) => {
      if (signal?.aborted || (since !== undefined && since !== this.generation)) return resolve();
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(done);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.waiters.add(done);
      signal?.addEventListener('abort', done, { once: true });
    });
  }
  /** Wakes after `ms` (a redelivery coming due sooner than the next poll). */
  wakeIn(ms: number): void {
    setTimeout(() => this.wake(), ms).unref();
  }
}

let lastMs = 0;
let counter = 0;

/**
 * A UUIDv7 that sorts in creation order within this process, even within one millisecond (a 12-bit counter,
 * borrowing the next millisecond on overflow). Outbox rows of one transaction share created_at, so this is
 * what keeps them in the order they were recorded.
 */
export function orderedEventId(): string {
  let ms = Date.now();
  if (ms <= lastMs) {
    ms = lastMs;
    if (++counter > 0xfff) {
      ms = ++lastMs;
      counter = 0;
    }
  } else {
    counter = 0;
  }
  lastMs = ms;
  const rand = randomBytes(8);
  const hex =
    ms.toString(16).padStart(12, '0') +
    (0x7000 | counter).toString(16) +
    ((rand[0] & 0x3f) | 0x80).toString(16).padStart(2, '0') +
    rand.subarray(1).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
