export * from './envelope';
export * from './outbox';
