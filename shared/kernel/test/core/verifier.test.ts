import { randomUUID } from 'node:crypto';
import { SignJWT, generateKeyPair, exportJWK } from 'jose';
import { bearerToken, createTokenVerifier } from '../../src/auth';
import { hasPermissions, hasRole } from '../../src/auth/principal';
import { permissionsForRoles } from '../../src/auth/roles';
import { createTestIssuer, TEST_AUDIENCE, TEST_ISSUER } from '../../src/testing';

describe('token verifier', () => {
  it('accepts a valid token and exposes the principal', async () => {
    const issuer = await createTestIssuer();
    const p = await issuer.verifier.verify(await issuer.token({ sub: 'u1', roles: ['MERCHANT'] }));
    expect(p).toMatchObject({ subject: 'u1', roles: ['MERCHANT'], kind: 'user' });
    expect(p.permissions).toContain('product:write');
  });

  it.each([
    ['expired', async (i: Awaited<ReturnType<typeof createTestIssuer>>) => i.token({ expiresIn: '-1m' }), 'TOKEN_EXPIRED'],
    ['malformed', async () => 'not-a-jwt', 'TOKEN_INVALID'],
  ])('refuses an %s token as UNAUTHENTICATED', async (_name, make, reason) => {
    const issuer = await createTestIssuer();
    await expect(issuer.verifier.verify(await make(issuer))).rejects.toMatchObject({ code: 'UNAUTHENTICATED', reason });
  });

  it('refuses a token signed by another key', async () => {
    const trusted = await createTestIssuer();
    const other = await createTestIssuer();
    await expect(trusted.verifier.verify(await other.token({}))).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
  });

  it('refuses alg none and HMAC tokens', async () => {
    const issuer = await createTestIssuer();
    const header = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT', kid: issuer.jwks.keys[0].kid })).toString('base64url');
    const now = Math.floor(Date.now() / 1000);
    const payload = Buffer.from(
      JSON.stringify({ sub: 'u1', jti: 'j', iat: now, exp: now + 600, iss: TEST_ISSUER, aud: TEST_AUDIENCE, roles: ['PLATFORM_ADMIN'] }),
    ).toString('base64url');
    await expect(issuer.verifier.verify(`${header}.${payload}.`)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    const hmac = await new SignJWT({ roles: ['PLATFORM_ADMIN'] })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('u1')
      .setJti('j')
      .setIssuedAt()
      .setExpirationTime('5m')
      .setIssuer(TEST_ISSUER)
      .setAudience(TEST_AUDIENCE)
      .sign(new TextEncoder().encode('x'.repeat(32)));
    await expect(issuer.verifier.verify(hmac)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
  });

  it('refuses a revoked token id', async () => {
    const revoked = new Set<string>();
    const issuer = await createTestIssuer({ isRevoked: async (jti) => revoked.has(jti) });
    const jti = randomUUID();
    const token = await issuer.token({ jti });
    await expect(issuer.verifier.verify(token)).resolves.toBeTruthy();
    revoked.add(jti);
    await expect(issuer.verifier.verify(token)).rejects.toMatchObject({ code: 'UNAUTHENTICATED', reason: 'TOKEN_REVOKED' });
  });

  it('fetches and caches a remote JWKS', async () => {
    const { publicKey, privateKey } = await generateKeyPair('ES256');
    const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'ES256' };
    let hits = 0;
    const http = await import('node:http');
    const server = http.createServer((_req, res) => {
      hits++;
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ keys: [jwk] }));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const port = (server.address() as { port: number }).port;
    try {
      const verifier = createTokenVerifier({ jwksUrl: `http://127.0.0.1:${port}/jwks`, issuer: TEST_ISSUER, audience: TEST_AUDIENCE });
      for (let i = 0; i < 3; i++) {
        const t = await new SignJWT({ roles: ['CUSTOMER'] })
          .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
          .setSubject('u')
          .setJti(randomUUID())
          .setIssuedAt()
          .setExpirationTime('5m')
          .setIssuer(TEST_ISSUER)
          .setAudience(TEST_AUDIENCE)
          .sign(privateKey);
        await verifier.verify(t);
      }
      expect(hits).toBe(1);
    } finally {
      server.close();
    }
  });

  it('parses bearer headers strictly', () => {
    expect(bearerToken('Bearer abc')).toBe('abc');
    expect(bearerToken('Basic abc')).toBeNull();
    expect(bearerToken(undefined)).toBeNull();
  });
});

describe('roles and permissions', () => {
  it('gives PLATFORM_ADMIN everything and CUSTOMER no store writes', () => {
    const admin = {
      kind: 'user' as const,
      subject: 'a',
      roles: ['PLATFORM_ADMIN' as const],
      permissions: [],
      scopes: [],
      tokenId: 't',
      expiresAt: 0,
    };
    expect(hasPermissions(admin, 'store:suspend')).toBe(true);
    expect(permissionsForRoles(['CUSTOMER'])).not.toContain('store:write');
    const customer = { ...admin, roles: ['CUSTOMER' as const], permissions: permissionsForRoles(['CUSTOMER']) };
    expect(hasRole(customer, 'MERCHANT', 'CUSTOMER')).toBe(true);
    expect(hasPermissions(customer, 'product:write')).toBe(false);
  });
});
