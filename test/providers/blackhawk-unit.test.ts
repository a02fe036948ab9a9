/** Blackhawk pieces without HTTP: record validation, batching, the stop-after-failure policy, code scrubbing, tokens, config. */
import { describe, expect, it } from 'vitest';
import { UserFacingError } from '../../src/errors.js';
import {
  NOT_SENT,
  chunk,
  sendBatches,
  summarizeBatches,
  type BatchOutcome,
} from '../../src/providers/blackhawk/batches.js';
import { DEFAULT_TOKEN_TTL_MS, issuedToken } from '../../src/providers/blackhawk/client.js';
import { blackhawkEnv, blackhawkLiveSettings } from '../../src/providers/blackhawk/config.js';
import { scrubSecrets } from '../../src/providers/blackhawk/redact.js';
import { ACTIVATION_CODE, validateCardCodes } from '../../src/providers/blackhawk/validate.js';
import {
  MAX_CODES_PER_REQUEST,
  blackhawkResult,
  blackhawkToken,
  serializeCodeRecords,
} from '../../src/providers/blackhawk/wire.js';
import type { CardCodeRecord } from '../../src/providers/contract.js';

const PROXY_19 = '6039530407033839166';
const good = (over: Partial<CardCodeRecord> = {}): CardCodeRecord => ({
  programNumber: '95000000',
  proxyNumber: PROXY_19,
  activationCode: 'Secret42',
  ...over,
});

function validationErrors(records: CardCodeRecord[]) {
  try {
    validateCardCodes(records);
  } catch (error) {
    expect(error).toBeInstanceOf(UserFacingError);
    return (error as UserFacingError).errors;
  }
  throw new Error('expected validation to fail');
}

describe('serializeCodeRecords', () => {
  it('writes exactly what JSON.stringify writes for the wire shape, for any valid record', () => {
    const records = [
      good(),
      good({ programNumber: '9'.repeat(19), proxyNumber: '0', activationCode: 'AbCd' }),
      good({ proxyNumber: '1'.repeat(19), activationCode: 'Z'.repeat(16) }),
      ...Array.from({ length: 997 }, (_, i) =>
        good({ proxyNumber: String(6039530400000000000n + BigInt(i)), activationCode: `code${i}` }),
      ),
    ];
    expect(validateCardCodes(records)).toHaveLength(MAX_CODES_PER_REQUEST);
    const expected = JSON.stringify(
      records.map((r) => ({
        quoteNumber: r.programNumber,
        proxyNumber: r.proxyNumber,
        activationCode: r.activationCode,
      })),
    );
    expect(serializeCodeRecords(records)).toBe(expected);
    expect(serializeCodeRecords([])).toBe('[]');
  });
});

