/**
 * Embedded event transport for machines without NATS: an append-only event log in the platform PostgreSQL
 * database, shared by every subgraph process. Same guarantees as JetStream: durable, at-least-once,
 * de-duplicated by event id, per-consumer position, retry with backoff, dead letters with list/replay.
 *
 * Publishers append under a per-namespace advisory lock, so sequence numbers become visible in order and a
 * consumer can keep a simple "read up to" position. Each consumer copies new matching events into its own
 * delivery rows; replicas of one consumer claim those rows with FOR UPDATE SKIP LOCKED and hold them by a
 * lease (`next_at`), which a crash simply lets expire. NOTIFY wakes consumers at once; a poll catches the rest.
 */
import pg from 'pg';
import type { Logger } from 'pino';
import { ensureDatabase } from '../db/client';
import { envelopeSchema, type EventEnvelope } from './envelope';
import { ACK_WAIT_MS, backoffFor, checkDurable, checkNamespace, errorText, RETENTION_MS, traceHeaders, Waker } from './support';
import { isPoison, type DeadLetter, type EventTransport, type SubscribeOptions, type Subscription } from './types';

export interface EmbeddedTransportOptions {
  /** The platform database every process of the platform shares. */
  url: string;
  service: string;
  logger: Logger;
  /** Keeps deployments or test runs sharing one database apart. */
  namespace?: string;
  /** Deliveries before dead-lettering when a subscriber does not say (EVENTS_MAX_DELIVER). */
  maxDeliver: number;
  /** Poll interval in ms, the fallback for a missed NOTIFY and the clock for backoff (default 1000). */
  pollMs?: number;
}

const SCHEMA = 'ecomify_events';
const CHANNEL = 'ecomify_events';
/** Advisory lock key for creating the tables ("ecomify events ddl"); any constant works if it is unique to us. */
const DDL_LOCK = 7_316_402_115;
const BATCH = 16;

const DDL = `
CREATE SCHEMA IF NOT EXISTS ${SCHEMA};
CREATE TABLE IF NOT EXISTS ${SCHEMA}.message (
  seq          bigserial PRIMARY KEY,
  namespace    text NOT NULL,
  msg_id       text NOT NULL,
  subject      text NOT NULL,
  envelope     jsonb NOT NULL,
  headers      jsonb NOT NULL DEFAULT '{}'::jsonb,
  published_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (namespace, msg_id)
);
CREATE INDEX IF NOT EXISTS message_namespace_seq ON ${SCHEMA}.message (namespace, seq);
CREATE TABLE IF NOT EXISTS ${SCHEMA}.consumer (
  namespace  text NOT NULL,
  name       text NOT NULL,
  subjects   text[] NOT NULL,
  position   bigint NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (namespace, name)
);
CREATE TABLE IF NOT EXISTS ${SCHEMA}.delivery (
  namespace  text NOT NULL,
  consumer   text NOT NULL,
  seq        bigint NOT NULL,
  deliveries int NOT NULL DEFAULT 0,
  next_at    timestamptz NOT NULL DEFAULT now(),
  last_error text,
  PRIMARY KEY (namespace, consumer, seq)
);
CREATE INDEX IF NOT EXISTS delivery_due ON ${SCHEMA}.delivery (namespace, consumer, next_at);
CREATE TABLE IF NOT EXISTS ${SCHEMA}.dead_letter (
  id         bigserial PRIMARY KEY,
  namespace  text NOT NULL,
  consumer   text NOT NULL,
  seq        bigint NOT NULL,
  subject    text NOT NULL,
  envelope   jsonb NOT NULL,
  deliveries int NOT NULL,
  last_error text NOT NULL,
  dead_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS dead_letter_consumer ON ${SCHEMA}.dead_letter (namespace, consumer, id);
`;

/** Subject filter as SQL over `subjects text[]`: exact subjects, or `prefix.>` for everything under a prefix. */
const MATCHES = `EXISTS (SELECT 1 FROM unnest(c.subjects) s
  WHERE m.subject = s OR (right(s, 2) = '.>' AND left(m.subject, length(s) - 1) = left(s, length(s) - 1)))`;

interface Claimed {
  seq: string;
  deliveries: number;
  subject: string;
  envelope: unknown;
}

/** Creates the embedded transport's tables (idempotent, safe when several processes start at once). */
export async function ensureEmbeddedEventSchema(url: string): Promise<void> {
  await ensureDatabase(url);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [DDL_LOCK]);
    try {
      await client.query(DDL);
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [DDL_LOCK]);
    }
  } finally {
    await client.end();
  }
}

