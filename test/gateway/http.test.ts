import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

describe('HTTP surface', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway();
  });
  afterAll(() => gw.close());

  it('answers /healthz with 200', async () => {
    const res = await fetch(gw.url.replace('/graphql', '/healthz'));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('echoes a given request id and logs one line per operation with it', async () => {
    const res = await gw.graphql('query Providers { providers { provider } }', undefined, {
      'x-request-id': 'req-abc.123',
    });
    expect(res.headers.get('x-request-id')).toBe('req-abc.123');
    expect(res.headers.get('cache-control')).toBe('no-store');
    const line = gw.logs.find(
      (l) => l.msg === 'graphql operation' && l.requestId === 'req-abc.123',
    );
    expect(line).toMatchObject({ level: 'info', operationName: 'Providers' });
    expect(typeof line?.durationMs).toBe('number');
  });

  it('puts the request id on provider log lines, forwards it to the provider, and logs public error codes', async () => {
    // Every try of the read (the first and UPSTREAM_READ_RETRIES=2 more) gets the 503.
    gw.sandbox('fusebill').inject({
      action: { kind: 'respond', response: { status: 503, body: {} } },
      times: 3,
    });
    const res = await gw.graphql(
      'query Read { customer(id: "fusebill:12000750") { id } }',
      undefined,
      { 'x-request-id': 'req-503' },
    );
    expect(res.body.errors?.[0]?.extensions?.code).toBe('PROVIDER_UNAVAILABLE');
    const lines = gw.logs.filter((l) => l.requestId === 'req-503');
    expect(lines.find((l) => l.msg === 'provider error status')).toMatchObject({
      provider: 'fusebill',
      status: 503,
    });
    expect(lines.find((l) => l.msg === 'graphql operation')).toMatchObject({
      operationName: 'Read',
      errorCodes: ['PROVIDER_UNAVAILABLE'],
      errorProviders: ['fusebill'],
    });
    expect(lines.filter((l) => l.msg === 'retrying upstream call')).toHaveLength(2);
    expect(
      gw
        .sandbox('fusebill')
        .journal.slice(-3)
        .map((r) => r.headers['x-request-id']),
    ).toEqual(['req-503', 'req-503', 'req-503']);
  });

  it('makes up a request id when none (or an unsafe one) is given', async () => {
    const res = await gw.graphql('{ providers { provider } }', undefined, {
      'x-request-id': 'bad id\twith spaces',
    });
    expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('serves queries over GET with the preflight header, and refuses GET without it (CSRF)', async () => {
    const url = `${gw.url}?query=${encodeURIComponent('{ providers { provider } }')}`;
    const ok = await fetch(url, { headers: { 'apollo-require-preflight': 'true' } });
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as any).data.providers).toHaveLength(4);
    const blocked = await fetch(url);
    expect(blocked.status).toBe(400);
  });

  it('refuses mutations over GET', async () => {
    const url = `${gw.url}?query=${encodeURIComponent('mutation { updateCustomerStatus(input: {customerId: "fusebill:1", status: ON_HOLD}) { userErrors { code } } }')}`;
    const res = await fetch(url, { headers: { 'apollo-require-preflight': 'true' } });
    expect(res.status).toBe(405);
  });

  it('answers malformed JSON with a JSON 400', async () => {
    const res = await fetch(gw.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"query": ',
    });
    expect(res.status).toBe(400);
    const body = (await res.json()) as any;
    expect(body.errors[0].extensions.code).toBe('BAD_REQUEST');
  });

  it('lists every provider in SANDBOX mode with its operations', async () => {
    const res = await gw.graphql('{ providers { provider mode operations settableStatuses } }');
    const byProvider = Object.fromEntries(res.body.data.providers.map((p: any) => [p.provider, p]));
    expect(Object.keys(byProvider).sort()).toEqual(['BLACKHAWK', 'ENKASH', 'FUSEBILL', 'NETXD']);
    for (const p of Object.values(byProvider) as any[]) expect(p.mode).toBe('SANDBOX');
    expect(byProvider.FUSEBILL).toMatchObject({
      operations: [
        'READ_CUSTOMER',
        'ACTIVATE_CUSTOMER',
        'NATIVE_ACTIVATION_PREVIEW',
        'UPDATE_CUSTOMER_STATUS',
      ],
      settableStatuses: ['ON_HOLD'],
    });
  });

  it.each([
    ['nonsense', 'INVALID_INPUT'],
    ['FUSEBILL:12000750', 'INVALID_INPUT'],
    ['paypal:1', 'INVALID_INPUT'],
    ['fusebill:', 'INVALID_INPUT'],
    ['blackhawk:95000000:6039530407033839166', 'UNSUPPORTED_BY_PROVIDER'],
    ['blackhawk:abc', 'INVALID_INPUT'],
  ])('node(id: %s) fails with %s', async (id, code) => {
    const res = await gw.graphql('query ($id: ID!) { node(id: $id) { id } }', { id });
    expect(res.body.data.node).toBeNull();
    expect(res.body.errors?.[0]?.extensions?.code).toBe(code);
  });

  it('resolves node(id) to a Customer', async () => {
    const res = await gw.graphql(
      '{ node(id: "fusebill:12000750") { __typename id ... on Customer { status } } }',
    );
    expect(res.body.data.node).toEqual({
      __typename: 'Customer',
      id: 'fusebill:12000750',
      status: 'ACTIVE',
    });
  });

  it.each([
    [
      'mutation ($input: SetCardActivationCodesInput = {codes: []}) { setCardActivationCodes(input: $input) { acceptedCount } }',
      { input: null },
      'Argument "input" of non-null type "SetCardActivationCodesInput!" must not be null.',
    ],
    [
      'query ($id: ID = "fusebill:1") { customer(id: $id) { id } }',
      { id: null },
      'Argument "id" of non-null type "ID!" must not be null.',
    ],
  ])(
    'answers an explicit null for a defaulted variable in a non-null argument as the caller’s error',
    async (query, variables, message) => {
      gw.sandbox('blackhawk').reset();
      gw.sandbox('fusebill').reset();
      const res = await gw.graphql(query, variables);
      expect(res.body.errors).toEqual([
        expect.objectContaining({ message, extensions: { code: 'BAD_USER_INPUT' } }),
      ]);
      expect(gw.sandbox('blackhawk').receivedCount() + gw.sandbox('fusebill').receivedCount()).toBe(
        0,
      );
      expect(gw.logs.filter((l) => l.level === 'error')).toEqual([]);
    },
  );

  it('rejects a card id where a customer id is expected', async () => {
    const res = await gw.graphql(
      'mutation { activateCustomer(input: {customerId: "blackhawk:95000000:1"}) { customer { id } userErrors { code field } } }',
    );
    expect(res.body.data.activateCustomer.userErrors).toEqual([
      { code: 'INVALID_INPUT', field: ['input', 'customerId'] },
    ]);
  });
});

