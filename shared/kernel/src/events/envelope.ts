/**
 * The event envelope and subject naming. Contracts and `defineEvent` live in @ecomify/contracts
 * (re-exported here); this is the machinery that carries them.
 */
import { randomUUID } from 'node:crypto';
import { EVENT_SUBJECT, type EventContract } from '@ecomify/contracts/define';
import { z } from 'zod';
import { ValidationError } from '../errors';

export interface EventActor {
  kind: 'user' | 'plugin' | 'service' | 'system';
  id: string;
}

export interface EventEnvelope<T = unknown> {
  /** Unique event id; also the JetStream `Nats-Msg-Id`, and what consumers de-duplicate on. */
  id: string;
  /** The subject, e.g. `ecomify.identity.user.created`. */
  type: string;
  version: number;
  occurredAt: string;
  storeId?: string;
  actor?: EventActor;
  correlationId: string;
  causationId?: string;
  data: T;
}

// Contracts are declared with @ecomify/contracts' own defineEvent (zod-only, so contracts depend on
// nothing of ours); re-exported here so `defineEvent` from @ecomify/kernel/events keeps working.
export { defineEvent, EVENT_SUBJECT, type EventContract } from '@ecomify/contracts/define';

/** The domain (and so the stream) a subject belongs to. */
export function domainOf(subject: string): string {
  return subject.split('.')[1];
}

/** JetStream stream name for a domain, e.g. ECOMIFY_IDENTITY. */
export function streamName(domain: string): string {
  return `ECOMIFY_${domain.toUpperCase().replace(/-/g, '_')}`;
}

export interface EnvelopeMeta {
  correlationId: string;
  causationId?: string;
  storeId?: string | null;
  actor?: EventActor;
  id?: string;
}

/** Validates `data` against the contract and wraps it in an envelope. Throws ValidationError on a bad payload. */
export function createEnvelope<T>(contract: EventContract<T>, data: T, meta: EnvelopeMeta): EventEnvelope<T> {
  const parsed = contract.schema.safeParse(data);
  if (!parsed.success) {
    throw ValidationError.fromZod(parsed.error.issues, ['event', contract.subject]);
  }
  return {
    id: meta.id ?? randomUUID(),
    type: contract.subject,
    version: contract.version,
    occurredAt: new Date().toISOString(),
    ...(meta.storeId ? { storeId: meta.storeId } : {}),
    ...(meta.actor ? { actor: meta.actor } : {}),
    correlationId: meta.correlationId,
    ...(meta.causationId ? { causationId: meta.causationId } : {}),
    data: parsed.data,
  };
}

/** Validates an incoming envelope's payload against a contract (consumers call this before handling). */
export function parseEnvelope<T>(contract: EventContract<T>, envelope: EventEnvelope<unknown>): EventEnvelope<T> {
  if (envelope.type !== contract.subject) throw new Error(`Expected ${contract.subject}, got ${envelope.type}`);
  const parsed = contract.schema.safeParse(envelope.data);
  if (!parsed.success) throw ValidationError.fromZod(parsed.error.issues, ['event', contract.subject]);
  return { ...envelope, data: parsed.data };
}

export const envelopeSchema = z.object({
  id: z.string().min(1),
  type: z.string().regex(EVENT_SUBJECT),
  version: z.number().int().min(1),
  occurredAt: z.string(),
  storeId: z.string().optional(),
  actor: z.object({ kind: z.enum(['user', 'plugin', 'service', 'system']), id: z.string() }).optional(),
  correlationId: z.string(),
  causationId: z.string().optional(),
  data: z.unknown(),
});
