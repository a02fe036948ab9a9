/**
 * EnKash under a short deadline: a hanging token request is PROVIDER_TIMEOUT (the activation never
 * left), a hanging activation is OUTCOME_UNKNOWN (it may have happened).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { EnkashSandboxState } from '../../src/sandbox/enkash.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

const DEADLINE_MS = 500;
// Generous: without the deadline these calls would hang until the test's own timeout, so a bound
// of a second past the deadline still proves it, and a loaded 2-core machine does not flake it.
const SLACK_MS = 1_000;
const ACTIVATE = `mutation ($input: ActivateCustomerInput!) {
  activateCustomer(input: $input) { customer { id status } userErrors { code } }
}`;

describe('enkash deadlines', () => {
  let gw: TestGateway;
  const sandbox = () => gw.sandbox<EnkashSandboxState>('enkash');
  const activate = async (id: string) => {
    const started = performance.now();
    const res = await gw.graphql(ACTIVATE, { input: { customerId: `enkash:${id}` } });
    return { res, ms: performance.now() - started };
  };

  beforeAll(async () => {
    gw = await startTestGateway({ UPSTREAM_TIMEOUT_MS: String(DEADLINE_MS) });
  });
  afterAll(() => gw.close());
  beforeEach(() => sandbox().reset());

  it('a hanging token request is PROVIDER_TIMEOUT and no activation is sent', async () => {
    // Answers just after the deadline, so a token fetch the cache lets outlive its first caller
    // ends soon and does not hold up the tests after this one.
    sandbox().inject({
      match: (r) => r.path === '/oauth/token',
      action: { kind: 'delay', ms: DEADLINE_MS + 100 },
    });
    const { res, ms } = await activate('KCINACT000000001');
    expect(res.body.data).toBeNull();
    expect(res.body.errors?.[0]?.extensions).toMatchObject({
      code: 'PROVIDER_TIMEOUT',
      provider: 'ENKASH',
    });
    expect(ms).toBeGreaterThanOrEqual(DEADLINE_MS - 5);
    expect(ms).toBeLessThan(DEADLINE_MS + SLACK_MS);
    expect(sandbox().journal.map((r) => `${r.method} ${r.path}`)).toEqual(['POST /oauth/token']);
    expect(sandbox().state.customers.get('KCINACT000000001')?.status).toBe('INACTIVE');
  });

  it('after a timed-out token request the next call fetches a token and succeeds', async () => {
    const { res } = await activate('KCINACT000000002');
    expect(res.body.data.activateCustomer.customer.status).toBe('ACTIVE');
  });

  it('a hanging activation is OUTCOME_UNKNOWN within the deadline', async () => {
    sandbox().inject({ match: (r) => r.method === 'PUT', action: { kind: 'hang' } });
    const { res, ms } = await activate('KCINACT000000003');
    expect(res.body.data).toBeNull();
    expect(res.body.errors?.[0]?.extensions).toMatchObject({
      code: 'OUTCOME_UNKNOWN',
      provider: 'ENKASH',
    });
    expect(res.body.errors?.[0]?.message).toMatch(/check/i);
    expect(ms).toBeLessThan(DEADLINE_MS + SLACK_MS);
  });

  it('a token renewal that hangs after a 401 is PROVIDER_TIMEOUT: the 401 proves nothing was done', async () => {
    sandbox().state.revokeAllTokens();
    sandbox().inject({ match: (r) => r.path === '/oauth/token', action: { kind: 'hang' } });
    const { res, ms } = await activate('KCINACT000000004');
    expect(res.body.errors?.[0]?.extensions?.code).toBe('PROVIDER_TIMEOUT');
    expect(ms).toBeLessThan(DEADLINE_MS + SLACK_MS);
    expect(sandbox().journal.map((r) => r.method)).toEqual(['PUT', 'POST']);
  });
});
