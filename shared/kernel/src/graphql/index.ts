export * from './context';
export * from './builder';
export * from './app';
