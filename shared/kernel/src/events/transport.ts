/**
 * Chooses the event transport from configuration: JetStream when NATS_URL is set, the embedded
 * PostgreSQL transport otherwise. loadConfig already refuses production without NATS_URL, so production
 * never lands on the embedded one.
 */
import type { Logger } from 'pino';
import type { BaseConfig } from '../config';
import { createEmbeddedTransport } from './embedded';
import { createJetStreamTransport } from './jetstream';
import type { EventTransport } from './types';

export interface CreateEventTransportOptions {
  config: Pick<BaseConfig, 'NATS_URL' | 'PLATFORM_DATABASE_URL' | 'DATABASE_URL' | 'EVENTS_MAX_DELIVER' | 'env'>;
  service: string;
  logger: Logger;
  /** Isolates deployments or test runs that share one NATS or platform database (default EVENTS_NAMESPACE). */
  namespace?: string;
}

/** Creates the configured event transport (JetStream when NATS_URL is set, embedded otherwise). */
export async function createEventTransport(opts: CreateEventTransportOptions): Promise<EventTransport> {
  const { config } = opts;
  const namespace = opts.namespace ?? (process.env.EVENTS_NAMESPACE || undefined);
  if (config.NATS_URL) {
    return createJetStreamTransport({
      url: config.NATS_URL,
      service: opts.service,
      logger: opts.logger,
      namespace,
      maxDeliver: config.EVENTS_MAX_DELIVER,
    });
  }
  if (config.env === 'production')
    throw new Error('NATS_URL is required in production: the embedded event transport is for development only');
  const url = config.PLATFORM_DATABASE_URL ?? config.DATABASE_URL;
  if (!url) throw new Error('No event transport configured: set NATS_URL, or PLATFORM_DATABASE_URL for the embedded transport');
  return createEmbeddedTransport({ url, service: opts.service, logger: opts.logger, namespace, maxDeliver: config.EVENTS_MAX_DELIVER });
}
