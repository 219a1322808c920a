/**
 * NATS going away and coming back, on a nats-server of our own (the shared one serves other developers' tests).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { recordEvent } from '../../src/events/outbox';
import { startEventRuntime } from '../../src/events/runtime';
import { createEventTransport } from '../../src/events/transport';
import type { EventEnvelope } from '../../src/events/envelope';
import type { EventRuntime, EventTransport } from '../../src/events/types';
import { prepareTestDatabase } from '../../src/testing';
import { handledCount, logger, MIGRATIONS, pgDb, randomNamespace, waitFor, widget, widgetContract, type Tx } from './helpers';

// Outage detection rides on publish timeouts (5 s) and reconnect waits; far below this, but above jest's 5 s default.
jest.setTimeout(120_000);

const NATS_SERVER = process.env.NATS_SERVER_BIN ?? '/usr/sbin/nats-server';

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

function answers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('error', () => resolve(false));
  });
}

describe('JetStream with NATS stopped and restarted', () => {
  const namespace = randomNamespace();
  const storeDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ecomify-nats-'));
  let port: number;
  let server: ChildProcess | undefined;
  let url: string;
  const closers: (() => Promise<void>)[] = [];

  async function startNats() {
    server = spawn(NATS_SERVER, ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', storeDir], { stdio: 'ignore' });
    await waitFor('nats-server to listen', () => answers(port));
  }

  async function stopNats() {
    const child = server;
    server = undefined;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    // A crash, not a polite shutdown: what is acknowledged must survive anyway.
    child.kill('SIGKILL');
    await exited;
  }

  beforeAll(async () => {
    port = await freePort();
    url = `nats://127.0.0.1:${port}`;
    await startNats();
  });

  afterAll(async () => {
    while (closers.length) await closers.pop()!();
    await stopNats();
    fs.rmSync(storeDir, { recursive: true, force: true });
  });

  const transportFor = async () => {
    const t = await createEventTransport({
      config: { NATS_URL: url, EVENTS_MAX_DELIVER: 5, env: 'test' },
      service: 'kerneltest',
      logger,
      namespace,
    });
    closers.push(() => t.close());
    return t;
  };

  it('delivers an event written to the outbox while NATS was stopped once NATS is back, exactly once', async () => {
    const c = widgetContract('outage');
    const dbUrl = await prepareTestDatabase('kernel_events_outage', MIGRATIONS);
    const db = pgDb(dbUrl);
    closers.push(() => db.close());
    const transport: EventTransport = await transportFor();
    const calls = new Map<string, number>();
    const runtime: EventRuntime = await startEventRuntime({
      service: 'kerneltest',
      transport,
      db,
      databaseUrl: dbUrl,
      logger,
      maxDeliver: 5,
      backoffMs: [50],
      handlers: [
        {
          contract: c,
          durable: 'kt.outage',
          async handle(event, tx: Tx) {
            calls.set(event.id, (calls.get(event.id) ?? 0) + 1);
            await tx.$executeRawUnsafe('INSERT INTO handled (consumer, event_id) VALUES ($1, $2)', 'kt.outage', event.id);
          },
        },
      ],
    });
    closers.push(() => runtime.stop());
    const record = (widgetId: string) => db.$transaction((tx) => recordEvent(tx, c, { widgetId }, { correlationId: randomUUID() }));

    const before = await record('before');
    await waitFor('the event before the outage', () => calls.get(before.id) === 1);

    await stopNats();
    const during = await record('during');
    // The relay tried and failed while NATS was down; the row waits in the outbox.
    await waitFor('a failed publish attempt', async () => {
      const { rows } = await db.pool.query('SELECT attempts, published_at FROM outbox_event WHERE id = $1', [during.id]);
      return rows[0].attempts > 0 && rows[0].published_at === null;
    });

    await startNats();
    await waitFor('the event written during the outage', () => calls.get(during.id) === 1, 60_000);
    const after = await record('after');
    await waitFor('the event after the outage', () => calls.get(after.id) === 1);
    expect(calls.get(during.id)).toBe(1);
    expect(await handledCount(db, 'kt.outage', during.id)).toBe(1);
    const { rows } = await db.pool.query('SELECT published_at, last_error FROM outbox_event WHERE id = $1', [during.id]);
    expect(rows[0].published_at).not.toBeNull();
    expect(rows[0].last_error).toBeTruthy();
  });

  it('starts while NATS is away, reports not ready, and consumes once NATS arrives', async () => {
    const c = widgetContract('late');
    await stopNats();
    const transport = await transportFor();
    await expect(transport.ping()).rejects.toThrow();
    const seen: EventEnvelope[] = [];
    await transport.subscribe({ durable: 'kt.late', subjects: [c.subject], handler: async (e) => void seen.push(e) });

    await startNats();
    await waitFor('readiness', async () => (await transport.ping(), true), 60_000);
    const event = widget(c);
    expect(await transport.publish(event)).toEqual({ stored: true });
    await waitFor('delivery after NATS arrived', () => seen.some((e) => e.id === event.id), 60_000);
  });
});
