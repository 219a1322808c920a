import { Flags } from '@oclif/core';
import { BaseCommand } from '../../base';
import { UsageError } from '../../lib/errors';

export interface UserCreateResult {
  id: string;
  email: string;
  roles: string[];
  /** Only when no password was given: shown once, store it now. */
  generatedPassword?: string;
}

/** Reads all of stdin (the password for --password-stdin); one trailing newline is dropped. */
function readStdin(): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    process.stdin.setEncoding('utf8');
    process.stdin.on('data', (d) => (text += d));
    process.stdin.on('end', () => resolve(text.replace(/\r?\n$/, '')));
    process.stdin.on('error', reject);
  });
}

export default class UserCreate extends BaseCommand<UserCreateResult> {
  static summary = 'Create a verified user with a role (e.g. the first PLATFORM_ADMIN).';
  static description =
    'Without --password-stdin a strong password is generated and printed once. The password never goes on the command line, where `ps` would show it.';
  static examples = [
    'printf %s "$ADMIN_PASSWORD" | ecomify user create --email ops@example.com --role PLATFORM_ADMIN --password-stdin',
    'ecomify user create --email merchant@example.com --role MERCHANT --json',
  ];
  static flags = {
    email: Flags.string({ description: 'Email address (normalised to lower case).', required: true }),
    role: Flags.string({
      description: 'Role to grant; repeat for several.',
      required: true,
      multiple: true,
      options: ['PLATFORM_ADMIN', 'MERCHANT', 'STORE_STAFF', 'CUSTOMER'],
    }),
    'password-stdin': Flags.boolean({ description: 'Read the password from stdin.', default: false }),
    'first-name': Flags.string({ description: 'First name (default: the part of the email before @).' }),
    'last-name': Flags.string({ description: 'Last name.' }),
  };

  async run(): Promise<UserCreateResult> {
    const { flags } = await this.parse(UserCreate);
    let password: string | undefined;
    if (flags['password-stdin']) {
      if (process.stdin.isTTY)
        throw new UsageError(
          '--password-stdin reads the password from a pipe, not the terminal.',
          'printf %s "$PASSWORD" | ecomify user create ... --password-stdin',
        );
      password = await readStdin();
      if (!password) throw new UsageError('--password-stdin was given but stdin was empty.');
    }
    const { runSubgraphTask } = require('../../lib/tasks') as typeof import('../../lib/tasks');
    this.progress.start(`Creating ${flags.email}`);
    const result = await runSubgraphTask<UserCreateResult>('identity', 'create-user', {
      root: this.root,
      input: { email: flags.email, roles: flags.role, password, firstName: flags['first-name'], lastName: flags['last-name'] },
    });
    this.progress.done();
    this.log(`Created ${result.email} (${result.roles.join(', ')}) id ${result.id}`);
    if (result.generatedPassword) this.log(`Password (shown once): ${result.generatedPassword}`);
    return result;
  }
}
