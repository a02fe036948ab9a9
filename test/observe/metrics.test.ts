/** GET /metrics over real HTTP after a known sequence of operations against the sandboxes. */
import { createHash, randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMetrics, upstreamCall } from '../../src/observe/metrics.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { writeClientsFile } from '../helpers/identity.js';

/** Prometheus text as `name{labels}` → value (labels as written, in the order prom-client writes them). */
function parse(text: string): Map<string, number> {
  const samples = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const cut = line.lastIndexOf(' ');
    samples.set(line.slice(0, cut), Number(line.slice(cut + 1)));
  }
  return samples;
}

async function scrape(gw: TestGateway) {
  const response = await fetch(gw.metricsUrl!);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  const text = await response.text();
  return { text, samples: parse(text) };
}

const CUSTOMER = 'query Whatever($id: ID!) { customer(id: $id) { id status providerStatus } }';
const SET = `mutation ($input: SetCardActivationCodesInput!) {
  setCardActivationCodes(input: $input) { acceptedCount userErrors { code } }
}`;

describe('metrics after a known sequence', () => {
  let gw: TestGateway;
  let text: string;
  let samples: Map<string, number>;
  let refusedCode: string;

  beforeAll(async () => {
    gw = await startTestGateway(
      { UPSTREAM_READ_RETRIES: '0', BREAKER_FAILURES: '1', BREAKER_COOLDOWN_MS: '60000' },
      { metrics: true },
    );
    const read = (id: string) => gw.graphql(CUSTOMER, { id });
    expect((await read('fusebill:12000750')).body.data.customer.status).toBe('ACTIVE');
    // Unknown statuses: Fusebill's Archived, NetXD's CLOSED.
    expect((await read('fusebill:12000755')).body.data.customer.status).toBe('UNKNOWN');
    expect((await read('netxd:100000000005007')).body.data.customer.status).toBe('UNKNOWN');
    // Blackhawk: a token request, then the codes.
    const set = await gw.graphql(SET, {
      input: {
        codes: [
          {
            programNumber: '95000000',
            proxyNumber: '6039530400000000001',
            activationCode: 'Ab12Cd34',
          },
        ],
      },
    });
    expect(set.body.data.setCardActivationCodes.acceptedCount).toBe(1);
    // A business refusal: the payload's userErrors code is the outcome.
    const refused = await gw.graphql(
      `mutation { activateCustomer(input: {customerId: "fusebill:12000754"}) { userErrors { code } } }`,
    );
    refusedCode = refused.body.data.activateCustomer.userErrors[0]?.code as string;
    expect(refusedCode).toBeTruthy();
    // Fusebill paces us (429), then fails (503): the circuit opens, the next read is refused unsent.
    const fusebill = gw.sandbox('fusebill');
    fusebill.inject({
      action: { kind: 'respond', response: { status: 429, headers: { 'retry-after': '1' } } },
    });
    expect((await read('fusebill:12000750')).body.errors?.[0]?.extensions?.code).toBe(
      'PROVIDER_RATE_LIMITED',
    );
    fusebill.inject({ action: { kind: 'respond', response: { status: 503 } } });
    expect((await read('fusebill:12000750')).body.errors?.[0]?.extensions?.code).toBe(
      'PROVIDER_UNAVAILABLE',
    );
    const refusedUnsent = await read('fusebill:12000750');
    expect(refusedUnsent.body.errors?.[0]?.extensions?.circuit).toBe('OPEN');
    ({ text, samples } = await scrape(gw));
  });
  afterAll(() => gw.close());

  it('counts operations by a bounded label (the root field), type and outcome', () => {
    const ops = (outcome: string, operation = 'customer', type = 'query') =>
      samples.get(
        `switchyard_operations_total{operation="${operation}",type="${type}",outcome="${outcome}"}`,
      );
    expect(ops('ok')).toBe(3);
    expect(ops('PROVIDER_RATE_LIMITED')).toBe(1);
    expect(ops('PROVIDER_UNAVAILABLE')).toBe(2);
    expect(ops('ok', 'setCardActivationCodes', 'mutation')).toBe(1);
    expect(ops(refusedCode, 'activateCustomer', 'mutation')).toBe(1);
    // The client's own operation name is not a label: it is not a trusted document.
    expect(text).not.toContain('Whatever');
    expect(
      samples.get('switchyard_operation_duration_seconds_count{operation="customer",type="query"}'),
    ).toBe(6);
  });

  it('counts every HTTP attempt per provider, call and status class', () => {
    const up = (provider: string, call: string, outcome: string) =>
      samples.get(
        `switchyard_upstream_requests_total{provider="${provider}",call="${call}",outcome="${outcome}"}`,
      );
    expect(up('fusebill', 'read', '2xx')).toBe(2);
    expect(up('fusebill', 'read', '4xx')).toBe(1);
    expect(up('fusebill', 'read', '5xx')).toBe(1);
    expect(up('netxd', 'read', '2xx')).toBe(1);
    expect(up('blackhawk', 'token', '2xx')).toBe(1);
    expect(up('blackhawk', 'cards', '2xx')).toBe(1);
    expect(
      samples.get('switchyard_upstream_duration_seconds_count{provider="fusebill",call="read"}'),
    ).toBe(4);
    expect(
      samples.get('switchyard_upstream_token_fetches_total{provider="blackhawk",outcome="ok"}'),
    ).toBe(1);
  });

  it('counts unknown statuses by provider and value', () => {
    expect(
      samples.get('switchyard_unknown_status_total{provider="fusebill",value="Archived"}'),
    ).toBe(1);
    expect(samples.get('switchyard_unknown_status_total{provider="netxd",value="CLOSED"}')).toBe(1);
  });

  it('shows each circuit (2 open) and counts provider rate limiting', () => {
    expect(samples.get('switchyard_circuit_state{provider="fusebill"}')).toBe(2);
    expect(samples.get('switchyard_circuit_state{provider="netxd"}')).toBe(0);
    expect(samples.get('switchyard_rate_limited_total{scope="provider"}')).toBe(1);
    expect(samples.get('switchyard_rate_limited_total{scope="client"}')).toBe(0);
  });

  it('includes the default process metrics, and answers 404 elsewhere', async () => {
    expect(text).toContain('process_cpu_user_seconds_total');
    expect(text).toContain('nodejs_eventloop_lag_seconds');
    const other = await fetch(gw.metricsUrl!.replace('/metrics', '/graphql'));
    expect(other.status).toBe(404);
  });
});

