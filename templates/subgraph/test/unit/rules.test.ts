import { ValidationError } from '@ecomify/kernel/errors';
import { assertValidName, NAME_MAX_LENGTH } from '../../src/domain/{{name}}-item/rules';

describe('{{Name}}Item rules', () => {
  it('trims a valid name', () => {
    expect(assertValidName('  Blue  ')).toBe('Blue');
  });

  it('refuses an empty name with the field path', () => {
    expect(() => assertValidName('   ')).toThrow(ValidationError);
    try {
      assertValidName('');
    } catch (e) {
      expect((e as ValidationError).fieldErrors[0].path).toEqual(['input', 'name']);
    }
  });

  it('refuses a name over the limit', () => {
    expect(() => assertValidName('x'.repeat(NAME_MAX_LENGTH + 1))).toThrow(/too long/);
  });
});
