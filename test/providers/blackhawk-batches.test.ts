/** Blackhawk batches sent one at a time (UPSTREAM_BATCH_CONCURRENCY=1), so which batch fails is deterministic. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BlackhawkSandboxState } from '../../src/sandbox/blackhawk.js';
import type { SandboxResponse } from '../../src/sandbox/server.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

const SET = `mutation ($input: SetCardActivationCodesInput!) {
  setCardActivationCodes(input: $input) {
    cards { id proxyNumber activationCodeSet }
    acceptedCount
    failures { code message outcomeUnknown cards { id proxyNumber activationCodeSet } }
    userErrors { code field }
  }
}`;
const SET_PATH = '/cards/v1/set-activation-codes';

let gw: TestGateway;
const sandbox = () => gw.sandbox<BlackhawkSandboxState>('blackhawk');
let serial = 0;

beforeAll(async () => {
  gw = await startTestGateway({ UPSTREAM_BATCH_CONCURRENCY: '1' });
});
afterAll(() => gw.close());

function newCodes(n: number) {
  return Array.from({ length: n }, () => {
    const i = serial++;
    return {
      programNumber: '95000001',
      proxyNumber: `6039530411${String(i).padStart(9, '0')}`,
      activationCode: `Bx${i.toString(36).padStart(6, '0')}Q`,
    };
  });
}

/** Answers the `nth` set-activation-codes request (1-based) with `response`. */
function failRequest(nth: number, response: SandboxResponse) {
  let seen = 0;
  sandbox().inject({
    match: (r) => r.path === SET_PATH && ++seen === nth,
    action: { kind: 'respond', response },
  });
}

const cardsOf = (codes: { proxyNumber: string }[], activationCodeSet: boolean) =>
  codes.map((c) => ({
    id: `blackhawk:95000001:${c.proxyNumber}`,
    proxyNumber: c.proxyNumber,
    activationCodeSet,
  }));

describe('a batch failing after others succeeded', () => {
  it('says exactly which cards were set, which failed and which were not sent', async () => {
    sandbox().reset();
    failRequest(2, {
      status: 500,
      body: { status: 500, success: false, message: 'Generic error' },
    });
    const codes = newCodes(2_500);
    const res = await gw.graphql(SET, { input: { codes } });
    expect(res.body.errors).toBeUndefined();
    const payload = res.body.data.setCardActivationCodes;

    expect(payload.acceptedCount).toBe(1_000);
    expect(payload.cards).toEqual(cardsOf(codes.slice(0, 1_000), true));
    expect(payload.failures).toEqual([
      {
        code: 'PROVIDER_UNAVAILABLE',
        message: expect.stringMatching(/HTTP 500.*none of the 1000 codes of this batch were set/),
        outcomeUnknown: false,
        cards: cardsOf(codes.slice(1_000, 2_000), false),
      },
      {
        code: 'NOT_SENT',
        message: expect.stringMatching(/not sent because an earlier batch failed/),
        outcomeUnknown: false,
        cards: cardsOf(codes.slice(2_000), false),
      },
    ]);
    expect(payload.userErrors).toEqual([]);

    expect(sandbox().journal.filter((e) => e.path === SET_PATH)).toHaveLength(2);
    const stored = sandbox().state.codes;
    expect(codes.slice(0, 1_000).every((c) => stored.get(c.proxyNumber) === c.activationCode)).toBe(
      true,
    );
    expect(codes.slice(1_000).some((c) => stored.has(c.proxyNumber))).toBe(false);
  });

  it('reports a rejected first batch in the payload and sends nothing after it', async () => {
    sandbox().reset();
    failRequest(1, {
      status: 400,
      body: { status: 400, success: false, message: 'Invalid Input' },
    });
    const codes = newCodes(1_500);
    const res = await gw.graphql(SET, { input: { codes } });
    expect(res.body.errors).toBeUndefined();
    const payload = res.body.data.setCardActivationCodes;
    expect(payload.cards).toEqual([]);
    expect(payload.failures.map((f: any) => [f.code, f.cards.length])).toEqual([
      ['PROVIDER_REJECTED', 1_000],
      ['NOT_SENT', 500],
    ]);
    expect(sandbox().journal.filter((e) => e.path === SET_PATH)).toHaveLength(1);
  });

  it('raises the failure as a GraphQL error when the first batch fails and nothing is in doubt', async () => {
    sandbox().reset();
    failRequest(1, { status: 503, body: {} });
    const res = await gw.graphql(SET, { input: { codes: newCodes(2_000) } });
    expect(res.body.errors?.[0]?.extensions).toMatchObject({
      code: 'PROVIDER_UNAVAILABLE',
      provider: 'BLACKHAWK',
    });
    expect(sandbox().journal.filter((e) => e.path === SET_PATH)).toHaveLength(1);
  });
});
