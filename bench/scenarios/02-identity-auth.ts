/**
 * identity-auth: `login` and `me` through the gateway, with production argon2id parameters
 * (m=19456 KiB, t=2, p=1). Login is bound by the password hash by design; `me` is the hot path.
 */
import { load, machine, writeReport, DURATION, CONNECTIONS } from '../lib';
import { GATEWAY, signUp, startPlatform } from '../platform';

export const scenario = {
  name: 'identity-auth',
  description: 'login and me through the gateway (identity + gateway processes, real PostgreSQL, Redis, NATS)',
  async run(): Promise<string> {
    const platform = await startPlatform();
    const idle = Object.fromEntries(Object.values(platform.procs).map((p) => [p.name, p.rssMb()]));
    const email = `bench-${Date.now()}@example.com`;
    const token = await signUp(email, 'CUSTOMER');
    const me = await load({
      label: 'me (gateway → identity)',
      url: GATEWAY,
      headers: { authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: '{ me { id email firstName lastName roles } }' }),
      validate: (j) => {
        if (j.data.me.email !== email) throw new Error('me returned another user');
      },
    });
    const login = await load(
      {
        label: 'login (gateway → identity, argon2id verify)',
        url: GATEWAY,
        body: JSON.stringify({
          query: 'mutation($i: LoginInput!) { login(input: $i) { __typename ... on LoginSuccess { accessToken } } }',
          variables: { i: { email, password: 'bench-password-123' } },
        }),
        validate: (j) => {
          if (j.data.login.__typename !== 'LoginSuccess') throw new Error(JSON.stringify(j.data.login));
        },
      },
      { connections: 8 },
    );
    const rssMb = Object.fromEntries(Object.values(platform.procs).map((p) => [p.name, { idle: idle[p.name], afterLoad: p.rssMb() }]));
    return writeReport({
      scenario: 'identity-auth',
      description: this.description,
      date: new Date().toISOString(),
      machine: machine(),
      duration: DURATION,
      connections: CONNECTIONS,
      results: [me, login],
      rssMb,
      notes: {
        'login connections': 8,
        'argon2id parameters': 'm=19456 KiB, t=2, p=1 (production defaults)',
        'login rate limit': 'LOGIN_RATE_LIMIT_PER_MINUTE=10000 for bench runs (default 5/min per IP and per email)',
      },
    });
  },
};
