// Settings only the stores subgraph reads, validated with the kernel loader at start-up.
import { z } from '@ecomify/kernel/config';

export const storesConfigShape = {
  /** Parent domain of every store's subdomain, e.g. ecomify.app → my-shop.ecomify.app. */
  PLATFORM_DOMAIN: z
    .string()
    .trim()
    .toLowerCase()
    .regex(/^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/, 'must be a domain name such as ecomify.app')
    .default('ecomify.localhost'),
};
