/** Blackhawk through the gateway over real HTTP against its sandbox (default settings: 4 batches at a time). */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { BlackhawkSettings } from '../../src/providers/blackhawk/config.js';
import type { BlackhawkSandboxState } from '../../src/sandbox/blackhawk.js';
import type { JournalEntry } from '../../src/sandbox/server.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

const SET = `mutation ($input: SetCardActivationCodesInput!) {
  setCardActivationCodes(input: $input) {
    cards { id provider programNumber proxyNumber activationCodeSet }
    acceptedCount
    failures { code message outcomeUnknown retryAfter cards { id proxyNumber activationCodeSet } }
    userErrors { code message field provider providerCode }
  }
}`;
const SET_PATH = '/cards/v1/set-activation-codes';
const PROGRAM = '95000000';
// Every generated code matches this, so one search finds any of them wherever it leaked.
const CODE_PATTERN = /Sx[0-9a-z]{6}Q/;

interface CodeInput {
  programNumber: string;
  proxyNumber: string;
  activationCode: string;
}

let gw: TestGateway;
const sandbox = () => gw.sandbox<BlackhawkSandboxState>('blackhawk');
const settings = () => gw.providers.started('blackhawk')?.sandbox?.settings as BlackhawkSettings;
const usedCodes = new Set<string>();
const seenTokens = new Set<string>();
let serial = 0;

beforeAll(async () => {
  gw = await startTestGateway();
});
afterAll(() => gw.close());

/** `n` distinct 19-digit cards with distinct codes. */
function newCodes(n: number, programNumber = PROGRAM): CodeInput[] {
  return Array.from({ length: n }, () => {
    const i = serial++;
    return {
      programNumber,
      proxyNumber: `6039530400${String(i).padStart(9, '0')}`,
      activationCode: `Sx${i.toString(36).padStart(6, '0')}Q`,
    };
  });
}

function expectNoCodes(text: string, codes: Iterable<string>) {
  expect(text).not.toMatch(CODE_PATTERN);
  for (const code of codes) if (!CODE_PATTERN.test(code)) expect(text).not.toContain(code);
}

const setRequests = () => sandbox().journal.filter((e) => e.path === SET_PATH);
const authRequests = () => sandbox().journal.filter((e) => e.path === '/api/auth');
const records = (entry: JournalEntry) => JSON.parse(entry.body.toString()) as CodeInput[];
const proxies = (list: { proxyNumber: string }[]) => list.map((c) => c.proxyNumber);

/** Runs the mutation; checks that no code of this call appears anywhere in the response. */
async function setCodes(codes: CodeInput[]) {
  for (const c of codes) usedCodes.add(c.activationCode);
  const res = await gw.graphql(SET, { input: { codes } });
  expectNoCodes(
    JSON.stringify(res.body),
    codes.map((c) => c.activationCode),
  );
  for (const entry of sandbox().journal) {
    const bearer = /^Bearer (.+)$/.exec(entry.headers.authorization ?? '')?.[1];
    if (bearer) seenTokens.add(bearer);
  }
  return res;
}

// First in the file: the token cache is still cold.
describe('a first operation of 2,500 codes', () => {
  const codes = newCodes(2_500);
  let payload: any;

  beforeAll(async () => {
    sandbox().reset();
    const res = await setCodes(codes);
    expect(res.body.errors).toBeUndefined();
    payload = res.body.data.setCardActivationCodes;
  });

  it('is sent as exactly 3 requests of 1,000, 1,000 and 500 codes, all set', () => {
    expect(payload.userErrors).toEqual([]);
    expect(payload.failures).toEqual([]);
    expect(payload.acceptedCount).toBe(2_500);
    expect(proxies(payload.cards)).toEqual(proxies(codes));
    expect(payload.cards.every((c: any) => c.activationCodeSet)).toBe(true);

    const sent = setRequests().map(records);
    expect(sent.map((r) => r.length).sort()).toEqual([1_000, 1_000, 500]);
    expect(sent.flat().sort((a, b) => a.proxyNumber.localeCompare(b.proxyNumber))).toEqual(
      codes.map((c) => ({
        quoteNumber: c.programNumber,
        proxyNumber: c.proxyNumber,
        activationCode: c.activationCode,
      })),
    );
    for (const c of codes) expect(sandbox().state.codes.get(c.proxyNumber)).toBe(c.activationCode);
  });

  it('fetches one token for three batches in flight at once (single flight)', () => {
    expect(authRequests()).toHaveLength(1);
    expect(sandbox().state.grants).toBe(1);
    const bearers = new Set(setRequests().map((e) => e.headers.authorization));
    expect(bearers.size).toBe(1);
    const [bearer] = bearers;
    expect(sandbox().state.tokens.has(String(bearer).replace(/^Bearer /, ''))).toBe(true);
  });

  it('asks for the token in the documented wire format', () => {
    const [entry] = authRequests();
    const { clientId, clientSecret } = settings();
    expect(entry).toMatchObject({ method: 'POST', path: '/api/auth' });
    expect(entry?.headers).toMatchObject({
      accept: 'application/json',
      authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
      response_type: 'token id_token',
    });
    const form = new URLSearchParams(entry?.body.toString());
    expect(form.get('grant_type')).toBe('client_credentials');
    // No BLACKHAWK_SCOPE here: the account's default scope applies.
    expect(form.has('scope')).toBe(false);
    expect(sandbox().journal.indexOf(entry!)).toBe(0);
  });
});

