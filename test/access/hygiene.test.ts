/** Production hygiene: no schema hints to strangers, and answers that cannot be made huge. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { writeClientsFile } from '../helpers/identity.js';

const PRODUCTION = { NODE_ENV: 'production', ALLOW_SANDBOXES: 'true', AUTH_DISABLED: 'true' };

describe('in production', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway(PRODUCTION);
  });
  afterAll(() => gw.close());

  it('suggests no field names and answers no introspection', async () => {
    const typo = await gw.graphql('{ nodee(id: "x") { id } }');
    expect(typo.body.errors?.[0]?.message).not.toMatch(/Did you mean/);
    const introspection = await gw.graphql('{ __schema { queryType { name } } }');
    expect(introspection.body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });
});

describe('INTROSPECTION=true in production', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway({ ...PRODUCTION, INTROSPECTION: 'true' });
  });
  afterAll(() => gw.close());

  it('answers introspection', async () => {
    const res = await gw.graphql('{ __schema { queryType { name } } }');
    expect(res.body.data).toEqual({ __schema: { queryType: { name: 'Query' } } });
  });
});

describe('error messages', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway();
  });
  afterAll(() => gw.close());

  it('quote at most 64 characters of the caller’s input, so 20 ids of 1 MB make a small answer', async () => {
    const huge = '9'.repeat(1_000_000);
    const fields = Array.from({ length: 20 }, (_, i) => `c${i}: customer(id: $id${i}) { id }`).join(
      ' ',
    );
    const declarations = Array.from({ length: 20 }, (_, i) => `$id${i}: ID!`).join(', ');
    const variables = Object.fromEntries(
      Array.from({ length: 20 }, (_, i) => [`id${i}`, `fusebill:${huge}`]),
    );
    const res = await fetch(gw.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: `query (${declarations}) { ${fields} }`, variables }),
    });
    const text = await res.text();
    expect(text.length).toBeLessThan(20_000);
    const body = JSON.parse(text) as { errors: { message: string }[] };
    expect(body.errors).toHaveLength(20);
    expect(body.errors[0]!.message).toBe(
      `Fusebill customer ids are positive integers; got "${'9'.repeat(64)}…" (1000000 characters)`,
    );
  });

  it('cut long card programs in a FORBIDDEN answer, and long card ids are malformed', async () => {
    const partner = await startTestGateway({
      CLIENTS_FILE: writeClientsFile([
        {
          id: 'p',
          keys: ['k-p'],
          scopes: ['cards:write', 'customers:read'],
          cardPrograms: ['95000000'],
        },
      ]),
    });
    try {
      const codes = Array.from({ length: 5 }, (_, i) => ({
        programNumber: '7'.repeat(200_000 + i),
        proxyNumber: '1',
        activationCode: 'Abcd1234',
      }));
      const res = await partner.graphql(
        'mutation ($input: SetCardActivationCodesInput!) { setCardActivationCodes(input: $input) { acceptedCount } }',
        { input: { codes } },
        { 'x-api-key': 'k-p' },
      );
      expect(res.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      expect(JSON.stringify(res.body).length).toBeLessThan(2_000);
      const card = await partner.graphql(
        'query ($id: ID!) { node(id: $id) { id } }',
        { id: `blackhawk:${'9'.repeat(100_000)}:1` },
        { 'x-api-key': 'k-p' },
      );
      expect(card.body.errors?.[0]?.extensions?.code).toBe('INVALID_INPUT');
      expect(JSON.stringify(card.body).length).toBeLessThan(2_000);
    } finally {
      await partner.close();
    }
  });

  it('cut a malformed global id the same way', async () => {
    const res = await gw.graphql('query ($id: ID!) { customer(id: $id) { id } }', {
      id: 'x'.repeat(500),
    });
    expect(res.body.errors?.[0]?.message).toMatch(
      /^"x{64}…" \(500 characters\) is not a global id/,
    );
  });
});
