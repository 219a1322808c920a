import { BaseCommand, sharedFlags } from '../../base';

export interface ServiceStatus {
  name: string;
  port: number;
  pid: number | null;
  running: boolean;
  healthz: number | null;
  readyz: number | null;
  ready: boolean;
  checks?: unknown;
}

export interface ServicesStatusResult {
  services: ServiceStatus[];
}

export default class ServicesStatus extends BaseCommand<ServicesStatusResult> {
  static summary = 'Show pid, port, /healthz and /readyz of each service (and whether the embedded PostgreSQL runs).';
  static flags = { service: sharedFlags.service };

  async run(): Promise<ServicesStatusResult> {
    const { flags } = await this.parse(ServicesStatus);
    const proc = require('../../lib/processes') as typeof import('../../lib/processes');
    const project = require('../../lib/project') as typeof import('../../lib/project');
    const pgLib = require('../../lib/postgres') as typeof import('../../lib/postgres');
    const root = this.root;
    const out: ServiceStatus[] = [];
    if (!flags.service || flags.service === 'postgres') {
      const pg = pgLib.embeddedPaths(root);
      const running = await pgLib.isRunning(pg);
      out.push({
        name: 'postgres',
        port: pg.port,
        pid: running ? (pgLib.postmasterPid(pg) ?? null) : null,
        running,
        healthz: null,
        readyz: null,
        ready: running,
      });
    }
    const services = [...project.listSubgraphs(root), project.gateway(root)].filter((s) => !flags.service || s.name === flags.service);
    if (flags.service && flags.service !== 'postgres' && !services.length) project.selectSubgraphs(root, flags.service);
    await Promise.all(
      services.map(async (s) => {
        const pid = proc.readPid(root, s.name);
        const [health, ready] = await Promise.all([proc.probe(s.port, '/healthz'), proc.probe(s.port, '/readyz')]);
        const alive = proc.isAlive(pid);
        out.push({
          name: s.name,
          port: s.port,
          pid: alive ? pid! : null,
          // Something answering on the port counts as running even when another terminal started it (`dev`).
          running: alive || health.status !== null,
          healthz: health.status,
          readyz: ready.status,
          ready: ready.status === 200,
          checks: (ready.body as { checks?: unknown } | undefined)?.checks,
        });
      }),
    );
    const order = ['postgres', ...services.map((s) => s.name)];
    out.sort((a, b) => order.indexOf(a.name) - order.indexOf(b.name));
    for (const s of out)
      this.log(
        `${s.name.padEnd(16)} :${String(s.port).padEnd(6)} ${(s.running ? 'running' : 'stopped').padEnd(8)} pid ${String(s.pid ?? '-').padEnd(8)} healthz ${s.healthz ?? '-'}  readyz ${s.readyz ?? '-'}`,
      );
    return { services: out };
  }
}
