import { ConfigError } from '@ecomify/kernel/config';
import { DEVELOPMENT_MFA_KEYS, loadIdentityConfig } from '../../src/config';

const prod = {
  ECOMIFY_ENV: 'production',
  DATABASE_URL: 'postgresql://db/identity',
  NATS_URL: 'nats://nats:4222',
  REDIS_URL: 'redis://redis:6379',
  JWKS_URL: 'http://identity:3001/.well-known/jwks.json',
};

describe('identity config', () => {
  it('uses the fixed development keys outside production', () => {
    const config = loadIdentityConfig({ ECOMIFY_ENV: 'development', DATABASE_URL: 'postgresql://x/y' });
    expect(config.MFA_ENCRYPTION_KEYS).toBe(DEVELOPMENT_MFA_KEYS);
    expect(config.ARGON2_MEMORY_KIB).toBe(19_456);
  });

  it('requires real encryption keys and production-grade argon2 in production, naming each variable', () => {
    try {
      loadIdentityConfig({ ...prod, ARGON2_MEMORY_KIB: '1024' });
      throw new Error('expected ConfigError');
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      expect((e as ConfigError).problems.map((p) => p.variable)).toEqual([
        'MFA_ENCRYPTION_KEYS',
        'SIGNING_KEY_ENCRYPTION_KEYS',
        'ARGON2_MEMORY_KIB / ARGON2_ITERATIONS',
      ]);
    }
    expect(() => loadIdentityConfig({ ...prod, MFA_ENCRYPTION_KEYS: DEVELOPMENT_MFA_KEYS })).toThrow(/development key/);
  });
});
