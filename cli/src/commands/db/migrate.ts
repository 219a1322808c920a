import { BaseCommand, sharedFlags } from '../../base';
import type { MigrateEntry } from '../../lib/db';

export interface DbMigrateResult {
  databases: MigrateEntry[];
}

export default class DbMigrate extends BaseCommand<DbMigrateResult> {
  static summary = "Create each subgraph's database if needed and apply its pending migrations.";
  static flags = { service: sharedFlags.service };

  async run(): Promise<DbMigrateResult> {
    const { flags } = await this.parse(DbMigrate);
    const { selectSubgraphs } = require('../../lib/project') as typeof import('../../lib/project');
    const { databaseTarget } = require('../../lib/env') as typeof import('../../lib/env');
    const { migrate } = require('../../lib/db') as typeof import('../../lib/db');
    const databases = await migrate(selectSubgraphs(this.root, flags.service), databaseTarget(this.root), this.progress);
    for (const d of databases)
      this.log(`${d.service.padEnd(16)} ${d.database.padEnd(28)} ${d.applied.length ? `applied ${d.applied.join(', ')}` : 'up to date'}`);
    return { databases };
  }
}
