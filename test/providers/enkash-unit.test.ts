/** Plain unit tests of EnKash's tables and configuration: no HTTP. */
import { describe, expect, it } from 'vitest';
import { UpstreamError, UserFacingError } from '../../src/errors.js';
import { enkashEnv, enkashLiveSettings } from '../../src/providers/enkash/config.js';
import {
  ENKASH_ACTIVATED,
  ENKASH_ERROR_TABLE,
  ENKASH_HTTP_STATUS_TABLE,
  enkashErrorFor,
  enkashErrorRule,
  enkashOutcome,
} from '../../src/providers/enkash/status.js';
import { parseCsv } from '../../src/sandbox/enkash.js';

/** The errorTypes EnKash documents for activate and bulkUpdate, and what each must become. */
const EXPECTED = [
  ['VALIDATION_ERROR', 'user', 'INVALID_INPUT'],
  ['CLIENT_REQUEST_ERROR', 'user', 'INVALID_INPUT'],
  ['RECORD_NOT_FOUND', 'user', 'NOT_FOUND'],
  ['UNPROCESSABLE_REQUEST', 'user', 'INVALID_STATE'],
  ['UNAUTHORIZED', 'upstream', 'PROVIDER_AUTH_FAILED'],
  ['INVALID_ACCESS', 'upstream', 'PROVIDER_AUTH_FAILED'],
  ['SYSTEM_ERROR', 'upstream', 'PROVIDER_UNAVAILABLE'],
  ['UNKNOWN_ERROR', 'upstream', 'PROVIDER_UNAVAILABLE'],
  ['CLIENT_REQUEST_ABORT', 'upstream', 'PROVIDER_UNAVAILABLE'],
] as const;

describe('EnKash errorType table', () => {
  it('has exactly the documented errorTypes', () => {
    expect(Object.keys(ENKASH_ERROR_TABLE).sort()).toEqual(EXPECTED.map(([t]) => t).sort());
  });

  it.each(EXPECTED)('%s is a %s error %s', (errorType, kind, code) => {
    expect(enkashErrorRule(errorType)).toMatchObject({ kind, code });
    const error = enkashErrorFor(errorType, 'EnKash text');
    if (kind === 'user') {
      expect(error).toBeInstanceOf(UserFacingError);
      expect((error as UserFacingError).errors).toEqual([
        { code, message: 'EnKash text', provider: 'enkash', providerCode: errorType },
      ]);
    } else {
      expect(error).toBeInstanceOf(UpstreamError);
      expect(error).toMatchObject({ code, provider: 'enkash' });
      expect(error.message).not.toContain('EnKash text');
    }
  });

  it('only UNAUTHORIZED renews the token', () => {
    const renewing = Object.entries(ENKASH_ERROR_TABLE)
      .filter(([, rule]) => 'renewToken' in rule && rule.renewToken)
      .map(([type]) => type);
    expect(renewing).toEqual(['UNAUTHORIZED']);
  });

  it.each(['CREDIT_LIMIT_EXCEEDED', 'validation_error', 'toString', '__proto__', 'constructor'])(
    'an unknown errorType %s is PROVIDER_REJECTED with it as providerCode',
    (errorType) => {
      expect(enkashErrorRule(errorType)).toBeUndefined();
      const error = enkashErrorFor(errorType, 'Nope');
      expect((error as UserFacingError).errors).toEqual([
        { code: 'PROVIDER_REJECTED', message: 'Nope', provider: 'enkash', providerCode: errorType },
      ]);
    },
  );

  it('a missing errorType and message still give a readable PROVIDER_REJECTED', () => {
    const error = enkashErrorFor(null, null) as UserFacingError;
    expect(error.errors[0]).toMatchObject({ code: 'PROVIDER_REJECTED' });
    expect(error.errors[0]?.message).toMatch(/EnKash rejected/);
    expect(error.errors[0]?.providerCode).toBeUndefined();
  });
});

