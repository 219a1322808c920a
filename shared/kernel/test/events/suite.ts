/**
 * The behaviour every event transport must show, run against JetStream and the embedded transport alike.
 * Each test waits for conditions (bounded polls), never for a fixed time.
 */
import { randomUUID } from 'node:crypto';
import type { EventEnvelope } from '../../src/events/envelope';
import { recordEvent } from '../../src/events/outbox';
import { startEventRuntime } from '../../src/events/runtime';
import type { EventHandlerDef, EventRuntime, EventTransport } from '../../src/events/types';
import { prepareTestDatabase } from '../../src/testing';
import { handledCount, logger, MIGRATIONS, pgDb, waitFor, widget, widgetContract, type Tx, type WidgetContract } from './helpers';

export interface TransportFixture {
  /** A new transport instance in the suite's namespace (a new "process"). */
  make(): Promise<EventTransport>;
  /** A transport in a different namespace on the same server. */
  makeElsewhere(): Promise<EventTransport>;
}

export function transportSuite(name: string, fixture: () => TransportFixture): void {
  describe(`${name} transport`, () => {
    // Conditions are polled with their own bounds; jest's 5 s default is too tight on a loaded 2-core machine.
    jest.setTimeout(60_000);
    let f: TransportFixture;
    let transport: EventTransport;
    let db: ReturnType<typeof pgDb>;
    let dbUrl: string;
    const cleanups: (() => Promise<void>)[] = [];

    beforeAll(async () => {
      f = fixture();
      transport = await f.make();
      dbUrl = await prepareTestDatabase(`kernel_events_${name}`, MIGRATIONS);
      db = pgDb(dbUrl);
    });

    afterEach(async () => {
      while (cleanups.length) await cleanups.pop()!();
    });

    afterAll(async () => {
      await transport.close();
      await db.close();
    });

    function collect(contract: WidgetContract, durable: string, handler?: (e: EventEnvelope) => Promise<void>) {
      const seen: EventEnvelope[] = [];
      const ready = transport.subscribe({
        durable,
        subjects: [contract.subject],
        backoffMs: [20],
        handler: async (e) => {
          seen.push(e);
          await handler?.(e);
        },
      });
      cleanups.push(async () => (await ready).stop());
      return { seen, ready };
    }

    async function runtime(handlers: EventHandlerDef[], maxDeliver = 3): Promise<EventRuntime> {
      const rt = await startEventRuntime({
        service: 'kerneltest',
        transport,
        db,
        databaseUrl: dbUrl,
        logger,
        handlers,
        maxDeliver,
        backoffMs: [20],
      });
      cleanups.push(() => rt.stop());
      return rt;
    }

    function recorder(
      contract: WidgetContract,
      durable: string,
      calls: Map<string, number>,
      fail?: () => string | undefined,
    ): EventHandlerDef {
      return {
        contract,
        durable,
        async handle(event, tx: Tx) {
          calls.set(event.id, (calls.get(event.id) ?? 0) + 1);
          await tx.$executeRawUnsafe('INSERT INTO handled (consumer, event_id) VALUES ($1, $2)', durable, event.id);
          const problem = fail?.();
          if (problem) throw new Error(problem);
        },
      };
    }

    async function writeToOutbox(contract: WidgetContract, ...events: string[]) {
      return db.$transaction(async (tx) => {
        const out = [];
        for (const widgetId of events) out.push(await recordEvent(tx, contract, { widgetId }, { correlationId: randomUUID() }));
        return out;
      });
    }

    it('delivers a published event and de-duplicates a second publish of the same id', async () => {
      const c = widgetContract('dedup');
      const { seen } = collect(c, 'kt.dedup');
      const event = widget(c);
      expect(await transport.publish(event)).toEqual({ stored: true });
      expect(await transport.publish(event)).toEqual({ stored: false });
      const barrier = widget(c);
      await transport.publish(barrier);
      await waitFor('the barrier event', () => seen.some((e) => e.id === barrier.id));
      expect(seen.filter((e) => e.id === event.id)).toHaveLength(1);
      expect(seen.find((e) => e.id === event.id)).toEqual(event);
    });

    it('keeps namespaces apart', async () => {
      const c = widgetContract('isolated');
      const other = await f.makeElsewhere();
      cleanups.push(() => other.close());
      const mine = collect(c, 'kt.isolated');
      const theirs: EventEnvelope[] = [];
      await other.subscribe({ durable: 'kt.isolated', subjects: [c.subject], handler: async (e) => void theirs.push(e) });
      const event = widget(c);
      await transport.publish(event);
      const barrier = widget(c);
      await other.publish(barrier);
      await waitFor('both deliveries', () => mine.seen.some((e) => e.id === event.id) && theirs.some((e) => e.id === barrier.id));
      expect(theirs.map((e) => e.id)).toEqual([barrier.id]);
      expect(mine.seen.map((e) => e.id)).not.toContain(barrier.id);
    });

    it('redelivers after a handler failure until it succeeds', async () => {
      const c = widgetContract('retry');
      let attempts = 0;
      const event = widget(c);
      const { seen } = collect(c, 'kt.retry', async (e) => {
        if (e.id === event.id && ++attempts < 3) throw new Error(`transient failure ${attempts}`);
      });
      await transport.publish(event);
      await waitFor('the third attempt', () => attempts >= 3);
      const barrier = widget(c);
      await transport.publish(barrier);
      await waitFor('the barrier event', () => seen.some((e) => e.id === barrier.id));
      expect(attempts).toBe(3);
      expect(await transport.dlq.list({ consumer: 'kt.retry' })).toEqual([]);
    });

    it('relays the outbox in order and the idempotent consumer handles each event once', async () => {
      const c = widgetContract('relay');
      const calls = new Map<string, number>();
      const rt = await runtime([recorder(c, 'kt.relay', calls)]);
      const events = await writeToOutbox(c, 'w1', 'w2', 'w3');
      await rt.flush();
      const { rows } = await db.pool.query('SELECT count(*)::int AS n FROM outbox_event WHERE id = ANY($1) AND published_at IS NULL', [
        events.map((e) => e.id),
      ]);
      expect(rows[0].n).toBe(0);
      // The relay already published these; publishing again (a relay retry) must not be handled twice.
      for (const e of events) expect((await transport.publish(e)).stored).toBe(false);
      await waitFor('all three handled', () => events.every((e) => calls.get(e.id) === 1));
      const { rows: handled } = await db.pool.query(`SELECT event_id FROM handled WHERE consumer = 'kt.relay' ORDER BY n`);
      expect(handled.map((r) => r.event_id)).toEqual(events.map((e) => e.id));
      const [barrier] = await writeToOutbox(c, 'w4');
      await waitFor('the barrier event', () => calls.get(barrier.id) === 1);
      for (const e of events) expect(await handledCount(db, 'kt.relay', e.id)).toBe(1);
    });

    it('dead-letters after max deliveries, lists it, and replay delivers it once to the consumer that gave up', async () => {
      const c = widgetContract('dead');
      let broken = true;
      const goodCalls = new Map<string, number>();
      const flakyCalls = new Map<string, number>();
      await runtime(
        [recorder(c, 'kt.good', goodCalls), recorder(c, 'kt.flaky', flakyCalls, () => (broken ? 'flaky handler is broken' : undefined))],
        3,
      );
      const [event] = await writeToOutbox(c, 'dead-1');

      const [dead] = await waitFor('a dead letter', async () => {
        const list = await transport.dlq.list({ consumer: 'kt.flaky' });
        return list.length ? list : undefined;
      });
      expect(dead).toMatchObject({ consumer: 'kt.flaky', subject: c.subject, deliveries: 3 });
      expect(dead.envelope.id).toBe(event.id);
      expect(dead.lastError).toContain('flaky handler is broken');
      expect(flakyCalls.get(event.id)).toBe(3);
      // The failed attempts rolled back, so nothing was recorded for the flaky consumer.
      expect(await handledCount(db, 'kt.flaky', event.id)).toBe(0);
      await waitFor('the good consumer', () => goodCalls.get(event.id) === 1);

      broken = false;
      expect(await transport.dlq.replay({ consumer: 'kt.flaky' })).toBe(1);
      await waitFor('the replayed event', () => flakyCalls.get(event.id) === 4);
      expect(await transport.dlq.list({ consumer: 'kt.flaky' })).toEqual([]);

      const [barrier] = await writeToOutbox(c, 'barrier');
      await waitFor('the barrier event', () => flakyCalls.get(barrier.id) === 1 && goodCalls.get(barrier.id) === 1);
      expect(flakyCalls.get(event.id)).toBe(4);
      expect(goodCalls.get(event.id)).toBe(1);
      expect(await handledCount(db, 'kt.flaky', event.id)).toBe(1);
      expect(await handledCount(db, 'kt.good', event.id)).toBe(1);
    });

    it('dead-letters an event that breaks its contract on the first delivery, without calling the handler', async () => {
      const c = widgetContract('poison');
      const calls = new Map<string, number>();
      await runtime([recorder(c, 'kt.strict', calls)], 5);
      const poison = { ...widget(c), data: { widgetId: 42 } } as unknown as EventEnvelope;
      await transport.publish(poison);
      const [dead] = await waitFor('the poison dead letter', async () => {
        const list = await transport.dlq.list({ consumer: 'kt.strict' });
        return list.length ? list : undefined;
      });
      expect(dead).toMatchObject({ deliveries: 1, envelope: { id: poison.id } });
      expect(dead.lastError).toMatch(/breaks its contract/);
      expect(calls.size).toBe(0);
      // Listing by id and replaying by id work too; the poison comes straight back.
      expect(await transport.dlq.replay({ ids: [dead.id] })).toBe(1);
      await waitFor('the poison dead-lettered again', async () => (await transport.dlq.list({ consumer: 'kt.strict' })).length === 1);
      expect(calls.size).toBe(0);
    });

    it('reports what a stopped durable consumer still has to process', async () => {
      const c = widgetContract('lag');
      const { seen, ready } = collect(c, 'kt.lag');
      const first = widget(c);
      await transport.publish(first);
      await waitFor('the first event', () => seen.some((e) => e.id === first.id));
      await (await ready).stop();
      await transport.publish(widget(c));
      await transport.publish(widget(c));
      await waitFor('a lag of two', async () => (await transport.pending('kt.lag')) === 2);
    });
  });
}
