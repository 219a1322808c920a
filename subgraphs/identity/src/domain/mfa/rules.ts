// Pure MFA rules: TOTP step acceptance (replay), recovery-code format.
import { randomInt } from 'node:crypto';

export const TOTP_STEP_SECONDS = 30;
/** One step either side tolerates phone clocks that drift by up to 30 seconds. */
export const TOTP_WINDOW = 1;
export const RECOVERY_CODE_COUNT = 10;

/** The TOTP time step (counter) at `nowMs`. */
export function totpStep(nowMs: number): number {
  return Math.floor(nowMs / 1000 / TOTP_STEP_SECONDS);
}

/**
 * Decides whether a code that matched at `delta` steps from now may be used. A code (or any code
 * of an earlier step) already accepted is refused, so a code seen over someone's shoulder cannot be
 * replayed inside its window. Returns the step to remember, or null to refuse.
 */
export function acceptTotpStep(delta: number | null, currentStep: number, lastUsedStep: number | null): number | null {
  if (delta === null || Math.abs(delta) > TOTP_WINDOW) return null;
  const used = currentStep + delta;
  if (lastUsedStep !== null && used <= lastUsedStep) return null;
  return used;
}

const TOTP_CODE = /^\d{6}$/;
// Crockford-like alphabet without look-alikes (0/O, 1/I/L): easy to read off a printed sheet.
const RECOVERY_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';

/** True for a six-digit authenticator code (anything else is tried as a recovery code). */
export function isTotpCode(code: string): boolean {
  return TOTP_CODE.test(code.replace(/\s/g, ''));
}

/** Recovery codes shown once: `XXXX-XXXX-XXXX`, about 59 bits each. */
export function generateRecoveryCodes(count = RECOVERY_CODE_COUNT): string[] {
  return Array.from({ length: count }, () => {
    const chars = Array.from({ length: 12 }, () => RECOVERY_ALPHABET[randomInt(RECOVERY_ALPHABET.length)]).join('');
    return `${chars.slice(0, 4)}-${chars.slice(4, 8)}-${chars.slice(8)}`;
  });
}

/** Canonical form of a typed recovery code (case, spaces and dashes do not matter). */
export function normaliseRecoveryCode(code: string): string {
  return code.replace(/[\s-]/g, '').toUpperCase();
}