describe('validateCardCodes', () => {
  it.each<[string, Partial<CardCodeRecord>]>([
    ['the documented sample', {}],
    ['a 19-digit proxy number', { proxyNumber: PROXY_19 }],
    ['a one-digit program number', { programNumber: '7' }],
    ['a 19-digit program number', { programNumber: '9'.repeat(19) }],
    ['a 4-character code', { activationCode: 'aB3d' }],
    ['a 16-character code', { activationCode: 'A1b2C3d4E5f6G7h8' }],
    ['a digits-only code', { activationCode: '123456' }],
    ['a letters-only code', { activationCode: 'abcdEFGH' }],
  ])('accepts %s', (_name, over) => {
    const record = good(over);
    expect(validateCardCodes([record])).toEqual([record]);
  });

  it.each<[string, Partial<CardCodeRecord>, string, RegExp[]]>([
    [
      'a missing program number',
      { programNumber: '' },
      'programNumber',
      [/programNumber is missing/],
    ],
    [
      'a program number with letters',
      { programNumber: '95A00000' },
      'programNumber',
      [/digits only/],
    ],
    ['a signed program number', { programNumber: '-95000000' }, 'programNumber', [/digits only/]],
    [
      'a 20-digit program number',
      { programNumber: '9'.repeat(20) },
      'programNumber',
      [/at most 19 digits/],
    ],
    ['a missing proxy number', { proxyNumber: '' }, 'proxyNumber', [/proxyNumber is missing/]],
    [
      'a proxy number with a space',
      { proxyNumber: ` ${PROXY_19}` },
      'proxyNumber',
      [/digits only/],
    ],
    [
      'a proxy number in exponent form',
      { proxyNumber: '6.03953e18' },
      'proxyNumber',
      [/digits only/],
    ],
    [
      'a 20-digit proxy number',
      { proxyNumber: `${PROXY_19}0` },
      'proxyNumber',
      [/at most 19 digits/],
    ],
    ['a missing code', { activationCode: '' }, 'activationCode', [/activationCode is missing/]],
    ['a 3-character code', { activationCode: 'Zq9' }, 'activationCode', [/4 to 16 characters/]],
    ['a 17-character code', { activationCode: 'Zq9xZq9xZq9xZq9xZ' }, 'activationCode', [/4 to 16/]],
    ['a code with a dash', { activationCode: 'Zq9-x1' }, 'activationCode', [/letters and digits/]],
    ['a code with a space', { activationCode: 'Zq9 x1' }, 'activationCode', [/letters and digits/]],
    [
      'a code with an accented letter',
      { activationCode: 'Zq9éx1' },
      'activationCode',
      [/letters and digits/],
    ],
    [
      'a record wrong everywhere',
      { programNumber: 'x', proxyNumber: '', activationCode: 'Zq!' },
      'programNumber',
      [/programNumber must contain digits only/, /proxyNumber is missing/, /activationCode must/],
    ],
  ])('rejects %s', (_name, over, attribute, problems) => {
    const record = good(over);
    const errors = validationErrors([good({ proxyNumber: '1' }), record]);
    expect(errors).toHaveLength(1);
    const [error] = errors;
    expect(error).toMatchObject({
      code: 'INVALID_INPUT',
      provider: 'blackhawk',
      field: ['input', 'codes', '1', attribute],
    });
    for (const problem of problems) expect(error?.message).toMatch(problem);
    if (record.activationCode) expect(error?.message).not.toContain(record.activationCode);
  });

  it.each(['abc', 'abcd', 'ABCD1234', 'abcd-1', 'a'.repeat(16), 'a'.repeat(17), '1234', 'ü123'])(
    'agrees with the documented regex on %j',
    (activationCode) => {
      const accepted = (() => {
        try {
          validateCardCodes([good({ activationCode })]);
          return true;
        } catch {
          return false;
        }
      })();
      expect(accepted).toBe(ACTIVATION_CODE.test(activationCode));
    },
  );

  it('returns one error per bad record, each with its own index', () => {
    const records = [
      good({ proxyNumber: '1' }),
      good({ proxyNumber: '2', programNumber: 'abc' }),
      good({ proxyNumber: '3' }),
      good({ proxyNumber: '4', activationCode: 'no!' }),
      good({ proxyNumber: '' }),
    ];
    expect(validationErrors(records).map((e) => e.field)).toEqual([
      ['input', 'codes', '1', 'programNumber'],
      ['input', 'codes', '3', 'activationCode'],
      ['input', 'codes', '4', 'proxyNumber'],
    ]);
  });

  it('sends an exact duplicate once and keeps the input order and objects', () => {
    const a = good({ proxyNumber: '1' });
    const b = good({ proxyNumber: '2' });
    const result = validateCardCodes([a, b, { ...a }, b]);
    expect(result).toEqual([a, b]);
    expect(result[0]).toBe(a);
  });

  it.each<[string, Partial<CardCodeRecord>, RegExp]>([
    ['a different code', { activationCode: 'Other123' }, /different activationCode/],
    ['a different program number', { programNumber: '95000001' }, /different programNumber/],
    [
      'both different',
      { programNumber: '95000001', activationCode: 'Other123' },
      /different programNumber and activationCode/,
    ],
  ])('rejects a proxy number given again with %s', (_name, over, problem) => {
    const errors = validationErrors([good(), good({ proxyNumber: '5' }), good(over)]);
    expect(errors).toHaveLength(1);
    expect(errors[0]?.field).toEqual(['input', 'codes', '2', 'proxyNumber']);
    expect(errors[0]?.message).toMatch(problem);
    expect(errors[0]?.message).toContain('codes[0]');
    expect(errors[0]?.message).not.toContain('Secret42');
    expect(errors[0]?.message).not.toContain('Other123');
  });

  it('validates 100,000 records well under a second', () => {
    // Parsed from JSON, as GraphQL variables arrive.
    const records = JSON.parse(
      JSON.stringify(
        Array.from({ length: 100_000 }, (_, i) => ({
          programNumber: '95000000',
          proxyNumber: `6039530400${String(i).padStart(9, '0')}`,
          activationCode: `Code${i.toString(36)}`,
        })),
      ),
    ) as CardCodeRecord[];
    records.push({ ...records[5]!, activationCode: 'Different1' });
    const started = performance.now();
    const errors = validationErrors(records);
    const elapsed = performance.now() - started;
    expect(errors.map((e) => e.field)).toEqual([['input', 'codes', '100000', 'proxyNumber']]);
    expect(elapsed).toBeLessThan(1_000);
    records.pop();
    expect(validateCardCodes(records)).toHaveLength(100_000);
  });
});

