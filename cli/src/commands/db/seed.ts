import { Flags } from '@oclif/core';
import { BaseCommand, sharedFlags } from '../../base';
import type { SeedEntry } from '../../lib/db';

export interface DbSeedResult {
  seeds: SeedEntry[];
}

export default class DbSeed extends BaseCommand<DbSeedResult> {
  static summary = "Run each subgraph's prisma/seed.ts on its database when the database holds no data yet.";
  static flags = {
    service: sharedFlags.service,
    force: Flags.boolean({ description: 'Seed even when the database already has data.', default: false }),
  };

  async run(): Promise<DbSeedResult> {
    const { flags } = await this.parse(DbSeed);
    const { selectSubgraphs } = require('../../lib/project') as typeof import('../../lib/project');
    const { databaseTarget } = require('../../lib/env') as typeof import('../../lib/env');
    const { seed } = require('../../lib/db') as typeof import('../../lib/db');
    const seeds = await seed(selectSubgraphs(this.root, flags.service), databaseTarget(this.root), this.progress, { force: flags.force });
    for (const s of seeds) {
      this.log(`${s.service.padEnd(16)} ${s.seeded ? 'seeded' : `skipped (${s.skipped})`}`);
      for (const c of s.credentials) this.log(`  ${c.label}: ${c.email} / ${c.password}`);
    }
    return { seeds };
  }
}
