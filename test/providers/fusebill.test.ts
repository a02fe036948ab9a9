import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

  it.each([
    [500, 'PROVIDER_UNAVAILABLE'],
    [503, 'PROVIDER_UNAVAILABLE'],
    [401, 'PROVIDER_AUTH_FAILED'],
  ])('HTTP %i on a read becomes %s', async (status, code) => {
    sandbox().inject({
      match: isRead,
      action: { kind: 'respond', response: { status, body: { secret: 'upstream-body' } } },
    });
    const res = await gw.graphql(READ, { id: 'fusebill:12000750' });
    expect(res.body.errors?.[0]?.extensions).toMatchObject({ code, provider: 'FUSEBILL' });
    expect(JSON.stringify(res.body)).not.toContain('upstream-body');
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
    const reset = String(Math.floor(Date.now() / 1000) + 42);
    sandbox().inject({
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