describe('batching', () => {
  it('sends at most 1,000 codes per request', () => {
    expect(MAX_CODES_PER_REQUEST).toBe(1_000);
  });

  it.each([
    [0, []],
    [1, [1]],
    [999, [999]],
    [1_000, [1_000]],
    [1_001, [1_000, 1]],
    [2_500, [1_000, 1_000, 500]],
  ])('splits %i records into batches of %j', (count, sizes) => {
    const items = Array.from({ length: count }, (_, i) => i);
    const batches = chunk(items, MAX_CODES_PER_REQUEST);
    expect(batches.map((b) => b.length)).toEqual(sizes);
    expect(batches.flat()).toEqual(items);
  });

  const set = { kind: 'set' } as const;
  const failed = (): BatchOutcome & { kind: 'failed' } => ({
    kind: 'failed',
    failure: {
      code: 'PROVIDER_UNAVAILABLE',
      message: 'down',
      outcomeUnknown: false,
      retryAfter: null,
      providerCode: null,
    },
  });

  it('sends nothing new after a failure (one at a time)', async () => {
    const sent: number[] = [];
    const outcomes = await sendBatches(
      ['a', 'b', 'c', 'd'],
      { concurrency: 1 },
      (_batch, index) => {
        sent.push(index);
        return Promise.resolve(index === 1 ? failed() : set);
      },
    );
    expect(sent).toEqual([0, 1]);
    expect(outcomes.map((o) => o.kind)).toEqual(['set', 'failed', 'not-sent', 'not-sent']);
  });

  it('lets batches already in flight finish after a failure', async () => {
    const sent: number[] = [];
    const outcomes = await sendBatches(
      ['a', 'b', 'c', 'd', 'e'],
      { concurrency: 2 },
      (_batch, index) => {
        sent.push(index);
        if (index === 0) return Promise.resolve(failed());
        // Still in flight when batch 0 fails.
        if (index === 1) return new Promise((resolve) => setTimeout(() => resolve(set), 5));
        return Promise.resolve(set);
      },
    );
    expect(sent).toEqual([0, 1]);
    expect(outcomes.map((o) => o.kind)).toEqual([
      'failed',
      'set',
      'not-sent',
      'not-sent',
      'not-sent',
    ]);
  });

  it('starts no batch once the deadline has passed; started ones finish', async () => {
    let now = 0;
    const sent: number[] = [];
    const outcomes = await sendBatches(
      ['a', 'b', 'c', 'd'],
      { concurrency: 1, deadline: 150, now: () => now },
      (_batch, index) => {
        sent.push(index);
        now += 100; // each batch takes 100 ms; the second starts at 100, the third would at 200
        return Promise.resolve(set);
      },
    );
    expect(sent).toEqual([0, 1]);
    expect(outcomes).toEqual([
      set,
      set,
      { kind: 'not-sent', reason: 'deadline' },
      { kind: 'not-sent', reason: 'deadline' },
    ]);
  });

  it('sends nothing when the deadline passed before the first batch', async () => {
    const outcomes = await sendBatches(
      ['a', 'b'],
      { concurrency: 2, deadline: 10, now: () => 10 },
      () => Promise.reject(new Error('must not be sent')),
    );
    expect(outcomes.map((o) => o.kind)).toEqual(['not-sent', 'not-sent']);
  });

  it.each([
    [
      ['deadline'],
      /not sent because the operation's deadline passed before their batches started, so none/,
    ],
    [['after-failure'], /not sent because an earlier batch failed, so none/],
    [
      ['after-failure', 'deadline'],
      /not sent because an earlier batch failed or the operation's deadline passed/,
    ],
  ] as const)('says why codes were not sent (%j)', (reasons, message) => {
    const batches = reasons.map((_, i) => [good({ proxyNumber: String(i + 1) })]);
    const outcomes: BatchOutcome[] = reasons.map((reason) => ({ kind: 'not-sent', reason }));
    const { cards, failures } = summarizeBatches(
      [[good({ proxyNumber: '9' })], ...batches],
      [set, ...outcomes],
    );
    expect(cards).toHaveLength(1);
    expect(failures).toEqual([
      expect.objectContaining({
        code: NOT_SENT,
        message: expect.stringMatching(message),
        outcomeUnknown: false,
        retryAfter: null,
      }),
    ]);
    expect(failures[0]!.cards).toHaveLength(reasons.length);
  });

  it('names every card as set, failed or not sent', () => {
    const record = (proxyNumber: string) => good({ proxyNumber });
    const batches = [
      [record('1'), record('2')],
      [record('3')],
      [record('4')],
      [record('5')],
      [record('6')],
    ];
    const outcomes: BatchOutcome[] = [
      set,
      {
        kind: 'failed',
        failure: {
          code: 'OUTCOME_UNKNOWN',
          message: 'no answer',
          outcomeUnknown: true,
          retryAfter: null,
          providerCode: null,
        },
      },
      // In flight when the batch before it failed.
      {
        kind: 'failed',
        failure: {
          code: 'PROVIDER_RATE_LIMITED',
          message: 'slow down',
          outcomeUnknown: false,
          retryAfter: 12,
          providerCode: null,
        },
      },
      { kind: 'not-sent', reason: 'after-failure' },
      { kind: 'not-sent', reason: 'after-failure' },
    ];
    const result = summarizeBatches(batches, outcomes);
    const card = (proxyNumber: string, activationCodeSet: boolean) => ({
      kind: 'card',
      provider: 'blackhawk',
      programNumber: '95000000',
      proxyNumber,
      activationCodeSet,
    });
    expect(result.cards).toEqual([card('1', true), card('2', true)]);
    expect(result.failures).toEqual([
      {
        code: 'OUTCOME_UNKNOWN',
        message: 'no answer',
        outcomeUnknown: true,
        retryAfter: null,
        providerCode: null,
        cards: [card('3', false)],
      },
      {
        code: 'PROVIDER_RATE_LIMITED',
        message: 'slow down',
        outcomeUnknown: false,
        retryAfter: 12,
        providerCode: null,
        cards: [card('4', false)],
      },
      {
        code: NOT_SENT,
        message: expect.stringMatching(/not sent because an earlier batch failed/),
        outcomeUnknown: false,
        retryAfter: null,
        providerCode: null,
        cards: [card('5', false), card('6', false)],
      },
    ]);
    expect(JSON.stringify(result)).not.toContain('Secret42');
  });
});

