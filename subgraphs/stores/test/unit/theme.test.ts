import { ValidationError } from '@ecomify/kernel/errors';
import { CUSTOM_CSS_MAX_LENGTH, DEFAULT_THEME, parseTheme } from '../../src/domain/store/theme';

const paths = (input: unknown) => {
  try {
    parseTheme(input);
  } catch (e) {
    expect(e).toBeInstanceOf(ValidationError);
    return (e as ValidationError).fieldErrors.map((f) => f.path.join('.'));
  }
  throw new Error('expected a ValidationError');
};

describe('theme schema', () => {
  it('accepts the default theme and 3, 6 and 8 digit hex colours', () => {
    expect(parseTheme(DEFAULT_THEME)).toEqual(DEFAULT_THEME);
    const colors = { ...DEFAULT_THEME.colors, primary: '#abc', accent: '#11223344' };
    expect(parseTheme({ ...DEFAULT_THEME, colors }).colors.accent).toBe('#11223344');
  });

  it('refuses non-hex colours with the colour path', () => {
    expect(paths({ ...DEFAULT_THEME, colors: { ...DEFAULT_THEME.colors, primary: 'red', text: '#12345' } })).toEqual([
      'theme.colors.primary',
      'theme.colors.text',
    ]);
  });

  it('refuses font names that are not plain family names', () => {
    expect(paths({ ...DEFAULT_THEME, typography: { fontFamily: 'Inter; } body { x', headingFont: 'x'.repeat(65) } })).toEqual([
      'theme.typography.fontFamily',
      'theme.typography.headingFont',
    ]);
  });

  it('refuses layout values outside the enums', () => {
    expect(paths({ ...DEFAULT_THEME, layout: { headerStyle: 'sticky', sidebarPosition: 'left' } })).toEqual(['theme.layout.headerStyle']);
  });

  it('limits custom CSS in size and refuses tags that break out of <style>', () => {
    expect(parseTheme({ ...DEFAULT_THEME, customCSS: 'a { color: red }' }).customCSS).toBe('a { color: red }');
    expect(paths({ ...DEFAULT_THEME, customCSS: 'a'.repeat(CUSTOM_CSS_MAX_LENGTH + 1) })).toEqual(['theme.customCSS']);
    expect(paths({ ...DEFAULT_THEME, customCSS: '</style><script>alert(1)</script>' })).toEqual(['theme.customCSS']);
  });

  it('refuses missing sections and unknown keys', () => {
    expect(paths({ colors: DEFAULT_THEME.colors, typography: DEFAULT_THEME.typography })).toEqual(['theme.layout']);
    expect(paths({ ...DEFAULT_THEME, extra: true })).toEqual(['theme']);
  });
});
