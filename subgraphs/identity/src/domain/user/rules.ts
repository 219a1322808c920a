// Pure rules for users: email normalisation, registration input, the password policy. No I/O.
import { ValidationError, type FieldError } from '@ecomify/kernel/errors';
import { COMMON_PASSWORDS } from './common-passwords';

export const PASSWORD_MIN_LENGTH = 10;
/** Bounds the hashing work one request can ask for; long passphrases still fit. */
export const PASSWORD_MAX_LENGTH = 256;
export const NAME_MAX_LENGTH = 100;
export const EMAIL_MAX_LENGTH = 254;

// Deliberately simple: one @, no spaces, a dot in the domain. Ownership is proven by verification, not by regex.
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Trims and lower-cases an email so the unique index holds however it was typed. */
export function normaliseEmail(raw: string): string {
  return raw.trim().toLowerCase();
}

/** Field errors for an email, or none. */
export function emailProblems(email: string, path: string[]): FieldError[] {
  if (!email) return [{ path, message: 'is required' }];
  if (email.length > EMAIL_MAX_LENGTH) return [{ path, message: `must be at most ${EMAIL_MAX_LENGTH} characters` }];
  if (!EMAIL.test(email)) return [{ path, message: 'must be an email address like name@example.com' }];
  return [];
}

/**
 * NIST 800-63B style policy: a minimum length and a deny-list of common passwords, no composition
 * rules (they push people toward predictable patterns). Returns the problems, empty when acceptable.
 */
export function passwordProblems(password: string, path: string[], context: { email?: string } = {}): FieldError[] {
  if (password.length < PASSWORD_MIN_LENGTH) return [{ path, message: `must be at least ${PASSWORD_MIN_LENGTH} characters` }];
  if (password.length > PASSWORD_MAX_LENGTH) return [{ path, message: `must be at most ${PASSWORD_MAX_LENGTH} characters` }];
  const lowered = password.trim().toLowerCase();
  if (COMMON_PASSWORDS.has(lowered) || /^(.)\1+$/.test(lowered)) {
    return [{ path, message: 'is one of the most common passwords; choose a longer phrase that is unique to you' }];
  }
  const local = context.email?.split('@')[0]?.toLowerCase();
  if (local && local.length >= 4 && lowered.includes(local) && lowered.length - local.length < 4) {
    return [{ path, message: 'is too close to your email address' }];
  }
  return [];
}

/** Throws a ValidationError when the password breaks the policy. */
export function assertPasswordPolicy(password: string, path: string[], context: { email?: string } = {}): void {
  const problems = passwordProblems(password, path, context);
  if (problems.length) throw new ValidationError(`Password ${problems[0].message}.`, problems);
}

export type AccountType = 'CUSTOMER' | 'MERCHANT';

export interface RegistrationInput {
  email: string;
  password: string;
  firstName: string;
  lastName: string;
  accountType?: AccountType | null;
}

/** Validates and normalises registration input; throws one ValidationError listing every bad field. */
export function assertValidRegistration(input: RegistrationInput): {
  email: string;
  password: string;
  firstName: string;
  lastName: string;
  accountType: AccountType;
} {
  const email = normaliseEmail(input.email);
  const firstName = input.firstName.trim();
  const lastName = input.lastName.trim();
  const problems: FieldError[] = [
    ...emailProblems(email, ['input', 'email']),
    ...passwordProblems(input.password, ['input', 'password'], { email }),
    ...nameProblems(firstName, ['input', 'firstName']),
    ...nameProblems(lastName, ['input', 'lastName']),
  ];
  if (problems.length) {
    throw new ValidationError(`Invalid input. ${problems.map((p) => `${p.path.slice(1).join('.')} ${p.message}`).join('; ')}.`, problems);
  }
  return { email, password: input.password, firstName, lastName, accountType: input.accountType ?? 'CUSTOMER' };
}

function nameProblems(name: string, path: string[]): FieldError[] {
  if (!name) return [{ path, message: 'is required' }];
  if (name.length > NAME_MAX_LENGTH) return [{ path, message: `must be at most ${NAME_MAX_LENGTH} characters` }];
  return [];
}