describe('scrubSecrets', () => {
  it.each([
    [
      'the documented echo',
      'Invalid Input - Activation code 123 is not a valid value. Minimum 4 and maximum 16 digits only',
      ['123'],
      'Invalid Input - Activation code *** is not a valid value. Minimum 4 and maximum 16 digits only',
    ],
    ['every occurrence', 'AbCd1 then AbCd1', ['AbCd1'], '*** then ***'],
    ['any letter case', 'code ABCD1 rejected', ['abcd1'], 'code *** rejected'],
    ['overlapping codes as one run', 'x ABCDEF y', ['ABCD', 'CDEF'], 'x *** y'],
    ['a code inside a longer word', 'codeXyZ9Q!', ['XyZ9'], 'code***Q!'],
    [
      'nothing when no code appears',
      'Generic error, please try again',
      ['Zz99'],
      'Generic error, please try again',
    ],
    ['empty secrets', 'unchanged', [''], 'unchanged'],
  ])('masks %s', (_name, text, secrets, expected) => {
    expect(scrubSecrets(text, secrets)).toBe(expected);
  });
});

describe('token response', () => {
  const jwt = (claims: Record<string, unknown>) =>
    ['{"alg":"HS256"}', JSON.stringify(claims)]
      .map((p) => Buffer.from(p).toString('base64url'))
      .join('.') + '.sig';
  const now = 1_700_000_000_000;
  const exp = now / 1000 + 900;

  it.each<[string, Record<string, unknown>, string, number]>([
    ['access_token with expires_in', { access_token: 'A', expires_in: 600 }, 'A', now + 600_000],
    ['expires_in as a string', { access_token: 'A', expires_in: '600' }, 'A', now + 600_000],
    [
      'expires_in over the JWT exp',
      { access_token: jwt({ exp }), expires_in: 60 },
      jwt({ exp }),
      now + 60_000,
    ],
    ['token with a JWT exp', { token: jwt({ exp }) }, jwt({ exp }), exp * 1000],
    ['id_token with a JWT exp', { id_token: jwt({ exp }) }, jwt({ exp }), exp * 1000],
    [
      'access_token over token and id_token',
      { access_token: 'A', token: 'B', id_token: 'C' },
      'A',
      now + DEFAULT_TOKEN_TTL_MS,
    ],
    ['an opaque token without expiry', { token: 'opaque' }, 'opaque', now + DEFAULT_TOKEN_TTL_MS],
    ['an unusable expires_in', { token: jwt({ exp }), expires_in: -1 }, jwt({ exp }), exp * 1000],
  ])('reads %s', (_name, body, accessToken, expiresAt) => {
    expect(issuedToken(blackhawkToken.parse(body), now)).toEqual({ accessToken, expiresAt });
  });

  it.each([{}, { access_token: '' }, { token_type: 'Bearer' }, null])('refuses %j', (body) => {
    expect(blackhawkToken.safeParse(body).success).toBe(false);
  });
});

