// Input that does not fit the schema, sent as variables, is the client's mistake: a typed
// INVALID_INPUT with graphql-js' message, never the INTERNAL "Unexpected error" of a server fault.
import { createHarness, doc, PASSWORD, type Harness } from '../support/harness';

let h: Harness;

beforeAll(async () => {
  h = await createHarness('input_errors');
});

afterAll(async () => {
  await h?.close();
});

describe('identity: invalid variables', () => {
  it('answers an unknown enum value in variables with INVALID_INPUT naming the field, and creates no user', async () => {
    const email = 'enum-admin@example.com';
    const res = await h.call(doc('register'), {
      input: { email, password: PASSWORD, firstName: 'E', lastName: 'Num', accountType: 'PLATFORM_ADMIN' },
    });
    expect(res.data ?? null).toBeNull();
    expect(res.errors).toHaveLength(1);
    expect(res.errors![0].extensions).toEqual({ code: 'INVALID_INPUT' });
    expect(res.errors![0].message).toMatch(/^Variable "\$input" got invalid value "PLATFORM_ADMIN" at "input\.accountType"/);
    expect(await h.db.user.count({ where: { email } })).toBe(0);
  });
});
