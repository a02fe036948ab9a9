import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import type { FusebillSandboxState } from '../../src/sandbox/fusebill.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

let gw: TestGateway;
const sandbox = () => gw.sandbox<FusebillSandboxState>('fusebill');

beforeAll(async () => {
  gw = await startTestGateway();
});
afterAll(() => gw.close());

const READ = `query ($id: ID!) { customer(id: $id) { id provider providerCustomerId status providerStatus } }`;
const ACTIVATE = `mutation ($input: ActivateCustomerInput!) {
  activateCustomer(input: $input) {
    customer { id status providerStatus }
    invoices { status subtotal totalDiscount total charges { name amount } taxes { name amount } }
    userErrors { code message field provider providerCode }
  }
}`;
const PREVIEW = `query ($input: ActivateCustomerInput!) {
  customerActivationPreview(input: $input) {
    preview { customer { id status } resultingStatus native invoices { status total charges { name amount } } }
    userErrors { code message field provider providerCode }
  }
}`;

describe('fusebill status normalization over HTTP', () => {
  it.each([
    ['12000750', 'ACTIVE', 'Active'],
    ['12000751', 'ON_HOLD', 'Hold'],
    ['12000752', 'SUSPENDED', 'Suspended'],
    ['12000753', 'CANCELLED', 'Cancelled'],
    ['12000754', 'CANCELLED', 'Canceled'],
    ['12000756', 'ACTIVE', 'ACTIVE'],
    ['8708457', 'DRAFT', 'Draft'],
    ['12000755', 'UNKNOWN', 'Archived'],
  ])('customer %s reads as %s (raw %s)', async (id, status, raw) => {
    const res = await gw.graphql(READ, { id: `fusebill:${id}` });
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.customer).toEqual({
      id: `fusebill:${id}`,
      provider: 'FUSEBILL',
      providerCustomerId: id,
      status,
      providerStatus: raw,
    });
  });

  it('logs an unknown status once as a warning and still answers', async () => {
    await gw.graphql(READ, { id: 'fusebill:12000755' });
    await gw.graphql(READ, { id: 'fusebill:12000755' });
    const warnings = gw.logs.filter(
      (l) =>
        l.msg === 'unknown provider status mapped to UNKNOWN' && l.providerStatus === 'Archived',
    );
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.level).toBe('warn');
  });
});

describe('fusebill reads', () => {
  it('returns null for a customer that does not exist', async () => {
    const res = await gw.graphql(READ, { id: 'fusebill:99999999' });
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.customer).toBeNull();
  });

  it('sends the API key verbatim as Basic auth', async () => {
    sandbox().reset();
    await gw.graphql(READ, { id: 'fusebill:12000750' });
    const settings = gw.providers.started('fusebill')?.sandbox?.settings as { apiKey: string };
    expect(sandbox().journal[0]?.headers.authorization).toBe(`Basic ${settings.apiKey}`);
  });

  it('rejects a malformed id without calling Fusebill', async () => {
    sandbox().reset();
    for (const id of [
      'fusebill:abc',
      'fusebill:0',
      'fusebill:-5',
      'fusebill:1/../x',
      'fusebill:99999999999999999999',
    ]) {
      const res = await gw.graphql(READ, { id });
      expect(res.body.errors?.[0]?.extensions?.code, id).toBe('INVALID_INPUT');
    }
    expect(sandbox().journal).toHaveLength(0);
  });

  it('fetches the same customer once per operation', async () => {
    sandbox().reset();
    const res = await gw.graphql(
      `{ a: customer(id: "fusebill:12000750") { status } b: customer(id: "fusebill:12000750") { status } c: node(id: "fusebill:12000750") { id } }`,
    );
    expect(res.body.errors).toBeUndefined();
    expect(sandbox().journal).toHaveLength(1);
  });
});