describe('EnKash envelope outcome', () => {
  it.each([
    ['no errorResponse, response_code 0', { response_code: 0, payload: 'ok' }],
    ['no errorResponse, no response_code', {}],
    ['errorResponse null', { errorResponse: null, response_code: 0 }],
    ['errorResponse with null members', { errorResponse: { errorType: null, errorMessage: null } }],
  ])('%s is a success', (_label, envelope) => {
    expect(enkashOutcome(200, envelope)).toBeNull();
  });

  it('an errorResponse wins over HTTP 200 and over the HTTP status of a 4xx', () => {
    const body = { errorResponse: { errorType: 'RECORD_NOT_FOUND', errorMessage: 'gone' } };
    for (const status of [200, 400, 422]) {
      expect((enkashOutcome(status, body) as UserFacingError).errors[0]).toMatchObject({
        code: 'NOT_FOUND',
        providerCode: 'RECORD_NOT_FOUND',
      });
    }
  });

  it.each([
    [400, 'INVALID_INPUT'],
    [404, 'NOT_FOUND'],
    [422, 'INVALID_STATE'],
    [409, 'PROVIDER_REJECTED'],
    [418, 'PROVIDER_REJECTED'],
  ])('HTTP %i in an envelope without an errorType is %s', (status, code) => {
    expect(ENKASH_HTTP_STATUS_TABLE[status] ?? 'PROVIDER_REJECTED').toBe(code);
    expect((enkashOutcome(status, { response_code: 1 }) as UserFacingError).errors[0]).toEqual({
      code,
      message: `EnKash rejected the request (HTTP ${status})`,
      provider: 'enkash',
      providerCode: String(status),
    });
  });

  it.each([400, 404, 409, 418, 422, 302])(
    'HTTP %i without the envelope is PROVIDER_UNAVAILABLE, never a user error',
    (status) => {
      const error = enkashOutcome(status, null);
      expect(error).toBeInstanceOf(UpstreamError);
      expect(error).toMatchObject({ code: 'PROVIDER_UNAVAILABLE', provider: 'enkash' });
    },
  );

  it('a 3xx in the envelope without an errorType is PROVIDER_UNAVAILABLE, never a success', () => {
    expect(enkashOutcome(302, { response_code: 0, payload: 'ok' })).toMatchObject({
      code: 'PROVIDER_UNAVAILABLE',
    });
  });

  it('a non-zero response_code without errorResponse is PROVIDER_REJECTED', () => {
    const error = enkashOutcome(200, { response_code: 3, response_message: 'Denied' });
    expect((error as UserFacingError).errors[0]).toMatchObject({
      code: 'PROVIDER_REJECTED',
      message: 'Denied',
      providerCode: '3',
    });
  });

  it('a successful activation means ACTIVE with no raw status', () => {
    expect(ENKASH_ACTIVATED).toEqual({ status: 'ACTIVE', providerStatus: null });
  });
});

describe('EnKash configuration slice', () => {
  const LIVE = {
    ENKASH_BASE_URL: 'https://ar.enkash.example',
    ENKASH_CLIENT_ID: 'client',
    ENKASH_CLIENT_SECRET: 'shh-client-secret',
    ENKASH_USERNAME: 'ops@example.com',
    ENKASH_PASSWORD: 'hunter2-password',
    ENKASH_COMPANY_ID: 'CEKFOWV7UQ',
  };
  const problems = (env: Record<string, string | undefined>) =>
    (enkashEnv.safeParse(env).error?.issues ?? []).map((i) => `${i.path.join('.')} ${i.message}`);

  it('without ENKASH_BASE_URL it runs against the sandbox', () => {
    expect(enkashLiveSettings(enkashEnv.parse({}))).toBeNull();
  });

  it('with every variable it is LIVE', () => {
    expect(enkashLiveSettings(enkashEnv.parse(LIVE))).toEqual({
      baseUrl: 'https://ar.enkash.example',
      clientId: 'client',
      clientSecret: 'shh-client-secret',
      username: 'ops@example.com',
      password: 'hunter2-password',
      companyId: 'CEKFOWV7UQ',
    });
  });

  it('names every variable LIVE mode is missing', () => {
    expect(problems({ ENKASH_BASE_URL: LIVE.ENKASH_BASE_URL })).toEqual([
      'ENKASH_CLIENT_ID is required when ENKASH_BASE_URL is set',
      'ENKASH_CLIENT_SECRET is required when ENKASH_BASE_URL is set',
      'ENKASH_USERNAME is required when ENKASH_BASE_URL is set',
      'ENKASH_PASSWORD is required when ENKASH_BASE_URL is set',
      'ENKASH_COMPANY_ID is required when ENKASH_BASE_URL is set',
    ]);
  });

  it.each(['CEK123', 'cekfowv7uq', 'CEKFOWV7UQX', 'ABCFOWV7UQ'])(
    'rejects ENKASH_COMPANY_ID %s naming the variable',
    (value) => {
      expect(problems({ ...LIVE, ENKASH_COMPANY_ID: value })).toEqual([
        'ENKASH_COMPANY_ID must be an EnKash company id matching ^CEK[A-Z0-9]{7}$',
      ]);
    },
  );

  it('rejects a base URL with a path and never echoes a secret', () => {
    const messages = problems({
      ...LIVE,
      ENKASH_BASE_URL: 'https://ar.enkash.example/api',
      ENKASH_PASSWORD: '  ',
      ENKASH_CLIENT_SECRET: '',
    }).join('\n');
    expect(messages).toContain('ENKASH_BASE_URL must be an origin');
    expect(messages).toContain('ENKASH_PASSWORD must not be empty');
    expect(messages).toContain('ENKASH_CLIENT_SECRET must not be empty');
    expect(problems({ ...LIVE, ENKASH_COMPANY_ID: 'hunter2-password' }).join()).not.toContain(
      'hunter2',
    );
  });
});

describe('sandbox CSV reader', () => {
  it.each([
    [
      'a,b\r\n1,2\r\n',
      [
        ['a', 'b'],
        ['1', '2'],
      ],
    ],
    [
      'a,b\n1,2',
      [
        ['a', 'b'],
        ['1', '2'],
      ],
    ],
    [
      'a,b\n"x, y","say ""hi"""\n\n',
      [
        ['a', 'b'],
        ['x, y', 'say "hi"'],
      ],
    ],
    [
      'a,b\n1,\n',
      [
        ['a', 'b'],
        ['1', ''],
      ],
    ],
    ['', []],
  ])('parses %j', (text, rows) => {
    expect(parseCsv(text)).toEqual(rows);
  });
});
