/**
 * How a contract is written: `defineEvent` and `EventContract`. Pure and zod-only, so
 * @ecomify/contracts depends on nothing of ours; @ecomify/kernel/events re-exports both, and the
 * kernel (tenancy projection) may depend on the contracts without a package cycle.
 */
import type { ZodType } from 'zod';

export interface EventContract<T> {
  /** Subject `ecomify.<domain>.<entity-kebab>.<past-tense-verb>`. */
  subject: string;
  version: number;
  schema: ZodType<T>;
  description: string;
}

/** What every subject looks like: `ecomify.<domain>.<entity-kebab>.<past-tense-verb>`, kebab-case. */
export const EVENT_SUBJECT = /^ecomify\.[a-z][a-z0-9-]*\.[a-z][a-z0-9-]*\.[a-z][a-z0-9-]*$/;

/** Declares a versioned event contract; the subject must follow `ecomify.<domain>.<entity>.<action>` in kebab-case. */
export function defineEvent<T>(def: EventContract<T>): EventContract<T> {
  if (!EVENT_SUBJECT.test(def.subject))
    throw new Error(`Event subject "${def.subject}" must look like ecomify.<domain>.<entity-kebab>.<past-tense-verb>`);
  return def;
}
