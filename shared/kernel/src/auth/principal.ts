import type { Role } from './roles';

/** The one kind of caller every subgraph sees: a verified access token. */
export interface Principal {
  kind: 'user' | 'plugin' | 'service';
  /** Subject: the user id (or plugin/service id). */
  subject: string;
  roles: Role[];
  permissions: string[];
  /** Plugin scopes (only for kind 'plugin'). */
  scopes: string[];
  /** Token id (jti): what logout blacklists. */
  tokenId: string;
  /** Session the token belongs to, when issued from a login. */
  sessionId?: string;
  /** Store the token is bound to (plugin API keys are scoped to one store). */
  storeId?: string;
  /** Expiry, seconds since epoch. */
  expiresAt: number;
}

export function hasRole(p: Principal | null | undefined, ...roles: Role[]): boolean {
  return !!p && roles.some((r) => p.roles.includes(r));
}

/** True when the principal holds every listed permission (PLATFORM_ADMIN holds all). */
export function hasPermissions(p: Principal | null | undefined, ...perms: string[]): boolean {
  if (!p) return false;
  if (p.roles.includes('PLATFORM_ADMIN')) return true;
  return perms.every((perm) => p.permissions.includes(perm) || p.permissions.includes(perm.split(':')[0] + ':*'));
}
