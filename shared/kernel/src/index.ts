/**
 * @ecomify/kernel: import from the subpaths (`@ecomify/kernel/graphql`, `/events`, ...) so a process
 * loads only what it uses. This barrel re-exports the light, dependency-free parts.
 */
export * from './errors';
export * from './config';
