// `events dlq` against the real NATS (JetStream) under a random namespace, so parallel runs never collide.
import { ecomify, randomLetters } from './helpers';

jest.setTimeout(60_000);

const NATS_URL = process.env.TEST_NATS_URL ?? 'nats://127.0.0.1:4222';

describe('events dlq', () => {
  it('lists dead letters from JetStream (none in a fresh namespace)', async () => {
    const run = await ecomify(['events', 'dlq', 'list', '--json'], { env: { NATS_URL, EVENTS_NAMESPACE: `clitest${randomLetters()}` } });
    expect(run.code).toBe(0);
    expect(run.json).toMatchObject({ ok: true, command: 'events dlq list', result: { transport: 'jetstream', deadLetters: [] } });
  });

  it('replay without --id, --consumer or --all fails naming them (exit 2)', async () => {
    const run = await ecomify(['events', 'dlq', 'replay', '--json'], { env: { NATS_URL } });
    expect(run.code).toBe(2);
    expect(run.json.error!.message).toContain('--id, --consumer or --all');
  });

  it('exits 3 when NATS does not answer', async () => {
    const run = await ecomify(['events', 'dlq', 'list', '--json'], { env: { NATS_URL: 'nats://127.0.0.1:1' } });
    expect(run.code).toBe(3);
    expect(run.json.error).toMatchObject({ code: 'EVENTS_UNREACHABLE' });
  });
});
