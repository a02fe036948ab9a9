/** Blackhawk with a short deadline (UPSTREAM_TIMEOUT_MS=500): a batch that gets no answer has an unknown outcome. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BlackhawkSandboxState } from '../../src/sandbox/blackhawk.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

const SET = `mutation ($input: SetCardActivationCodesInput!) {
  setCardActivationCodes(input: $input) {
    cards { proxyNumber activationCodeSet }
    acceptedCount
    failures { code message outcomeUnknown retryAfter cards { proxyNumber activationCodeSet } }
    userErrors { code }
  }
}`;
const SET_PATH = '/cards/v1/set-activation-codes';

let gw: TestGateway;
const sandbox = () => gw.sandbox<BlackhawkSandboxState>('blackhawk');
let serial = 0;

beforeAll(async () => {
  gw = await startTestGateway({ UPSTREAM_TIMEOUT_MS: '500' });
});
afterAll(() => gw.close());

function newCodes(n: number) {
  return Array.from({ length: n }, () => {
    const i = serial++;
    return {
      programNumber: '95000000',
      proxyNumber: `6039530422${String(i).padStart(9, '0')}`,
      activationCode: `Tx${i.toString(36).padStart(6, '0')}Q`,
    };
  });
}

/** Never answers the set-activation-codes request that carries this proxy number. */
function hangBatchWith(proxyNumber: string) {
  sandbox().inject({
    match: (r) => r.path === SET_PATH && r.body.includes(`"proxyNumber":"${proxyNumber}"`),
    action: { kind: 'hang' },
  });
}

const proxies = (list: { proxyNumber: string }[]) => list.map((c) => c.proxyNumber);

describe('a batch that gets no answer', () => {
  it('is a GraphQL error OUTCOME_UNKNOWN, within the deadline, when it was the only batch', async () => {
    const codes = newCodes(3);
    hangBatchWith(codes[0]!.proxyNumber);
    const started = Date.now();
    const res = await gw.graphql(SET, { input: { codes } });
    expect(Date.now() - started).toBeLessThan(1_500);
    expect(res.body.data).toBeNull();
    expect(res.body.errors).toHaveLength(1);
    const [error] = res.body.errors!;
    expect(error.extensions).toEqual({ code: 'OUTCOME_UNKNOWN', provider: 'BLACKHAWK' });
    expect(error.message).toMatch(/Blackhawk received all 3 codes but did not answer/);
    expect(error.message).toMatch(
      /Check the cards before retrying; setting the same code again is safe/,
    );
    expect(sandbox().state.codes.has(codes[0]!.proxyNumber)).toBe(false);
  });

  it('does not hide the batches that were set beside it', async () => {
    const codes = newCodes(1_500);
    hangBatchWith(codes[0]!.proxyNumber);
    const res = await gw.graphql(SET, { input: { codes } });
    expect(res.body.errors).toBeUndefined();
    const payload = res.body.data.setCardActivationCodes;
    expect(proxies(payload.cards)).toEqual(proxies(codes.slice(1_000)));
    expect(payload.failures).toHaveLength(1);
    expect(payload.failures[0]).toMatchObject({
      code: 'OUTCOME_UNKNOWN',
      outcomeUnknown: true,
      retryAfter: null,
    });
    expect(proxies(payload.failures[0].cards)).toEqual(proxies(codes.slice(0, 1_000)));
  });

  it('is reported in the payload when an earlier batch was set and a later one hangs', async () => {
    const codes = newCodes(2_500);
    hangBatchWith(codes[1_000]!.proxyNumber);
    const res = await gw.graphql(SET, { input: { codes } });
    expect(res.body.errors).toBeUndefined();
    const payload = res.body.data.setCardActivationCodes;
    // Four batches at a time by default: all three were in flight before the second one hung.
    expect(payload.acceptedCount).toBe(1_500);
    expect(proxies(payload.cards)).toEqual(
      proxies([...codes.slice(0, 1_000), ...codes.slice(2_000)]),
    );
    expect(payload.failures).toEqual([
      {
        code: 'OUTCOME_UNKNOWN',
        message: expect.stringMatching(
          /may or may not be set; setting the same codes again is safe/,
        ),
        outcomeUnknown: true,
        retryAfter: null,
        cards: codes
          .slice(1_000, 2_000)
          .map((c) => ({ proxyNumber: c.proxyNumber, activationCodeSet: false })),
      },
    ]);
    expect(payload.userErrors).toEqual([]);
    expect(sandbox().state.codes.get(codes[0]!.proxyNumber)).toBe(codes[0]!.activationCode);
  });
});