describe('set-activation-codes result', () => {
  it.each([
    [{ status: '200', success: true, message: 'All records have been saved successfully' }, true],
    [{ status: 200, success: 'true' }, true],
    [{ status: 200, success: 'TRUE' }, true],
    [{ status: '400', success: 'false', message: 'Invalid Input' }, false],
    [{ success: false }, false],
  ])('reads %j', (body, success) => {
    expect(blackhawkResult.parse(body).success).toBe(success);
  });

  it.each([{ status: 200 }, { success: 'yes' }, []])('refuses %j', (body) => {
    expect(blackhawkResult.safeParse(body).success).toBe(false);
  });
});

describe('blackhawk configuration', () => {
  it('is the sandbox without BLACKHAWK_BASE_URL', () => {
    expect(blackhawkLiveSettings(blackhawkEnv.parse({}))).toBeNull();
  });

  it('is LIVE with an origin and credentials, scope optional', () => {
    const env = {
      BLACKHAWK_BASE_URL: 'https://marketplace.bhnapi.com/',
      BLACKHAWK_CLIENT_ID: 'id',
      BLACKHAWK_CLIENT_SECRET: 'secret',
    };
    expect(blackhawkLiveSettings(blackhawkEnv.parse(env))).toEqual({
      baseUrl: 'https://marketplace.bhnapi.com',
      clientId: 'id',
      clientSecret: 'secret',
      scope: null,
    });
    expect(
      blackhawkLiveSettings(blackhawkEnv.parse({ ...env, BLACKHAWK_SCOPE: 'cavs' }))?.scope,
    ).toBe('cavs');
  });

  it.each<[Record<string, string>, string[]]>([
    [
      { BLACKHAWK_BASE_URL: 'https://x.example' },
      ['BLACKHAWK_CLIENT_ID', 'BLACKHAWK_CLIENT_SECRET'],
    ],
    [
      {
        BLACKHAWK_BASE_URL: 'https://x.example/cards',
        BLACKHAWK_CLIENT_ID: 'a',
        BLACKHAWK_CLIENT_SECRET: 'b',
      },
      ['BLACKHAWK_BASE_URL'],
    ],
    [
      {
        BLACKHAWK_BASE_URL: 'https://x.example',
        BLACKHAWK_CLIENT_ID: 'a:b',
        BLACKHAWK_CLIENT_SECRET: 'b',
      },
      ['BLACKHAWK_CLIENT_ID'],
    ],
  ])('names each bad variable in %j', (env, names) => {
    const result = blackhawkEnv.safeParse(env);
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.path.join('.'))).toEqual(names);
  });
});
