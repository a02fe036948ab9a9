import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNetxdSandbox } from '../../src/sandbox/netxd.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

// LIVE mode end to end: the gateway is configured through NETXD_* variables only, pointed at a
// NetXD sandbox it did not start, with the key on one line as env files carry it.
let upstream: Awaited<ReturnType<typeof startNetxdSandbox>>;
let gw: TestGateway;

beforeAll(async () => {
  upstream = await startNetxdSandbox();
  gw = await startTestGateway({
    NETXD_BASE_URL: upstream.url,
    NETXD_KEY_ID: upstream.settings.keyId,
    NETXD_CREDENTIAL: upstream.settings.credential,
    NETXD_PRIVATE_KEY: upstream.settings.privateKeyPem.replace(/\n/g, '\\n'),
  });
});
afterAll(async () => {
  await gw.close();
  await upstream.close();
});

describe('netxd in LIVE mode', () => {
  it('reports LIVE with its operations and settable statuses', async () => {
    const res = await gw.graphql(`{ providers { provider mode operations settableStatuses } }`);
    expect(res.body.data.providers).toContainEqual({
      provider: 'NETXD',
      mode: 'LIVE',
      operations: ['READ_CUSTOMER', 'ACTIVATE_CUSTOMER', 'UPDATE_CUSTOMER_STATUS'],
      settableStatuses: ['ACTIVE', 'INACTIVE', 'DORMANT', 'SUSPENDED', 'BLOCKED', 'BLACKLISTED'],
    });
  });

  it('signs with the configured key and reaches the configured origin', async () => {
    const res = await gw.graphql(
      `mutation { activateCustomer(input: { customerId: "netxd:100000000025001" }) { customer { status } userErrors { code } } }`,
    );
    expect(res.body.data.activateCustomer).toEqual({
      customer: { status: 'ACTIVE' },
      userErrors: [],
    });
    expect(upstream.journal).toHaveLength(1);
    expect(upstream.journal[0]?.path).toBe('/jsonrpc');
  });

  it('never logs the key or the credential', () => {
    const text = gw.logText();
    expect(text).not.toContain(upstream.settings.credential);
    expect(text).not.toContain(upstream.settings.privateKeyPem.split('\n')[1]);
  });
});
