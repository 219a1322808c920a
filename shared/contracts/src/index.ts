/**
 * @ecomify/contracts: one file per publishing domain (`@ecomify/contracts/identity`, `/stores`, ...).
 * Import the domain's subpath; this index only lists them.
 */
export const CONTRACT_DOMAINS = ['identity', 'stores'] as const;
