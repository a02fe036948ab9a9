/** Blackhawk answers that lack CAVS's own error body: a configuration problem, not the caller's. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BlackhawkSandboxState } from '../../src/sandbox/blackhawk.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

const SET = `mutation ($input: SetCardActivationCodesInput!) {
  setCardActivationCodes(input: $input) { acceptedCount userErrors { code message provider } }
}`;
const SET_PATH = '/cards/v1/set-activation-codes';

let gw: TestGateway;
const sandbox = () => gw.sandbox<BlackhawkSandboxState>('blackhawk');
let serial = 0;
const newCodes = (n: number) =>
  Array.from({ length: n }, () => {
    const i = serial++;
    return {
      programNumber: '95000000',
      proxyNumber: `6039530499${String(i).padStart(9, '0')}`,
      activationCode: `Ev${i.toString(36).padStart(6, '0')}`,
    };
  });

beforeAll(async () => {
  gw = await startTestGateway();
});
afterAll(() => gw.close());

describe('blackhawk answers without its error body', () => {
  it.each([
    ['an HTML 404 page', { status: 404, raw: '<html>Not Found</html>' }],
    ['an empty JSON object with 400', { status: 400, body: {} }],
  ])(
    '%s is PROVIDER_UNAVAILABLE (a configuration problem), not PROVIDER_REJECTED',
    async (_what, response) => {
      sandbox().inject({
        match: (r) => r.path === SET_PATH,
        action: { kind: 'respond', response },
      });
      const res = await gw.graphql(SET, { input: { codes: newCodes(3) } });
      expect(res.body.errors?.[0]?.extensions).toMatchObject({
        code: 'PROVIDER_UNAVAILABLE',
        provider: 'BLACKHAWK',
      });
      expect(res.body.errors?.[0]?.message).toContain('BLACKHAWK_BASE_URL');
    },
  );

  it('a CAVS-shaped 400 is still PROVIDER_REJECTED', async () => {
    sandbox().inject({
      match: (r) => r.path === SET_PATH,
      action: {
        kind: 'respond',
        response: {
          status: 400,
          body: { status: 400, success: false, message: 'Invalid Input - nope' },
        },
      },
    });
    const res = await gw.graphql(SET, { input: { codes: newCodes(3) } });
    expect(res.body.data.setCardActivationCodes.userErrors[0]).toMatchObject({
      code: 'PROVIDER_REJECTED',
      provider: 'BLACKHAWK',
    });
  });
});