describe('card numbers', () => {
  it('keeps a 19-digit proxy number a string from input to Blackhawk and back', async () => {
    sandbox().reset();
    const codes = [
      { programNumber: PROGRAM, proxyNumber: '6039530407033839166', activationCode: 'SxdocaaaQ' },
      { programNumber: PROGRAM, proxyNumber: '6039530407041188598', activationCode: 'SxdocbbbQ' },
    ];
    const res = await setCodes(codes);
    const raw = setRequests()[0]?.body.toString();
    expect(raw).toContain('"proxyNumber":"6039530407033839166"');
    expect(raw).toContain('"quoteNumber":"95000000"');
    expect(sandbox().state.codes.get('6039530407033839166')).toBe('SxdocaaaQ');
    expect(res.body.data.setCardActivationCodes.cards[0]).toEqual({
      id: 'blackhawk:95000000:6039530407033839166',
      provider: 'BLACKHAWK',
      programNumber: '95000000',
      proxyNumber: '6039530407033839166',
      activationCodeSet: true,
    });
  });
});

describe('validation before anything is sent', () => {
  it('sends nothing when one code in 2,500 is invalid, and names only that record', async () => {
    sandbox().reset();
    const codes = newCodes(2_500);
    codes[1234]!.activationCode = 'Sx!';
    const res = await setCodes(codes);
    expect(res.body.data.setCardActivationCodes).toEqual({
      cards: [],
      acceptedCount: 0,
      failures: [],
      userErrors: [
        {
          code: 'INVALID_INPUT',
          message: expect.stringContaining('codes[1234]'),
          field: ['input', 'codes', '1234', 'activationCode'],
          provider: 'BLACKHAWK',
          providerCode: null,
        },
      ],
    });
    expect(sandbox().journal).toHaveLength(0);
    expect(sandbox().state.codes.has(codes[0]!.proxyNumber)).toBe(false);
  });

  it('returns one error per bad record, naming every problem of each', async () => {
    sandbox().reset();
    const codes = newCodes(6);
    codes[0]!.programNumber = '95A';
    codes[3]!.proxyNumber = '';
    codes[5]!.programNumber = '';
    codes[5]!.activationCode = 'Sx 1';
    const res = await setCodes(codes);
    const errors = res.body.data.setCardActivationCodes.userErrors;
    expect(errors.map((e: any) => e.field)).toEqual([
      ['input', 'codes', '0', 'programNumber'],
      ['input', 'codes', '3', 'proxyNumber'],
      ['input', 'codes', '5', 'programNumber'],
    ]);
    expect(errors[2].message).toMatch(/programNumber is missing.*activationCode must/);
    expect(sandbox().journal).toHaveLength(0);
  });

  it('refuses a proxy number given twice with different codes', async () => {
    sandbox().reset();
    const codes = newCodes(3);
    codes.push({ ...codes[1]!, activationCode: 'SxotherxQ' });
    const res = await setCodes(codes);
    expect(res.body.data.setCardActivationCodes.userErrors).toEqual([
      expect.objectContaining({
        code: 'INVALID_INPUT',
        field: ['input', 'codes', '3', 'proxyNumber'],
        message: expect.stringMatching(
          /already appears at codes\[1\] with a different activationCode/,
        ),
      }),
    ]);
    expect(sandbox().journal).toHaveLength(0);
  });

  it('sends an exact duplicate once', async () => {
    sandbox().reset();
    const codes = newCodes(2);
    const res = await setCodes([codes[0]!, codes[1]!, { ...codes[0]! }]);
    expect(res.body.data.setCardActivationCodes.acceptedCount).toBe(2);
    expect(setRequests().map(records)).toEqual([
      codes.map((c) => ({
        quoteNumber: c.programNumber,
        proxyNumber: c.proxyNumber,
        activationCode: c.activationCode,
      })),
    ]);
  });
});