describe('metrics labels stay bounded', () => {
  it('keeps the first 20 distinct unknown values per provider, truncated to 32 characters', async () => {
    const metrics = createMetrics();
    for (let i = 0; i < 25; i++) metrics.unknownStatus('fusebill', `NEW_${i}`);
    metrics.unknownStatus('fusebill', 'NEW_0');
    metrics.unknownStatus('netxd', 'X'.repeat(100));
    const samples = parse(await metrics.registry.metrics());
    const values = [...samples.keys()].filter((k) =>
      k.startsWith('switchyard_unknown_status_total{provider="fusebill"'),
    );
    expect(values).toHaveLength(21);
    expect(samples.get('switchyard_unknown_status_total{provider="fusebill",value="NEW_0"}')).toBe(
      2,
    );
    expect(samples.get('switchyard_unknown_status_total{provider="fusebill",value="other"}')).toBe(
      5,
    );
    expect(
      samples.get(`switchyard_unknown_status_total{provider="netxd",value="${'X'.repeat(32)}"}`),
    ).toBe(1);
  });

  it.each([
    ['read customer', 'read'],
    ['CustomerService.GetCustomer', 'read'],
    ['activate customer', 'activate'],
    ['activation preview', 'preview'],
    ['hold customer', 'status'],
    ['CustomerService.UpdateCustomerStatus', 'status'],
    ['bulk update customers', 'bulk'],
    ['set activation codes', 'cards'],
    ['token', 'token'],
    ['something new', 'other'],
    ['constructor', 'other'],
  ])('the call label of %j is %s', (operation, call) => {
    expect(upstreamCall(operation)).toBe(call);
  });
});