describe('fusebill activation', () => {
  it('activates a draft customer with the documented booleans and returns its invoices', async () => {
    sandbox().reset();
    const res = await gw.graphql(ACTIVATE, { input: { customerId: 'fusebill:8708457' } });
    const payload = res.body.data.activateCustomer;
    expect(payload.userErrors).toEqual([]);
    expect(payload.customer).toEqual({
      id: 'fusebill:8708457',
      status: 'ACTIVE',
      providerStatus: 'Active',
    });
    expect(payload.invoices).toHaveLength(1);
    expect(payload.invoices[0]).toMatchObject({
      status: 'Ready',
      subtotal: 49,
      charges: [{ name: 'Pro plan', amount: 49 }],
    });
    const sent = sandbox().journal[0];
    expect(sent.path).toBe('/v1/customerActivation');
    expect(sent.query.get('view')).toBe('Sideeffects');
    expect(sent.query.get('preview')).toBeNull();
    expect(JSON.parse(sent.body.toString())).toEqual({
      customerId: 8708457,
      activateAllSubscriptions: true,
      activateAllDraftPurchases: true,
      temporarilyDisableAutoPost: false,
    });
  });

  it('accepts a single `invoice` object beside the customer fields', async () => {
    sandbox().state.sideEffectsShape = 'invoice';
    try {
      const res = await gw.graphql(ACTIVATE, {
        input: {
          customerId: 'fusebill:8708460',
          showZeroDollarCharges: true,
          temporarilyDisableAutoPost: true,
        },
      });
      const payload = res.body.data.activateCustomer;
      expect(payload.userErrors).toEqual([]);
      expect(payload.invoices).toHaveLength(1);
      expect(payload.invoices[0].status).toBe('Pending');
    } finally {
      sandbox().state.sideEffectsShape = 'invoices';
    }
  });

  it('reports an already active customer as INVALID_STATE', async () => {
    const res = await gw.graphql(ACTIVATE, { input: { customerId: 'fusebill:12000750' } });
    expect(res.body.data.activateCustomer.customer).toBeNull();
    expect(res.body.data.activateCustomer.userErrors).toEqual([
      {
        code: 'INVALID_STATE',
        message: 'This activity could not be processed since the service status is Active',
        field: null,
        provider: 'FUSEBILL',
        providerCode: 'Api Error',
      },
    ]);
  });

  it('reports an unknown customer as NOT_FOUND', async () => {
    const res = await gw.graphql(ACTIVATE, { input: { customerId: 'fusebill:77777777' } });
    expect(res.body.data.activateCustomer.userErrors[0]).toMatchObject({
      code: 'NOT_FOUND',
      provider: 'FUSEBILL',
    });
  });

  it('rejects an EnKash-only option before calling Fusebill', async () => {
    sandbox().reset();
    const res = await gw.graphql(ACTIVATE, {
      input: { customerId: 'fusebill:8708461', parentCompanyId: 'CEKABC1234' },
    });
    expect(res.body.data.activateCustomer.userErrors[0]).toMatchObject({
      code: 'INVALID_INPUT',
      field: ['input', 'parentCompanyId'],
    });
    expect(sandbox().journal).toHaveLength(0);
  });
});

describe('fusebill native preview', () => {
  it('simulates the activation and leaves the customer in Draft', async () => {
    sandbox().reset();
    const res = await gw.graphql(PREVIEW, { input: { customerId: 'fusebill:8708462' } });
    const { preview, userErrors } = res.body.data.customerActivationPreview;
    expect(userErrors).toEqual([]);
    expect(preview).toMatchObject({
      customer: { id: 'fusebill:8708462', status: 'DRAFT' },
      resultingStatus: 'ACTIVE',
      native: true,
    });
    expect(preview.invoices[0]).toMatchObject({ status: 'Projected' });
    expect(sandbox().journal[0]?.query.get('preview')).toBe('true');
    const after = await gw.graphql(READ, { id: 'fusebill:8708462' });
    expect(after.body.data.customer.status).toBe('DRAFT');
  });

  it('gives INVALID_STATE for an active customer', async () => {
    const res = await gw.graphql(PREVIEW, { input: { customerId: 'fusebill:12000750' } });
    expect(res.body.data.customerActivationPreview).toMatchObject({
      preview: null,
      userErrors: [{ code: 'INVALID_STATE' }],
    });
  });
});

