import { Writable } from 'node:stream';
import { createLogger, scrubSecrets } from '../../src/logging';

function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _enc, cb) {
      lines.push(chunk.toString());
      cb();
    },
  });
  return { lines, logger: createLogger('test', { level: 'info', destination }) };
}

describe('logging', () => {
  it('redacts secrets by key, nested and in headers', () => {
    const { lines, logger } = capture();
    logger.info(
      {
        password: 'hunter2hunter2',
        input: { password: 'p@ss-in-input', refreshToken: 'rt-123' },
        headers: { authorization: 'Bearer abc.def.ghi' },
        user: { email: 'a@b.co' },
      },
      'login',
    );
    const out = lines.join('');
    expect(out).not.toContain('hunter2hunter2');
    expect(out).not.toContain('p@ss-in-input');
    expect(out).not.toContain('rt-123');
    expect(out).not.toContain('abc.def.ghi');
    expect(out).toContain('a@b.co');
    expect(out).toContain('[Redacted]');
  });

  it('scrubs bearer tokens and JWTs from free-text messages', () => {
    const jwt = 'eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ1MSJ9.c2lnbmF0dXJlLXZhbHVl';
    expect(scrubSecrets(`failed for Bearer ${jwt}`)).toBe('failed for Bearer [Redacted]');
    const { lines, logger } = capture();
    logger.warn(`token ${jwt} rejected`);
    expect(lines.join('')).not.toContain(jwt);
  });

  it('puts request and correlation ids on child lines', () => {
    const { lines, logger } = capture();
    logger.child({ requestId: 'r-1', correlationId: 'c-1' }).info('hello');
    expect(JSON.parse(lines[0])).toMatchObject({ requestId: 'r-1', correlationId: 'c-1', service: 'test', level: 'info' });
  });
});