describe('metrics of access, trusted documents and idempotency', () => {
  let gw: TestGateway;
  const TRUSTED = 'query ReadOne { customer(id: "fusebill:12000750") { status } }';

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'switchyard-metrics-'));
    const manifest = join(dir, 'manifest.json');
    writeFileSync(
      manifest,
      JSON.stringify({
        format: 'apollo-persisted-query-manifest',
        version: 1,
        operations: [
          {
            id: createHash('sha256').update(TRUSTED).digest('hex'),
            name: 'ReadOne',
            type: 'query',
            body: TRUSTED,
          },
        ],
      }),
    );
    gw = await startTestGateway(
      {
        CLIENTS_FILE: writeClientsFile([
          {
            id: 'small',
            keys: ['k-small'],
            scopes: ['customers:read', 'customers:status'],
            rateLimitPerMinute: 6,
          },
        ]),
        PERSISTED_DOCUMENTS_FILE: manifest,
      },
      { metrics: true },
    );
  });
  afterAll(() => gw.close());

  it('labels trusted documents by name, counts client 429s and idempotency replays and refusals', async () => {
    const key = { 'x-api-key': 'k-small' };
    expect((await gw.graphql(TRUSTED, undefined, key)).status).toBe(200);
    const hold = `mutation { updateCustomerStatus(input: {customerId: "fusebill:12000750", status: ACTIVE}) { userErrors { code } } }`;
    const keyed = { ...key, 'idempotency-key': randomUUID() };
    const first = await gw.graphql(hold, undefined, keyed);
    expect(first.status).toBe(200);
    const again = await gw.graphql(hold, undefined, keyed);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    const other = await gw.graphql(hold.replace('ACTIVE', 'ON_HOLD'), undefined, keyed);
    expect(other.status).toBe(422);
    // 4 requests admitted so far; the limit is 6 a minute.
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await gw.graphql(TRUSTED, undefined, key)).status);
    expect(statuses).toEqual([200, 200, 429, 429]);

    const { text, samples } = await scrape(gw);
    expect(
      samples.get('switchyard_operations_total{operation="ReadOne",type="query",outcome="ok"}'),
    ).toBe(3);
    expect(samples.get('switchyard_rate_limited_total{scope="client"}')).toBe(2);
    expect(samples.get('switchyard_idempotency_total{outcome="replayed"}')).toBe(1);
    expect(samples.get('switchyard_idempotency_total{outcome="mismatch"}')).toBe(1);
    expect(text).not.toContain('k-small');
  });
});

describe('token fetch metrics', () => {
  it('counts a token request the provider refuses as PROVIDER_AUTH_FAILED', async () => {
    const gw = await startTestGateway({}, { metrics: true });
    try {
      gw.sandbox('blackhawk').inject({
        match: (request) => request.path === '/api/auth',
        action: { kind: 'respond', response: { status: 400, body: { error: 'invalid_client' } } },
      });
      const res = await gw.graphql(SET, {
        input: {
          codes: [
            {
              programNumber: '95000000',
              proxyNumber: '6039530400000000002',
              activationCode: 'Ab12Cd35',
            },
          ],
        },
      });
      expect(JSON.stringify(res.body)).toContain('PROVIDER_AUTH_FAILED');
      const { samples } = await scrape(gw);
      expect(
        samples.get(
          'switchyard_upstream_token_fetches_total{provider="blackhawk",outcome="PROVIDER_AUTH_FAILED"}',
        ),
      ).toBe(1);
      expect(
        samples.get(
          'switchyard_upstream_requests_total{provider="blackhawk",call="token",outcome="4xx"}',
        ),
      ).toBe(1);
    } finally {
      await gw.close();
    }
  });
});
