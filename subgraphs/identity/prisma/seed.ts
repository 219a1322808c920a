// Demo users for `ecomify dev` / `ecomify db seed`. Idempotent: existing demo users are left alone.
// The passwords are public on purpose (printed by the CLI); production refuses to run this.
import type { Role } from '@ecomify/kernel/auth';
import { createLogger } from '@ecomify/kernel/logging';
import { loadIdentityConfig } from '../src/config';
import { createUserByOperator } from '../src/domain/user/service';
import { openOperatorContext } from '../src/tasks/support';

export const DEMO_USERS: { label: string; email: string; password: string; firstName: string; lastName: string; role: Role }[] = [
  {
    label: 'Platform admin',
    email: 'admin@ecomify.local',
    password: 'ecomify-admin-demo',
    firstName: 'Ada',
    lastName: 'Admin',
    role: 'PLATFORM_ADMIN',
  },
  {
    label: 'Merchant',
    email: 'merchant@ecomify.local',
    password: 'ecomify-merchant-demo',
    firstName: 'Mia',
    lastName: 'Merchant',
    role: 'MERCHANT',
  },
  {
    label: 'Customer',
    email: 'customer@ecomify.local',
    password: 'ecomify-customer-demo',
    firstName: 'Cal',
    lastName: 'Customer',
    role: 'CUSTOMER',
  },
];

export async function seed(ctx: { databaseUrl: string; log(msg: string): void }): Promise<{
  credentials?: { label: string; email: string; password: string }[];
}> {
  const config = loadIdentityConfig({ ...process.env, DATABASE_URL: ctx.databaseUrl });
  if (config.env === 'production') throw new Error('Refusing to create demo users with published passwords in production.');
  const logger = createLogger('identity-seed', { level: 'warn', destination: process.stderr as never });
  const { ctx: context, close } = await openOperatorContext({ config, databaseUrl: ctx.databaseUrl, logger, agent: 'ecomify-seed' });
  try {
    for (const demo of DEMO_USERS) {
      if (await context.db.user.findUnique({ where: { email: demo.email } })) {
        ctx.log(`identity: ${demo.email} already exists, left unchanged`);
        continue;
      }
      await createUserByOperator(context, { ...demo, roles: [demo.role] });
      ctx.log(`identity: created ${demo.email} (${demo.role})`);
    }
    return { credentials: DEMO_USERS.map(({ label, email, password }) => ({ label, email, password })) };
  } finally {
    await close();
  }
}
