/**
 * The one role-to-permission map. Permissions are `resource:action` strings; `*` grants all actions on a resource.
 */
export const Roles = ['PLATFORM_ADMIN', 'MERCHANT', 'STORE_STAFF', 'CUSTOMER'] as const;
export type Role = (typeof Roles)[number];

export const Permissions = [
  'user:read',
  'user:write',
  'role:assign',
  'audit:read',
  'store:create',
  'store:read',
  'store:write',
  'store:status',
  'store:suspend',
  'staff:manage',
  'product:read',
  'product:write',
  'order:read',
  'order:write',
  'customer:read',
  'customer:write',
  'inventory:read',
  'inventory:write',
  'payment:read',
  'payment:refund',
  'analytics:read',
  'webhook:manage',
  'plugin:manage',
  'notification:manage',
  'profile:read',
  'profile:write',
  'order:place',
] as const;
export type Permission = (typeof Permissions)[number];

export const ROLE_PERMISSIONS: Record<Role, readonly Permission[]> = {
  PLATFORM_ADMIN: Permissions,
  MERCHANT: [
    'store:create',
    'store:read',
    'store:write',
    'store:status',
    'staff:manage',
    'product:read',
    'product:write',
    'order:read',
    'order:write',
    'customer:read',
    'customer:write',
    'inventory:read',
    'inventory:write',
    'payment:read',
    'payment:refund',
    'analytics:read',
    'webhook:manage',
    'plugin:manage',
    'notification:manage',
    'profile:read',
    'profile:write',
  ],
  // Staff get store-scoped permissions from their membership; these are what any staff account may hold.
  STORE_STAFF: ['store:read', 'product:read', 'order:read', 'customer:read', 'inventory:read', 'profile:read', 'profile:write'],
  CUSTOMER: ['profile:read', 'profile:write', 'order:place'],
};

/** Union of the permissions of the given roles, sorted. */
export function permissionsForRoles(roles: readonly string[]): Permission[] {
  const set = new Set<Permission>();
  for (const r of roles) for (const p of ROLE_PERMISSIONS[r as Role] ?? []) set.add(p);
  return [...set].sort();
}

export function isRole(value: string): value is Role {
  return (Roles as readonly string[]).includes(value);
}

export function isPermission(value: string): value is Permission {
  return (Permissions as readonly string[]).includes(value);
}
