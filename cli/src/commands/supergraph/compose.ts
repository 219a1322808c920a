import { Flags } from '@oclif/core';
import { BaseCommand } from '../../base';
import { CliError } from '../../lib/errors';
import { messages } from '../../lib/messages';

export interface SupergraphComposeResult {
  supergraph: string;
  written: boolean;
  subgraphs: { name: string; schemaFile: string; changed: boolean }[];
  hints: { code: string; message: string }[];
}

export default class SupergraphCompose extends BaseCommand<SupergraphComposeResult> {
  static summary =
    'Print each subgraph schema into subgraphs/<name>/schema.graphql and compose rover.yaml into supergraph/supergraph.graphql, offline.';

  static flags = {
    'print-subgraphs': Flags.boolean({
      description: 'Print each subgraph schema from its code first (--no-print-subgraphs composes the committed schema.graphql files).',
      default: true,
      allowNo: true,
    }),
  };

  async run(): Promise<SupergraphComposeResult> {
    const { flags } = await this.parse(SupergraphCompose);
    const { composeSupergraph } = require('../../lib/compose') as typeof import('../../lib/compose');
    const res = await composeSupergraph(this.root, this.progress, { print: flags['print-subgraphs'] });
    if (!res.ok) {
      for (const e of res.errors) process.stderr.write(`  ${e.code}: ${e.message}\n`);
      throw new CliError(messages.compose.failed(res.errors.length), {
        code: 'COMPOSITION_FAILED',
        hint: messages.compose.failedHint,
        result: { errors: res.errors, hints: res.hints, subgraphs: res.subgraphs },
      });
    }
    for (const s of res.subgraphs) this.log(`${s.changed ? 'updated ' : 'unchanged'} ${s.schemaFile}`);
    this.log(`${res.written ? 'updated ' : 'unchanged'} ${res.supergraph}`);
    return { supergraph: res.supergraph, written: res.written, subgraphs: res.subgraphs, hints: res.hints };
  }
}
