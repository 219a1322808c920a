// Exit codes and the envelope for usage errors: no prompts under CI, the missing flag is named.
import { ecomify } from './helpers';

describe('usage errors', () => {
  it('fails with exit 2 naming --against when schema check has no baseline under CI', async () => {
    const run = await ecomify(['schema', 'check', '--json']);
    expect(run.code).toBe(2);
    expect(run.json).toMatchObject({ schemaVersion: 1, command: 'schema check', ok: false, error: { code: 'MISSING_INPUT' } });
    expect(run.json.error!.message).toContain('--against');
  });

  it('fails with exit 2 naming --yes when db reset is not confirmed under CI', async () => {
    const run = await ecomify(['db', 'reset', '--json']);
    expect(run.code).toBe(2);
    expect(run.json.error).toMatchObject({ code: 'MISSING_INPUT' });
    expect(run.json.error!.message).toContain('--yes');
  });

  it('reports an unknown flag as a usage error in the envelope', async () => {
    const run = await ecomify(['services', 'list', '--no-such-flag', '--json']);
    expect(run.code).toBe(2);
    expect(run.json).toMatchObject({ ok: false, error: { code: 'USAGE' } });
  });

  it('lists services from subgraphs/*/package.json plus the gateway', async () => {
    const run = await ecomify<{ services: { name: string; kind: string; port: number }[] }>(['services', 'list', '--json']);
    expect(run.code).toBe(0);
    expect(run.json.ok).toBe(true);
    expect(run.json.result!.services).toEqual(
      expect.arrayContaining([{ name: 'gateway', kind: 'gateway', port: 4000, dir: 'supergraph' }]),
    );
  });
});
