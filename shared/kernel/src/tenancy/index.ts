// Store context, membership projection and row-level security: how every subgraph enforces tenancy.
export * from './context';
export * from './rls';
export * from './projection';
