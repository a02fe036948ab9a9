/** Blackhawk batches sent one at a time (UPSTREAM_BATCH_CONCURRENCY=1), so which batch fails is deterministic. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BlackhawkSandboxState } from '../../src/sandbox/blackhawk.js';
import type { SandboxResponse } from '../../src/sandbox/server.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

const SET = `mutation ($input: SetCardActivationCodesInput!) {
  setCardActivationCodes(input: $input) {
    cards { id proxyNumber activationCodeSet }
    acceptedCount
    failures { code message outcomeUnknown retryAfter cards { id proxyNumber activationCodeSet } }
    userErrors { code message field provider providerCode }
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
        retryAfter: null,
        cards: cardsOf(codes.slice(1_000, 2_000), false),
      },
      {
        code: 'NOT_SENT',
        message: expect.stringMatching(/not sent because an earlier batch failed/),
        outcomeUnknown: false,
        retryAfter: null,
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

  it.each<[string, SandboxResponse, object]>([
    [
      'rejected',
      { status: 400, body: { status: 400, success: false, message: 'Invalid Input' } },
      { code: 'PROVIDER_REJECTED', retryAfter: null, outcomeUnknown: false },
    ],
    [
      'rate limited',
      { status: 429, headers: { 'retry-after': '12' }, body: {} },
      { code: 'PROVIDER_RATE_LIMITED', retryAfter: 12, outcomeUnknown: false },
    ],
    [
      'left without an answer (504)',
      { status: 504, body: {} },
      { code: 'OUTCOME_UNKNOWN', retryAfter: null, outcomeUnknown: true },
    ],
  ])(
    'lists a %s second batch in the payload beside the set one',
    async (_name, response, failure) => {
      sandbox().reset();
      failRequest(2, response);
      const codes = newCodes(2_500);
      const res = await gw.graphql(SET, { input: { codes } });
      expect(res.body.errors).toBeUndefined();
      const payload = res.body.data.setCardActivationCodes;
      expect(payload.cards).toEqual(cardsOf(codes.slice(0, 1_000), true));
      expect(payload.userErrors).toEqual([]);
      expect(payload.failures).toEqual([
        {
          ...failure,
          message: expect.any(String),
          cards: cardsOf(codes.slice(1_000, 2_000), false),
        },
        {
          code: 'NOT_SENT',
          message: expect.stringMatching(/not sent because an earlier batch failed/),
          outcomeUnknown: false,
          retryAfter: null,
          cards: cardsOf(codes.slice(2_000), false),
        },
      ]);
      expect(sandbox().journal.filter((e) => e.path === SET_PATH)).toHaveLength(2);
    },
  );
});

describe('a first batch failing, so that no card is set', () => {
  it('returns a rejection as one PROVIDER_REJECTED user error and sends nothing after it', async () => {
    sandbox().reset();
    failRequest(1, {
      status: 400,
      body: { status: 400, success: false, message: 'Invalid Input - Quote Number is not valid' },
    });
    const codes = newCodes(1_500);
    const res = await gw.graphql(SET, { input: { codes } });
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.setCardActivationCodes).toEqual({
      cards: [],
      acceptedCount: 0,
      failures: [],
      userErrors: [
        {
          code: 'PROVIDER_REJECTED',
          message: expect.stringMatching(
            /^Blackhawk rejected a batch of 1000 codes \(HTTP 400\): Invalid Input - Quote Number is not valid\. None of them were set.* None of the other 500 codes were set either\.$/,
          ),
          field: null,
          provider: 'BLACKHAWK',
          providerCode: '400',
        },
      ],
    });
    expect(sandbox().journal.filter((e) => e.path === SET_PATH)).toHaveLength(1);
  });

  it('raises the failure as a GraphQL error when nothing is in doubt', async () => {
    sandbox().reset();
    failRequest(1, { status: 503, body: {} });
    const res = await gw.graphql(SET, { input: { codes: newCodes(2_000) } });
    expect(res.body.data).toBeNull();
    expect(res.body.errors?.[0]?.extensions).toEqual({
      code: 'PROVIDER_UNAVAILABLE',
      provider: 'BLACKHAWK',
    });
    expect(res.body.errors?.[0]?.message).toMatch(
      /HTTP 503.*none of the 1000 codes of this batch were set.* None of the other 1000 codes were set either/,
    );
    expect(sandbox().journal.filter((e) => e.path === SET_PATH)).toHaveLength(1);
  });

  it('keeps retryAfter on a rate-limited first batch', async () => {
    sandbox().reset();
    failRequest(1, { status: 429, headers: { 'retry-after': '12' }, body: {} });
    const res = await gw.graphql(SET, { input: { codes: newCodes(1_500) } });
    expect(res.body.data).toBeNull();
    expect(res.body.errors?.[0]?.extensions).toEqual({
      code: 'PROVIDER_RATE_LIMITED',
      provider: 'BLACKHAWK',
      retryAfter: 12,
    });
    expect(sandbox().journal.filter((e) => e.path === SET_PATH)).toHaveLength(1);
  });

  it('raises OUTCOME_UNKNOWN when the first batch got no answer, counting the codes in doubt', async () => {
    sandbox().reset();
    failRequest(1, { status: 504, body: {} });
    const res = await gw.graphql(SET, { input: { codes: newCodes(1_500) } });
    expect(res.body.data).toBeNull();
    expect(res.body.errors?.[0]?.extensions).toEqual({
      code: 'OUTCOME_UNKNOWN',
      provider: 'BLACKHAWK',
    });
    expect(res.body.errors?.[0]?.message).toBe(
      'No activation code was confirmed: Blackhawk received 1000 of the 1500 codes but did not answer, so whether they were set is unknown (the other 500 codes were not set). Check the cards before retrying; setting the same code again is safe, so sending them all again is fine too.',
    );
    expect(sandbox().journal.filter((e) => e.path === SET_PATH)).toHaveLength(1);
  });
});