describe('provider rejections', () => {
  const rejectOnce = (status: number, body: unknown) =>
    sandbox().inject({
      match: (r) => r.path === SET_PATH,
      action: { kind: 'respond', response: { status, body } },
    });

  it.each<[string, number, (code: string) => unknown, string]>([
    [
      'a CAVS 400 that echoes a code',
      400,
      (code) => ({
        status: 400,
        success: false,
        message: `Invalid Input - Activation code ${code} is not a valid value. Minimum 4 and maximum 16 digits only`,
      }),
      '400',
    ],
    [
      'a Spring-style 400',
      400,
      (code) => ({
        status: 400,
        error: 'Bad Request',
        message: `JSON parse error: unexpected ${code.toLowerCase()}\n at [Source: (PushbackInputStream); line: 3, column: 2]`,
        path: SET_PATH,
      }),
      '400',
    ],
    [
      'HTTP 200 with success "false"',
      200,
      (code) => ({ status: '200', success: 'false', message: `Code ${code} was refused` }),
      '200',
    ],
  ])(
    'returns %s as a PROVIDER_REJECTED user error without the code',
    async (_name, status, body, providerCode) => {
      const codes = newCodes(3);
      rejectOnce(status, body(codes[1]!.activationCode));
      const res = await setCodes(codes);
      expect(res.body.errors).toBeUndefined();
      expect(res.body.data.setCardActivationCodes).toEqual({
        cards: [],
        acceptedCount: 0,
        failures: [],
        userErrors: [
          {
            code: 'PROVIDER_REJECTED',
            message: expect.stringMatching(
              new RegExp(
                `^Blackhawk rejected a batch of 3 codes \\(HTTP ${status}\\): .*\\*\\*\\*.*None of them were set`,
              ),
            ),
            field: null,
            provider: 'BLACKHAWK',
            providerCode,
          },
        ],
      });
    },
  );

  it('returns the sandbox refusing an unknown program as a user error, and stores nothing', async () => {
    const codes = [...newCodes(2), ...newCodes(1, '12345678')];
    const res = await setCodes(codes);
    const payload = res.body.data.setCardActivationCodes;
    expect(payload).toMatchObject({ cards: [], failures: [] });
    expect(payload.userErrors).toHaveLength(1);
    expect(payload.userErrors[0]).toMatchObject({ code: 'PROVIDER_REJECTED', providerCode: '400' });
    expect(payload.userErrors[0].message).toContain('Quote Number 12345678 is not a valid program');
    for (const c of codes) expect(sandbox().state.codes.has(c.proxyNumber)).toBe(false);
  });

  it('raises PROVIDER_RATE_LIMITED with retryAfter when the only batch gets a 429', async () => {
    sandbox().reset();
    sandbox().inject({
      match: (r) => r.path === SET_PATH,
      action: { kind: 'respond', response: { status: 429, headers: { 'retry-after': '12' } } },
    });
    const codes = newCodes(3);
    const res = await setCodes(codes);
    expect(res.body.data).toBeNull();
    expect(res.body.errors).toHaveLength(1);
    expect(res.body.errors?.[0]?.extensions).toEqual({
      code: 'PROVIDER_RATE_LIMITED',
      provider: 'BLACKHAWK',
      retryAfter: 12,
    });
    expect(res.body.errors?.[0]?.message).toMatch(/none of the 3 codes of this batch were set/);
    expect(setRequests()).toHaveLength(1);
    expect(sandbox().state.codes.has(codes[0]!.proxyNumber)).toBe(false);
  });

  it('raises PROVIDER_RATE_LIMITED without retryAfter when Blackhawk does not say', async () => {
    sandbox().inject({
      match: (r) => r.path === SET_PATH,
      action: { kind: 'respond', response: { status: 429 } },
    });
    const res = await setCodes(newCodes(3));
    expect(res.body.errors?.[0]?.extensions).toEqual({
      code: 'PROVIDER_RATE_LIMITED',
      provider: 'BLACKHAWK',
    });
  });

  it('raises PROVIDER_UNAVAILABLE when every batch fails with 500 and nothing was set', async () => {
    sandbox().reset();
    sandbox().inject({
      match: (r) => r.path === SET_PATH,
      times: 3,
      action: {
        kind: 'respond',
        response: {
          status: 500,
          body: {
            status: 500,
            success: false,
            message: 'Generic error while creating activation codes, please try again',
          },
        },
      },
    });
    const codes = newCodes(2_500);
    const res = await setCodes(codes);
    expect(res.body.data).toBeNull();
    expect(res.body.errors?.[0]?.extensions).toEqual({
      code: 'PROVIDER_UNAVAILABLE',
      provider: 'BLACKHAWK',
    });
    // Three batches in flight at once, all refused: the first one speaks for the rest.
    expect(res.body.errors?.[0]?.message).toBe(
      'blackhawk failed with HTTP 500; none of the 1000 codes of this batch were set, and sending them again is safe. None of the other 1500 codes were set either.',
    );
    expect(setRequests()).toHaveLength(3);
    expect(sandbox().state.codes.has(codes[0]!.proxyNumber)).toBe(false);
    sandbox().reset();
  });
});

