import { Flags } from '@oclif/core';
import { BaseCommand, sharedFlags } from '../../base';
import { CliError, ExitCode } from '../../lib/errors';
import { messages } from '../../lib/messages';

export interface ServicesStartResult {
  services: { name: string; pid: number; port: number; started: boolean; log: string }[];
  credentials: { service: string; label: string; email: string; password: string }[];
}

export default class ServicesStart extends BaseCommand<ServicesStartResult> {
  static summary =
    'Start services in the background (pid and log files under .ecomify/run); they keep running after the command exits. --service postgres starts only the embedded PostgreSQL.';

  static flags = {
    service: sharedFlags.service,
    'ready-timeout': Flags.integer({ description: 'Seconds to wait for each service to be ready.', default: 90 }),
  };

  async run(): Promise<ServicesStartResult> {
    const { flags } = await this.parse(ServicesStart);
    const path = require('node:path') as typeof import('node:path');
    const proc = require('../../lib/processes') as typeof import('../../lib/processes');
    const { serviceEnv, databaseTarget } = require('../../lib/env') as typeof import('../../lib/env');
    const project = require('../../lib/project') as typeof import('../../lib/project');
    const { startEmbedded, postmasterPid } = require('../../lib/postgres') as typeof import('../../lib/postgres');
    const root = this.root;

    if (flags.service === 'postgres') {
      const { pg, started } = await startEmbedded(root);
      this.log(
        started
          ? messages.services.started('postgres', postmasterPid(pg)!)
          : messages.services.alreadyRunning('postgres', postmasterPid(pg)!),
      );
      return {
        services: [{ name: 'postgres', pid: postmasterPid(pg)!, port: pg.port, started, log: path.relative(root, pg.logFile) }],
        credentials: [],
      };
    }

    const all = [...project.listSubgraphs(root), project.gateway(root)];
    const selected = flags.service ? all.filter((s) => s.name === flags.service) : all;
    if (!selected.length)
      throw new CliError(messages.unknownService(flags.service!, ['postgres', ...all.map((s) => s.name)]), {
        code: 'UNKNOWN_SERVICE',
        exit: ExitCode.usage,
        hint: messages.unknownServiceHint,
      });

    let credentials: ServicesStartResult['credentials'] = [];
    let target = databaseTarget(root);
    if (!flags.service) {
      const { preparePlatform } = require('../../lib/platform') as typeof import('../../lib/platform');
      const prepared = await preparePlatform(root, this.progress);
      target = prepared.target;
      credentials = prepared.credentials;
    } else if (target.embedded) {
      await startEmbedded(root);
      target = databaseTarget(root);
    }

    const out: ServicesStartResult['services'] = [];
    for (const s of selected) {
      const existing = proc.readPid(root, s.name);
      if (proc.isAlive(existing)) {
        this.log(messages.services.alreadyRunning(s.name, existing!));
        out.push({ name: s.name, pid: existing!, port: s.port, started: false, log: path.relative(root, proc.logFile(root, s.name)) });
        continue;
      }
      if (await proc.portInUse(s.port))
        throw new CliError(messages.dev.portBusy(s.name, s.port), {
          code: 'PORT_IN_USE',
          exit: ExitCode.usage,
          hint: messages.dev.portBusyHint,
        });
      this.progress.info(messages.dev.starting(s.name, s.port));
      const pid = proc.spawnDetached(s, root, serviceEnv(s, target));
      out.push({ name: s.name, pid, port: s.port, started: true, log: path.relative(root, proc.logFile(root, s.name)) });
    }
    this.progress.start(messages.dev.waiting(out.map((s) => s.name)));
    const ready = await Promise.all(out.map((s) => proc.waitReady(s.port, flags['ready-timeout'] * 1000, () => proc.isAlive(s.pid))));
    const failed = out.find((_s, i) => !ready[i]);
    if (failed) {
      throw new CliError(messages.dev.notReady(failed.name, flags['ready-timeout']), {
        code: 'SERVICE_NOT_READY',
        exit: ExitCode.unreachable,
        hint: `See ${failed.log} (ecomify services logs --service ${failed.name}).`,
        result: { services: out },
      });
    }
    this.progress.done();
    for (const s of out) if (s.started) this.log(messages.services.started(s.name, s.pid));
    for (const c of credentials) this.log(`  ${c.label}: ${c.email} / ${c.password}`);
    return { services: out, credentials };
  }
}
