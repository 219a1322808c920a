import { Flags } from '@oclif/core';
import { BaseCommand } from '../../base';

export interface KeysRotateResult {
  kid: string;
  activatesAt: string;
  retired: string[];
}

export default class KeysRotate extends BaseCommand<KeysRotateResult> {
  static summary = "Rotate identity's token-signing key without signing anyone out.";
  static description =
    'The new key is published in the JWKS at once and signs after SIGNING_KEY_PROPAGATION_SECONDS, so every verifier knows it first. Old keys stay published until the tokens they signed have expired.';
  static flags = {
    immediate: Flags.boolean({
      description:
        'Sign with the new key at once (after a suspected leak); verifiers may refuse new tokens for up to their JWKS refetch cooldown.',
      default: false,
    }),
  };

  async run(): Promise<KeysRotateResult> {
    const { flags } = await this.parse(KeysRotate);
    const { runSubgraphTask } = require('../../lib/tasks') as typeof import('../../lib/tasks');
    this.progress.start('Rotating the signing key');
    const result = await runSubgraphTask<KeysRotateResult>('identity', 'rotate-keys', {
      root: this.root,
      input: { immediate: flags.immediate },
    });
    this.progress.done();
    this.log(`New key ${result.kid} signs from ${result.activatesAt}; retiring ${result.retired.join(', ') || 'none'}.`);
    return result;
  }
}
