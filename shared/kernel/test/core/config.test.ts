import { ConfigError, loadConfig, z } from '../../src/config';

describe('loadConfig', () => {
  it('applies defaults and reports embedded mode when NATS and Redis are not configured', () => {
    const cfg = loadConfig({}, { DATABASE_URL: 'postgresql://postgres@127.0.0.1:5432/x' });
    expect(cfg.env).toBe('development');
    expect(cfg.DATABASE_POOL_SIZE).toBe(10);
    expect(cfg.embedded).toEqual({ events: true, cache: true });
  });

  it('names every malformed variable', () => {
    try {
      loadConfig({}, { DATABASE_URL: 'mysql://nope', DATABASE_POOL_SIZE: 'lots', LOG_LEVEL: 'loud' });
      throw new Error('expected ConfigError');
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      const vars = (e as ConfigError).problems.map((p) => p.variable).sort();
      expect(vars).toEqual(['DATABASE_POOL_SIZE', 'DATABASE_URL', 'LOG_LEVEL']);
      expect((e as Error).message).toContain('DATABASE_URL');
    }
  });

  it('validates service-specific settings and names missing required ones', () => {
    expect(() => loadConfig({ PLATFORM_DOMAIN: z.string() }, { DATABASE_URL: 'postgresql://h/db' })).toThrow(
      /PLATFORM_DOMAIN: is required/,
    );
  });

  it('refuses to start in production without real services (no silent embedded fallback)', () => {
    try {
      loadConfig({}, { NODE_ENV: 'production', DATABASE_URL: 'postgresql://h/db' });
      throw new Error('expected ConfigError');
    } catch (e) {
      const vars = (e as ConfigError).problems.map((p) => p.variable);
      expect(vars).toEqual(expect.arrayContaining(['NATS_URL', 'REDIS_URL', 'JWKS_URL']));
    }
  });

  it('uses real services when they are configured', () => {
    const cfg = loadConfig(
      {},
      {
        ECOMIFY_ENV: 'production',
        DATABASE_URL: 'postgresql://h/db',
        NATS_URL: 'nats://127.0.0.1:4222',
        REDIS_URL: 'redis://127.0.0.1:6379',
        JWKS_URL: 'http://identity:3001/.well-known/jwks.json',
      },
    );
    expect(cfg.env).toBe('production');
    expect(cfg.embedded).toEqual({ events: false, cache: false });
  });

  it('treats empty strings as unset', () => {
    const cfg = loadConfig({}, { DATABASE_URL: 'postgresql://h/db', NATS_URL: '' });
    expect(cfg.NATS_URL).toBeUndefined();
  });
});
