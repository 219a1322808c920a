import { BaseCommand, sharedFlags } from '../../base';
import { CliError } from '../../lib/errors';
import { messages } from '../../lib/messages';
import type { MigrateEntry, SeedEntry } from '../../lib/db';

export interface DbResetResult {
  dropped: string[];
  databases: MigrateEntry[];
  seeds: SeedEntry[];
}

export default class DbReset extends BaseCommand<DbResetResult> {
  static summary = 'Drop and recreate subgraph databases, migrate and seed them. Asks first; without a terminal it needs --yes.';
  static flags = { service: sharedFlags.service, yes: sharedFlags.yes };

  async run(): Promise<DbResetResult> {
    const { flags } = await this.parse(DbReset);
    const { selectSubgraphs, databaseNameFor } = require('../../lib/project') as typeof import('../../lib/project');
    const subgraphs = selectSubgraphs(this.root, flags.service);
    if (!(await this.confirm(flags.yes, messages.db.resetConfirm(subgraphs.map((s) => databaseNameFor(s.name)))))) {
      throw new CliError(messages.db.resetAborted, { code: 'ABORTED' });
    }
    const { databaseTarget } = require('../../lib/env') as typeof import('../../lib/env');
    const db = require('../../lib/db') as typeof import('../../lib/db');
    const target = databaseTarget(this.root);
    const dropped = await db.reset(subgraphs, target, this.progress);
    const databases = await db.migrate(subgraphs, target, this.progress);
    const seeds = await db.seed(subgraphs, target, this.progress);
    this.log(`Reset ${dropped.join(', ')}`);
    for (const s of seeds) for (const c of s.credentials) this.log(`  ${c.label}: ${c.email} / ${c.password}`);
    return { dropped, databases, seeds };
  }
}
