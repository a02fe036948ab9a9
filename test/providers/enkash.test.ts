/** EnKash over real HTTP: the gateway, the adapter and the embedded EnKash sandbox. */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { EnkashSettings } from '../../src/providers/enkash/config.js';
import { ENKASH_ERROR_TABLE } from '../../src/providers/enkash/status.js';
import type { EnkashSandboxState } from '../../src/sandbox/enkash.js';
import type { SandboxRequest } from '../../src/sandbox/server.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

let gw: TestGateway;
const sandbox = () => gw.sandbox<EnkashSandboxState>('enkash');
const settings = () => gw.providers.started('enkash')?.sandbox?.settings as EnkashSettings;

beforeAll(async () => {
  gw = await startTestGateway();
});
afterAll(() => gw.close());

/** Every access token the gateway sent, for the check that none reaches the logs. */
const tokensSeen = new Set<string>();
afterEach(() => {
  for (const r of sandbox().journal) {
    const bearer = /^Bearer (.+)$/.exec(r.headers.authorization ?? '')?.[1];
    if (bearer) tokensSeen.add(bearer);
  }
});

const ACTIVATE = `mutation ($input: ActivateCustomerInput!) {
  activateCustomer(input: $input) {
    customer { id provider providerCustomerId status providerStatus }
    invoices { status }
    userErrors { code message field provider providerCode }
  }
}`;
const PREVIEW = `query ($input: ActivateCustomerInput!) {
  customerActivationPreview(input: $input) {
    preview { customer { id status providerStatus } resultingStatus native invoices { status } }
    userErrors { code message field provider providerCode }
  }
}`;
const BULK = `mutation ($input: BulkUpdateCustomersInput!) {
  bulkUpdateCustomers(input: $input) {
    result { totalCount successCount failureCount warnCount successFileUrl failureFileUrl }
    userErrors { code message field provider providerCode }
  }
}`;

let nextInactive = 1;
/** A seeded inactive customer no other test of this file has used. */
const inactive = () => `KCINACT${String(nextInactive++).padStart(9, '0')}`;

const isPut = (r: SandboxRequest) => r.method === 'PUT';
const isToken = (r: SandboxRequest) => r.path === '/oauth/token';
const calls = () => sandbox().journal.map((r) => `${r.method} ${r.path}`);
const activate = (customerId: string, extra: Record<string, unknown> = {}) =>
  gw.graphql(ACTIVATE, { input: { customerId: `enkash:${customerId}`, ...extra } });

function envelope(errorType: string, errorMessage = 'EnKash says no') {
  return {
    errorResponse: { apiSubErrors: [], errorType, errorMessage, requestId: 'rq-1' },
    payload: null,
    response_code: 1,
    response_message: 'Failure',
  };
}

