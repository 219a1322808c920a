import { Flags } from '@oclif/core';
import { BaseCommand } from '../../../base';
import type { DeadLetter } from '@ecomify/kernel/events';

export interface DlqListResult {
  transport: 'jetstream' | 'embedded';
  deadLetters: DeadLetter[];
}

export default class EventsDlqList extends BaseCommand<DlqListResult> {
  static summary = 'List dead-lettered events (JetStream when NATS_URL is set, else the embedded transport in the platform database).';
  static flags = {
    consumer: Flags.string({ char: 'c', description: 'Only this durable consumer, e.g. stores.identity-user-created.' }),
    limit: Flags.integer({ description: 'At most this many.', default: 100 }),
  };

  async run(): Promise<DlqListResult> {
    const { flags } = await this.parse(EventsDlqList);
    const { withTransport } = require('../../../lib/events') as typeof import('../../../lib/events');
    const { messages } = require('../../../lib/messages') as typeof import('../../../lib/messages');
    return withTransport(this.root, async (transport) => {
      const deadLetters = await transport.dlq.list({ consumer: flags.consumer, limit: flags.limit });
      if (!deadLetters.length) this.log(messages.events.none);
      for (const d of deadLetters)
        this.log(`${d.id.padEnd(10)} ${d.consumer.padEnd(36)} ${d.subject.padEnd(44)} ${d.deliveries}x  ${d.deadAt}  ${d.lastError}`);
      return { transport: transport.kind, deadLetters };
    });
  }
}
