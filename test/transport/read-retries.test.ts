/**
 * Read retries over real HTTP against the sandboxes: which answers are tried again, how many
 * times, within which deadline, and that writes are not (the sandbox counts what arrived).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

const DEADLINE_MS = 2_000;
// Generous: a loaded 2-core machine runs other engineers' tests at the same time.
const SLACK_MS = 1_000;
const FUSEBILL_READ = '{ customer(id: "fusebill:12000750") { id status } }';
const NETXD_READ = '{ customer(id: "netxd:100000000005001") { id status } }';
const ACTIVATE = `mutation { activateCustomer(input: {customerId: "fusebill:8708480"}) {
  customer { id } userErrors { code } } }`;
const respond = (status: number, headers: Record<string, string> = {}) =>
  ({ kind: 'respond', response: { status, headers, body: {} } }) as const;

async function timed<T>(run: () => Promise<T>): Promise<[T, number]> {
  const started = performance.now();
  const result = await run();
  return [result, performance.now() - started];
}

describe('read retries', () => {
  let gw: TestGateway;
  const fusebill = () => gw.sandbox('fusebill');
  const retryLines = () => gw.logs.filter((l) => l.msg === 'retrying upstream call');

  beforeAll(async () => {
    gw = await startTestGateway({
      UPSTREAM_TIMEOUT_MS: String(DEADLINE_MS),
      // Many failures in a row here are on purpose; the breaker has its own tests.
      BREAKER_FAILURES: '1000',
    });
  });
  afterAll(() => gw.close());
  beforeEach(() => {
    fusebill().reset();
    gw.sandbox('netxd').reset();
  });

  it('a read answered 503 and then 200 succeeds, and the provider saw two requests', async () => {
    const before = retryLines().length;
    fusebill().inject({ action: respond(503) });
    const res = await gw.graphql(FUSEBILL_READ);
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.customer.status).toBe('ACTIVE');
    expect(fusebill().receivedCount()).toBe(2);
    const [line, ...more] = retryLines().slice(before);
    expect(more).toEqual([]);
    expect(line).toMatchObject({
      level: 'debug',
      provider: 'fusebill',
      operation: expect.any(String),
      attempt: 2,
      reason: 'HTTP 503',
    });
    // No customer id or body in the line.
    expect(JSON.stringify(line)).not.toContain('12000750');
  });

  it('three 503s with UPSTREAM_READ_RETRIES=2 fail PROVIDER_UNAVAILABLE after exactly three requests', async () => {
    fusebill().inject({ action: respond(503), times: Infinity });
    const res = await gw.graphql(FUSEBILL_READ);
    expect(res.body.errors?.[0]?.extensions).toMatchObject({
      code: 'PROVIDER_UNAVAILABLE',
      provider: 'FUSEBILL',
    });
    expect(fusebill().receivedCount()).toBe(3);
  });

  it.each([502, 504])('a read answered %i is tried again', async (status) => {
    fusebill().inject({ action: respond(status) });
    const res = await gw.graphql(FUSEBILL_READ);
    expect(res.body.data.customer.status).toBe('ACTIVE');
    expect(fusebill().receivedCount()).toBe(2);
  });

  it('a read whose connection is reset is tried again and succeeds', async () => {
    fusebill().inject({ action: { kind: 'reset' } });
    const res = await gw.graphql(FUSEBILL_READ);
    expect(res.body.data.customer.status).toBe('ACTIVE');
    expect(fusebill().receivedCount()).toBe(2);
  });

  it('a 500 is not tried again: it is not a transient answer', async () => {
    fusebill().inject({ action: respond(500), times: Infinity });
    const res = await gw.graphql(FUSEBILL_READ);
    expect(res.body.errors?.[0]?.extensions?.code).toBe('PROVIDER_UNAVAILABLE');
    expect(fusebill().receivedCount()).toBe(1);
  });

  it('a 429 with Retry-After: 1 is waited for, then tried again', async () => {
    fusebill().inject({ action: respond(429, { 'retry-after': '1' }) });
    const [res, ms] = await timed(() => gw.graphql(FUSEBILL_READ));
    expect(res.body.data.customer.status).toBe('ACTIVE');
    expect(fusebill().receivedCount()).toBe(2);
    expect(ms).toBeGreaterThanOrEqual(950);
    const [first, second] = fusebill().journal;
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(950);
  });

  it('a 429 whose Retry-After runs past the deadline fails at once with PROVIDER_RATE_LIMITED and retryAfter', async () => {
    fusebill().inject({ action: respond(429, { 'retry-after': '30' }), times: Infinity });
    const [res, ms] = await timed(() => gw.graphql(FUSEBILL_READ));
    expect(res.body.errors?.[0]?.extensions).toMatchObject({
      code: 'PROVIDER_RATE_LIMITED',
      provider: 'FUSEBILL',
      retryAfter: 30,
    });
    expect(fusebill().receivedCount()).toBe(1);
    // Waiting would have taken 30 s; giving up at the deadline would have taken 2 s.
    expect(ms).toBeLessThan(DEADLINE_MS);
  });

  it('a read that gets a 503 and then hangs ends at the deadline, not after it', async () => {
    fusebill().inject({ action: respond(503) });
    fusebill().inject({ action: { kind: 'hang' } });
    const [res, ms] = await timed(() => gw.graphql(FUSEBILL_READ));
    expect(res.body.errors?.[0]?.extensions?.code).toBe('PROVIDER_TIMEOUT');
    expect(fusebill().receivedCount()).toBe(2);
    expect(ms).toBeLessThan(DEADLINE_MS + SLACK_MS);
  });

  it('a hanging read is not tried again: the deadline covers every attempt', async () => {
    fusebill().inject({ action: { kind: 'hang' }, times: Infinity });
    const [res, ms] = await timed(() => gw.graphql(FUSEBILL_READ));
    expect(res.body.errors?.[0]?.extensions?.code).toBe('PROVIDER_TIMEOUT');
    expect(fusebill().receivedCount()).toBe(1);
    expect(ms).toBeGreaterThanOrEqual(DEADLINE_MS - 5);
    expect(ms).toBeLessThan(DEADLINE_MS + SLACK_MS);
  });

  it.each([
    ['503', respond(503), 'PROVIDER_UNAVAILABLE'],
    ['502', respond(502), 'OUTCOME_UNKNOWN'],
    ['504', respond(504), 'OUTCOME_UNKNOWN'],
    ['429', respond(429, { 'retry-after': '1' }), 'PROVIDER_RATE_LIMITED'],
    ['connection reset', { kind: 'reset' } as const, 'OUTCOME_UNKNOWN'],
  ])('a write answered %s is never tried again', async (_name, action, code) => {
    fusebill().inject({ action, times: Infinity });
    const res = await gw.graphql(ACTIVATE);
    expect(res.body.errors?.[0]?.extensions?.code).toBe(code);
    expect(fusebill().receivedCount()).toBe(1);
  });

  it('a NetXD read is tried again under a new JSON-RPC id with the same valid signature', async () => {
    gw.sandbox('netxd').inject({ action: respond(503) });
    const res = await gw.graphql(NETXD_READ);
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.customer.status).toBe('ACTIVE');
    const sent = gw
      .sandbox('netxd')
      .journal.map(
        (r) => JSON.parse(r.body.toString('utf8')) as { id: string; params: { api: unknown } },
      );
    expect(sent).toHaveLength(2);
    expect(sent[0]!.id).not.toBe(sent[1]!.id);
    expect(sent[0]!.params.api).toEqual(sent[1]!.params.api);
  });

  it('a NetXD read that NetXD processed before the connection was reset is answered on the retry, not refused as a duplicate id', async () => {
    gw.sandbox('netxd').inject({ action: { kind: 'apply-then-reset' } });
    const res = await gw.graphql(NETXD_READ);
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.customer.status).toBe('ACTIVE');
    expect(gw.sandbox('netxd').receivedCount()).toBe(2);
  });

  it('a token request answered 503 is tried again within the call', async () => {
    const enkash = gw.sandbox('enkash');
    enkash.reset();
    // A fresh token is needed: revoke whatever the cache holds.
    (enkash.state as { revokeAllTokens(): void }).revokeAllTokens();
    enkash.inject({ match: (r) => r.path === '/oauth/token', action: respond(503) });
    const res = await gw.graphql(
      `mutation { activateCustomer(input: {customerId: "enkash:KCINACT000000177"}) {
        customer { status } userErrors { code } } }`,
    );
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.activateCustomer.customer.status).toBe('ACTIVE');
    expect(enkash.journal.filter((r) => r.path === '/oauth/token')).toHaveLength(2);
  });
});

describe('UPSTREAM_READ_RETRIES=0', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway({ UPSTREAM_READ_RETRIES: '0' });
  });
  afterAll(() => gw.close());

  it('sends a read once', async () => {
    gw.sandbox('fusebill').inject({ action: respond(503) });
    const res = await gw.graphql(FUSEBILL_READ);
    expect(res.body.errors?.[0]?.extensions?.code).toBe('PROVIDER_UNAVAILABLE');
    expect(gw.sandbox('fusebill').receivedCount()).toBe(1);
  });
});

describe('a write to a provider that refuses connections', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    // Port 1 on loopback refuses connections: the request provably never left.
    gw = await startTestGateway({
      FUSEBILL_BASE_URL: 'http://127.0.0.1:1',
      FUSEBILL_API_KEY: 'k',
      UPSTREAM_TIMEOUT_MS: String(DEADLINE_MS),
    });
  });
  afterAll(() => gw.close());

  it('is tried again, because it never left, and then fails PROVIDER_UNAVAILABLE', async () => {
    const res = await gw.graphql(ACTIVATE);
    expect(res.body.errors?.[0]?.extensions).toMatchObject({
      code: 'PROVIDER_UNAVAILABLE',
      provider: 'FUSEBILL',
    });
    const retries = gw.logs.filter((l) => l.msg === 'retrying upstream call');
    expect(retries.map((l) => [l.provider, l.attempt, l.reason])).toEqual([
      ['fusebill', 2, 'ECONNREFUSED'],
      ['fusebill', 3, 'ECONNREFUSED'],
    ]);
  });
});