describe('enkash activation', () => {
  it('gets a password-grant token, then activates with Bearer auth', async () => {
    const id = inactive();
    const res = await activate(id);
    expect(res.body.data.activateCustomer).toEqual({
      customer: {
        id: `enkash:${id}`,
        provider: 'ENKASH',
        providerCustomerId: id,
        status: 'ACTIVE',
        providerStatus: null,
      },
      invoices: [],
      userErrors: [],
    });

    // This is the first EnKash call of the file: one token request, then the activation.
    const [token, put] = sandbox().journal;
    expect(sandbox().journal).toHaveLength(2);
    const { clientId, clientSecret, username, password } = settings();
    expect(token).toMatchObject({ method: 'POST', path: '/oauth/token' });
    expect(token!.headers.authorization).toBe(
      `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`,
    );
    expect(token!.headers['content-type']).toMatch(/^application\/x-www-form-urlencoded/);
    expect(Object.fromEntries(new URLSearchParams(token!.body.toString()))).toEqual({
      username,
      password,
      grant_type: 'password',
      clientId: 'CEKDEMO001',
    });

    expect(put).toMatchObject({ method: 'PUT', path: `/api/v0/customer/activate/${id}` });
    expect([...put!.query]).toEqual([]);
    const bearer = /^Bearer (.+)$/.exec(put!.headers.authorization ?? '')?.[1];
    expect(bearer && sandbox().state.tokens.has(bearer)).toBe(true);
    expect(sandbox().state.customers.get(id)?.status).toBe('ACTIVE');
  });

  it('sends parentCompanyId as a query parameter', async () => {
    sandbox().reset();
    const res = await activate('KCSUBSID00000001', { parentCompanyId: 'CEKDEMO002' });
    expect(res.body.data.activateCustomer.customer.status).toBe('ACTIVE');
    const put = sandbox().journal.find(isPut)!;
    expect(put.path).toBe('/api/v0/customer/activate/KCSUBSID00000001');
    expect(put.query.get('parentCompanyId')).toBe('CEKDEMO002');
  });

  it('reuses the cached token across calls', async () => {
    const grants = sandbox().state.tokenGrants;
    sandbox().reset();
    for (let i = 0; i < 5; i++) {
      const res = await activate(inactive());
      expect(res.body.data.activateCustomer.userErrors).toEqual([]);
    }
    expect(sandbox().state.tokenGrants).toBe(grants);
    expect(sandbox().journal.filter(isToken)).toHaveLength(0);
    expect(sandbox().journal.filter(isPut)).toHaveLength(5);
  });

  it('reports an unknown customer as NOT_FOUND (errorResponse in HTTP 200)', async () => {
    const res = await activate('KCINACT999999999');
    expect(res.body.data.activateCustomer).toEqual({
      customer: null,
      invoices: [],
      userErrors: [
        {
          code: 'NOT_FOUND',
          message: 'Customer KCINACT999999999 not found',
          field: null,
          provider: 'ENKASH',
          providerCode: 'RECORD_NOT_FOUND',
        },
      ],
    });
  });

  it('reports an already active customer as INVALID_STATE', async () => {
    const res = await activate('KCACTIVE00000001');
    expect(res.body.data.activateCustomer.userErrors).toEqual([
      {
        code: 'INVALID_STATE',
        message: 'Customer KCACTIVE00000001 is already active',
        field: null,
        provider: 'ENKASH',
        providerCode: 'UNPROCESSABLE_REQUEST',
      },
    ]);
  });

  it.each([
    ['a parentCompanyId the customer does not belong to', 'KCSUBSID00000002', 'CEKDEMO001'],
    ['a company the API user cannot see', 'KCOTHER000000001', null],
    ['the foreign company named as parent', 'KCOTHER000000002', 'CEKOTHER01'],
  ])('reports %s as NOT_FOUND', async (_label, id, parentCompanyId) => {
    const res = await activate(id, { parentCompanyId });
    expect(res.body.data.activateCustomer.userErrors[0]).toMatchObject({
      code: 'NOT_FOUND',
      providerCode: 'RECORD_NOT_FOUND',
    });
    expect(sandbox().state.customers.get(id)?.status).toBe('INACTIVE');
  });
});

