// Event handlers the stores subgraph runs: one EventHandlerDef per durable consumer.
// Each runs in a transaction of this subgraph's database together with its processed-event record.
// Stores needs no store projection: it is the authority, and its own tables answer membership.
import { userCreated } from '@ecomify/contracts/identity';
import type { EventHandlerDef } from '@ecomify/kernel/events';
import type { Prisma } from '../generated-client';

/** Keeps the user directory owners add staff from (by email). */
export const userDirectoryHandler: EventHandlerDef<(typeof userCreated)['schema']['_output']> = {
  contract: userCreated,
  durable: 'stores.user-directory',
  async handle(event, tx: Prisma.TransactionClient) {
    const { userId, email, firstName, lastName } = event.data;
    await tx.directoryUser.upsert({
      where: { id: userId },
      create: { id: userId, email: email.toLowerCase(), firstName, lastName },
      update: { email: email.toLowerCase(), firstName, lastName },
    });
  },
};

export const handlers: EventHandlerDef[] = [userDirectoryHandler];
