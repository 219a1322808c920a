// The embedded PostgreSQL through `services start|status|stop --service postgres`, in a throwaway copy.
import fs from 'node:fs';
import { copyRepo, ecomify } from './helpers';

jest.setTimeout(180_000);

let copy: string;
// A port of its own so a developer's `ecomify dev` (54329) is never touched.
const env = { ECOMIFY_PG_PORT: String(55000 + Math.floor(Math.random() * 900)) };

beforeAll(() => {
  copy = copyRepo();
});

afterAll(async () => {
  if (!copy) return;
  await ecomify(['services', 'stop', '--service', 'postgres', '--json'], { root: copy, env }).catch(() => undefined);
  fs.rmSync(copy, { recursive: true, force: true });
});

describe('services (embedded PostgreSQL)', () => {
  it('starts it in the background, reports it, runs migrations on it and stops it', async () => {
    const start = await ecomify<any>(['services', 'start', '--service', 'postgres', '--json'], { root: copy, env });
    expect(start.json.error).toBeUndefined();
    expect(start.json.result.services[0]).toMatchObject({ name: 'postgres', started: true, port: Number(env.ECOMIFY_PG_PORT) });

    const status = await ecomify<any>(['services', 'status', '--service', 'postgres', '--json'], { root: copy, env });
    expect(status.json.result.services[0]).toMatchObject({ name: 'postgres', running: true });

    const stop = await ecomify<any>(['services', 'stop', '--service', 'postgres', '--json'], { root: copy, env });
    expect(stop.json.result.services).toEqual([{ name: 'postgres', stopped: true }]);
    const after = await ecomify<any>(['services', 'status', '--service', 'postgres', '--json'], { root: copy, env });
    expect(after.json.result.services[0]).toMatchObject({ running: false, pid: null });
  });
});
