import { ValidationError } from '@ecomify/kernel/errors';
import {
  baseSlug,
  canonicalLocale,
  isCurrency,
  isTimezone,
  mergeSettings,
  nextFreeSlug,
  normaliseHostname,
  normaliseStoreFields,
  slugCandidate,
  slugify,
  SLUG_MAX_LENGTH,
} from '../../src/domain/store/rules';

const fieldPaths = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ValidationError);
    return (e as ValidationError).fieldErrors.map((f) => f.path.join('.'));
  }
  throw new Error('expected a ValidationError');
};

describe('slugs', () => {
  it('turns a name into a lower-case ASCII slug', () => {
    expect(slugify('  Café Ünïcorn & Co!  ')).toBe('cafe-unicorn-co');
    expect(slugify('ACME -- Store')).toBe('acme-store');
  });

  it('caps the length without a trailing hyphen', () => {
    const slug = slugify('a'.repeat(SLUG_MAX_LENGTH - 1) + ' b c');
    expect(slug.length).toBeLessThanOrEqual(SLUG_MAX_LENGTH);
    expect(slug.endsWith('-')).toBe(false);
  });

  it('refuses reserved words and names without letters or digits', () => {
    expect(fieldPaths(() => baseSlug('Admin'))).toEqual(['input.name']);
    expect(() => baseSlug('WWW')).toThrow(/reserved/);
    expect(() => baseSlug('!!!')).toThrow(/two letters or digits/);
  });

  it('suffixes collisions and keeps the suffix within the length limit', () => {
    expect(nextFreeSlug('shop-one', [])).toBe('shop-one');
    expect(nextFreeSlug('shop-one', ['shop-one'])).toBe('shop-one-2');
    expect(nextFreeSlug('shop-one', ['shop-one', 'shop-one-2', 'shop-one-3'])).toBe('shop-one-4');
    expect(nextFreeSlug('shop-one', ['shop-one-2'])).toBe('shop-one');
    const long = 'x'.repeat(SLUG_MAX_LENGTH);
    expect(slugCandidate(long, 12)).toHaveLength(SLUG_MAX_LENGTH);
    expect(slugCandidate(long, 12).endsWith('-12')).toBe(true);
  });
});

describe('locale data (Intl, offline)', () => {
  it('accepts ISO 4217 currencies only', () => {
    expect(isCurrency('EUR')).toBe(true);
    expect(isCurrency('usd')).toBe(false);
    expect(isCurrency('XYZ')).toBe(false);
  });

  it('canonicalises BCP 47 tags and refuses malformed ones', () => {
    expect(canonicalLocale('en-us')).toBe('en-US');
    expect(canonicalLocale('fr')).toBe('fr');
    expect(canonicalLocale('en_US')).toBeNull();
    expect(canonicalLocale('not a locale')).toBeNull();
  });

  it('accepts IANA time zones only', () => {
    expect(isTimezone('Europe/Paris')).toBe(true);
    expect(isTimezone('UTC')).toBe(true);
    expect(isTimezone('Mars/Olympus')).toBe(false);
    expect(isTimezone('CEST')).toBe(false);
  });

  it('accepts hostnames, not URLs', () => {
    expect(normaliseHostname('Shop.Example.COM.')).toBe('shop.example.com');
    expect(normaliseHostname('https://shop.example.com')).toBeNull();
    expect(normaliseHostname('shop.example.com/path')).toBeNull();
    expect(normaliseHostname('localhost')).toBeNull();
  });
});

describe('store fields', () => {
  it('normalises valid fields and leaves absent ones absent', () => {
    expect(normaliseStoreFields({ name: '  My   Shop ', currency: 'eur', locale: 'fr-fr' })).toEqual({
      name: 'My Shop',
      currency: 'EUR',
      locale: 'fr-FR',
    });
  });

  it('reports every invalid field with its path at once', () => {
    expect(
      fieldPaths(() =>
        normaliseStoreFields({
          email: 'nope',
          currency: 'EURO',
          locale: '12',
          timezone: 'Nowhere',
          phone: 'call me',
          customDomain: 'http://x',
        }),
      ),
    ).toEqual(['input.email', 'input.phone', 'input.currency', 'input.locale', 'input.timezone', 'input.customDomain']);
  });

  it('requires name and email when creating', () => {
    expect(fieldPaths(() => normaliseStoreFields({}, { required: ['name', 'email'] }))).toEqual(['input.name', 'input.email']);
  });

  it('clears phone and custom domain with an empty string', () => {
    expect(normaliseStoreFields({ phone: '', customDomain: ' ' })).toEqual({ phone: null, customDomain: null });
  });
});

describe('settings', () => {
  it('merges a partial change over the current settings', () => {
    const next = mergeSettings({ orderNumberPrefix: 'A-', guestCheckout: false }, { weightUnit: 'lb' });
    expect(next).toMatchObject({ orderNumberPrefix: 'A-', guestCheckout: false, weightUnit: 'lb' });
  });

  it('refuses invalid values and unknown keys with paths under input.settings', () => {
    expect(fieldPaths(() => mergeSettings({}, { weightUnit: 'stone' }))).toEqual(['input.settings.weightUnit']);
    expect(fieldPaths(() => mergeSettings({}, { lowStockThreshold: -1 }))).toEqual(['input.settings.lowStockThreshold']);
    expect(() => mergeSettings({}, { colour: 'red' })).toThrow(ValidationError);
  });
});
