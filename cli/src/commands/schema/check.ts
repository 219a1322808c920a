import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Flags } from '@oclif/core';
import { BaseCommand } from '../../base';
import { CliError, ExitCode } from '../../lib/errors';
import { messages } from '../../lib/messages';
import type { SchemaChange } from '../../lib/schema-diff';

export interface SchemaCheckResult {
  against: string;
  /** True when the graph composes and nothing client-facing breaks. */
  safe: boolean;
  composed: boolean;
  summary: { breaking: number; dangerous: number; safe: number };
  changes: SchemaChange[];
  compositionErrors: { code: string; message: string }[];
}

export default class SchemaCheck extends BaseCommand<SchemaCheckResult> {
  static summary =
    "Compose the current graph and compare its client-facing API schema with a baseline supergraph (a file or a git ref's supergraph/supergraph.graphql).";

  static flags = {
    against: Flags.string({ char: 'a', description: 'Baseline: a supergraph file, or a git ref (main, HEAD~1, a tag).' }),
    'print-subgraphs': Flags.boolean({
      description:
        'Print each subgraph schema from its code (--no-print-subgraphs uses the committed schema.graphql files). Nothing is written either way.',
      default: true,
      allowNo: true,
    }),
  };

  async run(): Promise<SchemaCheckResult> {
    const { flags } = await this.parse(SchemaCheck);
    const against = await this.requireInput(flags.against, '--against', 'Baseline supergraph file or git ref');
    const baselineSdl = this.readBaseline(against);
    const { composeSupergraph } = require('../../lib/compose') as typeof import('../../lib/compose');
    const { diffSchemas } = require('../../lib/schema-diff') as typeof import('../../lib/schema-diff');

    let baselineApi: string;
    try {
      const { Supergraph } = require('@apollo/federation-internals') as typeof import('@apollo/federation-internals');
      const { printSchema } = require('graphql') as typeof import('graphql');
      baselineApi = printSchema(Supergraph.build(baselineSdl).apiSchema().toGraphQLJSSchema());
    } catch (err) {
      throw new CliError(messages.schemaCheck.baselineInvalid(against, (err as Error).message), {
        code: 'BASELINE_INVALID',
        exit: ExitCode.usage,
        hint: messages.schemaCheck.baselineHint,
      });
    }

    const current = await composeSupergraph(this.root, this.progress, { print: flags['print-subgraphs'], write: false });
    const changes = current.ok && current.compose.apiSchemaSdl ? diffSchemas(baselineApi, current.compose.apiSchemaSdl) : [];
    const count = (c: SchemaChange['criticality']) => changes.filter((x) => x.criticality === c).length;
    const result: SchemaCheckResult = {
      against,
      safe: current.ok && count('BREAKING') === 0,
      composed: current.ok,
      summary: { breaking: count('BREAKING'), dangerous: count('DANGEROUS'), safe: count('SAFE') },
      changes,
      compositionErrors: current.errors,
    };

    for (const c of changes) this.log(`${c.criticality.padEnd(9)} ${c.path.padEnd(32)} ${c.message}`);
    if (!current.ok) {
      for (const e of current.errors) process.stderr.write(`  ${e.code}: ${e.message}\n`);
      throw new CliError(messages.schemaCheck.notComposable, { code: 'COMPOSITION_FAILED', hint: messages.compose.failedHint, result });
    }
    if (!result.safe) {
      throw new CliError(messages.schemaCheck.breaking(result.summary.breaking), {
        code: 'BREAKING_CHANGES',
        hint: messages.schemaCheck.breakingHint,
        result,
      });
    }
    this.log(messages.schemaCheck.safe(changes.length));
    return result;
  }

  private readBaseline(against: string): string {
    const file = path.resolve(against);
    if (fs.existsSync(file) && fs.statSync(file).isFile()) return fs.readFileSync(file, 'utf8');
    try {
      return execFileSync('git', ['show', `${against}:supergraph/supergraph.graphql`], {
        cwd: this.root,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
        maxBuffer: 64 * 1024 * 1024,
      });
    } catch {
      throw new CliError(messages.schemaCheck.baselineMissing(against), {
        code: 'BASELINE_NOT_FOUND',
        exit: ExitCode.usage,
        hint: messages.schemaCheck.baselineHint,
      });
    }
  }
}
