import { dropDatabase } from '../../src/db';
import type { EventEnvelope } from '../../src/events/envelope';
import { createEventTransport } from '../../src/events/transport';
import type { EventTransport } from '../../src/events/types';
import { testDatabaseUrl } from '../../src/testing';
import { logger, randomNamespace, waitFor, widget, widgetContract } from './helpers';
import { transportSuite } from './suite';

// The platform database is created by the transport itself, as on a bare machine.
const PLATFORM_DATABASE_URL = testDatabaseUrl('kernel_events_platform');
const namespace = randomNamespace();
const config = { PLATFORM_DATABASE_URL, EVENTS_MAX_DELIVER: 5, env: 'test' as const };
const make = (ns = namespace) => createEventTransport({ config, service: 'kerneltest', logger, namespace: ns });

beforeAll(async () => {
  await dropDatabase(PLATFORM_DATABASE_URL);
});

transportSuite('embedded', () => ({ make: () => make(), makeElsewhere: () => make(randomNamespace()) }));

describe('embedded transport across processes', () => {
  jest.setTimeout(60_000);
  const open: EventTransport[] = [];
  const start = async () => {
    const t = await make();
    open.push(t);
    return t;
  };
  afterEach(async () => {
    await Promise.all(open.splice(0).map((t) => t.close()));
  });

  it('creates its tables once when several processes start together', async () => {
    const ts = await Promise.all([start(), start(), start(), start()]);
    await Promise.all(ts.map((t) => t.ping()));
    expect(ts.every((t) => t.kind === 'embedded')).toBe(true);
  });

  it('delivers from one process to another, and replicas of one consumer share the work exactly once', async () => {
    const c = widgetContract('replicas');
    const [publisher, a, b] = [await start(), await start(), await start()];
    const byReplica: Record<string, string[]> = { a: [], b: [] };
    const handler = (replica: 'a' | 'b') => async (e: EventEnvelope) => {
      byReplica[replica].push(e.id);
      // Give the other replica a chance to claim the next one.
      await new Promise((r) => setImmediate(r));
    };
    await a.subscribe({ durable: 'kt.shared', subjects: [c.subject], handler: handler('a') });
    await b.subscribe({ durable: 'kt.shared', subjects: [c.subject], handler: handler('b') });
    const events = Array.from({ length: 40 }, () => widget(c));
    for (const e of events) await publisher.publish(e);
    await waitFor('all 40 events', () => byReplica.a.length + byReplica.b.length >= 40);
    const all = [...byReplica.a, ...byReplica.b];
    expect(all.sort()).toEqual(events.map((e) => e.id).sort());
  });

  it('survives a restart: events published while the consumer was down, and dead letters, are still there', async () => {
    const c = widgetContract('restart');
    const first = await start();
    const seen: string[] = [];
    const sub = await first.subscribe({
      durable: 'kt.restart',
      subjects: [c.subject],
      maxDeliver: 1,
      handler: async (e) => {
        if (e.data && (e.data as { widgetId: string }).widgetId === 'doomed') throw new Error('doomed');
        seen.push(e.id);
      },
    });
    const doomed = widget(c, 'doomed');
    await first.publish(doomed);
    await waitFor('the dead letter', async () => (await first.dlq.list({ consumer: 'kt.restart' })).length === 1);
    await sub.stop();
    await first.close();
    open.splice(open.indexOf(first), 1);

    const publisher = await start();
    const whileDown = widget(c);
    await publisher.publish(whileDown);
    await publisher.close();
    open.splice(open.indexOf(publisher), 1);

    const second = await start();
    const after: string[] = [];
    await second.subscribe({ durable: 'kt.restart', subjects: [c.subject], handler: async (e) => void after.push(e.id) });
    await waitFor('the event published while down', () => after.includes(whileDown.id));
    const [dead] = await second.dlq.list({ consumer: 'kt.restart' });
    expect(dead).toMatchObject({ deliveries: 1, lastError: 'Error: doomed', envelope: { id: doomed.id } });
    expect(await second.dlq.replay({ ids: [dead.id] })).toBe(1);
    await waitFor('the replayed dead letter', () => after.includes(doomed.id));
    expect(after.filter((id) => id === whileDown.id)).toHaveLength(1);
    expect(seen).not.toContain(whileDown.id);
  });
});

afterAll(async () => {
  await dropDatabase(PLATFORM_DATABASE_URL);
});