describe('tokens', () => {
  it('fetches one new token after a 401 and sets the codes', async () => {
    const grants = sandbox().state.grants;
    sandbox().state.revokeTokens();
    sandbox().reset();
    const res = await setCodes(newCodes(5));
    expect(res.body.data.setCardActivationCodes.acceptedCount).toBe(5);
    expect(sandbox().journal.map((e) => e.path)).toEqual([SET_PATH, '/api/auth', SET_PATH]);
    const [first, , retry] = sandbox().journal;
    expect(retry?.headers.authorization).not.toBe(first?.headers.authorization);
    expect(sandbox().state.grants).toBe(grants + 1);
  });

  it.each(['token', 'id_token'] as const)(
    'uses `%s` when the response has no access_token',
    async (shape) => {
      sandbox().state.tokenShape = shape;
      try {
        sandbox().state.revokeTokens();
        sandbox().reset();
        const res = await setCodes(newCodes(2));
        expect(res.body.data.setCardActivationCodes.acceptedCount).toBe(2);
        const bearer = setRequests()[1]?.headers.authorization?.replace(/^Bearer /, '');
        expect(sandbox().state.tokens.has(String(bearer))).toBe(true);
      } finally {
        sandbox().state.tokenShape = 'access_token';
      }
    },
  );

  it('renews the token by its JWT exp claim when expires_in is absent', async () => {
    sandbox().state.tokenShape = 'id_token';
    sandbox().state.tokenLifetimeSeconds = 2;
    try {
      sandbox().state.revokeTokens();
      await setCodes(newCodes(1));
      // The token expires within 2 s, so the cache renews it after at most 1 s (half its life).
      await new Promise((resolve) => setTimeout(resolve, 1_100));
      sandbox().reset();
      const res = await setCodes(newCodes(1));
      expect(res.body.data.setCardActivationCodes.acceptedCount).toBe(1);
      // The held token is still valid, so the batch does not wait: the renewal runs beside it.
      await vi.waitFor(() => expect(sandbox().journal).toHaveLength(2));
      expect(
        sandbox()
          .journal.map((e) => e.path)
          .sort(),
      ).toEqual(['/api/auth', SET_PATH].sort());
    } finally {
      sandbox().state.tokenShape = 'access_token';
      sandbox().state.tokenLifetimeSeconds = 3_600;
    }
  });
});

describe('secrets', () => {
  it('never logs an activation code, a token or the client secret', () => {
    const text = gw.logText();
    expect(usedCodes.size).toBeGreaterThan(7_500);
    expectNoCodes(text, usedCodes);
    expect(seenTokens.size).toBeGreaterThan(3);
    for (const token of seenTokens) expect(text).not.toContain(token);
    expect(text).not.toContain(settings().clientSecret);
    expect(text).toContain('activation codes sent');
  });

  // Last in the file: after rejected credentials the token cache fails fast for 30 s.
  it('maps a 401 from the token endpoint to PROVIDER_AUTH_FAILED', async () => {
    sandbox().state.revokeTokens();
    sandbox().inject({
      match: (r) => r.path === '/api/auth',
      action: { kind: 'respond', response: { status: 401, body: { error: 'invalid_client' } } },
    });
    const res = await setCodes(newCodes(2));
    expect(res.body.errors?.[0]?.extensions).toMatchObject({
      code: 'PROVIDER_AUTH_FAILED',
      provider: 'BLACKHAWK',
    });
    expect(JSON.stringify(res.body)).not.toContain(settings().clientSecret);
    expectNoCodes(gw.logText(), usedCodes);
  });
});
