import { BaseCommand, sharedFlags } from '../../base';
import { messages } from '../../lib/messages';

export interface ServicesStopResult {
  services: { name: string; stopped: boolean }[];
}

export default class ServicesStop extends BaseCommand<ServicesStopResult> {
  static summary = 'Stop background services started with `services start` (all, including the embedded PostgreSQL, or --service).';
  static flags = { service: sharedFlags.service };

  async run(): Promise<ServicesStopResult> {
    const { flags } = await this.parse(ServicesStop);
    const fs = require('node:fs') as typeof import('node:fs');
    const proc = require('../../lib/processes') as typeof import('../../lib/processes');
    const project = require('../../lib/project') as typeof import('../../lib/project');
    const { stopEmbedded } = require('../../lib/postgres') as typeof import('../../lib/postgres');
    const root = this.root;
    const names = [
      project.gateway(root).name,
      ...project
        .listSubgraphs(root)
        .map((s) => s.name)
        .reverse(),
      'postgres',
    ];
    if (flags.service && !names.includes(flags.service)) project.selectSubgraphs(root, flags.service);
    const out: ServicesStopResult['services'] = [];
    for (const name of flags.service ? [flags.service] : names) {
      let stopped = false;
      if (name === 'postgres') stopped = await stopEmbedded(root);
      else {
        const pid = proc.readPid(root, name);
        if (proc.isAlive(pid)) {
          await proc.stopPid(pid!, { group: true });
          stopped = true;
        }
        fs.rmSync(proc.pidFile(root, name), { force: true });
      }
      this.log(stopped ? messages.services.stopped(name) : messages.services.notRunning(name));
      out.push({ name, stopped });
    }
    return { services: out };
  }
}
