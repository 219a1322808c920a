import { Flags } from '@oclif/core';
import { BaseCommand } from '../../../base';
import { CliError, ExitCode } from '../../../lib/errors';
import { messages } from '../../../lib/messages';

export interface DlqReplayResult {
  transport: 'jetstream' | 'embedded';
  replayed: number;
}

export default class EventsDlqReplay extends BaseCommand<DlqReplayResult> {
  static summary = 'Re-deliver dead letters to the consumer that gave up on them: by --id, all of one --consumer, or --all.';
  static flags = {
    id: Flags.string({ description: 'Dead letter id (from `events dlq list`); repeatable.', multiple: true }),
    consumer: Flags.string({ char: 'c', description: 'Every dead letter of this durable consumer.' }),
    all: Flags.boolean({ description: 'Every dead letter.', default: false }),
  };

  async run(): Promise<DlqReplayResult> {
    const { flags } = await this.parse(EventsDlqReplay);
    // Replaying everything by accident would flood consumers: a target is never implied.
    if (!flags.id?.length && !flags.consumer && !flags.all) {
      throw new CliError(messages.missingInput(messages.events.replayTarget), {
        code: 'MISSING_INPUT',
        exit: ExitCode.usage,
        hint: 'Pick what to replay: --id <id> (see `ecomify events dlq list`), --consumer <name> or --all.',
      });
    }
    const { withTransport } = require('../../../lib/events') as typeof import('../../../lib/events');
    return withTransport(this.root, async (transport) => {
      const replayed = await transport.dlq.replay({ ids: flags.id, consumer: flags.consumer, all: flags.all });
      this.log(messages.events.replayed(replayed));
      return { transport: transport.kind, replayed };
    });
  }
}
