import { connect } from 'nats';
import { createEventTransport } from '../../src/events/transport';
import { logger, NATS_URL, randomNamespace } from './helpers';
import { transportSuite } from './suite';

const namespace = randomNamespace();
const elsewhere = randomNamespace();
const config = { NATS_URL, EVENTS_MAX_DELIVER: 5, env: 'test' as const };

transportSuite('jetstream', () => ({
  make: () => createEventTransport({ config, service: 'kerneltest', logger, namespace }),
  makeElsewhere: () => createEventTransport({ config, service: 'kerneltest', logger, namespace: elsewhere }),
}));

afterAll(async () => {
  // Streams are the only thing a test run leaves on the shared NATS; remove this run's.
  const nc = await connect({ servers: NATS_URL });
  const jsm = await nc.jetstreamManager();
  for await (const name of jsm.streams.names()) {
    if ([namespace, elsewhere].some((ns) => name.startsWith(`${ns.toUpperCase()}_`))) await jsm.streams.delete(name);
  }
  await nc.close();
});
