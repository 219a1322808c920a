export * from './envelope';
export * from './outbox';
export * from './types';
// Transports, relay and consumer runtime are implemented in ./transport.ts and ./runtime.ts.
export { createEventTransport } from './transport';
export { startEventRuntime } from './runtime';
