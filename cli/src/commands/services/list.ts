import path from 'node:path';
import { BaseCommand } from '../../base';
import { embeddedPort } from '../../lib/env';
import { gateway, listSubgraphs } from '../../lib/project';

export interface ServicesListResult {
  services: { name: string; kind: 'subgraph' | 'gateway' | 'database'; port: number; dir: string }[];
}

export default class ServicesList extends BaseCommand<ServicesListResult> {
  static summary = 'List the services `ecomify dev` runs: every subgraph, the gateway and (embedded) PostgreSQL.';

  async run(): Promise<ServicesListResult> {
    await this.parse(ServicesList);
    const services: ServicesListResult['services'] = [
      { name: 'postgres', kind: 'database', port: embeddedPort(), dir: '.ecomify/postgres' },
      ...[...listSubgraphs(this.root), gateway(this.root)].map((s) => ({
        name: s.name,
        kind: s.kind,
        port: s.port,
        dir: path.relative(this.root, s.dir),
      })),
    ];
    for (const s of services) this.log(`${s.name.padEnd(16)} ${s.kind.padEnd(9)} :${s.port}  ${s.dir}`);
    return { services };
  }
}
