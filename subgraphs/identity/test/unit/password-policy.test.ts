import { ValidationError } from '@ecomify/kernel/errors';
import { assertValidRegistration, normaliseEmail, passwordProblems, PASSWORD_MIN_LENGTH } from '../../src/domain/user/rules';

describe('password policy', () => {
  const path = ['input', 'password'];
  it('accepts a 10-character password with no composition rules', () => {
    expect(passwordProblems('tulipsunny', path)).toEqual([]);
    expect(passwordProblems('all lower case words', path)).toEqual([]);
  });

  it('refuses anything shorter than the minimum', () => {
    expect(passwordProblems('a'.repeat(PASSWORD_MIN_LENGTH - 1) + '', path)[0].message).toMatch(/at least 10/);
  });

  it('refuses common passwords whatever their case, and one repeated character', () => {
    for (const p of ['1234567890', 'Password123', 'QWERTYUIOP', 'iloveyou123', 'zzzzzzzzzzzz']) {
      expect(passwordProblems(p, path)[0]?.message).toMatch(/common/);
    }
  });

  it('refuses a password that is the email with a few characters added', () => {
    expect(passwordProblems('grace.hopper1', path, { email: 'grace.hopper@example.com' })[0]?.message).toMatch(/email/);
    expect(passwordProblems('grace.hopper is my hero', path, { email: 'grace.hopper@example.com' })).toEqual([]);
  });

  it('bounds the length so one request cannot ask for unbounded hashing work', () => {
    expect(passwordProblems('x'.repeat(257), path)[0].message).toMatch(/at most 256/);
  });
});

describe('registration input', () => {
  it('normalises the email and defaults to CUSTOMER', () => {
    expect(normaliseEmail('  Ada@Example.COM ')).toBe('ada@example.com');
    expect(assertValidRegistration({ email: ' A@B.io', password: 'tulipsunny', firstName: ' A ', lastName: 'B' })).toMatchObject({
      email: 'a@b.io',
      firstName: 'A',
      accountType: 'CUSTOMER',
    });
  });

  it('lists every bad field in one ValidationError', () => {
    try {
      assertValidRegistration({ email: 'nope', password: 'short', firstName: '', lastName: '' });
      throw new Error('expected a ValidationError');
    } catch (e) {
      expect(e).toBeInstanceOf(ValidationError);
      expect((e as ValidationError).fieldErrors.map((f) => f.path.join('.'))).toEqual([
        'input.email',
        'input.password',
        'input.firstName',
        'input.lastName',
      ]);
    }
  });
});