describe('fusebill status changes', () => {
  const UPDATE = `mutation ($input: UpdateCustomerStatusInput!) {
    updateCustomerStatus(input: $input) { customer { id status providerStatus } userErrors { code field provider } }
  }`;

  it('puts an active customer on hold', async () => {
    const res = await gw.graphql(UPDATE, {
      input: { customerId: 'fusebill:13000001', status: 'ON_HOLD' },
    });
    expect(res.body.data.updateCustomerStatus).toEqual({
      customer: { id: 'fusebill:13000001', status: 'ON_HOLD', providerStatus: 'Hold' },
      userErrors: [],
    });
  });

  it.each(['ACTIVE', 'SUSPENDED', 'CANCELLED', 'DRAFT'])(
    'refuses %s without calling Fusebill',
    async (status) => {
      sandbox().reset();
      const res = await gw.graphql(UPDATE, { input: { customerId: 'fusebill:13000002', status } });
      expect(res.body.data.updateCustomerStatus.userErrors).toEqual([
        { code: 'UNSUPPORTED_BY_PROVIDER', field: ['input', 'status'], provider: 'FUSEBILL' },
      ]);
      expect(sandbox().journal).toHaveLength(0);
    },
  );

  it('refuses notes, which Fusebill cannot store, without calling Fusebill', async () => {
    sandbox().reset();
    const res = await gw.graphql(
      `mutation ($input: UpdateCustomerStatusInput!) {
        updateCustomerStatus(input: $input) { customer { id } userErrors { code message field provider } }
      }`,
      { input: { customerId: 'fusebill:13000003', status: 'ON_HOLD', notes: 'late payer' } },
    );
    expect(res.body.data.updateCustomerStatus).toEqual({
      customer: null,
      userErrors: [
        {
          code: 'INVALID_INPUT',
          message: 'notes are not supported by FUSEBILL',
          field: ['input', 'notes'],
          provider: 'FUSEBILL',
        },
      ],
    });
    expect(sandbox().journal).toHaveLength(0);
    expect(sandbox().state.customers.get(13000003)?.status).toBe('Active');
  });

  it.each([null, ''])('takes notes %j as no notes', async (notes) => {
    const id = notes === null ? 13000004 : 13000005;
    const res = await gw.graphql(UPDATE, {
      input: { customerId: `fusebill:${id}`, status: 'ON_HOLD', notes },
    });
    expect(res.body.data.updateCustomerStatus.userErrors).toEqual([]);
    expect(res.body.data.updateCustomerStatus.customer.status).toBe('ON_HOLD');
  });

  it('maps 409 to INVALID_STATE', async () => {
    const res = await gw.graphql(UPDATE, {
      input: { customerId: 'fusebill:12000751', status: 'ON_HOLD' },
    });
    expect(res.body.data.updateCustomerStatus.userErrors[0]).toMatchObject({
      code: 'INVALID_STATE',
    });
  });
});