/** Starts the embedded transport on the platform database (creating its tables when missing). */
export async function createEmbeddedTransport(opts: EmbeddedTransportOptions): Promise<EventTransport> {
  const ns = checkNamespace(opts.namespace);
  const pollMs = opts.pollMs ?? 1_000;
  const log = opts.logger.child({ component: 'events', transport: 'embedded' });
  await ensureEmbeddedEventSchema(opts.url);

  const pool = new pg.Pool({ connectionString: opts.url, max: 4, application_name: `ecomify-${opts.service}-events` });
  // A dropped connection must not crash the process; the pool replaces it.
  pool.on('error', () => undefined);
  const waker = new Waker();
  const closing = new AbortController();
  const subscriptions = new Set<Subscription>();
  let listener: Promise<void> | undefined;
  let lastTrim = 0;

  async function tx<T>(fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
    const c = await pool.connect();
    try {
      await c.query('BEGIN');
      const out = await fn(c);
      await c.query('COMMIT');
      return out;
    } catch (err) {
      await c.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      c.release();
    }
  }

  /** One LISTEN connection per transport, re-established after a database restart. */
  function listen(): Promise<void> {
    return (async () => {
      while (!closing.signal.aborted) {
        const client = new pg.Client({ connectionString: opts.url, application_name: `ecomify-${opts.service}-events-listen` });
        try {
          const ended = new Promise<void>((resolve) => {
            client.on('error', () => resolve());
            client.on('end', () => resolve());
            closing.signal.addEventListener('abort', () => resolve(), { once: true });
          });
          client.on('notification', (n) => {
            if ((n.payload ?? '') === ns) waker.wake();
          });
          await client.connect();
          await client.query(`LISTEN ${CHANNEL}`);
          // Anything published while we were not listening is found now rather than at the next poll.
          waker.wake();
          await ended;
        } catch (err) {
          if (!closing.signal.aborted) log.warn({ err: errorText(err) }, 'embedded events LISTEN failed; retrying');
        } finally {
          await client.end().catch(() => undefined);
        }
        await waker.wait(1_000, closing.signal);
      }
    })();
  }

  async function publishRow(msgId: string, envelope: EventEnvelope, headers: Record<string, string>): Promise<boolean> {
    return tx(async (c) => {
      // Serialising appends per namespace makes sequence order equal commit order, which consumer positions rely on.
      await c.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`ecomify_events:${ns}`]);
      const { rowCount } = await c.query(
        `INSERT INTO ${SCHEMA}.message (namespace, msg_id, subject, envelope, headers) VALUES ($1, $2, $3, $4::jsonb, $5::jsonb)
         ON CONFLICT (namespace, msg_id) DO NOTHING`,
        [ns, msgId, envelope.type, JSON.stringify(envelope), JSON.stringify(headers)],
      );
      if (rowCount) await c.query('SELECT pg_notify($1, $2)', [CHANNEL, ns]);
      return Boolean(rowCount);
    });
  }

  /** Copies events past the consumer's position into its delivery rows; one replica at a time does it. */
  async function materialize(consumer: string): Promise<void> {
    await tx(async (c) => {
      const { rows } = await c.query<{ position: string }>(
        `SELECT position FROM ${SCHEMA}.consumer WHERE namespace = $1 AND name = $2 FOR UPDATE SKIP LOCKED`,
        [ns, consumer],
      );
      if (!rows.length) return;
      // Read the high-water mark first: everything at or below it is committed (appends are serialised).
      const { rows: hi } = await c.query<{ hi: string | null }>(`SELECT max(seq) AS hi FROM ${SCHEMA}.message WHERE namespace = $1`, [ns]);
      const top = hi[0].hi;
      if (top === null || BigInt(top) <= BigInt(rows[0].position)) return;
      await c.query(
        `INSERT INTO ${SCHEMA}.delivery (namespace, consumer, seq)
         SELECT $1, $2, m.seq FROM ${SCHEMA}.message m, ${SCHEMA}.consumer c
         WHERE c.namespace = $1 AND c.name = $2 AND m.namespace = $1 AND m.seq > c.position AND m.seq <= $3 AND ${MATCHES}
         ON CONFLICT DO NOTHING`,
        [ns, consumer, top],
      );
      await c.query(`UPDATE ${SCHEMA}.consumer SET position = $3 WHERE namespace = $1 AND name = $2`, [ns, consumer, top]);
    });
  }

  async function claim(consumer: string): Promise<Claimed[]> {
    const { rows } = await pool.query<Claimed>(
      `UPDATE ${SCHEMA}.delivery d SET deliveries = d.deliveries + 1, next_at = now() + make_interval(secs => $3::double precision / 1000)
       FROM ${SCHEMA}.message m
       WHERE m.seq = d.seq AND (d.namespace, d.consumer, d.seq) IN (
         SELECT namespace, consumer, seq FROM ${SCHEMA}.delivery
         WHERE namespace = $1 AND consumer = $2 AND next_at <= now()
         ORDER BY seq LIMIT ${BATCH} FOR UPDATE SKIP LOCKED)
       RETURNING d.seq, d.deliveries, m.subject, m.envelope`,
      [ns, consumer, ACK_WAIT_MS],
    );
    return rows.sort((a, b) => (BigInt(a.seq) < BigInt(b.seq) ? -1 : 1));
  }

  async function trim(): Promise<void> {
    if (Date.now() - lastTrim < 60 * 60_000) return;
    lastTrim = Date.now();
    // Like a stream's max_age, but never drops an event a consumer still owes or an operator may replay.
    await pool.query(
      `DELETE FROM ${SCHEMA}.message m WHERE m.namespace = $1 AND m.published_at < now() - make_interval(secs => $2::double precision / 1000)
       AND NOT EXISTS (SELECT 1 FROM ${SCHEMA}.delivery d WHERE d.namespace = m.namespace AND d.seq = m.seq)
       AND NOT EXISTS (SELECT 1 FROM ${SCHEMA}.dead_letter x WHERE x.namespace = m.namespace AND x.seq = m.seq)
       AND m.seq < (SELECT coalesce(min(position), 0) FROM ${SCHEMA}.consumer WHERE namespace = $1)`,
      [ns, RETENTION_MS],
    );
  }

  function consume(sub: SubscribeOptions, signal: AbortSignal): Promise<void> {
    const maxDeliver = sub.maxDeliver ?? opts.maxDeliver;
    const slog = log.child({ consumer: sub.durable });
    const key = (seq: string) => [ns, sub.durable, seq];

    async function handle(d: Claimed) {
      const parsed = envelopeSchema.safeParse(d.envelope);
      let failure: { error: string; final: boolean } | undefined;
      if (!parsed.success) {
        failure = { error: `malformed envelope: ${errorText(parsed.error)}`, final: true };
      } else {
        const heartbeat = setInterval(() => {
          pool
            .query(
              `UPDATE ${SCHEMA}.delivery SET next_at = now() + make_interval(secs => $4::double precision / 1000)
               WHERE namespace = $1 AND consumer = $2 AND seq = $3`,
              [...key(d.seq), ACK_WAIT_MS],
            )
            .catch(() => undefined);
        }, ACK_WAIT_MS / 3);
        try {
          await sub.handler(parsed.data as EventEnvelope);
        } catch (err) {
          failure = { error: errorText(err), final: isPoison(err) || d.deliveries >= maxDeliver };
        } finally {
          clearInterval(heartbeat);
        }
      }
      if (!failure) {
        await pool.query(`DELETE FROM ${SCHEMA}.delivery WHERE namespace = $1 AND consumer = $2 AND seq = $3`, key(d.seq));
      } else if (failure.final) {
        await tx(async (c) => {
          await c.query(
            `INSERT INTO ${SCHEMA}.dead_letter (namespace, consumer, seq, subject, envelope, deliveries, last_error)
             VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7)`,
            [...key(d.seq), d.subject, JSON.stringify(d.envelope), d.deliveries, failure.error],
          );
          await c.query(`DELETE FROM ${SCHEMA}.delivery WHERE namespace = $1 AND consumer = $2 AND seq = $3`, key(d.seq));
        });
        slog.error({ seq: d.seq, deliveries: d.deliveries, error: failure.error }, 'event dead-lettered');
      } else {
        slog.warn({ seq: d.seq, deliveries: d.deliveries, error: failure.error }, 'event handler failed; will redeliver');
        const delay = backoffFor(d.deliveries, sub.backoffMs);
        if (delay < pollMs) waker.wakeIn(delay + 5);
        await pool.query(
          `UPDATE ${SCHEMA}.delivery SET next_at = now() + make_interval(secs => $4::double precision / 1000), last_error = $5
           WHERE namespace = $1 AND consumer = $2 AND seq = $3`,
          [...key(d.seq), delay, failure.error],
        );
      }
    }

    return (async () => {
      while (!signal.aborted) {
        let full = false;
        const generation = waker.generation;
        try {
          await materialize(sub.durable);
          const batch = await claim(sub.durable);
          full = batch.length === BATCH;
          for (let i = 0; i < batch.length; i++) {
            if (signal.aborted) {
              // Hand back what we claimed but did not start, instead of making other replicas wait out the lease.
              await pool.query(
                `UPDATE ${SCHEMA}.delivery SET next_at = now(), deliveries = deliveries - 1
                 WHERE namespace = $1 AND consumer = $2 AND seq = ANY($3::bigint[])`,
                [ns, sub.durable, batch.slice(i).map((d) => d.seq)],
              );
              break;
            }
            await handle(batch[i]);
          }
          await trim();
        } catch (err) {
          if (!signal.aborted) slog.warn({ err: errorText(err) }, 'embedded consumer error; retrying');
        }
        if (!full) await waker.wait(pollMs, signal, generation);
      }
    })();
  }

  const transport: EventTransport = {
    kind: 'embedded',

    async publish(envelope) {
      return { stored: await publishRow(envelope.id, envelope, traceHeaders(envelope)) };
    },

    async subscribe(sub) {
      checkDurable(sub.durable);
      if (sub.subjects.length === 0) throw new Error(`Consumer ${sub.durable} subscribes to no subjects`);
      // A new consumer starts at the beginning of the log, like a JetStream durable with DeliverPolicy.All.
      await pool.query(
        `INSERT INTO ${SCHEMA}.consumer (namespace, name, subjects) VALUES ($1, $2, $3)
         ON CONFLICT (namespace, name) DO UPDATE SET subjects = EXCLUDED.subjects`,
        [ns, sub.durable, sub.subjects],
      );
      listener ??= listen();
      const stop = new AbortController();
      closing.signal.addEventListener('abort', () => stop.abort(), { once: true });
      const loop = consume(sub, stop.signal);
      const subscription: Subscription = {
        async stop() {
          stop.abort();
          await loop;
          subscriptions.delete(subscription);
        },
      };
      subscriptions.add(subscription);
      return subscription;
    },

    async pending(durable) {
      const { rows } = await pool.query<{ n: string }>(
        `SELECT (SELECT count(*) FROM ${SCHEMA}.delivery WHERE namespace = $1 AND consumer = $2)
              + (SELECT count(*) FROM ${SCHEMA}.message m, ${SCHEMA}.consumer c
                 WHERE c.namespace = $1 AND c.name = $2 AND m.namespace = $1 AND m.seq > c.position AND ${MATCHES}) AS n`,
        [ns, durable],
      );
      return Number(rows[0].n);
    },

    dlq: {
      async list(filter = {}) {
        const { rows } = await pool.query(
          `SELECT id, consumer, subject, envelope, deliveries, last_error, dead_at FROM ${SCHEMA}.dead_letter
           WHERE namespace = $1 AND ($2::text IS NULL OR consumer = $2) ORDER BY id LIMIT $3`,
          [ns, filter.consumer ?? null, filter.limit ?? 100],
        );
        return rows.map(
          (r): DeadLetter => ({
            id: String(r.id),
            consumer: r.consumer,
            subject: r.subject,
            envelope: r.envelope,
            deliveries: r.deliveries,
            lastError: r.last_error,
            deadAt: new Date(r.dead_at).toISOString(),
          }),
        );
      },

      async replay(sel) {
        if (!sel.ids?.length && !sel.consumer && !sel.all) throw new Error('dlq.replay needs ids, a consumer or all: true');
        const replayed = await tx(async (c) => {
          // The event goes back to exactly the consumer that gave up on it, with a fresh delivery count.
          const { rows } = await c.query<{ consumer: string; seq: string }>(
            `DELETE FROM ${SCHEMA}.dead_letter
             WHERE namespace = $1 AND ($2::bigint[] IS NULL OR id = ANY($2::bigint[])) AND ($3::text IS NULL OR consumer = $3)
             RETURNING consumer, seq`,
            [ns, sel.ids?.length ? sel.ids.map(Number) : null, sel.consumer ?? null],
          );
          for (const r of rows) {
            await c.query(
              `INSERT INTO ${SCHEMA}.delivery (namespace, consumer, seq) VALUES ($1, $2, $3)
               ON CONFLICT (namespace, consumer, seq) DO UPDATE SET deliveries = 0, next_at = now(), last_error = NULL`,
              [ns, r.consumer, r.seq],
            );
          }
          if (rows.length) await c.query('SELECT pg_notify($1, $2)', [CHANNEL, ns]);
          return rows.length;
        });
        return replayed;
      },
    },

    async ping() {
      await pool.query('SELECT 1');
    },

    async close() {
      closing.abort();
      await Promise.all([...subscriptions].map((s) => s.stop()));
      await listener;
      await pool.end().catch(() => undefined);
    },
  };
  return transport;
}
