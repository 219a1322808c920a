/**
 * The write side of the transactional outbox: a domain change and its events commit together.
 * The relay (./relay) publishes rows to the transport afterwards, with the event id as `Nats-Msg-Id`.
 *
 * Every subgraph's Prisma schema carries the `outbox_event` and `processed_event` tables
 * (see OUTBOX_PRISMA_MODELS; the subgraph template includes them).
 */
import { createEnvelope, type EnvelopeMeta, type EventContract, type EventEnvelope } from './envelope';
import { orderedEventId } from './support';

/** Anything that can run raw SQL inside the caller's transaction (a Prisma transaction client). */
export interface RawExecutor {
  $executeRawUnsafe(query: string, ...values: unknown[]): Promise<number>;
}

/** Channel the relay LISTENs on so it publishes right after commit instead of waiting for its poll. */
export const OUTBOX_NOTIFY_CHANNEL = 'ecomify_outbox';

/**
 * Records an event in the outbox inside the caller's transaction. Nothing is published if the
 * transaction rolls back. Returns the envelope written.
 */
export async function recordEvent<T>(tx: RawExecutor, contract: EventContract<T>, data: T, meta: EnvelopeMeta): Promise<EventEnvelope<T>> {
  const envelope = createEnvelope(contract, data, { ...meta, id: meta.id ?? orderedEventId() });
  await tx.$executeRawUnsafe(
    `INSERT INTO "outbox_event" ("id", "subject", "envelope", "created_at") VALUES ($1, $2, $3::jsonb, now())`,
    envelope.id,
    envelope.type,
    JSON.stringify(envelope),
  );
  // NOTIFY is transactional: the relay hears it only when the commit lands.
  await tx.$executeRawUnsafe(`SELECT pg_notify('${OUTBOX_NOTIFY_CHANNEL}', '')`);
  return envelope;
}

/** The Prisma models every subgraph's schema includes, verbatim. */
export const OUTBOX_PRISMA_MODELS = `
/// Transactional outbox: written in the same transaction as the change, published by the relay.
model OutboxEvent {
  id          String    @id
  subject     String
  envelope    Json
  createdAt   DateTime  @default(now()) @map("created_at")
  publishedAt DateTime? @map("published_at")
  attempts    Int       @default(0)
  lastError   String?   @map("last_error")

  @@index([publishedAt, createdAt])
  @@map("outbox_event")
}

/// Ids of events this subgraph's consumers already handled, so redeliveries are harmless.
model ProcessedEvent {
  consumer    String
  eventId     String   @map("event_id")
  processedAt DateTime @default(now()) @map("processed_at")

  @@id([consumer, eventId])
  @@map("processed_event")
}
`;
