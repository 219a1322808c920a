import { BaseCommand, sharedFlags } from '../../base';
import type { StatusEntry } from '../../lib/db';

export interface DbStatusResult {
  upToDate: boolean;
  databases: StatusEntry[];
}

export default class DbStatus extends BaseCommand<DbStatusResult> {
  static summary = 'List applied, pending, modified and unknown migrations of each subgraph database.';
  static flags = { service: sharedFlags.service };

  async run(): Promise<DbStatusResult> {
    const { flags } = await this.parse(DbStatus);
    const { selectSubgraphs } = require('../../lib/project') as typeof import('../../lib/project');
    const { databaseTarget } = require('../../lib/env') as typeof import('../../lib/env');
    const { status } = require('../../lib/db') as typeof import('../../lib/db');
    const databases = await status(selectSubgraphs(this.root, flags.service), databaseTarget(this.root));
    for (const d of databases) {
      const state = !d.exists ? 'missing' : d.upToDate ? 'up to date' : 'needs migrate';
      this.log(`${d.service.padEnd(16)} ${d.database.padEnd(28)} ${state}`);
      for (const m of d.applied) this.log(`  applied   ${m.name}${d.modified.includes(m.name) ? '  (modified since applied)' : ''}`);
      for (const m of d.pending) this.log(`  pending   ${m}`);
      for (const m of d.unknown) this.log(`  unknown   ${m} (recorded in the database, not on disk)`);
    }
    return { upToDate: databases.every((d) => d.upToDate), databases };
  }
}
