/**
 * The base of every `ecomify` command: the versioned `--json` envelope (errors included), documented
 * exit codes, progress on stderr, and prompts only when a person is at a terminal.
 *
 * A command implements `run()`, returns its typed result (printed as the envelope's `result` with
 * `--json`), writes human output with `this.log` (silenced under `--json`) and progress with
 * `this.progress`. It reports failures by throwing CliError (or UsageError / UnreachableError).
 */
import { Command, Flags, type Interfaces } from '@oclif/core';
import { CliError, ExitCode, isConnectionError, type ExitCodeValue } from './lib/errors';
import { messages } from './lib/messages';
import { createProgress, type Progress } from './lib/progress';
import { findRoot } from './lib/project';

/** Bumped only when the envelope or a command's result changes incompatibly. */
export const JSON_SCHEMA_VERSION = 1;

export interface ErrorBody {
  code: string;
  message: string;
  hint?: string;
}

export type JsonEnvelope<T> =
  | { schemaVersion: 1; command: string; ok: true; result: T }
  | { schemaVersion: 1; command: string; ok: false; error: ErrorBody; result?: unknown };

/** Flags several commands share; spread the ones a command needs into its `flags`. */
export const sharedFlags = {
  yes: Flags.boolean({ char: 'y', description: 'Answer yes to confirmations (required without a terminal).', default: false }),
  service: Flags.string({ char: 's', description: 'Only this service (default: all).' }),
};

export abstract class BaseCommand<T = unknown> extends Command {
  static enableJsonFlag = true;

  protected progress!: Progress;
  private cachedRoot?: string;

  public async init(): Promise<void> {
    await super.init();
    // Under --json a consumer may still read stderr, but spinners would garble a captured log.
    this.progress = createProgress({ quiet: process.env.ECOMIFY_QUIET === '1' });
  }

  abstract run(): Promise<T>;

  /** The project root (see findRoot). */
  protected get root(): string {
    this.cachedRoot ??= findRoot();
    return this.cachedRoot;
  }

  protected get commandName(): string {
    return (this.id ?? 'ecomify').replace(/:/g, ' ');
  }

  /** True when a person can answer a prompt: stdin is a terminal, CI is unset, and no --json. */
  protected get interactive(): boolean {
    return !!process.stdin.isTTY && !process.env.CI && !this.jsonEnabled();
  }

  /** Returns `value`, or asks for it at a terminal; without one, fails naming `flag` (exit 2). */
  protected async requireInput(value: string | undefined, flag: string, question: string): Promise<string> {
    if (value !== undefined && value !== '') return value;
    if (!this.interactive)
      throw new CliError(messages.missingInput(flag), {
        code: 'MISSING_INPUT',
        exit: ExitCode.usage,
        hint: messages.missingInputHint(flag),
      });
    const { default: inquirer } = require('inquirer') as typeof import('inquirer');
    const answer = await inquirer.prompt<{ value: string }>([{ type: 'input', name: 'value', message: question }]);
    if (!answer.value) throw new CliError(messages.missingInput(flag), { code: 'MISSING_INPUT', exit: ExitCode.usage });
    return answer.value;
  }

  /** Confirms a destructive step: `--yes` passes, a terminal asks, anything else fails naming `--yes` (exit 2). */
  protected async confirm(yes: boolean, question: string): Promise<boolean> {
    if (yes) return true;
    if (!this.interactive) {
      throw new CliError(messages.missingInput('--yes'), {
        code: 'MISSING_INPUT',
        exit: ExitCode.usage,
        hint: messages.missingInputHint('--yes'),
      });
    }
    const { default: inquirer } = require('inquirer') as typeof import('inquirer');
    const answer = await inquirer.prompt<{ ok: boolean }>([{ type: 'confirm', name: 'ok', message: question, default: false }]);
    return answer.ok;
  }

  protected toSuccessJson(result: unknown): JsonEnvelope<unknown> {
    return { schemaVersion: JSON_SCHEMA_VERSION, command: this.commandName, ok: true, result };
  }

  protected toErrorJson(err: unknown): JsonEnvelope<unknown> {
    const { body, result } = describeError(err);
    return {
      schemaVersion: JSON_SCHEMA_VERSION,
      command: this.commandName,
      ok: false,
      error: body,
      ...(result === undefined ? {} : { result }),
    };
  }

  /** Plain JSON: consumers parse it, and colour codes would break them. */
  logJson(json: unknown): void {
    process.stdout.write(JSON.stringify(json, null, 2) + '\n');
  }

  async catch(err: Interfaces.CommandError): Promise<void> {
    const { body, exit } = describeError(err);
    process.exitCode = exit;
    if (this.jsonEnabled()) {
      this.logJson(this.toErrorJson(err));
      return;
    }
    this.progress?.fail();
    process.stderr.write(`Error: ${body.message}\n`);
    if (body.hint) process.stderr.write(`Hint: ${body.hint}\n`);
    if (exit === ExitCode.failed && body.code === 'UNEXPECTED' && process.env.DEBUG) process.stderr.write(`${(err as Error).stack}\n`);
  }
}

/** Maps anything thrown to the envelope's error body and an exit code from the documented set. */
export function describeError(err: unknown): { body: ErrorBody; exit: ExitCodeValue; result?: unknown } {
  if (err instanceof CliError) {
    return {
      body: { code: err.code, message: err.message, ...(err.options.hint ? { hint: err.options.hint } : {}) },
      exit: err.exit,
      result: err.options.result,
    };
  }
  const e = err as Error & { parse?: unknown; oclif?: { exit?: number } };
  // oclif's parser errors (missing/unknown flags and arguments) carry `parse`.
  if (
    e &&
    (e.parse ||
      /Missing \d+ required arg|Nonexistent flag|Unexpected argument|Expected --|must also be provided|Missing required flag/.test(
        e.message ?? '',
      ))
  ) {
    return { body: { code: 'USAGE', message: e.message.trim(), hint: 'Run the command with --help for its flags.' }, exit: ExitCode.usage };
  }
  if (isConnectionError(err)) {
    return { body: { code: 'SERVICE_UNREACHABLE', message: e.message, hint: messages.db.unreachableHint }, exit: ExitCode.unreachable };
  }
  return {
    body: { code: 'UNEXPECTED', message: messages.unexpected(e?.message ?? String(err)), hint: messages.unexpectedHint },
    exit: ExitCode.failed,
  };
}
