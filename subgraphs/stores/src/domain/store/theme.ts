// The storefront theme (sprint plan US-BE-204): validated as a whole, stored as JSON.
import { ValidationError } from '@ecomify/kernel/errors';
import { z } from 'zod';

/** Largest custom CSS accepted, in characters. */
export const CUSTOM_CSS_MAX_LENGTH = 50_000;

const hex = z.string().regex(/^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})$/, 'must be a hex colour such as #1a2b3c');
const font = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(64, 'must be at most 64 characters')
  .regex(/^[A-Za-z0-9][A-Za-z0-9 '-]*$/, 'must be a font family name (letters, digits, spaces, hyphens)');

export const themeSchema = z
  .object({
    colors: z.object({ primary: hex, secondary: hex, accent: hex, background: hex, text: hex }).strict(),
    typography: z.object({ fontFamily: font, headingFont: font }).strict(),
    layout: z.object({ headerStyle: z.enum(['fixed', 'static']), sidebarPosition: z.enum(['left', 'right']) }).strict(),
    customCSS: z
      .string()
      .max(CUSTOM_CSS_MAX_LENGTH, `must be at most ${CUSTOM_CSS_MAX_LENGTH} characters`)
      // Storefronts inline it in a <style> element: a closing tag would let it inject markup.
      .refine((css) => !/<\/?\s*style/i.test(css) && !/<script/i.test(css), 'must not contain <style> or <script> tags')
      .nullish(),
  })
  .strict();
export type Theme = z.infer<typeof themeSchema>;

/** The theme every new store starts with. */
export const DEFAULT_THEME: Theme = {
  colors: { primary: '#1f2937', secondary: '#4b5563', accent: '#2563eb', background: '#ffffff', text: '#111827' },
  typography: { fontFamily: 'Inter', headingFont: 'Inter' },
  layout: { headerStyle: 'fixed', sidebarPosition: 'left' },
  customCSS: null,
};

/** Validates a whole theme; throws ValidationError with a path per offending field (under `theme`). */
export function parseTheme(input: unknown): Theme {
  const parsed = themeSchema.safeParse(input);
  if (!parsed.success) throw ValidationError.fromZod(parsed.error.issues, ['theme']);
  return { ...parsed.data, customCSS: parsed.data.customCSS ?? null };
}
