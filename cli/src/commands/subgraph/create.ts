import fs from 'node:fs';
import path from 'node:path';
import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../../base';
import { CliError } from '../../lib/errors';
import { messages } from '../../lib/messages';

export interface SubgraphCreateResult {
  name: string;
  port: number;
  dir: string;
  files: string[];
  contract: string;
  routingUrl: string;
  schema: string;
  composed: boolean;
  supergraph: string;
}

export default class SubgraphCreate extends BaseCommand<SubgraphCreateResult> {
  static summary = 'Generate a new subgraph from templates/subgraph, register it in rover.yaml, generate its Prisma client and compose.';

  static args = {
    name: Args.string({ description: 'kebab-case name, e.g. gift-cards (also the service and database name)' }),
  };

  static flags = {
    port: Flags.integer({ char: 'p', description: 'HTTP port (default: one above the highest subgraph port).' }),
    install: Flags.boolean({
      description: 'Run `npm install` to link the new workspace (--no-install skips it, e.g. in a throwaway copy).',
      default: true,
      allowNo: true,
    }),
  };

  async run(): Promise<SubgraphCreateResult> {
    const { args, flags } = await this.parse(SubgraphCreate);
    const gen = require('../../lib/generate') as typeof import('../../lib/generate');
    const { composeSupergraph, printSubgraphs } = require('../../lib/compose') as typeof import('../../lib/compose');
    const name = await this.requireInput(args.name, 'the <name> argument', messages.subgraphCreate.namePrompt);
    const root = this.root;
    const port = gen.validate(root, name, flags.port);
    const tokens = gen.tokensFor(name, port);
    const dir = path.join(root, 'subgraphs', name);

    this.progress.start(messages.subgraphCreate.rendering(name));
    const files = gen.renderTemplate(root, tokens);
    gen.registerContractDomain(root, name);
    gen.registerInRover(root, name, port);
    this.progress.done();

    try {
      // Token replacement changes line lengths; format so the new files pass `prettier --check` in CI.
      const prettier = path.join(root, 'node_modules', 'prettier', 'bin', 'prettier.cjs');
      if (fs.existsSync(prettier)) {
        const targets = [...files, 'rover.yaml', path.join('shared', 'contracts', 'src', 'index.ts')].filter((f) =>
          /\.(ts|json|ya?ml)$/.test(f),
        );
        await gen.runStep(
          process.execPath,
          [prettier, '--write', '--log-level=warn', ...targets],
          root,
          messages.subgraphCreate.formatFailed,
          'FORMAT_FAILED',
        );
      }
      this.progress.start(messages.subgraphCreate.generating);
      await gen.runStep(
        process.execPath,
        [path.join(root, 'scripts', 'prisma.js'), 'generate'],
        dir,
        messages.subgraphCreate.generateFailed,
        'PRISMA_GENERATE_FAILED',
      );
      this.progress.done();
      if (flags.install) {
        this.progress.start(messages.subgraphCreate.installing);
        await gen.runStep(
          'npm',
          ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'],
          root,
          messages.subgraphCreate.installFailed,
          'NPM_INSTALL_FAILED',
        );
        this.progress.done();
      }
      const [printed] = await printSubgraphs(root, this.progress, { only: [name] });
      const composed = await composeSupergraph(root, this.progress, { print: false });
      if (!composed.ok) {
        for (const e of composed.errors) process.stderr.write(`  ${e.code}: ${e.message}\n`);
        throw new CliError(messages.compose.failed(composed.errors.length), {
          code: 'COMPOSITION_FAILED',
          hint: messages.compose.failedHint,
        });
      }
      this.log(printed.sdl);
      const contract = path.join('shared', 'contracts', 'src', `${name}.ts`);
      return {
        name,
        port,
        dir: path.relative(root, dir),
        files,
        contract,
        routingUrl: `http://127.0.0.1:${port}/graphql`,
        schema: printed.sdl,
        composed: composed.ok,
        supergraph: composed.supergraph,
      };
    } catch (err) {
      if (err instanceof CliError && !err.options.hint) err.options.hint = messages.subgraphCreate.rollbackHint(name);
      throw err;
    }
  }
}
