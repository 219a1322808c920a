// Staff members of a store, and the mutations owners use to add and remove them.
import { ConflictError, NotFoundError, RuleViolationError, ValidationError } from '@ecomify/kernel/errors';
import { builder } from '../builder';
import { addStaffMember, removeStaffMember } from '../domain/store/staff';

builder.prismaObject('StoreStaff', {
  name: 'StaffMember',
  description: 'A user who works on a store with the listed permissions.',
  fields: (t) => ({
    storeId: t.exposeID('storeId'),
    userId: t.exposeID('userId'),
    permissions: t.exposeStringList('permissions'),
    addedBy: t.exposeID('addedBy'),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

const AddStaffMemberInput = builder.inputType('AddStaffMemberInput', {
  fields: (t) => ({
    storeId: t.id({ required: true }),
    userId: t.id({ description: 'The user to add; or give their email instead.' }),
    email: t.string({ description: 'Email of a registered user; or give userId instead.' }),
    permissions: t.stringList({ required: true, description: 'Store permissions such as product:write, order:read.' }),
  }),
});

builder.mutationField('addStaffMember', (t) =>
  t.prismaField({
    type: 'StoreStaff',
    description: "Adds a staff member, or replaces a member's permissions (store owner or platform admin).",
    authScopes: { authenticated: true },
    errors: { types: [ValidationError, NotFoundError, ConflictError, RuleViolationError] },
    args: { input: t.arg({ type: AddStaffMemberInput, required: true }) },
    resolve: (_query, _root, { input }, ctx) =>
      addStaffMember(ctx, { ...input, storeId: String(input.storeId), userId: input.userId ? String(input.userId) : null }),
  }),
);

builder.mutationField('removeStaffMember', (t) =>
  t.prismaField({
    type: 'StoreStaff',
    description: 'Removes a staff member (store owner or platform admin).',
    authScopes: { authenticated: true },
    errors: { types: [NotFoundError, RuleViolationError] },
    args: { storeId: t.arg.id({ required: true }), userId: t.arg.id({ required: true }) },
    resolve: (_query, _root, { storeId, userId }, ctx) => removeStaffMember(ctx, String(storeId), String(userId)),
  }),
);
