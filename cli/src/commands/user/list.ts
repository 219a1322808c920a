import { Flags } from '@oclif/core';
import { BaseCommand } from '../../base';

export interface UserListResult {
  total: number;
  users: {
    id: string;
    email: string;
    name: string;
    roles: string[];
    emailVerified: boolean;
    mfaEnabled: boolean;
    locked: boolean;
    createdAt: string;
  }[];
}

export default class UserList extends BaseCommand<UserListResult> {
  static summary = 'List users, newest first.';
  static flags = {
    role: Flags.string({ description: 'Only users with this role.', options: ['PLATFORM_ADMIN', 'MERCHANT', 'STORE_STAFF', 'CUSTOMER'] }),
    search: Flags.string({ description: 'Only emails starting with this.' }),
    limit: Flags.integer({ description: 'At most this many (1-500).', default: 50, min: 1, max: 500 }),
  };

  async run(): Promise<UserListResult> {
    const { flags } = await this.parse(UserList);
    const { runSubgraphTask } = require('../../lib/tasks') as typeof import('../../lib/tasks');
    const result = await runSubgraphTask<UserListResult>('identity', 'list-users', {
      root: this.root,
      input: { role: flags.role, search: flags.search, limit: flags.limit },
    });
    for (const u of result.users) {
      const flagsText = [u.emailVerified ? '' : 'unverified', u.mfaEnabled ? 'mfa' : '', u.locked ? 'LOCKED' : '']
        .filter(Boolean)
        .join(' ');
      this.log(`${u.email.padEnd(36)} ${u.roles.join(',').padEnd(24)} ${u.id}  ${flagsText}`);
    }
    this.log(`${result.users.length} of ${result.total} user(s)`);
    return result;
  }
}
