/**
 * A subgraph's event runtime: the outbox relay (outbox_event → transport) and its idempotent consumers
 * (transport → handler, with processed_event recorded in the handler's own transaction).
 */
import pg from 'pg';
import { metrics } from '../metrics';
import { parseEnvelope, type EventEnvelope } from './envelope';
import { OUTBOX_NOTIFY_CHANNEL } from './outbox';
import { ACK_WAIT_MS, errorText, sleep, Waker } from './support';
import { PoisonMessageError, type EventHandlerDef, type EventRuntime, type EventRuntimeOptions, type Subscription } from './types';

/** Advisory lock key of the relay ("ecomify outbox relay"): one relay per database at a time keeps events in order. */
const RELAY_LOCK = 7_316_402_116;
const RELAY_BATCH = 100;
const LAG_INTERVAL_MS = 15_000;
const OUTBOX_RETENTION = '7 days';

/** Starts the outbox relay and the subgraph's durable consumers; `stop()` drains both. */
export async function startEventRuntime(opts: EventRuntimeOptions): Promise<EventRuntime> {
  const log = opts.logger.child({ component: 'events' });
  const pollMs = opts.pollMs ?? 1_000;
  const stopping = new AbortController();
  const waker = new Waker();
  const pool = new pg.Pool({ connectionString: opts.databaseUrl, max: 2, application_name: `ecomify-${opts.service}-relay` });
  // A dropped connection must not crash the process; the pool replaces it.
  pool.on('error', () => undefined);

  const seen = new Set<string>();
  for (const def of opts.handlers) {
    if (seen.has(def.durable)) throw new Error(`Two event handlers share the durable name "${def.durable}"; each needs its own`);
    seen.add(def.durable);
  }

  /** One relay pass: publishes up to a batch in created_at order and stops at the first failure to keep order. */
  async function relayBatch(): Promise<{ published: number; more: boolean }> {
    const c = await pool.connect();
    try {
      await c.query('BEGIN');
      const { rows: lock } = await c.query<{ ok: boolean }>('SELECT pg_try_advisory_xact_lock($1) AS ok', [RELAY_LOCK]);
      if (!lock[0].ok) {
        await c.query('COMMIT');
        return { published: 0, more: false };
      }
      const { rows } = await c.query<{ id: string; envelope: EventEnvelope; attempts: number }>(
        `SELECT "id", "envelope", "attempts" FROM "outbox_event" WHERE "published_at" IS NULL
         ORDER BY "created_at", "id" COLLATE "C" LIMIT ${RELAY_BATCH} FOR UPDATE SKIP LOCKED`,
      );
      let published = 0;
      let failed = false;
      for (const row of rows) {
        try {
          await opts.transport.publish(row.envelope);
          await c.query(`UPDATE "outbox_event" SET "published_at" = now() WHERE "id" = $1`, [row.id]);
          published++;
        } catch (err) {
          failed = true;
          await c.query(`UPDATE "outbox_event" SET "attempts" = "attempts" + 1, "last_error" = $2 WHERE "id" = $1`, [
            row.id,
            errorText(err),
          ]);
          // A transport outage fails every poll; say so once per event, not once a second.
          if (row.attempts === 0) log.warn({ eventId: row.id, err: errorText(err) }, 'outbox publish failed; kept for retry');
          break;
        }
      }
      // Should the commit fail after a publish, the row is published again later and de-duplicated by its id.
      await c.query('COMMIT');
      return { published, more: !failed && rows.length === RELAY_BATCH };
    } catch (err) {
      await c.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      c.release();
    }
  }

  let chain: Promise<unknown> = Promise.resolve();
  let lastCleanup = 0;
  function flush(): Promise<number> {
    const run = async () => {
      let total = 0;
      for (;;) {
        const { published, more } = await relayBatch();
        total += published;
        if (!more) break;
      }
      const { rows } = await pool.query<{ n: string }>(`SELECT count(*) AS n FROM "outbox_event" WHERE "published_at" IS NULL`);
      metrics.outboxBacklog().set(Number(rows[0].n));
      if (Date.now() - lastCleanup > 60 * 60_000) {
        lastCleanup = Date.now();
        await pool.query(`DELETE FROM "outbox_event" WHERE "published_at" < now() - interval '${OUTBOX_RETENTION}'`);
      }
      return total;
    };
    // Passes never overlap within a process (the advisory lock handles other replicas).
    const next = chain.then(run, run);
    chain = next.catch(() => undefined);
    return next;
  }

  async function listen(): Promise<void> {
    while (!stopping.signal.aborted) {
      const client = new pg.Client({ connectionString: opts.databaseUrl, application_name: `ecomify-${opts.service}-relay-listen` });
      try {
        const ended = new Promise<void>((resolve) => {
          client.on('error', () => resolve());
          client.on('end', () => resolve());
          stopping.signal.addEventListener('abort', () => resolve(), { once: true });
        });
        client.on('notification', () => waker.wake());
        await client.connect();
        await client.query(`LISTEN ${OUTBOX_NOTIFY_CHANNEL}`);
        waker.wake();
        await ended;
      } catch (err) {
        if (!stopping.signal.aborted) log.warn({ err: errorText(err) }, 'outbox LISTEN failed; polling until it is back');
      } finally {
        await client.end().catch(() => undefined);
      }
      await sleep(1_000, stopping.signal);
    }
  }

  async function relayLoop(): Promise<void> {
    while (!stopping.signal.aborted) {
      const generation = waker.generation;
      try {
        await flush();
      } catch (err) {
        if (!stopping.signal.aborted) log.warn({ err: errorText(err) }, 'outbox relay pass failed');
      }
      await waker.wait(pollMs, stopping.signal, generation);
    }
  }

  function consumerFor(def: EventHandlerDef) {
    return async (raw: EventEnvelope) => {
      let event: EventEnvelope;
      try {
        event = parseEnvelope(def.contract, raw);
      } catch (err) {
        metrics.eventsHandled().inc({ consumer: def.durable, result: 'poison' });
        throw new PoisonMessageError(`${raw.type} v${raw.version} (${raw.id}) breaks its contract: ${errorText(err)}`, { cause: err });
      }
      const elog = log.child({ consumer: def.durable, eventId: event.id, eventType: event.type, correlationId: event.correlationId });
      let handled = false;
      try {
        await opts.db.$transaction(
          async (tx) => {
            const inserted = await tx.$executeRawUnsafe(
              `INSERT INTO "processed_event" ("consumer", "event_id", "processed_at") VALUES ($1, $2, now()) ON CONFLICT DO NOTHING`,
              def.durable,
              event.id,
            );
            // Already handled (a redelivery, a replay to another consumer, a relay retry): nothing to do.
            if (inserted === 0) return;
            await def.handle(event, tx, elog);
            handled = true;
            // Prisma's 5 s default would cut off a handler that the transport still considers in progress.
          },
          { maxWait: 10_000, timeout: ACK_WAIT_MS },
        );
      } catch (err) {
        metrics.eventsHandled().inc({ consumer: def.durable, result: 'failed' });
        throw err;
      }
      metrics.eventsHandled().inc({ consumer: def.durable, result: handled ? 'handled' : 'duplicate' });
    };
  }

  async function lagLoop(): Promise<void> {
    while (!stopping.signal.aborted) {
      for (const def of opts.handlers) {
        try {
          metrics.consumerLag().set({ consumer: def.durable }, await opts.transport.pending(def.durable));
        } catch {
          // Lag is best effort: a transport outage already shows in readiness.
        }
      }
      await sleep(LAG_INTERVAL_MS, stopping.signal);
    }
  }

  const subscriptions: Subscription[] = [];
  try {
    for (const def of opts.handlers) {
      subscriptions.push(
        await opts.transport.subscribe({
          durable: def.durable,
          subjects: [def.contract.subject],
          maxDeliver: opts.maxDeliver,
          backoffMs: opts.backoffMs,
          handler: consumerFor(def),
        }),
      );
    }
  } catch (err) {
    await Promise.all(subscriptions.map((s) => s.stop()));
    await pool.end().catch(() => undefined);
    throw err;
  }

  const loops = [listen(), relayLoop(), opts.handlers.length ? lagLoop() : Promise.resolve()];
  log.debug({ consumers: opts.handlers.map((h) => h.durable), transport: opts.transport.kind }, 'event runtime started');

  let stopped: Promise<void> | undefined;
  return {
    flush,
    stop() {
      return (stopped ??= (async () => {
        stopping.abort();
        waker.wake();
        await Promise.all(subscriptions.map((s) => s.stop()));
        await Promise.all(loops);
        await chain;
        await pool.end().catch(() => undefined);
      })());
    },
  };
}
