import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SandboxRequest } from '../../src/sandbox/server.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

const DEADLINE_MS = 400;
let gw: TestGateway;

beforeAll(async () => {
  gw = await startTestGateway({ UPSTREAM_TIMEOUT_MS: String(DEADLINE_MS) });
});
afterAll(() => gw.close());

const isMethod = (method: string) => (request: SandboxRequest) =>
  request.body.toString('utf8').includes(`"method":"${method}"`);
const hang = (method: string) =>
  gw.sandbox('netxd').inject({ match: isMethod(method), action: { kind: 'hang' } });
const timed = async <T>(run: () => Promise<T>) => {
  const started = Date.now();
  const result = await run();
  return { result, elapsed: Date.now() - started };
};

describe('netxd deadlines', () => {
  it('gives PROVIDER_TIMEOUT when GetCustomer hangs', async () => {
    hang('CustomerService.GetCustomer');
    const { result, elapsed } = await timed(() =>
      gw.graphql(`{ customer(id: "netxd:100000000005001") { status } }`),
    );
    expect(result.body.errors?.[0]?.extensions).toMatchObject({
      code: 'PROVIDER_TIMEOUT',
      provider: 'NETXD',
    });
    expect(elapsed).toBeGreaterThanOrEqual(DEADLINE_MS - 50);
    expect(elapsed).toBeLessThan(DEADLINE_MS + 1_000);
  });

  it.each([
    [
      'updateCustomerStatus',
      `mutation { updateCustomerStatus(input: { customerId: "netxd:100000000035001", status: BLOCKED }) { userErrors { code } } }`,
    ],
    [
      'activateCustomer',
      `mutation { activateCustomer(input: { customerId: "netxd:100000000025001" }) { userErrors { code } } }`,
    ],
  ])('gives OUTCOME_UNKNOWN when %s hangs after it was sent', async (_name, mutation) => {
    hang('CustomerService.UpdateCustomerStatus');
    const { result, elapsed } = await timed(() => gw.graphql(mutation));
    expect(result.body.errors?.[0]?.extensions).toMatchObject({
      code: 'OUTCOME_UNKNOWN',
      provider: 'NETXD',
    });
    expect(elapsed).toBeGreaterThanOrEqual(DEADLINE_MS - 50);
    expect(elapsed).toBeLessThan(DEADLINE_MS + 1_000);
  });

  it('still answers promptly once the provider does', async () => {
    const res = await gw.graphql(`{ customer(id: "netxd:100000000005001") { status } }`);
    expect(res.body.data.customer.status).toBe('ACTIVE');
  });
});
