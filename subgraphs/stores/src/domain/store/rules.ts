// Pure rules for stores: slugs, locale data, settings, contact fields. No I/O; tested in test/unit.
import { ValidationError, type FieldError } from '@ecomify/kernel/errors';
import { z } from 'zod';

export const NAME_MAX_LENGTH = 120;
export const SLUG_MAX_LENGTH = 48;

/** Slugs that would collide with platform subdomains or routes. */
export const RESERVED_SLUGS: ReadonlySet<string> = new Set([
  'admin',
  'api',
  'app',
  'assets',
  'auth',
  'billing',
  'blog',
  'cdn',
  'checkout',
  'dashboard',
  'dev',
  'docs',
  'ecomify',
  'graphql',
  'help',
  'login',
  'logout',
  'mail',
  'platform',
  'root',
  'shop',
  'signup',
  'static',
  'status',
  'store',
  'stores',
  'support',
  'system',
  'test',
  'www',
]);

/** Lower-case ASCII slug from a store name ("Café Ünïcorn!" → "cafe-unicorn"). Empty when nothing usable is left. */
export function slugify(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, SLUG_MAX_LENGTH)
    .replace(/-+$/g, '');
}

/** The base slug for a new store, refusing names that give no slug or a reserved one. */
export function baseSlug(name: string): string {
  const slug = slugify(name);
  if (slug.length < 2) {
    throw new ValidationError('The store name must contain at least two letters or digits to make its address.', [
      { path: ['input', 'name'], message: 'must contain at least two letters or digits' },
    ]);
  }
  if (RESERVED_SLUGS.has(slug)) {
    throw new ValidationError(`"${slug}" is reserved by the platform; choose another store name.`, [
      { path: ['input', 'name'], message: `gives the reserved address "${slug}"` },
    ]);
  }
  return slug;
}

/** The n-th candidate for a taken slug: base, base-2, base-3 … (trimmed so the suffix always fits). */
export function slugCandidate(base: string, n: number): string {
  if (n <= 1) return base;
  const suffix = `-${n}`;
  return base.slice(0, SLUG_MAX_LENGTH - suffix.length).replace(/-+$/g, '') + suffix;
}

/** The next free candidate given the slugs already taken that start with `base`. */
export function nextFreeSlug(base: string, taken: Iterable<string>): string {
  const used = new Set(taken);
  for (let n = 1; ; n++) {
    const candidate = slugCandidate(base, n);
    if (!used.has(candidate)) return candidate;
  }
}

const currencies = new Set(Intl.supportedValuesOf('currency'));
const timezones = new Set([...Intl.supportedValuesOf('timeZone'), 'UTC']);

/** ISO 4217 code known to the runtime's ICU data (upper-case, e.g. EUR). */
export function isCurrency(code: string): boolean {
  return /^[A-Z]{3}$/.test(code) && currencies.has(code);
}

/** A well-formed BCP 47 tag, returned in canonical form (en-us → en-US), or null. */
export function canonicalLocale(tag: string): string | null {
  try {
    const [canonical] = Intl.getCanonicalLocales(tag);
    return canonical ?? null;
  } catch {
    return null;
  }
}

/** An IANA time zone name (e.g. Europe/Paris, UTC). */
export function isTimezone(name: string): boolean {
  if (timezones.has(name)) return true;
  try {
    new Intl.DateTimeFormat('en', { timeZone: name });
    return name.includes('/');
  } catch {
    return false;
  }
}