describe('enkash errorType mapping over HTTP', () => {
  beforeEach(() => sandbox().reset());

  const USER_ROWS = [
    ['VALIDATION_ERROR', 'INVALID_INPUT'],
    ['CLIENT_REQUEST_ERROR', 'INVALID_INPUT'],
    ['RECORD_NOT_FOUND', 'NOT_FOUND'],
    ['UNPROCESSABLE_REQUEST', 'INVALID_STATE'],
  ] as const;
  const UPSTREAM_ROWS = [
    ['UNAUTHORIZED', 'PROVIDER_AUTH_FAILED'],
    ['INVALID_ACCESS', 'PROVIDER_AUTH_FAILED'],
    ['SYSTEM_ERROR', 'PROVIDER_UNAVAILABLE'],
    ['UNKNOWN_ERROR', 'PROVIDER_UNAVAILABLE'],
    ['CLIENT_REQUEST_ABORT', 'PROVIDER_UNAVAILABLE'],
  ] as const;

  it('covers every row of the table', () => {
    expect([...USER_ROWS, ...UPSTREAM_ROWS].map(([type]) => type).sort()).toEqual(
      Object.keys(ENKASH_ERROR_TABLE).sort(),
    );
  });

  it.each(USER_ROWS)('%s in an HTTP 200 envelope is user error %s', async (errorType, code) => {
    sandbox().inject({
      match: isPut,
      action: { kind: 'respond', response: { status: 200, body: envelope(errorType) } },
    });
    const id = inactive();
    const res = await activate(id);
    expect(res.body.data.activateCustomer).toEqual({
      customer: null,
      invoices: [],
      userErrors: [
        {
          code,
          message: 'EnKash says no',
          field: null,
          provider: 'ENKASH',
          providerCode: errorType,
        },
      ],
    });
    expect(calls()).toEqual([`PUT /api/v0/customer/activate/${id}`]);
  });

  it.each(UPSTREAM_ROWS)(
    '%s in an HTTP 200 envelope is the GraphQL error %s',
    async (errorType, code) => {
      // UNAUTHORIZED earns one token renewal and retry, so it has to persist to surface.
      const times = errorType === 'UNAUTHORIZED' ? 2 : 1;
      sandbox().inject({
        match: isPut,
        times,
        action: { kind: 'respond', response: { status: 200, body: envelope(errorType) } },
      });
      const res = await activate(inactive());
      expect(res.body.data).toBeNull();
      expect(res.body.errors?.[0]?.extensions).toMatchObject({ code, provider: 'ENKASH' });
      expect(JSON.stringify(res.body)).not.toContain('EnKash says no');
      expect(calls().filter((c) => c.startsWith('PUT'))).toHaveLength(times);
      expect(calls().filter((c) => c.startsWith('POST /oauth/token'))).toHaveLength(times - 1);
    },
  );

  it('an errorType outside the table is PROVIDER_REJECTED with the errorType as providerCode', async () => {
    sandbox().inject({
      match: isPut,
      action: {
        kind: 'respond',
        response: { status: 200, body: envelope('CREDIT_LIMIT_EXCEEDED', 'Limit reached') },
      },
    });
    const res = await activate(inactive());
    expect(res.body.data.activateCustomer.userErrors).toEqual([
      {
        code: 'PROVIDER_REJECTED',
        message: 'Limit reached',
        field: null,
        provider: 'ENKASH',
        providerCode: 'CREDIT_LIMIT_EXCEEDED',
      },
    ]);
  });

  it('the same envelope in HTTP 200 and in HTTP 422 gives the same user error', async () => {
    const answers = [];
    for (const status of [200, 422]) {
      sandbox().inject({
        match: isPut,
        action: { kind: 'respond', response: { status, body: envelope('UNPROCESSABLE_REQUEST') } },
      });
      answers.push((await activate(inactive())).body.data.activateCustomer);
    }
    expect(answers[0]).toEqual(answers[1]);
    expect(answers[0].userErrors[0]).toMatchObject({
      code: 'INVALID_STATE',
      providerCode: 'UNPROCESSABLE_REQUEST',
    });
  });

  it.each([
    [404, 'VALIDATION_ERROR', 'INVALID_INPUT'],
    [400, 'RECORD_NOT_FOUND', 'NOT_FOUND'],
    [409, 'UNPROCESSABLE_REQUEST', 'INVALID_STATE'],
  ])('HTTP %i with errorType %s maps by the errorType to %s', async (status, errorType, code) => {
    sandbox().inject({
      match: isPut,
      action: { kind: 'respond', response: { status, body: envelope(errorType) } },
    });
    const res = await activate(inactive());
    expect(res.body.data.activateCustomer.userErrors[0]).toMatchObject({
      code,
      providerCode: errorType,
    });
  });

  it.each([
    [400, 'INVALID_INPUT'],
    [404, 'NOT_FOUND'],
    [422, 'INVALID_STATE'],
    [409, 'PROVIDER_REJECTED'],
    [405, 'PROVIDER_REJECTED'],
  ])('HTTP %i in the envelope without an errorType is user error %s', async (status, code) => {
    for (const [body, message] of [
      [{ payload: null, response_code: 1, response_message: 'Failure' }, 'Failure'],
      [{ errorResponse: null, response_code: 1 }, `EnKash rejected the request (HTTP ${status})`],
    ] as const) {
      sandbox().inject({ match: isPut, action: { kind: 'respond', response: { status, body } } });
      const res = await activate(inactive());
      expect(res.body.data.activateCustomer.userErrors).toEqual([
        { code, message, field: null, provider: 'ENKASH', providerCode: String(status) },
      ]);
    }
  });

  // Not EnKash speaking: a framework's 404 for a wrong path, a proxy's HTML page, an empty body.
  const unenveloped = (status: number) => [
    { status, body: { timestamp: '2024-10-10T08:34:46Z', status, error: 'Not Found', path: '/x' } },
    { status, raw: '<html><body>404 Not Found</body></html>' },
    { status, raw: '' },
    { status, body: 'plain string' },
  ];

  it.each([400, 404, 409, 422])(
    'HTTP %i without the envelope is PROVIDER_UNAVAILABLE, not a user error, and is logged',
    async (status) => {
      for (const response of unenveloped(status)) {
        sandbox().reset();
        const logsBefore = gw.logs.length;
        const id = inactive();
        sandbox().inject({ match: isPut, action: { kind: 'respond', response } });
        const res = await activate(id);
        expect(res.body.data).toBeNull();
        expect(res.body.errors?.[0]?.extensions).toMatchObject({
          code: 'PROVIDER_UNAVAILABLE',
          provider: 'ENKASH',
        });
        expect(res.body.errors?.[0]?.message).toBe(
          `enkash answered HTTP ${status} without an EnKash error`,
        );
        expect(sandbox().state.customers.get(id)?.status).toBe('INACTIVE');
        expect(gw.logs.slice(logsBefore)).toContainEqual(
          expect.objectContaining({
            level: 'error',
            msg: 'provider answered neither a success nor its error envelope',
            provider: 'enkash',
            operation: 'activate customer',
            status,
          }),
        );
      }
    },
  );

  it('a non-zero response_code without errorResponse is PROVIDER_REJECTED', async () => {
    sandbox().inject({
      match: isPut,
      action: {
        kind: 'respond',
        response: { status: 200, body: { response_code: 7, response_message: 'On hold' } },
      },
    });
    const res = await activate(inactive());
    expect(res.body.data.activateCustomer.userErrors[0]).toMatchObject({
      code: 'PROVIDER_REJECTED',
      message: 'On hold',
      providerCode: '7',
    });
  });

  it('an errorResponse whose members are all null is a success', async () => {
    sandbox().inject({
      match: isPut,
      action: {
        kind: 'respond',
        response: {
          status: 200,
          body: {
            errorResponse: { errorType: null, errorMessage: null, apiSubErrors: null },
            payload: 'ok',
            response_code: 0,
          },
        },
      },
    });
    const res = await activate(inactive());
    expect(res.body.data.activateCustomer).toMatchObject({
      customer: { status: 'ACTIVE', providerStatus: null },
      userErrors: [],
    });
  });

  it.each([
    ['an array', [1, 2, 3]],
    ['an empty object', {}],
    ['an encrypted body', { request: 'q1w2e3r4t5y6u7i8o9p0==' }],
    ['an errorResponse that is not an object', { errorResponse: 'oops', response_code: 0 }],
  ])('%s in HTTP 200 to the activation is OUTCOME_UNKNOWN', async (_label, body) => {
    sandbox().inject({
      match: isPut,
      action: { kind: 'respond', response: { status: 200, body } },
    });
    const res = await activate(inactive());
    expect(res.body.errors?.[0]?.extensions).toMatchObject({
      code: 'OUTCOME_UNKNOWN',
      provider: 'ENKASH',
    });
  });

  it.each([
    [500, 'PROVIDER_UNAVAILABLE'],
    [503, 'PROVIDER_UNAVAILABLE'],
    [403, 'PROVIDER_AUTH_FAILED'],
    [429, 'PROVIDER_RATE_LIMITED'],
  ])('HTTP %i is the GraphQL error %s', async (status, code) => {
    sandbox().inject({
      match: isPut,
      action: { kind: 'respond', response: { status, body: envelope('SYSTEM_ERROR', 'inner') } },
    });
    const res = await activate(inactive());
    expect(res.body.errors?.[0]?.extensions).toMatchObject({ code, provider: 'ENKASH' });
    expect(JSON.stringify(res.body)).not.toContain('inner');
  });
});

