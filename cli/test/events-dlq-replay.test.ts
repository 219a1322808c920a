// The DLQ round trip an operator does: a handler keeps failing, its event is dead-lettered,
// `ecomify events dlq list` shows it, the handler is fixed, `ecomify events dlq replay` delivers it again — once.
// Real NATS JetStream under a random namespace; the consumer runs in this test process, the CLI as a user runs it.
import { connect } from 'nats';
import { z } from 'zod';
import { createEnvelope, createEventTransport, defineEvent, type EventTransport } from '@ecomify/kernel/events';
import { createLogger } from '@ecomify/kernel/logging';
import { ecomify, randomLetters } from './helpers';

jest.setTimeout(90_000);

const NATS_URL = process.env.TEST_NATS_URL ?? 'nats://127.0.0.1:4222';
const namespace = `clidlq${randomLetters()}`;
const somethingHappened = defineEvent({
  subject: 'ecomify.clitest.thing.happened',
  version: 1,
  description: 'Test-only event.',
  schema: z.object({ thingId: z.string() }),
});

async function until<T>(what: string, probe: () => Promise<T | undefined | false>, ms = 30_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

let transport: EventTransport;

afterAll(async () => {
  await transport?.close();
  const nc = await connect({ servers: NATS_URL });
  const jsm = await nc.jetstreamManager();
  for await (const name of jsm.streams.names()) if (name.startsWith(`${namespace.toUpperCase()}_`)) await jsm.streams.delete(name);
  await nc.close();
});

it('dead-letters a failing event, lists it, and replays it once to the fixed handler', async () => {
  const env = { NATS_URL, EVENTS_NAMESPACE: namespace };
  transport = await createEventTransport({
    config: { NATS_URL, EVENTS_MAX_DELIVER: 2, env: 'test' } as never,
    service: 'clitest',
    logger: createLogger('clitest', { level: 'silent' }),
    namespace,
  });
  let fixed = false;
  const handled: string[] = [];
  await transport.subscribe({
    durable: 'clitest.flaky-handler',
    subjects: [somethingHappened.subject],
    maxDeliver: 2,
    backoffMs: [50],
    handler: async (event) => {
      if (!fixed) throw new Error('downstream refused the thing');
      handled.push(event.id);
    },
  });
  const envelope = createEnvelope(somethingHappened, { thingId: 't-1' }, { correlationId: 'c-1' });
  await transport.publish(envelope);

  await until('the dead letter', async () => (await transport.dlq.list()).length === 1);
  const listed = await ecomify(['events', 'dlq', 'list', '--json'], { env });
  expect(listed.code).toBe(0);
  expect(listed.json.result.deadLetters).toEqual([
    expect.objectContaining({
      consumer: 'clitest.flaky-handler',
      subject: 'ecomify.clitest.thing.happened',
      deliveries: 2,
      lastError: expect.stringContaining('downstream refused the thing'),
      envelope: expect.objectContaining({ id: envelope.id }),
    }),
  ]);
  expect(handled).toEqual([]);

  fixed = true;
  const replayed = await ecomify(['events', 'dlq', 'replay', '--consumer', 'clitest.flaky-handler', '--json'], { env });
  expect(replayed.code).toBe(0);
  expect(replayed.json).toMatchObject({ ok: true, command: 'events dlq replay' });

  await until('the replayed delivery', async () => handled.length > 0);
  expect(handled).toEqual([envelope.id]);
  const after = await ecomify(['events', 'dlq', 'list', '--json'], { env });
  expect(after.json.result.deadLetters).toEqual([]);
  // A second replay finds nothing, so nothing is delivered twice.
  await ecomify(['events', 'dlq', 'replay', '--all', '--json'], { env });
  await new Promise((r) => setTimeout(r, 300));
  expect(handled).toEqual([envelope.id]);
});
