import { randomBytes } from 'node:crypto';
import { decrypt, encrypt, keyIdOf, parseKeyRing } from '../../src/domain/crypto/keyring';
import { acceptTotpStep, generateRecoveryCodes, isTotpCode, normaliseRecoveryCode, totpStep } from '../../src/domain/mfa/rules';

describe('TOTP window and replay', () => {
  it('maps time to 30-second steps', () => {
    expect(totpStep(0)).toBe(0);
    expect(totpStep(29_999)).toBe(0);
    expect(totpStep(30_000)).toBe(1);
  });

  it('accepts one step either side and remembers the step used', () => {
    expect(acceptTotpStep(0, 100, null)).toBe(100);
    expect(acceptTotpStep(-1, 100, null)).toBe(99);
    expect(acceptTotpStep(1, 100, null)).toBe(101);
    expect(acceptTotpStep(2, 100, null)).toBeNull();
    expect(acceptTotpStep(null, 100, null)).toBeNull();
  });

  it('refuses the same step again and any earlier step', () => {
    expect(acceptTotpStep(0, 100, 100)).toBeNull();
    expect(acceptTotpStep(-1, 100, 99)).toBeNull();
    expect(acceptTotpStep(-1, 101, 99)).toBe(100);
  });

  it('tells TOTP codes from recovery codes, and generates distinct readable recovery codes', () => {
    expect(isTotpCode('123456')).toBe(true);
    expect(isTotpCode('ABCD-EFGH-JKMN')).toBe(false);
    const codes = generateRecoveryCodes();
    expect(new Set(codes).size).toBe(10);
    for (const c of codes) expect(c).toMatch(/^[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}$/);
    expect(normaliseRecoveryCode(' abcd-efgh jkmn ')).toBe('ABCDEFGHJKMN');
  });
});

describe('AES-256-GCM key ring', () => {
  const key = () => randomBytes(32).toString('base64');
  const oldKey = key();
  const newKey = key();

  it('encrypts with the first key and decrypts with whichever key a value names', () => {
    const before = parseKeyRing(`old:${oldKey}`);
    const value = encrypt(before, 'JBSWY3DPEHPK3PXP', 'mfa:u1');
    expect(value).not.toContain('JBSWY3DPEHPK3PXP');
    const rotated = parseKeyRing(`new:${newKey},old:${oldKey}`);
    expect(decrypt(rotated, value, 'mfa:u1')).toBe('JBSWY3DPEHPK3PXP');
    const fresh = encrypt(rotated, 'secret', 'mfa:u1');
    expect(keyIdOf(fresh)).toBe('new');
    expect(() => decrypt(before, fresh, 'mfa:u1')).toThrow(/not in the configured key ring/);
  });

  it('refuses tampered ciphertext and a value moved to another owner', () => {
    const ring = parseKeyRing(`k:${key()}`);
    const value = encrypt(ring, 'secret', 'mfa:u1');
    expect(() => decrypt(ring, value, 'mfa:u2')).toThrow();
    const parts = value.split(':');
    parts[2] = Buffer.from('tampered').toString('base64url');
    expect(() => decrypt(ring, parts.join(':'), 'mfa:u1')).toThrow();
  });

  it('names what is wrong with a bad key ring', () => {
    expect(() => parseKeyRing('')).toThrow(/at least one/);
    expect(() => parseKeyRing(`:${key()}`)).toThrow(/key id/);
    expect(() => parseKeyRing('k:c2hvcnQ=')).toThrow(/32 bytes/);
    expect(() => parseKeyRing(`k:${key()},k:${key()}`)).toThrow(/twice/);
  });
});