describe('enkash token lifecycle', () => {
  beforeEach(() => sandbox().reset());
  const bearers = () =>
    sandbox()
      .journal.filter(isPut)
      .map((r) => r.headers.authorization);

  it('renews a revoked token exactly once and then succeeds', async () => {
    const grants = sandbox().state.tokenGrants;
    sandbox().state.revokeAllTokens();
    const res = await activate(inactive());
    expect(res.body.data.activateCustomer.userErrors).toEqual([]);
    expect(calls().map((c) => c.split(' ')[0] + ' ' + c.split('/')[1])).toEqual([
      'PUT api',
      'POST oauth',
      'PUT api',
    ]);
    expect(sandbox().state.tokenGrants).toBe(grants + 1);
    const [stale, fresh] = bearers();
    expect(stale).not.toBe(fresh);
  });

  it('an UNAUTHORIZED envelope gets the same single renewal and retry as a 401', async () => {
    sandbox().inject({
      match: isPut,
      action: { kind: 'respond', response: { status: 200, body: envelope('UNAUTHORIZED') } },
    });
    const res = await activate(inactive());
    expect(res.body.data.activateCustomer.customer.status).toBe('ACTIVE');
    expect(sandbox().journal.filter(isToken)).toHaveLength(1);
    const [first, second] = bearers();
    expect(first).not.toBe(second);
  });

  it.each([
    ['an UNAUTHORIZED envelope', { status: 200, body: envelope('UNAUTHORIZED') }],
    ['HTTP 401', { status: 401, body: { error: 'invalid_token' } }],
  ])('%s that persists after one renewal is PROVIDER_AUTH_FAILED', async (_label, response) => {
    sandbox().inject({ match: isPut, times: 2, action: { kind: 'respond', response } });
    const res = await activate(inactive());
    expect(res.body.errors?.[0]?.extensions).toMatchObject({
      code: 'PROVIDER_AUTH_FAILED',
      provider: 'ENKASH',
    });
    expect(res.body.errors?.[0]?.message).toBe("enkash rejected the gateway's credentials");
    expect(sandbox().journal.filter(isToken)).toHaveLength(1);
    expect(sandbox().journal.filter(isPut)).toHaveLength(2);
  });

  it('renews the token before expires_in runs out, without waiting for a 401', async () => {
    const { state } = sandbox();
    state.tokenLifetimeSeconds = 2;
    try {
      state.revokeAllTokens();
      await activate(inactive()); // 401, then a token that lives 2 s
      const grants = state.tokenGrants;
      await activate(inactive());
      expect(state.tokenGrants).toBe(grants);
      // The cache renews at mid-life for tokens shorter than twice its skew: after ~1 s here.
      await new Promise((resolve) => setTimeout(resolve, 1_100));
      sandbox().reset();
      const res = await activate(inactive());
      expect(res.body.data.activateCustomer.userErrors).toEqual([]);
      // The held token is still valid, so the call does not wait: the renewal runs beside it.
      await vi.waitFor(() => expect(state.tokenGrants).toBe(grants + 1));
      expect([...calls()].sort()[0]).toBe('POST /oauth/token');
      expect(calls()).toHaveLength(2);
    } finally {
      state.tokenLifetimeSeconds = 86399;
    }
  });

  it('uses a token whose answer has no expires_in', async () => {
    const { state } = sandbox();
    state.tokenLifetimeSeconds = null;
    try {
      state.revokeAllTokens();
      await activate(inactive());
      const grants = state.tokenGrants;
      const res = await activate(inactive());
      expect(res.body.data.activateCustomer.userErrors).toEqual([]);
      expect(state.tokenGrants).toBe(grants);
      const token = sandbox().journal.find(isToken);
      expect(token).toBeDefined();
    } finally {
      state.tokenLifetimeSeconds = 86399;
    }
  });
});

