/** One audit line per mutation, for every outcome, and never a secret in it. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { writeClientsFile } from '../helpers/identity.js';

const ALL = [
  'customers:read',
  'customers:activate',
  'customers:status',
  'customers:bulk',
  'cards:write',
];
let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway({
    CLIENTS_FILE: writeClientsFile([
      { id: 'ops', keys: ['k-ops'], scopes: ALL, providers: ['FUSEBILL', 'BLACKHAWK', 'ENKASH'] },
      { id: 'reader', keys: ['k-reader'], scopes: ['customers:read'] },
    ]),
  });
});
afterAll(() => gw.close());

let serial = 0;
async function audited(key: string, query: string, variables?: Record<string, unknown>) {
  const requestId = `audit-${++serial}`;
  const res = await gw.graphql(query, variables, { 'x-api-key': key, 'x-request-id': requestId });
  const lines = gw.logs.filter((l) => l.audit === true && l.requestId === requestId);
  return { res, lines };
}

const ACTIVATE = (id: string) =>
  `mutation { activateCustomer(input: {customerId: "${id}"}) { customer { status } userErrors { code } } }`;

describe('audit lines', () => {
  it('records a mutation that worked', async () => {
    const { lines } = await audited('k-ops', ACTIVATE('fusebill:8708457'));
    expect(lines).toEqual([
      expect.objectContaining({
        level: 'info',
        msg: 'audit',
        audit: true,
        clientId: 'ops',
        operation: 'activateCustomer',
        provider: 'fusebill',
        targets: ['fusebill:8708457'],
        outcome: 'ok',
      }),
    ]);
  });

  it('records the userError codes of a refused mutation', async () => {
    const { lines } = await audited('k-ops', ACTIVATE('fusebill:not-a-number'));
    expect(lines).toEqual([
      expect.objectContaining({ outcome: 'INVALID_INPUT', targets: ['fusebill:not-a-number'] }),
    ]);
  });

  it('records the error code of a provider failure', async () => {
    gw.sandbox('fusebill').inject({
      action: { kind: 'respond', response: { status: 503, body: {} } },
    });
    const { lines } = await audited('k-ops', ACTIVATE('fusebill:8708458'));
    expect(lines).toEqual([expect.objectContaining({ outcome: 'PROVIDER_UNAVAILABLE' })]);
  });

  it('records a refusal for a missing scope and for a provider outside the client’s share', async () => {
    const scope = await audited('k-reader', ACTIVATE('fusebill:8708459'));
    expect(scope.lines).toEqual([
      expect.objectContaining({ clientId: 'reader', outcome: 'FORBIDDEN' }),
    ]);
    const share = await audited('k-ops', ACTIVATE('netxd:100000000025001'));
    expect(share.lines).toEqual([
      expect.objectContaining({
        outcome: 'FORBIDDEN',
        provider: 'netxd',
        targets: ['netxd:100000000025001'],
      }),
    ]);
  });

  it('records activation codes by card, count and program, never the codes', async () => {
    const codes = Array.from({ length: 30 }, (_, i) => ({
      programNumber: '95000000',
      proxyNumber: String(6039530400000900000n + BigInt(i)),
      activationCode: `Secret${String(i).padStart(4, '0')}`,
    }));
    const { lines } = await audited(
      'k-ops',
      'mutation ($input: SetCardActivationCodesInput!) { setCardActivationCodes(input: $input) { acceptedCount } }',
      { input: { codes } },
    );
    expect(lines).toEqual([
      expect.objectContaining({
        operation: 'setCardActivationCodes',
        provider: 'blackhawk',
        cardCount: 30,
        cardPrograms: ['95000000'],
        outcome: 'ok',
        acceptedCount: 30,
      }),
    ]);
    expect(lines[0]!.targets).toHaveLength(20);
    expect((lines[0]!.targets as string[])[0]).toBe('blackhawk:95000000:6039530400000900000');
    expect(gw.logText()).not.toMatch(/Secret\d{4}/);
  });

  it('writes one line per mutation field of an operation, and none for queries', async () => {
    const { lines } = await audited(
      'k-ops',
      `mutation { a: activateCustomer(input: {customerId: "fusebill:8708460"}) { userErrors { code } } b: updateCustomerStatus(input: {customerId: "fusebill:12000750", status: ON_HOLD}) { userErrors { code } } }`,
    );
    expect(lines.map((l) => l.operation).sort()).toEqual([
      'activateCustomer',
      'updateCustomerStatus',
    ]);
    const read = await audited('k-ops', '{ customer(id: "fusebill:12000750") { id } }');
    expect(read.lines).toEqual([]);
  });
});