describe('request body limit', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway({ BODY_LIMIT_BYTES: '2000' });
  });
  afterAll(() => gw.close());

  it('answers an oversized body with a JSON 413 naming the setting', async () => {
    const res = await gw.graphql('{ providers { provider } }', { pad: 'x'.repeat(5000) });
    expect(res.status).toBe(413);
    expect(res.body.errors?.[0]?.extensions?.code).toBe('PAYLOAD_TOO_LARGE');
    expect(res.body.errors?.[0]?.message).toContain('BODY_LIMIT_BYTES');
  });
});

describe('disabled providers', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway({ DISABLED_PROVIDERS: 'fusebill' });
  });
  afterAll(() => gw.close());

  it('reports DISABLED and fails its operations with PROVIDER_DISABLED', async () => {
    const list = await gw.graphql('{ providers { provider mode operations } }');
    expect(list.body.data.providers.find((p: any) => p.provider === 'FUSEBILL')).toEqual({
      provider: 'FUSEBILL',
      mode: 'DISABLED',
      operations: [],
    });
    const read = await gw.graphql('{ customer(id: "fusebill:12000750") { id } }');
    expect(read.body.errors?.[0]?.extensions).toMatchObject({
      code: 'PROVIDER_DISABLED',
      provider: 'FUSEBILL',
    });
  });
});

describe('production mode', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway({
      NODE_ENV: 'production',
      ALLOW_SANDBOXES: 'true',
      AUTH_DISABLED: 'true',
    });
  });
  afterAll(() => gw.close());

  it('turns introspection off', async () => {
    const res = await gw.graphql('{ __schema { types { name } } }');
    expect(res.body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  it('sends no stack traces', async () => {
    const invalid = await gw.graphql('{ nope }');
    expect(invalid.body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(JSON.stringify(invalid.body)).not.toContain('stacktrace');
    gw.sandbox('fusebill').inject({
      action: {
        kind: 'respond',
        response: { status: 500, body: { trace: 'at Upstream.java:42' } },
      },
    });
    const failed = await gw.graphql('{ customer(id: "fusebill:12000750") { id } }');
    expect(failed.body.errors?.[0]?.extensions).toEqual({
      code: 'PROVIDER_UNAVAILABLE',
      provider: 'FUSEBILL',
    });
    expect(JSON.stringify(failed.body)).not.toMatch(/stacktrace|Upstream\.java/);
  });
});