describe('enkash input validation and unsupported operations', () => {
  beforeEach(() => sandbox().reset());

  it.each([
    'KC123',
    'kcinact000000001',
    'KCINACT0000000001',
    'KCINACT00000000-',
    'XXINACT000000001',
    'KCINACT00000000%2F',
    'KCINACT0000/0001',
  ])('rejects the malformed customer id %s without calling EnKash', async (id) => {
    const res = await activate(id);
    expect(res.body.data.activateCustomer.userErrors).toEqual([
      expect.objectContaining({
        code: 'INVALID_INPUT',
        field: ['input', 'customerId'],
        provider: 'ENKASH',
      }),
    ]);
    expect(sandbox().journal).toHaveLength(0);
  });

  it.each(['CEK123', 'cekdemo001', 'CEKDEMO0011', 'XYZDEMO001', ''])(
    'rejects the malformed parentCompanyId "%s" without calling EnKash',
    async (parentCompanyId) => {
      const res = await activate(inactive(), { parentCompanyId });
      expect(res.body.data.activateCustomer.userErrors).toEqual([
        expect.objectContaining({
          code: 'INVALID_INPUT',
          field: ['input', 'parentCompanyId'],
          provider: 'ENKASH',
        }),
      ]);
      expect(sandbox().journal).toHaveLength(0);
    },
  );

  it('rejects a Fusebill-only option without calling EnKash', async () => {
    const res = await activate(inactive(), { activateAllSubscriptions: false });
    expect(res.body.data.activateCustomer.userErrors[0]).toMatchObject({
      code: 'INVALID_INPUT',
      field: ['input', 'activateAllSubscriptions'],
    });
    expect(sandbox().journal).toHaveLength(0);
  });

  it.each([
    ['customer', '{ customer(id: "enkash:KCINACT000000001") { id status } }'],
    ['node', '{ node(id: "enkash:KCINACT000000001") { id } }'],
  ])('%s(id) is UNSUPPORTED_BY_PROVIDER without calling EnKash', async (_field, query) => {
    const res = await gw.graphql(query);
    expect(res.body.errors?.[0]?.extensions).toMatchObject({
      code: 'UNSUPPORTED_BY_PROVIDER',
      provider: 'ENKASH',
    });
    expect(sandbox().journal).toHaveLength(0);
  });

  it('updateCustomerStatus is UNSUPPORTED_BY_PROVIDER without calling EnKash', async () => {
    const res = await gw.graphql(
      `mutation { updateCustomerStatus(input: {customerId: "enkash:KCINACT000000199", status: INACTIVE}) {
        customer { id } userErrors { code field provider } } }`,
    );
    expect(res.body.data.updateCustomerStatus).toEqual({
      customer: null,
      userErrors: [
        { code: 'UNSUPPORTED_BY_PROVIDER', field: ['input', 'status'], provider: 'ENKASH' },
      ],
    });
    expect(sandbox().journal).toHaveLength(0);
  });

  it('the activation preview is a dry run: native false, status UNKNOWN, no call', async () => {
    const res = await gw.graphql(PREVIEW, {
      input: { customerId: 'enkash:KCINACT000000198', parentCompanyId: 'CEKDEMO001' },
    });
    expect(res.body.data.customerActivationPreview).toEqual({
      preview: {
        customer: { id: 'enkash:KCINACT000000198', status: 'UNKNOWN', providerStatus: null },
        resultingStatus: 'ACTIVE',
        native: false,
        invoices: [],
      },
      userErrors: [],
    });
    expect(sandbox().journal).toHaveLength(0);
  });

  it.each([
    [{ customerId: 'enkash:KC1' }, ['input', 'customerId']],
    [
      { customerId: 'enkash:KCINACT000000198', parentCompanyId: 'CEK1' },
      ['input', 'parentCompanyId'],
    ],
  ])('the preview reports bad input %j as INVALID_INPUT', async (input, field) => {
    const res = await gw.graphql(PREVIEW, { input });
    expect(res.body.data.customerActivationPreview).toMatchObject({
      preview: null,
      userErrors: [{ code: 'INVALID_INPUT', field, provider: 'ENKASH' }],
    });
    expect(sandbox().journal).toHaveLength(0);
  });

  it('lists what EnKash supports', async () => {
    const res = await gw.graphql('{ providers { provider mode operations settableStatuses } }');
    expect(res.body.data.providers).toContainEqual({
      provider: 'ENKASH',
      mode: 'SANDBOX',
      operations: ['ACTIVATE_CUSTOMER', 'BULK_UPDATE_CUSTOMERS'],
      settableStatuses: [],
    });
  });
});

