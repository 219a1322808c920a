// The signed-in user as identity sees it: the token must also belong to a session that is still open.
import { UnauthenticatedError } from '@ecomify/kernel/errors';
import type { IdentityContext } from '../../context';

/**
 * Refuses a token whose session has ended. Other subgraphs rely on the revocation list; identity also
 * asks its own database, which covers tokens issued before a refresh as well.
 */
export async function assertOpenSession(ctx: IdentityContext): Promise<string> {
  const p = ctx.principal;
  if (!p) throw new UnauthenticatedError();
  if (p.sessionId) {
    const session = await ctx.db.session.findUnique({ where: { id: p.sessionId }, select: { revokedAt: true, userId: true } });
    if (!session || session.revokedAt || session.userId !== p.subject) {
      throw new UnauthenticatedError('This session has ended. Sign in again.', { reason: 'SESSION_REVOKED' });
    }
  }
  return p.subject;
}

/** The signed-in user (with roles), refusing tokens whose session has ended. */
export async function currentUser(ctx: IdentityContext) {
  const p = ctx.principal;
  await assertOpenSession(ctx);
  const user = await ctx.db.user.findUnique({ where: { id: p!.subject }, include: { roles: true } });
  if (!user) throw new UnauthenticatedError('This account no longer exists.', { reason: 'USER_GONE' });
  return user;
}
