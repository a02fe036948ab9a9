/**
 * Deadlines and unknown outcomes, shown on Fusebill: a read that hangs is PROVIDER_TIMEOUT, a write
 * that hangs after it was sent is OUTCOME_UNKNOWN, a write that never reached the provider is not.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

const DEADLINE_MS = 400;
// Generous: without the deadline these calls would hang until the test's own timeout, so a bound
// of a second past the deadline still proves it, and a loaded 2-core machine does not flake it.
const SLACK_MS = 1_000;
const READ = '{ customer(id: "fusebill:12000750") { id status } }';
const ACTIVATE = `mutation { activateCustomer(input: {customerId: "fusebill:8708480"}) {
  customer { id } userErrors { code } } }`;

async function timed<T>(run: () => Promise<T>): Promise<[T, number]> {
  const started = performance.now();
  const result = await run();
  return [result, performance.now() - started];
}

describe('upstream deadlines against the sandbox', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    // These tests fail Fusebill many times in a row on purpose; the breaker has its own tests.
    gw = await startTestGateway({
      UPSTREAM_TIMEOUT_MS: String(DEADLINE_MS),
      BREAKER_FAILURES: '1000',
    });
  });
  // A fault one test injected but did not use up must not reach the next one.
  afterEach(() => gw.sandbox('fusebill').reset());
  afterAll(() => gw.close());

  it('a hanging read becomes PROVIDER_TIMEOUT within the deadline', async () => {
    gw.sandbox('fusebill').inject({ action: { kind: 'hang' } });
    const [res, ms] = await timed(() => gw.graphql(READ));
    expect(res.body.errors?.[0]?.extensions).toMatchObject({
      code: 'PROVIDER_TIMEOUT',
      provider: 'FUSEBILL',
    });
    expect(ms).toBeGreaterThanOrEqual(DEADLINE_MS - 5);
    expect(ms).toBeLessThan(DEADLINE_MS + SLACK_MS);
  });

  it('a hanging write becomes OUTCOME_UNKNOWN within the deadline', async () => {
    gw.sandbox('fusebill').inject({ action: { kind: 'hang' } });
    const [res, ms] = await timed(() => gw.graphql(ACTIVATE));
    expect(res.body.data).toBeNull();
    expect(res.body.errors?.[0]?.extensions).toMatchObject({
      code: 'OUTCOME_UNKNOWN',
      provider: 'FUSEBILL',
    });
    expect(res.body.errors?.[0]?.message).toMatch(/check/i);
    expect(ms).toBeLessThan(DEADLINE_MS + SLACK_MS);
  });

  it('a connection reset after a write was sent is OUTCOME_UNKNOWN, and the write is not repeated', async () => {
    gw.sandbox('fusebill').reset();
    gw.sandbox('fusebill').inject({ action: { kind: 'reset' } });
    const write = await gw.graphql(ACTIVATE);
    expect(write.body.errors?.[0]?.extensions?.code).toBe('OUTCOME_UNKNOWN');
    expect(gw.sandbox('fusebill').receivedCount()).toBe(1);
  });

  it('a read is tried again after a reset (twice by default), and is PROVIDER_UNAVAILABLE when every try fails', async () => {
    gw.sandbox('fusebill').reset();
    gw.sandbox('fusebill').inject({ action: { kind: 'reset' }, times: 2 });
    const third = await gw.graphql(READ);
    expect(third.body.data.customer.status).toBe('ACTIVE');
    expect(gw.sandbox('fusebill').receivedCount()).toBe(3);
    gw.sandbox('fusebill').reset();
    gw.sandbox('fusebill').inject({ action: { kind: 'reset' }, times: 3 });
    const none = await gw.graphql(READ);
    expect(none.body.errors?.[0]?.extensions?.code).toBe('PROVIDER_UNAVAILABLE');
    expect(gw.sandbox('fusebill').receivedCount()).toBe(3);
  });

  it.each([
    [301, 'read', 'PROVIDER_UNAVAILABLE'],
    [302, 'read', 'PROVIDER_UNAVAILABLE'],
    [308, 'write', 'PROVIDER_UNAVAILABLE'],
    [307, 'write', 'PROVIDER_UNAVAILABLE'],
    [302, 'write', 'OUTCOME_UNKNOWN'],
    [303, 'write', 'OUTCOME_UNKNOWN'],
  ])(
    'a %i redirect with an HTML body on a %s is %s and is not followed',
    async (status, kind, code) => {
      gw.sandbox('fusebill').reset();
      gw.sandbox('fusebill').inject({
        action: {
          kind: 'respond',
          response: {
            status,
            headers: { location: 'https://elsewhere.example/', 'content-type': 'text/html' },
            raw: '<html>Moved</html>',
          },
        },
      });
      const res = await gw.graphql(kind === 'read' ? READ : ACTIVATE);
      expect(res.body.errors?.[0]?.extensions?.code).toBe(code);
      if (code === 'PROVIDER_UNAVAILABLE')
        expect(res.body.errors?.[0]?.message).toContain('BASE_URL');
      expect(gw.sandbox('fusebill').receivedCount()).toBe(1);
      expect(
        gw.logs.some(
          (l) => l.msg === 'provider sent a body that is not JSON' && l.status === status,
        ),
      ).toBe(false);
    },
  );

  it('a 502 on a write is OUTCOME_UNKNOWN, on a read PROVIDER_UNAVAILABLE', async () => {
    gw.sandbox('fusebill').inject({
      action: { kind: 'respond', response: { status: 502, body: {} } },
    });
    expect((await gw.graphql(ACTIVATE)).body.errors?.[0]?.extensions?.code).toBe('OUTCOME_UNKNOWN');
    // A read is tried again after a 502 (twice by default): it fails only when every try does.
    gw.sandbox('fusebill').reset();
    gw.sandbox('fusebill').inject({
      action: { kind: 'respond', response: { status: 502, body: {} } },
      times: 3,
    });
    expect((await gw.graphql(READ)).body.errors?.[0]?.extensions?.code).toBe(
      'PROVIDER_UNAVAILABLE',
    );
    expect(gw.sandbox('fusebill').receivedCount()).toBe(3);
  });

  it('a 504 on a write is OUTCOME_UNKNOWN (an intermediary gave up, the provider may have done it)', async () => {
    gw.sandbox('fusebill').inject({
      action: { kind: 'respond', response: { status: 504, body: {} } },
    });
    const res = await gw.graphql(ACTIVATE);
    expect(res.body.errors?.[0]?.extensions?.code).toBe('OUTCOME_UNKNOWN');
  });

  it('a 2xx write answer that is not JSON is OUTCOME_UNKNOWN; an HTML 404 (a proxy, a wrong origin) is PROVIDER_UNAVAILABLE, not NOT_FOUND', async () => {
    gw.sandbox('fusebill').inject({
      action: { kind: 'respond', response: { status: 200, raw: '<html>ok</html>' } },
    });
    const accepted = await gw.graphql(ACTIVATE);
    expect(accepted.body.errors?.[0]?.extensions?.code).toBe('OUTCOME_UNKNOWN');
    gw.sandbox('fusebill').inject({
      action: { kind: 'respond', response: { status: 404, raw: '<html>no</html>' } },
    });
    const missing = await gw.graphql(ACTIVATE);
    expect(missing.body.errors?.[0]?.extensions?.code).toBe('PROVIDER_UNAVAILABLE');
  });

  it('a slow answer inside the deadline is fine', async () => {
    gw.sandbox('fusebill').inject({ action: { kind: 'delay', ms: DEADLINE_MS / 4 } });
    const res = await gw.graphql(READ);
    expect(res.body.data.customer.status).toBe('ACTIVE');
  });

  it('a write whose answer cannot be read is OUTCOME_UNKNOWN, not a silent success', async () => {
    gw.sandbox('fusebill').inject({
      action: { kind: 'respond', response: { status: 200, body: { unexpected: true } } },
    });
    const res = await gw.graphql(ACTIVATE);
    expect(res.body.errors?.[0]?.extensions?.code).toBe('OUTCOME_UNKNOWN');
  });
});

describe('a provider that cannot be reached', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    // Port 1 on loopback refuses connections: the request provably never reached anyone.
    gw = await startTestGateway({
      FUSEBILL_BASE_URL: 'http://127.0.0.1:1',
      FUSEBILL_API_KEY: 'k',
      UPSTREAM_TIMEOUT_MS: '2000',
    });
  });
  afterAll(() => gw.close());

  it('is LIVE mode in providers', async () => {
    const res = await gw.graphql('{ providers { provider mode } }');
    expect(res.body.data.providers).toContainEqual({ provider: 'FUSEBILL', mode: 'LIVE' });
  });

  it('gives PROVIDER_UNAVAILABLE for reads and writes (a refused write is known not to have happened)', async () => {
    const read = await gw.graphql(READ);
    expect(read.body.errors?.[0]?.extensions).toMatchObject({
      code: 'PROVIDER_UNAVAILABLE',
      provider: 'FUSEBILL',
    });
    const write = await gw.graphql(ACTIVATE);
    expect(write.body.errors?.[0]?.extensions).toMatchObject({
      code: 'PROVIDER_UNAVAILABLE',
      provider: 'FUSEBILL',
    });
  });
});
