/**
 * Opens the kernel's event transport the way a service would (JetStream when NATS_URL is set,
 * otherwise the embedded one in the platform database) for operator commands.
 */
import { CliError, ExitCode, UnreachableError, isConnectionError } from './errors';
import { databaseTarget, platformDatabaseUrl } from './env';
import { messages } from './messages';
import type { EventTransport } from '@ecomify/kernel/events';

export async function withTransport<T>(root: string, fn: (t: EventTransport) => Promise<T>): Promise<T> {
  const { loadConfig } = require('@ecomify/kernel/config') as typeof import('@ecomify/kernel/config');
  const { createLogger } = require('@ecomify/kernel/logging') as typeof import('@ecomify/kernel/logging');
  const { createEventTransport } = require('@ecomify/kernel/events') as typeof import('@ecomify/kernel/events');
  const env = { ...process.env };
  // The config loader insists on a home for the embedded cache too, though only events are used here.
  if ((!env.NATS_URL || !env.REDIS_URL) && !env.PLATFORM_DATABASE_URL)
    env.PLATFORM_DATABASE_URL = platformDatabaseUrl(databaseTarget(root));
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig({}, env);
  } catch (err) {
    throw new CliError((err as Error).message, { code: 'INVALID_CONFIG', exit: ExitCode.usage, hint: messages.events.unreachableHint });
  }
  const logger = createLogger('cli', { level: process.env.LOG_LEVEL === 'debug' ? 'debug' : 'silent' });
  let transport: EventTransport | undefined;
  try {
    transport = await createEventTransport({ config, service: 'cli', logger });
    return await fn(transport);
  } catch (err) {
    // The transport may connect lazily, so "nothing answers" can surface on the first call, too.
    if (isConnectionError(err) || /CONNECTION_REFUSED|ECONNREFUSED|not reachable|unreachable|timeout/i.test((err as Error).message)) {
      throw new UnreachableError(
        messages.events.unreachable((err as Error).message),
        messages.events.unreachableHint,
        'EVENTS_UNREACHABLE',
      );
    }
    throw err;
  } finally {
    await transport?.close().catch(() => undefined);
  }
}
