import { Flags } from '@oclif/core';
import { BaseCommand, sharedFlags } from '../../base';
import { CliError, ExitCode } from '../../lib/errors';
import { messages } from '../../lib/messages';

export interface ServicesLogsResult {
  service: string;
  file: string;
  lines: string[];
}

export default class ServicesLogs extends BaseCommand<ServicesLogsResult> {
  static summary = 'Print (or follow) the log of a service started with `services start`.';
  static flags = {
    service: sharedFlags.service,
    lines: Flags.integer({ char: 'n', description: 'How many of the last lines to print.', default: 100 }),
    follow: Flags.boolean({ char: 'f', description: 'Keep printing new lines until Ctrl-C.', default: false }),
  };

  async run(): Promise<ServicesLogsResult> {
    const { flags } = await this.parse(ServicesLogs);
    const fs = require('node:fs') as typeof import('node:fs');
    const path = require('node:path') as typeof import('node:path');
    const proc = require('../../lib/processes') as typeof import('../../lib/processes');
    const service = await this.requireInput(flags.service, '--service', 'Which service?');
    const file = proc.logFile(this.root, service);
    if (!fs.existsSync(file))
      throw new CliError(messages.services.noLog(service), { code: 'NO_LOG', exit: ExitCode.usage, hint: messages.services.noLogHint });
    const colour = !!process.stdout.isTTY;
    const lines = fs.readFileSync(file, 'utf8').split('\n').filter(Boolean).slice(-flags.lines);
    for (const line of lines) this.log(proc.prettyLine(line, colour));
    if (flags.follow && !this.jsonEnabled()) {
      let offset = fs.statSync(file).size;
      await new Promise<void>((resolve) => {
        const watcher = setInterval(() => {
          const size = fs.statSync(file).size;
          if (size <= offset) return;
          const fd = fs.openSync(file, 'r');
          const buf = Buffer.alloc(size - offset);
          fs.readSync(fd, buf, 0, buf.length, offset);
          fs.closeSync(fd);
          offset = size;
          for (const line of buf.toString('utf8').split('\n').filter(Boolean)) this.log(proc.prettyLine(line, colour));
        }, 300);
        const stop = () => (clearInterval(watcher), resolve());
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
    }
    return { service, file: path.relative(this.root, file), lines };
  }
}
