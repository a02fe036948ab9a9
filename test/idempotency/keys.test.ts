/**
 * Idempotency keys over real HTTP: a retry with the same key and request gets the first answer
 * again byte for byte and runs nothing; concurrent duplicates, mismatches and malformed keys are
 * refused; answers where nothing happened release the key.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { rawHttp } from '../helpers/raw-http.js';
import { REDIS_URL, requireRedis } from '../helpers/redis.js';

const redisUp = await requireRedis();

const ACTIVATE = `mutation Activate($id: ID!) {
  activateCustomer(input: { customerId: $id }) {
    customer { id status } reconciled userErrors { code message }
  }
}`;

async function post(
  gw: TestGateway,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; text: string; headers: Headers; json: any }> {
  const res = await fetch(gw.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, text, headers: res.headers, json: JSON.parse(text) };
}

const activations = (gw: TestGateway) =>
  gw.sandbox('fusebill').journal.filter((r) => r.path.toLowerCase() === '/v1/customeractivation')
    .length;

describe('idempotency keys', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway({ UPSTREAM_TIMEOUT_MS: '1500' });
  });
  afterAll(() => gw.close());

  it('replays the first answer byte for byte, with Idempotent-Replayed, and runs nothing', async () => {
    const key = randomUUID();
    const body = { query: ACTIVATE, variables: { id: 'fusebill:8708460' } };
    const first = await post(gw, body, { 'idempotency-key': key });
    expect(first.status).toBe(200);
    expect(first.json.data.activateCustomer).toMatchObject({
      customer: { status: 'ACTIVE' },
      reconciled: false,
      userErrors: [],
    });
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    const sent = activations(gw);

    const again = await post(gw, body, { 'idempotency-key': key });
    expect(again.status).toBe(200);
    expect(again.text).toBe(first.text);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(activations(gw)).toBe(sent);
  });

  it('matches variables as JSON values: key order does not matter', async () => {
    const key = randomUUID();
    const query = `mutation ($input: ActivateCustomerInput!) { activateCustomer(input: $input) { reconciled customer { status } } }`;
    const first = await post(
      gw,
      {
        query,
        variables: { input: { customerId: 'fusebill:8708461', showZeroDollarCharges: false } },
      },
      { 'idempotency-key': key },
    );
    const again = await post(
      gw,
      {
        query,
        variables: { input: { showZeroDollarCharges: false, customerId: 'fusebill:8708461' } },
      },
      { 'idempotency-key': key },
    );
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.text).toBe(first.text);
  });

  it('answers 422 IDEMPOTENCY_KEY_MISMATCH for the same key with another request, running nothing', async () => {
    const key = randomUUID();
    await post(
      gw,
      { query: ACTIVATE, variables: { id: 'fusebill:8708462' } },
      { 'idempotency-key': key },
    );
    const sent = activations(gw);
    const other = await post(
      gw,
      { query: ACTIVATE, variables: { id: 'fusebill:8708463' } },
      { 'idempotency-key': key },
    );
    expect(other.status).toBe(422);
    expect(other.json).toEqual({
      errors: [
        {
          message: expect.stringContaining('different request'),
          extensions: { code: 'IDEMPOTENCY_KEY_MISMATCH' },
        },
      ],
    });
    expect(activations(gw)).toBe(sent);
  });

  it('lets exactly one of two racing requests with one key run: the other gets 409', async () => {
    const key = randomUUID();
    const body = { query: ACTIVATE, variables: { id: 'fusebill:8708464' } };
    gw.sandbox('fusebill').inject({
      match: (r) => r.path.toLowerCase() === '/v1/customeractivation',
      action: { kind: 'delay', ms: 300 },
    });
    const sent = activations(gw);
    const [a, b] = await Promise.all([
      post(gw, body, { 'idempotency-key': key }),
      post(gw, body, { 'idempotency-key': key }),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    const refused = a.status === 409 ? a : b;
    expect(refused.json.errors[0].extensions.code).toBe('IDEMPOTENCY_KEY_IN_USE');
    expect(activations(gw) - sent).toBe(1);
  });

  it.each([
    ['too long', 'k'.repeat(256)],
    ['not printable ASCII', 'clé'],
  ])('refuses a malformed key (%s) with 400, running nothing', async (_label, key) => {
    const sent = activations(gw);
    const res = await fetch(gw.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'idempotency-key': key,
      },
      body: JSON.stringify({ query: ACTIVATE, variables: { id: 'fusebill:8708465' } }),
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as any).errors[0].extensions.code).toBe('IDEMPOTENCY_KEY_INVALID');
    expect(activations(gw)).toBe(sent);
  });

  it('refuses a key sent twice (two header lines are not one key "a, b")', async () => {
    const body = JSON.stringify({ query: ACTIVATE, variables: { id: 'fusebill:8708465' } });
    const { pathname, host } = new URL(gw.url);
    const res = await rawHttp(gw.url, [
      `POST ${pathname} HTTP/1.1\r\nhost: ${host}\r\ncontent-type: application/json\r\n` +
        `idempotency-key: a\r\nidempotency-key: b\r\ncontent-length: ${body.length}\r\n` +
        `connection: close\r\n\r\n${body}`,
    ]);
    expect(res.status).toBe(400);
    expect(res.body).toContain('IDEMPOTENCY_KEY_INVALID');
  });

  it('reconciles after a 503 on a write (it may have been done): the retry reads, then writes', async () => {
    const key = randomUUID();
    const body = { query: ACTIVATE, variables: { id: 'fusebill:8708466' } };
    // PROVIDER_UNAVAILABLE after a write was sent: not proof it was not done, so it is kept.
    gw.sandbox('fusebill').inject({
      match: (r) => r.path.toLowerCase() === '/v1/customeractivation',
      action: { kind: 'respond', response: { status: 503, body: { message: 'busy' } } },
    });
    const first = await post(gw, body, { 'idempotency-key': key });
    expect(first.json.errors[0].extensions.code).toBe('PROVIDER_UNAVAILABLE');
    // Kept: the key belongs to that request now.
    const other = await post(
      gw,
      { query: ACTIVATE, variables: { id: 'fusebill:8708477' } },
      { 'idempotency-key': key },
    );
    expect(other.status).toBe(422);
    const journal = gw.sandbox('fusebill').journal;
    const from = journal.length;
    const again = await post(gw, body, { 'idempotency-key': key });
    expect(again.headers.get('idempotent-replayed')).toBeNull();
    expect(again.json.data.activateCustomer).toMatchObject({
      customer: { status: 'ACTIVE' },
      reconciled: false,
    });
    // Reconciled: the customer was read before the write was sent again.
    const calls = journal.slice(from).map((r) => `${r.method} ${r.path.toLowerCase()}`);
    expect(calls).toEqual(['GET /v1/customers/8708466', 'POST /v1/customeractivation']);
  });

  it('releases the key after a 429 from the provider (PROVIDER_RATE_LIMITED): a retry runs afresh', async () => {
    const key = randomUUID();
    const body = { query: ACTIVATE, variables: { id: 'fusebill:8708472' } };
    gw.sandbox('fusebill').inject({
      match: (r) => r.path.toLowerCase() === '/v1/customeractivation',
      action: { kind: 'respond', response: { status: 429, body: { message: 'slow down' } } },
    });
    const first = await post(gw, body, { 'idempotency-key': key });
    expect(first.json.errors[0].extensions.code).toBe('PROVIDER_RATE_LIMITED');
    // Released: the key is free for any request (a kept key would answer 422 here).
    const other = await post(
      gw,
      { query: ACTIVATE, variables: { id: 'fusebill:8708478' } },
      { 'idempotency-key': key },
    );
    expect(other.status).toBe(200);
    expect(other.json.data.activateCustomer.customer.status).toBe('ACTIVE');
  });

  it('releases the key after OPERATION_TOO_COMPLEX (nothing ran)', async () => {
    const key = randomUUID();
    const fields = Array.from(
      { length: 21 },
      (_, i) => `a${i}: activateCustomer(input: { customerId: "fusebill:8708473" }) { reconciled }`,
    ).join('\n');
    const tooBig = await post(gw, { query: `mutation { ${fields} }` }, { 'idempotency-key': key });
    expect(tooBig.json.errors[0].extensions.code).toBe('OPERATION_TOO_COMPLEX');
    // The same key now serves its first real run.
    const body = { query: ACTIVATE, variables: { id: 'fusebill:8708473' } };
    const real = await post(gw, body, { 'idempotency-key': key });
    expect(real.json.data.activateCustomer.customer.status).toBe('ACTIVE');
  });

  it('releases the key after a validation error', async () => {
    const key = randomUUID();
    const bad = await post(
      gw,
      { query: 'mutation { activateCustomer(input: {}) { reconciled } }' },
      { 'idempotency-key': key },
    );
    expect(bad.status).toBe(400);
    const good = await post(
      gw,
      { query: ACTIVATE, variables: { id: 'fusebill:8708467' } },
      { 'idempotency-key': key },
    );
    expect(good.status).toBe(200);
    expect(good.json.data.activateCustomer.customer.status).toBe('ACTIVE');
  });

  it('tells card-code requests apart: the same key with other cards is a mismatch', async () => {
    const SET = `mutation ($input: SetCardActivationCodesInput!) {
      setCardActivationCodes(input: $input) { acceptedCount }
    }`;
    const card = (proxyNumber: string) => ({
      query: SET,
      variables: {
        input: { codes: [{ programNumber: '95000000', proxyNumber, activationCode: 'Kf1234' }] },
      },
    });
    const key = randomUUID();
    const first = await post(gw, card('6039530400000000166'), { 'idempotency-key': key });
    expect(first.json.data.setCardActivationCodes.acceptedCount).toBe(1);
    const other = await post(gw, card('6039530400000000167'), { 'idempotency-key': key });
    expect(other.status).toBe(422);
    expect(other.json.errors[0].extensions.code).toBe('IDEMPOTENCY_KEY_MISMATCH');
  });

  it('refuses a keyed request with two mutation fields: a key covers one', async () => {
    const sent = activations(gw);
    const res = await post(
      gw,
      {
        query: `mutation {
          a: activateCustomer(input: { customerId: "fusebill:8708475" }) { reconciled }
          b: activateCustomer(input: { customerId: "fusebill:8708476" }) { reconciled }
        }`,
      },
      { 'idempotency-key': randomUUID() },
    );
    expect(res.status).toBe(400);
    expect(res.json.errors[0]).toMatchObject({
      message: expect.stringContaining('one mutation field'),
      extensions: { code: 'BAD_REQUEST' },
    });
    expect(activations(gw)).toBe(sent);
    // The same through a fragment: the fields are counted where they are spread.
    const spread = await post(
      gw,
      {
        query: `mutation { ...Two }
          fragment Two on Mutation {
            a: activateCustomer(input: { customerId: "fusebill:8708475" }) { reconciled }
            b: activateCustomer(input: { customerId: "fusebill:8708476" }) { reconciled }
          }`,
      },
      { 'idempotency-key': randomUUID() },
    );
    expect(spread.status).toBe(400);
    expect(activations(gw)).toBe(sent);
  });

  it('refuses variables nested too deep to fingerprint with 400, not a crash', async () => {
    const deep = '['.repeat(30_000) + ']'.repeat(30_000);
    const res = await fetch(gw.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': randomUUID() },
      body: `{"query":${JSON.stringify(ACTIVATE)},"variables":{"id":"fusebill:8708468","y":${deep}}}`,
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      errors: [
        {
          message: 'The variables nest deeper than 64 levels',
          extensions: { code: 'BAD_REQUEST' },
        },
      ],
    });
  });

  it('ignores a key on a query: queries run every time', async () => {
    const key = randomUUID();
    const read = { query: '{ customer(id: "fusebill:12000750") { status } }' };
    const a = await post(gw, read, { 'idempotency-key': key });
    const b = await post(gw, read, { 'idempotency-key': key });
    expect(a.status).toBe(200);
    expect(b.headers.get('idempotent-replayed')).toBeNull();
  });
});

describe('keys released when the provider is disabled or its circuit is open', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway({
      DISABLED_PROVIDERS: 'enkash',
      BREAKER_FAILURES: '1',
      BREAKER_COOLDOWN_MS: '60000',
      UPSTREAM_READ_RETRIES: '0',
    });
  });
  afterAll(() => gw.close());

  it('PROVIDER_DISABLED: nothing stored, the key can serve another try', async () => {
    const key = randomUUID();
    const body = {
      query: `mutation { activateCustomer(input: { customerId: "enkash:KC00000001" }) { reconciled } }`,
    };
    const first = await post(gw, body, { 'idempotency-key': key });
    expect(first.json.errors[0].extensions.code).toBe('PROVIDER_DISABLED');
    const second = await post(gw, body, { 'idempotency-key': key });
    expect(second.headers.get('idempotent-replayed')).toBeNull();
    expect(second.json.errors[0].extensions.code).toBe('PROVIDER_DISABLED');
  });

  it('circuit OPEN: the write was not sent, so the key is released', async () => {
    gw.sandbox('fusebill').inject({
      match: (r) => r.method === 'GET',
      action: { kind: 'respond', response: { status: 503, body: { message: 'down' } } },
    });
    await post(gw, { query: '{ customer(id: "fusebill:12000750") { status } }' });
    const key = randomUUID();
    const body = { query: ACTIVATE, variables: { id: 'fusebill:8708474' } };
    const sent = activations(gw);
    const refused = await post(gw, body, { 'idempotency-key': key });
    expect(refused.json.errors[0].extensions).toMatchObject({
      code: 'PROVIDER_UNAVAILABLE',
      circuit: 'OPEN',
    });
    expect(activations(gw)).toBe(sent);
    // Released: another request may take the key (a kept key would answer 422).
    const other = await post(
      gw,
      { query: ACTIVATE, variables: { id: 'fusebill:8708479' } },
      { 'idempotency-key': key },
    );
    expect(other.status).toBe(200);
    expect(other.json.errors[0].extensions).toMatchObject({ circuit: 'OPEN' });
  });
});

describe.runIf(redisUp)('a key refused by the operation limits, with Redis', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway({
      MAX_UPSTREAM_CALLS: '1',
      REDIS_URL,
      REDIS_KEY_PREFIX: `switchyard-test-${randomUUID()}:`,
    });
  });
  afterAll(() => gw.close());

  it('is never taken, so the same key serves the corrected request at once', async () => {
    const SET = `mutation ($input: SetCardActivationCodesInput!) {
      setCardActivationCodes(input: $input) { acceptedCount }
    }`;
    const codes = (n: number) =>
      Array.from({ length: n }, (_, i) => ({
        programNumber: '95000000',
        proxyNumber: `60395304010${String(i).padStart(8, '0')}`,
        activationCode: 'Lk1234',
      }));
    const key = randomUUID();
    const tooMany = await post(
      gw,
      { query: SET, variables: { input: { codes: codes(1_001) } } },
      { 'idempotency-key': key },
    );
    expect(tooMany.json.errors[0].extensions.code).toBe('OPERATION_TOO_COMPLEX');
    const fixed = await post(
      gw,
      { query: SET, variables: { input: { codes: codes(3) } } },
      { 'idempotency-key': key },
    );
    expect(fixed.status).toBe(200);
    expect(fixed.json.data.setCardActivationCodes.acceptedCount).toBe(3);
  });
});

describe('IDEMPOTENCY_REQUIRED=true', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway({ IDEMPOTENCY_REQUIRED: 'true' });
  });
  afterAll(() => gw.close());

  it('refuses a mutation without a key (400 IDEMPOTENCY_KEY_REQUIRED), running nothing; queries need none', async () => {
    const sent = activations(gw);
    const res = await post(gw, { query: ACTIVATE, variables: { id: 'fusebill:8708470' } });
    expect(res.status).toBe(400);
    expect(res.json.errors[0].extensions.code).toBe('IDEMPOTENCY_KEY_REQUIRED');
    expect(activations(gw)).toBe(sent);
    const read = await post(gw, { query: '{ customer(id: "fusebill:12000750") { status } }' });
    expect(read.json).toEqual({ data: { customer: { status: 'ACTIVE' } } });
  });
});

describe('IDEMPOTENCY_TTL_SECONDS', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway({ IDEMPOTENCY_TTL_SECONDS: '1' });
  });
  afterAll(() => gw.close());

  it('forgets a stored answer after the TTL: the same key then runs afresh', async () => {
    const key = randomUUID();
    const body = { query: ACTIVATE, variables: { id: 'fusebill:8708471' } };
    await post(gw, body, { 'idempotency-key': key });
    const replay = await post(gw, body, { 'idempotency-key': key });
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    const after = await post(gw, body, { 'idempotency-key': key });
    expect(after.headers.get('idempotent-replayed')).toBeNull();
    // Run afresh: the customer is already active now, and the gateway says so.
    expect(after.json.data.activateCustomer.userErrors[0]?.code ?? 'none').not.toBe('none');
  });
});
