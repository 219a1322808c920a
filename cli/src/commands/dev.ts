import { Flags } from '@oclif/core';
import type { ChildProcess } from 'node:child_process';
import { BaseCommand } from '../base';
import { CliError, ExitCode } from '../lib/errors';
import { messages } from '../lib/messages';

export interface DevResult {
  endpoint: string;
  services: { name: string; port: number; pid: number }[];
  credentials: { service: string; label: string; email: string; password: string }[];
  embeddedPostgres: boolean;
}

export default class Dev extends BaseCommand<DevResult | undefined> {
  static summary =
    'Run the whole platform locally: embedded PostgreSQL unless a database is configured, migrations, seeds, a fresh supergraph, every subgraph and the gateway, with their logs. Ctrl-C stops everything.';

  static flags = {
    'ready-timeout': Flags.integer({ description: 'Seconds to wait for each service to be ready.', default: 90 }),
    seed: Flags.boolean({ description: 'Seed empty databases (--no-seed skips).', default: true, allowNo: true }),
  };

  async run(): Promise<DevResult | undefined> {
    const { flags } = await this.parse(Dev);
    const { preparePlatform } = require('../lib/platform') as typeof import('../lib/platform');
    const proc = require('../lib/processes') as typeof import('../lib/processes');
    const { serviceEnv } = require('../lib/env') as typeof import('../lib/env');
    const { gateway } = require('../lib/project') as typeof import('../lib/project');
    const { stopEmbedded } = require('../lib/postgres') as typeof import('../lib/postgres');

    const root = this.root;
    const prepared = await preparePlatform(root, this.progress, { seed: flags.seed, stopOnFailure: true });
    const services = [...prepared.subgraphs, gateway(root)];
    const children = new Map<string, ChildProcess>();
    const logs = this.jsonEnabled() ? process.stderr : process.stdout;
    const width = Math.max(...services.map((s) => s.name.length));
    let stopping = false;

    const stopAll = async () => {
      if (stopping) return;
      stopping = true;
      this.progress.info(messages.dev.stopping);
      // Gateway first so it stops sending traffic, then the subgraphs, then their database.
      for (const s of [...services].reverse()) {
        const child = children.get(s.name);
        if (child?.pid && child.exitCode === null) await proc.stopPid(child.pid);
      }
      if (prepared.startedPostgres) await stopEmbedded(root);
      this.progress.info(messages.dev.stopped);
    };

    try {
      for (const s of services) {
        if (await proc.portInUse(s.port))
          throw new CliError(messages.dev.portBusy(s.name, s.port), {
            code: 'PORT_IN_USE',
            exit: ExitCode.usage,
            hint: messages.dev.portBusyHint,
          });
      }
      const start = async (group: typeof services) => {
        for (const s of group) {
          this.progress.info(messages.dev.starting(s.name, s.port));
          const child = proc.spawnAttached(s, root, serviceEnv(s, prepared.target));
          children.set(s.name, child);
          proc.pipeWithPrefix(child, s.name, services.indexOf(s), logs, width);
        }
        this.progress.start(messages.dev.waiting(group.map((s) => s.name)));
        const ready = await Promise.all(
          group.map((s) => proc.waitReady(s.port, flags['ready-timeout'] * 1000, () => children.get(s.name)?.exitCode === null)),
        );
        const failed = group.find((_s, i) => !ready[i]);
        if (failed)
          throw new CliError(messages.dev.notReady(failed.name, flags['ready-timeout']), {
            code: 'SERVICE_NOT_READY',
            exit: ExitCode.unreachable,
            hint: messages.dev.notReadyHint(failed.name),
          });
        this.progress.done();
      };
      // The gateway needs every subgraph up to plan queries; subgraphs only need the database.
      await start(prepared.subgraphs);
      await start([gateway(root)]);
    } catch (err) {
      await stopAll();
      throw err;
    }

    const endpoint = `http://127.0.0.1:${gateway(root).port}/graphql`;
    const result: DevResult = {
      endpoint,
      services: services.map((s) => ({ name: s.name, port: s.port, pid: children.get(s.name)!.pid! })),
      credentials: prepared.credentials,
      embeddedPostgres: prepared.target.embedded,
    };
    if (this.jsonEnabled()) this.logJson(this.toSuccessJson(result));
    else {
      this.progress.info(messages.dev.ready(endpoint));
      if (result.credentials.length) {
        this.progress.info(messages.dev.credentials);
        for (const c of result.credentials) this.progress.info(`  ${c.label}: ${c.email} / ${c.password}`);
      }
    }

    const exitCode = await new Promise<number>((resolve) => {
      const onSignal = () => resolve(0);
      process.once('SIGINT', onSignal);
      process.once('SIGTERM', onSignal);
      for (const [name, child] of children) {
        child.once('exit', (code) => {
          if (!stopping) {
            this.progress.warn(messages.dev.exited(name, code));
            resolve(ExitCode.failed);
          }
        });
      }
    });
    await stopAll();
    process.exitCode = exitCode;
    // The ready envelope was already printed; printing another on exit would give consumers two documents.
    return undefined;
  }
}
