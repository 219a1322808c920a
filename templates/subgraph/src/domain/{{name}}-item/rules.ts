// Pure rules for {{Name}}Item: no I/O, tested in test/unit.
import { ValidationError } from '@ecomify/kernel/errors';

export const NAME_MAX_LENGTH = 200;

/** Trims and checks a {{Name}}Item name; throws ValidationError naming the field. */
export function assertValidName(raw: string): string {
  const name = raw.trim();
  if (!name) throw new ValidationError('Name is required.', [{ path: ['input', 'name'], message: 'must not be empty' }]);
  if (name.length > NAME_MAX_LENGTH) {
    throw new ValidationError(`Name is too long.`, [{ path: ['input', 'name'], message: `must be at most ${NAME_MAX_LENGTH} characters` }]);
  }
  return name;
}