const HOSTNAME = /^(?=.{4,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

/** A lower-cased hostname with at least one dot and a letter TLD (no scheme, port or path). */
export function normaliseHostname(raw: string): string | null {
  const host = raw.trim().toLowerCase().replace(/\.$/, '');
  return HOSTNAME.test(host) ? host : null;
}

/** Store-level settings, validated; unknown keys are refused so typos do not pass silently. */
export const storeSettingsSchema = z
  .object({
    orderNumberPrefix: z
      .string()
      .max(10, 'must be at most 10 characters')
      .regex(/^[A-Za-z0-9#-]*$/, 'may contain letters, digits, # and -'),
    guestCheckout: z.boolean(),
    taxesIncluded: z.boolean(),
    weightUnit: z.enum(['g', 'kg', 'oz', 'lb']),
    lowStockThreshold: z.number().int('must be a whole number').min(0).max(1_000_000),
  })
  .strict();
export type StoreSettings = z.infer<typeof storeSettingsSchema>;

/** What every new store starts with. */
export const DEFAULT_SETTINGS: StoreSettings = {
  orderNumberPrefix: '#',
  guestCheckout: true,
  taxesIncluded: false,
  weightUnit: 'kg',
  lowStockThreshold: 5,
};

/** Merges a partial settings change into the current settings and validates the result. */
export function mergeSettings(current: unknown, patch: Record<string, unknown>): StoreSettings {
  const base = storeSettingsSchema.partial().safeParse(current ?? {});
  const merged = { ...DEFAULT_SETTINGS, ...(base.success ? base.data : {}), ...dropUndefined(patch) };
  const parsed = storeSettingsSchema.safeParse(merged);
  if (!parsed.success) throw ValidationError.fromZod(parsed.error.issues, ['input', 'settings']);
  return parsed.data;
}

function dropUndefined<T extends Record<string, unknown>>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== null)) as Partial<T>;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const PHONE = /^\+?[0-9 ()-]{6,20}$/;

export interface StoreFieldsInput {
  name?: string | null;
  email?: string | null;
  phone?: string | null;
  currency?: string | null;
  locale?: string | null;
  timezone?: string | null;
  customDomain?: string | null;
}

/**
 * Validates and normalises the store fields present in `input`, collecting every problem into one
 * ValidationError with field paths. Absent fields stay absent (partial update); `phone` and
 * `customDomain` may be cleared with an empty string.
 */
export function normaliseStoreFields(input: StoreFieldsInput, opts: { required?: ('name' | 'email')[] } = {}) {
  const errors: FieldError[] = [];
  const out: {
    name?: string;
    email?: string;
    phone?: string | null;
    currency?: string;
    locale?: string;
    timezone?: string;
    customDomain?: string | null;
  } = {};
  const path = (f: string) => ['input', f];
  for (const f of opts.required ?? []) {
    if (input[f] === undefined || input[f] === null) errors.push({ path: path(f), message: 'is required' });
  }
  if (input.name !== undefined && input.name !== null) {
    const name = input.name.trim().replace(/\s+/g, ' ');
    if (!name) errors.push({ path: path('name'), message: 'must not be empty' });
    else if (name.length > NAME_MAX_LENGTH) errors.push({ path: path('name'), message: `must be at most ${NAME_MAX_LENGTH} characters` });
    else out.name = name;
  }
  if (input.email !== undefined && input.email !== null) {
    const email = input.email.trim().toLowerCase();
    if (!EMAIL.test(email) || email.length > 254) errors.push({ path: path('email'), message: 'must be an email address' });
    else out.email = email;
  }
  if (input.phone !== undefined && input.phone !== null) {
    const phone = input.phone.trim();
    if (phone && !PHONE.test(phone)) errors.push({ path: path('phone'), message: 'must be a phone number such as +33 1 23 45 67 89' });
    else out.phone = phone || null;
  }
  if (input.currency !== undefined && input.currency !== null) {
    const currency = input.currency.trim().toUpperCase();
    if (!isCurrency(currency)) errors.push({ path: path('currency'), message: 'must be an ISO 4217 currency code such as USD or EUR' });
    else out.currency = currency;
  }
  if (input.locale !== undefined && input.locale !== null) {
    const locale = canonicalLocale(input.locale.trim());
    if (!locale) errors.push({ path: path('locale'), message: 'must be a BCP 47 language tag such as en-US or fr-FR' });
    else out.locale = locale;
  }
  if (input.timezone !== undefined && input.timezone !== null) {
    const tz = input.timezone.trim();
    if (!isTimezone(tz)) errors.push({ path: path('timezone'), message: 'must be an IANA time zone such as Europe/Paris or UTC' });
    else out.timezone = tz;
  }
  if (input.customDomain !== undefined && input.customDomain !== null) {
    if (input.customDomain.trim() === '') out.customDomain = null;
    else {
      const host = normaliseHostname(input.customDomain);
      if (!host) errors.push({ path: path('customDomain'), message: 'must be a hostname such as shop.example.com (no scheme or path)' });
      else out.customDomain = host;
    }
  }
  if (errors.length) {
    throw new ValidationError(`Invalid input. ${errors.map((e) => `${e.path.join('.')}: ${e.message}`).join('; ')}`, errors);
  }
  return out;
}
