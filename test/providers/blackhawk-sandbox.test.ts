/** The embedded Blackhawk CAVS sandbox on its own, over HTTP: auth checks, documented validation and messages, no partial processing. */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startBlackhawkSandbox, type BlackhawkSandboxState } from '../../src/sandbox/blackhawk.js';
import type { SandboxHandle } from '../../src/sandbox/server.js';
import type { BlackhawkSettings } from '../../src/providers/blackhawk/config.js';

let sandbox: SandboxHandle<BlackhawkSettings, BlackhawkSandboxState>;
let basic: string;

beforeAll(async () => {
  sandbox = await startBlackhawkSandbox();
  const { clientId, clientSecret } = sandbox.settings;
  basic = `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`;
});
afterAll(() => sandbox.close());

const TOKEN_HEADERS = () => ({
  accept: 'application/json',
  authorization: basic,
  'content-type': 'application/x-www-form-urlencoded',
  response_type: 'token id_token',
});

async function auth(
  headers: Record<string, string> = TOKEN_HEADERS(),
  body = 'grant_type=client_credentials',
) {
  const response = await fetch(`${sandbox.url}/api/auth`, { method: 'POST', headers, body });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function token() {
  const { body } = await auth();
  return body.access_token as string;
}

async function setCodes(body: string, bearer?: string) {
  const response = await fetch(`${sandbox.url}/cards/v1/set-activation-codes`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${bearer ?? (await token())}`,
    },
    body,
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const record = (
  proxyNumber: string,
  activationCode = 'Valid123',
  quoteNumber: unknown = '95000000',
) => ({
  quoteNumber,
  proxyNumber,
  activationCode,
});

describe('blackhawk sandbox auth', () => {
  beforeEach(() => {
    sandbox.state.tokenShape = 'access_token';
  });

  it('issues a JWT-shaped access token with expires_in', async () => {
    const before = sandbox.state.grants;
    const { status, body } = await auth();
    expect(status).toBe(200);
    expect(body).toMatchObject({ token_type: 'Bearer', expires_in: 3600 });
    const parts = String(body.access_token).split('.');
    expect(parts).toHaveLength(3);
    const claims = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString()) as { exp: number };
    expect(claims.exp).toBeGreaterThan(Date.now() / 1000 + 3500);
    expect(sandbox.state.grants).toBe(before + 1);
  });

  it.each(['token', 'id_token'] as const)('can answer with only `%s`', async (shape) => {
    sandbox.state.tokenShape = shape;
    const { body } = await auth();
    expect(Object.keys(body)).toEqual([shape]);
  });

  it('accepts a configured scope and refuses an unknown one with 400', async () => {
    expect((await auth(undefined, 'grant_type=client_credentials&scope=cavs')).status).toBe(200);
    const unknown = await auth(undefined, 'grant_type=client_credentials&scope=admin');
    expect(unknown).toEqual({
      status: 400,
      body: expect.objectContaining({ error: 'invalid_scope' }),
    });
  });

  it.each<[string, Record<string, string>, string]>([
    [
      'a wrong secret',
      { authorization: `Basic ${Buffer.from('switchyard-sandbox:nope').toString('base64')}` },
      'grant_type=client_credentials',
    ],
    ['no Basic credentials', { authorization: '' }, 'grant_type=client_credentials'],
    ['no response_type header', { response_type: '' }, 'grant_type=client_credentials'],
    ['response_type without id_token', { response_type: 'token' }, 'grant_type=client_credentials'],
    ['another grant type', {}, 'grant_type=password'],
    ['a JSON body', { 'content-type': 'application/json' }, '{"grant_type":"client_credentials"}'],
  ])('refuses %s with 401', async (_name, headers, body) => {
    const merged = Object.fromEntries(
      Object.entries({ ...TOKEN_HEADERS(), ...headers }).filter(([, v]) => v !== ''),
    );
    expect((await auth(merged, body)).status).toBe(401);
  });

  it('refuses a missing, unknown or revoked bearer token with 401', async () => {
    const body = JSON.stringify([record('1')]);
    expect((await setCodes(body, 'not-a-token')).status).toBe(401);
    const issued = await token();
    sandbox.state.revokeTokens();
    expect((await setCodes(body, issued)).status).toBe(401);
  });
});

describe('blackhawk sandbox set-activation-codes', () => {
  it('stores every record and answers as documented', async () => {
    const res = await setCodes(
      JSON.stringify([
        record('6039530407033839166', 'Abc123'),
        record('6039530407041188598', '654321'),
      ]),
    );
    expect(res).toEqual({
      status: 200,
      body: { status: '200', success: true, message: 'All records have been saved successfully' },
    });
    expect(sandbox.state.codes.get('6039530407033839166')).toBe('Abc123');
    expect(sandbox.state.codes.get('6039530407041188598')).toBe('654321');
  });

  it('accepts quoteNumber and proxyNumber as JSON numbers without losing digits', async () => {
    const res = await setCodes(
      '[{"quoteNumber":95000001,"proxyNumber":6039530407099999999,"activationCode":"Num4567"}]',
    );
    expect(res.status).toBe(200);
    expect(sandbox.state.codes.get('6039530407099999999')).toBe('Num4567');
  });

  it('accepts 1,000 records in one request', async () => {
    const records = Array.from({ length: 1_000 }, (_, i) =>
      record(`77${String(i).padStart(6, '0')}`),
    );
    expect((await setCodes(JSON.stringify(records))).status).toBe(200);
  });

  const valid = record('5550001', 'First999');
  it.each<[string, string, Record<string, unknown>]>([
    [
      'a body that is not JSON',
      '[{"quoteNumber":"95000000"} {',
      {
        status: 400,
        error: 'Bad Request',
        path: '/cards/v1/set-activation-codes',
        message: expect.stringMatching(/^JSON parse error/),
      },
    ],
    [
      'an object instead of an array',
      JSON.stringify(valid),
      { status: 400, error: 'Bad Request', message: expect.stringMatching(/^JSON parse error/) },
    ],
    ['an empty array', '[]', { status: 400, success: false }],
    [
      '1,001 records',
      JSON.stringify(Array.from({ length: 1_001 }, (_, i) => record(String(i + 1)))),
      {
        status: 400,
        success: false,
        message: 'Invalid Input - Maximum 1000 records are allowed in one request',
      },
    ],
    [
      'a missing proxy number',
      JSON.stringify([valid, { quoteNumber: '1234', activationCode: 'Abcd1234' }]),
      {
        status: 400,
        success: false,
        message:
          'Invalid Input - Proxy Number is missing in one of the record with Quote Number 1234',
      },
    ],
    [
      'a missing quote number',
      JSON.stringify([valid, { proxyNumber: '454577', activationCode: 'Abcd1234' }]),
      {
        status: 400,
        success: false,
        message:
          'Invalid Input - Quote Number is missing in one of the record with Proxy Number 454577',
      },
    ],
    [
      'a missing activation code',
      JSON.stringify([valid, { quoteNumber: '5689', proxyNumber: '1' }]),
      {
        status: 400,
        success: false,
        message:
          'Invalid Input - Activation Code is missing in one of the record with Quote Number 5689',
      },
    ],
    [
      'a short activation code, echoed like the real service',
      JSON.stringify([valid, record('2', '123')]),
      {
        status: 400,
        success: false,
        message:
          'Invalid Input - Activation code 123 is not a valid value. Minimum 4 and maximum 16 digits only',
      },
    ],
    [
      'an activation code with a symbol',
      JSON.stringify([valid, record('2', 'abc-1234')]),
      { status: 400, message: expect.stringMatching(/abc-1234 is not a valid value/) },
    ],
    [
      'an unknown program',
      JSON.stringify([valid, record('2', 'Abcd1234', '12345678')]),
      {
        status: 400,
        success: false,
        message: 'Invalid Input - Quote Number 12345678 is not a valid program',
      },
    ],
    [
      'a proxy number with letters',
      JSON.stringify([valid, record('12AB')]),
      { status: 400, error: 'Bad Request' },
    ],
    [
      'a proxy number beyond a Java long',
      JSON.stringify([valid, record('9999999999999999999')]),
      { status: 400, error: 'Bad Request', message: expect.stringMatching(/out of range of long/) },
    ],
  ])('rejects %s with 400 and stores nothing', async (_name, body, expected) => {
    const before = new Map(sandbox.state.codes);
    const res = await setCodes(body);
    expect(res.status).toBe(400);
    expect(res.body).toEqual(expect.objectContaining(expected));
    expect(sandbox.state.codes).toEqual(before);
  });
});
