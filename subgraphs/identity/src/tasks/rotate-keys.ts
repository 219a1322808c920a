// `ecomify keys rotate`: a new signing key, published now and signing after the propagation delay
// (or at once with `immediate`). Nobody is signed out: old keys stay in the JWKS until their tokens expire.
import { audit, AuditAction } from '../domain/audit/service';
import { runTask } from './support';

void runTask('rotate-keys', async (ctx, input) => {
  const immediate = input.immediate === true || input.immediate === 'true';
  const rotated = await ctx.identity.keys.rotate({ immediate });
  await audit(ctx, {
    action: AuditAction.SIGNING_KEY_ROTATED,
    actorId: null,
    metadata: { kid: rotated.kid, retired: rotated.retired, immediate },
  });
  return { kid: rotated.kid, activatesAt: rotated.activatesAt.toISOString(), retired: rotated.retired };
});