describe('fusebill error mapping', () => {
  const isRead = (r: { method: string }) => r.method === 'GET';

  it.each([
    [400, 'INVALID_INPUT'],
    [404, 'NOT_FOUND'],
    [409, 'INVALID_STATE'],
    [422, 'PROVIDER_REJECTED'],
  ])('HTTP %i on activation becomes user error %s', async (status, code) => {
    sandbox().inject({
      action: {
        kind: 'respond',
        response: {
          status,
          body: { ErrorId: 7, HttpStatusCode: status, Errors: [{ Key: 'K', Value: 'nope' }] },
        },
      },
    });
    const res = await gw.graphql(ACTIVATE, { input: { customerId: 'fusebill:8708470' } });
    expect(res.body.data.activateCustomer.userErrors[0]).toMatchObject({
      code,
      message: 'nope',
      providerCode: 'K',
    });
  });

  it('an enveloped 404 on a read is null', async () => {
    sandbox().inject({
      match: isRead,
      action: {
        kind: 'respond',
        response: {
          status: 404,
          body: { ErrorId: 0, HttpStatusCode: 404, Errors: [{ Key: 'Api Error', Value: 'gone' }] },
        },
      },
    });
    const res = await gw.graphql(READ, { id: 'fusebill:12000750' });
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.customer).toBeNull();
  });

  // Not Fusebill speaking: a proxy's HTML page, another origin's JSON, an envelope with no error.
  const unenveloped: [string, { raw?: string; body?: unknown }][] = [
    ['an HTML page', { raw: '<html><body><h1>404 Not Found</h1></body></html>' }],
    ['an empty body', { raw: '' }],
    ['JSON of another shape', { body: { message: 'Not Found', statusCode: 404 } }],
    ['an envelope with no errors', { body: { ErrorId: 0, HttpStatusCode: 404, Errors: [] } }],
    ['an envelope whose error is empty', { body: { Errors: [{}] } }],
  ];

  it.each(unenveloped)(
    'a 404 with %s on a read is PROVIDER_UNAVAILABLE, not null',
    async (_what, body) => {
      const logsBefore = gw.logs.length;
      sandbox().inject({
        match: isRead,
        action: { kind: 'respond', response: { status: 404, ...body } },
      });
      const res = await gw.graphql(READ, { id: 'fusebill:12000750' });
      expect(res.body.data?.customer ?? null).toBeNull();
      expect(res.body.errors?.[0]?.extensions).toMatchObject({
        code: 'PROVIDER_UNAVAILABLE',
        provider: 'FUSEBILL',
      });
      expect(gw.logs.slice(logsBefore)).toContainEqual(
        expect.objectContaining({
          level: 'error',
          msg: 'provider answered neither a success nor its error envelope',
          provider: 'fusebill',
          operation: 'read customer',
          status: 404,
        }),
      );
    },
  );

  it.each(unenveloped)(
    'a 404 with %s on activation is PROVIDER_UNAVAILABLE, not NOT_FOUND',
    async (_what, body) => {
      sandbox().inject({ action: { kind: 'respond', response: { status: 404, ...body } } });
      const res = await gw.graphql(ACTIVATE, { input: { customerId: 'fusebill:8708471' } });
      expect(res.body.data).toBeNull();
      expect(res.body.errors?.[0]?.extensions).toMatchObject({
        code: 'PROVIDER_UNAVAILABLE',
        provider: 'FUSEBILL',
      });
      expect(res.body.errors?.[0]?.message).toBe(
        'fusebill answered activate customer with HTTP 404 and no Fusebill error body',
      );
      expect(sandbox().state.customers.get(8708471)?.status).toBe('Draft');
    },
  );

  it.each([400, 409, 422])(
    'an unenveloped %i is PROVIDER_UNAVAILABLE on activation, preview and hold',
    async (status) => {
      const response = { status, raw: '<html>Bad Request</html>' };
      sandbox().inject({ action: { kind: 'respond', response }, times: 3 });
      const activation = await gw.graphql(ACTIVATE, { input: { customerId: 'fusebill:8708472' } });
      const preview = await gw.graphql(PREVIEW, { input: { customerId: 'fusebill:8708472' } });
      const hold = await gw.graphql(
        `mutation { updateCustomerStatus(input: { customerId: "fusebill:13000006", status: ON_HOLD }) { userErrors { code } } }`,
      );
      for (const res of [activation, preview, hold]) {
        expect(res.body.errors?.[0]?.extensions).toMatchObject({
          code: 'PROVIDER_UNAVAILABLE',
          provider: 'FUSEBILL',
        });
      }
    },
  );

  // A 503 is tried again (UPSTREAM_READ_RETRIES, 2 by default), so it must persist to be seen.
  it.each([
    [500, 'PROVIDER_UNAVAILABLE', 1],
    [503, 'PROVIDER_UNAVAILABLE', 3],
    [401, 'PROVIDER_AUTH_FAILED', 1],
  ])('HTTP %i on a read becomes %s after %i request(s)', async (status, code, requests) => {
    sandbox().reset();
    sandbox().inject({
      match: isRead,
      action: { kind: 'respond', response: { status, body: { secret: 'upstream-body' } } },
      times: requests,
    });
    const res = await gw.graphql(READ, { id: 'fusebill:12000750' });
    expect(res.body.errors?.[0]?.extensions).toMatchObject({ code, provider: 'FUSEBILL' });
    expect(JSON.stringify(res.body)).not.toContain('upstream-body');
    expect(sandbox().journal.filter(isRead)).toHaveLength(requests);
  });

  it('maps 429 to PROVIDER_RATE_LIMITED with retryAfter', async () => {
    sandbox().inject({
      action: {
        kind: 'respond',
        response: { status: 429, headers: { 'retry-after': '17' }, body: {} },
      },
    });
    const res = await gw.graphql(READ, { id: 'fusebill:12000750' });
    expect(res.body.errors?.[0]?.extensions).toMatchObject({
      code: 'PROVIDER_RATE_LIMITED',
      provider: 'FUSEBILL',
      retryAfter: 17,
    });
  });

  it('reads retryAfter from X-Rate-Limit-Reset-Minute when Retry-After is absent', async () => {
    // Its own gateway: "0 remaining" also spends the gateway's Fusebill budget until the reset.
    const gw = await startTestGateway();
    onTestFinished(() => gw.close());
    const reset = String(Math.floor(Date.now() / 1000) + 42);
    gw.sandbox('fusebill').inject({
      action: {
        kind: 'respond',
        response: {
          status: 429,
          headers: { 'x-rate-limit-remaining-minute': '0', 'x-rate-limit-reset-minute': reset },
          body: {},
        },
      },
    });
    const res = await gw.graphql(READ, { id: 'fusebill:12000750' });
    expect(res.body.errors?.[0]?.extensions?.retryAfter).toBeGreaterThanOrEqual(40);
    expect(res.body.errors?.[0]?.extensions?.retryAfter).toBeLessThanOrEqual(43);
  });

  it('turns a response of an unexpected shape into PROVIDER_UNAVAILABLE and logs it', async () => {
    sandbox().inject({
      match: isRead,
      action: { kind: 'respond', response: { status: 200, body: { status: 'Active' } } },
    });
    const res = await gw.graphql(READ, { id: 'fusebill:12000750' });
    expect(res.body.errors?.[0]?.extensions).toMatchObject({
      code: 'PROVIDER_UNAVAILABLE',
      provider: 'FUSEBILL',
    });
    expect(
      gw.logs.some(
        (l) => l.msg === 'provider response has an unexpected shape' && l.provider === 'fusebill',
      ),
    ).toBe(true);
  });

  it('turns a body that is not JSON into PROVIDER_UNAVAILABLE', async () => {
    sandbox().inject({
      match: isRead,
      action: { kind: 'respond', response: { status: 200, raw: '<html>oops</html>' } },
    });
    const res = await gw.graphql(READ, { id: 'fusebill:12000750' });
    expect(res.body.errors?.[0]?.extensions?.code).toBe('PROVIDER_UNAVAILABLE');
  });
});
