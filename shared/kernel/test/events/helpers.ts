import { randomUUID } from 'node:crypto';
import path from 'node:path';
import pg from 'pg';
import pino from 'pino';
import { z } from 'zod';
import { createEnvelope, defineEvent, type EventEnvelope } from '../../src/events/envelope';
import type { TransactionalDb } from '../../src/events/types';

export const MIGRATIONS = path.join(__dirname, '..', 'fixtures', 'events', 'migrations');
export const NATS_URL = process.env.TEST_NATS_URL ?? 'nats://127.0.0.1:4222';
export const logger = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });

/** A test contract of its own per test: a new durable consumer receives its stream's history, so tests must not share subjects. */
export function widgetContract(entity: string) {
  return defineEvent({
    subject: `ecomify.kerneltest.${entity}.created`,
    version: 1,
    description: 'A widget was created (test contract).',
    schema: z.object({ widgetId: z.string() }),
  });
}

export type WidgetContract = ReturnType<typeof widgetContract>;

/** A namespace of its own per test file, so parallel runs on one NATS or database never meet. */
export function randomNamespace(): string {
  return `t${randomUUID().replace(/-/g, '').slice(0, 12)}`;
}

export function widget(contract: WidgetContract, widgetId: string = randomUUID()): EventEnvelope<{ widgetId: string }> {
  return createEnvelope(contract, { widgetId }, { correlationId: randomUUID() });
}

/** Polls until `check` returns a truthy value; fails naming `what` when it never does. */
export async function waitFor<T>(what: string, check: () => T | Promise<T>, timeoutMs = 30_000): Promise<NonNullable<T>> {
  const until = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v) return v as NonNullable<T>;
    } catch (err) {
      last = err;
    }
    if (Date.now() > until) throw new Error(`Timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export type Tx = { $executeRawUnsafe(q: string, ...v: unknown[]): Promise<number>; query: pg.PoolClient['query'] };

/** The Prisma surface the runtime needs ($transaction + $executeRawUnsafe), over plain pg. */
export function pgDb(url: string): TransactionalDb & { pool: pg.Pool; close(): Promise<void> } {
  const pool = new pg.Pool({ connectionString: url, max: 4 });
  pool.on('error', () => undefined);
  return {
    pool,
    async $transaction<T>(fn: (tx: Tx) => Promise<T>, _options?: { maxWait?: number; timeout?: number }): Promise<T> {
      const c = await pool.connect();
      try {
        await c.query('BEGIN');
        const out = await fn({
          $executeRawUnsafe: async (q, ...v) => (await c.query(q, v)).rowCount ?? 0,
          query: c.query.bind(c) as Tx['query'],
        });
        await c.query('COMMIT');
        return out;
      } catch (err) {
        await c.query('ROLLBACK').catch(() => undefined);
        throw err;
      } finally {
        c.release();
      }
    },
    close: () => pool.end(),
  };
}

/** How many times each consumer's handler committed work for an event. */
export async function handledCount(db: { pool: pg.Pool }, consumer: string, eventId: string): Promise<number> {
  const { rows } = await db.pool.query('SELECT count(*)::int AS n FROM handled WHERE consumer = $1 AND event_id = $2', [consumer, eventId]);
  return rows[0].n;
}