describe('enkash bulk update through the GraphQL multipart request spec', () => {
  beforeEach(() => sandbox().reset());

  interface Upload {
    content: string | Uint8Array;
    filename?: string;
    type?: string;
    provider?: string;
    parentCompanyId?: string;
    preflight?: boolean;
  }
  async function upload(options: Upload) {
    const form = new FormData();
    const input = {
      provider: options.provider ?? 'ENKASH',
      parentCompanyId: options.parentCompanyId ?? null,
      file: null,
    };
    form.append('operations', JSON.stringify({ query: BULK, variables: { input } }));
    form.append('map', JSON.stringify({ 0: ['variables.input.file'] }));
    const bytes =
      typeof options.content === 'string'
        ? new TextEncoder().encode(options.content)
        : options.content;
    form.append(
      '0',
      new Blob([bytes], { type: options.type ?? 'text/csv' }),
      options.filename ?? 'customers.csv',
    );
    const response = await fetch(gw.url, {
      method: 'POST',
      body: form,
      headers: options.preflight === false ? {} : { 'apollo-require-preflight': 'true' },
    });
    return { status: response.status, body: (await response.json()) as any };
  }

  const CSV = [
    'customerId,name,email,status',
    'KCINACT000000150,Asha Traders,accounts@asha.example,ACTIVE',
    'KCINACT000000151,Bharat Mills,,',
    'KCINACT999999998,Nobody,nobody@example.com,ACTIVE',
    'KC1,Broken,broken@example.com,ACTIVE',
  ].join('\r\n');

  it('sends the file as multipart field `file` and maps the BulkResponse', async () => {
    const res = await upload({ content: CSV });
    expect(res.status).toBe(200);
    const { result, userErrors } = res.body.data.bulkUpdateCustomers;
    expect(userErrors).toEqual([]);
    expect(result).toMatchObject({
      totalCount: 4,
      successCount: 2,
      failureCount: 2,
      warnCount: 1,
    });
    expect(result.successFileUrl).toMatch(new RegExp(`^${sandbox().url}/files/bulk/.+\\.csv$`));
    expect(result.failureFileUrl).toMatch(new RegExp(`^${sandbox().url}/files/bulk/.+\\.csv$`));

    const sent = sandbox().journal.find((r) => r.path === '/api/v0/customer/bulk/update')!;
    expect(sent.method).toBe('POST');
    expect(sent.headers.authorization).toMatch(/^Bearer /);
    expect(sent.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
    expect([...sent.query]).toEqual([]);
    const parts = await new Response(sent.body, {
      headers: { 'content-type': sent.headers['content-type']! },
    }).formData();
    expect([...parts.keys()]).toEqual(['file']);
    const file = parts.get('file') as File;
    expect(file.name).toBe('customers.csv');
    expect(file.type).toBe('text/csv');
    expect(await file.text()).toBe(CSV);

    const customer = sandbox().state.customers.get('KCINACT000000150');
    expect(customer).toMatchObject({ name: 'Asha Traders', status: 'ACTIVE' });
    const failures = await (await fetch(result.failureFileUrl)).text();
    expect(failures).toContain('KCINACT999999998,Customer not found');
    expect(failures).toContain('KC1,');
  });

  it('passes parentCompanyId as a query parameter and keeps rows to that company', async () => {
    const res = await upload({
      content: 'customerId,name\nKCSUBSID00000010,Sub One\nKCINACT000000152,Parent Co\n',
      parentCompanyId: 'CEKDEMO002',
    });
    expect(res.body.data.bulkUpdateCustomers.result).toMatchObject({
      totalCount: 2,
      successCount: 1,
      failureCount: 1,
      warnCount: 0,
    });
    expect(sandbox().journal[sandbox().journal.length - 1]?.query.get('parentCompanyId')).toBe(
      'CEKDEMO002',
    );
  });

  it.each([
    ['a binary file', new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0, 0, 1, 2]), 'Only CSV files'],
    ['a CSV without a customerId column', 'id,name\nKCINACT000000153,X\n', 'customerId column'],
    ['a header without rows', 'customerId,name\n', 'no rows'],
  ])('reports %s as INVALID_INPUT (VALIDATION_ERROR)', async (_label, content, message) => {
    const res = await upload({ content, filename: 'x.bin', type: 'application/octet-stream' });
    expect(res.body.data.bulkUpdateCustomers.result).toBeNull();
    expect(res.body.data.bulkUpdateCustomers.userErrors).toEqual([
      expect.objectContaining({
        code: 'INVALID_INPUT',
        provider: 'ENKASH',
        providerCode: 'VALIDATION_ERROR',
        message: expect.stringContaining(message),
      }),
    ]);
  });

  it('fills missing counts with 0', async () => {
    sandbox().inject({
      match: (r) => r.path === '/api/v0/customer/bulk/update',
      action: {
        kind: 'respond',
        response: { status: 200, body: { payload: {}, response_code: 0 } },
      },
    });
    const res = await upload({ content: CSV });
    expect(res.body.data.bulkUpdateCustomers.result).toEqual({
      totalCount: 0,
      successCount: 0,
      failureCount: 0,
      warnCount: 0,
      successFileUrl: null,
      failureFileUrl: null,
    });
  });

  it('an errorResponse on the bulk update maps like activation errors', async () => {
    sandbox().inject({
      match: (r) => r.path === '/api/v0/customer/bulk/update',
      action: { kind: 'respond', response: { status: 200, body: envelope('SYSTEM_ERROR') } },
    });
    const res = await upload({ content: CSV });
    expect(res.body.errors?.[0]?.extensions).toMatchObject({
      code: 'PROVIDER_UNAVAILABLE',
      provider: 'ENKASH',
    });
  });

  it('an HTML 404 on the bulk update is PROVIDER_UNAVAILABLE, not NOT_FOUND', async () => {
    sandbox().inject({
      match: (r) => r.path === '/api/v0/customer/bulk/update',
      action: { kind: 'respond', response: { status: 404, raw: '<html>Not Found</html>' } },
    });
    const res = await upload({ content: CSV });
    expect(res.body.data).toBeNull();
    expect(res.body.errors?.[0]?.extensions).toMatchObject({
      code: 'PROVIDER_UNAVAILABLE',
      provider: 'ENKASH',
    });
  });

  it('rejects a malformed parentCompanyId without calling EnKash', async () => {
    const res = await upload({ content: CSV, parentCompanyId: 'CEK-BAD' });
    expect(res.body.data.bulkUpdateCustomers).toEqual({
      result: null,
      userErrors: [
        expect.objectContaining({
          code: 'INVALID_INPUT',
          field: ['input', 'parentCompanyId'],
          provider: 'ENKASH',
        }),
      ],
    });
    expect(sandbox().journal).toHaveLength(0);
  });

  it('without the preflight header CSRF protection refuses it before any provider', async () => {
    const res = await upload({ content: CSV, preflight: false });
    expect(res.status).toBe(400);
    expect(sandbox().journal).toHaveLength(0);
  });

  it('FUSEBILL has no bulk update', async () => {
    const res = await upload({ content: CSV, provider: 'FUSEBILL' });
    expect(res.body.data.bulkUpdateCustomers).toEqual({
      result: null,
      userErrors: [
        expect.objectContaining({
          code: 'UNSUPPORTED_BY_PROVIDER',
          field: ['input', 'provider'],
          provider: 'FUSEBILL',
        }),
      ],
    });
    expect(sandbox().journal).toHaveLength(0);
  });
});

describe('enkash secrets', () => {
  it('never logs the client secret, the password, the Basic header or a token', () => {
    const { clientId, clientSecret, password } = settings();
    const text = gw.logText();
    expect(text).toContain('"provider":"enkash"');
    expect(text).not.toContain(clientSecret);
    expect(text).not.toContain(password);
    expect(text).not.toContain(Buffer.from(`${clientId}:${clientSecret}`).toString('base64'));
    expect(tokensSeen.size).toBeGreaterThan(1);
    for (const token of tokensSeen) expect(text).not.toContain(token);
  });
});
